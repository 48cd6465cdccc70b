//! The room's side of the durable store: whose seat a record is, how a
//! room numbers its records, when it snapshots, and what of an answer may
//! be stored (never a token). See `store/mod.rs` for the contract.

use std::sync::Arc;

use allssam_protocol::{AckResult, PlayerId, ServerMessage};
use serde::{Deserialize, Serialize};

use crate::game::{Actor, Game};
use crate::store::{self, Durable, Json, LogRecord, Snapshot, Store, StoreError, Write};

/// Whose place in a room a connection holds: a player's seat or the facilitator's.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Seat {
    /// A player's seat.
    Player(PlayerId),
    /// The facilitator's place.
    Facilitator,
}

impl Seat {
    /// The store's spelling of this seat.
    pub fn to_store(self) -> store::Seat {
        match self {
            Seat::Player(id) => store::Seat::Player(id.0.to_string()),
            Seat::Facilitator => store::Seat::Facilitator,
        }
    }

    /// A stored seat; `None` if the stored player id is not a UUID (a hand-edited file).
    pub fn from_store(seat: &store::Seat) -> Option<Seat> {
        match seat {
            store::Seat::Facilitator => Some(Seat::Facilitator),
            store::Seat::Player(id) => id.parse().ok().map(|id| Seat::Player(PlayerId(id))),
        }
    }
}

/// One record to write, before it gets its seq.
#[derive(Debug)]
pub struct Entry {
    /// Who the engine saw acting.
    pub actor: Actor,
    /// The command (an engine `Command`, or `{"type":"create_room"}`-like
    /// markers for what is no engine command), as JSON.
    pub command: Json,
    /// Whose request it was.
    pub seat: Option<Seat>,
    /// The request's `req`.
    pub req: Option<u64>,
    /// Whether replay applies it.
    pub applied: bool,
    /// The answer sent, as stored: without any token (see [`without_tokens`]).
    pub answer: Option<Json>,
    /// Other writes that belong with it, atomically (tokens, end of room).
    pub writes: Vec<Write>,
}

impl Entry {
    /// A fact or request applied to the engine.
    pub fn applied(actor: Actor, command: &crate::game::Command) -> Entry {
        Entry {
            actor,
            command: Json::of(command),
            seat: None,
            req: None,
            applied: true,
            answer: None,
            writes: Vec::new(),
        }
    }

    /// Something logged for the retry memory only (`applied: false`).
    pub fn marker(actor: Actor, command: Json) -> Entry {
        Entry {
            applied: false,
            command,
            ..Entry::applied(actor, &crate::game::Command::Tick)
        }
    }

    /// The requester and its answer.
    pub fn answering(
        mut self,
        seat: Option<Seat>,
        req: Option<u64>,
        answer: &ServerMessage,
    ) -> Entry {
        self.seat = seat;
        self.req = req;
        self.answer = Some(without_tokens(answer));
        self
    }

    /// With other writes in the same transaction.
    pub fn with(mut self, write: Write) -> Entry {
        self.writes.push(write);
        self
    }
}

/// How many times its own size in records a snapshot waits for before the
/// next one: the serializing then costs at most a quarter of what the
/// records cost, however big the state (a room's chat history makes it
/// ~150 KB), and a replay at start reads at most this many snapshots' worth.
const SNAPSHOT_AMORTIZED: usize = 4;

/// A room's writer: numbers its records and snapshots now and then.
pub struct RoomLog {
    store: Arc<dyn Store>,
    room: String,
    next_seq: u64,
    snapshot_every: u64,
    /// Records, and their bytes, since the last snapshot (or the start).
    since_snapshot: (u64, usize),
    /// The size of the last snapshot (0: none in this run yet).
    last_snapshot_len: usize,
    /// Records before this run's first snapshot (see [`first_snapshot_after`]).
    first_after: u64,
}

/// Records before a room's first snapshot in a run: `snapshot_every` plus
/// up to [`SNAPSHOT_SPREAD`] times more, a share that depends on the room's
/// code. Rooms set up together (a class, a benchmark, a restart) would
/// otherwise all snapshot at the same record, and keep doing so: at 19,000
/// players chatting, those bursts of snapshots held answers up for a
/// second (p99 185 ms against 52 ms with no snapshots, bench/README.md).
/// Staggered, they spread out.
pub(crate) fn first_snapshot_after(room: &str, snapshot_every: u64) -> u64 {
    use std::hash::{DefaultHasher, Hash, Hasher};
    let every = snapshot_every.max(1);
    let mut hasher = DefaultHasher::new();
    room.hash(&mut hasher);
    every + hasher.finish() % (SNAPSHOT_SPREAD * every)
}

/// Over how many times `--snapshot-every` the rooms' first snapshots spread.
const SNAPSHOT_SPREAD: u64 = 3;

impl RoomLog {
    /// The log of `room`, whose next record is `next_seq`.
    pub fn new(store: Arc<dyn Store>, room: String, next_seq: u64, snapshot_every: u64) -> Self {
        RoomLog {
            first_after: first_snapshot_after(&room, snapshot_every),
            store,
            room,
            next_seq: next_seq.max(1),
            snapshot_every: snapshot_every.max(1),
            since_snapshot: (0, 0),
            last_snapshot_len: 0,
        }
    }

    /// The store behind it.
    pub fn store(&self) -> &Arc<dyn Store> {
        &self.store
    }

    /// Queues `entry` (and, now and then, a snapshot of `game` as it is
    /// after the entry: see [`RoomLog::snapshot_due`]); the `Durable` says
    /// when it is committed.
    pub async fn submit(
        &mut self,
        entry: Entry,
        now_ms: u64,
        game: &Game,
    ) -> Result<Durable, StoreError> {
        let seq = self.next_seq;
        self.next_seq += 1;
        let record = LogRecord {
            seq,
            actor: Json::of(&entry.actor),
            command: entry.command,
            now_ms,
            seat: entry.seat.map(Seat::to_store),
            req: entry.req,
            applied: entry.applied,
            answer: entry.answer,
        };
        self.since_snapshot.0 += 1;
        self.since_snapshot.1 +=
            record.actor.len() + record.command.len() + record.answer.as_ref().map_or(0, Json::len);
        let mut writes = Vec::with_capacity(entry.writes.len() + 2);
        writes.push(Write::Append {
            room: self.room.clone(),
            record,
        });
        writes.extend(entry.writes);
        if self.snapshot_due() {
            match serde_json::to_vec(game) {
                Ok(state) => {
                    self.since_snapshot = (0, 0);
                    self.last_snapshot_len = state.len();
                    writes.push(Write::Snapshot {
                        room: self.room.clone(),
                        snapshot: Snapshot { seq, now_ms, state },
                    });
                }
                // No snapshot only means a longer replay; the log is whole.
                Err(e) => tracing::warn!(room = %self.room, error = %e, "no snapshot"),
            }
        }
        self.store.submit(writes).await
    }

    /// The run's first snapshot is due after [`first_snapshot_after`]
    /// records; each later one after at least `snapshot_every` records that
    /// together are at least [`SNAPSHOT_AMORTIZED`] times the last
    /// snapshot's size. A small state is snapshotted every
    /// `snapshot_every` records; a big one (a long chat history) less often.
    fn snapshot_due(&self) -> bool {
        let (records, bytes) = self.since_snapshot;
        if self.last_snapshot_len == 0 {
            return records >= self.first_after;
        }
        records >= self.snapshot_every && bytes >= SNAPSHOT_AMORTIZED * self.last_snapshot_len
    }

    /// Queues writes that are no record (end of room, clock offset).
    pub async fn submit_writes(&self, writes: Vec<Write>) -> Result<Durable, StoreError> {
        self.store.submit(writes).await
    }
}

/// The answer as stored: serialized once, with no token in it
/// (`store/mod.rs`: the raw token never reaches the store). Only the acks
/// that carry a token (`create_room`, `join`, `seat_token`: rare) are
/// copied to leave it out; every other answer is serialized as it is.
pub fn without_tokens(answer: &ServerMessage) -> Json {
    let stripped;
    let answer = match answer {
        ServerMessage::Ack { req, result }
            if result.token.is_some() || result.facilitator_token.is_some() =>
        {
            stripped = ServerMessage::Ack {
                req: *req,
                result: AckResult {
                    token: None,
                    facilitator_token: None,
                    ..result.clone()
                },
            };
            &stripped
        }
        other => other,
    };
    Json::of(answer)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_answers_carry_no_token() {
        let answer = ServerMessage::Ack {
            req: Some(3),
            result: AckResult {
                token: Some("secret-1".into()),
                facilitator_token: Some("secret-2".into()),
                room: Some("ABCDEF".into()),
                ..AckResult::default()
            },
        };
        let stored = without_tokens(&answer).as_str().to_owned();
        assert!(!stored.contains("secret"), "{stored}");
        assert!(stored.contains("ABCDEF"));
    }

    /// A room in its lobby with `chat` lines of the facilitator's chat.
    fn chatty_room(chat: usize) -> Game {
        let mut game = Game::new("ABCDEF".into(), allssam_protocol::RoomConfig::default());
        for i in 0..chat {
            let text = format!("line {i} of a long history");
            let said = crate::game::Command::Chat { text, to: None };
            game.apply(Actor::Facilitator, said, 0)
                .expect("the facilitator may chat");
        }
        game
    }

    /// The seqs of the snapshots `log` made while `records` ticks were
    /// submitted to a room with `chat` lines of history.
    async fn snapshot_seqs(snapshot_every: u64, chat: usize, records: u64) -> Vec<u64> {
        use crate::game::Command;
        let store: Arc<dyn Store> = Arc::new(crate::store::MemoryStore::new());
        let create = Write::CreateRoom {
            code: "ABCDEF".into(),
            config: serde_json::json!({}),
            created_at_ms: 0,
        };
        let created = store.submit(vec![create]).await.expect("queued");
        created.await.expect("room created");
        let game = chatty_room(chat);
        let mut log = RoomLog::new(Arc::clone(&store), "ABCDEF".into(), 1, snapshot_every);
        let mut seqs = Vec::new();
        for seq in 1..=records {
            let durable = log
                .submit(Entry::applied(Actor::System, &Command::Tick), seq, &game)
                .await
                .expect("queued");
            durable.await.expect("committed");
            if log.since_snapshot == (0, 0) {
                seqs.push(seq);
            }
        }
        let recovered = store.recovery(0).await.expect("recovery");
        let stored = recovered.rooms[0].snapshot.as_ref().map(|s| s.seq);
        assert_eq!(stored, seqs.last().copied(), "the last snapshot is stored");
        seqs
    }

    /// The seq of the second snapshot by the rule: `every` records after
    /// the first, or as many as make four times the state's size.
    fn second_by_rule(every: u64, chat: usize) -> u64 {
        use crate::game::Command;
        let game = chatty_room(chat);
        let state = serde_json::to_vec(&game).expect("state").len();
        let record = Json::of(&Actor::System).len() + Json::of(&Command::Tick).len();
        first_snapshot_after("ABCDEF", every)
            + every.max((SNAPSHOT_AMORTIZED * state).div_ceil(record) as u64)
    }

    #[tokio::test]
    async fn the_first_snapshot_comes_after_snapshot_every_records_and_a_share_more() {
        let first = first_snapshot_after("ABCDEF", 5);
        assert!((5..20).contains(&first), "{first}");
        for chat in [0, 1_000] {
            let seqs = snapshot_seqs(5, chat, first).await;
            assert_eq!(seqs, [first], "{chat} lines of chat");
        }
    }

    #[test]
    fn rooms_set_up_together_take_their_first_snapshots_apart() {
        let firsts: std::collections::BTreeSet<u64> = (0..1_000)
            .map(|n| first_snapshot_after(&format!("R{n:05}"), 200))
            .collect();
        assert!(firsts.iter().all(|f| (200..800).contains(f)));
        // 1,000 rooms over 600 possible records: most of them used.
        assert!(firsts.len() > 450, "only {} distinct", firsts.len());
        // The same room always gets the same share (a restart keeps the spread).
        assert_eq!(
            first_snapshot_after("ABCDEF", 200),
            first_snapshot_after("ABCDEF", 200)
        );
    }

    #[tokio::test]
    async fn later_snapshots_wait_for_four_times_their_size_in_records() {
        let first = first_snapshot_after("ABCDEF", 5);
        for chat in [0, 1_000] {
            let second = second_by_rule(5, chat);
            let seqs = snapshot_seqs(5, chat, second).await;
            assert_eq!(seqs, [first, second], "{chat} lines of chat");
        }
        // A long chat history makes snapshots rarer, not costlier per record.
        assert!(second_by_rule(5, 1_000) > 10 * second_by_rule(5, 0));
    }

    #[test]
    fn seats_round_trip_through_the_store() {
        let player = Seat::Player(PlayerId(uuid::Uuid::new_v4()));
        for seat in [Seat::Facilitator, player] {
            assert_eq!(Seat::from_store(&seat.to_store()), Some(seat));
        }
    }
}
