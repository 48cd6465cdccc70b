//! The checkpoint thread: copies the WAL into the main file off the commit
//! path, so that a commit never waits for a checkpoint's writes and fsync.
//!
//! It runs a PASSIVE checkpoint now and then on its own connection; PASSIVE
//! never blocks the writer. The writer keeps a high `wal_autocheckpoint`
//! only as a backstop: under steady writes the WAL is never fully copied at
//! the moment a transaction starts, so it would not restart from its
//! beginning; the writer's own (then nearly empty) checkpoint lets it.

use std::path::Path;
use std::sync::mpsc::{self, RecvTimeoutError};
use std::thread::JoinHandle;
use std::time::Duration;

use rusqlite::Connection;

use super::SyncMode;
use super::error::OpenError;

/// How often the WAL is copied into the main file.
const EVERY: Duration = Duration::from_millis(250);

/// The running checkpoint thread; [`Checkpointer::stop`] ends it.
pub(crate) struct Checkpointer {
    stop: mpsc::Sender<()>,
    thread: JoinHandle<()>,
}

impl Checkpointer {
    /// Starts the thread on a new connection to `path` (already migrated).
    pub(crate) fn start(path: &Path, sync: SyncMode) -> Result<Self, OpenError> {
        let conn = Connection::open(path)
            .and_then(|conn| {
                conn.busy_timeout(Duration::from_secs(5))?;
                // The same durability for the main file as the writer's.
                conn.execute_batch(match sync {
                    SyncMode::Normal => "PRAGMA synchronous = NORMAL",
                    SyncMode::Full => "PRAGMA synchronous = FULL",
                })?;
                Ok(conn)
            })
            .map_err(|source| OpenError::Unreadable {
                path: path.to_owned(),
                source,
            })?;
        let (stop, stopped) = mpsc::channel::<()>();
        let thread = std::thread::Builder::new()
            .name("store-checkpoint".into())
            .spawn(move || run(&conn, &stopped))
            .map_err(|e| OpenError::Setup {
                path: path.to_owned(),
                reason: format!("cannot start the checkpoint thread: {e}"),
            })?;
        Ok(Checkpointer { stop, thread })
    }

    /// Ends the thread and waits for it (at most one checkpoint's time).
    pub(crate) fn stop(self) {
        drop(self.stop);
        if self.thread.join().is_err() {
            tracing::warn!("store checkpoint thread panicked");
        }
    }
}

fn run(conn: &Connection, stopped: &mpsc::Receiver<()>) {
    loop {
        match stopped.recv_timeout(EVERY) {
            Err(RecvTimeoutError::Timeout) => {}
            // Stopped (or its owner is gone).
            Ok(()) | Err(RecvTimeoutError::Disconnected) => return,
        }
        if let Err(e) = conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(())) {
            tracing::warn!(error = %e, "store checkpoint failed");
        }
    }
}
