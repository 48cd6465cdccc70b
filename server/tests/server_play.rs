//! Play-level server tests over real sockets with the real engine and short
//! phases: start, the deadline advancing phases in real time, pause and
//! unpause, advance, ready, kick during play, retries, and an ended game.
#![allow(clippy::unwrap_used)]

mod server_support;

use std::time::{Duration, Instant};

use serde_json::{Value, json};
use server_support::{Client, Closed, TestServer};

/// A seated player: his connection, id and token.
struct Seat {
    client: Client,
    id: String,
    token: String,
}

/// A room created with `config`, `n` players seated, not started.
async fn room_with(server: &TestServer, config: Value, n: usize) -> (Client, Vec<Seat>) {
    let mut facilitator = server.client().await;
    let ack = facilitator
        .ask(json!({"type": "create_room", "req": 1, "protocol": 1, "config": config}))
        .await;
    assert_eq!(ack["type"], "ack", "{ack}");
    facilitator.recv().await;
    let code = ack["room"].as_str().unwrap().to_owned();
    let mut seats = Vec::new();
    for i in 0..n {
        let mut client = server.client().await;
        let (ack, _) = client.join(&code, &format!("P{i}")).await;
        seats.push(Seat {
            client,
            id: ack["player_id"].as_str().unwrap().to_owned(),
            token: ack["token"].as_str().unwrap().to_owned(),
        });
    }
    (facilitator, seats)
}

/// A started game of 4 players with these phase lengths (seconds) and rounds.
async fn started(server: &TestServer, phases: [u64; 4], rounds: u32) -> (Client, Vec<Seat>) {
    let config = json!({
        "rounds": rounds,
        "phase_seconds": {"dealing": phases[0], "accusation": phases[1],
                          "investigation": phases[2], "verdict": phases[3]},
    });
    let (mut facilitator, seats) = room_with(server, config, 4).await;
    let started = facilitator.ask(json!({"type": "start", "req": 2})).await;
    assert_eq!(started["type"], "ack", "{started}");
    (facilitator, seats)
}

/// Reads until an event of `kind` arrives; returns that event.
async fn until_event(client: &mut Client, kind: &str) -> Value {
    loop {
        let message = client.recv().await;
        if message["type"] == "event" && message["event"]["kind"] == kind {
            return message["event"].clone();
        }
    }
}

/// Asks for a snapshot; returns its view.
async fn view(client: &mut Client, req: u64) -> Value {
    let ack = client.ask(json!({"type": "sync", "req": req})).await;
    assert_eq!(ack["type"], "ack", "{ack}");
    loop {
        let message = client.recv().await;
        if message["type"] == "snapshot" {
            return message["view"].clone();
        }
    }
}

#[tokio::test]
async fn start_assigns_every_role_and_opens_dealing_with_a_deadline() {
    let server = TestServer::default().await;
    let (mut facilitator, mut seats) = started(&server, [30, 30, 30, 30], 2).await;
    let phase = until_event(&mut facilitator, "phase_changed").await;
    assert_eq!(phase["round"], 1);
    assert_eq!(phase["phase"], "dealing");
    let left = phase["deadline_ms"].as_u64().expect("dealing is timed");
    assert!(left > 25_000 && left <= 30_000, "{left}");
    let v = view(&mut seats[0].client, 5).await;
    let roles: Vec<&str> = v["players"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["role"].as_str().expect("a role for everyone"))
        .collect();
    for role in ["secretary", "manager", "prosecutor", "donju"] {
        assert!(roles.contains(&role), "{role} missing in {roles:?}");
    }
    assert_eq!(v["you"]["player_id"], seats[0].id.as_str());
    assert!(v["you"]["balance"].as_u64().unwrap() > 0);
}

#[tokio::test]
async fn the_deadline_ends_phases_in_real_time() {
    let server = TestServer::default().await;
    let (mut facilitator, _seats) = started(&server, [1, 1, 1, 1], 2).await;
    let began = Instant::now();
    assert_eq!(
        until_event(&mut facilitator, "phase_changed").await["phase"],
        "dealing"
    );
    let accusation = until_event(&mut facilitator, "phase_changed").await;
    assert_eq!(accusation["phase"], "accusation");
    assert_eq!(accusation["round"], 1);
    // No case: investigation and verdict are skipped (RULES.md §4).
    let next = until_event(&mut facilitator, "phase_changed").await;
    assert_eq!(
        (next["round"].clone(), next["phase"].clone()),
        (json!(2), json!("dealing"))
    );
    assert_eq!(next["skipped"], json!(["investigation", "verdict"]));
    assert!(
        began.elapsed() >= Duration::from_millis(1500),
        "phases waited for their deadlines"
    );
}

#[tokio::test]
async fn pause_freezes_the_deadline_and_unpause_restarts_it() {
    let server = TestServer::default().await;
    let (mut facilitator, _seats) = started(&server, [2, 30, 30, 30], 1).await;
    until_event(&mut facilitator, "phase_changed").await;
    let paused = facilitator.ask(json!({"type": "pause", "req": 3})).await;
    assert_eq!(paused["type"], "ack", "{paused}");
    let frozen = until_event(&mut facilitator, "paused").await["deadline_ms"]
        .as_u64()
        .unwrap();
    tokio::time::sleep(Duration::from_millis(2500)).await;
    let v = view(&mut facilitator, 4).await;
    assert_eq!(v["phase"], "dealing", "no phase ends while paused");
    assert_eq!(v["paused"], true);
    assert_eq!(
        v["deadline_ms"].as_u64(),
        Some(frozen),
        "the deadline is frozen"
    );
    let again = facilitator.ask(json!({"type": "pause", "req": 5})).await;
    assert_eq!(again["code"], "wrong_phase");
    let unpaused = facilitator.ask(json!({"type": "unpause", "req": 6})).await;
    assert_eq!(unpaused["type"], "ack", "{unpaused}");
    assert_eq!(
        until_event(&mut facilitator, "unpaused").await["deadline_ms"].as_u64(),
        Some(frozen)
    );
    assert_eq!(
        until_event(&mut facilitator, "phase_changed").await["phase"],
        "accusation"
    );
}

#[tokio::test]
async fn advance_and_ready_end_a_phase() {
    let server = TestServer::default().await;
    let (mut facilitator, mut seats) = started(&server, [300, 300, 300, 300], 1).await;
    until_event(&mut facilitator, "phase_changed").await;
    let advanced = facilitator.ask(json!({"type": "advance", "req": 3})).await;
    assert_eq!(advanced["type"], "ack", "{advanced}");
    assert_eq!(
        until_event(&mut facilitator, "phase_changed").await["phase"],
        "accusation"
    );

    let refused = seats[0]
        .client
        .ask(json!({"type": "advance", "req": 2}))
        .await;
    assert_eq!(refused["code"], "not_facilitator");
    for (i, seat) in seats.iter_mut().enumerate() {
        let ready = seat.client.ask(json!({"type": "ready", "req": 3})).await;
        assert_eq!(ready["type"], "ack", "{ready}");
        if i < 3 {
            let update = until_event(&mut facilitator, "player_updated").await;
            assert_eq!(update["ready"], true);
        }
    }
    // Everyone ready in the last round's accusation with no case: the game ends.
    let ended = until_event(&mut facilitator, "game_ended").await;
    assert!(ended["scores"].as_array().is_some_and(|s| s.len() == 4));
}

#[tokio::test]
async fn a_player_kicked_during_play_gets_4003_and_his_token_stops_working() {
    let server = TestServer::default().await;
    let (mut facilitator, mut seats) = started(&server, [300, 300, 300, 300], 1).await;
    let han = seats.remove(0);
    let mut han_client = han.client;
    let kicked = facilitator
        .ask(json!({"type": "kick", "req": 3, "player": han.id}))
        .await;
    assert_eq!(kicked["type"], "ack", "{kicked}");
    assert_eq!(han_client.closed().await.0, Closed::Code(4003));
    let mut again = server.client().await;
    let refused = again
        .ask(json!({"type": "resume", "req": 1, "protocol": 1, "token": han.token}))
        .await;
    assert_eq!(refused["code"], "bad_token");
    // Nor can the facilitator hand the kicked seat a new token.
    let token = facilitator
        .ask(json!({"type": "seat_token", "req": 4, "player": han.id}))
        .await;
    assert_eq!(token["code"], "invalid_target", "{token}");
}

#[tokio::test]
async fn a_retried_request_gets_the_remembered_answer_and_is_not_applied_again() {
    let server = TestServer::default().await;
    let (mut facilitator, mut seats) = started(&server, [300, 300, 300, 300], 1).await;
    let to = seats[1].id.clone();
    let offer = json!({"type": "offer", "req": 10, "to": to, "kind": "bribe", "amount": 50});
    let first = seats[0].client.ask(offer.clone()).await;
    assert_eq!(first["type"], "ack", "{first}");
    let mut retried = offer.clone();
    retried["retry"] = json!(true);
    let second = seats[0].client.ask(retried).await;
    assert_eq!(second, first, "the remembered answer");
    let v = view(&mut facilitator, 4).await;
    let offers = v["offers"].as_array().unwrap();
    assert_eq!(offers.len(), 1, "applied once: {offers:?}");
    // Without `retry` the same number is a new request (PROTOCOL.md "Retries").
    let third = seats[0].client.ask(offer).await;
    assert_eq!(third["type"], "ack");
    assert_ne!(third["offer"], first["offer"]);
}

#[tokio::test]
async fn an_ended_game_shows_scores_and_refuses_play() {
    let server = TestServer::default().await;
    let (mut facilitator, mut seats) = started(&server, [300, 300, 300, 300], 3).await;
    let ended = facilitator.ask(json!({"type": "end", "req": 3})).await;
    assert_eq!(ended["type"], "ack", "{ended}");
    let event = until_event(&mut seats[0].client, "game_ended").await;
    assert_eq!(event["scores"].as_array().unwrap().len(), 4);
    assert!(event["debrief"]["shrimp_count"].is_u64());
    let v = view(&mut facilitator, 4).await;
    assert_eq!(v["phase"], "ended");
    assert!(v["deadline_ms"].is_null());
    let t = &v["totals"];
    let held: u64 = v["players"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["balance"].as_u64().unwrap())
        .sum();
    let expect = t["starting"].as_u64().unwrap()
        + t["salaries"].as_u64().unwrap()
        + t["income"].as_u64().unwrap()
        - t["confiscated"].as_u64().unwrap();
    assert_eq!(held, expect);
    let late = seats[1]
        .client
        .ask(json!({"type": "ready", "req": 9}))
        .await;
    assert_eq!(late["code"], "wrong_phase");
    let twice = facilitator.ask(json!({"type": "end", "req": 5})).await;
    assert_eq!(twice["code"], "wrong_phase");
}
