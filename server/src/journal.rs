//! The seam for durability: every applied change of a room, as one record,
//! handed to a [`Journal`] and committed before its answer is sent.
//!
//! The durable store (`store/`) implements [`Journal`]; until it is wired in,
//! [`NoJournal`] forgets everything and [`MemoryJournal`] keeps records in
//! memory for tests. A room restored from its records rebuilds its game by
//! replaying `Action::Game` commands, its tokens from the answers that carry
//! them, and each seat's retry memory from `(seat, req, answer)`.

use std::sync::{Arc, Mutex};

use allssam_protocol::{AckResult, PlayerId, RoomConfig};
use futures_util::future::BoxFuture;
use serde::{Deserialize, Serialize};

use crate::game::{Actor, Command};

/// Whose place in a room a connection holds: a player's seat or the facilitator's.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Seat {
    /// A player's seat.
    Player(PlayerId),
    /// The facilitator's place.
    Facilitator,
}

/// What was done.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum Action {
    /// The room was created with this configuration (seed chosen). Its
    /// answer carries the facilitator's token.
    CreateRoom {
        /// The configuration in force.
        config: RoomConfig,
    },
    /// A command applied to the game.
    Game {
        /// The command.
        command: Command,
    },
    /// An extra token for a player's seat; its answer carries the token.
    SeatToken {
        /// The seat.
        player: PlayerId,
    },
}

/// One applied change of a room.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Record {
    /// The room's code.
    pub room: String,
    /// Who the engine saw acting.
    pub actor: Actor,
    /// Whose request it was (for the retry memory); `None` for the server's
    /// own facts (connections, deadlines).
    pub seat: Option<Seat>,
    /// What was done.
    pub action: Action,
    /// The room's clock when it was applied (epoch ms).
    pub now_ms: u64,
    /// The request's `req`, if it had one.
    pub req: Option<u64>,
    /// The ack that answered it (tokens included: the store must keep it secret).
    pub answer: AckResult,
}

/// Why a record could not be made durable.
#[derive(Debug, thiserror::Error)]
#[error("journal: {0}")]
pub struct JournalError(pub String);

/// Where applied changes go before they are acknowledged.
pub trait Journal: Send + Sync + 'static {
    /// Makes `record` durable. The room awaits this before answering.
    fn append(&self, record: Record) -> BoxFuture<'_, Result<(), JournalError>>;

    /// The room is gone (removed after it ended, or abandoned in the lobby).
    fn room_removed(&self, room: &str) -> BoxFuture<'_, Result<(), JournalError>> {
        let _ = room;
        Box::pin(async { Ok(()) })
    }
}

/// Keeps nothing: the server without a store.
#[derive(Clone, Copy, Debug, Default)]
pub struct NoJournal;

impl Journal for NoJournal {
    fn append(&self, _record: Record) -> BoxFuture<'_, Result<(), JournalError>> {
        Box::pin(async { Ok(()) })
    }
}

/// Keeps every record in memory, for tests.
#[derive(Clone, Debug, Default)]
pub struct MemoryJournal {
    records: Arc<Mutex<Vec<Record>>>,
}

impl MemoryJournal {
    /// Every record so far, in order.
    pub fn records(&self) -> Vec<Record> {
        self.records
            .lock()
            .map(|records| records.clone())
            .unwrap_or_default()
    }
}

impl Journal for MemoryJournal {
    fn append(&self, record: Record) -> BoxFuture<'_, Result<(), JournalError>> {
        let result = self
            .records
            .lock()
            .map(|mut records| records.push(record))
            .map_err(|_| JournalError("memory journal poisoned".into()));
        Box::pin(async move { result })
    }
}
