//! `allssam demo`: a room full of bots, its public feed, then the debrief.

use std::sync::Arc;
use std::time::Duration;

use allssam_protocol::ConfigPatch;
use anyhow::Context;
use serde_json::json;

use crate::bots::join_bot;
use crate::client::{Client, Opening};
use crate::lockstep::{Lockstep, Seat};
use crate::state::State;
use crate::{banner, panel, strategy};

/// The seed `allssam demo` plays by default: with [`DEFAULT_PLAYERS`] its
/// game shows verdicts against the evidence and a shrimp's back (the point
/// of the exercise; `tests/tests/e2e_demo.rs` checks it).
pub const DEFAULT_SEED: u64 = 1;

/// The demo's table: a secretary, two managers, two prosecutors and four
/// donju (RULES.md §1). With two managers one tends to buy the office and
/// the other not, so both sides of the story show in one game.
pub const DEFAULT_PLAYERS: u8 = 9;

/// The pause after each bot's act when people watch: the game then
/// unfolds at a pace one can read.
pub const READING_PAUSE: Duration = Duration::from_millis(25);

/// The demo's room: untimed phases that the facilitator advances once every
/// bot has passed (so the game does not depend on how fast the machine
/// is), a lower
/// conspicuousness threshold so the hoarding donju is noticed (RULES.md
/// §2), and room for every donju at the factory.
pub fn demo_config(rounds: u32, seed: u64) -> ConfigPatch {
    let value = json!({
        "rounds": rounds,
        "seed": seed,
        "phase_seconds": {"dealing": 0, "accusation": 0, "investigation": 0, "verdict": 0},
        "conspicuous_percent": 110,
        "spaces_per_manager": 3,
    });
    match value {
        serde_json::Value::Object(map) => ConfigPatch(map),
        _ => ConfigPatch::default(),
    }
}

/// Plays the demo's game on `url`, handing each line of the public feed to
/// `print`; returns the facilitator's final model (scores, cases, debrief).
/// The bots play in lockstep ([`Lockstep`]), so a seed always plays the
/// same game; `pause` follows each act (zero in tests).
pub async fn play(
    url: &str,
    players: u8,
    seed: u64,
    rounds: u32,
    pause: Duration,
    mut print: impl FnMut(String),
) -> anyhow::Result<State> {
    let host = Client::connect(url, Opening::CreateRoom(Some(demo_config(rounds, seed))))
        .await
        .with_context(|| format!("creating a room on {url} (is the server running?)"))?;
    let room = host.session().room.clone();
    print(format!(
        "{}\n\nRoom {room}: {players} bots, {rounds} rounds, seed {seed}\n",
        banner::big(&room)
    ));
    let mut seats = Vec::new();
    for n in 1..=players as usize {
        let bot = join_bot(url, &room, "Bot", n)
            .await
            .context("seating the bots")?;
        seats.push(Seat::new(bot, seed.wrapping_add(n as u64)));
    }
    let watcher = Client::connect(url, Opening::Watch { room: room.clone() })
        .await
        .context("watching the room")?;
    let mut game = Lockstep {
        host: host.clone(),
        seats,
        strategy: Arc::new(strategy::Sensible),
        max_acts_per_phase: 20,
        pause,
    };
    let updates = watcher.subscribe();
    let driving = game.play();
    let printing = super::feed(&watcher, updates, super::is_public_headline, &mut print);
    tokio::pin!(driving, printing);
    let mut printed = false;
    let played = loop {
        tokio::select! {
            played = &mut driving => break played,
            () = &mut printing, if !printed => printed = true,
        }
    };
    played?;
    if !printed {
        // The watcher's last events (the verdicts, the end) are on their way.
        let _ = tokio::time::timeout(Duration::from_secs(5), printing).await;
    }
    // The facilitator's model has the votes, the evidence and the money totals.
    host.sync().await.context("reading the final room")?;
    let state = host.state().clone();
    Ok(state)
}

/// Runs the demo against `url`, printing the feed and the debrief.
pub async fn run(url: &str, players: u8, seed: u64, rounds: u32) -> anyhow::Result<()> {
    let state = play(url, players, seed, rounds, READING_PAUSE, |line| {
        println!("{line}")
    })
    .await?;
    println!("\n{}", panel::debrief(&state));
    Ok(())
}
