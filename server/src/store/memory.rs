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

#[derive(Default)]
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

    /// A read, as an answer: `Closed` once the store is, like the file store's.
    fn read<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Inner) -> T,
    ) -> BoxFuture<'_, Result<T, StoreError>> {
        let result = self.with(|inner| {
            if inner.closed {
                Err(StoreError::Closed)
            } else {
                Ok(f(inner))
            }
        });
        Box::pin(async move { result })
    }
}

impl Store for MemoryStore {
    fn submit(&self, writes: Vec<Write>) -> BoxFuture<'_, Result<Durable, StoreError>> {
        let result = self.with(|inner| {
            if inner.closed {
                return Err(StoreError::Closed);
            }
            // All or nothing, like a SQLite savepoint. Each single write
            // checks before it changes anything and says how to undo itself;
            // a failed group is undone in reverse (never a copy of the
            // store: that would cost its whole size per group).
            let mut undo = Vec::with_capacity(writes.len());
            for write in writes {
                match inner.apply(write) {
                    Ok(u) => undo.push(u),
                    Err(e) => {
                        while let Some(u) = undo.pop() {
                            inner.undo(u);
                        }
                        return Ok(Err(e));
                    }
                }
            }
            Ok(Ok(()))
        });
        Box::pin(async move {
            let applied = result?;
            Ok(Durable::new(async move { applied }))
        })
    }

    fn token(&self, hash: TokenHash) -> BoxFuture<'_, Result<Option<TokenGrant>, StoreError>> {
        self.read(move |inner| {
            let token = inner.tokens.get(&hash).filter(|t| !t.revoked)?;
            let room = inner.rooms.get(&token.room)?;
            Some(TokenGrant {
                room: token.room.clone(),
                seat: token.seat.clone(),
                room_ended: room.info.ended_at_ms.is_some(),
            })
        })
    }

    fn tokens(&self, code: &str) -> BoxFuture<'_, Result<Vec<(TokenHash, Seat)>, StoreError>> {
        self.read(|inner| {
            inner
                .tokens
                .iter()
                .filter(|(_, t)| t.room == code && !t.revoked)
                .map(|(hash, t)| (*hash, t.seat.clone()))
                .collect()
        })
    }

    fn room(&self, code: &str) -> BoxFuture<'_, Result<Option<RoomInfo>, StoreError>> {
        self.read(|inner| inner.rooms.get(code).map(Room::info))
    }

    fn log(&self, code: &str, after_seq: u64) -> BoxFuture<'_, Result<Vec<LogRecord>, StoreError>> {
        self.read(|inner| {
            inner
                .rooms
                .get(code)
                .map(|r| r.after(after_seq))
                .unwrap_or_default()
        })
    }

    fn recovery(&self, answers_per_seat: usize) -> BoxFuture<'_, Result<Recovery, StoreError>> {
        self.read(|inner| Recovery {
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
        })
    }

    fn ended_before(&self, cutoff_ms: u64) -> BoxFuture<'_, Result<Vec<String>, StoreError>> {
        self.read(|inner| {
            let mut ended: Vec<(u64, String)> = inner
                .rooms
                .values()
                .filter_map(|r| Some((r.info.ended_at_ms?, r.info.code.clone())))
                .filter(|(at, _)| *at < cutoff_ms)
                .collect();
            ended.sort();
            ended.into_iter().map(|(_, code)| code).collect()
        })
    }

    fn close(&self) -> BoxFuture<'_, ()> {
        self.with(|inner| inner.closed = true);
        Box::pin(async {})
    }
}

/// How to take back one applied write.
enum Undo {
    Nothing,
    RemoveRoom(String),
    RemoveToken(TokenHash),
    Unrevoke(Vec<TokenHash>),
    RemoveRecord(String, u64),
    Snapshot(String, Option<Snapshot>),
    ClockOffset(String, i64),
    Ended(String, Option<u64>),
    Restore(Box<Room>, Vec<(TokenHash, Token)>),
    Heartbeat(Option<u64>),
}

impl Inner {
    fn undo(&mut self, undo: Undo) {
        match undo {
            Undo::Nothing => {}
            Undo::RemoveRoom(code) => {
                self.rooms.remove(&code);
            }
            Undo::RemoveToken(hash) => {
                self.tokens.remove(&hash);
            }
            Undo::Unrevoke(hashes) => {
                for hash in hashes {
                    if let Some(t) = self.tokens.get_mut(&hash) {
                        t.revoked = false;
                    }
                }
            }
            Undo::RemoveRecord(room, seq) => {
                if let Some(room) = self.rooms.get_mut(&room) {
                    room.log.remove(&seq);
                }
            }
            Undo::Snapshot(room, old) => {
                if let Some(room) = self.rooms.get_mut(&room) {
                    room.snapshot = old;
                }
            }
            Undo::ClockOffset(room, old) => {
                if let Some(room) = self.rooms.get_mut(&room) {
                    room.info.clock_offset_ms = old;
                }
            }
            Undo::Ended(room, old) => {
                if let Some(room) = self.rooms.get_mut(&room) {
                    room.info.ended_at_ms = old;
                }
            }
            Undo::Restore(room, tokens) => {
                self.rooms.insert(room.info.code.clone(), *room);
                self.tokens.extend(tokens);
            }
            Undo::Heartbeat(old) => self.heartbeat = old,
        }
    }

    /// Applies one write, or changes nothing and says why not.
    fn apply(&mut self, write: Write) -> Result<Undo, StoreError> {
        Ok(match write {
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
                self.rooms.insert(code.clone(), room);
                Undo::RemoveRoom(code)
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
                Undo::RemoveToken(hash)
            }
            Write::RevokeToken { hash, .. } => match self.tokens.get_mut(&hash) {
                Some(t) if !t.revoked => {
                    t.revoked = true;
                    Undo::Unrevoke(vec![hash])
                }
                _ => Undo::Nothing,
            },
            Write::RevokeSeat { room, seat, .. } => {
                let mut revoked = Vec::new();
                for (hash, t) in &mut self.tokens {
                    if t.room == room && t.seat == seat && !t.revoked {
                        t.revoked = true;
                        revoked.push(*hash);
                    }
                }
                Undo::Unrevoke(revoked)
            }
            Write::Append { room: code, record } => {
                let room = self.room(&code)?;
                if room.log.contains_key(&record.seq) {
                    return Err(refused("seq exists"));
                }
                let seq = record.seq;
                room.log.insert(seq, record);
                Undo::RemoveRecord(code, seq)
            }
            Write::Snapshot { room, snapshot } => {
                let old = self.room(&room)?.snapshot.replace(snapshot);
                Undo::Snapshot(room, old)
            }
            Write::SetClockOffset { room, offset_ms } => {
                let info = &mut self.room(&room)?.info;
                let old = std::mem::replace(&mut info.clock_offset_ms, offset_ms);
                Undo::ClockOffset(room, old)
            }
            Write::EndRoom { room, ended_at_ms } => {
                let info = &mut self.room(&room)?.info;
                let old = info.ended_at_ms;
                info.ended_at_ms = old.or(Some(ended_at_ms));
                Undo::Ended(room, old)
            }
            Write::RemoveRoom { room } => match self.rooms.remove(&room) {
                Some(removed) => {
                    let tokens: Vec<(TokenHash, Token)> =
                        self.tokens.extract_if(|_, t| t.room == room).collect();
                    Undo::Restore(Box::new(removed), tokens)
                }
                None => Undo::Nothing,
            },
            Write::Heartbeat { at_ms } => Undo::Heartbeat(self.heartbeat.replace(at_ms)),
        })
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
