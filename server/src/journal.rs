//! The room's side of the durable store: whose seat a record is, how a
//! room numbers its records, when it snapshots, and what of an answer may
//! be stored (never a token). See `store/mod.rs` for the contract.

use std::sync::Arc;

use allssam_protocol::{AckResult, PlayerId, ServerMessage};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::game::{Actor, Game};
use crate::store::{self, Durable, LogRecord, Snapshot, Store, StoreError, Write};

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
    pub command: Value,
    /// Whose request it was.
    pub seat: Option<Seat>,
    /// The request's `req`.
    pub req: Option<u64>,
    /// Whether replay applies it.
    pub applied: bool,
    /// The answer sent, as stored: without any token (see [`without_tokens`]).
    pub answer: Option<Value>,
    /// Other writes that belong with it, atomically (tokens, end of room).
    pub writes: Vec<Write>,
}

impl Entry {
    /// A fact or request applied to the engine.
    pub fn applied(actor: Actor, command: &crate::game::Command) -> Entry {
        Entry {
            actor,
            command: serde_json::to_value(command).unwrap_or(Value::Null),
            seat: None,
            req: None,
            applied: true,
            answer: None,
            writes: Vec::new(),
        }
    }

    /// Something logged for the retry memory only (`applied: false`).
    pub fn marker(actor: Actor, command: Value) -> Entry {
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

/// A room's writer: numbers its records and snapshots now and then.
pub struct RoomLog {
    store: Arc<dyn Store>,
    room: String,
    next_seq: u64,
    snapshot_every: u64,
}

impl RoomLog {
    /// The log of `room`, whose next record is `next_seq`.
    pub fn new(store: Arc<dyn Store>, room: String, next_seq: u64, snapshot_every: u64) -> Self {
        RoomLog {
            store,
            room,
            next_seq: next_seq.max(1),
            snapshot_every: snapshot_every.max(1),
        }
    }

    /// The store behind it.
    pub fn store(&self) -> &Arc<dyn Store> {
        &self.store
    }

    /// Queues `entry` (and, every `snapshot_every` records, a snapshot of
    /// `game` as it is after the entry); the `Durable` says when it is committed.
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
            actor: serde_json::to_value(entry.actor).unwrap_or(Value::Null),
            command: entry.command,
            now_ms,
            seat: entry.seat.map(Seat::to_store),
            req: entry.req,
            applied: entry.applied,
            answer: entry.answer,
        };
        let mut writes = Vec::with_capacity(entry.writes.len() + 2);
        writes.push(Write::Append {
            room: self.room.clone(),
            record,
        });
        writes.extend(entry.writes);
        if seq.is_multiple_of(self.snapshot_every) {
            match serde_json::to_vec(game) {
                Ok(state) => writes.push(Write::Snapshot {
                    room: self.room.clone(),
                    snapshot: Snapshot { seq, now_ms, state },
                }),
                // No snapshot only means a longer replay; the log is whole.
                Err(e) => tracing::warn!(room = %self.room, error = %e, "no snapshot"),
            }
        }
        self.store.submit(writes).await
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
pub fn without_tokens(answer: &ServerMessage) -> Value {
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
    serde_json::to_value(answer).unwrap_or(Value::Null)
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
        let stored = without_tokens(&answer).to_string();
        assert!(!stored.contains("secret"), "{stored}");
        assert!(stored.contains("ABCDEF"));
    }

    #[test]
    fn seats_round_trip_through_the_store() {
        let player = Seat::Player(PlayerId(uuid::Uuid::new_v4()));
        for seat in [Seat::Facilitator, player] {
            assert_eq!(Seat::from_store(&seat.to_store()), Some(seat));
        }
    }
}
