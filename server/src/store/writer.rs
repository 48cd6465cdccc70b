//! The writer thread: group commit. It drains what is queued, writes it in
//! one transaction, commits, and only then tells every waiter.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use rusqlite::{Connection, TransactionBehavior, params};
use tokio::sync::{mpsc, oneshot};

use super::checkpoint::{Checkpointer, Gate};
use super::error::StoreError;
use super::types::{Json, LogRecord, Write};

/// A unit of work for the writer.
pub(crate) enum Job {
    /// Writes to apply atomically; `done` hears once they are committed.
    Writes { writes: Vec<Write>, done: Reply },
    /// Commit what came before, close the connection, then answer.
    Close { done: oneshot::Sender<()> },
}

/// Tells a submitter how its writes fared once the batch is over.
type Reply = oneshot::Sender<Result<(), StoreError>>;

/// Counters for tests and metrics.
#[derive(Debug, Default)]
pub(crate) struct Counters {
    pub(crate) batches: AtomicU64,
    pub(crate) jobs: AtomicU64,
    pub(crate) wal_restarts: AtomicU64,
}

/// The writer's connection and its claim on the data file, dropped in that
/// order (struct fields drop in declaration order), on every path.
pub(crate) struct Writer {
    pub(crate) conn: Connection,
    pub(crate) claim: Claim,
}

/// What the writer keeps until its connection is closed: the lock that keeps
/// other servers out, and the checkpoint thread's handle on the data file
/// (closing any handle on a SQLite file drops the process's POSIX locks on
/// it, SQLite's included, so that one is closed after the connection).
pub(crate) struct Claim {
    pub(crate) _lock: std::fs::File,
    pub(crate) _data: Arc<std::fs::File>,
}

/// Runs until every sender is gone or a `Close` arrives. Jobs are committed
/// in the order they were queued, so when one job's commit is reported,
/// every job queued before it is committed too.
pub(crate) fn run(
    writer: Writer,
    mut rx: mpsc::Receiver<Job>,
    max_batch: usize,
    counters: Arc<Counters>,
    checkpointer: Checkpointer,
) {
    let Writer { mut conn, claim } = writer;
    let mut batch: Vec<(Vec<Write>, Reply)> = Vec::new();
    let gate = checkpointer.gate();
    while let Some(first) = rx.blocking_recv() {
        let mut close = None;
        let mut next = Some(first);
        // Take everything already queued, up to `max_batch`: the jobs that
        // arrived while the previous batch was committing share one commit.
        while let Some(job) = next.take() {
            match job {
                Job::Writes { writes, done } => batch.push((writes, done)),
                Job::Close { done } => {
                    close = Some(done);
                    break;
                }
            }
            if batch.len() < max_batch {
                next = rx.try_recv().ok();
            }
        }
        if !batch.is_empty() {
            // Between two commits the checkpoint thread may hold the gate,
            // for the short copy that lets the WAL restart.
            let gate_held = gate.hold();
            commit_batch(&mut conn, &mut batch, &counters);
            Gate::release(gate_held);
        }
        if let Some(done) = close {
            checkpointer.stop();
            // Move the WAL into the main file so that a cleanly stopped
            // server leaves one self-contained file (safe to copy).
            if let Err(e) = conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(())) {
                tracing::warn!(error = %e, "store checkpoint at close failed");
            }
            drop(conn);
            // Only now may another server open the file.
            drop(claim);
            // The closer may have given up waiting; nothing more to do.
            let _ = done.send(());
            return;
        }
    }
    // Every sender is gone without a `Close`.
    checkpointer.stop();
    drop(conn);
    drop(claim);
}

fn commit_batch(conn: &mut Connection, batch: &mut Vec<(Vec<Write>, Reply)>, counters: &Counters) {
    // The common case: every job applies, and the batch is one transaction
    // with no savepoints. Only when some job fails is the batch redone with
    // a savepoint per job, to commit the others and report the bad one.
    let outcome = match commit_whole(conn, batch) {
        Ok(()) => Ok(vec![Ok(()); batch.len()]),
        Err(e) => {
            tracing::debug!(error = %e, "store batch failed whole; isolating jobs");
            commit_isolated(conn, batch)
        }
    };
    counters.batches.fetch_add(1, Ordering::Relaxed);
    counters
        .jobs
        .fetch_add(batch.len() as u64, Ordering::Relaxed);
    crate::metrics::store_commit(batch.len() as u64);
    match outcome {
        Ok(results) => {
            for ((_, done), result) in batch.drain(..).zip(results) {
                // A waiter that went away (its connection dropped) needs no answer.
                let _ = done.send(result);
            }
        }
        Err(e) => {
            tracing::error!(error = %e, "store batch failed to commit");
            let e = StoreError::from(e);
            for (_, done) in batch.drain(..) {
                let _ = done.send(Err(e.clone()));
            }
        }
    }
}

/// Every job of the batch in one transaction; any error rolls it all back.
fn commit_whole(conn: &mut Connection, batch: &[(Vec<Write>, Reply)]) -> rusqlite::Result<()> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    for (writes, _) in batch {
        for w in writes {
            apply(&tx, w)?;
        }
    }
    tx.commit()
}

/// The batch again, each job in its own savepoint: a job that fails (say, a
/// duplicate seq) is rolled back alone and the rest still commits.
fn commit_isolated(
    conn: &mut Connection,
    batch: &[(Vec<Write>, Reply)],
) -> rusqlite::Result<Vec<Result<(), StoreError>>> {
    let mut tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let mut results = Vec::with_capacity(batch.len());
    for (writes, _) in batch {
        let sp = tx.savepoint()?;
        match writes.iter().try_for_each(|w| apply(&sp, w)) {
            Ok(()) => {
                sp.commit()?;
                results.push(Ok(()));
            }
            Err(e) => {
                drop(sp); // rolls back this job only
                results.push(Err(StoreError::from(e)));
            }
        }
    }
    tx.commit()?;
    Ok(results)
}

/// One write inside the open transaction (`tx` is the job's savepoint,
/// which derefs to the connection).
fn apply(tx: &Connection, write: &Write) -> Result<(), rusqlite::Error> {
    match write {
        Write::CreateRoom {
            code,
            config,
            created_at_ms,
        } => {
            tx.prepare_cached(
                "INSERT INTO rooms (code, config, created_at_ms) VALUES (?1, ?2, ?3)",
            )?
            .execute(params![code, config.to_string(), as_i64(*created_at_ms)])?;
        }
        Write::AddToken {
            room,
            hash,
            seat,
            at_ms,
        } => {
            tx.prepare_cached(
                "INSERT INTO tokens (hash, room, seat, created_at_ms) VALUES (?1, ?2, ?3, ?4)",
            )?
            .execute(params![&hash.0[..], room, seat.to_column(), as_i64(*at_ms)])?;
        }
        Write::RevokeToken { hash, at_ms } => {
            tx.prepare_cached(
                "UPDATE tokens SET revoked_at_ms = ?2 WHERE hash = ?1 AND revoked_at_ms IS NULL",
            )?
            .execute(params![&hash.0[..], as_i64(*at_ms)])?;
        }
        Write::RevokeSeat { room, seat, at_ms } => {
            tx.prepare_cached(
                "UPDATE tokens SET revoked_at_ms = ?3 \
                 WHERE room = ?1 AND seat = ?2 AND revoked_at_ms IS NULL",
            )?
            .execute(params![room, seat.to_column(), as_i64(*at_ms)])?;
        }
        Write::Append { room, record } => append(tx, room, record)?,
        Write::Snapshot { room, snapshot } => {
            tx.prepare_cached(
                "INSERT INTO snapshots (room, seq, now_ms, state) VALUES (?1, ?2, ?3, ?4) \
                 ON CONFLICT (room) DO UPDATE SET \
                 seq = excluded.seq, now_ms = excluded.now_ms, state = excluded.state",
            )?
            .execute(params![
                room,
                as_i64(snapshot.seq),
                as_i64(snapshot.now_ms),
                snapshot.state
            ])?;
        }
        Write::SetClockOffset { room, offset_ms } => {
            expect_one(
                tx.prepare_cached("UPDATE rooms SET clock_offset_ms = ?2 WHERE code = ?1")?
                    .execute(params![room, offset_ms])?,
            )?;
        }
        Write::EndRoom { room, ended_at_ms } => {
            expect_one(
                tx.prepare_cached(
                    "UPDATE rooms SET ended_at_ms = COALESCE(ended_at_ms, ?2) WHERE code = ?1",
                )?
                .execute(params![room, as_i64(*ended_at_ms)])?,
            )?;
        }
        Write::RemoveRoom { room } => {
            // Tokens, records and the snapshot go with it (ON DELETE CASCADE).
            tx.prepare_cached("DELETE FROM rooms WHERE code = ?1")?
                .execute(params![room])?;
        }
        Write::Heartbeat { at_ms } => {
            tx.prepare_cached(
                "INSERT INTO heartbeat (id, at_ms) VALUES (1, ?1) \
                 ON CONFLICT (id) DO UPDATE SET at_ms = excluded.at_ms",
            )?
            .execute(params![as_i64(*at_ms)])?;
        }
    }
    Ok(())
}

fn append(tx: &Connection, room: &str, r: &LogRecord) -> Result<(), rusqlite::Error> {
    tx.prepare_cached(
        "INSERT INTO records (room, seq, actor, command, now_ms, seat, req, applied, answer) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?
    .execute(params![
        room,
        as_i64(r.seq),
        r.actor.as_str(),
        r.command.as_str(),
        as_i64(r.now_ms),
        r.seat.as_ref().map(|s| s.to_column()),
        // `req` is any u64 a client chose: stored bit for bit.
        r.req.map(|q| q as i64),
        r.applied,
        r.answer.as_ref().map(Json::as_str),
    ])?;
    Ok(())
}

/// An update of a room that does not exist is the caller's mistake; report it rather than succeed silently.
fn expect_one(changed: usize) -> Result<(), rusqlite::Error> {
    if changed == 1 {
        Ok(())
    } else {
        Err(rusqlite::Error::QueryReturnedNoRows)
    }
}

/// Times and seqs are far below `i64::MAX`; saturate rather than wrap if not.
pub(crate) fn as_i64(v: u64) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}
