//! A measurement, not a check (ignored by default): durable appends per
//! second with 64 concurrent appenders, `synchronous=NORMAL` vs `FULL`, and
//! `FULL` without group commit; and bytes written per append with 1,250
//! rooms appending at once (the scale workload's shape).
//!
//! `cargo test -p allssam-server --release --test store_throughput -- --ignored --nocapture`
//!
//! Measured on the shared 2-core dev VM (load ~3.7, fsync ~0.15 ms), release:
//! NORMAL ~28-29k/s (~49 appends per commit), FULL ~14-16k/s (~45 per
//! commit), FULL without group commit ~1-1.7k/s.
//! Many rooms (debug build, bytes only): 6,644 B written per append with
//! the v1 layout, 880 B with migration 2's (bench/README.md).

#![allow(clippy::unwrap_used)]

mod store_common;

use std::sync::Arc;
use std::time::Instant;

use allssam_server::store::{SqliteStore, Store, StoreOptions, SyncMode};
use store_common::{TempDir, append, create_room, record};

const APPENDERS: u64 = 64;
const EACH: u64 = 200;

#[tokio::test(flavor = "multi_thread")]
#[ignore = "a measurement; run it by hand"]
async fn durable_appends_per_second() {
    // The last one turns group commit off, to show what it is worth.
    for (sync, max_batch) in [
        (SyncMode::Normal, 1024),
        (SyncMode::Full, 1024),
        (SyncMode::Full, 1),
    ] {
        let dir = TempDir::new();
        let options = StoreOptions {
            sync,
            max_batch,
            ..StoreOptions::default()
        };
        let store = Arc::new(SqliteStore::open(dir.db(), options).unwrap());
        let codes: Vec<String> = (0..APPENDERS).map(|i| format!("R{i:05}")).collect();
        store
            .write(codes.iter().map(|c| create_room(c, 1)).collect())
            .await
            .unwrap();
        let before = store.stats();
        let elapsed = append_concurrently(&store, codes, EACH).await;
        let after = store.stats();
        let (jobs, batches) = (after.jobs - before.jobs, after.batches - before.batches);
        println!(
            "{sync:?}, max batch {max_batch}: {jobs} durable appends by {APPENDERS} appenders in {elapsed:.2} s = \
             {:.0}/s; {batches} commits, {:.1} appends per commit",
            jobs as f64 / elapsed,
            jobs as f64 / batches as f64
        );
        store.close().await;
    }
}

/// Bytes this process has written so far (`wchar`: every write call, WAL
/// included; `write_bytes`: what reached the block layer), from `/proc`.
fn io_written() -> (u64, u64) {
    let io = std::fs::read_to_string("/proc/self/io").unwrap_or_default();
    let field = |name: &str| {
        io.lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or(0)
    };
    (field("wchar:"), field("write_bytes:"))
}

/// The scale workload's shape: many rooms, each appending a record per
/// commit, so a commit touches many rooms. Reports appends per second and
/// the bytes written per append (the write amplification of the layout).
#[tokio::test(flavor = "multi_thread")]
#[ignore = "a measurement; run it by hand"]
async fn many_rooms_bytes_written_per_append() {
    const ROOMS: u64 = 1_250;
    const EACH: u64 = 40;
    let dir = TempDir::new();
    let store = Arc::new(SqliteStore::open(dir.db(), StoreOptions::default()).unwrap());
    let codes: Vec<String> = (0..ROOMS).map(|i| format!("R{i:05}")).collect();
    store
        .write(codes.iter().map(|c| create_room(c, 1)).collect())
        .await
        .unwrap();
    let before = store.stats();
    let (wchar0, bytes0) = io_written();
    let elapsed = append_concurrently(&store, codes, EACH).await;
    let (wchar1, bytes1) = io_written();
    let after = store.stats();
    let (jobs, batches) = (after.jobs - before.jobs, after.batches - before.batches);
    println!(
        "{ROOMS} rooms: {jobs} durable appends in {elapsed:.2} s = {:.0}/s; {batches} commits, \
         {:.1} appends per commit; wchar {:.0} B/append, write_bytes {:.0} B/append",
        jobs as f64 / elapsed,
        jobs as f64 / batches as f64,
        (wchar1 - wchar0) as f64 / jobs as f64,
        (bytes1 - bytes0) as f64 / jobs as f64,
    );
    store.close().await;
}

/// Every room in `codes` appends `each` records at once, each appender
/// waiting for its commit as a request waits for its ack; the seconds taken.
async fn append_concurrently(store: &Arc<SqliteStore>, codes: Vec<String>, each: u64) -> f64 {
    let started = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for code in codes {
        let store = Arc::clone(store);
        tasks.spawn(async move {
            for seq in 1..=each {
                let w = vec![append(&code, record(seq, "p", Some(seq)))];
                store.write(w).await.unwrap();
            }
        });
    }
    while let Some(done) = tasks.join_next().await {
        done.unwrap();
    }
    started.elapsed().as_secs_f64()
}
