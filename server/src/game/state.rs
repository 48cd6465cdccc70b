//! The game's state: every fact the rules engine keeps, and small lookups on it.
//!
//! Collections are `Vec`s and `BTreeMap`s only, so that nothing depends on a
//! hash order and a game is a pure function of its command log.

use std::collections::{BTreeMap, BTreeSet};

use allssam_protocol::{
    CaseId, Charge, ErrorCode, Favor, InfractionId, InfractionInfo, InfractionKind, OfferId,
    OfferInfo, OfferKind, Phase, PlayerId, Role, RoomConfig, RulingInfo, SentenceInfo, Speaker,
    Status, Totals, Verdict, Votes, WealthTier,
};
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

use super::Refusal;

/// A room's whole game state (serializable for snapshots).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Game {
    pub(super) room: String,
    pub(super) config: RoomConfig,
    pub(super) phase: Phase,
    pub(super) round: u32,
    pub(super) clock: Clock,
    /// Seeded from the config's seed at `start` (RULES.md §10: a fixed seed
    /// makes a game reproducible).
    pub(super) rng: ChaCha8Rng,
    /// Seats in joining order.
    pub(super) players: Vec<Player>,
    pub(super) offers: BTreeMap<OfferId, Offer>,
    /// Every offer and infraction id ever drawn, so none repeats in the room.
    pub(super) used_ids: BTreeSet<u32>,
    pub(super) ties: Vec<Tie>,
    /// Pairs that have had their pact (once per pair in a game, RULES.md §5).
    pub(super) pacts: Vec<(PlayerId, PlayerId)>,
    pub(super) infractions: BTreeMap<InfractionId, Infraction>,
    pub(super) leases: Vec<Lease>,
    /// Rounds in which the extra-earnings order was issued.
    pub(super) orders: BTreeSet<u32>,
    pub(super) favors: Vec<FavorGrant>,
    /// Dealing demands made (any outcome): one per cadre and donju a round.
    pub(super) demands: Vec<Sent>,
    /// Dealing demands rejected or expired: harassments due at the next market.
    pub(super) harassments: Vec<Sent>,
    pub(super) cases: Vec<Case>,
    pub(super) chat: Vec<ChatEntry>,
    pub(super) totals: Totals,
    pub(super) shrimp_count: u32,
    pub(super) cadres_dismissed: u32,
}

/// The phase clock (absolute epoch ms).
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub(super) struct Clock {
    /// When the phase ends; `None` when untimed or paused.
    pub deadline: Option<u64>,
    pub paused: bool,
    /// While paused: the ms that were left (`None` when untimed).
    pub remaining: Option<u64>,
}

/// One seat.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub(super) struct Player {
    pub id: PlayerId,
    pub name: String,
    pub role: Option<Role>,
    /// Whether the facilitator assigned the role (kept at start, RULES.md §1).
    pub assigned: bool,
    pub status: Status,
    pub connected: bool,
    /// Kicked during play: the seat stays but takes no part.
    pub kicked: bool,
    pub ready: bool,
    pub until_round: Option<u32>,
    /// The starting balance of the role (for the wealth tier).
    pub start: u64,
    pub balance: u64,
    /// Money set aside for open offers; `available = balance - escrow`.
    pub escrow: u64,
    /// The tier last announced, to tell when it changes.
    pub tier: WealthTier,
}

impl Player {
    pub fn available(&self) -> u64 {
        self.balance.saturating_sub(self.escrow)
    }

    pub fn is_cadre(&self) -> bool {
        self.role.is_some_and(Role::is_cadre)
    }

    pub fn is_donju(&self) -> bool {
        self.role == Some(Role::Donju)
    }

    /// A cadre in post (RULES.md §1: "free" for a cadre means not dismissed).
    pub fn holds(&self, role: Role) -> bool {
        self.role == Some(role) && self.status == Status::Free
    }

    pub fn at_liberty(&self) -> bool {
        self.status != Status::Imprisoned
    }

    /// RULES.md §2: the tier of the balance (escrow included) against `start`.
    pub fn wealth_tier(&self, conspicuous_percent: u64) -> WealthTier {
        let b = u128::from(self.balance);
        let s = u128::from(self.start);
        if b * 100 >= s * u128::from(conspicuous_percent) {
            WealthTier::Conspicuous
        } else if b >= s {
            WealthTier::Comfortable
        } else {
            WealthTier::Modest
        }
    }
}

/// An open offer (RULES.md §5).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub(super) struct Offer {
    pub id: OfferId,
    pub from: PlayerId,
    pub to: PlayerId,
    pub kind: OfferKind,
    pub amount: Option<u64>,
    pub favor: Option<Favor>,
    pub round: u32,
    pub phase: Phase,
}

impl Offer {
    /// What the sender has set aside (RULES.md §2: bribes, per diem, first rent).
    pub fn escrow(&self) -> u64 {
        match self.kind {
            OfferKind::Bribe | OfferKind::PerDiem | OfferKind::Lease => self.amount.unwrap_or(0),
            OfferKind::Favor | OfferKind::Demand | OfferKind::Pact => 0,
        }
    }

    pub fn info(&self) -> OfferInfo {
        OfferInfo {
            id: self.id,
            from: self.from,
            to: self.to,
            kind: self.kind,
            amount: self.amount,
            favor: self.favor,
            round: self.round,
            phase: self.phase,
        }
    }
}

/// A tie between `a < b` (RULES.md §3).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub(super) struct Tie {
    pub a: PlayerId,
    pub b: PlayerId,
    pub strength: u64,
    /// The round of the last exchange that added to it.
    pub last_round: u32,
    /// The round word got around, while it is on the list of rumors.
    pub rumor_since: Option<u32>,
}

/// A recorded infraction (RULES.md §6).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub(super) struct Infraction {
    pub id: InfractionId,
    pub kind: InfractionKind,
    pub round: u32,
    /// Giver / donju / payer first.
    pub parties: [PlayerId; 2],
    pub amount: Option<u64>,
    pub knowers: BTreeSet<PlayerId>,
    /// Cited in a case: spent as evidence (RULES.md §7).
    pub cited: bool,
}

impl Infraction {
    pub fn info(&self) -> InfractionInfo {
        InfractionInfo {
            id: self.id,
            kind: self.kind,
            round: self.round,
            parties: self.parties,
            amount: self.amount,
        }
    }
}

/// A lease of factory space.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub(super) struct Lease {
    pub donju: PlayerId,
    pub manager: PlayerId,
    pub rent: u64,
}

/// An accepted favor: its bonus is paid at the next market.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub(super) struct FavorGrant {
    pub round: u32,
    pub manager: PlayerId,
    pub donju: PlayerId,
    pub favor: Favor,
}

/// A dealing demand from a cadre to a donju, in a round.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub(super) struct Sent {
    pub round: u32,
    pub from: PlayerId,
    pub to: PlayerId,
}

/// An accusation (RULES.md §7) and, once resolved, its outcome (§8).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub(super) struct Case {
    pub id: CaseId,
    pub round: u32,
    pub accuser: PlayerId,
    pub accused: PlayerId,
    pub charge: Charge,
    pub evidence: Vec<InfractionId>,
    pub withdrawn: bool,
    /// Everyone may know of it (from the investigation of its round).
    pub public: bool,
    /// Explicit rulings in the verdict phase.
    pub rulings: BTreeMap<PlayerId, Verdict>,
    pub outcome: Option<Outcome>,
}

/// How a case was decided.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub(super) struct Outcome {
    pub verdict: Verdict,
    pub evidence_ruling: Verdict,
    pub votes: Votes,
    pub heard_by: Vec<PlayerId>,
    pub head: bool,
    pub rulings: Vec<RulingInfo>,
    pub sentences: Vec<SentenceInfo>,
}

/// One chat message and when it was said.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub(super) struct ChatEntry {
    pub from: Speaker,
    pub to: Option<PlayerId>,
    pub text: String,
    pub round: u32,
    pub phase: Phase,
}

/// Shorthand for a refusal.
pub(super) fn refuse<T>(code: ErrorCode, message: impl Into<String>) -> Result<T, Refusal> {
    Err(Refusal::new(code, message))
}

/// The unordered pair `(min, max)`.
pub(super) fn pair(a: PlayerId, b: PlayerId) -> (PlayerId, PlayerId) {
    if a <= b { (a, b) } else { (b, a) }
}

/// "1 min 20 s", "45 s": a duration for people.
pub(super) fn human_ms(ms: u64) -> String {
    let s = ms.div_ceil(1000);
    match (s / 60, s % 60) {
        (0, s) => format!("{s} s"),
        (m, 0) => format!("{m} min"),
        (m, s) => format!("{m} min {s} s"),
    }
}

impl Game {
    pub(super) fn player(&self, id: PlayerId) -> Option<&Player> {
        self.players.iter().find(|p| p.id == id)
    }

    pub(super) fn player_mut(&mut self, id: PlayerId) -> Option<&mut Player> {
        self.players.iter_mut().find(|p| p.id == id)
    }

    /// The seated, not kicked player `id`, or a refusal with `code`.
    pub(super) fn seated(&self, id: PlayerId, code: ErrorCode) -> Result<&Player, Refusal> {
        match self.player(id) {
            Some(p) if !p.kicked => Ok(p),
            Some(p) => refuse(code, format!("{} was removed from the room.", p.name)),
            None => refuse(code, "There is no such player in this room."),
        }
    }

    pub(super) fn name(&self, id: PlayerId) -> &str {
        self.player(id).map_or("someone", |p| p.name.as_str())
    }

    pub(super) fn tie(&self, a: PlayerId, b: PlayerId) -> Option<&Tie> {
        let (a, b) = pair(a, b);
        self.ties.iter().find(|t| t.a == a && t.b == b)
    }

    /// The strength of the tie between `a` and `b` (0 when there is none).
    pub(super) fn strength(&self, a: PlayerId, b: PlayerId) -> u64 {
        self.tie(a, b).map_or(0, |t| t.strength)
    }

    pub(super) fn lease_of_donju(&self, donju: PlayerId) -> Option<&Lease> {
        self.leases.iter().find(|l| l.donju == donju)
    }

    pub(super) fn leases_of_manager(&self, manager: PlayerId) -> usize {
        self.leases.iter().filter(|l| l.manager == manager).count()
    }

    pub(super) fn order_in_force(&self) -> bool {
        self.round > 0 && self.orders.contains(&self.round)
    }

    /// Milliseconds left in the phase at `now` (frozen while paused).
    pub(super) fn ms_left(&self, now: u64) -> Option<u64> {
        if self.clock.paused {
            self.clock.remaining
        } else {
            self.clock.deadline.map(|d| d.saturating_sub(now))
        }
    }

    /// " (1 min 20 s left)" or "" for refusal messages.
    pub(super) fn left_text(&self, now: u64) -> String {
        self.ms_left(now)
            .map(|ms| format!(" in {}", human_ms(ms)))
            .unwrap_or_default()
    }

    /// A fresh random id below 2^32, unused in the room (PROTOCOL.md "Ids").
    pub(super) fn fresh_id(&mut self) -> u32 {
        use rand::RngCore;
        loop {
            let id = self.rng.next_u32();
            if self.used_ids.insert(id) {
                return id;
            }
        }
    }

    /// The cases of the current round.
    pub(super) fn cases_this_round(&self) -> impl Iterator<Item = &Case> {
        let round = self.round;
        self.cases.iter().filter(move |c| c.round == round)
    }

    /// Does `prosecutor` hear `case` now? (RULES.md §8: a free prosecutor,
    /// not dismissed, neither accuser nor accused; nobody once withdrawn.)
    pub(super) fn hears(&self, case: &Case, prosecutor: PlayerId) -> bool {
        !case.withdrawn
            && case.outcome.is_none()
            && prosecutor != case.accuser
            && prosecutor != case.accused
            && self
                .player(prosecutor)
                .is_some_and(|p| p.holds(Role::Prosecutor))
    }

    /// Everyone who hears `case` now, in seat order.
    pub(super) fn hearers(&self, case: &Case) -> Vec<PlayerId> {
        self.players
            .iter()
            .map(|p| p.id)
            .filter(|&id| self.hears(case, id))
            .collect()
    }

    /// The parties of a case: accuser, accused, and every donju party of a
    /// cited infraction (RULES.md §7).
    pub(super) fn case_parties(&self, case: &Case) -> Vec<PlayerId> {
        let mut parties = vec![case.accuser, case.accused];
        for id in &case.evidence {
            if let Some(inf) = self.infractions.get(id) {
                for p in inf.parties {
                    let donju = self.player(p).is_some_and(Player::is_donju);
                    if donju && !parties.contains(&p) {
                        parties.push(p);
                    }
                }
            }
        }
        parties
    }
}
