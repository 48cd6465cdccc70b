//! The load generator's measuring window against the real server: it
//! waits for its go file, loads through the warm-up without counting it,
//! counts only the window, and keeps every connection to the end.
#![allow(clippy::unwrap_used)]

mod support;

use std::time::{Duration, Instant};

use allssam_cli::loadtest::Start;
use allssam_cli::loadtest_modes::{RawMode, RawOptions, run_raw};
use allssam_cli::loadtest_raw::Dialer;
use support::{PATIENCE, Server};

/// 2 rooms of 4 players chatting for a 1 s window.
fn chat_load(start: Start, drop_hosts: bool) -> RawOptions {
    RawOptions {
        mode: RawMode::Chat,
        rooms: 2,
        players: 4,
        duration: Duration::from_secs(1),
        // Open loop, well under the default rate limit.
        rate: Some(5.0),
        concurrency: 2,
        server_pid: None,
        start,
        drop_hosts,
    }
}

#[tokio::test]
async fn chat_load_waits_for_its_go_file_and_counts_only_after_the_warm_up() {
    let server = Server::start().await;
    let go = std::env::temp_dir().join(format!("allssam-go-{}", std::process::id()));
    let _ = std::fs::remove_file(&go);
    let start = Start {
        go_file: Some(go.clone()),
        warmup: Duration::from_secs(1),
    };
    let options = chat_load(start, false);
    let dialer = Dialer::new(&server.url(), Vec::new()).await.unwrap();
    let run = tokio::spawn(async move { run_raw(&dialer, &options).await });

    // Set up, it waits: nothing has been counted, nothing finishes.
    tokio::time::sleep(Duration::from_millis(1_500)).await;
    assert!(!run.is_finished(), "the run went on without its go file");
    std::fs::write(&go, b"go").unwrap();
    let went = Instant::now();
    let report = tokio::time::timeout(PATIENCE, run)
        .await
        .expect("the run ends")
        .unwrap()
        .unwrap();
    let _ = std::fs::remove_file(&go);

    assert!(went.elapsed() >= Duration::from_secs(2), "warm-up + window");
    assert_eq!(report.connections, 8);
    assert_eq!(report.disconnections, 0);
    assert!(report.refusals.is_empty(), "{:?}", report.refusals);
    assert_eq!(report.seconds, 1.0);
    // 8 players at 5/s: ~40 acks in the one-second window, ~80 had the
    // warm-up been counted too.
    assert!(
        (20..=60).contains(&report.acked),
        "acked {} in the window",
        report.acked
    );
    server.stop().await;
}

#[tokio::test]
async fn chat_load_without_facilitators_sends_no_copies_and_loses_nobody() {
    let server = Server::start().await;
    let dialer = Dialer::new(&server.url(), Vec::new()).await.unwrap();
    let mut events_per_ack = Vec::new();
    for drop_hosts in [false, true] {
        let options = chat_load(Start::default(), drop_hosts);
        let report = tokio::time::timeout(PATIENCE, run_raw(&dialer, &options))
            .await
            .expect("the run ends")
            .unwrap();
        assert_eq!(report.connections, 8);
        assert_eq!(report.disconnections, 0, "drop_hosts {drop_hosts}");
        assert!(report.refusals.is_empty(), "{:?}", report.refusals);
        assert!(report.acked >= 20, "acked {}", report.acked);
        events_per_ack.push(report.events as f64 / report.acked as f64);
    }
    // A private chat goes to its sender and its recipient, and a copy to
    // the facilitator while there is one: about one event an ack more with
    // facilitators than without.
    let (with, without) = (events_per_ack[0], events_per_ack[1]);
    assert!(
        with - without > 0.8,
        "events an ack: {with:.2} with facilitators, {without:.2} without"
    );
    server.stop().await;
}
