//! `MemoryStore`: the same contract in memory, committed at once. For room
//! tests under tokio's paused clock, where waiting on a real writer thread
//! would let the runtime auto-advance time and fire deadlines early.

use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;

use super::error::StoreError;
use super::types::{
    LogRecord, RecoveredRoom, Recovery, RoomInfo, Seat, Snapshot, TokenGrant, TokenHash, Write,
};
use super::{BoxFuture, Durable, Store};

/// A store that forgets everything when dropped. Submissions are applied
/// (atomically) when submitted; their `Durable` is already resolved.
#[derive(Default)]
pub struct MemoryStore {
    inner: Mutex<Inner>,
}

#[derive(Clone, Default)]
struct Inner {
    closed: bool,
    heartbeat: Option<u64>,
    rooms: BTreeMap<String, Room>,
    tokens: HashMap<TokenHash, Token>,
}

#[derive(Clone)]
struct Room {
    info: RoomInfo,
    log: BTreeMap<u64, LogRecord>,
    snapshot: Option<Snapshot>,
}

#[derive(Clone)]
struct Token {
    room: String,
    seat: Seat,
    revoked: bool,
}

impl MemoryStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    fn with<T>(&self, f: impl FnOnce(&mut Inner) -> T) -> T {
        // No write panics half-way (each checks before it changes), so a
        // poisoned lock still guards consistent data.
        let mut inner = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        f(&mut inner)
    }
}

impl Store for MemoryStore {
    fn submit(&self, writes: Vec<Write>) -> BoxFuture<'_, Result<Durable, StoreError>> {
        let result = self.with(|inner| {
            if inner.closed {
                return Err(StoreError::Closed);
            }
            // All or nothing, like a SQLite savepoint. Each single write
            // checks before it changes anything, so only a group needs a copy.
            if writes.len() == 1 {
                return Ok(writes.into_iter().try_for_each(|w| inner.apply(w)));
            }
            let mut next = inner.clone();
            let applied = writes.into_iter().try_for_each(|w| next.apply(w));
            if applied.is_ok() {
                *inner = next;
            }
            Ok(applied)
        });
        Box::pin(async move {
            let applied = result?;
            Ok(Durable::new(async move { applied }))
        })
    }

    fn token(&self, hash: TokenHash) -> BoxFuture<'_, Result<Option<TokenGrant>, StoreError>> {
        let grant = self.with(|inner| {
            let token = inner.tokens.get(&hash).filter(|t| !t.revoked)?;
            let room = inner.rooms.get(&token.room)?;
            Some(TokenGrant {
                room: token.room.clone(),
                seat: token.seat.clone(),
                room_ended: room.info.ended_at_ms.is_some(),
            })
        });
        Box::pin(async move { Ok(grant) })
    }

    fn tokens(&self, code: &str) -> BoxFuture<'_, Result<Vec<(TokenHash, Seat)>, StoreError>> {
        let tokens = self.with(|inner| {
            inner
                .tokens
                .iter()
                .filter(|(_, t)| t.room == code && !t.revoked)
                .map(|(hash, t)| (*hash, t.seat.clone()))
                .collect()
        });
        Box::pin(async move { Ok(tokens) })
    }

    fn room(&self, code: &str) -> BoxFuture<'_, Result<Option<RoomInfo>, StoreError>> {
        let info = self.with(|inner| inner.rooms.get(code).map(Room::info));
        Box::pin(async move { Ok(info) })
    }

    fn log(&self, code: &str, after_seq: u64) -> BoxFuture<'_, Result<Vec<LogRecord>, StoreError>> {
        let log = self.with(|inner| {
            inner
                .rooms
                .get(code)
                .map(|r| r.after(after_seq))
                .unwrap_or_default()
        });
        Box::pin(async move { Ok(log) })
    }

    fn recovery(&self, answers_per_seat: usize) -> BoxFuture<'_, Result<Recovery, StoreError>> {
        let recovery = self.with(|inner| Recovery {
            last_heartbeat_ms: inner.heartbeat,
            rooms: inner
                .rooms
                .values()
                .filter(|r| r.info.ended_at_ms.is_none())
                .map(|r| RecoveredRoom {
                    info: r.info(),
                    snapshot: r.snapshot.clone(),
                    tail: r.after(r.snapshot.as_ref().map_or(0, |s| s.seq)),
                    answers: r.answers(answers_per_seat),
                })
                .collect(),
        });
        Box::pin(async move { Ok(recovery) })
    }

    fn ended_before(&self, cutoff_ms: u64) -> BoxFuture<'_, Result<Vec<String>, StoreError>> {
        let mut ended: Vec<(u64, String)> = self.with(|inner| {
            inner
                .rooms
                .values()
                .filter_map(|r| Some((r.info.ended_at_ms?, r.info.code.clone())))
                .filter(|(at, _)| *at < cutoff_ms)
                .collect()
        });
        ended.sort();
        Box::pin(async move { Ok(ended.into_iter().map(|(_, code)| code).collect()) })
    }

    fn close(&self) -> BoxFuture<'_, ()> {
        self.with(|inner| inner.closed = true);
        Box::pin(async {})
    }
}

impl Inner {
    fn apply(&mut self, write: Write) -> Result<(), StoreError> {
        match write {
            Write::CreateRoom {
                code,
                config,
                created_at_ms,
            } => {
                if self.rooms.contains_key(&code) {
                    return Err(refused("room exists"));
                }
                let info = RoomInfo {
                    code: code.clone(),
                    config,
                    created_at_ms,
                    ended_at_ms: None,
                    clock_offset_ms: 0,
                    last_seq: 0,
                };
                let room = Room {
                    info,
                    log: BTreeMap::new(),
                    snapshot: None,
                };
                self.rooms.insert(code, room);
            }
            Write::AddToken {
                room, hash, seat, ..
            } => {
                self.room(&room)?;
                if self.tokens.contains_key(&hash) {
                    return Err(refused("token exists"));
                }
                let token = Token {
                    room,
                    seat,
                    revoked: false,
                };
                self.tokens.insert(hash, token);
            }
            Write::RevokeToken { hash, .. } => {
                if let Some(t) = self.tokens.get_mut(&hash) {
                    t.revoked = true;
                }
            }
            Write::RevokeSeat { room, seat, .. } => {
                for t in self.tokens.values_mut() {
                    if t.room == room && t.seat == seat {
                        t.revoked = true;
                    }
                }
            }
            Write::Append { room, record } => {
                let room = self.room(&room)?;
                if room.log.contains_key(&record.seq) {
                    return Err(refused("seq exists"));
                }
                room.log.insert(record.seq, record);
            }
            Write::Snapshot { room, snapshot } => self.room(&room)?.snapshot = Some(snapshot),
            Write::SetClockOffset { room, offset_ms } => {
                self.room(&room)?.info.clock_offset_ms = offset_ms;
            }
            Write::EndRoom { room, ended_at_ms } => {
                let info = &mut self.room(&room)?.info;
                info.ended_at_ms = info.ended_at_ms.or(Some(ended_at_ms));
            }
            Write::RemoveRoom { room } => {
                self.rooms.remove(&room);
                self.tokens.retain(|_, t| t.room != room);
            }
            Write::Heartbeat { at_ms } => self.heartbeat = Some(at_ms),
        }
        Ok(())
    }

    fn room(&mut self, code: &str) -> Result<&mut Room, StoreError> {
        self.rooms
            .get_mut(code)
            .ok_or_else(|| refused("no such room"))
    }
}

impl Room {
    fn info(&self) -> RoomInfo {
        let last_seq = self.log.keys().next_back().copied().unwrap_or(0);
        RoomInfo {
            last_seq,
            ..self.info.clone()
        }
    }

    fn after(&self, seq: u64) -> Vec<LogRecord> {
        self.log
            .range(seq.saturating_add(1)..)
            .map(|(_, r)| r.clone())
            .collect()
    }

    fn answers(&self, per_seat: usize) -> Vec<LogRecord> {
        let mut kept: HashMap<&Seat, usize> = HashMap::new();
        let mut answers: Vec<LogRecord> = self
            .log
            .values()
            .rev()
            .filter(|r| r.req.is_some())
            .filter(|r| {
                r.seat.as_ref().is_some_and(|seat| {
                    let n = kept.entry(seat).or_default();
                    *n += 1;
                    *n <= per_seat
                })
            })
            .cloned()
            .collect();
        answers.reverse();
        answers
    }
}

/// A constraint the SQLite store would enforce, in the same error shape.
fn refused(what: &str) -> StoreError {
    StoreError::Database(std::sync::Arc::new(rusqlite::Error::SqliteFailure(
        rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_CONSTRAINT),
        Some(what.to_owned()),
    )))
}
