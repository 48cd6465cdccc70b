//! Opening flows over real sockets: create_room, join, watch, resume (and
//! the 4001 it causes), seat tokens, sync, retries, and the refusals of the
//! opening. Lobby-level only: they run against the placeholder engine.
#![allow(clippy::unwrap_used)]

mod server_support;

use serde_json::json;
use server_support::{Closed, TestServer, room};

#[tokio::test]
async fn create_room_acks_with_protocol_and_version_then_a_snapshot() {
    let server = TestServer::default().await;
    let mut client = server.client().await;
    let (ack, snapshot) = client.create_room().await;
    assert_eq!(ack["req"], 1);
    assert_eq!(ack["protocol"], 1);
    assert_eq!(ack["server"], env!("CARGO_PKG_VERSION"));
    let code = ack["room"].as_str().unwrap();
    assert_eq!(code.len(), 6);
    assert!(
        code.chars()
            .all(|c| allssam_protocol::ROOM_CODE_ALPHABET.contains(c))
    );
    assert_eq!(ack["facilitator_token"].as_str().unwrap().len(), 36);
    assert_eq!(snapshot["type"], "snapshot");
    assert_eq!(snapshot["seq"], 0);
    assert_eq!(snapshot["view"]["room"], code);
    assert_eq!(snapshot["view"]["phase"], "lobby");
}

#[tokio::test]
async fn join_is_announced_to_those_already_there_with_seq() {
    let server = TestServer::default().await;
    let (mut facilitator, code, _) = room(&server).await;
    let mut spectator = server.client().await;
    let watched = spectator
        .ask(json!({"type": "watch", "req": 4, "protocol": 1, "room": code.to_lowercase()}))
        .await;
    assert_eq!(
        watched["type"], "ack",
        "room codes are read in any case: {watched}"
    );
    assert_eq!(spectator.recv().await["seq"], 0);

    let mut player = server.client().await;
    let (ack, snapshot) = player.join(&code, "Kim").await;
    let id = ack["player_id"].as_str().unwrap().to_owned();
    assert!(ack["token"].as_str().is_some());
    assert_eq!(snapshot["seq"], 0);
    assert_eq!(
        snapshot["view"]["players"][0]["id"], id,
        "the joiner's snapshot holds him"
    );

    for watcher in [&mut facilitator, &mut spectator] {
        let event = watcher.recv().await;
        assert_eq!(event["type"], "event");
        assert_eq!(event["seq"], 1);
        assert_eq!(event["event"]["kind"], "player_joined");
        assert_eq!(event["event"]["player"]["id"], id);
    }
}

#[tokio::test]
async fn resume_takes_the_seat_back_and_closes_the_older_connection_with_4001() {
    let server = TestServer::default().await;
    let (_facilitator, code, _) = room(&server).await;
    let mut first = server.client().await;
    let (ack, _) = first.join(&code, "Ri").await;
    let token = ack["token"].as_str().unwrap().to_owned();
    let ping = first.ask(json!({"type": "ping", "req": 7})).await;
    assert_eq!(ping, json!({"type": "pong", "req": 7}));

    let mut second = server.client().await;
    let resumed = second
        .ask(json!({"type": "resume", "req": 2, "protocol": 1, "token": token}))
        .await;
    assert_eq!(resumed["type"], "ack", "{resumed}");
    assert_eq!(resumed["room"], code);
    assert_eq!(resumed["player_id"], ack["player_id"]);
    assert_eq!(resumed["protocol"], 1);
    assert!(resumed["last_req"].as_u64().unwrap() >= 2, "{resumed}");
    assert_eq!(second.recv().await["type"], "snapshot");

    let (closed, _) = first.closed().await;
    assert_eq!(closed, Closed::Code(4001));
}

#[tokio::test]
async fn the_facilitator_resumes_and_a_seat_token_opens_the_seat() {
    let server = TestServer::default().await;
    let (mut facilitator, code, facilitator_token) = room(&server).await;
    let mut player = server.client().await;
    let (joined, _) = player.join(&code, "Pak").await;
    assert_eq!(facilitator.recv().await["event"]["kind"], "player_joined");
    let id = joined["player_id"].as_str().unwrap();

    let refused = player
        .ask(json!({"type": "seat_token", "req": 2, "player": id}))
        .await;
    assert_eq!(refused["code"], "not_facilitator");

    let seat = facilitator
        .ask(json!({"type": "seat_token", "req": 5, "player": id}))
        .await;
    let bot_token = seat["token"].as_str().unwrap().to_owned();
    assert_ne!(bot_token, joined["token"].as_str().unwrap());
    // A retry of the same req is answered from memory: the same token, not a new one.
    let again = facilitator
        .ask(json!({"type": "seat_token", "req": 5, "retry": true, "player": id}))
        .await;
    assert_eq!(again, seat);

    let mut bot = server.client().await;
    let taken = bot
        .ask(json!({"type": "resume", "protocol": 1, "token": bot_token}))
        .await;
    assert_eq!(taken["player_id"], id);
    assert_eq!(player.closed().await.0, Closed::Code(4001));

    let mut again = server.client().await;
    let back = again
        .ask(json!({"type": "resume", "req": 9, "protocol": 1, "token": facilitator_token}))
        .await;
    assert_eq!(back["type"], "ack");
    assert!(back.get("player_id").is_none());
    assert_eq!(back["last_req"], 9, "the highest req the facilitator used");
    assert_eq!(facilitator.closed().await.0, Closed::Code(4001));
}

#[tokio::test]
async fn sync_acks_then_sends_a_snapshot_continuing_seq() {
    let server = TestServer::default().await;
    let (mut facilitator, code, _) = room(&server).await;
    let mut player = server.client().await;
    player.join(&code, "Choe").await;
    assert_eq!(facilitator.recv().await["seq"], 1);
    facilitator.send(json!({"type": "sync", "req": 3})).await;
    // The join's events (joined, then connected) may still be arriving.
    let mut last_event = 1;
    let ack = loop {
        let message = facilitator.recv().await;
        if message["type"] != "event" {
            break message;
        }
        last_event = message["seq"].as_u64().expect("events carry seq");
    };
    assert_eq!(ack, json!({"type": "ack", "req": 3}));
    let snapshot = facilitator.recv().await;
    assert_eq!(snapshot["type"], "snapshot");
    assert_eq!(
        snapshot["seq"], last_event,
        "a snapshot includes everything up to the last event"
    );
}

#[tokio::test]
async fn opening_refusals_keep_the_connection_open() {
    let server = TestServer::default().await;
    let mut client = server.client().await;
    let cases = [
        (
            json!({"type": "chat", "req": 1, "text": "hi"}),
            "not_joined",
        ),
        (
            json!({"type": "join", "req": 2, "protocol": 2, "room": "AAAAAA", "name": "x"}),
            "protocol_version",
        ),
        (
            json!({"type": "join", "req": 3, "protocol": 1, "room": "ZZZZZZ", "name": "x"}),
            "room_not_found",
        ),
        (
            json!({"type": "watch", "req": 4, "protocol": 1, "room": "ZZZZZZ"}),
            "room_not_found",
        ),
        (
            json!({"type": "resume", "req": 5, "protocol": 1, "token": "nope"}),
            "bad_token",
        ),
        (
            json!({"type": "create_room", "req": 6, "protocol": 1, "config": {"rounds": 0}}),
            "invalid_config",
        ),
    ];
    for (request, code) in cases {
        let answer = client.ask(request.clone()).await;
        assert_eq!(answer["type"], "error", "{request}");
        assert_eq!(answer["code"], code, "{request}");
        assert_eq!(answer["req"], request["req"]);
        if code == "protocol_version" {
            assert_eq!(answer["detail"]["supported"], json!([1]));
        }
        if code == "invalid_config" {
            assert_eq!(answer["detail"]["field"], "rounds");
        }
    }
    // Still open, and still able to open.
    let (ack, _) = client.create_room().await;
    assert_eq!(ack["type"], "ack");
    let again = client
        .ask(json!({"type": "watch", "req": 8, "protocol": 1, "room": ack["room"]}))
        .await;
    assert_eq!(again["code"], "already_joined");
}

#[tokio::test]
async fn spectators_only_watch_and_stale_play_requests_are_wrong_phase() {
    let server = TestServer::default().await;
    let (mut facilitator, code, _) = room(&server).await;
    let mut spectator = server.client().await;
    spectator.watch(&code).await;
    spectator.recv().await;
    let chat = spectator
        .ask(json!({"type": "chat", "req": 1, "text": "hi"}))
        .await;
    assert_eq!(chat["code"], "forbidden");
    // A facilitator request is `not_facilitator` from anyone else (PROTOCOL.md).
    let start = spectator.ask(json!({"type": "start", "req": 2})).await;
    assert_eq!(start["code"], "not_facilitator", "{start}");

    let stale = facilitator
        .ask(json!({"type": "chat", "req": 2, "text": "hi", "round": 3, "phase": "dealing"}))
        .await;
    assert_eq!(stale["code"], "wrong_phase");
    assert_eq!(stale["req"], 2);
}

#[tokio::test]
async fn a_kicked_player_is_closed_with_4003_and_his_token_stops_working() {
    let server = TestServer::default().await;
    let (mut facilitator, code, _) = room(&server).await;
    let mut player = server.client().await;
    let (joined, _) = player.join(&code, "Han").await;
    facilitator.recv().await;
    let kicked = facilitator
        .ask(json!({"type": "kick", "req": 2, "player": joined["player_id"]}))
        .await;
    assert_eq!(kicked["type"], "ack", "{kicked}");
    assert_eq!(player.closed().await.0, Closed::Code(4003));
    let mut again = server.client().await;
    let refused = again
        .ask(json!({"type": "resume", "req": 1, "protocol": 1, "token": joined["token"]}))
        .await;
    assert_eq!(refused["code"], "bad_token");
}
