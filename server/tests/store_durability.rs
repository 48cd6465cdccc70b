//! Durability: group commit really batches, and what was acknowledged
//! survives the process being killed with SIGKILL.

#![allow(clippy::unwrap_used)]

mod store_common;

use std::io::{BufRead, BufReader, Write as _};
use std::process::{Command, Stdio};

use allssam_server::store::{SqliteStore, Store, StoreOptions};
use store_common::{TempDir, append, create_room, record};

const P1: &str = "6f1c2a8e-0b7d-4e55-9a57-3c1f0e2d4b61";

/// While another connection holds the write lock, the writer's first batch
/// waits; everything submitted meanwhile must then go in one transaction.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn submissions_queued_during_a_commit_share_the_next_transaction() {
    let dir = TempDir::new();
    let store = SqliteStore::open(dir.db(), StoreOptions::default()).unwrap();
    store.write(vec![create_room("ABCDEF", 1)]).await.unwrap();
    let before = store.stats();

    let blocker = rusqlite::Connection::open(dir.db()).unwrap();
    blocker.execute_batch("BEGIN IMMEDIATE").unwrap();
    let mut durables = Vec::new();
    for seq in 1..=200 {
        let durable = store
            .submit(vec![append("ABCDEF", record(seq, P1, Some(seq)))])
            .await
            .unwrap();
        durables.push(durable);
    }
    blocker.execute_batch("COMMIT").unwrap();
    for durable in durables {
        durable.await.unwrap();
    }

    let after = store.stats();
    assert_eq!(after.jobs - before.jobs, 200);
    // The first submission may have started a batch of its own before the
    // rest arrived; all the others were queued behind the lock.
    assert!(
        after.batches - before.batches <= 2,
        "200 submissions took {} transactions",
        after.batches - before.batches
    );
    assert_eq!(store.log("ABCDEF", 0).await.unwrap().len(), 200);
}

/// With many appenders awaiting each commit, commits carry several of them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_appenders_are_committed_in_batches() {
    let dir = TempDir::new();
    let store = std::sync::Arc::new(SqliteStore::open(dir.db(), StoreOptions::default()).unwrap());
    let rooms: Vec<String> = (0..32).map(|i| format!("ROOM{i:02}")).collect();
    store
        .write(rooms.iter().map(|c| create_room(c, 1)).collect())
        .await
        .unwrap();
    let before = store.stats();
    let mut tasks = tokio::task::JoinSet::new();
    for code in rooms.clone() {
        let store = std::sync::Arc::clone(&store);
        tasks.spawn(async move {
            for seq in 1..=25 {
                let w = vec![append(&code, record(seq, P1, Some(seq)))];
                store.write(w).await.unwrap();
            }
        });
    }
    while let Some(done) = tasks.join_next().await {
        done.unwrap();
    }
    let after = store.stats();
    let (jobs, batches) = (after.jobs - before.jobs, after.batches - before.batches);
    assert_eq!(jobs, 32 * 25);
    assert!(batches < jobs, "{jobs} appends in {batches} transactions");
    for code in &rooms {
        assert_eq!(store.log(code, 0).await.unwrap().len(), 25);
    }
}

const CHILD_ENV: &str = "ALLSSAM_STORE_CRASH_CHILD";

/// Runs this same test binary as a child that appends records and prints
/// `acked N` once record N's commit is reported, then kills it with
/// SIGKILL mid-stream: every acknowledged record must be in the file.
#[test]
fn acknowledged_records_survive_kill_9() {
    if let Ok(path) = std::env::var(CHILD_ENV) {
        return crash_child(&path);
    }
    let dir = TempDir::new();
    let db = dir.db();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let store = SqliteStore::open(&db, StoreOptions::default()).unwrap();
        store.write(vec![create_room("ABCDEF", 1)]).await.unwrap();
        store.close().await;
    });

    let mut child = Command::new(std::env::current_exe().unwrap())
        .args([
            "acknowledged_records_survive_kill_9",
            "--exact",
            "--nocapture",
        ])
        .env(CHILD_ENV, &db)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut last_acked = 0;
    let lines = BufReader::new(child.stdout.take().unwrap()).lines();
    for line in lines {
        let line = line.unwrap();
        if let Some(n) = line.strip_prefix("acked ") {
            last_acked = n.trim().parse().unwrap();
            if last_acked >= 300 {
                break;
            }
        }
    }
    child.kill().unwrap(); // SIGKILL: no destructor, no close, no flush
    child.wait().unwrap();
    assert!(last_acked >= 300, "the child stopped early at {last_acked}");

    runtime.block_on(async {
        let store = SqliteStore::open(&db, StoreOptions::default()).unwrap();
        let seqs: Vec<u64> = store
            .log("ABCDEF", 0)
            .await
            .unwrap()
            .iter()
            .map(|r| r.seq)
            .collect();
        assert!(
            seqs.len() as u64 >= last_acked,
            "{last_acked} acknowledged, {} in the file",
            seqs.len()
        );
        assert_eq!(seqs, (1..=seqs.len() as u64).collect::<Vec<_>>(), "no gap");
    });
}

/// The child: 8 appenders in flight at once, acknowledged in seq order.
fn crash_child(path: &str) {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let store = SqliteStore::open(path, StoreOptions::default()).unwrap();
        let mut in_flight = std::collections::VecDeque::new();
        let mut stdout = std::io::stdout();
        for seq in 1..=1_000_000u64 {
            let w = vec![append("ABCDEF", record(seq, P1, Some(seq)))];
            in_flight.push_back((seq, store.submit(w).await.unwrap()));
            if in_flight.len() >= 8 {
                let (acked, durable) = in_flight.pop_front().unwrap();
                durable.await.unwrap();
                // Written straight to the pipe: the parent sees it at once.
                writeln!(stdout, "acked {acked}").unwrap();
                stdout.flush().unwrap();
            }
        }
    });
}
