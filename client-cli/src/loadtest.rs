//! The load generator: R fast rooms of P bots each, closed or open loop, and
//! a report of throughput, refusals and request→ack latency.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use allssam_protocol::{ClientMessage, ConfigPatch};
use serde::Serialize;

use crate::bots::{BotEnd, BotOptions, BotPlan, spawn_bots};
use crate::client::{Client, Opening};
use crate::strategy;
use futures_util::StreamExt;

/// What to run.
#[derive(Clone, Debug)]
pub struct LoadOptions {
    /// The server's WebSocket address.
    pub url: String,
    /// Rooms to create.
    pub rooms: usize,
    /// Bots per room.
    pub players: usize,
    /// How long to run once the rooms are started.
    pub duration: Duration,
    /// Acts per second per bot (open loop); `None`: closed loop.
    pub rate: Option<f64>,
    /// `random` or `sensible`.
    pub strategy: String,
    /// Show a progress bar.
    pub progress: bool,
    /// Seed of the bots.
    pub seed: u64,
    /// Facilitators leave once their room is started (frees a connection per room).
    pub drop_hosts: bool,
    /// Rooms set up at once.
    pub concurrency: usize,
    /// The server's process id, to report its CPU use beside the generator's.
    pub server_pid: Option<u32>,
    /// When measuring starts.
    pub start: Start,
}

/// When a run starts measuring, once its connections are set up: after
/// every load process is ready (`go_file`), then after a warm-up. Several
/// processes loading one server would otherwise measure while the others
/// are still setting up, and the first seconds (the store catching up with
/// setup's writes) are not the steady load.
#[derive(Clone, Debug, Default)]
pub struct Start {
    /// Wait for this file to exist before loading (the bench creates it
    /// once every process has printed `ready`).
    pub go_file: Option<std::path::PathBuf>,
    /// Load this long before measuring.
    pub warmup: Duration,
}

impl Start {
    /// Returns once the go file exists (at once without one).
    pub async fn go(&self) {
        if let Some(path) = &self.go_file {
            while !path.exists() {
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        }
    }
}

/// Request→ack latency in milliseconds.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Latency {
    /// Median.
    pub p50: f64,
    /// 95th percentile.
    pub p95: f64,
    /// 99th percentile.
    pub p99: f64,
    /// Largest.
    pub max: f64,
}

/// What a load run measured.
#[derive(Clone, Debug, Default, Serialize)]
pub struct LoadReport {
    /// Rooms that were created and started.
    pub rooms: usize,
    /// Bot connections that joined.
    pub connections: usize,
    /// Rooms or bots that could not be set up, with why.
    pub setup_errors: Vec<String>,
    /// Seconds measured.
    pub seconds: f64,
    /// Requests acknowledged.
    pub acked: u64,
    /// Acknowledged requests per second.
    pub acked_per_second: f64,
    /// Events received by the bots.
    pub events: u64,
    /// Events per second.
    pub events_per_second: f64,
    /// Refusals by error code (`transport` for a lost connection or a timeout).
    pub refusals: BTreeMap<String, u64>,
    /// Request→answer latency.
    pub latency_ms: Latency,
    /// Bots whose connection closed for good during the run, with the first reasons.
    pub disconnections: u64,
    /// The first few reasons bots were disconnected.
    pub disconnect_reasons: Vec<String>,
    /// Bots whose game ended during the run.
    pub games_ended: u64,
    /// CPU used while measuring, by the generator and (given its pid) the server.
    pub cpu: Cpu,
}

/// CPU use over the measured window, in percent of one core (200 = both of 2 cores).
#[derive(Clone, Debug, Default, Serialize)]
pub struct Cpu {
    /// This load process.
    pub load_percent: Option<f64>,
    /// The server (`--server-pid`).
    pub server_percent: Option<f64>,
}

/// CPU seconds (user + system) process `pid` has used, from `/proc/PID/stat`;
/// `None` without such a process (or without /proc).
pub fn cpu_seconds(pid: u32) -> Option<f64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name may hold spaces and parentheses: fields start after the last ')'.
    let rest = stat.get(stat.rfind(')')? + 2..)?;
    let fields: Vec<&str> = rest.split(' ').collect();
    let ticks = fields.get(11)?.parse::<f64>().ok()? + fields.get(12)?.parse::<f64>().ok()?;
    // USER_HZ is 100 on every Linux the bench runs on (x86_64, aarch64).
    Some(ticks / 100.0)
}

/// Measures the generator's and the server's CPU between `start` and `finish`.
pub struct CpuMeter {
    started: Instant,
    server_pid: Option<u32>,
    load: Option<f64>,
    server: Option<f64>,
}

impl CpuMeter {
    /// Starts measuring now.
    pub fn start(server_pid: Option<u32>) -> CpuMeter {
        CpuMeter {
            started: Instant::now(),
            server_pid,
            load: cpu_seconds(std::process::id()),
            server: server_pid.and_then(cpu_seconds),
        }
    }

    /// CPU percent of each since `start`.
    pub fn finish(&self) -> Cpu {
        let wall = self.started.elapsed().as_secs_f64().max(0.001);
        let percent = |before: Option<f64>, now: Option<f64>| {
            Some(((now? - before?) / wall * 1000.0).round() / 10.0)
        };
        Cpu {
            load_percent: percent(self.load, cpu_seconds(std::process::id())),
            server_percent: percent(self.server, self.server_pid.and_then(cpu_seconds)),
        }
    }
}

/// Fast rooms that last: many rounds of short phases (bots end them early with `ready`).
fn load_config(seed: u64) -> ConfigPatch {
    let value = serde_json::json!({
        "rounds": 100,
        "seed": seed,
        "phase_seconds": {"dealing": 3, "accusation": 2, "investigation": 2, "verdict": 2},
    });
    match value {
        serde_json::Value::Object(map) => ConfigPatch(map),
        _ => ConfigPatch::default(),
    }
}

/// Runs the load and returns what it measured.
pub async fn run_load(options: &LoadOptions) -> anyhow::Result<LoadReport> {
    let strategy: Arc<dyn strategy::Strategy> = strategy::by_name(&options.strategy)
        .map(Arc::from)
        .ok_or_else(|| {
            anyhow::anyhow!(
                "`{}` is not a strategy: {}",
                options.strategy,
                strategy::STRATEGIES.join(", ")
            )
        })?;
    let (mut plan, stop) = BotPlan::new(strategy, options.seed);
    plan.options = BotOptions {
        think_ms: (0, 0),
        rate: options.rate,
        max_acts_per_phase: 50,
    };
    let mut report = LoadReport::default();
    let drop_hosts = options.drop_hosts;
    let setups = futures_util::stream::iter(0..options.rooms)
        .map(|r| {
            let (url, plan, players) = (options.url.clone(), plan.clone(), options.players);
            async move {
                let seed = plan.seed.wrapping_mul(1_000_003).wrapping_add(r as u64);
                let host =
                    Client::connect(&url, Opening::CreateRoom(Some(load_config(seed)))).await?;
                let room = host.session().room.clone();
                let bots = spawn_bots(&url, &room, players, &plan).await?;
                host.request(ClientMessage::Start).await?;
                // Leave at once: at the ceiling, every connection counts.
                let host = (!drop_hosts).then_some(host);
                Ok::<_, crate::client::ClientError>((host, bots))
            }
        })
        .buffer_unordered(options.concurrency.max(1));
    let done: Vec<_> = setups.collect().await;
    let mut hosts = Vec::new();
    let mut tasks = Vec::new();
    for result in done {
        match result {
            Ok((host, bots)) => {
                report.rooms += 1;
                report.connections += bots.len();
                hosts.extend(host);
                tasks.extend(bots);
            }
            Err(e) => report.setup_errors.push(e.to_string()),
        }
    }
    if report.setup_errors.len() > 5 {
        let more = report.setup_errors.len() - 5;
        report.setup_errors.truncate(5);
        report.setup_errors.push(format!("… and {more} more"));
    }
    eprintln!(
        "ready: {} rooms, {} bots connected",
        report.rooms, report.connections
    );
    options.start.go().await;
    // The bots play through the warm-up; measure from after it: setup
    // traffic is not the load.
    tokio::time::sleep(options.start.warmup).await;
    let stats = plan.stats.clone();
    let base = (
        stats.acked.load(Ordering::Relaxed),
        stats.events.load(Ordering::Relaxed),
    );
    if let Ok(mut h) = stats.latency_us.lock() {
        h.reset();
    }
    let bar = options.progress.then(|| {
        let bar = indicatif::ProgressBar::new(options.duration.as_secs().max(1));
        bar.set_style(
            indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} s  {msg}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        bar
    });
    let started = Instant::now();
    let meter = CpuMeter::start(options.server_pid);
    while started.elapsed() < options.duration {
        tokio::time::sleep(Duration::from_millis(250).min(options.duration)).await;
        if let Some(bar) = &bar {
            let secs = started.elapsed().as_secs_f64().max(0.001);
            let acked = stats.acked.load(Ordering::Relaxed) - base.0;
            bar.set_position(started.elapsed().as_secs());
            bar.set_message(format!(
                "{} conns, {:.0} acks/s",
                report.connections,
                acked as f64 / secs
            ));
        }
    }
    let seconds = started.elapsed().as_secs_f64();
    report.cpu = meter.finish();
    let _ = stop.send(true);
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    report.seconds = seconds;
    report.acked = stats.acked.load(Ordering::Relaxed) - base.0;
    report.events = stats.events.load(Ordering::Relaxed) - base.1;
    report.acked_per_second = report.acked as f64 / seconds;
    report.events_per_second = report.events as f64 / seconds;
    report.refusals = stats.refusals.lock().map(|r| r.clone()).unwrap_or_default();
    if let Ok(h) = stats.latency_us.lock() {
        let ms = |us: u64| us as f64 / 1000.0;
        report.latency_ms = Latency {
            p50: ms(h.value_at_quantile(0.50)),
            p95: ms(h.value_at_quantile(0.95)),
            p99: ms(h.value_at_quantile(0.99)),
            max: ms(h.max()),
        };
    }
    let waited = Instant::now() + Duration::from_secs(10);
    for task in tasks {
        // Each bot notices `stop` within half a second, or its request times out.
        let left = waited.saturating_duration_since(Instant::now());
        match tokio::time::timeout(left, task).await {
            Ok(Ok(BotEnd::Closed(reason))) => {
                report.disconnections += 1;
                if report.disconnect_reasons.len() < 5 {
                    report.disconnect_reasons.push(reason);
                }
            }
            Ok(Ok(BotEnd::Replaced)) => {
                report.disconnections += 1;
                if report.disconnect_reasons.len() < 5 {
                    report.disconnect_reasons.push("replaced (4001)".into());
                }
            }
            Ok(Ok(BotEnd::GameEnded)) => report.games_ended += 1,
            _ => {}
        }
    }
    for host in &hosts {
        let _ = host.request(ClientMessage::End).await;
    }
    Ok(report)
}

/// The report for people.
pub fn render(r: &LoadReport) -> String {
    let mut out = format!(
        "rooms {}  connections {}  over {:.1} s\nacked {} ({:.1}/s)  events {} ({:.1}/s)\nlatency ms: p50 {:.2}  p95 {:.2}  p99 {:.2}  max {:.2}\n",
        r.rooms,
        r.connections,
        r.seconds,
        r.acked,
        r.acked_per_second,
        r.events,
        r.events_per_second,
        r.latency_ms.p50,
        r.latency_ms.p95,
        r.latency_ms.p99,
        r.latency_ms.max
    );
    if !r.refusals.is_empty() {
        let list: Vec<String> = r.refusals.iter().map(|(c, n)| format!("{c} {n}")).collect();
        out.push_str(&format!("refusals: {}\n", list.join(", ")));
    }
    if r.disconnections > 0 {
        out.push_str(&format!(
            "disconnections: {} ({})\n",
            r.disconnections,
            r.disconnect_reasons.join("; ")
        ));
    }
    for e in &r.setup_errors {
        out.push_str(&format!("setup error: {e}\n"));
    }
    out
}
