//! The store gives back what was written: rooms, hashed tokens, the log,
//! snapshots, the recovery listing and the retention of ended rooms.

#![allow(clippy::unwrap_used)]

mod store_common;

use allssam_server::store::{
    MemoryStore, Seat, Snapshot, SqliteStore, Store, StoreError, StoreOptions, TokenGrant,
    TokenHash, Write,
};
use serde_json::json;
use store_common::{TempDir, append, create_room, record, tick};

const P1: &str = "6f1c2a8e-0b7d-4e55-9a57-3c1f0e2d4b61";
const P2: &str = "a2b3c4d5-e6f7-4890-8abc-def012345678";

fn open(dir: &TempDir) -> SqliteStore {
    SqliteStore::open(dir.db(), StoreOptions::default()).unwrap()
}

#[tokio::test]
async fn rooms_tokens_and_records_round_trip_across_a_reopen() {
    let dir = TempDir::new();
    let fac = TokenHash::of("facilitator-secret");
    let p1 = TokenHash::of("player-one-secret");
    {
        let store = open(&dir);
        store
            .write(vec![
                create_room("ABCDEF", 10),
                Write::AddToken {
                    room: "ABCDEF".into(),
                    hash: fac,
                    seat: Seat::Facilitator,
                    at_ms: 10,
                },
                Write::AddToken {
                    room: "ABCDEF".into(),
                    hash: p1,
                    seat: Seat::Player(P1.into()),
                    at_ms: 11,
                },
                append("ABCDEF", record(1, P1, Some(1))),
                append("ABCDEF", tick(2, 5_000)),
            ])
            .await
            .unwrap();
        store.close().await;
    }
    let store = open(&dir);
    let room = store.room("ABCDEF").await.unwrap().unwrap();
    assert_eq!(room.config, json!({"rounds": 3, "seed": 7}));
    assert_eq!(
        (room.created_at_ms, room.ended_at_ms, room.last_seq),
        (10, None, 2)
    );
    assert_eq!(
        store.token(fac).await.unwrap(),
        Some(TokenGrant {
            room: "ABCDEF".into(),
            seat: Seat::Facilitator,
            room_ended: false
        })
    );
    assert_eq!(
        store.token(p1).await.unwrap().unwrap().seat,
        Seat::Player(P1.into())
    );
    assert_eq!(store.token(TokenHash::of("guess")).await.unwrap(), None);
    let log = store.log("ABCDEF", 0).await.unwrap();
    assert_eq!(log, vec![record(1, P1, Some(1)), tick(2, 5_000)]);
    assert_eq!(store.log("ABCDEF", 1).await.unwrap(), vec![tick(2, 5_000)]);
    assert_eq!(store.room("ZZZZZZ").await.unwrap(), None);
}

#[tokio::test]
async fn tokens_are_stored_hashed_never_in_clear() {
    let dir = TempDir::new();
    let token = format!("tok-{}", uuid::Uuid::new_v4());
    let store = open(&dir);
    store
        .write(vec![
            create_room("ABCDEF", 1),
            Write::AddToken {
                room: "ABCDEF".into(),
                hash: TokenHash::of(&token),
                seat: Seat::Player(P1.into()),
                at_ms: 1,
            },
        ])
        .await
        .unwrap();
    assert!(store.token(TokenHash::of(&token)).await.unwrap().is_some());
    // Look in the main file and the WAL while the store is open, then in
    // the checkpointed file after a close.
    let scan = || {
        let mut bytes = Vec::new();
        for suffix in ["", "-wal", "-shm"] {
            let path = format!("{}{suffix}", dir.db().display());
            bytes.extend(std::fs::read(path).unwrap_or_default());
        }
        bytes
    };
    let hash = TokenHash::of(&token).0;
    let open_bytes = scan();
    assert!(contains(&open_bytes, &hash), "the hash is what is stored");
    assert!(!contains(&open_bytes, token.as_bytes()));
    store.close().await;
    drop(store);
    assert!(!contains(&scan(), token.as_bytes()));
}

async fn revoked_tokens_stop_working_and_grants_report_ended_rooms(store: &dyn Store) {
    let (a, b, c) = (TokenHash::of("a"), TokenHash::of("b"), TokenHash::of("c"));
    let add = |hash, seat| Write::AddToken {
        room: "ABCDEF".into(),
        hash,
        seat,
        at_ms: 1,
    };
    store
        .write(vec![
            create_room("ABCDEF", 1),
            add(a, Seat::Player(P1.into())),
            add(b, Seat::Player(P1.into())), // an extra seat token (seat_token)
            add(c, Seat::Player(P2.into())),
        ])
        .await
        .unwrap();
    store
        .write(vec![Write::RevokeToken { hash: c, at_ms: 2 }])
        .await
        .unwrap();
    assert_eq!(store.token(c).await.unwrap(), None);
    assert!(store.token(a).await.unwrap().is_some());
    // A kick revokes every token of the seat.
    store
        .write(vec![Write::RevokeSeat {
            room: "ABCDEF".into(),
            seat: Seat::Player(P1.into()),
            at_ms: 3,
        }])
        .await
        .unwrap();
    assert_eq!(store.token(a).await.unwrap(), None);
    assert_eq!(store.token(b).await.unwrap(), None);
    let fac = TokenHash::of("f");
    store
        .write(vec![
            add(fac, Seat::Facilitator),
            Write::EndRoom {
                room: "ABCDEF".into(),
                ended_at_ms: 9,
            },
        ])
        .await
        .unwrap();
    assert!(store.token(fac).await.unwrap().unwrap().room_ended);
}

async fn recovery_lists_unfinished_rooms_with_snapshot_tail_and_retry_memory(store: &dyn Store) {
    let mut writes = vec![create_room("AAAAAA", 1), create_room("BBBBBB", 1)];
    // Room A: 70 requests of P1, 3 of P2, ticks in between; a snapshot at 50.
    let mut seq = 0;
    for i in 1..=70u64 {
        seq += 1;
        writes.push(append("AAAAAA", record(seq, P1, Some(i))));
        if i <= 3 {
            seq += 1;
            writes.push(append("AAAAAA", record(seq, P2, Some(100 + i))));
        }
        if i % 10 == 0 {
            seq += 1;
            writes.push(append("AAAAAA", tick(seq, 2_000 + seq)));
        }
    }
    store.write(writes).await.unwrap();
    let snapshot = Snapshot {
        seq: 50,
        now_ms: 1_050,
        state: b"{\"game\":\"state at 50\"}".to_vec(),
    };
    store
        .write(vec![
            Write::Snapshot {
                room: "AAAAAA".into(),
                snapshot: Snapshot {
                    seq: 20,
                    now_ms: 1_020,
                    state: b"older".to_vec(),
                },
            },
            Write::Snapshot {
                room: "AAAAAA".into(),
                snapshot: snapshot.clone(),
            },
            Write::Heartbeat { at_ms: 77_000 },
            // Room B ended: not recovered.
            Write::EndRoom {
                room: "BBBBBB".into(),
                ended_at_ms: 5,
            },
            create_room("CCCCCC", 2),
        ])
        .await
        .unwrap();
    let recovery = store.recovery(64).await.unwrap();
    assert_eq!(recovery.last_heartbeat_ms, Some(77_000));
    let codes: Vec<_> = recovery
        .rooms
        .iter()
        .map(|r| r.info.code.as_str())
        .collect();
    assert_eq!(codes, ["AAAAAA", "CCCCCC"]);
    let a = &recovery.rooms[0];
    assert_eq!(
        a.snapshot.as_ref(),
        Some(&snapshot),
        "the latest snapshot only"
    );
    let tail_seqs: Vec<u64> = a.tail.iter().map(|r| r.seq).collect();
    assert_eq!(tail_seqs, (51..=seq).collect::<Vec<_>>());
    assert_eq!(a.info.last_seq, seq);
    // The retry memory: the last 64 requests of P1 (reqs 7..=70) and all
    // 3 of P2, in log order; no ticks.
    let p1_reqs: Vec<u64> = a
        .answers
        .iter()
        .filter(|r| r.seat == Some(Seat::Player(P1.into())))
        .map(|r| r.req.unwrap())
        .collect();
    assert_eq!(p1_reqs, (7..=70).collect::<Vec<_>>());
    let p2 = a
        .answers
        .iter()
        .filter(|r| r.seat == Some(Seat::Player(P2.into())))
        .count();
    assert_eq!(p2, 3);
    assert!(a.answers.windows(2).all(|w| w[0].seq < w[1].seq));
    let c = &recovery.rooms[1];
    assert!(c.snapshot.is_none() && c.tail.is_empty() && c.answers.is_empty());
}

async fn ended_rooms_past_retention_are_listed_and_removed_with_everything(store: &dyn Store) {
    let fac = TokenHash::of("old-facilitator");
    store
        .write(vec![
            create_room("OLDOLD", 1),
            create_room("NEWNEW", 1),
            create_room("LIVELY", 1),
            Write::AddToken {
                room: "OLDOLD".into(),
                hash: fac,
                seat: Seat::Facilitator,
                at_ms: 1,
            },
            append("OLDOLD", record(1, P1, Some(1))),
            Write::EndRoom {
                room: "OLDOLD".into(),
                ended_at_ms: 1_000,
            },
            Write::EndRoom {
                room: "NEWNEW".into(),
                ended_at_ms: 9_000,
            },
        ])
        .await
        .unwrap();
    assert_eq!(store.ended_before(5_000).await.unwrap(), ["OLDOLD"]);
    assert_eq!(
        store.ended_before(10_000).await.unwrap(),
        ["OLDOLD", "NEWNEW"]
    );
    store
        .write(vec![Write::RemoveRoom {
            room: "OLDOLD".into(),
        }])
        .await
        .unwrap();
    assert_eq!(store.room("OLDOLD").await.unwrap(), None);
    assert_eq!(store.token(fac).await.unwrap(), None);
    assert!(store.log("OLDOLD", 0).await.unwrap().is_empty());
    assert_eq!(store.ended_before(10_000).await.unwrap(), ["NEWNEW"]);
    assert!(store.room("LIVELY").await.unwrap().is_some());
}

async fn a_failing_submission_is_rolled_back_alone(store: &dyn Store) {
    store.write(vec![create_room("ABCDEF", 1)]).await.unwrap();
    // Queue three submissions before awaiting any, so they can share a batch.
    let first = store
        .submit(vec![append("ABCDEF", record(1, P1, Some(1)))])
        .await
        .unwrap();
    let bad = store
        .submit(vec![
            append("ABCDEF", record(2, P1, Some(2))),
            append("ABCDEF", record(1, P1, Some(3))), // seq 1 again
        ])
        .await
        .unwrap();
    let unknown_room = store
        .submit(vec![append("NOROOM", record(1, P1, Some(1)))])
        .await
        .unwrap();
    let last = store
        .submit(vec![append("ABCDEF", record(2, P2, Some(9)))])
        .await
        .unwrap();
    assert!(first.await.is_ok());
    assert!(matches!(bad.await, Err(StoreError::Database(_))));
    assert!(matches!(unknown_room.await, Err(StoreError::Database(_))));
    assert!(last.await.is_ok());
    let log = store.log("ABCDEF", 0).await.unwrap();
    assert_eq!(log, vec![record(1, P1, Some(1)), record(2, P2, Some(9))]);
}

async fn after_close_submissions_and_reads_fail_as_closed(store: &dyn Store) {
    store.write(vec![create_room("ABCDEF", 1)]).await.unwrap();
    store.close().await;
    let result = store.write(vec![create_room("GHIJKL", 1)]).await;
    assert!(matches!(result, Err(StoreError::Closed)));
    // The file store closes its reading connection too, before the writer
    // gives up the file: nothing of this process keeps it open after.
    assert!(matches!(
        store.room("ABCDEF").await,
        Err(StoreError::Closed)
    ));
    assert!(matches!(
        store.log("ABCDEF", 0).await,
        Err(StoreError::Closed)
    ));
    assert!(matches!(store.recovery(4).await, Err(StoreError::Closed)));
}

async fn clock_offset_is_stored_and_a_request_id_keeps_all_its_bits(store: &dyn Store) {
    store
        .write(vec![
            create_room("ABCDEF", 1),
            Write::SetClockOffset {
                room: "ABCDEF".into(),
                offset_ms: 123_456,
            },
            append("ABCDEF", record(1, P1, Some(u64::MAX))),
        ])
        .await
        .unwrap();
    let room = store.room("ABCDEF").await.unwrap().unwrap();
    assert_eq!(room.clock_offset_ms, 123_456);
    assert_eq!(store.log("ABCDEF", 0).await.unwrap()[0].req, Some(u64::MAX));
    let missing = store
        .write(vec![Write::SetClockOffset {
            room: "NOROOM".into(),
            offset_ms: 1,
        }])
        .await;
    assert!(missing.is_err(), "an update of an unknown room is reported");
}

/// Runs a contract test on the SQLite store and on the memory store: both
/// must behave alike, so room tests on the memory store stay meaningful.
macro_rules! on_both_stores {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test]
                async fn $name() {
                    let dir = super::TempDir::new();
                    super::$name(&super::open(&dir)).await;
                }
            )*
        }
        mod memory {
            $(
                #[tokio::test]
                async fn $name() {
                    super::$name(&super::MemoryStore::new()).await;
                }
            )*
        }
    };
}

on_both_stores!(
    revoked_tokens_stop_working_and_grants_report_ended_rooms,
    recovery_lists_unfinished_rooms_with_snapshot_tail_and_retry_memory,
    ended_rooms_past_retention_are_listed_and_removed_with_everything,
    a_failing_submission_is_rolled_back_alone,
    after_close_submissions_and_reads_fail_as_closed,
    clock_offset_is_stored_and_a_request_id_keeps_all_its_bits,
);

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}
