//! The snapshot `view`: the whole room as one connection may see it.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::config::RoomConfig;
use crate::ids::{CaseId, InfractionId, OfferId, PlayerId, Speaker};
use crate::kinds::{
    Charge, Favor, InfractionKind, OfferKind, Phase, Role, RulingSource, SentenceKind, Status,
    Verdict, WealthTier,
};

/// The whole room as one connection may see it (PROTOCOL.md "The view").
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct View {
    /// The room code.
    pub room: String,
    /// The current phase.
    pub phase: Phase,
    /// The current round (0 in the lobby).
    pub round: u32,
    /// Rounds in the game.
    pub rounds: u32,
    /// Whether the facilitator has paused the clock.
    pub paused: bool,
    /// Milliseconds left in the phase (frozen while paused); null when untimed.
    pub deadline_ms: Option<u64>,
    /// The server's clock (epoch ms) when this view was made.
    pub server_time_ms: u64,
    /// The configuration in force (the seed only for the facilitator).
    pub config: RoomConfig,
    /// The viewer's own seat; absent for the facilitator and spectators.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub you: Option<You>,
    /// Everyone seated.
    pub players: Vec<PlayerInfo>,
    /// Open offers this connection is party to (facilitator: all).
    pub offers: Vec<OfferInfo>,
    /// The viewer's ties (`{with, strength}`; facilitator: all, `{a, b, strength}`).
    pub ties: Vec<TieInfo>,
    /// Public pairs known to be in all-ssam.
    pub rumors: Vec<Rumor>,
    /// Infractions the viewer knows (facilitator: all).
    pub infractions: Vec<InfractionInfo>,
    /// Leases in force; the rent only to the two parties (and the facilitator).
    pub leases: Vec<LeaseInfo>,
    /// Whether the secretary's extra-earnings order is in force this round.
    pub order_in_force: bool,
    /// Every case this connection may know of.
    pub cases: Vec<CaseInfo>,
    /// The last 100 chat messages this connection may see.
    pub chat: Vec<ChatLine>,
    /// When ended: each player's score.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scores: Option<Vec<Score>>,
    /// When ended: the debrief figures.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub debrief: Option<Debrief>,
    /// Facilitator only: the money totals, to check conservation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub totals: Option<Totals>,
}

/// The viewer's own seat.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct You {
    /// Your id.
    pub player_id: PlayerId,
    /// Your role (null until assigned).
    pub role: Option<Role>,
    /// Your status.
    pub status: Status,
    /// Your exact balance, escrow included.
    pub balance: u64,
    /// Balance minus money escrowed in your open offers.
    pub available: u64,
    /// Your lease, as donju or (the first of) as manager.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lease: Option<LeaseInfo>,
}

/// A seated player as this viewer sees him.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct PlayerInfo {
    /// The player's id.
    pub id: PlayerId,
    /// The player's name.
    pub name: String,
    /// Public role; null until assigned.
    pub role: Option<Role>,
    /// Free, imprisoned or dismissed.
    pub status: Status,
    /// Whether a connection holds the seat.
    pub connected: bool,
    /// The public wealth tier.
    pub wealth_tier: WealthTier,
    /// Whether the player said `ready` in this phase.
    pub ready: bool,
    /// A prisoner's release: at that round's market.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until_round: Option<u32>,
    /// Facilitator only: the exact balance.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub balance: Option<u64>,
    /// Facilitator only: the available balance.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub available: Option<u64>,
}

/// An open offer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct OfferInfo {
    /// Its id (random, unique in the room).
    pub id: OfferId,
    /// The sender.
    pub from: PlayerId,
    /// The recipient.
    pub to: PlayerId,
    /// What is offered.
    pub kind: OfferKind,
    /// Money, or the rent of a lease.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount: Option<u64>,
    /// The favor granted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub favor: Option<Favor>,
    /// The round it was made in.
    pub round: u32,
    /// The phase it was made in (it expires at its end).
    pub phase: Phase,
}

/// A tie: for a player `{with, strength}`; for the facilitator `{a, b, strength}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum TieInfo {
    /// One of the viewer's own ties.
    Mine {
        /// The other player.
        with: PlayerId,
        /// Its strength (at least 1).
        strength: u64,
    },
    /// Any tie, for the facilitator.
    Pair {
        /// One player.
        a: PlayerId,
        /// The other.
        b: PlayerId,
        /// Its strength (at least 1).
        strength: u64,
    },
}

/// A pair the whole room knows to be in all-ssam.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Rumor {
    /// One player.
    pub a: PlayerId,
    /// The other.
    pub b: PlayerId,
    /// The round word got around.
    pub since_round: u32,
}

/// An infraction (RULES.md §6).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct InfractionInfo {
    /// Its id (random, unique in the room).
    pub id: InfractionId,
    /// What it is.
    pub kind: InfractionKind,
    /// The round it was recorded in.
    pub round: u32,
    /// The two players it involves (giver/donju first).
    pub parties: [PlayerId; 2],
    /// The money involved, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount: Option<u64>,
}

/// A lease of factory space.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct LeaseInfo {
    /// The tenant.
    pub donju: PlayerId,
    /// The manager.
    pub manager: PlayerId,
    /// The monthly rent, only to the two parties and the facilitator.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rent: Option<u64>,
}

/// A case as this viewer may see it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct CaseInfo {
    /// Its public number.
    pub id: CaseId,
    /// The round it was filed in.
    pub round: u32,
    /// Who filed it.
    pub accuser: PlayerId,
    /// Against whom.
    pub accused: PlayerId,
    /// The charge.
    pub charge: Charge,
    /// Whether the accuser withdrew it.
    pub withdrawn: bool,
    /// Cited infraction ids: to the accuser, the accused, the hearers and the facilitator.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evidence: Option<Vec<InfractionId>>,
    /// The cited infractions in full: to the hearers and the facilitator.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evidence_detail: Option<Vec<InfractionInfo>>,
    /// The prosecutors who can hear it now (none once withdrawn or decided: then who heard it).
    pub hearers: Vec<PlayerId>,
    /// Whether the head of the prosecutor's office hears it too.
    pub head_hears: bool,
    /// The viewer's own ruling, for a hearing prosecutor.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub your_ruling: Option<Verdict>,
    /// Facilitator only: the vote count once decided.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub votes: Option<Votes>,
    /// Facilitator only: every hearer's ruling so far (and how it was reached, once decided).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rulings: Option<Vec<RulingInfo>>,
    /// The verdict, once decided.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verdict: Option<Verdict>,
    /// Guilty if the case cites an infraction, otherwise acquit; once decided.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evidence_ruling: Option<Verdict>,
    /// What the verdict did, once decided.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sentence: Option<Vec<SentenceInfo>>,
}

/// A vote count.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Votes {
    /// Votes for guilty.
    pub guilty: u32,
    /// Votes for acquittal.
    pub acquit: u32,
}

/// One hearer's ruling (facilitator and debrief only).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct RulingInfo {
    /// The prosecutor; absent for the head of the office.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prosecutor: Option<PlayerId>,
    /// His ruling.
    pub verdict: Verdict,
    /// How it was reached.
    pub source: RulingSource,
}

/// What a verdict did to one player.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct SentenceInfo {
    /// The player sentenced.
    pub player: PlayerId,
    /// The sentence.
    pub sentence: SentenceKind,
    /// Money confiscated or fined.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount: Option<u64>,
    /// A prisoner's release round.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until_round: Option<u32>,
}

/// One chat message.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct ChatLine {
    /// Who wrote it.
    pub from: Speaker,
    /// The recipient of a private message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<PlayerId>,
    /// What was said.
    pub text: String,
    /// When: round.
    pub round: u32,
    /// When: phase.
    pub phase: Phase,
}

/// A final score (RULES.md §9).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Score {
    /// The player.
    pub player: PlayerId,
    /// His role.
    pub role: Role,
    /// Balance, plus `cadre_tie_score` per rumored tie for a cadre in post.
    pub score: u64,
    /// Whether this is the best score of the role.
    pub best: bool,
}

/// The debrief figures (RULES.md §9).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Debrief {
    /// Share of decided cases whose verdict matched the evidence ruling; null without one.
    pub justice_index: Option<f64>,
    /// Punishments of donju in cases against cadres (one per donju per case).
    pub shrimp_count: u32,
    /// Cadres dismissed.
    pub cadres_dismissed: u32,
    /// Money taken by the state (confiscations and fines).
    pub confiscated: u64,
}

/// Facilitator only: money totals. Sum of balances = starting + salaries + income − confiscated.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Totals {
    /// Sum of starting balances.
    pub starting: u64,
    /// Salaries paid.
    pub salaries: u64,
    /// Market income paid.
    pub income: u64,
    /// Confiscations and fines.
    pub confiscated: u64,
}
