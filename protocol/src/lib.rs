//! The All-ssam wire protocol, version 1: the one definition of every message.
//!
//! Clients and the server exchange one JSON object per WebSocket text frame.
//! A client sends a [`Request`] (a [`ClientMessage`] with its envelope); the
//! server answers with [`ServerMessage`]s: exactly one `ack`, `error` or
//! `pong` per request, and `snapshot`s and `event`s that carry a per-connection
//! `seq`. The rules these messages drive are in `RULES.md`; the full reference
//! with examples is `docs/PROTOCOL.md`, and `docs/protocol.schema.json` is
//! generated from these types.
//!
//! Within version 1 fields and kinds may be added, never renamed or removed:
//! both sides ignore fields they do not know, and clients ignore event kinds
//! they do not know (decode events with [`ServerMessage::parse_lenient`]).
#![deny(missing_docs)]

mod client;
mod config;
mod error;
mod event;
mod ids;
mod kinds;
mod parse;
mod parse_body;
#[cfg(test)]
mod parse_tests;
mod schema;
mod server;
mod view;

pub use client::{ClientMessage, ParseError, REQUEST_TYPES, Request, parse_request};
pub use config::{ConfigError, ConfigPatch, PhaseSeconds, RoomConfig, StartingBalance};
pub use error::{ErrorCode, ErrorDetail, ErrorMessage};
pub use event::{BalanceReason, Event, MarketReport, PlayerRef};
pub use ids::{CaseId, InfractionId, OfferId, PlayerId, Speaker};
pub use kinds::{
    Charge, Favor, InfractionKind, OfferKind, Phase, Role, RulingSource, SentenceKind, Status,
    Verdict, WealthTier,
};
pub use schema::protocol_schema;
pub use server::{AckResult, EVENT_KINDS, ServerMessage};
pub use view::{
    CaseInfo, ChatLine, Debrief, InfractionInfo, LeaseInfo, OfferInfo, PlayerInfo, RulingInfo,
    Rumor, Score, SentenceInfo, TieInfo, Totals, View, Votes, You,
};

/// The protocol version this crate speaks; opening requests must carry it.
pub const PROTOCOL_VERSION: u32 = 1;

/// The largest WebSocket message (and frame) a server accepts, in bytes.
pub const MAX_MESSAGE_BYTES: usize = 64 * 1024;

/// Player names are 1 to this many characters, after trimming.
pub const MAX_NAME_CHARS: usize = 24;

/// Chat messages are 1 to this many characters.
pub const MAX_CHAT_CHARS: usize = 500;

/// How many chat lines a view carries at most (the newest ones).
pub const CHAT_HISTORY: usize = 100;

/// How many answers the server remembers per seat for `retry`.
pub const RETRY_MEMORY: usize = 64;

/// The characters a room code is made of (no 0/O, 1/I).
pub const ROOM_CODE_ALPHABET: &str = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";

/// The length of a room code.
pub const ROOM_CODE_LEN: usize = 6;

/// Smallest and largest amount of money one offer may name (RULES.md §2).
pub const AMOUNT_RANGE: std::ops::RangeInclusive<i64> = 1..=1_000_000_000;

/// WebSocket close codes the server uses, beyond the standard ones
/// (1000 normal, 1001 going away, 1008 flood, 1009 too large).
pub mod close {
    /// Replaced by a newer connection on the same seat: do not reconnect.
    pub const REPLACED: u16 = 4001;
    /// Kicked by the facilitator: do not reconnect.
    pub const KICKED: u16 = 4003;
    /// Too slow to read the server's messages: `resume` to catch up.
    pub const TOO_SLOW: u16 = 4004;
    /// The room was removed after it ended.
    pub const ROOM_CLOSED: u16 = 4005;
    /// No opening message arrived in time.
    pub const NO_OPENING: u16 = 4008;
    /// Standard: the server is shutting down; reconnect later.
    pub const GOING_AWAY: u16 = 1001;
    /// Standard: policy violation, used for a sustained flood.
    pub const FLOOD: u16 = 1008;
    /// Standard: message too large.
    pub const TOO_LARGE: u16 = 1009;
}

/// Is `name` (already trimmed) an acceptable player name?
///
/// 1 to [`MAX_NAME_CHARS`] characters: letters of any script, digits,
/// space, `-`, `_` and `.`.
pub fn valid_name(name: &str) -> bool {
    let count = name.chars().count();
    (1..=MAX_NAME_CHARS).contains(&count)
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, ' ' | '-' | '_' | '.'))
}
