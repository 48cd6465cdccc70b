//! The demo's game against an in-process server: with its default seed it
//! shows the point of the exercise — a verdict against the evidence and a
//! shrimp's back — and the debrief says where; and it is the same game
//! every time (the bots play in lockstep).
#![allow(clippy::unwrap_used)]

mod support;

use std::time::Duration;

use allssam_cli::cmd::demo::{DEFAULT_PLAYERS, DEFAULT_SEED, play};
use allssam_cli::panel;
use allssam_cli::state::State;
use allssam_protocol::Phase;
use support::Server;

/// Plays the default demo; returns the final model and the printed feed
/// without its first line (the banner, which names the random room code).
async fn demo(server: &Server) -> (State, Vec<String>) {
    let mut feed = Vec::new();
    let state = play(
        &server.url(),
        DEFAULT_PLAYERS,
        DEFAULT_SEED,
        4,
        Duration::ZERO,
        |line| feed.push(line),
    )
    .await
    .expect("the demo plays");
    feed.remove(0);
    (state, feed)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_shows_a_verdict_against_the_evidence_and_a_shrimps_back() {
    let server = Server::start().await;
    let (state, feed) = demo(&server).await;
    assert_eq!(state.view.phase, Phase::Ended);
    let against: Vec<_> = state
        .view
        .cases
        .iter()
        .filter(|c| c.verdict.is_some() && c.verdict != c.evidence_ruling)
        .collect();
    let debrief = state.view.debrief.clone().expect("a debrief");
    assert!(!against.is_empty(), "no verdict against the evidence");
    assert!(debrief.shrimp_count > 0, "no shrimp's back");
    // The feed says it as it happens; the summary says where.
    assert!(feed.iter().any(|l| l.contains("against the evidence")));
    let summary = panel::debrief(&state);
    // The money check is printed once, by the debrief, and holds.
    assert!(feed.iter().all(|l| !l.contains("Money:")), "{feed:?}");
    assert_eq!(summary.matches("Money:").count(), 1, "{summary}");
    assert!(summary.contains("(conserved)"), "{summary}");
    let case = format!("round {}: case {}", against[0].round, against[0].id);
    let line = summary
        .lines()
        .find(|l| l.contains(&case))
        .expect("case line");
    assert!(line.contains("AGAINST THE EVIDENCE"), "{summary}");
    let shrimp = summary
        .lines()
        .find(|l| l.starts_with("The shrimp's back broke:"))
        .expect("a shrimp line");
    assert!(
        shrimp.contains(" in case ") && shrimp.contains("(round "),
        "{shrimp}"
    );

    // The same seed plays the same game again, line for line.
    let (again, feed_again) = demo(&server).await;
    assert_eq!(feed, feed_again);
    assert_eq!(panel::debrief(&again), summary);
    server.stop().await;
}
