//! `allssam demo`: a fast room full of bots, its public feed, then the debrief.

use std::sync::Arc;
use std::time::Duration;

use allssam_protocol::{ClientMessage, ConfigPatch, Phase};
use anyhow::Context;
use serde_json::json;

use crate::bots::{BotPlan, spawn_bots};
use crate::client::{Client, Opening};
use crate::{banner, panel, strategy};

/// The demo's room: short phases that the bots end early by saying `ready`,
/// and a lower conspicuousness threshold so a hoarding donju is noticed
/// within a few rounds (RULES.md §2).
pub fn demo_config(rounds: u32, seed: u64) -> ConfigPatch {
    let value = json!({
        "rounds": rounds,
        "seed": seed,
        "phase_seconds": {"dealing": 3, "accusation": 2, "investigation": 2, "verdict": 2},
        "conspicuous_percent": 120,
    });
    match value {
        serde_json::Value::Object(map) => ConfigPatch(map),
        _ => ConfigPatch::default(),
    }
}

/// Runs the demo against `url`.
pub async fn run(url: &str, players: u8, seed: u64, rounds: u32) -> anyhow::Result<()> {
    let host = Client::connect(url, Opening::CreateRoom(Some(demo_config(rounds, seed))))
        .await
        .with_context(|| format!("creating a room on {url} (is the server running?)"))?;
    let room = host.session().room.clone();
    println!(
        "{}\n\nRoom {room}: {players} bots, {rounds} rounds, seed {seed}\n",
        banner::big(&room)
    );
    let (mut plan, stop) = BotPlan::new(Arc::new(strategy::Sensible), seed);
    plan.options.think_ms = (50, 250);
    let bots = spawn_bots(url, &room, players as usize, &plan)
        .await
        .context("seating the bots")?;
    let watcher = Client::connect(url, Opening::Watch { room: room.clone() })
        .await
        .context("watching the room")?;
    host.request(ClientMessage::Start)
        .await
        .context("starting the game")?;
    super::feed(&watcher, super::is_public_headline, |line| {
        println!("{line}")
    })
    .await;
    // The facilitator's model has the votes, the evidence and the money totals.
    for _ in 0..50 {
        if host.state().view.phase == Phase::Ended {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let _ = host.request(ClientMessage::Sync).await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    println!("\n{}", panel::debrief(&host.state()));
    let _ = stop.send(true);
    for bot in bots {
        let _ = bot.await;
    }
    Ok(())
}
