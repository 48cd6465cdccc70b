//! A measurement, not a check (ignored by default): durable appends per
//! second with 64 concurrent appenders, `synchronous=NORMAL` vs `FULL`, and
//! `FULL` without group commit.
//!
//! `cargo test -p allssam-server --release --test store_throughput -- --ignored --nocapture`
//!
//! Measured on the shared 2-core dev VM (load ~3.7, fsync ~0.15 ms), release:
//! NORMAL ~28-29k/s (~49 appends per commit), FULL ~14-16k/s (~45 per
//! commit), FULL without group commit ~1-1.7k/s.

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
        let started = Instant::now();
        let mut tasks = tokio::task::JoinSet::new();
        for code in codes {
            let store = Arc::clone(&store);
            tasks.spawn(async move {
                for seq in 1..=EACH {
                    let w = vec![append(&code, record(seq, "p", Some(seq)))];
                    // Each appender waits for its commit, as a request does.
                    store.write(w).await.unwrap();
                }
            });
        }
        while let Some(done) = tasks.join_next().await {
            done.unwrap();
        }
        let elapsed = started.elapsed().as_secs_f64();
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
