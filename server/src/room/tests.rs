//! In-memory room tests with tokio's paused clock: lifetime, the journal
//! records, and the slow-consumer disconnect — no sockets.
#![allow(clippy::unwrap_used)]

use std::sync::Arc;
use std::time::Duration;

use allssam_protocol::{ClientMessage, Request, ServerMessage, close};

use super::Opening;
use crate::config::ServerConfig;
use crate::game::{Actor, Command, Viewer};
use crate::outbound::{ConnLink, LinkEnds, Out};
use crate::registry::Registry;
use crate::store::{MemoryStore, Seat, Store};

fn registry(store: Arc<MemoryStore>) -> Arc<Registry> {
    let config = ServerConfig {
        empty_lobby_ttl: Duration::from_secs(60),
        ..ServerConfig::default()
    };
    Registry::new(config, store)
}

fn next(ends: &mut LinkEnds) -> ServerMessage {
    match ends.queue.try_recv().expect("a queued message") {
        Out::Close(req) => panic!("closed: {req:?}"),
        out => serde_json::from_str(&out.into_text().unwrap()).unwrap(),
    }
}

#[tokio::test(start_paused = true)]
async fn an_empty_lobby_is_removed_after_its_ttl_and_its_tokens_revoked() {
    let registry = registry(Arc::new(MemoryStore::new()));
    let (room, token) = registry.create_room(None).unwrap();
    let (link, mut ends) = ConnLink::new(1, 16);
    let viewer = room
        .open(
            Opening::Create {
                token: token.clone(),
            },
            Some(1),
            link,
        )
        .await;
    assert_eq!(viewer, Ok(Viewer::Facilitator));
    assert!(matches!(next(&mut ends), ServerMessage::Ack { .. }));

    // Occupied: it stays however long.
    tokio::time::sleep(Duration::from_secs(600)).await;
    assert!(registry.room(&room.code).is_some());

    room.detach(1).await;
    tokio::time::sleep(Duration::from_secs(59)).await;
    assert!(registry.room(&room.code).is_some(), "not yet");
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert!(
        registry.room(&room.code).is_none(),
        "removed after an hour-like ttl"
    );
    assert!(registry.session(&token).is_none());
    assert_eq!(registry.room_count(), 0);
}

#[tokio::test(start_paused = true)]
async fn every_applied_change_is_journaled_with_its_answer() {
    let store = Arc::new(MemoryStore::new());
    let registry = registry(Arc::clone(&store));
    let (room, token) = registry.create_room(None).unwrap();
    let (facilitator, _f) = ConnLink::new(1, 16);
    room.open(
        Opening::Create {
            token: token.clone(),
        },
        Some(1),
        facilitator,
    )
    .await
    .unwrap();
    let (player, mut ends) = ConnLink::new(2, 16);
    let joined = room
        .open(Opening::Join { name: "Kim".into() }, Some(7), player)
        .await;
    let Ok(Viewer::Player(id)) = joined else {
        panic!("joined: {joined:?}")
    };
    let ServerMessage::Ack { result, .. } = next(&mut ends) else {
        panic!("an ack first")
    };

    let records = store.log(&room.code, 0).await.unwrap();
    assert_eq!(records.len(), 3, "{records:?}");
    assert_eq!(
        records[0].command.parse::<serde_json::Value>().unwrap()["type"],
        "create_room"
    );
    assert!(!records[0].applied, "create_room is no engine command");
    assert_eq!(records[0].seat, Some(Seat::Facilitator));
    assert!(
        !records[0]
            .answer
            .as_ref()
            .unwrap()
            .as_str()
            .contains(&token),
        "no token is stored"
    );
    let info = store.room(&room.code).await.unwrap().expect("the room row");
    assert!(info.config["seed"].is_u64(), "{:?}", info.config);
    assert_eq!(records[1].seat, Some(Seat::Player(id.to_string())));
    assert_eq!(records[1].req, Some(7));
    assert!(records[1].applied);
    let stored_answer = records[1].answer.as_ref().unwrap().as_str();
    assert!(!stored_answer.contains(result.token.as_deref().unwrap()));
    let join: Command = records[1].command.parse().unwrap();
    assert!(matches!(join, Command::Join { player, .. } if player == id));
    let actor: Actor = records[2].actor.parse().unwrap();
    assert_eq!(actor, Actor::System);
    let connect: Command = records[2].command.parse().unwrap();
    assert_eq!(connect, Command::Connect { player: id });
    // The player's token is stored as a hash and grants the seat.
    let grant = store
        .token(crate::store::TokenHash::of(
            result.token.as_deref().unwrap(),
        ))
        .await
        .unwrap()
        .expect("the token's hash is stored");
    assert_eq!(grant.seat, Seat::Player(id.to_string()));
}

#[tokio::test(start_paused = true)]
async fn a_client_whose_queue_is_full_is_disconnected_with_4004() {
    let registry = registry(Arc::new(MemoryStore::new()));
    let (room, _) = registry.create_room(None).unwrap();
    // Room for the watch's ack and snapshot, and nothing more.
    let (slow, ends) = ConnLink::new(1, 2);
    room.open(Opening::Watch, None, slow.clone()).await.unwrap();
    let (player, _p) = ConnLink::new(2, 16);
    room.open(Opening::Join { name: "Ri".into() }, None, player)
        .await
        .unwrap();
    assert!(slow.is_closing());
    assert_eq!(ends.close.borrow().map(|c| c.code), Some(close::TOO_SLOW));
}

#[tokio::test(start_paused = true)]
async fn an_ended_room_closes_its_connections_with_4005_after_its_retention() {
    let config = ServerConfig {
        ended_retention: Duration::from_secs(120),
        ..ServerConfig::default()
    };
    let registry = Registry::new(config, Arc::new(MemoryStore::new()));
    let (room, token) = registry.create_room(None).unwrap();
    let (facilitator, mut f) = ConnLink::new(1, 1024);
    room.open(
        Opening::Create {
            token: token.clone(),
        },
        Some(1),
        facilitator.clone(),
    )
    .await
    .unwrap();
    for (conn, name) in [(2, "Kim"), (3, "Lee"), (4, "Park"), (5, "Choi")] {
        let (player, ends) = ConnLink::new(conn, 1024);
        room.open(Opening::Join { name: name.into() }, None, player)
            .await
            .unwrap();
        std::mem::forget(ends);
    }
    for body in [ClientMessage::Start, ClientMessage::End] {
        let outcome = room.request(1, Request::new(body).with_req(9)).await;
        assert!(outcome.is_some(), "the room answers");
    }

    // Ended: kept (scores on screen) until its retention passes.
    tokio::time::sleep(Duration::from_secs(119)).await;
    assert!(registry.room(&room.code).is_some(), "not yet");
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert!(registry.room(&room.code).is_none(), "removed from memory");
    // The close follows the queued messages, so the last answers go first.
    let mut closed = None;
    while let Ok(out) = f.queue.try_recv() {
        if let Out::Close(req) = out {
            closed = Some(req.code);
        }
    }
    assert_eq!(closed, Some(close::ROOM_CLOSED));
    assert!(registry.session(&token).is_none(), "its tokens are gone");
    assert_eq!(registry.room_count(), 0);
}
