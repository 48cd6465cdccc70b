//! `allssam watch ROOM`: the projector view — the public feed in large text.

use allssam_protocol::Event;
use anyhow::Context;

use crate::client::{Client, Opening};
use crate::{banner, describe, panel};

/// Watches `room` until the game ends or the connection closes.
pub async fn run(url: &str, room: &str) -> anyhow::Result<()> {
    let client = Client::connect(
        url,
        Opening::Watch {
            room: room.to_uppercase(),
        },
    )
    .await
    .with_context(|| format!("watching room {room} on {url}"))?;
    println!("{}\n", banner::big(&client.session().room));
    {
        let s = client.state();
        println!("{}", describe::phase_line(&s));
        let names: Vec<&str> = s.view.players.iter().map(|p| p.name.as_str()).collect();
        if !names.is_empty() {
            println!("At the table: {}", names.join(", "));
        }
        println!();
    }
    let mut updates = client.subscribe();
    while let Ok(update) = updates.recv().await {
        match update {
            crate::client::Update::Event(e) => {
                if !super::is_public_headline(&e) {
                    continue;
                }
                let headline = match &*e {
                    Event::PhaseChanged { round, phase, .. } => Some(format!("{round} {phase}")),
                    Event::Verdict { verdict, .. } => Some(verdict.to_string()),
                    Event::GameEnded { .. } => Some("the end".into()),
                    _ => None,
                };
                if let Some(h) = headline {
                    println!("\n{}\n", banner::big(&h));
                }
                if let Some(line) = describe::event(&client.state(), &e) {
                    // Spaced and emphasised so that the back of the room can read it.
                    println!("  ▶ {}\n", line.to_uppercase());
                }
                if matches!(*e, Event::GameEnded { .. }) {
                    println!("{}", panel::debrief(&client.state()));
                    return Ok(());
                }
            }
            crate::client::Update::Closed(why) => anyhow::bail!("connection closed: {why}"),
            crate::client::Update::Reconnecting(why) => {
                println!("  (lost the connection to the server: {why}; reconnecting…)\n");
            }
            crate::client::Update::Reconnected => println!("  (reconnected)\n"),
            crate::client::Update::Snapshot => {}
        }
    }
    Ok(())
}
