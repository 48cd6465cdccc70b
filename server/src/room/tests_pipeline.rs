//! Pipelined durable acks, in memory under tokio's paused clock: a held
//! commit holds every answer and event behind it while the room goes on
//! applying; outputs leave in request order; a failed commit stops the room.
#![allow(clippy::unwrap_used)]

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use allssam_protocol::{ClientMessage, ErrorCode, Event, PlayerId, Request, ServerMessage};
use tokio::sync::watch;

use super::{Opening, Outcome, RoomHandle};
use crate::config::ServerConfig;
use crate::game::Viewer;
use crate::outbound::{ConnLink, LinkEnds, Out};
use crate::registry::Registry;
use crate::store::{
    BoxFuture, Durable, MemoryStore, Recovery, RoomInfo, Seat, Store, StoreError, TokenGrant,
    TokenHash, Write,
};

/// A [`MemoryStore`] whose commits can be held back (the gate) or fail.
struct HeldStore {
    inner: MemoryStore,
    gate: watch::Sender<bool>,
    fail: AtomicBool,
}

impl HeldStore {
    fn new() -> Arc<HeldStore> {
        Arc::new(HeldStore {
            inner: MemoryStore::new(),
            gate: watch::channel(true).0,
            fail: AtomicBool::new(false),
        })
    }

    fn hold(&self, held: bool) {
        self.gate.send_replace(!held);
    }
}

impl Store for HeldStore {
    fn submit(&self, writes: Vec<Write>) -> BoxFuture<'_, Result<Durable, StoreError>> {
        let mut gate = self.gate.subscribe();
        let fail = self.fail.load(Ordering::SeqCst);
        let queued = self.inner.submit(writes);
        Box::pin(async move {
            let durable = queued.await?;
            Ok(Durable::new(async move {
                let _ = gate.wait_for(|open| *open).await;
                if fail {
                    return Err(StoreError::Closed);
                }
                durable.await
            }))
        })
    }
    fn token(&self, hash: TokenHash) -> BoxFuture<'_, Result<Option<TokenGrant>, StoreError>> {
        self.inner.token(hash)
    }
    fn tokens(&self, code: &str) -> BoxFuture<'_, Result<Vec<(TokenHash, Seat)>, StoreError>> {
        self.inner.tokens(code)
    }
    fn room(&self, code: &str) -> BoxFuture<'_, Result<Option<RoomInfo>, StoreError>> {
        self.inner.room(code)
    }
    fn log(
        &self,
        code: &str,
        after_seq: u64,
    ) -> BoxFuture<'_, Result<Vec<crate::store::LogRecord>, StoreError>> {
        self.inner.log(code, after_seq)
    }
    fn recovery(&self, answers: usize) -> BoxFuture<'_, Result<Recovery, StoreError>> {
        self.inner.recovery(answers)
    }
    fn ended_before(&self, cutoff_ms: u64) -> BoxFuture<'_, Result<Vec<String>, StoreError>> {
        self.inner.ended_before(cutoff_ms)
    }
    fn close(&self) -> BoxFuture<'_, ()> {
        self.inner.close()
    }
}

/// A room with its facilitator (conn 1) and players Kim (2) and Ri (3).
struct Setup {
    registry: Arc<Registry>,
    room: RoomHandle,
    ends: Vec<LinkEnds>,
    ids: Vec<PlayerId>,
}

async fn setup(store: Arc<HeldStore>) -> Setup {
    let registry = Registry::new(ServerConfig::default(), store);
    let (room, token) = registry.create_room(None).unwrap();
    let (link, facilitator) = ConnLink::new(1, 64);
    room.open(Opening::Create { token }, Some(1), link)
        .await
        .unwrap();
    let mut ends = vec![facilitator];
    let mut ids = Vec::new();
    for (conn, name) in [(2, "Kim"), (3, "Ri")] {
        let (link, end) = ConnLink::new(conn, 64);
        let opened = room.open(Opening::Join { name: name.into() }, Some(1), link);
        let Ok(Viewer::Player(id)) = opened.await else {
            panic!("{name} joins")
        };
        ids.push(id);
        ends.push(end);
    }
    for end in &mut ends {
        drain(end);
    }
    Setup {
        registry,
        room,
        ends,
        ids,
    }
}

fn drain(ends: &mut LinkEnds) -> Vec<ServerMessage> {
    let mut out = Vec::new();
    while let Ok(item) = ends.queue.try_recv() {
        match item {
            Out::Close(req) => panic!("closed: {req:?}"),
            item => {
                let text = item.into_text().expect("a text frame");
                out.push(serde_json::from_str(&text).expect("the room writes JSON"));
            }
        }
    }
    out
}

fn chat(req: u64, text: &str, to: Option<PlayerId>) -> Request {
    Request {
        req: Some(req),
        round: None,
        phase: None,
        retry: false,
        body: ClientMessage::Chat {
            text: text.into(),
            to,
        },
    }
}

/// The chat texts of the events among `messages`, and whether each came
/// after this connection's ack of `req`.
fn describe(messages: &[ServerMessage]) -> Vec<String> {
    messages
        .iter()
        .map(|m| match m {
            ServerMessage::Ack { req, .. } => format!("ack {}", req.unwrap_or(0)),
            ServerMessage::Event { event, .. } => match &**event {
                Event::Chat { text, .. } => format!("chat {text}"),
                other => format!("event {other:?}"),
            },
            other => format!("{other:?}"),
        })
        .collect()
}

#[tokio::test(start_paused = true)]
async fn a_held_commit_holds_answers_and_events_while_the_room_goes_on() {
    let store = HeldStore::new();
    let mut s = setup(Arc::clone(&store)).await;
    let before = store.log(&s.room.code, 0).await.unwrap().len();
    store.hold(true);

    let (room, ri) = (s.room.clone(), s.ids[1]);
    let kim_asks = tokio::spawn(async move { room.request(2, chat(5, "one", Some(ri))).await });
    tokio::time::sleep(Duration::from_millis(10)).await;
    let room = s.room.clone();
    let ri_asks = tokio::spawn(async move { room.request(3, chat(9, "two", None)).await });
    tokio::time::sleep(Duration::from_millis(10)).await;

    // Both were applied and logged (the room did not wait for the first
    // commit), but nothing was said to anyone.
    let records = store.log(&s.room.code, 0).await.unwrap();
    assert_eq!(records.len(), before + 2, "both chats applied and queued");
    for end in &mut s.ends {
        assert_eq!(describe(&drain(end)), Vec::<String>::new(), "held");
    }
    assert!(!kim_asks.is_finished() && !ri_asks.is_finished());

    store.hold(false);
    assert_eq!(kim_asks.await.unwrap(), Some(Outcome::Done));
    assert_eq!(ri_asks.await.unwrap(), Some(Outcome::Done));
    let seen: Vec<Vec<String>> = s.ends.iter_mut().map(|e| describe(&drain(e))).collect();
    // Request order, each answer before the events it caused.
    assert_eq!(seen[0], ["chat one", "chat two"], "facilitator");
    assert_eq!(seen[1], ["ack 5", "chat one", "chat two"], "Kim");
    assert_eq!(seen[2], ["chat one", "ack 9", "chat two"], "Ri");
}

#[tokio::test(start_paused = true)]
async fn acks_leave_in_request_order_across_many_held_requests() {
    let store = HeldStore::new();
    let mut s = setup(Arc::clone(&store)).await;
    store.hold(true);
    let mut asks = Vec::new();
    for n in 1..=6u64 {
        let room = s.room.clone();
        let conn = 2 + n % 2;
        let text = format!("m{n}");
        asks.push(tokio::spawn(async move {
            room.request(conn, chat(n, &text, None)).await
        }));
        // Each connection has one request in flight, as a real reader does.
        tokio::time::sleep(Duration::from_millis(1)).await;
        if n % 2 == 0 {
            store.hold(false);
            tokio::time::sleep(Duration::from_millis(1)).await;
            store.hold(true);
        }
    }
    store.hold(false);
    for ask in asks {
        assert_eq!(ask.await.unwrap(), Some(Outcome::Done));
    }
    let facilitator = describe(&drain(&mut s.ends[0]));
    assert_eq!(
        facilitator,
        [
            "chat m1", "chat m2", "chat m3", "chat m4", "chat m5", "chat m6"
        ]
    );
    // Kim (conn 2) asked the even ones: each ack right after its own request's place.
    let kim = drain(&mut s.ends[1]);
    assert_eq!(
        describe(&kim),
        [
            "chat m1", "ack 2", "chat m2", "chat m3", "ack 4", "chat m4", "chat m5", "ack 6",
            "chat m6"
        ]
    );
    // Event seqs keep counting up by one.
    let seqs: Vec<u64> = kim
        .iter()
        .filter_map(|m| match m {
            ServerMessage::Event { seq, .. } => Some(*seq),
            _ => None,
        })
        .collect();
    assert!(seqs.windows(2).all(|w| w[1] == w[0] + 1), "{seqs:?}");
}

#[tokio::test(start_paused = true)]
async fn a_failed_commit_answers_internal_and_closes_the_room() {
    let store = HeldStore::new();
    let mut s = setup(Arc::clone(&store)).await;
    store.fail.store(true, Ordering::SeqCst);
    let outcome = s.room.request(2, chat(4, "lost", None)).await;
    assert_eq!(outcome, Some(Outcome::Refused(ErrorCode::Internal)));
    tokio::time::sleep(Duration::from_millis(10)).await;

    // Kim: `internal` for req 4, then the close 1011; nobody saw the chat.
    let mut kim = Vec::new();
    let mut closed = None;
    while let Ok(item) = s.ends[1].queue.try_recv() {
        match item {
            Out::Close(req) => closed = Some(req.code),
            item => kim.push(item.into_text().unwrap()),
        }
    }
    let closed = closed.or_else(|| s.ends[1].close.borrow().map(|c| c.code));
    assert_eq!(closed, Some(1011));
    assert_eq!(kim.len(), 1, "{kim:?}");
    let answer: ServerMessage = serde_json::from_str(&kim[0]).expect("the room writes JSON");
    assert!(
        matches!(&answer, ServerMessage::Error(e) if e.code == ErrorCode::Internal && e.req == Some(4)),
        "{answer:?}"
    );
    for i in [0, 2] {
        let end = &mut s.ends[i];
        while let Ok(item) = end.queue.try_recv() {
            assert!(matches!(item, Out::Close(c) if c.code == 1011), "{item:?}");
        }
    }
    assert!(s.registry.room(&s.room.code).is_none(), "the room stopped");
}
