//! Determinism: replaying a room's stored log from scratch, and from its
//! last snapshot, gives the same game, and the view the facilitator saw live.
#![allow(clippy::unwrap_used)]

#[path = "server_support/mod.rs"]
mod support;

use std::sync::Arc;
use std::time::Duration;

use allssam_server::ServerConfig;
use allssam_server::game::{Game, Viewer};
use allssam_server::room::{replay, restore, stored_config};
use allssam_server::store::{SqliteStore, Store, StoreOptions};
use serde_json::{Value, json};
use support::Client;
use tokio::net::TcpListener;

async fn ok(client: &mut Client, request: Value) -> Value {
    let answer = client.ask(request.clone()).await;
    assert_eq!(answer["type"], "ack", "{request} -> {answer}");
    answer
}

#[tokio::test]
async fn replay_from_scratch_and_from_the_snapshot_give_the_same_game() {
    let dir = std::env::temp_dir().join(format!("allssam-replay-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let data = dir.join("allssam.db");
    let store: Arc<dyn Store> =
        Arc::new(SqliteStore::open(&data, StoreOptions::default()).unwrap());
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("ws://{}/ws", listener.local_addr().unwrap());
    let config = ServerConfig {
        snapshot_every: 5,
        ..ServerConfig::default()
    };
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(allssam_server::run_with(
        listener,
        config,
        Arc::clone(&store),
        async {
            let _ = stopped.await;
        },
    ));

    let mut fac = Client::connect(&url).await;
    let ack = ok(
        &mut fac,
        json!({"type": "create_room", "req": 1, "protocol": 1, "config": {"seed": 11}}),
    )
    .await;
    let code = ack["room"].as_str().unwrap().to_owned();
    let mut players = Vec::new();
    for i in 0..5 {
        let mut client = Client::connect(&url).await;
        let (ack, _) = client.join(&code, &format!("R{i}")).await;
        players.push((client, ack["player_id"].as_str().unwrap().to_owned()));
    }
    ok(&mut fac, json!({"type": "start", "req": 2})).await;
    // Everyone offers a small bribe to the next; half are accepted.
    let mut offers = Vec::new();
    for i in 0..players.len() {
        let to = players[(i + 1) % players.len()].1.clone();
        let a = players[i]
            .0
            .ask(json!({"type": "offer", "req": 1, "to": to, "kind": "bribe", "amount": 60}))
            .await;
        offers.push(a["offer"].clone());
    }
    let n = players.len();
    for i in 0..n {
        if i % 2 == 0 && !offers[i].is_null() {
            let _ = players[(i + 1) % n]
                .0
                .ask(json!({"type": "respond", "req": 2, "offer": offers[i], "accept": true}))
                .await;
        }
    }
    ok(&mut fac, json!({"type": "sync"})).await;
    let live = loop {
        let m = fac.recv().await;
        if m["type"] == "snapshot" {
            break m["view"].clone();
        }
    };
    stop.send(()).unwrap();
    tokio::time::timeout(Duration::from_secs(8), server)
        .await
        .unwrap()
        .unwrap()
        .unwrap();

    let store = SqliteStore::open(&data, StoreOptions::default()).unwrap();
    let info = store.room(&code).await.unwrap().unwrap();
    let log = store.log(&code, 0).await.unwrap();
    assert!(log.len() > 10, "a real log: {} records", log.len());
    let mut scratch = Game::new(code.clone(), stored_config(&info.config).unwrap());
    replay(&mut scratch, &log).unwrap();
    let recovery = store.recovery(64).await.unwrap();
    let room = recovery
        .rooms
        .into_iter()
        .find(|r| r.info.code == code)
        .unwrap();
    assert!(
        room.snapshot.is_some(),
        "snapshots were taken every 5 records"
    );
    let tokens = store.tokens(&code).await.unwrap();
    assert_eq!(
        tokens.len(),
        6,
        "the facilitator's and five players' token hashes"
    );
    let restored = restore(room, tokens, recovery.last_heartbeat_ms, 0).unwrap();
    assert_eq!(
        serde_json::to_value(&scratch).unwrap(),
        serde_json::to_value(restored.game()).unwrap(),
        "snapshot + tail = the whole log"
    );
    // Twice from scratch: the same game (the engine is deterministic).
    let mut again = Game::new(code.clone(), stored_config(&info.config).unwrap());
    replay(&mut again, &log).unwrap();
    assert_eq!(
        serde_json::to_value(&scratch).unwrap(),
        serde_json::to_value(&again).unwrap()
    );
    // And what the facilitator saw live.
    let view = serde_json::to_value(scratch.view_for(Viewer::Facilitator, 0)).unwrap();
    for field in ["phase", "round", "ties", "rumors", "infractions", "offers"] {
        assert_eq!(view[field], live[field], "{field}");
    }
    let balances = |v: &Value| -> Vec<Value> {
        v["players"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| json!([p["name"], p["balance"], p["available"]]))
            .collect()
    };
    assert_eq!(balances(&view), balances(&live));
    store.close().await;
    let _ = std::fs::remove_dir_all(&dir);
}
