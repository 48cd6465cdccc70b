//! `allssam watch ROOM`: the projector view — the public feed in large text.

use allssam_protocol::{Event, Speaker};
use anyhow::Context;

use crate::client::{Client, Opening};
use crate::state::State;
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
                if let Some(text) = projector_text(&client.state(), &e) {
                    print!("{text}");
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

/// What the projector shows for a public event, spaced so that the back of
/// the room can read it: the turns of the game (a new phase, a verdict, the
/// end) get a headline in block letters, every event its sentence as the
/// consoles word it (not in capitals: "15 s" is not "15 S"), and the
/// facilitator's announcements a frame of their own so they stand out.
pub fn projector_text(s: &State, e: &Event) -> Option<String> {
    if let Event::Chat {
        from: Speaker::Facilitator,
        to: None,
        text,
    } = e
    {
        return Some(announcement(text));
    }
    let headline = match e {
        Event::PhaseChanged { round, phase, .. } => Some(format!("{round} {phase}")),
        Event::Verdict { verdict, .. } => Some(verdict.to_string()),
        Event::GameEnded { .. } => Some("the end".into()),
        _ => None,
    };
    let mut out = headline.map_or(String::new(), |h| format!("\n{}\n\n", banner::big(&h)));
    if let Some(line) = describe::event(s, e) {
        out.push_str(&format!("  ▶ {line}\n\n"));
    }
    (!out.is_empty()).then_some(out)
}

/// The widest rule: a projector's line, whatever the announcement's length.
const RULE_MAX: usize = 72;

/// The facilitator's words between two rules, with blank lines around.
fn announcement(text: &str) -> String {
    let line = format!("▶ The facilitator: {text}");
    let rule = "━".repeat(line.chars().count().min(RULE_MAX));
    format!("\n  {rule}\n  {line}\n  {rule}\n\n")
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::testkit::room;
    use allssam_protocol::{Phase, Role};

    fn spectator() -> State {
        let mut s = room(Role::Donju, Phase::Dealing);
        s.view.you = None;
        s
    }

    #[test]
    fn the_projector_emphasises_headlines_not_whole_sentences() {
        let s = spectator();
        let phase = Event::PhaseChanged {
            round: 1,
            phase: Phase::Accusation,
            skipped: vec![Phase::Investigation, Phase::Verdict],
            market: None,
            deadline_ms: Some(15_000),
        };
        let text = projector_text(&s, &phase).unwrap();
        assert!(text.contains('█'), "a block-letter headline: {text}");
        assert!(
            text.ends_with(
                "\n  ▶ ── Round 1: accusation, 15 s ── (no cases: investigation and verdict skipped)\n\n"
            ),
            "{text}"
        );
        let chat = Event::Chat {
            from: Speaker::Player(crate::testkit::pid(2)),
            to: None,
            text: "hello all".into(),
        };
        assert_eq!(projector_text(&s, &chat).unwrap(), "  ▶ Kim: hello all\n\n");
    }

    #[test]
    fn the_facilitators_announcements_stand_out() {
        let said = Event::Chat {
            from: Speaker::Facilitator,
            to: None,
            text: "Tea break".into(),
        };
        assert_eq!(
            projector_text(&spectator(), &said).unwrap(),
            "\n  ━━━━━━━━━━━━━━━━━━━━━━━━━━━━\n  ▶ The facilitator: Tea break\n  ━━━━━━━━━━━━━━━━━━━━━━━━━━━━\n\n"
        );
    }
}
