//! `allssam watch ROOM`: the projector view — the public feed in large text.

use allssam_protocol::{Event, Phase, Speaker};
use anyhow::Context;

use crate::client::{Client, Opening};
use crate::state::State;
use crate::{banner, describe, panel};

/// The width assumed when the terminal does not say.
const DEFAULT_COLUMNS: usize = 80;

/// Watches `room` until the game ends or the connection closes; a room
/// whose game is over shows its scores and debrief, and the watch ends.
pub async fn run(url: &str, room: &str) -> anyhow::Result<()> {
    let client = Client::connect(
        url,
        Opening::Watch {
            room: room.to_uppercase(),
        },
    )
    .await
    .with_context(|| format!("watching room {room} on {url}"))?;
    let code = client.session().room.clone();
    let width = terminal_width();
    let (text, over) = opening(&client.state(), &code, width);
    println!("{text}");
    if over {
        return Ok(());
    }
    let mut updates = client.subscribe();
    while let Ok(update) = updates.recv().await {
        match update {
            crate::client::Update::Event(e) => {
                if !super::is_public_headline(&e) {
                    continue;
                }
                // Measured before the model is locked for the text.
                let width = terminal_width();
                if let Some(text) = projector_text(&client.state(), &e, width) {
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

/// What the projector shows first: the room code large, where the game
/// stands and who sits at the table; for a room whose game is over, its
/// end instead, and true: nothing more will happen there.
fn opening(s: &State, code: &str, columns: usize) -> (String, bool) {
    let mut out = format!(
        "{}\n\n{}\n",
        headline(code, code, columns),
        describe::phase_line(s)
    );
    if s.view.phase == Phase::Ended {
        out.push_str(&format!("\n{}", panel::debrief(s)));
        return (out, true);
    }
    let names: Vec<&str> = s.view.players.iter().map(|p| p.name.as_str()).collect();
    if !names.is_empty() {
        out.push_str(&format!("At the table: {}\n", names.join(", ")));
    }
    (out, false)
}

/// What the projector shows for a public event, spaced so that the back of
/// the room can read it: the turns of the game (a new phase, a verdict, the
/// end) get a headline in block letters, every event its sentence as the
/// consoles word it (not in capitals: "15 s" is not "15 S"), and the
/// facilitator's announcements a frame of their own so they stand out.
/// A headline too wide for the terminal's `columns` is a plain line instead.
pub fn projector_text(s: &State, e: &Event, columns: usize) -> Option<String> {
    if let Event::Chat {
        from: Speaker::Facilitator,
        to: None,
        text,
    } = e
    {
        return Some(announcement(text));
    }
    // Each in block letters, and as a plain line.
    let title = match e {
        Event::PhaseChanged { round, phase, .. } => Some((
            format!("{round} {phase}"),
            format!("round {round} · {phase}"),
        )),
        Event::Verdict { verdict, .. } => Some((verdict.to_string(), verdict.to_string())),
        Event::GameEnded { .. } => Some(("the end".into(), "the end".into())),
        _ => None,
    };
    let mut out = title.map_or(String::new(), |(big, plain)| {
        format!("\n{}\n\n", headline(&big, &plain, columns))
    });
    if let Some(line) = describe::event(s, e) {
        out.push_str(&format!("  ▶ {line}\n\n"));
    }
    (!out.is_empty()).then_some(out)
}

/// `big` in block letters if they fit in `columns`, else `plain` as an
/// emphasised line: wider letters would wrap into garbage.
fn headline(big: &str, plain: &str, columns: usize) -> String {
    if banner::width(big) <= columns {
        banner::big(big)
    } else {
        format!("══ {} ══", plain.to_uppercase())
    }
}

/// The terminal's width: `COLUMNS` when set, else what the terminal says
/// (`stty size`, on Unix), else [`DEFAULT_COLUMNS`].
fn terminal_width() -> usize {
    let columns = std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.trim().parse().ok())
        .filter(|c| *c > 0);
    columns.or_else(asked_width).unwrap_or(DEFAULT_COLUMNS)
}

/// The width of the terminal the projector prints to, if it is one.
fn asked_width() -> Option<usize> {
    console::Term::stdout()
        .size_checked()
        .map(|(_, columns)| usize::from(columns))
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
        let text = projector_text(&s, &phase, 120).unwrap();
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
        assert_eq!(
            projector_text(&s, &chat, 80).unwrap(),
            "  ▶ Kim: hello all\n\n"
        );
    }

    #[test]
    fn a_finished_room_shows_its_end_and_the_watch_stops() {
        let mut s = spectator();
        let (text, over) = opening(&s, "ABCDEF", 80);
        assert!(!over);
        assert!(text.contains("At the table: Me, Kim"), "{text}");
        s.apply(&Event::GameEnded {
            scores: vec![allssam_protocol::Score {
                player: crate::testkit::pid(2),
                role: Role::Secretary,
                score: 450,
                best: true,
            }],
            debrief: allssam_protocol::Debrief {
                justice_index: None,
                shrimp_count: 0,
                cadres_dismissed: 0,
                confiscated: 0,
            },
        });
        let (text, over) = opening(&s, "ABCDEF", 80);
        assert!(over);
        assert!(text.contains("the game has ended"), "{text}");
        assert!(
            text.contains("DEBRIEF") && text.contains("score 450"),
            "{text}"
        );
    }

    #[test]
    fn a_headline_too_wide_for_the_terminal_is_a_plain_line() {
        let s = spectator();
        let phase = Event::PhaseChanged {
            round: 1,
            phase: Phase::Investigation,
            skipped: vec![],
            market: None,
            deadline_ms: None,
        };
        let text = projector_text(&s, &phase, 80).unwrap();
        assert!(
            text.starts_with("\n══ ROUND 1 · INVESTIGATION ══\n\n  ▶ ── Round 1: investigation"),
            "{text}"
        );
        assert!(!text.contains('█'), "{text}");
        for columns in [80, 120] {
            let text = projector_text(&s, &phase, columns).unwrap();
            assert!(
                text.lines().all(|l| l.chars().count() <= columns),
                "{columns}: {text}"
            );
        }
        let wide = projector_text(&s, &phase, 120).unwrap();
        assert!(wide.contains('█'), "{wide}");
    }

    #[test]
    fn the_facilitators_announcements_stand_out() {
        let said = Event::Chat {
            from: Speaker::Facilitator,
            to: None,
            text: "Tea break".into(),
        };
        assert_eq!(
            projector_text(&spectator(), &said, 80).unwrap(),
            "\n  ━━━━━━━━━━━━━━━━━━━━━━━━━━━━\n  ▶ The facilitator: Tea break\n  ━━━━━━━━━━━━━━━━━━━━━━━━━━━━\n\n"
        );
    }
}
