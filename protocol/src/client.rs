//! Client → server: the request envelope and every request.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::config::ConfigPatch;
use crate::error::ErrorCode;
use crate::ids::{CaseId, InfractionId, OfferId, PlayerId};
use crate::kinds::{Charge, Favor, OfferKind, Phase, Role, Verdict};

/// One client message: the envelope fields and the request itself.
///
/// `{"type": "<kind>", "req": 7, ...fields}`. Fields a server does not know
/// are ignored.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Request {
    /// Echoed in the answer; a client numbers its requests with it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub req: Option<u64>,
    /// Play requests only: refused with `wrong_phase` unless it is the room's round.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub round: Option<u32>,
    /// Play requests only: refused with `wrong_phase` unless it is the room's phase.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phase: Option<Phase>,
    /// Resending a request whose answer may have been lost: if the seat
    /// remembers `req`, the remembered answer comes back and nothing is applied again.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub retry: bool,
    /// The request itself, tagged by `type`.
    #[serde(flatten)]
    pub body: ClientMessage,
}

/// Every request a client may send, tagged by `type`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ClientMessage {
    /// Opening: create a room; this connection becomes its facilitator.
    CreateRoom {
        /// Must be 1.
        protocol: u32,
        /// Fields that differ from the defaults (RULES.md §10).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        config: Option<ConfigPatch>,
    },
    /// Opening: take a seat in a room's lobby.
    Join {
        /// Must be 1.
        protocol: u32,
        /// The room code.
        room: String,
        /// 1–24 characters; unique in the room ignoring case.
        name: String,
    },
    /// Opening: take a seat (or the facilitator's place) back with its token.
    Resume {
        /// Must be 1.
        protocol: u32,
        /// A player, seat or facilitator token.
        token: String,
    },
    /// Opening: watch a room as a spectator (public view only).
    Watch {
        /// Must be 1.
        protocol: u32,
        /// The room code.
        room: String,
    },
    /// Say something to everyone, or privately to one player (`to`).
    Chat {
        /// 1–500 characters.
        text: String,
        /// A player id for a private message.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        to: Option<PlayerId>,
    },
    /// Make an offer (RULES.md §5).
    Offer {
        /// The recipient.
        to: PlayerId,
        /// What is offered.
        kind: OfferKind,
        /// Money: for `bribe`, `per_diem`, `demand`; the rent for `lease`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        amount: Option<i64>,
        /// For `favor` only.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        favor: Option<Favor>,
    },
    /// Accept or reject an offer made to you.
    Respond {
        /// The offer.
        offer: OfferId,
        /// `true` accepts, `false` rejects.
        accept: bool,
    },
    /// Withdraw an offer you made, before it is answered.
    Withdraw {
        /// The offer.
        offer: OfferId,
    },
    /// Tell another player about an infraction you know.
    Share {
        /// The infraction.
        infraction: InfractionId,
        /// The player who learns it.
        to: PlayerId,
    },
    /// The secretary's extra-earnings order (once a round, in dealing).
    Order,
    /// File an accusation (accusation phase, a free cadre, once a round).
    Accuse {
        /// The accused.
        target: PlayerId,
        /// The charge.
        charge: Charge,
        /// Infraction ids cited; empty for charges that take none.
        #[serde(default)]
        evidence: Vec<InfractionId>,
    },
    /// Withdraw your own case (investigation).
    WithdrawCase {
        /// The case.
        case: CaseId,
    },
    /// A hearing prosecutor rules on a case (verdict; changeable until it ends).
    Rule {
        /// The case.
        case: CaseId,
        /// `guilty` or `acquit`.
        verdict: Verdict,
    },
    /// Say you are done with this phase.
    Ready,
    /// Leave the room (lobby only): frees the seat.
    Leave,
    /// Ask for a fresh snapshot.
    Sync,
    /// Answered by `pong`; keeps the connection alive.
    Ping,
    /// Facilitator, lobby: merge fields into the room's configuration.
    Configure {
        /// The fields to change.
        config: ConfigPatch,
    },
    /// Facilitator, lobby: give a player a role.
    Assign {
        /// The player.
        player: PlayerId,
        /// The role.
        role: Role,
    },
    /// Facilitator: start round 1.
    Start,
    /// Facilitator: freeze the deadline.
    Pause,
    /// Facilitator: let the deadline run again.
    Unpause,
    /// Facilitator: end the current phase now.
    Advance,
    /// Facilitator: remove a player; his tokens stop working.
    Kick {
        /// The player.
        player: PlayerId,
    },
    /// Facilitator: end the game now (scores and debrief as after the last round).
    End,
    /// Facilitator: an extra token for a player's seat (to hand it to a bot).
    SeatToken {
        /// The player.
        player: PlayerId,
    },
}

/// Every `type` a client may send.
pub const REQUEST_TYPES: &[&str] = &[
    "create_room",
    "join",
    "resume",
    "watch",
    "chat",
    "offer",
    "respond",
    "withdraw",
    "share",
    "order",
    "accuse",
    "withdraw_case",
    "rule",
    "ready",
    "leave",
    "sync",
    "ping",
    "configure",
    "assign",
    "start",
    "pause",
    "unpause",
    "advance",
    "kick",
    "end",
    "seat_token",
];

impl ClientMessage {
    /// The `type` of this request.
    pub fn type_name(&self) -> &'static str {
        match self {
            ClientMessage::CreateRoom { .. } => "create_room",
            ClientMessage::Join { .. } => "join",
            ClientMessage::Resume { .. } => "resume",
            ClientMessage::Watch { .. } => "watch",
            ClientMessage::Chat { .. } => "chat",
            ClientMessage::Offer { .. } => "offer",
            ClientMessage::Respond { .. } => "respond",
            ClientMessage::Withdraw { .. } => "withdraw",
            ClientMessage::Share { .. } => "share",
            ClientMessage::Order => "order",
            ClientMessage::Accuse { .. } => "accuse",
            ClientMessage::WithdrawCase { .. } => "withdraw_case",
            ClientMessage::Rule { .. } => "rule",
            ClientMessage::Ready => "ready",
            ClientMessage::Leave => "leave",
            ClientMessage::Sync => "sync",
            ClientMessage::Ping => "ping",
            ClientMessage::Configure { .. } => "configure",
            ClientMessage::Assign { .. } => "assign",
            ClientMessage::Start => "start",
            ClientMessage::Pause => "pause",
            ClientMessage::Unpause => "unpause",
            ClientMessage::Advance => "advance",
            ClientMessage::Kick { .. } => "kick",
            ClientMessage::End => "end",
            ClientMessage::SeatToken { .. } => "seat_token",
        }
    }

    /// Is this an opening request (`create_room`, `join`, `resume`, `watch`)?
    pub fn is_opening(&self) -> bool {
        matches!(
            self,
            ClientMessage::CreateRoom { .. }
                | ClientMessage::Join { .. }
                | ClientMessage::Resume { .. }
                | ClientMessage::Watch { .. }
        )
    }

    /// Is this a play request, which may carry `round` and `phase`?
    pub fn is_play(&self) -> bool {
        matches!(
            self,
            ClientMessage::Chat { .. }
                | ClientMessage::Offer { .. }
                | ClientMessage::Respond { .. }
                | ClientMessage::Withdraw { .. }
                | ClientMessage::Share { .. }
                | ClientMessage::Order
                | ClientMessage::Accuse { .. }
                | ClientMessage::WithdrawCase { .. }
                | ClientMessage::Rule { .. }
                | ClientMessage::Ready
                | ClientMessage::Leave
                | ClientMessage::Sync
                | ClientMessage::Ping
        )
    }

    /// Can this request change state (and so be remembered for `retry`)?
    pub fn changes_state(&self) -> bool {
        !matches!(self, ClientMessage::Sync | ClientMessage::Ping)
    }
}

impl Request {
    /// A request with no `req` and no envelope fields.
    pub fn new(body: ClientMessage) -> Self {
        Request {
            req: None,
            round: None,
            phase: None,
            retry: false,
            body,
        }
    }

    /// The same request numbered `req`.
    pub fn with_req(mut self, req: u64) -> Self {
        self.req = Some(req);
        self
    }
}

/// Why a text frame is not a request: the code (`malformed` or
/// `unknown_type`), a sentence, and the `req` if it could be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    /// `malformed` or `unknown_type`.
    pub code: ErrorCode,
    /// A sentence for people.
    pub message: String,
    /// The request's `req`, if it could be read.
    pub req: Option<u64>,
}

impl std::fmt::Display for ParseError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

impl std::error::Error for ParseError {}

/// Reads one text frame as a request, telling a wrong shape (`malformed`)
/// from an unknown `type` (`unknown_type`), and keeping `req` when it can.
///
/// A frame is read in one pass ([`crate::parse`]); a frame that reading
/// refuses (a bad frame, or one it does not take on) is read again by the
/// derived reader, which gives the same answer as before, error and all.
pub fn parse_request(text: &str) -> Result<Request, ParseError> {
    crate::parse::read(text).or_else(|_| parse_request_derived(text))
}

/// The reader of `Request`'s derived `Deserialize` (`#[serde(flatten)]`):
/// the reference the one-pass reader is tested against, and the reader of
/// every frame it refuses, so that errors keep their codes and messages.
pub(crate) fn parse_request_derived(text: &str) -> Result<Request, ParseError> {
    let full_error = match serde_json::from_str::<Request>(text) {
        Ok(request) => return Ok(request),
        Err(e) => e,
    };
    let malformed = |message: String, req: Option<u64>| ParseError {
        code: ErrorCode::Malformed,
        message,
        req,
    };
    // Read again loosely, only to tell `unknown_type` from `malformed` and
    // to echo `req`: a frame that is not a JSON object has no `req` to echo.
    let value: serde_json::Value = match serde_json::from_str(text) {
        Ok(value) => value,
        Err(e) => return Err(malformed(format!("not JSON: {e}"), None)),
    };
    let Some(object) = value.as_object() else {
        return Err(malformed("a request must be a JSON object".into(), None));
    };
    let req = object.get("req").and_then(serde_json::Value::as_u64);
    match object.get("type") {
        None => Err(malformed("the message has no `type`".into(), req)),
        Some(serde_json::Value::String(kind)) if !REQUEST_TYPES.contains(&kind.as_str()) => {
            Err(ParseError {
                code: ErrorCode::UnknownType,
                message: format!("`{kind}` is not a request type"),
                req,
            })
        }
        Some(serde_json::Value::String(kind)) => Err(malformed(
            format!("a `{kind}` request of the wrong shape: {full_error}"),
            req,
        )),
        Some(other) => Err(malformed(
            format!("`type` must be a string (got {other})"),
            req,
        )),
    }
}
