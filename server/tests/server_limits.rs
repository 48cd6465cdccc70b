//! Limits and bad input over real sockets: malformed, unknown_type,
//! too_large (1009), no opening in time (4008), idle close, rate limiting,
//! flood close (1008), server_full, the Origin check, and the bounded outbound queue.
#![allow(clippy::unwrap_used)]

mod server_support;

use std::time::Duration;

use allssam_server::ServerConfig;
use serde_json::json;
use server_support::{Client, Closed, TestServer, room, upgrade_status};
use tokio_tungstenite::tungstenite::Message;

#[tokio::test]
async fn malformed_and_unknown_type_are_answered_and_the_connection_kept() {
    let server = TestServer::default().await;
    let mut client = server.client().await;
    client.send_raw(Message::text("not json")).await;
    let answer = client.recv().await;
    assert_eq!(answer["code"], "malformed");
    assert!(
        answer.get("req").is_none(),
        "no req could be read: {answer}"
    );

    let answer = client
        .ask(json!({"type": "offer", "req": 4, "to": 12}))
        .await;
    assert_eq!(
        (answer["code"].as_str(), answer["req"].as_u64()),
        (Some("malformed"), Some(4))
    );
    let answer = client.ask(json!({"type": "teleport", "req": 5})).await;
    assert_eq!(
        (answer["code"].as_str(), answer["req"].as_u64()),
        (Some("unknown_type"), Some(5))
    );
    client.send_raw(Message::binary(vec![1, 2, 3])).await;
    assert_eq!(client.recv().await["code"], "malformed");

    let pong = client.ask(json!({"type": "ping", "req": 6})).await;
    assert_eq!(pong, json!({"type": "pong", "req": 6}));
}

#[tokio::test]
async fn a_message_over_64_kib_is_too_large_and_closes_with_1009() {
    let server = TestServer::default().await;
    let (mut facilitator, _, _) = room(&server).await;
    let text = "x".repeat(allssam_protocol::MAX_MESSAGE_BYTES);
    facilitator
        .send(json!({"type": "chat", "req": 2, "text": text}))
        .await;
    let (closed, seen) = facilitator.closed().await;
    assert_eq!(closed, Closed::Code(1009), "saw {seen:?}");
    assert_eq!(
        seen.last().map(|m| m["code"].clone()),
        Some(json!("too_large"))
    );
}

#[tokio::test]
async fn no_opening_message_in_time_closes_with_4008_even_after_pings() {
    let server = TestServer::start(ServerConfig {
        opening_timeout: Duration::from_millis(300),
        ..ServerConfig::default()
    })
    .await;
    let mut client = server.client().await;
    assert_eq!(client.ask(json!({"type": "ping"})).await["type"], "pong");
    assert_eq!(client.closed().await.0, Closed::Code(4008));
}

fn idle_after_300_ms() -> ServerConfig {
    ServerConfig {
        idle_timeout: Duration::from_millis(300),
        ..ServerConfig::default()
    }
}

#[tokio::test]
async fn a_silent_connection_is_closed_after_the_idle_timeout() {
    let server = TestServer::start(idle_after_300_ms()).await;
    let (mut facilitator, _, _) = room(&server).await;
    assert_eq!(facilitator.closed().await.0, Closed::Code(1000));
}

#[tokio::test]
async fn a_connection_that_keeps_talking_outlives_the_idle_timeout() {
    let server = TestServer::start(idle_after_300_ms()).await;
    let (mut facilitator, _, _) = room(&server).await;
    // Ten times the timeout, never silent for more than a third of it.
    for _ in 0..30 {
        tokio::time::sleep(Duration::from_millis(100)).await;
        assert_eq!(
            facilitator.ask(json!({"type": "ping"})).await["type"],
            "pong"
        );
    }
    assert_eq!(facilitator.closed().await.0, Closed::Code(1000));
}

fn slow(burst: u32) -> ServerConfig {
    ServerConfig {
        rate_per_second: 1,
        rate_burst: burst,
        ..ServerConfig::default()
    }
}

#[tokio::test]
async fn requests_beyond_the_burst_are_rate_limited_with_retry_after() {
    let server = TestServer::start(slow(3)).await;
    let mut client = server.client().await;
    for req in 1..=3 {
        let answer = client.ask(json!({"type": "ping", "req": req})).await;
        assert_eq!(answer["type"], "pong");
    }
    let refused = client.ask(json!({"type": "ping", "req": 4})).await;
    assert_eq!(refused["code"], "rate_limited");
    assert_eq!(refused["req"], 4);
    let wait = refused["detail"]["retry_after_ms"].as_u64().unwrap();
    assert!((1..=1000).contains(&wait), "{refused}");
}

#[tokio::test]
async fn a_sustained_flood_is_closed_with_1008() {
    let server = TestServer::start(slow(3)).await;
    let mut client = server.client().await;
    for req in 0..20 {
        client.send(json!({"type": "ping", "req": req})).await;
    }
    let (closed, seen) = client.closed().await;
    assert_eq!(closed, Closed::Code(1008), "{seen:?}");
    let refused = seen.iter().filter(|m| m["code"] == "rate_limited").count();
    // Three accepted, then about twice the burst refused in a row before the close.
    assert_eq!(seen.len() - refused, 3, "{seen:?}");
    assert_eq!(refused, 5, "the sixth refusal closes instead of answering");
}

#[tokio::test]
async fn the_connection_cap_answers_server_full() {
    let server = TestServer::start(ServerConfig {
        max_connections: 1,
        ..ServerConfig::default()
    })
    .await;
    let mut first = server.client().await;
    assert_eq!(first.ask(json!({"type": "ping"})).await["type"], "pong");
    let mut second = server.client().await;
    let (closed, seen) = second.closed().await;
    assert_eq!(seen[0]["code"], "server_full");
    assert_eq!(closed, Closed::Code(1013));
    // The first one is undisturbed.
    assert_eq!(first.ask(json!({"type": "ping"})).await["type"], "pong");
}

#[tokio::test]
async fn the_room_cap_answers_server_full_and_keeps_the_connection() {
    let server = TestServer::start(ServerConfig {
        max_rooms: 1,
        ..ServerConfig::default()
    })
    .await;
    let _first = room(&server).await;
    let mut client = server.client().await;
    let refused = client
        .ask(json!({"type": "create_room", "req": 1, "protocol": 1}))
        .await;
    assert_eq!(refused["code"], "server_full");
    assert_eq!(client.ask(json!({"type": "ping"})).await["type"], "pong");
}

#[tokio::test]
async fn a_foreign_origin_is_refused_at_the_upgrade() {
    let server = TestServer::start(ServerConfig {
        allowed_origins: vec!["https://class.example".into()],
        ..ServerConfig::default()
    })
    .await;
    let status = upgrade_status(server.addr, "Origin: https://evil.example\r\n").await;
    assert_eq!(status, 403);
    let status = upgrade_status(server.addr, "Origin: https://class.example\r\n").await;
    assert_eq!(status, 101);
    // No Origin: not a browser, let through.
    let mut cli = Client::connect(&server.url()).await;
    assert_eq!(cli.ask(json!({"type": "ping"})).await["type"], "pong");
}

/// The outbound queue (outbound.rs, which holds no memory while empty) keeps
/// the bound, the order and the endings of the channel it replaced.
#[tokio::test]
async fn the_outbound_queue_is_bounded_ordered_and_ends_when_its_links_go() {
    use allssam_server::outbound::{ConnLink, Out, TryRecvError};
    let (link, mut ends) = ConnLink::new(7, 2);
    assert_eq!(ends.queue.try_recv().err(), Some(TryRecvError::Empty));
    assert!(link.push("a".into()));
    assert!(link.clone().push("b".into()));
    assert!(!link.is_closing());
    assert!(
        !link.push("c".into()),
        "a third frame overflows a queue of 2"
    );
    assert_eq!(
        ends.close.borrow().map(|c| c.code),
        Some(allssam_protocol::close::TOO_SLOW)
    );
    let texts: Vec<Option<String>> = vec![
        ends.queue.recv().await.and_then(Out::into_text),
        ends.queue.recv().await.and_then(Out::into_text),
    ];
    assert_eq!(texts, [Some("a".into()), Some("b".into())]);
    // Drained, it takes frames again; a waiting writer is woken by a push.
    let waiter = tokio::spawn(async move {
        let first = ends.queue.recv().await.and_then(Out::into_text);
        let last = ends.queue.recv().await.map(|_| "more");
        (first, last, ends)
    });
    tokio::task::yield_now().await;
    assert!(link.push("d".into()));
    drop(link);
    let (first, last, mut ends) = tokio::time::timeout(Duration::from_secs(5), waiter)
        .await
        .expect("the writer is woken")
        .unwrap();
    assert_eq!(
        (first.as_deref(), last),
        (Some("d"), None),
        "then every link is gone"
    );
    assert_eq!(
        ends.queue.try_recv().err(),
        Some(TryRecvError::Disconnected)
    );
}

#[tokio::test]
async fn a_link_whose_writer_is_gone_queues_nothing() {
    use allssam_server::outbound::ConnLink;
    let (link, ends) = ConnLink::new(8, 4);
    drop(ends);
    assert!(!link.push("lost".into()));
    assert!(!link.is_closing(), "a gone writer is not a slow client");
}

#[test]
fn an_event_frame_is_exactly_as_long_as_its_allocation() {
    use allssam_server::outbound::event_frame;
    for (seq, digits) in [
        (0, "0"),
        (9, "9"),
        (10, "10"),
        (1234, "1234"),
        (u64::MAX, "18446744073709551615"),
    ] {
        let frame = event_frame(seq, r#"{"kind":"x"}"#);
        assert_eq!(
            frame,
            format!(r#"{{"type":"event","seq":{digits},"event":{{"kind":"x"}}}}"#)
        );
        assert_eq!(frame.len(), frame.capacity(), "seq {seq}");
    }
}
