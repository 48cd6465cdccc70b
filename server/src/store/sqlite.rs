//! `SqliteStore`: the embedded store in one SQLite file (WAL), with one
//! writer thread doing group commit and a separate connection for reads.

use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};

use rusqlite::{Connection, OptionalExtension, Row, params};
use tokio::sync::{mpsc, oneshot};

use super::checkpoint::Checkpointer;
use super::error::{OpenError, StoreError};
use super::schema;
use super::types::{
    Json, LogRecord, RecoveredRoom, Recovery, RoomInfo, Seat, Snapshot, TokenGrant, TokenHash,
    Write,
};
use super::writer::{self, Claim, Counters, Job, Writer, as_i64};
use super::{BoxFuture, Durable, Store, StoreOptions};

/// The embedded store. Cheap to share behind an `Arc`.
pub struct SqliteStore {
    path: PathBuf,
    /// Closed by `close` (or dropped before `jobs`, whose end lets the
    /// writer give up its claim on the file): `None` once closed.
    reader: Arc<Mutex<Option<Connection>>>,
    jobs: mpsc::Sender<Job>,
    counters: Arc<Counters>,
}

/// How much group commit has happened so far.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StoreStats {
    /// Transactions committed (or attempted) by the writer.
    pub batches: u64,
    /// Submissions they carried.
    pub jobs: u64,
    /// Times the checkpoint thread copied the whole WAL so that it restarts.
    pub wal_restarts: u64,
}

impl SqliteStore {
    /// Opens (or creates) the data file at `path` and starts its writer
    /// thread. A file that is damaged, foreign or too new is refused with
    /// the reason, and left as it was.
    pub fn open(path: impl AsRef<Path>, options: StoreOptions) -> Result<Self, OpenError> {
        let path = path.as_ref().to_owned();
        let restart_at = options.wal_restart_frames.max(1);
        let (conn, lock) = schema::open_writer(&path, options.sync, restart_at.saturating_mul(2))?;
        let data = match std::fs::File::open(&path) {
            Ok(file) => Arc::new(file),
            Err(e) => {
                drop(conn);
                return Err(OpenError::Setup {
                    path,
                    reason: format!("cannot open the data file for syncing: {e}"),
                });
            }
        };
        // From here on, whatever fails, the connection closes before the
        // lock and the sync handle (`Writer`'s field order).
        let writer = Writer {
            conn,
            claim: Claim {
                _lock: lock,
                _data: Arc::clone(&data),
            },
        };
        let reader = schema::open_reader(&path)?;
        let counters = Arc::new(Counters::default());
        let checkpointer =
            Checkpointer::start(&path, options.sync, restart_at, Arc::clone(&counters), data)?;
        let (tx, rx) = mpsc::channel(options.queue.max(1));
        let thread_counters = Arc::clone(&counters);
        let max_batch = options.max_batch.max(1);
        std::thread::Builder::new()
            .name("store-writer".into())
            .spawn(move || writer::run(writer, rx, max_batch, thread_counters, checkpointer))
            .map_err(|e| OpenError::Setup {
                path: path.clone(),
                reason: format!("cannot start the writer thread: {e}"),
            })?;
        Ok(SqliteStore {
            path,
            reader: Arc::new(Mutex::new(Some(reader))),
            jobs: tx,
            counters,
        })
    }

    /// The data file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Batches and submissions committed so far.
    pub fn stats(&self) -> StoreStats {
        StoreStats {
            batches: self.counters.batches.load(Ordering::Relaxed),
            jobs: self.counters.jobs.load(Ordering::Relaxed),
            wal_restarts: self.counters.wal_restarts.load(Ordering::Relaxed),
        }
    }

    /// Runs `f` on the reading connection, off the async threads.
    fn read<T, F>(&self, f: F) -> BoxFuture<'_, Result<T, StoreError>>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> Result<T, StoreError> + Send + 'static,
    {
        let reader = Arc::clone(&self.reader);
        Box::pin(async move {
            tokio::task::spawn_blocking(move || {
                // A panic while holding the lock cannot leave the connection
                // half-changed (reads only), so a poisoned lock is still usable.
                let mut reader = reader.lock().unwrap_or_else(|p| p.into_inner());
                let conn = reader.as_mut().ok_or(StoreError::Closed)?;
                f(conn)
            })
            .await
            .map_err(|_| StoreError::Closed)?
        })
    }
}

impl Store for SqliteStore {
    fn submit(&self, writes: Vec<Write>) -> BoxFuture<'_, Result<Durable, StoreError>> {
        Box::pin(async move {
            let (done, committed) = oneshot::channel();
            self.jobs
                .send(Job::Writes { writes, done })
                .await
                .map_err(|_| StoreError::Closed)?;
            Ok(Durable::new(async move {
                committed.await.map_err(|_| StoreError::Closed)?
            }))
        })
    }

    fn token(&self, hash: TokenHash) -> BoxFuture<'_, Result<Option<TokenGrant>, StoreError>> {
        self.read(move |conn| {
            let grant = conn
                .prepare_cached(
                    "SELECT t.room, t.seat, r.ended_at_ms IS NOT NULL \
                     FROM tokens t JOIN rooms r ON r.code = t.room \
                     WHERE t.hash = ?1 AND t.revoked_at_ms IS NULL",
                )?
                .query_row(params![&hash.0[..]], |r| {
                    Ok(TokenGrant {
                        room: r.get(0)?,
                        seat: Seat::from_column(r.get(1)?),
                        room_ended: r.get(2)?,
                    })
                })
                .optional()?;
            Ok(grant)
        })
    }

    fn tokens(&self, code: &str) -> BoxFuture<'_, Result<Vec<(TokenHash, Seat)>, StoreError>> {
        let code = code.to_owned();
        self.read(move |conn| {
            let rows = conn
                .prepare_cached(
                    "SELECT hash, seat FROM tokens WHERE room = ?1 AND revoked_at_ms IS NULL",
                )?
                .query_map(params![code], |r| {
                    Ok((r.get::<_, Vec<u8>>(0)?, r.get::<_, String>(1)?))
                })?
                .collect::<Result<Vec<_>, _>>()?;
            Ok(rows
                .into_iter()
                .filter_map(|(hash, seat)| {
                    let hash: [u8; 32] = hash.try_into().ok()?;
                    Some((TokenHash(hash), Seat::from_column(seat)))
                })
                .collect())
        })
    }

    fn room(&self, code: &str) -> BoxFuture<'_, Result<Option<RoomInfo>, StoreError>> {
        let code = code.to_owned();
        self.read(move |conn| room_info(conn, &code))
    }

    fn log(&self, code: &str, after_seq: u64) -> BoxFuture<'_, Result<Vec<LogRecord>, StoreError>> {
        let code = code.to_owned();
        self.read(move |conn| records_after(conn, &code, after_seq))
    }

    fn recovery(&self, answers_per_seat: usize) -> BoxFuture<'_, Result<Recovery, StoreError>> {
        self.read(move |conn| {
            // One read transaction: a consistent picture even if writes go on.
            let tx = conn.transaction()?;
            let last_heartbeat_ms = tx
                .query_row("SELECT at_ms FROM heartbeat WHERE id = 1", [], |r| {
                    r.get::<_, i64>(0)
                })
                .optional()?
                .map(as_u64);
            let codes: Vec<String> = tx
                .prepare("SELECT code FROM rooms WHERE ended_at_ms IS NULL ORDER BY code")?
                .query_map([], |r| r.get(0))?
                .collect::<Result<_, _>>()?;
            let mut rooms = Vec::with_capacity(codes.len());
            for code in codes {
                let Some(info) = room_info(&tx, &code)? else {
                    continue;
                };
                let snapshot = tx
                    .prepare_cached("SELECT seq, now_ms, state FROM snapshots WHERE room = ?1")?
                    .query_row(params![code], |r| {
                        Ok(Snapshot {
                            seq: as_u64(r.get(0)?),
                            now_ms: as_u64(r.get(1)?),
                            state: r.get(2)?,
                        })
                    })
                    .optional()?;
                let after = snapshot.as_ref().map_or(0, |s| s.seq);
                let tail = records_after(&tx, &code, after)?;
                let answers = last_answers(&tx, &code, answers_per_seat)?;
                rooms.push(RecoveredRoom {
                    info,
                    snapshot,
                    tail,
                    answers,
                });
            }
            Ok(Recovery {
                last_heartbeat_ms,
                rooms,
            })
        })
    }

    fn ended_before(&self, cutoff_ms: u64) -> BoxFuture<'_, Result<Vec<String>, StoreError>> {
        self.read(move |conn| {
            let codes = conn
                .prepare_cached(
                    "SELECT code FROM rooms WHERE ended_at_ms IS NOT NULL AND ended_at_ms < ?1 \
                     ORDER BY ended_at_ms",
                )?
                .query_map(params![as_i64(cutoff_ms)], |r| r.get(0))?
                .collect::<Result<_, _>>()?;
            Ok(codes)
        })
    }

    fn close(&self) -> BoxFuture<'_, ()> {
        Box::pin(async move {
            // The reading connection first: the writer, last, gives up the
            // file (a poisoned lock only means a read panicked; still closable).
            let reader = self.reader.lock().unwrap_or_else(|p| p.into_inner()).take();
            drop(reader);
            let (done, closed) = oneshot::channel();
            // Already closed: nothing to wait for.
            if self.jobs.send(Job::Close { done }).await.is_ok() {
                let _ = closed.await;
            }
        })
    }
}

fn room_info(conn: &Connection, code: &str) -> Result<Option<RoomInfo>, StoreError> {
    let row = conn
        .prepare_cached(
            "SELECT code, config, created_at_ms, ended_at_ms, clock_offset_ms, \
             (SELECT COALESCE(MAX(seq), 0) FROM records WHERE room = rooms.code) \
             FROM rooms WHERE code = ?1",
        )?
        .query_row(params![code], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, i64>(2)?,
                r.get::<_, Option<i64>>(3)?,
                r.get::<_, i64>(4)?,
                r.get::<_, i64>(5)?,
            ))
        })
        .optional()?;
    let Some((code, config, created, ended, offset, last_seq)) = row else {
        return Ok(None);
    };
    Ok(Some(RoomInfo {
        code,
        config: serde_json::from_str(&config)?,
        created_at_ms: as_u64(created),
        ended_at_ms: ended.map(as_u64),
        clock_offset_ms: offset,
        last_seq: as_u64(last_seq),
    }))
}

const RECORD_COLUMNS: &str = "seq, actor, command, now_ms, seat, req, applied, answer";

fn records_after(conn: &Connection, code: &str, after: u64) -> Result<Vec<LogRecord>, StoreError> {
    let sql =
        format!("SELECT {RECORD_COLUMNS} FROM records WHERE room = ?1 AND seq > ?2 ORDER BY seq");
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(params![code, as_i64(after)], raw_record)?;
    rows.map(|r| Ok(to_record(r?))).collect()
}

/// The last `per_seat` requests of each seat, by seq: the retry memory
/// (PROTOCOL.md, "Retries").
fn last_answers(
    conn: &Connection,
    code: &str,
    per_seat: usize,
) -> Result<Vec<LogRecord>, StoreError> {
    let sql = format!(
        "SELECT {RECORD_COLUMNS} FROM ( \
           SELECT *, ROW_NUMBER() OVER (PARTITION BY seat ORDER BY seq DESC) AS nth \
           FROM records WHERE room = ?1 AND seat IS NOT NULL AND req IS NOT NULL \
         ) WHERE nth <= ?2 ORDER BY seq"
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let per_seat = i64::try_from(per_seat).unwrap_or(i64::MAX);
    let rows = stmt.query_map(params![code, per_seat], raw_record)?;
    rows.map(|r| Ok(to_record(r?))).collect()
}

/// A record's columns as SQLite returns them.
type RawRecord = (
    i64,
    String,
    String,
    i64,
    Option<String>,
    Option<i64>,
    bool,
    Option<String>,
);

fn raw_record(r: &Row<'_>) -> rusqlite::Result<RawRecord> {
    Ok((
        r.get(0)?,
        r.get(1)?,
        r.get(2)?,
        r.get(3)?,
        r.get(4)?,
        r.get(5)?,
        r.get(6)?,
        r.get(7)?,
    ))
}

fn to_record(raw: RawRecord) -> LogRecord {
    let (seq, actor, command, now_ms, seat, req, applied, answer) = raw;
    LogRecord {
        seq: as_u64(seq),
        actor: Json::from_stored(actor),
        command: Json::from_stored(command),
        now_ms: as_u64(now_ms),
        seat: seat.map(Seat::from_column),
        // Stored bit for bit (see the writer).
        req: req.map(|q| q as u64),
        applied,
        answer: answer.map(Json::from_stored),
    }
}

/// Stored times and seqs were u64 below `i64::MAX`; a negative one can only
/// come from a hand-edited file and reads as 0.
fn as_u64(v: i64) -> u64 {
    u64::try_from(v).unwrap_or(0)
}
