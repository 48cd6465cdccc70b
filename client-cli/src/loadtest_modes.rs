//! The lean generator's modes: `chat` (closed loop, or open loop with a
//! rate), `fanout` (public chat stamped with its send time), `idle` (hold
//! connections) and `park` (start games, then everybody leaves).

use std::time::{Duration, Instant};

use allssam_protocol::PROTOCOL_VERSION;
use futures_util::{SinkExt, StreamExt};
use serde::Serialize;
use tokio::time::timeout_at;

use crate::loadtest::{Cpu, CpuMeter, Latency, Start};
use crate::loadtest_raw::{Dialer, RawWs, Read, Samples, Tally, answer, next, open, send};

/// Which lean mode.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RawMode {
    /// Each player chats privately to the next one in its room.
    Chat,
    /// Each player chats publicly, stamped with its send time.
    Fanout,
    /// Players connect and hold, sending nothing.
    Idle,
    /// Rooms are started, then every connection leaves.
    Park,
}

/// What to run.
#[derive(Clone, Debug)]
pub struct RawOptions {
    /// Which mode.
    pub mode: RawMode,
    /// Rooms.
    pub rooms: usize,
    /// Players per room.
    pub players: usize,
    /// How long to load (or hold).
    pub duration: Duration,
    /// Open loop: requests per second per player; `None`: closed loop.
    pub rate: Option<f64>,
    /// Rooms set up at once.
    pub concurrency: usize,
    /// The server's process id, to report its CPU use.
    pub server_pid: Option<u32>,
    /// When measuring starts (`chat`, `fanout`).
    pub start: Start,
    /// Facilitators leave once their players are seated (`chat`): no copies
    /// of the players' chats go to them, and the players alone are connected.
    pub drop_hosts: bool,
}

/// What a lean run measured.
#[derive(Clone, Debug, Default, Serialize)]
pub struct RawReport {
    /// `chat`, `fanout`, `idle` or `park`.
    pub mode: String,
    /// Rooms set up.
    pub rooms: usize,
    /// Player connections set up.
    pub connections: usize,
    /// Setup failures (how many, and the first few reasons).
    pub setup_failures: usize,
    /// The first few setup failure reasons.
    pub setup_errors: Vec<String>,
    /// Seconds measured.
    pub seconds: f64,
    /// Requests acknowledged.
    pub acked: u64,
    /// Acks per second.
    pub acked_per_second: f64,
    /// Events received by players and facilitators.
    pub events: u64,
    /// Events per second.
    pub events_per_second: f64,
    /// Refusals by code.
    pub refusals: std::collections::BTreeMap<String, u64>,
    /// Connections lost while loading.
    pub disconnections: u64,
    /// Request→ack latency.
    pub latency_ms: Latency,
    /// Fan-out: chat sent→received by each player.
    pub event_latency_ms: Latency,
    /// Fan-out: chat events players received.
    pub chats_delivered: u64,
    /// Fan-out: chats acknowledged × players in the room.
    pub chats_expected: u64,
    /// CPU used while loading, by the generator and (given its pid) the server.
    pub cpu: Cpu,
}

/// A room's connections after setup.
struct RawRoom {
    /// The facilitator, unless it left once its players were seated.
    host: Option<RawWs>,
    players: Vec<(RawWs, String)>,
}

/// Rooms of lean modes play slowly unless the bench says otherwise: a parked
/// game must still be in progress when its memory is measured.
const ROOM_CONFIG: &str = r#"{"rounds":100}"#;

/// Creates room `n` and seats `players`; with `leave`, the facilitator then
/// leaves (at once, so that a big run never holds every facilitator too).
async fn setup_room(
    dialer: Dialer,
    n: usize,
    players: usize,
    leave: bool,
) -> anyhow::Result<RawRoom> {
    let create =
        format!(r#"{{"type":"create_room","protocol":{PROTOCOL_VERSION},"config":{ROOM_CONFIG}}}"#);
    let (host, fields) = open(&dialer, &create).await?;
    // The echo baseline has no rooms: any code will do for it.
    let code = fields.room.unwrap_or_else(|| format!("ECHO{n}"));
    let mut seated = Vec::with_capacity(players);
    for p in 0..players {
        let join = format!(
            r#"{{"type":"join","protocol":{PROTOCOL_VERSION},"room":"{code}","name":"P{p}"}}"#
        );
        let (ws, fields) = open(&dialer, &join).await?;
        let id = fields
            .player_id
            .unwrap_or_else(|| uuid::Uuid::nil().to_string());
        seated.push((ws, id));
    }
    let host = if leave {
        // Ignored: leaving is all that matters, however the close goes.
        let _ = close(host).await;
        None
    } else {
        Some(host)
    };
    Ok(RawRoom {
        host,
        players: seated,
    })
}

fn latency(samples: &Samples) -> Latency {
    let h = samples.histogram();
    let ms = |us: u64| us as f64 / 1000.0;
    Latency {
        p50: ms(h.value_at_quantile(0.50)),
        p95: ms(h.value_at_quantile(0.95)),
        p99: ms(h.value_at_quantile(0.99)),
        max: ms(h.max()),
    }
}

/// Runs a lean mode against `dialer`'s server.
pub async fn run_raw(dialer: &Dialer, options: &RawOptions) -> anyhow::Result<RawReport> {
    let mut report = RawReport {
        mode: format!("{:?}", options.mode).to_lowercase(),
        ..RawReport::default()
    };
    // A parked game needs its facilitator to start it.
    let leave = options.drop_hosts && options.mode != RawMode::Park;
    let setups = futures_util::stream::iter(0..options.rooms)
        .map(|n| setup_room(dialer.clone(), n, options.players, leave))
        .buffer_unordered(options.concurrency.max(1));
    let done: Vec<_> = setups.collect().await;
    let mut rooms = Vec::new();
    for result in done {
        match result {
            Ok(room) => rooms.push(room),
            Err(e) => {
                report.setup_failures += 1;
                if report.setup_errors.len() < 5 {
                    report.setup_errors.push(format!("{e:#}"));
                }
            }
        }
    }
    report.rooms = rooms.len();
    report.connections = rooms.iter().map(|r| r.players.len()).sum();
    eprintln!(
        "ready: {} rooms, {} players connected",
        report.rooms, report.connections
    );
    if options.mode == RawMode::Park {
        for room in &mut rooms {
            let Some(host) = room.host.as_mut() else {
                continue;
            };
            let mut tally = Tally::default();
            if send(host, 2, r#"{"type":"start"}"#).await.is_ok()
                && let Ok((Some(code), _)) = answer(host, 2, &mut tally, Instant::now()).await
            {
                *report.refusals.entry(code).or_default() += 1;
            }
        }
        for room in rooms {
            // Ignored: leaving is all that matters, however the close goes.
            for ws in room
                .host
                .into_iter()
                .chain(room.players.into_iter().map(|(ws, _)| ws))
            {
                let _ = close(ws).await;
            }
        }
        return Ok(report);
    }
    options.start.go().await;
    let epoch = Instant::now();
    // Loops load from `epoch`, count from `from` (after the warm-up).
    let from = epoch + options.start.warmup;
    let until = from + options.duration;
    let mut tasks = tokio::task::JoinSet::new();
    let mut hosts = tokio::task::JoinSet::new();
    let players = options.players;
    for room in rooms {
        let ids: Vec<String> = room.players.iter().map(|(_, id)| id.clone()).collect();
        // Nobody facilitates an idle room: only players are counted.
        if let Some(host) = room.host.filter(|_| options.mode != RawMode::Idle) {
            hosts.spawn(hold(host, until + Duration::from_secs(2)));
        }
        for (i, (ws, _)) in room.players.into_iter().enumerate() {
            let to = ids[(i + 1) % ids.len()].clone();
            let rate = options.rate;
            match options.mode {
                RawMode::Idle => tasks.spawn(async move { (hold(ws, until).await, None) }),
                mode => tasks.spawn(chat_loop(ws, mode, to, (from, until), epoch, rate)),
            };
        }
    }
    tokio::time::sleep_until(from.into()).await;
    let meter = CpuMeter::start(options.server_pid);
    let mut total = Tally::default();
    // Every connection stays until every loop is done: one that left early
    // would load the server (its leaving) while the others still measure.
    let mut open = Vec::new();
    while let Some(done) = tasks.join_next().await {
        if let Ok((tally, ws)) = done {
            total.merge(&tally);
            open.extend(ws);
        }
    }
    report.cpu = meter.finish();
    for ws in open {
        // Ignored: leaving is all that matters, however the close goes.
        let _ = close(ws).await;
    }
    report.seconds = epoch
        .elapsed()
        .as_secs_f64()
        .min(options.duration.as_secs_f64());
    while let Some(tally) = hosts.join_next().await {
        if let Ok(tally) = tally {
            total.events += tally.events;
            total.disconnections += tally.disconnections;
        }
    }
    let seconds = report.seconds.max(0.001);
    report.acked = total.acked;
    report.acked_per_second = total.acked as f64 / seconds;
    report.events = total.events;
    report.events_per_second = total.events as f64 / seconds;
    report.refusals.extend(total.refusals.clone());
    report.disconnections = total.disconnections;
    report.latency_ms = latency(&total.ack_us);
    if options.mode == RawMode::Fanout {
        report.event_latency_ms = latency(&total.event_us);
        report.chats_delivered = total.chats;
        report.chats_expected = total.acked * players as u64;
    }
    Ok(report)
}

async fn close(mut ws: RawWs) -> Result<(), String> {
    ws.send(tokio_tungstenite::tungstenite::Message::Close(None))
        .await
        .map_err(|e| e.to_string())
}

/// Reads (and counts) until `until`, answering pings on the way.
async fn hold(mut ws: RawWs, until: Instant) -> Tally {
    let mut tally = Tally::default();
    let epoch = Instant::now();
    let until = tokio::time::Instant::from_std(until);
    while let Ok(message) = timeout_at(until, ws.next()).await {
        match message {
            Some(Ok(tokio_tungstenite::tungstenite::Message::Text(text))) => {
                if let Ok(frame) = serde_json::from_str(&text) {
                    tally.other_frame(&frame, epoch);
                }
            }
            Some(Ok(tokio_tungstenite::tungstenite::Message::Close(_))) | Some(Err(_)) | None => {
                tally.disconnections += 1;
                break;
            }
            Some(Ok(_)) => {}
        }
    }
    let _ = close(ws).await;
    tally
}

/// One player's loop: chat, await the answer, again, until `until`; then
/// read what is still on its way (fan-out counts every delivery). What
/// happens before `from` (the warm-up) is not counted, but a connection
/// lost then is. Returns the connection, still open, unless it was lost.
async fn chat_loop(
    mut ws: RawWs,
    mode: RawMode,
    to: String,
    (from, until): (Instant, Instant),
    epoch: Instant,
    rate: Option<f64>,
) -> (Tally, Option<RawWs>) {
    let mut counted = Tally::default();
    let mut warm = Tally::default();
    let private = format!(r#"{{"type":"chat","text":"hello neighbour","to":"{to}"}}"#);
    let pace = rate
        .filter(|r| *r > 0.0)
        .map(|r| Duration::from_secs_f64(1.0 / r));
    // Open loop: spread the first sends over one period.
    let mut next_turn =
        Instant::now() + pace.map_or(Duration::ZERO, |p| p.mul_f64(rand::random::<f64>()));
    let mut req = 2u64;
    while Instant::now() < until {
        if let Some(pace) = pace {
            tokio::time::sleep_until(next_turn.into()).await;
            next_turn += pace;
        }
        let body = match mode {
            RawMode::Fanout => format!(
                r#"{{"type":"chat","text":"t{}"}}"#,
                epoch.elapsed().as_micros()
            ),
            _ => private.clone(),
        };
        let started = Instant::now();
        let tally = if started < from {
            &mut warm
        } else {
            &mut counted
        };
        if send(&mut ws, req, &body).await.is_err() {
            counted.disconnections += 1;
            return (counted, None);
        }
        match answer(&mut ws, req, tally, epoch).await {
            Ok((None, _)) => {
                tally.acked += 1;
                tally.ack_us.record(started.elapsed().as_micros() as u64);
            }
            Ok((Some(code), _)) => *tally.refusals.entry(code).or_default() += 1,
            Err(_) => {
                counted.disconnections += 1;
                return (counted, None);
            }
        }
        req += 1;
    }
    let tally = &mut counted;
    if mode == RawMode::Fanout {
        // Others' chats still in flight: read until a quiet half second (5 s at most).
        let stop = Instant::now() + Duration::from_secs(5);
        while Instant::now() < stop {
            match tokio::time::timeout(Duration::from_millis(500), next(&mut ws)).await {
                Ok(Read::Frame(frame)) => tally.other_frame(&frame, epoch),
                Ok(Read::Other) => {}
                Ok(Read::Closed(_)) | Err(_) => break,
            }
        }
    }
    (counted, Some(ws))
}
