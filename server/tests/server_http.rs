//! The plain HTTP paths, room isolation against a hostile client, and
//! graceful shutdown with clients connected.
#![allow(clippy::unwrap_used)]

mod server_support;

use serde_json::json;
use server_support::{Closed, TestServer, http_get, room};
use tokio_tungstenite::tungstenite::Message;

#[tokio::test]
async fn healthz_answers_200() {
    let server = TestServer::default().await;
    let (status, body) = http_get(server.addr, "/healthz", "").await;
    assert_eq!(status, 200);
    assert_eq!(body.trim(), "ok");
}

#[tokio::test]
async fn metrics_are_prometheus_text_with_the_documented_names() {
    let server = TestServer::default().await;
    let (mut facilitator, _, _) = room(&server).await;
    let refused = facilitator.ask(json!({"type": "teleport", "req": 2})).await;
    assert_eq!(refused["code"], "unknown_type");
    let (status, body) = http_get(server.addr, "/metrics", "").await;
    assert_eq!(status, 200);
    for name in [
        "# TYPE allssam_connections_open gauge",
        "allssam_rooms{phase=\"lobby\"}",
        "allssam_messages_in_total",
        "allssam_messages_out_total",
        "allssam_refusals_total{code=\"unknown_type\"}",
        "allssam_request_ack_seconds_bucket",
    ] {
        assert!(body.contains(name), "missing {name} in:\n{body}");
    }
}

#[tokio::test]
async fn a_fresh_server_lists_every_metric_before_anything_happens() {
    let server = TestServer::default().await;
    let (status, body) = http_get(server.addr, "/metrics", "").await;
    assert_eq!(status, 200);
    let mut expected = vec![
        "# TYPE allssam_connections_open gauge".to_string(),
        "# TYPE allssam_messages_in_total counter".into(),
        "# TYPE allssam_messages_out_total counter".into(),
        "# TYPE allssam_request_ack_seconds histogram".into(),
        "# TYPE allssam_store_commits_total counter".into(),
        "# TYPE allssam_store_submissions_total counter".into(),
    ];
    // No test in this file leaves a room in most of these phases: only the
    // start-up registration can put them on the page.
    for phase in allssam_protocol::Phase::ALL {
        expected.push(format!("allssam_rooms{{phase=\"{}\"}}", phase.as_str()));
    }
    for line in expected {
        assert!(body.contains(&line), "missing {line} in:\n{body}");
    }
}

#[tokio::test]
async fn a_hostile_client_does_not_disturb_another_room() {
    let server = TestServer::default().await;
    let (mut facilitator, code, _) = room(&server).await;
    let (mut hostile, _, _) = room(&server).await;
    hostile.send_raw(Message::text("{{{{")).await;
    for req in 0..200 {
        hostile.send(json!({"type": "sync", "req": req})).await;
    }
    hostile
        .send(json!({"type": "chat", "text": "x".repeat(70_000)}))
        .await;
    // Closed for flooding; a client that keeps writing into a closing
    // socket may see it reset instead of the close frame.
    let (closed, _) = hostile.closed().await;
    assert!(
        matches!(closed, Closed::Code(1008 | 1009) | Closed::Abrupt),
        "{closed:?}"
    );

    let mut player = server.client().await;
    let (joined, _) = player.join(&code, "Jang").await;
    let event = facilitator.recv().await;
    assert_eq!(
        event["seq"], 1,
        "nothing of the other room arrived: {event}"
    );
    assert_eq!(event["event"]["player"]["id"], joined["player_id"]);
    let pong = facilitator.ask(json!({"type": "ping", "req": 3})).await;
    assert_eq!(pong["type"], "pong");
}

#[tokio::test]
async fn shutdown_closes_every_client_with_1001_and_run_returns() {
    let server = TestServer::default().await;
    let (mut facilitator, code, _) = room(&server).await;
    let mut spectator = server.client().await;
    spectator.watch(&code).await;
    let mut idle = server.client().await;
    let stopped = tokio::spawn(server.stop());
    for client in [&mut facilitator, &mut spectator, &mut idle] {
        let (closed, _) = client.closed().await;
        assert_eq!(closed, Closed::Code(1001));
    }
    stopped.await.unwrap().expect("run returns Ok");
}
