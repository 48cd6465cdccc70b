//! In-memory room tests with tokio's paused clock: lifetime, the journal
//! records, and the slow-consumer disconnect — no sockets.
#![allow(clippy::unwrap_used)]

use std::sync::Arc;
use std::time::Duration;

use allssam_protocol::{ServerMessage, close};

use super::Opening;
use crate::config::ServerConfig;
use crate::game::{Actor, Command, Viewer};
use crate::journal::{Action, MemoryJournal, Seat};
use crate::outbound::{ConnLink, LinkEnds, Out};
use crate::registry::Registry;

fn registry(journal: MemoryJournal) -> Arc<Registry> {
    let config = ServerConfig {
        empty_lobby_ttl: Duration::from_secs(60),
        ..ServerConfig::default()
    };
    Registry::new(config, Arc::new(journal))
}

fn next(ends: &mut LinkEnds) -> ServerMessage {
    match ends.queue.try_recv().expect("a queued message") {
        Out::Text(text) => serde_json::from_str(&text).unwrap(),
        Out::Close(req) => panic!("closed: {req:?}"),
    }
}

#[tokio::test(start_paused = true)]
async fn an_empty_lobby_is_removed_after_its_ttl_and_its_tokens_revoked() {
    let registry = registry(MemoryJournal::default());
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
    let journal = MemoryJournal::default();
    let registry = registry(journal.clone());
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

    let records = journal.records();
    assert_eq!(records.len(), 3, "{records:?}");
    assert!(matches!(&records[0].action, Action::CreateRoom { config } if config.seed.is_some()));
    assert_eq!(
        records[0].answer.facilitator_token.as_deref(),
        Some(token.as_str())
    );
    assert_eq!(records[0].seat, Some(Seat::Facilitator));
    assert_eq!(records[1].seat, Some(Seat::Player(id)));
    assert_eq!(records[1].req, Some(7));
    assert_eq!(
        records[1].answer.token, result.token,
        "the token is rebuildable"
    );
    assert!(
        matches!(&records[1].action, Action::Game { command: Command::Join { player, .. } } if *player == id)
    );
    assert_eq!(records[2].actor, Actor::System);
    assert_eq!(
        records[2].action,
        Action::Game {
            command: Command::Connect { player: id }
        }
    );
}

#[tokio::test(start_paused = true)]
async fn a_client_whose_queue_is_full_is_disconnected_with_4004() {
    let registry = registry(MemoryJournal::default());
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
