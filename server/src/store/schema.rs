//! The schema (as `rusqlite_migration` migrations) and the checks that make
//! opening a data file safe: never a panic, never a silent reset.

use std::path::Path;

use rusqlite::{Connection, ErrorCode, OpenFlags};
use rusqlite_migration::{M, Migrations, SchemaVersion};

use super::SyncMode;
use super::error::OpenError;

/// `PRAGMA application_id` of an All-ssam data file ("alls"): tells our
/// files from other SQLite databases.
pub(crate) const APPLICATION_ID: i32 = 0x616c_6c73;

/// Append a migration here for every schema change; never edit one that
/// has shipped. The version stored in the file is the number applied.
const MIGRATION_LIST: &[M<'static>] = &[
    // 1: the first schema (shipped; never edit).
    M::up(
        r#"
PRAGMA application_id = 1634495603;

CREATE TABLE rooms (
    code            TEXT PRIMARY KEY,
    config          TEXT NOT NULL,
    created_at_ms   INTEGER NOT NULL,
    ended_at_ms     INTEGER,
    clock_offset_ms INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX rooms_ended ON rooms(ended_at_ms);

-- Only the SHA-256 of a token, never the token.
CREATE TABLE tokens (
    hash          BLOB PRIMARY KEY,
    room          TEXT NOT NULL REFERENCES rooms(code) ON DELETE CASCADE,
    seat          TEXT NOT NULL,
    created_at_ms INTEGER NOT NULL,
    revoked_at_ms INTEGER
) STRICT, WITHOUT ROWID;
CREATE INDEX tokens_seat ON tokens(room, seat);

CREATE TABLE records (
    room    TEXT NOT NULL REFERENCES rooms(code) ON DELETE CASCADE,
    seq     INTEGER NOT NULL,
    actor   TEXT NOT NULL,
    command TEXT NOT NULL,
    now_ms  INTEGER NOT NULL,
    seat    TEXT,
    req     INTEGER,
    applied INTEGER NOT NULL,
    answer  TEXT,
    PRIMARY KEY (room, seq)
) STRICT, WITHOUT ROWID;
CREATE INDEX records_seat ON records(room, seat, seq) WHERE seat IS NOT NULL AND req IS NOT NULL;

CREATE TABLE snapshots (
    room   TEXT PRIMARY KEY REFERENCES rooms(code) ON DELETE CASCADE,
    seq    INTEGER NOT NULL,
    now_ms INTEGER NOT NULL,
    state  BLOB NOT NULL
) STRICT;

CREATE TABLE heartbeat (
    id    INTEGER PRIMARY KEY CHECK (id = 1),
    at_ms INTEGER NOT NULL
) STRICT;
"#,
    ),
    // 2: records in global insertion order (a rowid table), so that one
    // commit appends to the last few pages instead of dirtying a leaf per
    // room; `(room, seq)` is a small unique index (one short entry per
    // record); the seat index is gone: the retry memory is rebuilt at
    // recovery by scanning the room's records through `(room, seq)`.
    M::up(
        r#"
CREATE TABLE records_v2 (
    id      INTEGER PRIMARY KEY,
    room    TEXT NOT NULL REFERENCES rooms(code) ON DELETE CASCADE,
    seq     INTEGER NOT NULL,
    actor   TEXT NOT NULL,
    command TEXT NOT NULL,
    now_ms  INTEGER NOT NULL,
    seat    TEXT,
    req     INTEGER,
    applied INTEGER NOT NULL,
    answer  TEXT
) STRICT;
INSERT INTO records_v2 (room, seq, actor, command, now_ms, seat, req, applied, answer)
    SELECT room, seq, actor, command, now_ms, seat, req, applied, answer
    FROM records ORDER BY room, seq;
DROP TABLE records;
ALTER TABLE records_v2 RENAME TO records;
CREATE UNIQUE INDEX records_room_seq ON records(room, seq);
"#,
    ),
];

/// The migrations, for `open` and for tests that need the latest version.
pub(crate) const MIGRATIONS: Migrations<'static> = Migrations::from_slice(MIGRATION_LIST);

/// The newest schema version this binary knows.
pub(crate) fn latest_version() -> usize {
    MIGRATION_LIST.len()
}

/// Takes the data file's lock, then opens the writer connection: checks the
/// file, sets WAL and the sync mode, applies pending migrations.
pub(crate) fn open_writer(
    path: &Path,
    sync: SyncMode,
    backstop_frames: u32,
) -> Result<(Connection, std::fs::File), OpenError> {
    // Before SQLite opens anything: a second server stops here, before it
    // reads (or creates) a thing.
    let lock = lock(path)?;
    let mut conn = Connection::open(path).map_err(|e| classify(path, e))?;
    configure(path, &conn)?;
    check_file(path, &conn)?;
    let mode: String = conn
        .query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))
        .map_err(|e| classify(path, e))?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(OpenError::Setup {
            path: path.to_owned(),
            reason: format!("WAL mode refused (journal mode is {mode})"),
        });
    }

    conn.execute_batch(sync.pragma())
        .map_err(|e| classify(path, e))?;
    MIGRATIONS
        .to_latest(&mut conn)
        .map_err(|e| OpenError::Setup {
            path: path.to_owned(),
            reason: format!("schema migration failed: {e}"),
        })?;
    // A commit should not wait for a checkpoint: the checkpoint thread
    // copies the WAL and makes it restart (checkpoint.rs). The writer's own
    // checkpoint, which would run inside a commit and wait for its fsyncs,
    // is only a backstop in case that thread falls behind. The page cache
    // (8 MB) holds the index pages that ~2,000 rooms' appends touch; a much
    // larger one costs every commit a scan of its hash table
    // (`pcache1TruncateUnsafe`: 3.3 % of the server's samples with 64 MB at
    // 10,000 chatting players, 1.1 % with 8 MB).
    // SQLite reads the value as a 32-bit int; 0 turns the backstop off.
    let backstop_frames = backstop_frames.min(i32::MAX.unsigned_abs());
    conn.execute_batch(&format!(
        "PRAGMA wal_autocheckpoint = {backstop_frames}; \
         PRAGMA cache_size = -8192;"
    ))
    .map_err(|e| classify(path, e))?;
    conn.set_prepared_statement_cache_capacity(32);
    Ok((conn, lock))
}

/// Takes `<data file>.lock` (created if need be, never deleted: deleting a
/// lock file races with the next server taking it). The kernel drops the
/// lock when the process ends, however it ends.
fn lock(path: &Path) -> Result<std::fs::File, OpenError> {
    let mut name = path.as_os_str().to_owned();
    name.push(".lock");
    let lock = std::path::PathBuf::from(name);
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&lock)
        .map_err(|e| OpenError::Unreadable {
            path: path.to_owned(),
            source: format!("cannot open its lock file {}: {e}", lock.display()).into(),
        })?;
    match file.try_lock() {
        Ok(()) => Ok(file),
        Err(std::fs::TryLockError::WouldBlock) => Err(OpenError::InUse {
            path: path.to_owned(),
            lock,
        }),
        Err(std::fs::TryLockError::Error(e)) => Err(OpenError::Setup {
            path: path.to_owned(),
            reason: format!("cannot lock {}: {e}", lock.display()),
        }),
    }
}

/// Opens a reading connection on a file `open_writer` has prepared.
pub(crate) fn open_reader(path: &Path) -> Result<Connection, OpenError> {
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = Connection::open_with_flags(path, flags).map_err(|e| classify(path, e))?;
    configure(path, &conn)?;
    Ok(conn)
}

fn configure(path: &Path, conn: &Connection) -> Result<(), OpenError> {
    conn.busy_timeout(std::time::Duration::from_secs(5))
        .and_then(|()| conn.execute_batch("PRAGMA foreign_keys = ON"))
        .map_err(|e| classify(path, e))
}

/// Refuses a file that is damaged, foreign or too new, before anything is
/// written to it.
fn check_file(path: &Path, conn: &Connection) -> Result<(), OpenError> {
    // The first read of the header: random bytes fail here.
    let objects: i64 = conn
        .query_row("SELECT count(*) FROM sqlite_schema", [], |r| r.get(0))
        .map_err(|e| classify(path, e))?;
    let version = MIGRATIONS
        .current_version(conn)
        .map_err(|e| OpenError::Setup {
            path: path.to_owned(),
            reason: format!("cannot read the schema version: {e}"),
        })?;
    let app_id: i32 = conn
        .query_row("PRAGMA application_id", [], |r| r.get(0))
        .map_err(|e| classify(path, e))?;
    match version {
        SchemaVersion::NoneSet if objects > 0 => {
            return Err(OpenError::Foreign {
                path: path.to_owned(),
            });
        }
        SchemaVersion::NoneSet => return Ok(()), // a new, empty file
        _ if app_id != APPLICATION_ID => {
            return Err(OpenError::Foreign {
                path: path.to_owned(),
            });
        }
        SchemaVersion::Outside(found) => {
            return Err(OpenError::NewerSchema {
                path: path.to_owned(),
                found: found.get(),
                known: latest_version(),
            });
        }
        SchemaVersion::Inside(_) => {}
    }
    // Reads every page's structure (not the full index cross-check of
    // `integrity_check`): a truncated or overwritten file fails here.
    let mut stmt = conn
        .prepare("PRAGMA quick_check(5)")
        .map_err(|e| classify(path, e))?;
    let found: Vec<String> = stmt
        .query_map([], |r| r.get::<_, String>(0))
        .and_then(|rows| rows.collect())
        .map_err(|e| classify(path, e))?;
    if found != ["ok"] {
        return Err(OpenError::Corrupt {
            path: path.to_owned(),
            detail: found.join("; "),
        });
    }
    Ok(())
}

/// Turns a SQLite error met while opening into the typed reason.
fn classify(path: &Path, e: rusqlite::Error) -> OpenError {
    let path = path.to_owned();
    match e.sqlite_error_code() {
        Some(ErrorCode::NotADatabase) => OpenError::NotADatabase { path },
        Some(ErrorCode::DatabaseCorrupt) => OpenError::Corrupt {
            path,
            detail: e.to_string(),
        },
        _ => OpenError::Unreadable {
            path,
            source: e.into(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_are_valid() {
        assert!(MIGRATIONS.validate().is_ok());
    }

    #[test]
    fn application_id_in_the_migration_matches_the_constant() {
        let mut conn = Connection::open_in_memory().expect("memory db");
        MIGRATIONS.to_latest(&mut conn).expect("migrate");
        let id: i32 = conn
            .query_row("PRAGMA application_id", [], |r| r.get(0))
            .expect("pragma");
        assert_eq!(id, APPLICATION_ID);
    }
}
