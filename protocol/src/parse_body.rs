//! The request bodies as an externally tagged mirror of [`ClientMessage`],
//! so that [`crate::parse`] can read a body straight from the frame: the
//! derived, internally tagged reader buffers every field first.
//!
//! serde's `remote` derive builds `ClientMessage` values directly, so a
//! field added to or removed from a variant fails to compile here; the
//! attributes must be the same as on `ClientMessage` (the parse tests
//! compare both readers on generated frames of every type).

use serde::Deserialize;

use crate::client::ClientMessage;
use crate::config::ConfigPatch;
use crate::ids::{CaseId, InfractionId, OfferId, PlayerId};
use crate::kinds::{Charge, Favor, OfferKind, Role, Verdict};

/// Mirror of [`ClientMessage`], variant by variant and field by field.
#[derive(Deserialize)]
#[serde(remote = "ClientMessage", rename_all = "snake_case")]
pub(crate) enum Body {
    CreateRoom {
        protocol: u32,
        #[serde(default)]
        config: Option<ConfigPatch>,
    },
    Join {
        protocol: u32,
        room: String,
        name: String,
    },
    Resume {
        protocol: u32,
        token: String,
    },
    Watch {
        protocol: u32,
        room: String,
    },
    Chat {
        text: String,
        #[serde(default)]
        to: Option<PlayerId>,
    },
    Offer {
        to: PlayerId,
        kind: OfferKind,
        #[serde(default)]
        amount: Option<i64>,
        #[serde(default)]
        favor: Option<Favor>,
    },
    Respond {
        offer: OfferId,
        accept: bool,
    },
    Withdraw {
        offer: OfferId,
    },
    Share {
        infraction: InfractionId,
        to: PlayerId,
    },
    Order,
    Accuse {
        target: PlayerId,
        charge: Charge,
        #[serde(default)]
        evidence: Vec<InfractionId>,
    },
    WithdrawCase {
        case: CaseId,
    },
    Rule {
        case: CaseId,
        verdict: Verdict,
    },
    Ready,
    Leave,
    Sync,
    Ping,
    Configure {
        config: ConfigPatch,
    },
    Assign {
        player: PlayerId,
        role: Role,
    },
    Start,
    Pause,
    Unpause,
    Advance,
    Kick {
        player: PlayerId,
    },
    End,
    SeatToken {
        player: PlayerId,
    },
}
