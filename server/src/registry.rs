//! The server's indexes: rooms by code and sessions by token, the room
//! tasks, and the one clock every room reads.
//!
//! `DashMap` guards are never held across an `.await`: every lookup clones
//! what it needs and lets go.

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use allssam_protocol::{ConfigPatch, ErrorCode, ROOM_CODE_ALPHABET, ROOM_CODE_LEN, RoomConfig};
use dashmap::DashMap;
use dashmap::mapref::entry::Entry;
use rand::Rng;
use tokio::task::JoinSet;
use tokio::time::Instant;

use crate::config::ServerConfig;
use crate::game::Refusal;
use crate::journal::Seat;
use crate::room::{self, RoomHandle};
use crate::store::{Store, TokenHash};

/// Epoch milliseconds derived from tokio's clock, so that a paused clock in
/// tests moves the game's time too.
#[derive(Clone, Copy, Debug)]
pub struct Clock {
    base_ms: u64,
    base: Instant,
}

impl Clock {
    /// A clock anchored at the system time now.
    pub fn new() -> Clock {
        let base_ms = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_millis() as u64)
            .unwrap_or(0);
        Clock {
            base_ms,
            base: Instant::now(),
        }
    }

    /// Now, in epoch milliseconds.
    pub fn now_ms(&self) -> u64 {
        self.base_ms + self.base.elapsed().as_millis() as u64
    }

    /// The tokio instant at epoch millisecond `ms` (now, if it has passed).
    pub fn instant_at(&self, ms: u64) -> Instant {
        let now_ms = self.now_ms();
        Instant::now() + Duration::from_millis(ms.saturating_sub(now_ms))
    }
}

impl Default for Clock {
    fn default() -> Self {
        Clock::new()
    }
}

/// What a token opens.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Session {
    /// The room's code.
    pub room: String,
    /// The seat or the facilitator's place.
    pub seat: Seat,
}

/// Rooms, sessions and the shared settings.
pub struct Registry {
    /// The settings in force.
    pub config: ServerConfig,
    /// The clock every room reads.
    pub clock: Clock,
    /// Where rooms write what they apply, before they answer.
    pub store: Arc<dyn Store>,
    rooms: DashMap<String, RoomHandle>,
    /// By the token's hash: a restarted server knows only hashes.
    sessions: DashMap<TokenHash, Session>,
    room_count: AtomicUsize,
    connections: AtomicUsize,
    next_connection: AtomicU64,
    room_tasks: Mutex<JoinSet<()>>,
}

impl Registry {
    /// An empty registry.
    pub fn new(config: ServerConfig, store: Arc<dyn Store>) -> Arc<Registry> {
        Arc::new(Registry {
            config,
            clock: Clock::new(),
            store,
            rooms: DashMap::new(),
            sessions: DashMap::new(),
            room_count: AtomicUsize::new(0),
            connections: AtomicUsize::new(0),
            next_connection: AtomicU64::new(1),
            room_tasks: Mutex::new(JoinSet::new()),
        })
    }

    /// Counts a new connection; `None` when the server is at its cap.
    pub fn connection_opened(self: &Arc<Self>) -> Option<ConnectionSlot> {
        let max = self.config.max_connections;
        let taken = self
            .connections
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| {
                (n < max).then_some(n + 1)
            });
        taken.ok().map(|_| {
            crate::metrics::connections(1.0);
            ConnectionSlot {
                registry: Arc::clone(self),
                id: self.next_connection.fetch_add(1, Ordering::Relaxed),
            }
        })
    }

    /// Open connections now.
    pub fn connection_count(&self) -> usize {
        self.connections.load(Ordering::Acquire)
    }

    /// Rooms now.
    pub fn room_count(&self) -> usize {
        self.room_count.load(Ordering::Acquire)
    }

    /// Creates a room with `patch` merged into the defaults, its task
    /// running; returns its handle and the facilitator's token.
    pub fn create_room(
        self: &Arc<Self>,
        patch: Option<&ConfigPatch>,
    ) -> Result<(RoomHandle, String), Refusal> {
        let mut config = match patch {
            Some(patch) => RoomConfig::default().merged(patch).map_err(|e| Refusal {
                code: ErrorCode::InvalidConfig,
                message: e.message,
                field: Some(e.field),
            })?,
            None => RoomConfig::default(),
        };
        let max = self.config.max_rooms;
        if self
            .room_count
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| {
                (n < max).then_some(n + 1)
            })
            .is_err()
        {
            return Err(Refusal::new(
                ErrorCode::ServerFull,
                "the server holds as many rooms as it may; try again later",
            ));
        }
        if config.seed.is_none() {
            config.seed = Some(rand::rng().random());
        }
        let token = new_token();
        loop {
            let code = new_room_code();
            // The entry guard is dropped before anything awaits: spawning is synchronous.
            if let Entry::Vacant(slot) = self.rooms.entry(code.clone()) {
                let (handle, task) = room::spawn(Arc::clone(self), code.clone(), config, &token);
                slot.insert(handle.clone());
                self.add_token(token.clone(), &code, Seat::Facilitator);
                self.spawn_room_task(task);
                return Ok((handle, token));
            }
        }
    }

    /// The room with `code` (any case), if it exists.
    pub fn room(&self, code: &str) -> Option<RoomHandle> {
        let code = code.trim().to_ascii_uppercase();
        self.rooms.get(&code).map(|room| room.clone())
    }

    /// What `token` opens, if it is valid.
    pub fn session(&self, token: &str) -> Option<Session> {
        self.sessions.get(&TokenHash::of(token)).map(|s| s.clone())
    }

    /// Makes `token` open `seat` in `room`.
    pub fn add_token(&self, token: String, room: &str, seat: Seat) {
        self.add_token_hash(TokenHash::of(&token), room, seat);
    }

    /// Makes the token with this hash open `seat` in `room` (recovery).
    pub fn add_token_hash(&self, hash: TokenHash, room: &str, seat: Seat) {
        self.sessions.insert(
            hash,
            Session {
                room: room.to_owned(),
                seat,
            },
        );
    }

    /// `token` no longer opens anything.
    pub fn revoke_token(&self, token: &str) {
        self.revoke_token_hash(&TokenHash::of(token));
    }

    /// The token with this hash no longer opens anything.
    pub fn revoke_token_hash(&self, hash: &TokenHash) {
        self.sessions.remove(hash);
    }

    /// Forgets the room (its task is ending).
    pub fn remove_room(&self, code: &str) {
        if self.rooms.remove(code).is_some() {
            self.room_count.fetch_sub(1, Ordering::AcqRel);
        }
    }

    /// Every room, for shutdown.
    pub fn all_rooms(&self) -> Vec<RoomHandle> {
        self.rooms.iter().map(|r| r.value().clone()).collect()
    }

    /// Asks every room to stop and waits up to `grace` for their tasks.
    pub async fn shut_down_rooms(&self, grace: Duration) {
        for room in self.all_rooms() {
            room.shut_down().await;
        }
        let mut tasks = match self.room_tasks.lock() {
            Ok(mut tasks) => std::mem::take(&mut *tasks),
            Err(_) => return,
        };
        let drained =
            tokio::time::timeout(grace, async { while tasks.join_next().await.is_some() {} }).await;
        if drained.is_err() {
            tracing::warn!(left = tasks.len(), "rooms did not stop in time");
            tasks.abort_all();
        }
    }

    /// Brings back a room from the store (start-up). Counted like any room,
    /// even beyond `max_rooms`: a restart never drops a room.
    pub fn restore_room(self: &Arc<Self>, restored: room::Restored) -> RoomHandle {
        let code = restored.code().to_owned();
        for (hash, seat) in restored.tokens() {
            self.add_token_hash(*hash, &code, *seat);
        }
        let (handle, task) = room::spawn_restored(Arc::clone(self), restored);
        self.rooms.insert(code, handle.clone());
        self.room_count.fetch_add(1, Ordering::AcqRel);
        self.spawn_room_task(task);
        handle
    }

    fn spawn_room_task(&self, task: impl Future<Output = ()> + Send + 'static) {
        if let Ok(mut tasks) = self.room_tasks.lock() {
            // Reap finished rooms so that the set does not grow with every room ever made.
            while tasks.try_join_next().is_some() {}
            tasks.spawn(task);
        }
    }
}

/// One counted connection; uncounted when dropped.
pub struct ConnectionSlot {
    registry: Arc<Registry>,
    /// The connection's id.
    pub id: u64,
}

impl Drop for ConnectionSlot {
    fn drop(&mut self) {
        self.registry.connections.fetch_sub(1, Ordering::AcqRel);
        crate::metrics::connections(-1.0);
    }
}

/// A secret, unguessable token (UUID v4).
pub fn new_token() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// A random room code from [`ROOM_CODE_ALPHABET`].
pub fn new_room_code() -> String {
    let alphabet = ROOM_CODE_ALPHABET.as_bytes();
    let mut rng = rand::rng();
    (0..ROOM_CODE_LEN)
        .map(|_| char::from(alphabet[rng.random_range(0..alphabet.len())]))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn room_codes_use_the_alphabet() {
        for _ in 0..100 {
            let code = new_room_code();
            assert_eq!(code.len(), ROOM_CODE_LEN);
            assert!(
                code.chars().all(|c| ROOM_CODE_ALPHABET.contains(c)),
                "{code}"
            );
        }
    }

    #[tokio::test(start_paused = true)]
    async fn the_clock_follows_tokio_time() {
        let clock = Clock::new();
        let before = clock.now_ms();
        tokio::time::advance(Duration::from_secs(5)).await;
        assert_eq!(clock.now_ms() - before, 5000);
        let at = clock.instant_at(clock.now_ms() + 250);
        assert_eq!(at - Instant::now(), Duration::from_millis(250));
    }
}
