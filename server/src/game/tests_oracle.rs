//! The property tests' knowledge oracle: what RULES.md lets each viewer
//! know, rebuilt independently from the facilitator's full view and the
//! commands applied (never by asking the engine's visibility code), and the
//! checks of every emitted event and every view against it.

use std::collections::{BTreeMap, BTreeSet};

use allssam_protocol::{
    CaseInfo, Event, InfractionId, InfractionKind, OfferKind, Phase, PlayerId, Role, RulingSource,
    Speaker, Status, TieInfo, View,
};
use proptest::prelude::*;

use super::{Actor, Applied, Command, Game, Viewer};

type Check = Result<(), TestCaseError>;

/// What each player may know, kept beside the game.
pub(super) struct Oracle {
    /// RULES.md §6: who knows each infraction (parties, free secretaries for
    /// the factory's business, whoever it was shared with).
    knowers: BTreeMap<InfractionId, BTreeSet<PlayerId>>,
    /// Rounds whose investigation began: their cases are public (§7).
    public_rounds: BTreeSet<u32>,
    /// The facilitator's view after the last command.
    pub fac: View,
}

impl Oracle {
    pub fn new(g: &Game, now: u64) -> Oracle {
        Oracle {
            knowers: BTreeMap::new(),
            public_rounds: BTreeSet::new(),
            fac: g.view_for(Viewer::Facilitator, now),
        }
    }

    /// Learns what an applied command changed.
    pub fn update(
        &mut self,
        g: &Game,
        actor: Actor,
        command: &Command,
        applied: &Applied,
        now: u64,
    ) {
        self.fac = g.view_for(Viewer::Facilitator, now);
        if let (Actor::Player(_), Command::Share { infraction, to }) = (actor, command) {
            self.knowers.entry(*infraction).or_default().insert(*to);
        }
        // Secretaries in post when it was recorded; no command dismisses a
        // secretary after recording an infraction (verdicts precede markets).
        let secretaries: Vec<PlayerId> = self
            .fac
            .players
            .iter()
            .filter(|p| p.role == Some(Role::Secretary) && p.status == Status::Free)
            .map(|p| p.id)
            .collect();
        for inf in &self.fac.infractions {
            self.knowers.entry(inf.id).or_insert_with(|| {
                let mut k: BTreeSet<PlayerId> = inf.parties.into_iter().collect();
                if matches!(
                    inf.kind,
                    InfractionKind::IllegalLease | InfractionKind::IllegalLeaseIncome
                ) {
                    k.extend(secretaries.iter().copied());
                }
                k
            });
        }
        for e in applied.events.iter().filter(|e| e.audience.facilitator) {
            if let Event::PhaseChanged {
                phase: Phase::Investigation,
                round,
                ..
            } = e.event
            {
                self.public_rounds.insert(round);
            }
        }
    }

    fn case(&self, id: allssam_protocol::CaseId) -> Result<&CaseInfo, TestCaseError> {
        self.fac
            .cases
            .iter()
            .find(|c| c.id == id)
            .ok_or_else(|| TestCaseError::fail(format!("case {id} unknown to the facilitator")))
    }

    /// RULES.md §8: who hears a case — nobody once withdrawn; once decided,
    /// whoever the facilitator's rulings name; before, every prosecutor in
    /// post who is neither accuser nor accused.
    fn hearers(&self, c: &CaseInfo) -> Vec<PlayerId> {
        if c.withdrawn {
            return Vec::new();
        }
        if c.verdict.is_some() {
            let rulings = c.rulings.iter().flatten();
            return rulings.filter_map(|r| r.prosecutor).collect();
        }
        self.fac
            .players
            .iter()
            .filter(|p| p.role == Some(Role::Prosecutor) && p.status == Status::Free)
            .map(|p| p.id)
            .filter(|&id| id != c.accuser && id != c.accused)
            .collect()
    }

    fn knows(&self, who: PlayerId, inf: InfractionId) -> bool {
        self.knowers.get(&inf).is_some_and(|k| k.contains(&who))
    }

    /// A case as `viewer` received it (event or view).
    fn check_case(&self, viewer: Viewer, seen: &CaseInfo) -> Check {
        let full = self.case(seen.id)?;
        let me = player_of(viewer);
        let public = self.public_rounds.contains(&full.round);
        prop_assert!(
            public || me == Some(full.accuser),
            "{viewer:?} sees case {} before investigation",
            seen.id
        );
        prop_assert!(
            seen.votes.is_none() && seen.rulings.is_none(),
            "{viewer:?} sees votes of case {}",
            seen.id
        );
        let hearers = self.hearers(full);
        let hears = me.is_some_and(|m| hearers.contains(&m));
        let party = me.is_some_and(|m| m == full.accuser || m == full.accused);
        prop_assert_eq!(
            seen.evidence.is_some(),
            hears || party,
            "evidence of case {} to {:?}",
            seen.id,
            viewer
        );
        prop_assert_eq!(
            seen.evidence_detail.is_some(),
            hears,
            "evidence_detail of case {} to {:?}",
            seen.id,
            viewer
        );
        if let Some(ev) = &seen.evidence {
            prop_assert_eq!(Some(ev), full.evidence.as_ref());
        }
        let own = me.filter(|_| hears).and_then(|m| {
            full.rulings
                .iter()
                .flatten()
                .find(|r| r.prosecutor == Some(m) && r.source == RulingSource::Explicit)
        });
        prop_assert_eq!(
            seen.your_ruling,
            own.map(|r| r.verdict),
            "your_ruling of case {} to {:?}",
            seen.id,
            viewer
        );
        Ok(())
    }

    /// Every event of `applied` for every viewer its audience includes.
    pub fn check_events(&self, applied: &Applied, seats: &[PlayerId]) -> Check {
        for e in &applied.events {
            let viewers = seats
                .iter()
                .map(|&p| Viewer::Player(p))
                .chain([Viewer::Spectator]);
            for viewer in viewers.filter(|&v| e.audience.includes(v)) {
                self.check_event(viewer, &e.event, e.audience.players.clone())?;
            }
        }
        Ok(())
    }

    fn check_event(&self, viewer: Viewer, event: &Event, audience: super::PlayerSet) -> Check {
        let me = player_of(viewer);
        let only = |ids: &[PlayerId]| me.is_some_and(|m| ids.contains(&m));
        let what = event.kind();
        let ok = match event {
            Event::Chat {
                from, to: Some(to), ..
            } => only(&[*to]) || me.is_some_and(|m| *from == Speaker::Player(m)),
            Event::ConfigChanged { config } => config.seed.is_none(),
            Event::PhaseChanged {
                market: Some(r), ..
            } => {
                let role = me.and_then(|m| self.role(m));
                let lone = me.is_some_and(|m| audience == super::PlayerSet::Only(vec![m]));
                lone && plausible_report(role, r)
            }
            Event::OfferMade { offer }
            | Event::OfferAnswered { offer, .. }
            | Event::OfferWithdrawn { offer }
            | Event::OfferExpired { offer } => only(&[offer.from, offer.to]),
            Event::BalanceChanged { player, .. } => only(&[*player]),
            Event::TieChanged { a, b, .. } => only(&[*a, *b]),
            Event::LeaseStarted {
                donju,
                manager,
                rent: Some(_),
            }
            | Event::LeaseEnded {
                donju,
                manager,
                rent: Some(_),
            } => only(&[*donju, *manager]),
            Event::InfractionLearned { infraction, .. } => {
                me.is_some_and(|m| self.knows(m, infraction.id))
            }
            Event::TipOff { case, .. } => only(&[self.case(*case)?.accused]),
            Event::CaseOpened { case } => return self.check_case(viewer, case),
            Event::RulingRecorded { prosecutor, .. } => only(&[*prosecutor]),
            Event::Verdict { votes, .. } => votes.is_none(),
            _ => true,
        };
        prop_assert!(ok, "{viewer:?} may not see this {what}: {event:?}");
        Ok(())
    }

    fn role(&self, id: PlayerId) -> Option<Role> {
        self.fac
            .players
            .iter()
            .find(|p| p.id == id)
            .and_then(|p| p.role)
    }

    /// The facilitator's view: money adds up, escrow matches open offers.
    pub fn check_facilitator(&self, seed: u64) -> Check {
        let f = &self.fac;
        prop_assert_eq!(f.config.seed, Some(seed));
        let t = f.totals.ok_or_else(|| TestCaseError::fail("no totals"))?;
        let started = !matches!(f.phase, Phase::Lobby);
        let sum: u64 = f.players.iter().map(|p| p.balance.unwrap_or(0)).sum();
        if started {
            prop_assert_eq!(sum, t.starting + t.salaries + t.income - t.confiscated);
        }
        for p in &f.players {
            let (b, a) = (p.balance.unwrap_or(0), p.available.unwrap_or(0));
            prop_assert!(a <= b, "available above balance");
            let escrowed: u64 = f
                .offers
                .iter()
                .filter(|o| o.from == p.id)
                .filter(|o| {
                    matches!(
                        o.kind,
                        OfferKind::Bribe | OfferKind::PerDiem | OfferKind::Lease
                    )
                })
                .map(|o| o.amount.unwrap_or(0))
                .sum();
            prop_assert_eq!(
                b - a,
                escrowed,
                "escrow of {} does not match open offers",
                p.name
            );
        }
        Ok(())
    }

    /// A player's or a spectator's view against what he may know.
    pub fn check_view(&self, viewer: Viewer, v: &View) -> Check {
        let f = &self.fac;
        let me = player_of(viewer);
        prop_assert!(v.config.seed.is_none() && v.totals.is_none());
        prop_assert!(
            v.players
                .iter()
                .all(|p| p.balance.is_none() && p.available.is_none())
        );
        match (me, &v.you) {
            (Some(m), Some(you)) => {
                let p = f.players.iter().find(|p| p.id == m);
                prop_assert_eq!(you.player_id, m);
                prop_assert_eq!(Some(you.balance), p.and_then(|p| p.balance));
                prop_assert_eq!(Some(you.available), p.and_then(|p| p.available));
            }
            (None, None) => {}
            _ => prop_assert!(false, "`you` for {viewer:?}"),
        }
        let party = |a: PlayerId, b: PlayerId| me.is_some_and(|m| m == a || m == b);
        let offers: BTreeSet<_> = v.offers.iter().map(|o| o.id).collect();
        let mine: BTreeSet<_> = f
            .offers
            .iter()
            .filter(|o| party(o.from, o.to))
            .map(|o| o.id)
            .collect();
        prop_assert_eq!(offers, mine, "offers of {:?}", viewer);
        let mut ties = BTreeMap::new();
        for t in &v.ties {
            match t {
                TieInfo::Mine { with, strength } => ties.insert(*with, *strength),
                TieInfo::Pair { .. } => return Err(TestCaseError::fail("a pair tie to a player")),
            };
        }
        let own: BTreeMap<_, _> = f
            .ties
            .iter()
            .filter_map(|t| match (t, me) {
                (TieInfo::Pair { a, b, strength }, Some(m)) if *a == m => Some((*b, *strength)),
                (TieInfo::Pair { a, b, strength }, Some(m)) if *b == m => Some((*a, *strength)),
                _ => None,
            })
            .collect();
        prop_assert_eq!(ties, own, "ties of {:?}", viewer);
        prop_assert_eq!(&v.rumors, &f.rumors);
        let infs: BTreeSet<_> = v.infractions.iter().map(|i| i.id).collect();
        let known: BTreeSet<_> = f
            .infractions
            .iter()
            .map(|i| i.id)
            .filter(|&id| me.is_some_and(|m| self.knows(m, id)))
            .collect();
        prop_assert_eq!(infs, known, "infractions known to {:?}", viewer);
        for l in &v.leases {
            prop_assert_eq!(
                l.rent.is_some(),
                party(l.donju, l.manager),
                "rent shown to {:?}",
                viewer
            );
        }
        let cases: BTreeSet<_> = v.cases.iter().map(|c| c.id).collect();
        let visible: BTreeSet<_> = f
            .cases
            .iter()
            .filter(|c| self.public_rounds.contains(&c.round) || me == Some(c.accuser))
            .map(|c| c.id)
            .collect();
        prop_assert_eq!(cases, visible, "cases of {:?}", viewer);
        for c in &v.cases {
            self.check_case(viewer, c)?;
            prop_assert_eq!(&c.hearers, &self.hearers(self.case(c.id)?));
        }
        for line in &v.chat {
            let allowed = match line.to {
                None => true,
                Some(to) => me == Some(to) || me.is_some_and(|m| line.from == Speaker::Player(m)),
            };
            prop_assert!(allowed, "{viewer:?} reads a private line");
        }
        Ok(())
    }
}

fn player_of(viewer: Viewer) -> Option<PlayerId> {
    match viewer {
        Viewer::Player(id) => Some(id),
        _ => None,
    }
}

/// A market report can only be its recipient's: salary only to a cadre,
/// income and rent paid only to a donju, rent received only to a manager.
fn plausible_report(role: Option<Role>, r: &allssam_protocol::MarketReport) -> bool {
    let cadre = role.is_some_and(Role::is_cadre);
    (r.salary == 0 || cadre)
        && (r.income == 0 && r.rent_paid == 0 && r.harassments == 0 && !r.released
            || role == Some(Role::Donju))
        && (r.rent_received == 0 || role == Some(Role::Manager))
}
