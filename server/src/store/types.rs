//! The plain data that goes in and out of a store: writes, log records, snapshots, tokens.
//!
//! Nothing here knows the rules engine: commands, actors, answers and
//! configs travel as serialized JSON, and a snapshot's state as bytes, so the
//! store never changes when the engine does.

use std::fmt;

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use sha2::{Digest, Sha256};

/// JSON text, serialized once where it is made (the room task) and stored
/// as it is: the store's writer binds the text and never builds a
/// `serde_json::Value` tree for it.
#[derive(Clone, PartialEq, Eq)]
pub struct Json(String);

impl Json {
    /// `value` serialized; `null` if it cannot be (a map with non-string
    /// keys, which no record has).
    pub fn of<T: Serialize + ?Sized>(value: &T) -> Json {
        Json(serde_json::to_string(value).unwrap_or_else(|_| "null".to_owned()))
    }

    /// Text read back from the store, as written. Not checked here: the
    /// reader that decodes it reports a damaged record by its seq.
    pub fn from_stored(text: String) -> Json {
        Json(text)
    }

    /// The JSON text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Its length in bytes.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether the text is empty (never, for text this type made).
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Decodes the text as a `T`.
    pub fn parse<T: DeserializeOwned>(&self) -> serde_json::Result<T> {
        serde_json::from_str(&self.0)
    }
}

impl From<Value> for Json {
    fn from(value: Value) -> Json {
        Json(value.to_string())
    }
}

impl fmt::Debug for Json {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The SHA-256 of a token: the only form in which a token reaches the store.
///
/// Tokens are UUID v4 or stronger (PROTOCOL.md, "Ids"), so an unsalted hash
/// cannot be reversed by guessing; a stolen data file grants no seat.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct TokenHash(pub [u8; 32]);

impl TokenHash {
    /// The hash of `token`, exactly as the client sends it.
    pub fn of(token: &str) -> Self {
        TokenHash(Sha256::digest(token.as_bytes()).into())
    }
}

impl std::fmt::Debug for TokenHash {
    // A short prefix is enough to tell hashes apart in logs; the hash is not
    // the token, but there is no reason to print all of it.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "TokenHash({:02x}{:02x}{:02x}{:02x}…)",
            self.0[0], self.0[1], self.0[2], self.0[3]
        )
    }
}

/// Whose place a token gives, or whose request a record answered.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Seat {
    /// The room's facilitator.
    Facilitator,
    /// A player's seat, by player id (a UUID as lowercase hyphenated text).
    Player(String),
}

impl Seat {
    /// The text stored in the database. Player ids are UUIDs, so they never
    /// collide with the word `facilitator`.
    pub(crate) fn to_column(&self) -> &str {
        match self {
            Seat::Facilitator => FACILITATOR,
            Seat::Player(id) => id,
        }
    }

    pub(crate) fn from_column(text: String) -> Seat {
        if text == FACILITATOR {
            Seat::Facilitator
        } else {
            Seat::Player(text)
        }
    }
}

const FACILITATOR: &str = "facilitator";

/// One entry of a room's command log: a command the room task applied (or
/// refused, see `applied`), with everything needed to replay it and to
/// answer a retried request again.
#[derive(Clone, Debug, PartialEq)]
pub struct LogRecord {
    /// Position in the room's log, from 1, assigned by the room task; each
    /// value is used once per room.
    pub seq: u64,
    /// The engine's `Actor`, serialized.
    pub actor: Json,
    /// The engine's `Command`, serialized.
    pub command: Json,
    /// The `now_ms` the command was applied with (game clock, see
    /// `RoomInfo::clock_offset_ms`).
    pub now_ms: u64,
    /// Whose request this was, for the retry memory; `None` for facts the
    /// server logs on its own (ticks, connects).
    pub seat: Option<Seat>,
    /// The request's `req`, if it had one.
    pub req: Option<u64>,
    /// Whether replay applies the command to the engine. `false` for a
    /// request the engine refused (it changed nothing) or an opening request
    /// that is no engine command (`create_room`): logged only so that a
    /// retry after a restart gets the same answer and `last_req` counts it.
    pub applied: bool,
    /// The answer that was sent (ack or error), without any token in it.
    pub answer: Option<Json>,
}

/// A room's state as of a log position, in whatever encoding the room task
/// chose (the store never looks inside).
#[derive(Clone, Debug, PartialEq)]
pub struct Snapshot {
    /// The state includes every record up to and including this seq.
    pub seq: u64,
    /// The game clock's `now_ms` of record `seq`.
    pub now_ms: u64,
    /// The serialized state.
    pub state: Vec<u8>,
}

/// One change to the store. A `Vec<Write>` submitted together is atomic.
#[derive(Clone, Debug)]
pub enum Write {
    /// A new room with the config it was created with (replay starts from
    /// this config; later `configure` commands are in the log).
    CreateRoom {
        /// The room code.
        code: String,
        /// The creation config, serialized.
        config: Value,
        /// Wall-clock epoch ms.
        created_at_ms: u64,
    },
    /// A token for a seat of a room.
    AddToken {
        /// The room.
        room: String,
        /// The token's hash.
        hash: TokenHash,
        /// The place it gives.
        seat: Seat,
        /// Wall-clock epoch ms.
        at_ms: u64,
    },
    /// One token stops working.
    RevokeToken {
        /// The token's hash.
        hash: TokenHash,
        /// Wall-clock epoch ms.
        at_ms: u64,
    },
    /// Every token of a seat stops working (a kick).
    RevokeSeat {
        /// The room.
        room: String,
        /// The seat.
        seat: Seat,
        /// Wall-clock epoch ms.
        at_ms: u64,
    },
    /// A record at the end of a room's log.
    Append {
        /// The room.
        room: String,
        /// The record.
        record: LogRecord,
    },
    /// The room's latest snapshot (replaces the previous one).
    Snapshot {
        /// The room.
        room: String,
        /// The snapshot.
        snapshot: Snapshot,
    },
    /// The game clock of a room after a restart: `game now = wall now - offset`.
    SetClockOffset {
        /// The room.
        room: String,
        /// Milliseconds the game clock runs behind the wall clock.
        offset_ms: i64,
    },
    /// The room has ended; it stays exportable until removed.
    EndRoom {
        /// The room.
        room: String,
        /// Wall-clock epoch ms.
        ended_at_ms: u64,
    },
    /// The room, its tokens, log and snapshot are deleted.
    RemoveRoom {
        /// The room.
        room: String,
    },
    /// The server is alive at this wall-clock time (the recovery uses the
    /// last one to tell how long each running phase had left).
    Heartbeat {
        /// Wall-clock epoch ms.
        at_ms: u64,
    },
}

/// What a valid token grants.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TokenGrant {
    /// The room.
    pub room: String,
    /// The place in it.
    pub seat: Seat,
    /// Whether the room has ended (its facilitator may still export it).
    pub room_ended: bool,
}

/// A room's row.
#[derive(Clone, Debug, PartialEq)]
pub struct RoomInfo {
    /// The room code.
    pub code: String,
    /// The creation config.
    pub config: Value,
    /// Wall-clock epoch ms.
    pub created_at_ms: u64,
    /// Wall-clock epoch ms, once ended.
    pub ended_at_ms: Option<u64>,
    /// `game now = wall now - clock_offset_ms`; 0 until a restart.
    pub clock_offset_ms: i64,
    /// The highest seq in the log, 0 when empty.
    pub last_seq: u64,
}

/// An unfinished room as the store holds it: enough to rebuild it.
#[derive(Clone, Debug, PartialEq)]
pub struct RecoveredRoom {
    /// The room's row.
    pub info: RoomInfo,
    /// The latest snapshot, if any.
    pub snapshot: Option<Snapshot>,
    /// Every record after the snapshot (all of them without one), by seq.
    pub tail: Vec<LogRecord>,
    /// The last requests of each seat (at most the `per_seat` asked for,
    /// records with a `seat` and a `req`), by seq: the retry memory. They
    /// may come before the snapshot and overlap `tail`.
    pub answers: Vec<LogRecord>,
}

impl RecoveredRoom {
    /// The game clock at the last durable thing the room did.
    pub fn last_now_ms(&self) -> Option<u64> {
        self.tail
            .last()
            .map(|r| r.now_ms)
            .or(self.snapshot.as_ref().map(|s| s.now_ms))
    }

    /// The clock offset for the new run, so that every running deadline
    /// resumes with the time it had left when the old run stopped.
    ///
    /// The old run stopped at about its last heartbeat (wall clock), which
    /// in the room's game clock was `heartbeat - old offset`; never earlier
    /// than the room's last record. The new run's game clock starts there.
    pub fn resume_offset_ms(&self, last_heartbeat_ms: Option<u64>, wall_now_ms: u64) -> i64 {
        let old = self.info.clock_offset_ms;
        let by_record = self.last_now_ms().map_or(i64::MIN, to_i64);
        let by_heartbeat = last_heartbeat_ms.map_or(i64::MIN, |h| to_i64(h).saturating_sub(old));
        let stopped = by_record.max(by_heartbeat);
        if stopped == i64::MIN {
            // Nothing happened in the room yet: keep its clock.
            return old;
        }
        to_i64(wall_now_ms).saturating_sub(stopped)
    }
}

/// Everything needed to bring the unfinished rooms back.
#[derive(Clone, Debug, PartialEq)]
pub struct Recovery {
    /// The last heartbeat of the previous run (wall-clock epoch ms).
    pub last_heartbeat_ms: Option<u64>,
    /// Every room without `ended_at`, by code.
    pub rooms: Vec<RecoveredRoom>,
}

fn to_i64(v: u64) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn room(offset: i64, last_now: Option<u64>) -> RecoveredRoom {
        let tail = last_now
            .map(|now_ms| LogRecord {
                seq: 1,
                actor: Json::from(Value::Null),
                command: Json::from(Value::Null),
                now_ms,
                seat: None,
                req: None,
                applied: true,
                answer: None,
            })
            .into_iter()
            .collect();
        RecoveredRoom {
            info: RoomInfo {
                code: "ABCDEF".into(),
                config: Value::Null,
                created_at_ms: 0,
                ended_at_ms: None,
                clock_offset_ms: offset,
                last_seq: 0,
            },
            snapshot: None,
            tail,
            answers: vec![],
        }
    }

    #[test]
    fn resume_offset_starts_the_game_clock_where_the_old_run_stopped() {
        // Last record at game 1_000, heartbeat at wall 5_000 with offset 0:
        // the old run stopped at game 5_000; at wall 65_000 the new offset
        // is 60_000, so game now = 5_000 again.
        assert_eq!(
            room(0, Some(1_000)).resume_offset_ms(Some(5_000), 65_000),
            60_000
        );
        // A record after the last heartbeat wins.
        assert_eq!(
            room(0, Some(7_000)).resume_offset_ms(Some(5_000), 65_000),
            58_000
        );
        // A previous offset carries over: heartbeat wall 5_000 was game 4_000.
        assert_eq!(
            room(1_000, Some(100)).resume_offset_ms(Some(5_000), 65_000),
            61_000
        );
        // No heartbeat at all: the last record is the best we know.
        assert_eq!(room(0, Some(1_000)).resume_offset_ms(None, 65_000), 64_000);
        // Nothing known: keep the offset.
        assert_eq!(room(42, None).resume_offset_ms(None, 65_000), 42);
    }

    #[test]
    fn token_hash_is_sha256_and_debug_hides_most_of_it() {
        let h = TokenHash::of("abc");
        assert_eq!(h.0[..4], [0xba, 0x78, 0x16, 0xbf]);
        assert_eq!(format!("{h:?}"), "TokenHash(ba7816bf…)");
    }

    #[test]
    fn seat_column_round_trips() {
        for seat in [Seat::Facilitator, Seat::Player("0f8b-uuid".into())] {
            assert_eq!(Seat::from_column(seat.to_column().to_owned()), seat);
        }
    }
}
