//! Server → client: answers, snapshots and events.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::error::{ErrorCode, ErrorDetail, ErrorMessage};
use crate::event::Event;
use crate::ids::{CaseId, OfferId, PlayerId};
use crate::view::View;

/// Every message the server sends, tagged by `type`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ServerMessage {
    /// The request was applied.
    Ack {
        /// The request's `req`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        req: Option<u64>,
        /// What the request produced, if anything.
        #[serde(flatten)]
        result: AckResult,
    },
    /// The request was refused and nothing changed.
    Error(ErrorMessage),
    /// The answer to `ping`.
    Pong {
        /// The request's `req`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        req: Option<u64>,
    },
    /// The whole room as this connection may see it, up to event `seq`.
    Snapshot {
        /// The last event this snapshot includes.
        seq: u64,
        /// The room.
        view: Box<View>,
    },
    /// One thing that happened.
    Event {
        /// Per-connection sequence number: the previous one plus one.
        seq: u64,
        /// What happened.
        event: Box<Event>,
    },
}

/// The fields an `ack` may carry; each is present only where the request produced it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct AckResult {
    /// Opening acks: the protocol version (1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub protocol: Option<u32>,
    /// Opening acks: the server's version.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub server: Option<String>,
    /// Opening acks: the room code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub room: Option<String>,
    /// `create_room`: the facilitator's secret token.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub facilitator_token: Option<String>,
    /// `join`, `resume` of a seat: the player's id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub player_id: Option<PlayerId>,
    /// `join`, `seat_token`: a secret token for the seat.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
    /// `resume`: the highest `req` this seat has used; continue from `last_req + 1`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_req: Option<u64>,
    /// `offer`: the new offer's id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offer: Option<OfferId>,
    /// `accuse`: the new case's number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub case: Option<CaseId>,
}

impl ServerMessage {
    /// An `error` answer.
    pub fn error(req: Option<u64>, code: ErrorCode, message: impl Into<String>) -> Self {
        ServerMessage::Error(ErrorMessage {
            req,
            code,
            message: message.into(),
            detail: None,
        })
    }

    /// An `error` answer with detail.
    pub fn error_with(
        req: Option<u64>,
        code: ErrorCode,
        message: impl Into<String>,
        detail: ErrorDetail,
    ) -> Self {
        ServerMessage::Error(ErrorMessage {
            req,
            code,
            message: message.into(),
            detail: Some(detail),
        })
    }

    /// Reads a server message as a client should: an event of a kind this
    /// crate does not know yet is `Ok(None)` (to be ignored), not an error.
    pub fn parse_lenient(text: &str) -> Result<Option<ServerMessage>, serde_json::Error> {
        match serde_json::from_str::<ServerMessage>(text) {
            Ok(message) => Ok(Some(message)),
            Err(error) => {
                let value: serde_json::Value = serde_json::from_str(text)?;
                let is_event = value.get("type").and_then(|t| t.as_str()) == Some("event");
                let kind = value.pointer("/event/kind").and_then(|k| k.as_str());
                match kind {
                    Some(kind) if is_event && !EVENT_KINDS.contains(&kind) => Ok(None),
                    _ => Err(error),
                }
            }
        }
    }
}

/// Every event `kind` this crate knows.
pub const EVENT_KINDS: &[&str] = &[
    "player_joined",
    "player_left",
    "player_updated",
    "config_changed",
    "phase_changed",
    "chat",
    "offer_made",
    "offer_answered",
    "offer_withdrawn",
    "offer_expired",
    "balance_changed",
    "tie_changed",
    "rumor",
    "rumor_ended",
    "lease_started",
    "lease_ended",
    "infraction_learned",
    "order_issued",
    "tip_off",
    "case_opened",
    "case_withdrawn",
    "ruling_recorded",
    "verdict",
    "sentence",
    "paused",
    "unpaused",
    "game_ended",
];
