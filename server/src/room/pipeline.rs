//! Pipelined durable acknowledgement: what one step of a room sends
//! (answers, snapshots, events, closes, replies) waits as a [`Batch`] for the
//! commits of the records that step wrote, while the room goes on applying
//! the next requests (store/mod.rs, "How the room task uses it").
//!
//! Batches leave in the order they were made, so answers and events keep
//! request order, and no event leaves before the ack that caused it. Every
//! frame is rendered (its `seq`, its snapshot) when its step runs: only the
//! push into the connection's queue waits.

use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;

use allssam_protocol::{ErrorCode, ServerMessage};
use futures_util::FutureExt;
use futures_util::stream::{FuturesOrdered, StreamExt};
use tokio::sync::oneshot;

use super::Outcome;
use super::task::Room;
use crate::game::Viewer;
use crate::journal::Entry;
use crate::outbound::{CloseReq, ConnLink, Out};
use crate::store::Write;
use crate::store::{Durable, StoreError};

/// The most batches a room keeps waiting for their commits before it stops
/// reading its mailbox (each connection has at most one request in flight,
/// so this is only reached by a very full room with a very slow disk).
pub(super) const MAX_IN_FLIGHT: usize = 1024;

/// One thing a step does to the outside once its records are committed.
pub(super) enum Action {
    /// Queue a frame to a connection.
    Frame(ConnLink, Out),
    /// Close a connection now, ahead of its queue (replaced, kicked).
    Close(ConnLink, CloseReq),
    /// Close a connection after what is queued (left).
    CloseAfterQueue(ConnLink, CloseReq),
    /// Tell a connection's reader how its request went.
    Reply(oneshot::Sender<Outcome>, Outcome),
    /// Tell a connection's reader how its opening went.
    ReplyOpen(
        oneshot::Sender<Result<Viewer, ErrorCode>>,
        Result<Viewer, ErrorCode>,
    ),
}

/// What one step (a request, an opening, a tick, a detach) sends.
#[derive(Default)]
pub(super) struct Batch {
    pub(super) actions: Vec<Action>,
    /// Who asked, and under which `req`: told `internal` if the commit fails.
    pub(super) requester: Option<(ConnLink, Option<u64>)>,
}

impl Batch {
    /// Carries the actions out. Returns the connections whose queue refused
    /// a frame (gone or too slow: to detach).
    pub(super) fn release(self, dropped: &mut Vec<u64>) {
        for action in self.actions {
            match action {
                Action::Frame(link, out) => {
                    if !link.push_out(out) {
                        dropped.push(link.id);
                    }
                }
                Action::Close(link, req) => link.close(req),
                Action::CloseAfterQueue(link, req) => link.close_after_queue(req),
                // Ignored: a reader that stopped waiting is detached by its connection.
                Action::Reply(reply, outcome) => {
                    let _ = reply.send(outcome);
                }
                Action::ReplyOpen(reply, result) => {
                    let _ = reply.send(result);
                }
            }
        }
    }

    /// The commit failed: nothing it would have said is true. The requester
    /// is answered `internal`; closes still happen (the room is stopping).
    pub(super) fn fail(self) {
        if let Some((link, req)) = &self.requester {
            let answer = ServerMessage::error(
                *req,
                ErrorCode::Internal,
                "the server could not record this; the room is closing",
            );
            if let Ok(text) = serde_json::to_string(&answer) {
                // Ignored: the connection is closed next anyway.
                let _ = link.push(text);
            }
        }
        for action in self.actions {
            match action {
                Action::Frame(..) => {}
                Action::Close(link, req) | Action::CloseAfterQueue(link, req) => link.close(req),
                Action::Reply(reply, _) => {
                    let _ = reply.send(Outcome::Refused(ErrorCode::Internal));
                }
                Action::ReplyOpen(reply, _) => {
                    let _ = reply.send(Err(ErrorCode::Internal));
                }
            }
        }
    }

    fn is_empty(&self) -> bool {
        self.actions.is_empty()
    }
}

type Commit = Pin<Box<dyn Future<Output = Result<(), StoreError>> + Send>>;

/// The batches waiting for their commits, oldest first: the commits in a
/// `FuturesOrdered` (it yields in push order), their batches beside them.
#[derive(Default)]
pub(super) struct Pipeline {
    commits: FuturesOrdered<Commit>,
    batches: VecDeque<Batch>,
}

impl Pipeline {
    /// Adds a step's batch, to leave once every one of `durables` (and every
    /// batch before it) is committed. Returns it at once when nothing waits
    /// and it needs no commit (or its commit is already done).
    pub(super) fn push(
        &mut self,
        batch: Batch,
        durables: Vec<Durable>,
    ) -> Option<(Result<(), StoreError>, Batch)> {
        if durables.is_empty() && batch.is_empty() {
            return None;
        }
        let mut commit: Commit = Box::pin(async move {
            let mut result = Ok(());
            // Each is awaited: one job of a group commit may fail alone.
            for durable in durables {
                if let Err(e) = durable.await {
                    result = Err(e);
                }
            }
            result
        });
        if self.batches.is_empty()
            && let Some(result) = (&mut commit).now_or_never()
        {
            return Some((result, batch));
        }
        self.commits.push_back(commit);
        self.batches.push_back(batch);
        None
    }

    /// The next batch whose commit is over (pending forever when none waits:
    /// guard the `select!` branch with [`Pipeline::is_empty`]).
    pub(super) async fn next(&mut self) -> Option<(Result<(), StoreError>, Batch)> {
        let result = self.commits.next().await?;
        let batch = self.batches.pop_front()?;
        Some((result, batch))
    }

    /// Batches waiting.
    pub(super) fn len(&self) -> usize {
        self.batches.len()
    }

    /// Nothing waits.
    pub(super) fn is_empty(&self) -> bool {
        self.batches.is_empty()
    }

    /// Every batch still waiting, without waiting (the room is breaking:
    /// the commits may still happen, but nothing they would say is sent).
    pub(super) fn abandon(&mut self) -> Vec<Batch> {
        self.commits = FuturesOrdered::new();
        self.batches.drain(..).collect()
    }
}

/// The room's side: a step's commits and its batch.
impl Room {
    /// Ends the current step: its batch waits for its commits behind the
    /// earlier ones (or leaves at once if nothing waits).
    pub(super) fn seal(&mut self) {
        let batch = std::mem::take(&mut self.staged);
        let durables = std::mem::take(&mut self.durables);
        if let Some((result, batch)) = self.pipeline.push(batch, durables) {
            self.land(result, batch);
        }
    }

    /// A batch whose commits are over: sent, or, if a commit failed, its
    /// requester told `internal` and the room broken (memory is ahead of the disk).
    pub(super) fn land(&mut self, result: Result<(), StoreError>, batch: Batch) {
        match result {
            Ok(()) => batch.release(&mut self.dropped),
            Err(e) => {
                tracing::error!(room = %self.code, error = %e, "store failed; closing the room");
                self.broken = true;
                batch.fail();
            }
        }
    }

    /// Queues `entry`; what the current step sends waits for its commit
    /// (store/mod.rs: acknowledged only once committed). A failure breaks
    /// the room, whose memory is now ahead of the disk.
    pub(super) async fn commit(&mut self, entry: Entry, now_ms: u64) {
        match self.log.submit(entry, now_ms, &self.game).await {
            Ok(durable) => self.durables.push(durable),
            Err(e) => {
                tracing::error!(room = %self.code, error = %e, "store failed; closing the room");
                self.broken = true;
            }
        }
    }

    /// Queues `entry` without waiting for its commit (a refusal's record:
    /// it changed nothing, so its answer may go out at once).
    pub(super) async fn log_only(&mut self, entry: Entry, now_ms: u64) {
        if let Err(e) = self.log.submit(entry, now_ms, &self.game).await {
            tracing::error!(room = %self.code, error = %e, "store failed; closing the room");
            self.broken = true;
        }
    }

    /// Writes that are no record; the current step waits for them too.
    pub(super) async fn write(&mut self, writes: Vec<Write>) {
        match self.log.submit_writes(writes).await {
            Ok(durable) => self.durables.push(durable),
            Err(e) => {
                tracing::error!(room = %self.code, error = %e, "store failed; closing the room");
                self.broken = true;
            }
        }
    }
}
