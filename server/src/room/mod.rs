//! A room: one task owns its `Game`; connections talk to it through a
//! cloneable [`RoomHandle`] and a bounded mailbox, each request carrying a
//! reply channel.
//!
//! The room itself queues every answer, snapshot and event into the
//! connection's outbound queue, so that an answer always precedes the events
//! its request caused; the reply only tells the connection how it went. Both
//! wait for the commit of the request's record, while the room already
//! applies the next requests (pipeline.rs).

mod memory;
mod openings;
mod pipeline;
mod requests;
mod restore;
mod task;

use std::sync::Arc;

use allssam_protocol::{ErrorCode, Request, RoomConfig};
use tokio::sync::{mpsc, oneshot};

use crate::game::Viewer;
use crate::outbound::ConnLink;
use crate::registry::Registry;

pub use memory::RetryMemory;
pub(crate) use requests::refusal_answer;
pub use restore::{Restored, decode, replay, restore, stored_config};

/// How a connection opens its place in a room.
#[derive(Debug)]
pub enum Opening {
    /// It created the room and holds the facilitator's token.
    Create {
        /// The facilitator's token (already registered).
        token: String,
    },
    /// It takes a new seat under `name`.
    Join {
        /// The requested name.
        name: String,
    },
    /// It takes a seat (or the facilitator's place) back with a token.
    Resume {
        /// The token.
        token: String,
    },
    /// It watches.
    Watch,
}

/// How a request went, for the connection's bookkeeping (the answer itself
/// has already been queued by the room).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Acknowledged (or answered from the retry memory).
    Done,
    /// Refused with this code.
    Refused(ErrorCode),
}

/// A message to a room's task.
#[derive(Debug)]
pub(crate) enum RoomMsg {
    Open {
        opening: Opening,
        req: Option<u64>,
        conn: ConnLink,
        reply: oneshot::Sender<Result<Viewer, ErrorCode>>,
    },
    Request {
        conn: u64,
        request: Box<Request>,
        reply: oneshot::Sender<Outcome>,
    },
    Detach {
        conn: u64,
    },
    Shutdown,
}

/// A cloneable handle on a room's task.
#[derive(Clone, Debug)]
pub struct RoomHandle {
    /// The room's code.
    pub code: Arc<str>,
    mailbox: mpsc::Sender<RoomMsg>,
}

impl RoomHandle {
    /// Attaches `conn` to the room. The room queues the answer (and, on
    /// success, a snapshot); `Ok` carries what the connection now sees as.
    /// `Err(RoomNotFound)` if the room is gone.
    pub async fn open(
        &self,
        opening: Opening,
        req: Option<u64>,
        conn: ConnLink,
    ) -> Result<Viewer, ErrorCode> {
        let (reply, answer) = oneshot::channel();
        let msg = RoomMsg::Open {
            opening,
            req,
            conn,
            reply,
        };
        if self.mailbox.send(msg).await.is_err() {
            return Err(ErrorCode::RoomNotFound);
        }
        answer.await.unwrap_or(Err(ErrorCode::RoomNotFound))
    }

    /// Hands a request of attached connection `conn` to the room; `None`
    /// if the room is gone (nothing was answered).
    pub async fn request(&self, conn: u64, request: Request) -> Option<Outcome> {
        let (reply, answer) = oneshot::channel();
        let msg = RoomMsg::Request {
            conn,
            request: Box::new(request),
            reply,
        };
        self.mailbox.send(msg).await.ok()?;
        answer.await.ok()
    }

    /// Detaches connection `conn` (it closed).
    pub async fn detach(&self, conn: u64) {
        // Ignored: a room that is gone has detached everyone already.
        let _ = self.mailbox.send(RoomMsg::Detach { conn }).await;
    }

    /// Asks the room to stop (server shutdown).
    pub async fn shut_down(&self) {
        // Ignored: a room that is gone has stopped already.
        let _ = self.mailbox.send(RoomMsg::Shutdown).await;
    }
}

/// Creates a room's task (to be spawned by the caller) and its handle.
/// `facilitator_token` must already open the room in the registry.
pub(crate) fn spawn(
    registry: Arc<Registry>,
    code: String,
    config: RoomConfig,
    facilitator_token: &str,
) -> (RoomHandle, impl Future<Output = ()> + Send + 'static) {
    let (mailbox, inbox) = mpsc::channel(registry.config.room_mailbox.max(1));
    let handle = RoomHandle {
        code: Arc::from(code.as_str()),
        mailbox,
    };
    let room = task::Room::new(registry, code, config, facilitator_token);
    (handle, room.run(inbox))
}

/// Creates the task of a room restored from the store, and its handle.
pub(crate) fn spawn_restored(
    registry: Arc<Registry>,
    restored: Restored,
) -> (RoomHandle, impl Future<Output = ()> + Send + 'static) {
    let (mailbox, inbox) = mpsc::channel(registry.config.room_mailbox.max(1));
    let handle = RoomHandle {
        code: Arc::from(restored.code.as_str()),
        mailbox,
    };
    let tokens = restored
        .tokens
        .iter()
        .map(|(hash, seat)| (*hash, *seat))
        .collect();
    let room = task::Room::assemble(
        registry,
        restored.code,
        restored.game,
        restored.config,
        tokens,
        restored.memory,
        restored.next_seq,
        restored.offset_ms,
    );
    (handle, async move {
        let mut room = room;
        room.resume().await;
        room.run(inbox).await;
    })
}

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_pipeline;
