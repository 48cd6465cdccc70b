//! The demo's game against an in-process server: with its default seed it
//! shows the point of the exercise — a verdict against the evidence and a
//! shrimp's back — and the debrief says where.
#![allow(clippy::unwrap_used)]

mod support;

use allssam_cli::cmd::demo::{DEFAULT_SEED, play};
use allssam_cli::panel;
use allssam_protocol::Phase;
use support::Server;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "timing-dependent: bots over real sockets interleave differently; seed 1 shows both in about 2 runs of 3"]
async fn the_demo_shows_a_verdict_against_the_evidence_and_a_shrimps_back() {
    let server = Server::start().await;
    let state = play(&server.url(), 7, DEFAULT_SEED, 4, |_| {})
        .await
        .expect("the demo plays");
    assert_eq!(state.view.phase, Phase::Ended);
    let against = state
        .view
        .cases
        .iter()
        .filter(|c| c.verdict.is_some() && c.verdict != c.evidence_ruling)
        .count();
    let debrief = state.view.debrief.clone().expect("a debrief");
    assert!(against > 0, "no verdict against the evidence");
    assert!(debrief.shrimp_count > 0, "no shrimp's back");
    let summary = panel::debrief(&state);
    assert!(summary.contains("AGAINST THE EVIDENCE"), "{summary}");
    assert!(summary.contains("The shrimp's back broke:"), "{summary}");
    server.stop().await;
}
