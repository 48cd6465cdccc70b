//! The lockstep driver: bots over real sockets that act one at a time, in
//! seat order, each deciding on a model fixed by the room's order, so that a
//! seeded game plays out the same way every time (the demo).
//!
//! Free-running bots ([`crate::bots::run_bot`]) decide on whatever events
//! have reached them, so their order depends on timing. Here each turn
//! starts with `sync` (ack, then a snapshot holding everything the room did
//! before it), the bot decides with its seeded generator, sends one request
//! and waits for its answer before the next bot's turn. When a whole pass
//! over the seats brings no act, the facilitator advances the phase. The
//! room's seed fixes the server's random ids and the roles, so with the
//! same seeds the same game is played.

use std::sync::Arc;
use std::time::Duration;

use allssam_protocol::{ClientMessage, ErrorCode, Phase};
use anyhow::Context;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use crate::client::{Client, ClientError};
use crate::strategy::{Memory, Strategy};

/// One bot's seat: its connection, what it did, its seeded generator.
pub struct Seat {
    client: Client,
    memory: Memory,
    rng: ChaCha8Rng,
}

impl Seat {
    /// A seat played with the generator seeded by `seed`.
    pub fn new(client: Client, seed: u64) -> Seat {
        Seat {
            client,
            memory: Memory::default(),
            rng: ChaCha8Rng::seed_from_u64(seed),
        }
    }
}

/// A game driven in lockstep by its facilitator.
pub struct Lockstep {
    /// The facilitator's connection: starts the game and advances phases.
    pub host: Client,
    /// The bots, in seat order.
    pub seats: Vec<Seat>,
    /// How they play.
    pub strategy: Arc<dyn Strategy>,
    /// At most this many acts by one bot in one phase (a safety net).
    pub max_acts_per_phase: usize,
    /// A pause after each act, so that people can follow (zero in tests).
    pub pause: Duration,
}

impl Lockstep {
    /// Starts the game and plays it to its end.
    pub async fn play(&mut self) -> anyhow::Result<()> {
        patiently(&self.host, ClientMessage::Start)
            .await
            .context("starting the game")?;
        loop {
            synced(&self.host).await?;
            let here = where_now(&self.host);
            if here.1 == Phase::Ended {
                return Ok(());
            }
            self.play_phase().await?;
            synced(&self.host).await?;
            if where_now(&self.host) == here {
                patiently(&self.host, ClientMessage::Advance)
                    .await
                    .context("advancing the phase")?;
            }
        }
    }

    /// Turns in seat order until a whole pass brings no act.
    async fn play_phase(&mut self) -> anyhow::Result<()> {
        let mut acts = vec![0usize; self.seats.len()];
        loop {
            let mut acted = false;
            for (seat, done) in self.seats.iter_mut().zip(acts.iter_mut()) {
                if *done >= self.max_acts_per_phase {
                    continue;
                }
                if turn(seat, self.strategy.as_ref()).await? {
                    *done += 1;
                    acted = true;
                    if !self.pause.is_zero() {
                        tokio::time::sleep(self.pause).await;
                    }
                }
            }
            if !acted {
                return Ok(());
            }
        }
    }
}

/// One bot's turn: sync, decide, send, await the answer. Returns whether
/// it acted. `ready` counts as passing: the facilitator ends the phase
/// once everyone has passed (a prisoner could not say it anyway).
async fn turn(seat: &mut Seat, strategy: &dyn Strategy) -> anyhow::Result<bool> {
    synced(&seat.client).await?;
    let action = {
        let state = seat.client.state();
        let action = strategy.next(&state, &seat.memory, &mut seat.rng);
        if let Some(a) = &action {
            seat.memory.record(&state, a);
        }
        action
    };
    let Some(action) = action.filter(|a| a.message != ClientMessage::Ready) else {
        return Ok(false);
    };
    match patiently(&seat.client, action.message).await {
        Ok(()) => {}
        // A refusal changes nothing (and is the same in every replay).
        Err(ClientError::Refused(e)) => {
            tracing::debug!(key = %action.key, "refused: {}", e.message)
        }
        Err(e) => return Err(e).context("a bot's connection failed"),
    }
    Ok(true)
}

/// The room's round and phase in `client`'s model.
fn where_now(client: &Client) -> (u32, Phase) {
    let s = client.state();
    (s.view.round, s.view.phase)
}

/// `sync`, waiting out the rate limit.
async fn synced(client: &Client) -> anyhow::Result<()> {
    loop {
        match client.sync().await {
            Err(ClientError::Refused(e)) if e.code == ErrorCode::RateLimited => {
                let wait = e.detail.and_then(|d| d.retry_after_ms).unwrap_or(100);
                tokio::time::sleep(Duration::from_millis(wait.max(1))).await;
            }
            other => return other.context("syncing with the room"),
        }
    }
}

/// Sends `message`, resending it while the server says `rate_limited` (a
/// refusal that changed nothing), so the game does not depend on the pace.
async fn patiently(client: &Client, message: ClientMessage) -> Result<(), ClientError> {
    loop {
        match client.request(message.clone()).await {
            Err(ClientError::Refused(e)) if e.code == ErrorCode::RateLimited => {
                let wait = e.detail.and_then(|d| d.retry_after_ms).unwrap_or(100);
                tokio::time::sleep(Duration::from_millis(wait.max(1))).await;
            }
            other => return other.map(|_| ()),
        }
    }
}
