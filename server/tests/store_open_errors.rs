//! A data file the server cannot trust stops it with a typed error naming
//! the file, and is left untouched: never a panic, never a silent reset.

#![allow(clippy::unwrap_used)]

mod store_common;

use std::path::Path;

use allssam_server::store::{OpenError, SqliteStore, Store, StoreOptions};
use rand::RngCore;
use store_common::{TempDir, append, create_room, record};

const P1: &str = "6f1c2a8e-0b7d-4e55-9a57-3c1f0e2d4b61";

fn open(path: &Path) -> Result<SqliteStore, OpenError> {
    SqliteStore::open(path, StoreOptions::default())
}

/// A real data file of several hundred pages, closed cleanly (so it is all
/// in the main file, no WAL).
fn real_file(path: &Path) {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let store = open(path).unwrap();
        let mut writes = vec![create_room("ABCDEF", 1)];
        for seq in 1..=3_000 {
            writes.push(append("ABCDEF", record(seq, P1, Some(seq))));
        }
        store.write(writes).await.unwrap();
        store.close().await;
    });
    assert!(!Path::new(&format!("{}-wal", path.display())).exists());
}

/// Checks the error names the file and the file is unchanged.
fn refused(path: &Path, before: &[u8]) -> OpenError {
    let err = match open(path) {
        Ok(_) => panic!("{} was accepted", path.display()),
        Err(e) => e,
    };
    assert_eq!(err.path(), path);
    assert!(
        err.to_string().contains(&path.display().to_string()),
        "{err}"
    );
    assert_eq!(std::fs::read(path).unwrap(), before, "the file was changed");
    err
}

#[test]
fn random_bytes_are_not_a_database() {
    let dir = TempDir::new();
    let mut bytes = vec![0u8; 64 * 1024];
    rand::rng().fill_bytes(&mut bytes);
    std::fs::write(dir.db(), &bytes).unwrap();
    let err = refused(&dir.db(), &bytes);
    assert!(matches!(err, OpenError::NotADatabase { .. }), "{err:?}");
    assert_eq!(err.exit_code(), 65);
}

#[test]
fn a_text_file_is_not_a_database() {
    let dir = TempDir::new();
    let bytes = b"rooms:\n  - ABCDEF\n".repeat(500);
    std::fs::write(dir.db(), &bytes).unwrap();
    let err = refused(&dir.db(), &bytes);
    assert!(matches!(err, OpenError::NotADatabase { .. }), "{err:?}");
}

#[test]
fn a_file_truncated_to_half_is_corrupt() {
    let dir = TempDir::new();
    real_file(&dir.db());
    let full = std::fs::read(dir.db()).unwrap();
    let half = &full[..full.len() / 2];
    std::fs::write(dir.db(), half).unwrap();
    let err = refused(&dir.db(), half);
    assert!(matches!(err, OpenError::Corrupt { .. }), "{err:?}");
    assert_eq!(err.exit_code(), 65);
}

#[test]
fn a_file_truncated_inside_its_header_is_refused() {
    let dir = TempDir::new();
    real_file(&dir.db());
    let full = std::fs::read(dir.db()).unwrap();
    let stub = &full[..60];
    std::fs::write(dir.db(), stub).unwrap();
    let err = refused(&dir.db(), stub);
    assert!(
        matches!(
            err,
            OpenError::NotADatabase { .. } | OpenError::Corrupt { .. }
        ),
        "{err:?}"
    );
}

#[test]
fn overwritten_pages_are_corrupt() {
    let dir = TempDir::new();
    real_file(&dir.db());
    let mut bytes = std::fs::read(dir.db()).unwrap();
    // Keep the header page; scribble over the b-tree pages after it.
    let mut rng = rand::rng();
    let end = bytes.len().min(4096 * 40);
    rng.fill_bytes(&mut bytes[4096 * 2..end]);
    std::fs::write(dir.db(), &bytes).unwrap();
    let err = refused(&dir.db(), &bytes);
    assert!(matches!(err, OpenError::Corrupt { .. }), "{err:?}");
}

#[test]
fn a_newer_schema_version_is_refused() {
    let dir = TempDir::new();
    real_file(&dir.db());
    {
        let conn = rusqlite::Connection::open(dir.db()).unwrap();
        conn.execute_batch("PRAGMA user_version = 99").unwrap();
    }
    let bytes = std::fs::read(dir.db()).unwrap();
    let err = refused(&dir.db(), &bytes);
    match err {
        OpenError::NewerSchema { found, known, .. } => {
            assert_eq!(found, 99);
            assert!(known < 99);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn another_programs_database_is_refused() {
    let dir = TempDir::new();
    {
        let conn = rusqlite::Connection::open(dir.db()).unwrap();
        conn.execute_batch("CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL)")
            .unwrap();
    }
    let bytes = std::fs::read(dir.db()).unwrap();
    let err = refused(&dir.db(), &bytes);
    assert!(matches!(err, OpenError::Foreign { .. }), "{err:?}");
}

#[test]
fn a_missing_directory_is_unreadable() {
    let dir = TempDir::new();
    let path = dir.path().join("no/such/dir/allssam.db");
    let err = match open(&path) {
        Ok(_) => panic!("opened a file in a missing directory"),
        Err(e) => e,
    };
    assert!(matches!(err, OpenError::Unreadable { .. }), "{err:?}");
    assert_eq!(err.exit_code(), 74);
    assert!(!path.exists());
}

#[test]
fn a_good_file_reopens_and_an_empty_path_is_a_new_store() {
    let dir = TempDir::new();
    real_file(&dir.db());
    assert!(open(&dir.db()).is_ok());
    let fresh = dir.path().join("fresh.db");
    assert!(open(&fresh).is_ok());
}

/// Two servers on one file would each believe they own its rooms: the second
/// is refused while the first runs, and opens once the first has stopped.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_file_another_server_has_open_is_refused_until_it_stops() {
    let dir = TempDir::new();
    let first = open(&dir.db()).unwrap();
    first.write(vec![create_room("ABCDEF", 1)]).await.unwrap();

    let err = match open(&dir.db()) {
        Ok(_) => panic!("a second store opened a file in use"),
        Err(e) => e,
    };
    assert!(matches!(err, OpenError::InUse { .. }), "{err:?}");
    assert_eq!(err.exit_code(), 75);
    assert_eq!(err.path(), dir.db());
    assert!(err.to_string().contains("allssam.db.lock"), "{err}");

    // The refused open changed nothing: the first store still writes.
    first
        .write(vec![append("ABCDEF", record(1, P1, Some(1)))])
        .await
        .unwrap();
    first.close().await;

    let second = open(&dir.db()).unwrap();
    let recovered = second.recovery(8).await.unwrap();
    assert_eq!(recovered.rooms.len(), 1);
    second.close().await;
}
