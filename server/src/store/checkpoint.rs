//! The checkpoint thread: copies the WAL into the main file off the commit
//! path, so that a commit never waits for a checkpoint's writes and fsync.
//!
//! It runs a PASSIVE checkpoint now and then on its own connection; PASSIVE
//! never blocks the writer. But the WAL only starts again from its beginning
//! when a write transaction begins with every frame copied, which under
//! steady writes never happens by itself: the writer appends while the copy
//! runs. So once the WAL holds `wal_restart_frames` (StoreOptions) frames,
//! the thread copies until little is left, syncs the main file, then holds
//! the writer at its [`Gate`] (between two commits) for one last copy; the
//! writer's next commit restarts the WAL. Before, the writer's own
//! checkpoint did that copy inside a commit: at 19,000 acks a second, one
//! or two commits a second took 20–80 ms (bench/README.md). The writer keeps
//! a higher `wal_autocheckpoint` only as a backstop.

use std::fs::File;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::sync::mpsc::{self, RecvTimeoutError};
use std::thread::JoinHandle;
use std::time::Duration;

use parking_lot::{Mutex, MutexGuard};
use rusqlite::Connection;

use super::SyncMode;
use super::error::OpenError;
use super::writer::Counters;

/// How often the WAL is copied into the main file.
const EVERY: Duration = Duration::from_millis(250);

/// A copy pass that leaves at most this many frames behind is followed by
/// the short one at the gate.
const CLOSE_ENOUGH: i64 = 512;

/// Unlocked passes tried, at most, to get close enough for the gate.
const MAX_PASSES: usize = 6;

/// Held by the writer around each commit, and by the checkpoint thread for
/// the last copy before the WAL restarts. The writer gives it up fairly
/// ([`Gate::release`]): under load it takes it again within microseconds,
/// and a plain unlock would let it starve the waiting checkpoint thread.
#[derive(Clone, Default)]
pub(crate) struct Gate(Arc<Mutex<()>>);

impl Gate {
    /// Waits for the gate.
    pub(crate) fn hold(&self) -> MutexGuard<'_, ()> {
        self.0.lock()
    }

    /// Gives the gate up, to the thread waiting for it if there is one.
    pub(crate) fn release(held: MutexGuard<'_, ()>) {
        MutexGuard::unlock_fair(held);
    }
}

/// The running checkpoint thread; [`Checkpointer::stop`] ends it.
pub(crate) struct Checkpointer {
    stop: mpsc::Sender<()>,
    thread: JoinHandle<()>,
    gate: Gate,
}

impl Checkpointer {
    /// Starts the thread on a new connection to `path` (already migrated).
    pub(crate) fn start(
        path: &Path,
        sync: SyncMode,
        restart_at: u32,
        counters: Arc<Counters>,
        data: Arc<File>,
    ) -> Result<Self, OpenError> {
        let conn = Connection::open(path)
            .and_then(|conn| {
                conn.busy_timeout(Duration::from_secs(5))?;
                // The same durability for the main file as the writer's.
                conn.execute_batch(sync.pragma())?;
                Ok(conn)
            })
            .map_err(|e| OpenError::Unreadable {
                path: path.to_owned(),
                source: e.into(),
            })?;
        let (stop, stopped) = mpsc::channel::<()>();
        let gate = Gate::default();
        let wal = Wal {
            gate: gate.clone(),
            restart_at: i64::from(restart_at),
            counters,
            data,
        };
        let thread = std::thread::Builder::new()
            .name("store-checkpoint".into())
            .spawn(move || run(&conn, &stopped, &wal))
            .map_err(|e| OpenError::Setup {
                path: path.to_owned(),
                reason: format!("cannot start the checkpoint thread: {e}"),
            })?;
        Ok(Checkpointer { stop, thread, gate })
    }

    /// The gate the writer holds around each commit.
    pub(crate) fn gate(&self) -> Gate {
        self.gate.clone()
    }

    /// Ends the thread and waits for it (at most one checkpoint's time).
    pub(crate) fn stop(self) {
        drop(self.stop);
        if self.thread.join().is_err() {
            tracing::warn!("store checkpoint thread panicked");
        }
    }
}

/// What a round needs besides its connection.
struct Wal {
    gate: Gate,
    restart_at: i64,
    counters: Arc<Counters>,
    /// The data file, to sync before the gate (never closed while the
    /// writer's connection is open: see writer.rs `Claim`).
    data: Arc<File>,
}

fn run(conn: &Connection, stopped: &mpsc::Receiver<()>, wal: &Wal) {
    loop {
        match stopped.recv_timeout(EVERY) {
            Err(RecvTimeoutError::Timeout) => {}
            // Stopped (or its owner is gone).
            Ok(()) | Err(RecvTimeoutError::Disconnected) => return,
        }
        if let Err(e) = copy(conn, wal) {
            tracing::warn!(error = %e, "store checkpoint failed");
        }
    }
}

/// One round: copy the WAL; if it is long, copy until little is left, then
/// the rest with the writer held, so that the WAL restarts. A disk that
/// cannot keep up skips the hold (the writer would wait for a long copy):
/// the next round tries again, and the writer's backstop is there.
fn copy(conn: &Connection, wal: &Wal) -> rusqlite::Result<()> {
    let mut left = passive(conn)?;
    if left.log < wal.restart_at {
        return Ok(());
    }
    for _ in 1..MAX_PASSES {
        if left.behind() <= CLOSE_ENOUGH {
            break;
        }
        left = passive(conn)?;
    }
    if left.behind() > CLOSE_ENOUGH {
        return Ok(());
    }
    // The pass at the gate ends with an fsync of every page copied into the
    // main file since the last complete pass: sync them now, while the
    // writer goes on (it writes only the WAL), then copy what came in
    // meanwhile, so that the wait at the gate covers only a few pages.
    if let Err(e) = wal.data.sync_data() {
        tracing::debug!(error = %e, "store data file sync failed");
    }
    if passive(conn)?.behind() > CLOSE_ENOUGH {
        return Ok(());
    }
    let _writer_stopped = wal.gate.hold();
    if passive(conn)?.complete() {
        wal.counters.wal_restarts.fetch_add(1, Ordering::Relaxed);
        crate::metrics::store_wal_restart();
    }
    Ok(())
}

/// What `PRAGMA wal_checkpoint` reports: whether another checkpoint had the
/// WAL (then both counts are -1), frames in the WAL, frames copied.
struct Progress {
    busy: bool,
    log: i64,
    copied: i64,
}

impl Progress {
    fn behind(&self) -> i64 {
        self.log - self.copied
    }

    /// Every frame copied: the writer's next commit starts the WAL over
    /// (unless a reader still uses its frames).
    fn complete(&self) -> bool {
        !self.busy && self.log > 0 && self.copied == self.log
    }
}

fn passive(conn: &Connection) -> rusqlite::Result<Progress> {
    conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |r| {
        Ok(Progress {
            busy: r.get::<_, i64>(0)? != 0,
            log: r.get(1)?,
            copied: r.get(2)?,
        })
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use crate::store::schema;

    /// A migrated data file, its writer (whose own checkpoint never runs)
    /// and a checkpoint connection, as `SqliteStore::open` makes them.
    fn files(dir: &tempfile::TempDir) -> (Connection, Connection) {
        let path = dir.path().join("allssam.db");
        // 0: the writer never checkpoints itself.
        let (writer, _lock) = schema::open_writer(&path, SyncMode::Normal, 0).unwrap();
        writer
            .execute_batch("CREATE TABLE filler (x BLOB)")
            .unwrap();
        (writer, Connection::open(&path).unwrap())
    }

    /// One transaction that dirties about `pages` pages.
    fn fill(writer: &Connection, pages: usize) {
        writer
            .execute("INSERT INTO filler SELECT randomblob(?1)", [pages * 4096])
            .unwrap();
    }

    fn wal(dir: &tempfile::TempDir, restart_at: i64) -> Wal {
        Wal {
            gate: Gate::default(),
            restart_at,
            counters: Arc::default(),
            data: Arc::new(File::open(dir.path().join("allssam.db")).unwrap()),
        }
    }

    fn restarts(wal: &Wal) -> u64 {
        wal.counters.wal_restarts.load(Ordering::Relaxed)
    }

    #[test]
    fn a_short_wal_is_copied_but_not_restarted() {
        let dir = tempfile::tempdir().unwrap();
        let (writer, conn) = files(&dir);
        fill(&writer, 4);
        let wal = wal(&dir, 1_000);
        copy(&conn, &wal).unwrap();
        assert_eq!(restarts(&wal), 0);
        let after = passive(&conn).unwrap();
        assert!(
            after.log > 0 && after.behind() == 0,
            "copied, still in the WAL"
        );
    }

    #[test]
    fn a_long_wal_is_copied_whole_at_the_gate_and_then_restarts() {
        let dir = tempfile::tempdir().unwrap();
        let (writer, conn) = files(&dir);
        fill(&writer, 64);
        let long = passive(&conn).unwrap().log;
        let wal = Arc::new(wal(&dir, 32));

        // The writer is inside a commit: the last copy must wait for it.
        let held = wal.gate.hold();
        let copier = {
            let wal = Arc::clone(&wal);
            std::thread::spawn(move || copy(&conn, &wal).map(|()| conn))
        };
        std::thread::sleep(Duration::from_millis(200));
        assert!(!copier.is_finished(), "the copy did not wait at the gate");
        assert_eq!(
            restarts(&wal),
            0,
            "the copy at the gate ran while the writer held it"
        );
        drop(held);
        let conn = copier.join().unwrap().unwrap();
        assert_eq!(restarts(&wal), 1);

        // The next commit starts the WAL again from its beginning.
        fill(&writer, 1);
        let after = passive(&conn).unwrap();
        assert!(
            after.log < long / 4,
            "WAL of {} frames after a restart, {long} before",
            after.log
        );
    }
}
