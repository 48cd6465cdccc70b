//! The client's local model of its room: a snapshot's `View` kept current by
//! applying events, plus the short labels people type for offers and infractions.

use std::time::{Duration, Instant};

use allssam_protocol::{
    CaseId, Charge, ChatLine, Event, InfractionId, LeaseInfo, MarketReport, OfferId, Phase,
    PlayerId, PlayerInfo, Rumor, SentenceInfo, SentenceKind, Status, TieInfo, View, WealthTier,
};

use crate::labels::Labels;

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
/// Labels are never reused, so a number a person read stays valid; a
/// console keeps them in a file per seat ([`State::adopt_labels`]).
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
    labels: Labels,
    /// A label was given since [`State::fresh_labels`] last looked.
    new_labels: bool,
}

impl State {
    /// A model starting from a snapshot's view.
    pub fn new(view: View) -> Self {
        let mut state = State {
            view,
            deadline_at: None,
            tip_offs: Vec::new(),
            last_market: None,
            labels: Labels::default(),
            new_labels: false,
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
                // Fines and confiscations leave the room's money (RULES.md §2):
                // the facilitator's totals follow, or the debrief's check
                // would find money missing after the last verdict.
                if let (Some(t), Some(a)) = (v.totals.as_mut(), amount) {
                    t.confiscated = t.confiscated.saturating_add(*a);
                }
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
                // The debrief's total is the server's own: exact whatever
                // this model missed.
                if let Some(t) = v.totals.as_mut() {
                    t.confiscated = debrief.confiscated;
                }
                self.deadline_at = None;
            }
        }
    }

    fn label_offer(&mut self, id: OfferId) {
        self.new_labels |= self.labels.offers.number(id.0);
    }

    fn label_infraction(&mut self, id: InfractionId) {
        self.new_labels |= self.labels.infractions.number(id.0);
    }

    /// Takes the labels a console saved for this seat: they keep their
    /// numbers, and what this model numbered meanwhile gets the next ones.
    pub fn adopt_labels(&mut self, saved: Labels) {
        self.labels = saved.then(&self.labels);
        self.new_labels = true;
    }

    /// The labels, if one was given since the last call (time to save them).
    pub fn fresh_labels(&mut self) -> Option<Labels> {
        std::mem::take(&mut self.new_labels).then(|| self.labels.clone())
    }

    /// The short label shown for an offer.
    pub fn offer_label(&self, id: OfferId) -> Option<u32> {
        self.labels.offers.label(id.0)
    }

    /// The offer a person means by `label`.
    pub fn offer_by_label(&self, label: u32) -> Option<OfferId> {
        self.labels.offers.id(label).map(OfferId)
    }

    /// The short label shown for an infraction.
    pub fn infraction_label(&self, id: InfractionId) -> Option<u32> {
        self.labels.infractions.label(id.0)
    }

    /// The short number a person sees for the wire id `n` of an offer or an
    /// infraction this client numbered. `noun`, the word before the number
    /// in a sentence ("offer", "infraction"), says which, and `#` marks an
    /// id of either; any other number (an amount, a case, a round) is left
    /// as it is.
    pub fn label_of_wire(&self, n: u32, noun: &str) -> Option<u32> {
        let offer = || self.offer_label(OfferId(n));
        let infraction = || self.infraction_label(InfractionId(n));
        match noun.to_lowercase().as_str() {
            "offer" | "offers" => offer(),
            "infraction" | "infractions" => infraction(),
            "#" => offer().or_else(infraction),
            _ => None,
        }
    }

    /// The infraction a person means by `label`.
    pub fn infraction_by_label(&self, label: u32) -> Option<InfractionId> {
        self.labels.infractions.id(label).map(InfractionId)
    }
}

pub(crate) fn same_pair(a: PlayerId, b: PlayerId, c: PlayerId, d: PlayerId) -> bool {
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
