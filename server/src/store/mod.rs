//! The durable store: rooms, hashed tokens, each room's command log and
//! snapshots, behind the [`Store`] trait; [`SqliteStore`] is the embedded
//! one, [`MemoryStore`] the one for room tests under a paused clock.
//!
//! # How the room task uses it
//!
//! **Writing.** Every change goes through [`Store::submit`], a `Vec<Write>`
//! applied atomically. `submit(..).await` returns once the writes are
//! *queued* (their order is then fixed; a full queue makes this wait, which
//! is the back-pressure); the returned [`Durable`] resolves once they are
//! *committed*. Commits are in queue order, so when one `Durable` resolves,
//! everything submitted before it is committed too.
//!
//! For each request that reached the engine, the room task:
//! 1. applies it: `game.apply(actor, command, now)`, `now` on the game
//!    clock (below);
//! 2. builds a [`LogRecord`] with the next `seq` (1, 2, 3... per room):
//!    `actor`/`command` as JSON text ([`Json::of`]), the `now` it applied,
//!    `seat` and `req` of the requester (for `join` the new player's seat,
//!    for the `Connect` a `resume` causes the resuming seat: opening
//!    requests count for `last_req`; `create_room` is no engine command, so
//!    log it as `{"type":"create_room"}` with `applied: false`, seq 1),
//!    `applied`, and the `answer` JSON
//!    it is about to send — **without any token in it** (`create_room`,
//!    `join` and `seat_token` acks carry one: store them with the token
//!    field removed);
//! 3. submits `Write::Append` together with the request's other writes in
//!    the same `Vec` (`join`: `AddToken`; `create_room`: `CreateRoom` +
//!    `AddToken` for the facilitator; `kick`: `RevokeSeat`; `seat_token`:
//!    `AddToken`; `end`: `EndRoom`), awaits the queueing, and
//! 4. only when the `Durable` resolves sends the ack and fans out the
//!    events. If it resolves to an error, answer `internal` and stop the
//!    room (its memory is now ahead of the disk): it will be rebuilt from
//!    the log at the next start.
//!
//! The simplest correct form awaits `Durable` inline before the next
//! request. The room task does better (`room/pipeline.rs`): each step's
//! outputs wait beside its `Durable`s in a
//! `futures_util::stream::FuturesOrdered` (polled in the room's `select!`)
//! and leave when it comes out: request order is kept, and the room goes on
//! applying (and submitting) the next commands meanwhile.
//! A request the engine **refused** changed nothing, so its error may go
//! out at once; still submit its record (`applied: false`, not awaited) if
//! it had a `req`, so that the retry memory survives a restart. Facts the
//! server logs itself (`Tick`, `Connect`, `Disconnect`) are records with
//! `seat: None` (but for a `resume`'s `Connect`, above); their events also
//! wait for their `Durable`.
//!
//! Every `N` records (say 200) submit a `Write::Snapshot` with the state
//! after record `seq` (`serde_json::to_vec(&game)`; `Game` must stay
//! `Serialize + Deserialize`): it is queued after that
//! record, so it never gets ahead of the log. Every second, submit
//! `Write::Heartbeat { at_ms: wall now }` without awaiting it. At shutdown,
//! after the rooms stop, `close().await` commits what is queued.
//!
//! **Tokens.** Hash with [`TokenHash::of`] and look up with
//! [`Store::token`]; the raw token never reaches the store. The grant says
//! the room and the [`Seat`], and whether the room has ended (export only).
//!
//! **Recovery at start.** `SqliteStore::open` refuses a damaged, foreign or
//! too-new file with an [`OpenError`] (print it, exit with
//! [`OpenError::exit_code`]). Then `store.recovery(64)` lists every room
//! not ended. For each room:
//! 1. the game: `Game::new(code, config)` from `info.config`, or the
//!    `snapshot`'s state when there is one; then replay `tail` in order:
//!    for each record with `applied`, `game.apply(actor, command, now_ms)`
//!    with the *recorded* `now_ms` (records with `applied: false` are
//!    skipped; replay emits events to nobody). The engine is deterministic,
//!    so this is the state the room had; paused rooms come back paused
//!    because `pause` is in the log. An apply that is refused on replay
//!    means the log and the engine disagree: refuse to start that room
//!    (log it loudly) rather than guess.
//! 2. the clock: `offset = room.resume_offset_ms(recovery.last_heartbeat_ms,
//!    wall_now)`; submit `Write::SetClockOffset` and await it before
//!    applying anything new. From then on the room's game clock is
//!    `wall_now - offset`: it resumes where the old run stopped (its last
//!    heartbeat), so a running deadline has exactly the time it had left.
//!    Use this `now` for `apply`, `view_for` and the deadline timer
//!    (`fire at game.deadline() + offset` in wall time).
//! 3. the retry memory: `answers` holds, by seq, the last 64 records of
//!    each seat that had a `req`; rebuild each seat's `req → answer` map from
//!    it (the latest wins) and its `last_req` as the highest `req` seen
//!    (requests the store never sees, `ping`/`sync`, do not count).
//!    A remembered `seat_token` ack has no token (never stored): on a retry
//!    after a restart, issue a fresh token instead.
//! 4. the next `seq` is `info.last_seq + 1`. Every seat is disconnected:
//!    log a `Disconnect` for each player the game believes connected.
//!
//! Ended rooms: each hour, `ended_before(now - retention)` and submit
//! `Write::RemoveRoom` for each (also for a lobby room removed for being
//! empty); export checks the token's grant is the facilitator's, then reads
//! `room(code)` and `log(code, 0)` (config + every record, refused ones
//! marked `applied: false`).
//!
//! **Tests of the room task** under `tokio::time::pause()` should use
//! [`MemoryStore`]: its `Durable` is ready at once, whereas waiting on the
//! SQLite writer thread leaves the runtime idle, and a paused clock then
//! jumps to the next timer.

mod checkpoint;
mod error;
mod memory;
mod schema;
mod sqlite;
mod types;
mod writer;

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

pub use error::{OpenError, StoreError};
pub use memory::MemoryStore;
pub use sqlite::{SqliteStore, StoreStats};
pub use types::{
    Json, LogRecord, RecoveredRoom, Recovery, RoomInfo, Seat, Snapshot, TokenGrant, TokenHash,
    Write,
};

/// A boxed, sendable future: keeps [`Store`] usable as `Arc<dyn Store>`.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// The store of rooms, tokens and command logs. Object-safe, so the server
/// holds an `Arc<dyn Store>` and a fleet can later put a shared database
/// behind the same calls.
pub trait Store: Send + Sync {
    /// Queues `writes` to be applied atomically, all or none. Resolves once
    /// queued; the [`Durable`] resolves once committed (durable per the
    /// store's [`SyncMode`]).
    fn submit(&self, writes: Vec<Write>) -> BoxFuture<'_, Result<Durable, StoreError>>;

    /// Submits and waits for the commit.
    fn write(&self, writes: Vec<Write>) -> BoxFuture<'_, Result<(), StoreError>> {
        Box::pin(async move { self.submit(writes).await?.await })
    }

    /// What a token grants, if it is known and not revoked.
    fn token(&self, hash: TokenHash) -> BoxFuture<'_, Result<Option<TokenGrant>, StoreError>>;

    /// Every valid (not revoked) token of a room, by hash: what a restarted
    /// server needs to let its players `resume`.
    fn tokens(&self, code: &str) -> BoxFuture<'_, Result<Vec<(TokenHash, Seat)>, StoreError>>;

    /// A room's row, ended or not.
    fn room(&self, code: &str) -> BoxFuture<'_, Result<Option<RoomInfo>, StoreError>>;

    /// A room's records with `seq > after_seq`, by seq (`0`: the whole log).
    fn log(&self, code: &str, after_seq: u64) -> BoxFuture<'_, Result<Vec<LogRecord>, StoreError>>;

    /// Every room not ended, with its snapshot, the records after it, and
    /// the last `answers_per_seat` requests of each seat.
    fn recovery(&self, answers_per_seat: usize) -> BoxFuture<'_, Result<Recovery, StoreError>>;

    /// Rooms that ended before `cutoff_ms` (wall clock), oldest first.
    fn ended_before(&self, cutoff_ms: u64) -> BoxFuture<'_, Result<Vec<String>, StoreError>>;

    /// Commits everything queued and stops; later submissions and reads
    /// fail with [`StoreError::Closed`].
    fn close(&self) -> BoxFuture<'_, ()>;
}

/// Resolves once the writes it stands for are committed.
#[must_use = "a request is acknowledged only once its Durable resolves"]
pub struct Durable(BoxFuture<'static, Result<(), StoreError>>);

impl Durable {
    /// Wraps the future that completes on commit.
    pub fn new(committed: impl Future<Output = Result<(), StoreError>> + Send + 'static) -> Self {
        Durable(Box::pin(committed))
    }
}

impl Future for Durable {
    type Output = Result<(), StoreError>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        self.0.as_mut().poll(cx)
    }
}

impl std::fmt::Debug for Durable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Durable")
    }
}

/// What "committed" survives.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum SyncMode {
    /// `synchronous=NORMAL` under WAL: survives a crash of the process
    /// (`kill -9`); a power loss may lose the last commits.
    #[default]
    Normal,
    /// `synchronous=FULL`: an fsync per commit; survives a power loss.
    Full,
}

impl SyncMode {
    /// The pragma that sets it on a connection (the writer's, and the
    /// checkpoint thread's, which syncs the main file).
    pub(crate) fn pragma(self) -> &'static str {
        match self {
            SyncMode::Normal => "PRAGMA synchronous = NORMAL",
            SyncMode::Full => "PRAGMA synchronous = FULL",
        }
    }
}

impl std::str::FromStr for SyncMode {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "normal" => Ok(SyncMode::Normal),
            "full" => Ok(SyncMode::Full),
            other => Err(format!("unknown sync mode {other:?} (normal or full)")),
        }
    }
}

/// How a [`SqliteStore`] runs.
#[derive(Clone, Copy, Debug)]
pub struct StoreOptions {
    /// What a commit survives.
    pub sync: SyncMode,
    /// Submissions that may wait for the writer before `submit` waits too.
    pub queue: usize,
    /// The most submissions one transaction carries.
    pub max_batch: usize,
    /// WAL frames (pages) after which the checkpoint thread makes the WAL
    /// start again from its beginning (store/checkpoint.rs); the writer's
    /// own checkpoint, a backstop, waits for twice as many.
    pub wal_restart_frames: u32,
}

impl Default for StoreOptions {
    fn default() -> Self {
        StoreOptions {
            sync: SyncMode::Normal,
            queue: 4096,
            max_batch: 1024,
            // 128 MB of 4 KB pages: at 19,000 records a second, a restart
            // (one short hold of the writer) a little more than once a second.
            wal_restart_frames: 32_768,
        }
    }
}
