//! `allssam demo`: a room full of bots, its public feed, then the debrief.

use std::sync::Arc;
use std::time::Duration;

use allssam_protocol::{ClientMessage, ConfigPatch, Phase};
use anyhow::Context;
use serde_json::json;

use crate::bots::{BotPlan, spawn_bots};
use crate::client::{Client, Opening};
use crate::state::State;
use crate::{banner, panel, strategy};

/// The seed `allssam demo` plays by default: its game shows verdicts
/// against the evidence and a shrimp's back (the point of the exercise).
pub const DEFAULT_SEED: u64 = 1;

/// A phase that has not ended after this long is advanced by the demo's
/// facilitator (the bots normally end every phase by saying `ready`).
const STALL: Duration = Duration::from_secs(8);

/// The demo's room: untimed phases that the bots end by saying `ready`
/// (so the game does not depend on how fast the machine is), a lower
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
pub async fn play(
    url: &str,
    players: u8,
    seed: u64,
    rounds: u32,
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
    let (mut plan, stop) = BotPlan::new(Arc::new(strategy::Sensible), seed);
    plan.options.think_ms = (20, 120);
    let bots = spawn_bots(url, &room, players as usize, &plan)
        .await
        .context("seating the bots")?;
    let watcher = Client::connect(url, Opening::Watch { room: room.clone() })
        .await
        .context("watching the room")?;
    host.request(ClientMessage::Start)
        .await
        .context("starting the game")?;
    let watchdog = tokio::spawn(advance_when_stalled(host.clone()));
    super::feed(&watcher, super::is_public_headline, &mut print).await;
    watchdog.abort();
    // The facilitator's model has the votes, the evidence and the money totals.
    for _ in 0..50 {
        if host.state().view.phase == Phase::Ended {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let _ = host.request(ClientMessage::Sync).await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    let _ = stop.send(true);
    for bot in bots {
        let _ = bot.await;
    }
    let state = host.state().clone();
    Ok(state)
}

/// Advances a phase that has not changed for [`STALL`].
async fn advance_when_stalled(host: Client) {
    let mut last = (0, Phase::Lobby);
    let mut since = tokio::time::Instant::now();
    loop {
        tokio::time::sleep(Duration::from_millis(250)).await;
        let now = {
            let s = host.state();
            (s.view.round, s.view.phase)
        };
        if now != last {
            (last, since) = (now, tokio::time::Instant::now());
        } else if since.elapsed() > STALL {
            tracing::info!(?now, "phase stalled: advancing");
            let _ = host.request(ClientMessage::Advance).await;
            since = tokio::time::Instant::now();
        }
    }
}

/// Runs the demo against `url`, printing the feed and the debrief.
pub async fn run(url: &str, players: u8, seed: u64, rounds: u32) -> anyhow::Result<()> {
    let state = play(url, players, seed, rounds, |line| println!("{line}")).await?;
    println!("\n{}", panel::debrief(&state));
    Ok(())
}
