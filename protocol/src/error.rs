//! Error codes and the `error` answer.

use crate::kinds::wire_enum;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

wire_enum! {
    /// Why a request was refused. A refused request changes nothing.
    ErrorCode {
        /// Not JSON, or not the shape of any request.
        Malformed => "malformed",
        /// A `type` this server does not know.
        UnknownType => "unknown_type",
        /// A message over 64 KiB; the connection is closed (1009).
        TooLarge => "too_large",
        /// The opening request named a protocol version this server does not speak.
        ProtocolVersion => "protocol_version",
        /// A play request before `join`, `resume`, `create_room` or `watch`.
        NotJoined => "not_joined",
        /// An opening request on a connection that already has one.
        AlreadyJoined => "already_joined",
        /// No room with that code.
        RoomNotFound => "room_not_found",
        /// Every seat of the room is taken.
        RoomFull => "room_full",
        /// The game has started: no more joining, leaving, configuring or assigning.
        GameStarted => "game_started",
        /// The token is unknown, revoked, or of a kicked seat.
        BadToken => "bad_token",
        /// Another player of the room has that name (ignoring case), or the name is invalid.
        NameTaken => "name_taken",
        /// Only the facilitator may do this.
        NotFacilitator => "not_facilitator",
        /// A configuration field is unknown or out of range (`detail.field`).
        InvalidConfig => "invalid_config",
        /// The game cannot start: too few or too many players, or a role missing.
        CannotStart => "cannot_start",
        /// Not in this phase or state (also: `round`/`phase` of the request do not match).
        WrongPhase => "wrong_phase",
        /// The player's role or status does not allow it.
        Forbidden => "forbidden",
        /// That player may not be the target of this.
        InvalidTarget => "invalid_target",
        /// An amount out of range, missing, or not allowed here.
        InvalidAmount => "invalid_amount",
        /// More than the available balance.
        InsufficientFunds => "insufficient_funds",
        /// The manager has no free factory space.
        NoFreeSpace => "no_free_space",
        /// The donju already holds a lease.
        AlreadyLeased => "already_leased",
        /// The server is at its cap of rooms or connections.
        ServerFull => "server_full",
        /// A limit of the rules: one order or accusation a round, open offers, favors, pacts.
        LimitReached => "limit_reached",
        /// No such offer among those this connection may answer or withdraw.
        UnknownOffer => "unknown_offer",
        /// No such case, or not one this player may act on.
        UnknownCase => "unknown_case",
        /// No such infraction known to this player.
        UnknownInfraction => "unknown_infraction",
        /// The accusation is not admissible (the message says why).
        Inadmissible => "inadmissible",
        /// Too many requests; `detail.retry_after_ms` says when to try again.
        RateLimited => "rate_limited",
        /// A fault of the server; the request was not applied.
        Internal => "internal",
    }
}

/// Extra facts about a refusal.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct ErrorDetail {
    /// The field at fault (`invalid_config`, and some shape errors).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// With `rate_limited`: milliseconds until a request would be accepted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_after_ms: Option<u64>,
    /// With `protocol_version`: the versions this server speaks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supported: Option<Vec<u32>>,
}

/// The body of an `error` answer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct ErrorMessage {
    /// The request's `req`, absent if it had none or could not be read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub req: Option<u64>,
    /// The machine-readable reason.
    pub code: ErrorCode,
    /// A sentence for people.
    pub message: String,
    /// Extra facts, when there are any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<ErrorDetail>,
}
