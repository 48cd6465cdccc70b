//! The client against a scripted fake server on port 0: answers matched by
//! `req`, a seq gap answered by `sync`, and a dropped line resumed with the
//! in-flight request resent as a retry.
#![allow(clippy::unwrap_used)]

use allssam_protocol::{
    AckResult, ClientMessage, Event, Phase, Request, Role, ServerMessage, Speaker,
};
use futures_util::{SinkExt, StreamExt};
use tokio::net::TcpListener;
use tokio_tungstenite::tungstenite::Message;

use super::{Client, Opening, Update};
use crate::testkit::{pid, room};

type Server = tokio_tungstenite::WebSocketStream<tokio::net::TcpStream>;

async fn next_request(ws: &mut Server) -> Request {
    loop {
        match ws.next().await.unwrap().unwrap() {
            Message::Text(t) => return serde_json::from_str(&t).unwrap(),
            _ => continue,
        }
    }
}

async fn send(ws: &mut Server, m: ServerMessage) {
    ws.send(Message::text(serde_json::to_string(&m).unwrap()))
        .await
        .unwrap();
}

fn snapshot(seq: u64) -> ServerMessage {
    ServerMessage::Snapshot {
        seq,
        view: Box::new(room(Role::Donju, Phase::Dealing).view),
    }
}

fn chat(seq: u64, text: &str) -> ServerMessage {
    ServerMessage::Event {
        seq,
        event: Box::new(Event::Chat {
            from: Speaker::Facilitator,
            to: None,
            text: text.into(),
        }),
    }
}

#[tokio::test]
async fn gap_sync_and_resume_with_retry() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("ws://{}/ws", listener.local_addr().unwrap());
    let server = tokio::spawn(async move {
        // First connection: join, one event, a gap, then the line drops.
        let (tcp, _) = listener.accept().await.unwrap();
        let mut ws = tokio_tungstenite::accept_async(tcp).await.unwrap();
        let join = next_request(&mut ws).await;
        assert!(matches!(join.body, ClientMessage::Join { .. }));
        let ack = AckResult {
            room: Some("ABCDEF".into()),
            player_id: Some(pid(1)),
            token: Some("secret".into()),
            ..AckResult::default()
        };
        send(
            &mut ws,
            ServerMessage::Ack {
                req: join.req,
                result: ack,
            },
        )
        .await;
        send(&mut ws, snapshot(0)).await;
        let ready = next_request(&mut ws).await;
        assert_eq!(ready.body, ClientMessage::Ready);
        assert_eq!((ready.round, ready.phase), (Some(1), Some(Phase::Dealing)));
        send(&mut ws, chat(1, "one")).await;
        send(&mut ws, chat(3, "three")).await;
        let sync = next_request(&mut ws).await;
        assert_eq!(sync.body, ClientMessage::Sync);
        send(
            &mut ws,
            ServerMessage::Ack {
                req: sync.req,
                result: AckResult::default(),
            },
        )
        .await;
        send(&mut ws, snapshot(3)).await;
        drop(ws);

        // Second connection: resume, then the unanswered `ready` comes back as a retry.
        let (tcp, _) = listener.accept().await.unwrap();
        let mut ws = tokio_tungstenite::accept_async(tcp).await.unwrap();
        let resume = next_request(&mut ws).await;
        assert_eq!(
            resume.body,
            ClientMessage::Resume {
                protocol: 1,
                token: "secret".into()
            }
        );
        let ack = AckResult {
            last_req: Some(10),
            ..AckResult::default()
        };
        send(
            &mut ws,
            ServerMessage::Ack {
                req: resume.req,
                result: ack,
            },
        )
        .await;
        send(&mut ws, snapshot(0)).await;
        let retried = next_request(&mut ws).await;
        assert!(retried.retry);
        assert_eq!(
            (retried.req, retried.body),
            (ready.req, ClientMessage::Ready)
        );
        send(
            &mut ws,
            ServerMessage::Ack {
                req: retried.req,
                result: AckResult::default(),
            },
        )
        .await;
        let after = next_request(&mut ws).await;
        assert_eq!(after.req, Some(11), "numbering continues from last_req + 1");
        send(&mut ws, ServerMessage::Pong { req: after.req }).await;
        // Hold the line until the client is done.
        let _ = ws.next().await;
    });

    let client = Client::connect(
        &url,
        Opening::Join {
            room: "ABCDEF".into(),
            name: "Me".into(),
        },
    )
    .await
    .unwrap();
    assert_eq!(client.session().token.as_deref(), Some("secret"));
    let mut updates = client.subscribe();
    client.request(ClientMessage::Ready).await.unwrap();
    client.request(ClientMessage::Ping).await.unwrap();
    let mut seen = Vec::new();
    while let Ok(update) = updates.try_recv() {
        seen.push(match update {
            Update::Event(e) => e.kind().to_string(),
            Update::Snapshot => "snapshot".into(),
            Update::Reconnecting(_) => "reconnecting".into(),
            Update::Reconnected => "reconnected".into(),
            Update::Closed(_) => "closed".into(),
        });
    }
    // Event 3 came after a gap: it is not applied; the snapshot replaces it.
    assert_eq!(
        seen,
        [
            "chat",
            "snapshot",
            "reconnecting",
            "reconnected",
            "snapshot"
        ]
    );
    assert_eq!(
        client.state().view.chat.len(),
        0,
        "the model is the snapshot's"
    );
    drop(client);
    server.await.unwrap();
}

#[tokio::test]
async fn sync_returns_once_its_snapshot_is_in_the_model() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("ws://{}/ws", listener.local_addr().unwrap());
    let server = tokio::spawn(async move {
        let (tcp, _) = listener.accept().await.unwrap();
        let mut ws = tokio_tungstenite::accept_async(tcp).await.unwrap();
        let watch = next_request(&mut ws).await;
        let ack = AckResult {
            room: Some("ABCDEF".into()),
            ..AckResult::default()
        };
        send(
            &mut ws,
            ServerMessage::Ack {
                req: watch.req,
                result: ack,
            },
        )
        .await;
        send(&mut ws, snapshot(0)).await;
        let sync = next_request(&mut ws).await;
        assert_eq!(sync.body, ClientMessage::Sync);
        let ack = AckResult::default();
        send(
            &mut ws,
            ServerMessage::Ack {
                req: sync.req,
                result: ack,
            },
        )
        .await;
        // A pause between the ack and the snapshot: `sync` must wait it out.
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        let mut view = room(Role::Donju, Phase::Accusation).view;
        view.round = 2;
        send(
            &mut ws,
            ServerMessage::Snapshot {
                seq: 5,
                view: Box::new(view),
            },
        )
        .await;
        let _ = ws.next().await;
    });
    let client = Client::connect(
        &url,
        Opening::Watch {
            room: "ABCDEF".into(),
        },
    )
    .await
    .unwrap();
    assert_eq!(client.state().view.phase, Phase::Dealing);
    client.sync().await.unwrap();
    let now = {
        let s = client.state();
        (s.view.round, s.view.phase)
    };
    assert_eq!(now, (2, Phase::Accusation));
    drop(client);
    server.await.unwrap();
}
