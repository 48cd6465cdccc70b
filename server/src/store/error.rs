//! What can go wrong opening a data file, and what can go wrong using a store.

use std::path::PathBuf;
use std::sync::Arc;

/// A data file that cannot be used. Opening never resets or overwrites a
/// file it does not understand: it stops with one of these.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    /// The file could not be opened or read at all (permissions, a missing
    /// directory, a disk error).
    #[error("cannot open the data file {path}: {source}")]
    Unreadable {
        /// The data file.
        path: PathBuf,
        /// SQLite's or the system's reason.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// The file is not a SQLite database (random bytes, another format, a
    /// damaged header).
    #[error("the data file {path} is not a SQLite database (damaged, or not an All-ssam file)")]
    NotADatabase {
        /// The data file.
        path: PathBuf,
    },
    /// The file is a SQLite database but damaged (truncated, pages
    /// overwritten): SQLite's integrity check fails.
    #[error("the data file {path} is corrupt: {detail}")]
    Corrupt {
        /// The data file.
        path: PathBuf,
        /// What SQLite found.
        detail: String,
    },
    /// A SQLite database that some other program made.
    #[error("the data file {path} is a SQLite database that does not belong to All-ssam")]
    Foreign {
        /// The data file.
        path: PathBuf,
    },
    /// Written by a newer All-ssam whose schema this binary does not know.
    #[error(
        "the data file {path} was written by a newer All-ssam (schema version {found}; this server knows up to {known}); upgrade the server"
    )]
    NewerSchema {
        /// The data file.
        path: PathBuf,
        /// The file's schema version.
        found: usize,
        /// The newest this binary knows.
        known: usize,
    },
    /// Another server (or a server still stopping) has the file open: two
    /// servers writing one file would each believe it owns its rooms.
    #[error(
        "the data file {path} is in use by another All-ssam server (it holds {lock}); stop that server first, or give this one another --data"
    )]
    InUse {
        /// The data file.
        path: PathBuf,
        /// The lock file beside it.
        lock: PathBuf,
    },
    /// Setting up the file failed (WAL mode, a migration).
    #[error("cannot prepare the data file {path}: {reason}")]
    Setup {
        /// The data file.
        path: PathBuf,
        /// What failed.
        reason: String,
    },
}

impl OpenError {
    /// The data file concerned.
    pub fn path(&self) -> &std::path::Path {
        match self {
            OpenError::Unreadable { path, .. }
            | OpenError::NotADatabase { path }
            | OpenError::Corrupt { path, .. }
            | OpenError::Foreign { path }
            | OpenError::NewerSchema { path, .. }
            | OpenError::InUse { path, .. }
            | OpenError::Setup { path, .. } => path,
        }
    }

    /// A process exit code in the spirit of BSD `sysexits.h`: 65 (bad data)
    /// for a file that is not ours, damaged or too new; 74 (I/O error) when
    /// it cannot be opened or prepared; 75 (try again later) when another
    /// server has it.
    pub fn exit_code(&self) -> u8 {
        match self {
            OpenError::NotADatabase { .. }
            | OpenError::Corrupt { .. }
            | OpenError::Foreign { .. }
            | OpenError::NewerSchema { .. } => 65,
            OpenError::Unreadable { .. } | OpenError::Setup { .. } => 74,
            OpenError::InUse { .. } => 75,
        }
    }
}

/// A store operation that failed. Clone, because one failed batch answers
/// every request waiting on it.
#[derive(Clone, Debug, thiserror::Error)]
pub enum StoreError {
    /// The store was closed (shutdown), or its writer stopped.
    #[error("the store is closed")]
    Closed,
    /// The database refused the operation (a constraint, a full disk, I/O).
    #[error("database error: {0}")]
    Database(Arc<rusqlite::Error>),
    /// A stored JSON value did not parse (the file was edited by hand?).
    #[error("stored data is not valid JSON: {0}")]
    Json(Arc<serde_json::Error>),
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        StoreError::Database(Arc::new(e))
    }
}

impl From<serde_json::Error> for StoreError {
    fn from(e: serde_json::Error) -> Self {
        StoreError::Json(Arc::new(e))
    }
}
