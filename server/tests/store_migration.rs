//! A data file written by the first schema (records keyed by (room, seq)
//! plus a seat index) is upgraded in place on open and recovers as before:
//! the log, the retry memory, the tokens, and seq uniqueness.

#![allow(clippy::unwrap_used)]

mod store_common;

use allssam_server::store::{SqliteStore, Store, StoreError, StoreOptions, TokenHash};
use rusqlite::{Connection, params};
use store_common::{TempDir, append, record};

/// Schema version 1, exactly as it shipped (store/schema.rs, migration 1).
const V1: &str = r#"
PRAGMA application_id = 1634495603;
CREATE TABLE rooms (
    code TEXT PRIMARY KEY, config TEXT NOT NULL, created_at_ms INTEGER NOT NULL,
    ended_at_ms INTEGER, clock_offset_ms INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX rooms_ended ON rooms(ended_at_ms);
CREATE TABLE tokens (
    hash BLOB PRIMARY KEY, room TEXT NOT NULL REFERENCES rooms(code) ON DELETE CASCADE,
    seat TEXT NOT NULL, created_at_ms INTEGER NOT NULL, revoked_at_ms INTEGER
) STRICT, WITHOUT ROWID;
CREATE INDEX tokens_seat ON tokens(room, seat);
CREATE TABLE records (
    room TEXT NOT NULL REFERENCES rooms(code) ON DELETE CASCADE,
    seq INTEGER NOT NULL, actor TEXT NOT NULL, command TEXT NOT NULL,
    now_ms INTEGER NOT NULL, seat TEXT, req INTEGER, applied INTEGER NOT NULL,
    answer TEXT, PRIMARY KEY (room, seq)
) STRICT, WITHOUT ROWID;
CREATE INDEX records_seat ON records(room, seat, seq) WHERE seat IS NOT NULL AND req IS NOT NULL;
CREATE TABLE snapshots (
    room TEXT PRIMARY KEY REFERENCES rooms(code) ON DELETE CASCADE,
    seq INTEGER NOT NULL, now_ms INTEGER NOT NULL, state BLOB NOT NULL
) STRICT;
CREATE TABLE heartbeat (id INTEGER PRIMARY KEY CHECK (id = 1), at_ms INTEGER NOT NULL) STRICT;
PRAGMA user_version = 1;
"#;

const P1: &str = "11111111-1111-4111-8111-111111111111";
const P2: &str = "22222222-2222-4222-8222-222222222222";

/// Writes a v1 file by hand: two rooms whose records interleave, as a
/// running server writes them, a token and a heartbeat.
fn write_v1_file(path: &std::path::Path) {
    let conn = Connection::open(path).unwrap();
    conn.execute_batch("PRAGMA journal_mode = WAL").unwrap();
    conn.execute_batch(V1).unwrap();
    for code in ["AAAAAA", "BBBBBB"] {
        conn.execute(
            "INSERT INTO rooms (code, config, created_at_ms) VALUES (?1, '{\"rounds\":3}', 5)",
            params![code],
        )
        .unwrap();
    }
    conn.execute(
        "INSERT INTO tokens (hash, room, seat, created_at_ms) VALUES (?1, 'AAAAAA', ?2, 5)",
        params![&TokenHash::of("tok-1").0[..], P1],
    )
    .unwrap();
    conn.execute("INSERT INTO heartbeat (id, at_ms) VALUES (1, 9000)", [])
        .unwrap();
    for seq in 1..=5u64 {
        for (code, player) in [("AAAAAA", P1), ("BBBBBB", P2)] {
            let r = record(seq, player, Some(seq * 10));
            conn.execute(
                "INSERT INTO records (room, seq, actor, command, now_ms, seat, req, applied, answer) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                params![
                    code,
                    seq as i64,
                    r.actor.as_str(),
                    r.command.as_str(),
                    r.now_ms as i64,
                    player,
                    (seq * 10) as i64,
                    true,
                    r.answer.unwrap().as_str().to_owned(),
                ],
            )
            .unwrap();
        }
    }
}

#[tokio::test]
async fn a_version_1_file_is_upgraded_and_recovers_as_before() {
    let dir = TempDir::new();
    write_v1_file(&dir.db());

    let store = SqliteStore::open(dir.db(), StoreOptions::default()).unwrap();
    let recovery = store.recovery(3).await.unwrap();
    assert_eq!(recovery.last_heartbeat_ms, Some(9000));
    assert_eq!(recovery.rooms.len(), 2);
    let a = &recovery.rooms[0];
    assert_eq!(a.info.code, "AAAAAA");
    assert_eq!(a.info.last_seq, 5);
    let expected: Vec<_> = (1..=5).map(|s| record(s, P1, Some(s * 10))).collect();
    assert_eq!(a.tail, expected);
    // The retry memory: the last 3 requests of the seat, by seq.
    assert_eq!(a.answers, expected[2..].to_vec());
    assert!(store.token(TokenHash::of("tok-1")).await.unwrap().is_some());

    // The log goes on after the upgrade, and a seq is still used once.
    store
        .write(vec![append("AAAAAA", record(6, P1, Some(60)))])
        .await
        .unwrap();
    let again = store
        .write(vec![append("AAAAAA", record(6, P1, Some(61)))])
        .await;
    assert!(matches!(again, Err(StoreError::Database(_))), "{again:?}");
    assert_eq!(store.log("BBBBBB", 3).await.unwrap().len(), 2);
    assert_eq!(store.log("AAAAAA", 0).await.unwrap().len(), 6);
    store.close().await;

    // The file now says version 2 and has the new layout.
    let conn = Connection::open(dir.db()).unwrap();
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(version, 2);
    let seat_index: i64 = conn
        .query_row(
            "SELECT count(*) FROM sqlite_schema WHERE name = 'records_seat'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(seat_index, 0);
}
