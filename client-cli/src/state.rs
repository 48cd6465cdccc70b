//! The client's local model of its room: a snapshot's `View` kept current by
//! applying events, plus the short labels people type for offers and infractions.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use allssam_protocol::{
    CaseId, CaseInfo, Charge, ChatLine, Event, InfractionId, InfractionInfo, LeaseInfo,
    MarketReport, OfferId, OfferInfo, Phase, PlayerId, PlayerInfo, Role, Rumor, SentenceInfo,
    SentenceKind, Speaker, Status, TieInfo, View, WealthTier,
};

/// A tip-off this player received (PROTOCOL.md `tip_off`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TipOff {
    /// The case filed against us.
    pub case: CaseId,
    /// Who filed it.
    pub accuser: PlayerId,
    /// The charge.
    pub charge: Charge,
}

/// The room as this connection knows it.
///
/// Offers and infractions have random ids (PROTOCOL.md "Ids") that nobody
/// wants to type, so each gets a short local label (1, 2, 3… in the order
/// this client first saw it, offers and infractions numbered separately).
/// Labels are never reused, so a number a person read stays valid.
#[derive(Clone, Debug)]
pub struct State {
    /// The room as the last snapshot and the events since make it.
    pub view: View,
    /// When the phase's deadline falls, by the local clock (None: untimed or paused).
    pub deadline_at: Option<Instant>,
    /// Tip-offs received (only the accused gets them).
    pub tip_offs: Vec<TipOff>,
    /// What the last market did to us.
    pub last_market: Option<MarketReport>,
    offer_labels: HashMap<OfferId, u32>,
    offer_by_label: HashMap<u32, OfferId>,
    infraction_labels: HashMap<InfractionId, u32>,
    infraction_by_label: HashMap<u32, InfractionId>,
}

impl State {
    /// A model starting from a snapshot's view.
    pub fn new(view: View) -> Self {
        let mut state = State {
            view,
            deadline_at: None,
            tip_offs: Vec::new(),
            last_market: None,
            offer_labels: HashMap::new(),
            offer_by_label: HashMap::new(),
            infraction_labels: HashMap::new(),
            infraction_by_label: HashMap::new(),
        };
        state.after_snapshot();
        state
    }

    /// Replaces the view with a fresh snapshot, keeping labels and tip-offs.
    pub fn apply_snapshot(&mut self, view: View) {
        self.view = view;
        self.after_snapshot();
    }

    fn after_snapshot(&mut self) {
        self.set_deadline(self.view.deadline_ms);
        let offers: Vec<OfferId> = self.view.offers.iter().map(|o| o.id).collect();
        for id in offers {
            self.label_offer(id);
        }
        let infractions: Vec<InfractionId> = self.view.infractions.iter().map(|i| i.id).collect();
        for id in infractions {
            self.label_infraction(id);
        }
    }

    fn set_deadline(&mut self, ms: Option<u64>) {
        self.deadline_at = match ms {
            Some(ms) if !self.view.paused => Some(Instant::now() + Duration::from_millis(ms)),
            _ => None,
        };
    }

    /// Time left in the phase by the local clock (frozen value while paused).
    pub fn time_left(&self) -> Option<Duration> {
        if self.view.paused {
            return self.view.deadline_ms.map(Duration::from_millis);
        }
        self.deadline_at
            .map(|at| at.saturating_duration_since(Instant::now()))
    }

    /// Applies one event to the model.
    pub fn apply(&mut self, event: &Event) {
        let me = self.me();
        let v = &mut self.view;
        match event {
            Event::PlayerJoined { player } => {
                if !v.players.iter().any(|p| p.id == player.id) {
                    v.players.push(PlayerInfo {
                        id: player.id,
                        name: player.name.clone(),
                        role: None,
                        status: Status::Free,
                        connected: true,
                        wealth_tier: WealthTier::Comfortable,
                        ready: false,
                        until_round: None,
                        balance: None,
                        available: None,
                    });
                }
            }
            Event::PlayerLeft { player } => v.players.retain(|p| p.id != player.id),
            Event::PlayerUpdated {
                player,
                role,
                status,
                connected,
                wealth_tier,
                ready,
                until_round,
            } => {
                if let Some(p) = v.players.iter_mut().find(|p| p.id == *player) {
                    p.role = role.or(p.role);
                    p.status = status.unwrap_or(p.status);
                    p.connected = connected.unwrap_or(p.connected);
                    p.wealth_tier = wealth_tier.unwrap_or(p.wealth_tier);
                    p.ready = ready.unwrap_or(p.ready);
                    if until_round.is_some() {
                        p.until_round = *until_round;
                    }
                    if p.status != Status::Imprisoned {
                        p.until_round = None;
                    }
                }
                if let Some(you) = v.you.as_mut().filter(|y| y.player_id == *player) {
                    you.role = role.or(you.role);
                    you.status = status.unwrap_or(you.status);
                }
            }
            Event::ConfigChanged { config } => {
                v.rounds = config.rounds;
                v.config = config.clone();
            }
            Event::PhaseChanged {
                round,
                phase,
                deadline_ms,
                market,
                ..
            } => {
                if *round != v.round {
                    // The order is in force only for the round it was issued in (RULES.md §5).
                    v.order_in_force = false;
                }
                v.round = *round;
                v.phase = *phase;
                v.deadline_ms = *deadline_ms;
                for p in &mut v.players {
                    p.ready = false;
                }
                if let (Some(m), Some(you)) = (market, v.you.as_mut()) {
                    // The market sends no balance_changed (PROTOCOL.md "Events").
                    let gained = m.salary + m.income + m.rent_received;
                    you.balance = (you.balance + gained).saturating_sub(m.rent_paid);
                    you.available = (you.available + gained).saturating_sub(m.rent_paid);
                    if m.released {
                        you.status = Status::Free;
                    }
                    self.last_market = Some(m.clone());
                }
                self.set_deadline(*deadline_ms);
            }
            Event::Chat { from, to, text } => {
                v.chat.push(ChatLine {
                    from: *from,
                    to: *to,
                    text: text.clone(),
                    round: v.round,
                    phase: v.phase,
                });
                let excess = v.chat.len().saturating_sub(allssam_protocol::CHAT_HISTORY);
                v.chat.drain(..excess);
            }
            Event::OfferMade { offer } => {
                let id = offer.id;
                if !v.offers.iter().any(|o| o.id == id) {
                    v.offers.push(offer.clone());
                }
                self.label_offer(id);
            }
            Event::OfferAnswered { offer, .. }
            | Event::OfferWithdrawn { offer }
            | Event::OfferExpired { offer } => v.offers.retain(|o| o.id != offer.id),
            Event::BalanceChanged {
                player,
                balance,
                available,
                ..
            } => {
                if let Some(you) = v.you.as_mut().filter(|y| y.player_id == *player) {
                    you.balance = *balance;
                    you.available = *available;
                }
                if let Some(p) = v.players.iter_mut().find(|p| p.id == *player)
                    && (p.balance.is_some() || v.you.is_none())
                {
                    p.balance = Some(*balance);
                    p.available = Some(*available);
                }
            }
            Event::TieChanged { a, b, strength } => update_tie(v, me, *a, *b, *strength),
            Event::Rumor { a, b } => {
                if !v.rumors.iter().any(|r| same_pair(r.a, r.b, *a, *b)) {
                    let since_round = v.round;
                    v.rumors.push(Rumor {
                        a: *a,
                        b: *b,
                        since_round,
                    });
                }
            }
            Event::RumorEnded { a, b } => v.rumors.retain(|r| !same_pair(r.a, r.b, *a, *b)),
            Event::LeaseStarted {
                donju,
                manager,
                rent,
            } => {
                let lease = LeaseInfo {
                    donju: *donju,
                    manager: *manager,
                    rent: *rent,
                };
                if let Some(you) = v.you.as_mut()
                    && (you.player_id == *donju || you.player_id == *manager)
                    && you.lease.is_none()
                {
                    you.lease = Some(lease.clone());
                }
                v.leases.push(lease);
            }
            Event::LeaseEnded { donju, manager, .. } => {
                v.leases
                    .retain(|l| !(l.donju == *donju && l.manager == *manager));
                if let Some(you) = v.you.as_mut()
                    && you
                        .lease
                        .as_ref()
                        .is_some_and(|l| l.donju == *donju && l.manager == *manager)
                {
                    // A manager may hold a second lease: show that one instead.
                    you.lease = v
                        .leases
                        .iter()
                        .find(|l| l.donju == you.player_id || l.manager == you.player_id)
                        .cloned();
                }
            }
            Event::InfractionLearned { infraction, .. } => {
                let id = infraction.id;
                if !v.infractions.iter().any(|i| i.id == id) {
                    v.infractions.push(infraction.clone());
                }
                self.label_infraction(id);
            }
            Event::OrderIssued { round } => {
                if *round == v.round {
                    v.order_in_force = true;
                }
            }
            Event::TipOff {
                case,
                accuser,
                charge,
            } => self.tip_offs.push(TipOff {
                case: *case,
                accuser: *accuser,
                charge: *charge,
            }),
            Event::CaseOpened { case } => match v.cases.iter_mut().find(|c| c.id == case.id) {
                Some(known) => *known = case.clone(),
                None => v.cases.push(case.clone()),
            },
            Event::CaseWithdrawn { case } => {
                if let Some(c) = v.cases.iter_mut().find(|c| c.id == *case) {
                    c.withdrawn = true;
                    c.hearers.clear();
                }
            }
            Event::RulingRecorded {
                case,
                prosecutor,
                verdict,
            } => {
                if Some(*prosecutor) == me
                    && let Some(c) = v.cases.iter_mut().find(|c| c.id == *case)
                {
                    c.your_ruling = Some(*verdict);
                }
            }
            Event::Verdict {
                case,
                verdict,
                evidence_ruling,
                votes,
            } => {
                if let Some(c) = v.cases.iter_mut().find(|c| c.id == *case) {
                    c.verdict = Some(*verdict);
                    c.evidence_ruling = Some(*evidence_ruling);
                    c.votes = *votes;
                }
            }
            Event::Sentence {
                case,
                player,
                sentence,
                amount,
                until_round,
            } => {
                if let Some(c) = v.cases.iter_mut().find(|c| c.id == *case) {
                    c.sentence.get_or_insert_with(Vec::new).push(SentenceInfo {
                        player: *player,
                        sentence: *sentence,
                        amount: *amount,
                        until_round: *until_round,
                    });
                }
                let status = match sentence {
                    SentenceKind::Imprisoned => Some(Status::Imprisoned),
                    SentenceKind::Dismissed => Some(Status::Dismissed),
                    SentenceKind::Reprimanded | SentenceKind::Fined => None,
                };
                if let Some(status) = status {
                    if let Some(p) = v.players.iter_mut().find(|p| p.id == *player) {
                        p.status = status;
                        p.until_round = *until_round;
                    }
                    if let Some(you) = v.you.as_mut().filter(|y| y.player_id == *player) {
                        you.status = status;
                    }
                }
            }
            Event::Paused { deadline_ms } => {
                v.paused = true;
                v.deadline_ms = *deadline_ms;
                self.deadline_at = None;
            }
            Event::Unpaused { deadline_ms } => {
                v.paused = false;
                v.deadline_ms = *deadline_ms;
                self.set_deadline(*deadline_ms);
            }
            Event::GameEnded { scores, debrief } => {
                v.phase = Phase::Ended;
                v.deadline_ms = None;
                v.scores = Some(scores.clone());
                v.debrief = Some(debrief.clone());
                self.deadline_at = None;
            }
        }
    }

    fn label_offer(&mut self, id: OfferId) {
        if !self.offer_labels.contains_key(&id) {
            let label = self.offer_labels.len() as u32 + 1;
            self.offer_labels.insert(id, label);
            self.offer_by_label.insert(label, id);
        }
    }

    fn label_infraction(&mut self, id: InfractionId) {
        if !self.infraction_labels.contains_key(&id) {
            let label = self.infraction_labels.len() as u32 + 1;
            self.infraction_labels.insert(id, label);
            self.infraction_by_label.insert(label, id);
        }
    }

    /// The short label shown for an offer.
    pub fn offer_label(&self, id: OfferId) -> Option<u32> {
        self.offer_labels.get(&id).copied()
    }

    /// The offer a person means by `label`.
    pub fn offer_by_label(&self, label: u32) -> Option<OfferId> {
        self.offer_by_label.get(&label).copied()
    }

    /// The short label shown for an infraction.
    pub fn infraction_label(&self, id: InfractionId) -> Option<u32> {
        self.infraction_labels.get(&id).copied()
    }

    /// The infraction a person means by `label`.
    pub fn infraction_by_label(&self, label: u32) -> Option<InfractionId> {
        self.infraction_by_label.get(&label).copied()
    }

    // ---- queries for the UI and the bots ----

    /// Our own player id, if we hold a seat.
    pub fn me(&self) -> Option<PlayerId> {
        self.view.you.as_ref().map(|y| y.player_id)
    }

    /// Our role, once assigned.
    pub fn my_role(&self) -> Option<Role> {
        self.view.you.as_ref().and_then(|y| y.role)
    }

    /// A player by id.
    pub fn player(&self, id: PlayerId) -> Option<&PlayerInfo> {
        self.view.players.iter().find(|p| p.id == id)
    }

    /// A player's name, or a short form of the id for someone unknown.
    pub fn name(&self, id: PlayerId) -> String {
        match self.player(id) {
            Some(p) => p.name.clone(),
            None => format!("player {}", &id.to_string()[..8]),
        }
    }

    /// Who spoke, as a name.
    pub fn speaker(&self, from: Speaker) -> String {
        match from {
            Speaker::Player(id) => self.name(id),
            Speaker::Facilitator => "the facilitator".into(),
        }
    }

    /// A player's public role.
    pub fn role_of(&self, id: PlayerId) -> Option<Role> {
        self.player(id).and_then(|p| p.role)
    }

    /// Whether a player is seated and not in prison (RULES.md §1).
    pub fn at_liberty(&self, id: PlayerId) -> bool {
        self.player(id)
            .is_some_and(|p| p.status != Status::Imprisoned)
    }

    /// Other players at liberty with `role`, in seat order.
    pub fn others_with_role(&self, role: Role) -> Vec<&PlayerInfo> {
        let me = self.me();
        self.view
            .players
            .iter()
            .filter(|p| Some(p.id) != me && p.role == Some(role) && p.status != Status::Imprisoned)
            .collect()
    }

    /// Our tie strength with `other` (0: no tie).
    pub fn tie_with(&self, other: PlayerId) -> u64 {
        let me = self.me();
        self.view
            .ties
            .iter()
            .find_map(|t| match *t {
                TieInfo::Mine { with, strength } if with == other => Some(strength),
                TieInfo::Pair { a, b, strength }
                    if me.is_some_and(|m| same_pair(a, b, m, other)) =>
                {
                    Some(strength)
                }
                _ => None,
            })
            .unwrap_or(0)
    }

    /// Open offers made to us.
    pub fn offers_to_me(&self) -> Vec<&OfferInfo> {
        let me = self.me();
        self.view
            .offers
            .iter()
            .filter(|o| Some(o.to) == me)
            .collect()
    }

    /// Open offers we made.
    pub fn offers_from_me(&self) -> Vec<&OfferInfo> {
        let me = self.me();
        self.view
            .offers
            .iter()
            .filter(|o| Some(o.from) == me)
            .collect()
    }

    /// A case by number.
    pub fn case(&self, id: CaseId) -> Option<&CaseInfo> {
        self.view.cases.iter().find(|c| c.id == id)
    }

    /// An infraction we know, by id.
    pub fn infraction(&self, id: InfractionId) -> Option<&InfractionInfo> {
        self.view.infractions.iter().find(|i| i.id == id)
    }

    /// Whether an infraction was already cited in a case we can see (RULES.md §7:
    /// evidence is spent once cited).
    pub fn cited(&self, id: InfractionId) -> bool {
        self.view
            .cases
            .iter()
            .any(|c| c.evidence.as_ref().is_some_and(|e| e.contains(&id)))
    }
}

fn same_pair(a: PlayerId, b: PlayerId, c: PlayerId, d: PlayerId) -> bool {
    (a == c && b == d) || (a == d && b == c)
}

/// A tie's strength changed: a player keeps `{with}` entries for his own ties,
/// the facilitator `{a, b}` entries for all (PROTOCOL.md "The view").
fn update_tie(v: &mut View, me: Option<PlayerId>, a: PlayerId, b: PlayerId, strength: u64) {
    match me {
        Some(me) if me == a || me == b => {
            let other = if me == a { b } else { a };
            v.ties
                .retain(|t| !matches!(t, TieInfo::Mine { with, .. } if *with == other));
            if strength > 0 {
                v.ties.push(TieInfo::Mine {
                    with: other,
                    strength,
                });
            }
        }
        Some(_) => {}
        None => {
            v.ties.retain(
                |t| !matches!(t, TieInfo::Pair { a: x, b: y, .. } if same_pair(*x, *y, a, b)),
            );
            if strength > 0 {
                v.ties.push(TieInfo::Pair { a, b, strength });
            }
        }
    }
}

#[cfg(test)]
#[path = "state_tests.rs"]
mod tests;
