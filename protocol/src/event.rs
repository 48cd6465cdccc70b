//! Events: one thing that happened, as one connection may see it.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::config::RoomConfig;
use crate::ids::{CaseId, PlayerId, Speaker};
use crate::kinds::{Charge, Phase, Role, SentenceKind, Status, Verdict, WealthTier};
use crate::view::{CaseInfo, Debrief, InfractionInfo, OfferInfo, Score, Votes};

/// A player by id and name.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct PlayerRef {
    /// The player's id.
    pub id: PlayerId,
    /// The player's name.
    pub name: String,
}

/// What the market did to one player: sent to him only, in his own `phase_changed`
/// (one event cannot carry every player's report to the facilitator).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct MarketReport {
    /// Salary received.
    pub salary: u64,
    /// Income received, after the harassment cut.
    pub income: u64,
    /// Harassments that fell due.
    pub harassments: u32,
    /// Money the harassments cut from the income.
    pub harassment_cut: u64,
    /// Rent paid (donju).
    pub rent_paid: u64,
    /// Rent received (manager).
    pub rent_received: u64,
    /// Whether the player was released from prison.
    pub released: bool,
}

/// Why a balance changed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum BalanceReason {
    /// The starting balance, at the start.
    Starting,
    /// Money set aside for an offer.
    Escrow,
    /// Escrow given back (rejected, withdrawn or expired offer).
    Release,
    /// Money paid to another player.
    Paid,
    /// Money received from another player.
    Received,
    /// Money taken by the state after a guilty verdict.
    Confiscated,
    /// A false accusation's fine.
    Fined,
}

/// One thing that happened, tagged by `kind`. Fields a viewer may not see are absent.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Event {
    /// A player took a seat.
    PlayerJoined {
        /// Who.
        player: PlayerRef,
    },
    /// A player left the lobby or was kicked.
    PlayerLeft {
        /// Who.
        player: PlayerRef,
    },
    /// Something public about a player changed.
    PlayerUpdated {
        /// Who.
        player: PlayerId,
        /// The new role.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        role: Option<Role>,
        /// The new status.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        status: Option<Status>,
        /// Connected or not.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        connected: Option<bool>,
        /// The new wealth tier.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        wealth_tier: Option<WealthTier>,
        /// Ready or not.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        ready: Option<bool>,
        /// A prisoner's release round.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        until_round: Option<u32>,
    },
    /// The facilitator changed the configuration.
    ConfigChanged {
        /// The configuration now in force.
        config: RoomConfig,
    },
    /// A new phase began.
    PhaseChanged {
        /// Its round.
        round: u32,
        /// The phase.
        phase: Phase,
        /// Milliseconds it lasts; null when untimed.
        deadline_ms: Option<u64>,
        /// Phases skipped on the way, in order.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        skipped: Vec<Phase>,
        /// For a player (and, per player, nowhere else): what the market did to him.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        market: Option<MarketReport>,
    },
    /// A chat message.
    Chat {
        /// Who wrote it.
        from: Speaker,
        /// The recipient of a private message.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        to: Option<PlayerId>,
        /// What was said.
        text: String,
    },
    /// An offer was made.
    OfferMade {
        /// The offer.
        offer: OfferInfo,
    },
    /// An offer was accepted or rejected.
    OfferAnswered {
        /// The offer.
        offer: OfferInfo,
        /// Whether it was accepted.
        accepted: bool,
    },
    /// The sender withdrew an offer, or it could no longer be accepted.
    OfferWithdrawn {
        /// The offer.
        offer: OfferInfo,
    },
    /// An offer expired at the end of its phase.
    OfferExpired {
        /// The offer.
        offer: OfferInfo,
    },
    /// A player's balance or available balance changed.
    BalanceChanged {
        /// Whose.
        player: PlayerId,
        /// The new balance.
        balance: u64,
        /// The new available balance.
        available: u64,
        /// Why.
        reason: BalanceReason,
    },
    /// A tie's strength changed (0: it is gone).
    TieChanged {
        /// One player.
        a: PlayerId,
        /// The other.
        b: PlayerId,
        /// The new strength.
        strength: u64,
    },
    /// Word got around: a and b are in all-ssam.
    Rumor {
        /// One player.
        a: PlayerId,
        /// The other.
        b: PlayerId,
    },
    /// A rumored tie disappeared.
    RumorEnded {
        /// One player.
        a: PlayerId,
        /// The other.
        b: PlayerId,
    },
    /// A lease was signed.
    LeaseStarted {
        /// The tenant.
        donju: PlayerId,
        /// The manager.
        manager: PlayerId,
        /// The rent (to the parties and the facilitator).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        rent: Option<u64>,
    },
    /// A lease ended.
    LeaseEnded {
        /// The tenant.
        donju: PlayerId,
        /// The manager.
        manager: PlayerId,
        /// The rent (to the parties and the facilitator).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        rent: Option<u64>,
    },
    /// The viewer learned an infraction.
    InfractionLearned {
        /// The infraction.
        infraction: InfractionInfo,
        /// Who shared it, if it was shared.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        from: Option<PlayerId>,
    },
    /// The secretary issued the extra-earnings order.
    OrderIssued {
        /// The round it is in force for.
        round: u32,
    },
    /// To the accused only: a case was filed against you.
    TipOff {
        /// The case.
        case: CaseId,
        /// Who filed it.
        accuser: PlayerId,
        /// The charge.
        charge: Charge,
    },
    /// A case was opened (seen by everyone from investigation).
    CaseOpened {
        /// The case as the viewer may see it.
        case: CaseInfo,
    },
    /// The accuser withdrew a case.
    CaseWithdrawn {
        /// The case.
        case: CaseId,
    },
    /// A prosecutor's ruling (to him and the facilitator).
    RulingRecorded {
        /// The case.
        case: CaseId,
        /// The prosecutor.
        prosecutor: PlayerId,
        /// His ruling.
        verdict: Verdict,
    },
    /// A case was decided.
    Verdict {
        /// The case.
        case: CaseId,
        /// The verdict.
        verdict: Verdict,
        /// What the evidence alone would give.
        evidence_ruling: Verdict,
        /// Facilitator only: the vote count.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        votes: Option<Votes>,
    },
    /// A verdict's consequence for one player.
    Sentence {
        /// The case.
        case: CaseId,
        /// Who.
        player: PlayerId,
        /// What.
        sentence: SentenceKind,
        /// Money confiscated or fined.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        amount: Option<u64>,
        /// A prisoner's release round.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        until_round: Option<u32>,
    },
    /// The facilitator paused the clock.
    Paused {
        /// Milliseconds left, frozen.
        deadline_ms: Option<u64>,
    },
    /// The clock runs again.
    Unpaused {
        /// Milliseconds left.
        deadline_ms: Option<u64>,
    },
    /// The game is over.
    GameEnded {
        /// Every player's score.
        scores: Vec<Score>,
        /// The debrief figures.
        debrief: Debrief,
    },
}

impl Event {
    /// The `kind` of this event as written on the wire.
    pub fn kind(&self) -> &'static str {
        match self {
            Event::PlayerJoined { .. } => "player_joined",
            Event::PlayerLeft { .. } => "player_left",
            Event::PlayerUpdated { .. } => "player_updated",
            Event::ConfigChanged { .. } => "config_changed",
            Event::PhaseChanged { .. } => "phase_changed",
            Event::Chat { .. } => "chat",
            Event::OfferMade { .. } => "offer_made",
            Event::OfferAnswered { .. } => "offer_answered",
            Event::OfferWithdrawn { .. } => "offer_withdrawn",
            Event::OfferExpired { .. } => "offer_expired",
            Event::BalanceChanged { .. } => "balance_changed",
            Event::TieChanged { .. } => "tie_changed",
            Event::Rumor { .. } => "rumor",
            Event::RumorEnded { .. } => "rumor_ended",
            Event::LeaseStarted { .. } => "lease_started",
            Event::LeaseEnded { .. } => "lease_ended",
            Event::InfractionLearned { .. } => "infraction_learned",
            Event::OrderIssued { .. } => "order_issued",
            Event::TipOff { .. } => "tip_off",
            Event::CaseOpened { .. } => "case_opened",
            Event::CaseWithdrawn { .. } => "case_withdrawn",
            Event::RulingRecorded { .. } => "ruling_recorded",
            Event::Verdict { .. } => "verdict",
            Event::Sentence { .. } => "sentence",
            Event::Paused { .. } => "paused",
            Event::Unpaused { .. } => "unpaused",
            Event::GameEnded { .. } => "game_ended",
        }
    }
}
