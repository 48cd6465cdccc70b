//! Bots: real protocol clients that play a strategy until the game ends,
//! counting what they did for the load generator.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use allssam_protocol::{ErrorCode, Phase};
use hdrhistogram::Histogram;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use tokio::sync::{broadcast, watch};

use crate::client::{Client, ClientError, Opening, Update};
use crate::strategy::{Memory, Strategy};

/// How a bot paces itself.
#[derive(Clone, Debug)]
pub struct BotOptions {
    /// A pause before each act, drawn from this range in ms (people can follow the game).
    pub think_ms: (u64, u64),
    /// Open loop: acts per second (each act waits its turn); `None`: closed loop.
    pub rate: Option<f64>,
    /// At most this many acts in one phase (the random strategy never runs dry).
    pub max_acts_per_phase: usize,
}

impl Default for BotOptions {
    fn default() -> Self {
        BotOptions {
            think_ms: (100, 400),
            rate: None,
            max_acts_per_phase: 20,
        }
    }
}

/// Counters shared by many bots.
pub struct Stats {
    /// Requests acknowledged.
    pub acked: AtomicU64,
    /// Events received.
    pub events: AtomicU64,
    /// Refusals by error code.
    pub refusals: Mutex<BTreeMap<String, u64>>,
    /// Request → answer latency in microseconds.
    pub latency_us: Mutex<Histogram<u64>>,
}

impl Default for Stats {
    fn default() -> Self {
        Stats {
            acked: AtomicU64::new(0),
            events: AtomicU64::new(0),
            refusals: Mutex::new(BTreeMap::new()),
            // 1 µs to 60 s at 3 significant figures: the bounds are valid.
            latency_us: Mutex::new(
                Histogram::new_with_bounds(1, 60_000_000, 3)
                    .expect("1 µs..60 s at 3 figures is valid"),
            ),
        }
    }
}

impl Stats {
    fn answer(&self, started: Instant, result: &Result<allssam_protocol::AckResult, ClientError>) {
        let micros = started.elapsed().as_micros().min(60_000_000) as u64;
        match result {
            Ok(_) => {
                self.acked.fetch_add(1, Ordering::Relaxed);
                if let Ok(mut h) = self.latency_us.lock() {
                    let _ = h.record(micros.max(1));
                }
            }
            Err(e) => {
                let code = e.code().map_or("transport".to_string(), |c| c.to_string());
                if let Ok(mut r) = self.refusals.lock() {
                    *r.entry(code).or_default() += 1;
                }
                if let Ok(mut h) = self.latency_us.lock()
                    && e.code().is_some()
                {
                    let _ = h.record(micros.max(1));
                }
            }
        }
    }
}

/// Why a bot stopped.
#[derive(Clone, Debug, PartialEq)]
pub enum BotEnd {
    /// The game ended.
    GameEnded,
    /// Told to stop.
    Stopped,
    /// Another connection took the seat (its player came back, closed 4001).
    Replaced,
    /// The connection closed for good.
    Closed(String),
}

/// What every bot of a batch shares.
#[derive(Clone)]
pub struct BotPlan {
    /// How they play.
    pub strategy: Arc<dyn Strategy>,
    /// The batch's seed; bot `n` plays with `seed + n`.
    pub seed: u64,
    /// Pacing.
    pub options: BotOptions,
    /// Where they count.
    pub stats: Arc<Stats>,
    /// Turns true to stop them.
    pub stop: watch::Receiver<bool>,
}

impl BotPlan {
    /// A plan with default pacing, fresh counters and no stop signal.
    pub fn new(strategy: Arc<dyn Strategy>, seed: u64) -> (BotPlan, watch::Sender<bool>) {
        let (stop_tx, stop) = watch::channel(false);
        let plan = BotPlan {
            strategy,
            seed,
            options: BotOptions::default(),
            stats: Arc::new(Stats::default()),
            stop,
        };
        (plan, stop_tx)
    }
}

/// Plays the plan's strategy on `client` with `seed` until the game ends,
/// the connection closes or the plan's stop turns true.
pub async fn run_bot(client: Client, plan: BotPlan, seed: u64) -> BotEnd {
    let BotPlan {
        strategy,
        options,
        stats,
        mut stop,
        ..
    } = plan;
    let mut updates = client.subscribe();
    let mut memory = Memory::default();
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut phase_acts = ((0, Phase::Lobby), 0usize);
    let pace = options
        .rate
        .filter(|r| *r > 0.0)
        .map(|r| Duration::from_secs_f64(1.0 / r));
    let mut next_turn = Instant::now();
    loop {
        if *stop.borrow() {
            return BotEnd::Stopped;
        }
        if let Some(end) = drain(&mut updates, &stats) {
            return end;
        }
        let action = {
            let state = client.state();
            if state.view.phase == Phase::Ended {
                return BotEnd::GameEnded;
            }
            let here = (state.view.round, state.view.phase);
            if phase_acts.0 != here {
                phase_acts = (here, 0);
            }
            if phase_acts.1 >= options.max_acts_per_phase {
                None
            } else {
                let action = strategy.next(&state, &memory, &mut rng);
                if let Some(a) = &action {
                    memory.record(&state, a);
                }
                action
            }
        };
        let Some(action) = action else {
            // Nothing to do: wait for the room to change.
            tokio::select! {
                update = updates.recv() => match update {
                    Ok(Update::Closed(closed)) => return closed_end(closed),
                    Ok(Update::Event(_)) => { stats.events.fetch_add(1, Ordering::Relaxed); }
                    Ok(_) => {}
                    Err(broadcast::error::RecvError::Lagged(n)) => { stats.events.fetch_add(n, Ordering::Relaxed); }
                    Err(broadcast::error::RecvError::Closed) => return BotEnd::Closed("client gone".into()),
                },
                _ = tokio::time::sleep(Duration::from_millis(500)) => {}
                _ = stopped(&mut stop) => {}
            }
            continue;
        };
        phase_acts.1 += 1;
        let (lo, hi) = options.think_ms;
        if hi > 0 {
            tokio::time::sleep(Duration::from_millis(rng.random_range(lo..=hi.max(lo)))).await;
        }
        if let Some(pace) = pace {
            tokio::time::sleep_until(next_turn.into()).await;
            next_turn = next_turn.max(Instant::now() - pace) + pace;
        }
        let started = Instant::now();
        let result = client.request(action.message).await;
        stats.answer(started, &result);
        match &result {
            Err(e) => tracing::debug!(seed, key = %action.key, "refused: {e}"),
            Ok(_) => tracing::trace!(seed, key = %action.key, "done"),
        }
        match result {
            Err(ClientError::Closed(reason)) => return last_words(&mut updates, reason).await,
            Err(ClientError::Refused(e)) if e.code == ErrorCode::RateLimited => {
                let wait = e.detail.and_then(|d| d.retry_after_ms).unwrap_or(500);
                tokio::time::sleep(Duration::from_millis(wait)).await;
            }
            _ => {}
        }
    }
}

/// How a bot whose request was cut off by the end of its connection ends:
/// as the connection's close says (its code tells a player taking his seat
/// back, [`BotEnd::Replaced`]), which follows on `updates`; else as
/// `reason` says.
async fn last_words(updates: &mut broadcast::Receiver<Update>, reason: String) -> BotEnd {
    let close = async {
        loop {
            match updates.recv().await {
                Ok(Update::Closed(closed)) => return Some(closed_end(closed)),
                Ok(_) | Err(broadcast::error::RecvError::Lagged(_)) => {}
                Err(broadcast::error::RecvError::Closed) => return None,
            }
        }
    };
    let told = tokio::time::timeout(Duration::from_secs(1), close).await;
    told.ok().flatten().unwrap_or(BotEnd::Closed(reason))
}

/// How a connection closed for good ends a bot.
fn closed_end(closed: crate::wire::Closed) -> BotEnd {
    if closed.code == Some(allssam_protocol::close::REPLACED) {
        BotEnd::Replaced
    } else {
        BotEnd::Closed(closed.reason)
    }
}

/// Resolves when `stop` changes; never, once its sender is gone (nobody can stop us then).
async fn stopped(stop: &mut watch::Receiver<bool>) {
    if stop.changed().await.is_err() {
        std::future::pending::<()>().await;
    }
}

/// Counts events waiting in `updates`; reports a final close.
fn drain(updates: &mut broadcast::Receiver<Update>, stats: &Stats) -> Option<BotEnd> {
    loop {
        match updates.try_recv() {
            Ok(Update::Event(_)) => {
                stats.events.fetch_add(1, Ordering::Relaxed);
            }
            Ok(Update::Closed(closed)) => return Some(closed_end(closed)),
            Ok(_) => {}
            Err(broadcast::error::TryRecvError::Lagged(n)) => {
                stats.events.fetch_add(n, Ordering::Relaxed);
            }
            Err(broadcast::error::TryRecvError::Closed) => {
                return Some(BotEnd::Closed("client gone".into()));
            }
            Err(broadcast::error::TryRecvError::Empty) => return None,
        }
    }
}

mod fleet;

pub use fleet::{Fleet, seat_bots, spawn_bots};

/// Joins `room` as a bot named `{prefix}{n}` (another number if the name is taken).
pub async fn join_bot(
    url: &str,
    room: &str,
    prefix: &str,
    n: usize,
) -> Result<Client, ClientError> {
    let mut last = None;
    for attempt in 0..5 {
        let name = if attempt == 0 {
            format!("{prefix}{n}")
        } else {
            format!("{prefix}{n}-{attempt}")
        };
        match Client::connect(
            url,
            Opening::Join {
                room: room.to_string(),
                name,
            },
        )
        .await
        {
            Err(e) if e.code() == Some(ErrorCode::NameTaken) => last = Some(e),
            other => return other,
        }
    }
    Err(last.unwrap_or_else(|| ClientError::Closed("no name found".into())))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::{Closed, Drop, classify};

    fn end_of(code: u16) -> BotEnd {
        match classify(Some(code), String::new()) {
            Drop::Final(closed) => closed_end(closed),
            Drop::Retry(why) => panic!("{code} is final, not {why}"),
        }
    }

    #[tokio::test]
    async fn a_request_cut_off_by_the_players_return_ends_the_bot_as_replaced() {
        // The request fails with the close's reason; the close itself, with
        // its code, is on the updates (the e2e test raced on this).
        let (tx, mut rx) = broadcast::channel(8);
        tx.send(Update::Snapshot).expect("a receiver listens");
        let replaced = match classify(Some(allssam_protocol::close::REPLACED), String::new()) {
            Drop::Final(closed) => closed,
            Drop::Retry(why) => panic!("final, not {why}"),
        };
        tx.send(Update::Closed(replaced))
            .expect("a receiver listens");
        let end = last_words(&mut rx, "another connection took this seat (4001)".into()).await;
        assert_eq!(end, BotEnd::Replaced);
    }

    #[test]
    fn a_bot_replaced_on_its_seat_knows_its_player_came_back() {
        assert_eq!(end_of(allssam_protocol::close::REPLACED), BotEnd::Replaced);
        assert_eq!(
            end_of(allssam_protocol::close::KICKED),
            BotEnd::Closed("kicked by the facilitator (4003)".into())
        );
        assert_eq!(
            closed_end(Closed::here("gave up")),
            BotEnd::Closed("gave up".into())
        );
    }
}
