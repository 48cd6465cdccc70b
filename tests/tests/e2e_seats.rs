//! Seats over real sockets: the facilitator hands a dropped player's seat to
//! a bot and the player takes it back (the bot gets 4001 and stops); the
//! client library reconnects by itself after its line drops, resumes with its
//! token, keeps numbering its requests, and resends what was in flight.
#![allow(clippy::unwrap_used)]

mod support;

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use allssam_cli::bots::{BotEnd, BotPlan, run_bot};
use allssam_cli::client::{Client, Opening, Update};
use allssam_cli::strategy::Sensible;
use allssam_protocol::{ClientMessage, OfferKind, Phase};
use serde_json::json;
use support::{PATIENCE, Proxy, Server, config, until, until_phase};
use tokio::sync::broadcast;

/// A room in dealing with a long phase: (facilitator, the seated clients).
async fn dealing_room(url: &str, players: &[&str]) -> (Client, Vec<Client>) {
    let room_config = config(json!({
        "rounds": 1,
        "phase_seconds": {"dealing": 120, "accusation": 60, "investigation": 60, "verdict": 60},
    }));
    let host = Client::connect(url, Opening::CreateRoom(Some(room_config)))
        .await
        .unwrap();
    let room = host.session().room.clone();
    let mut seated = Vec::new();
    for name in players {
        let opening = Opening::Join {
            room: room.clone(),
            name: (*name).into(),
        };
        seated.push(Client::connect(url, opening).await.unwrap());
    }
    host.request(ClientMessage::Start).await.unwrap();
    for c in seated.iter().chain([&host]) {
        until_phase(c, Phase::Dealing).await;
    }
    (host, seated)
}

/// The next `Closed` or `Reconnected` update, skipping the rest.
async fn next_turn(updates: &mut broadcast::Receiver<Update>) -> Update {
    tokio::time::timeout(PATIENCE, async {
        loop {
            match updates.recv().await {
                Ok(u @ (Update::Closed(_) | Update::Reconnected)) => return u,
                Ok(_) => {}
                Err(e) => panic!("updates ended: {e}"),
            }
        }
    })
    .await
    .expect("the connection changed in time")
}

#[tokio::test]
async fn a_seat_goes_to_a_bot_and_back_to_its_player() {
    let server = Server::start().await;
    let url = server.url();
    let (host, seated) = dealing_room(&url, &["Kim", "Lee", "Park", "Choi"]).await;
    let kim = seated[0].clone();
    let kim_id = kim.session().player_id.unwrap();
    let kim_token = kim.session().token.clone().unwrap();
    let mut kim_updates = kim.subscribe();

    let token = host
        .request(ClientMessage::SeatToken { player: kim_id })
        .await
        .expect("the facilitator gets a seat token")
        .token
        .expect("the ack carries the token");
    assert_ne!(token, kim_token, "an extra token, not the player's own");
    let bot = Client::connect(&url, Opening::Resume { token })
        .await
        .expect("the bot takes the seat with the seat token");
    assert_eq!(bot.session().player_id, Some(kim_id));
    match next_turn(&mut kim_updates).await {
        Update::Closed(closed) => assert_eq!(closed.code, Some(4001), "{closed}"),
        other => panic!("Kim's old connection should be replaced: {other:?}"),
    }

    let (plan, _stop) = BotPlan::new(Arc::new(Sensible), 7);
    let stats = plan.stats.clone();
    let playing = tokio::spawn(run_bot(bot, plan, 7));
    tokio::time::timeout(PATIENCE, async {
        while stats.acked.load(Ordering::Relaxed) == 0 {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    })
    .await
    .expect("the bot plays Kim's seat");

    let back = Client::connect(&url, Opening::Resume { token: kim_token })
        .await
        .expect("Kim resumes with his own token");
    assert_eq!(back.session().player_id, Some(kim_id));
    let end = tokio::time::timeout(PATIENCE, playing)
        .await
        .expect("the bot stops")
        .unwrap();
    assert_eq!(end, BotEnd::Replaced, "the bot knows its player came back");
    back.request(ClientMessage::Chat {
        text: "I am back".into(),
        to: None,
    })
    .await
    .expect("Kim plays again");
    until(&host, "Kim connected", |h| {
        h.state().player(kim_id).is_some_and(|p| p.connected)
    })
    .await;
    server.stop().await;
}

#[tokio::test]
async fn the_client_resumes_after_its_line_drops_and_keeps_numbering() {
    let server = Server::start().await;
    let proxy = Proxy::start(server.url()).await;
    let host = Client::connect(&server.url(), Opening::CreateRoom(None))
        .await
        .unwrap();
    let room = host.session().room.clone();
    let lee = Client::connect(
        &proxy.url(),
        Opening::Join {
            room: room.clone(),
            name: "Lee".into(),
        },
    )
    .await
    .unwrap();
    let mut others = Vec::new();
    for name in ["Kim", "Park", "Choi"] {
        let opening = Opening::Join {
            room: room.clone(),
            name: name.into(),
        };
        others.push(Client::connect(&server.url(), opening).await.unwrap());
    }
    host.request(ClientMessage::Start).await.unwrap();
    until_phase(&lee, Phase::Dealing).await;
    let say = |text: &str| ClientMessage::Chat {
        text: text.into(),
        to: None,
    };
    lee.request(say("one")).await.unwrap();
    lee.request(say("two")).await.unwrap();

    let mut updates = lee.subscribe();
    proxy.cut();
    assert!(matches!(next_turn(&mut updates).await, Update::Reconnected));
    lee.request(say("three"))
        .await
        .expect("the client plays on after resuming");
    assert_eq!(proxy.reqs("resume").len(), 1, "it resumed with its token");

    // An offer whose answer is lost: resent with `retry`, applied once.
    let kim = others[0].session().player_id.unwrap();
    *proxy.cut_after.lock().unwrap() = Some("offer".into());
    let ack = lee
        .request(ClientMessage::Offer {
            to: kim,
            kind: OfferKind::Bribe,
            amount: Some(60),
            favor: None,
        })
        .await
        .expect("the in-flight offer is answered after the reconnection");
    let offer = ack.offer.expect("the remembered ack names the offer");
    let sent = proxy.sent.lock().unwrap().clone();
    let offers: Vec<_> = sent.iter().filter(|v| v["type"] == "offer").collect();
    assert_eq!(offers.len(), 2, "sent once, then resent: {offers:?}");
    assert_eq!(offers[0]["req"], offers[1]["req"]);
    assert_eq!(offers[1]["retry"], true);
    until(&host, "the offer", |h| {
        h.state().view.offers.iter().any(|o| o.id == offer)
    })
    .await;
    let lee_id = lee.session().player_id.unwrap();
    let from_lee = host
        .state()
        .view
        .offers
        .iter()
        .filter(|o| o.from == lee_id)
        .count();
    assert_eq!(from_lee, 1, "the retried offer was applied once");

    // Every request of the seat has its own, growing number (PROTOCOL.md "Retries").
    let mut reqs: Vec<u64> = sent
        .iter()
        .filter(|v| v["retry"] != true)
        .filter_map(|v| v["req"].as_u64())
        .collect();
    let in_order = reqs.clone();
    reqs.sort_unstable();
    reqs.dedup();
    assert_eq!(
        reqs, in_order,
        "numbers grow and never repeat: {in_order:?}"
    );
    server.stop().await;
}
