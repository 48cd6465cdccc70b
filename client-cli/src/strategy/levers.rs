//! Levers the sensible roles share: defending a case with money, selling a
//! withdrawal, counter-accusing, finding admissible evidence, ruling by ties
//! (RULES.md §§7–8).

use std::collections::BTreeMap;

use allssam_protocol::{
    CaseInfo, Charge, ClientMessage, InfractionId, InfractionKind, OfferKind, Phase, PlayerId,
    Role, Verdict,
};

use super::{Action, Memory, act};
use crate::state::State;

/// Cases we are a party of: bribe every hearer, and buy off an accuser of
/// this round's case (the accused may pay for a withdrawal, RULES.md §7).
pub(super) fn defend(s: &State, me: PlayerId, amount: u64) -> Vec<Action> {
    let mut todo = Vec::new();
    for c in s.view.cases.iter().filter(|c| open(c)) {
        let accused = c.accused == me;
        let cited_mine = c.evidence.iter().flatten().any(|i| {
            s.infraction(*i)
                .is_some_and(|inf| inf.parties.contains(&me))
        });
        if !accused && !cited_mine {
            continue;
        }
        if available(s) < amount {
            break;
        }
        for h in &c.hearers {
            todo.push(offer(
                s,
                &format!("defend:{}", c.id),
                *h,
                OfferKind::Bribe,
                Some(amount),
            ));
        }
        if accused && c.round == s.view.round && s.view.phase == Phase::Investigation {
            let buy = offer(
                s,
                &format!("buyoff:{}", c.id),
                c.accuser,
                OfferKind::Bribe,
                Some(amount + amount / 2),
            );
            todo.push(buy);
        }
    }
    todo
}

/// Our own case, withdrawn once the accused has paid enough this round.
pub(super) fn paid_withdrawal(s: &State, m: &Memory, price: u64) -> Option<Action> {
    let me = s.me()?;
    s.view
        .cases
        .iter()
        .find(|c| c.accuser == me && open(c) && m.received_this_round(s, c.accused) >= price)
        .map(|c| {
            act(
                s,
                &format!("withdraw_case:{}", c.id),
                ClientMessage::WithdrawCase { case: c.id },
            )
        })
}

/// Tipped off about a case this round: accuse the accuser back, without
/// evidence (embezzlement against a cadre).
pub(super) fn counter_accusation(s: &State) -> Option<Action> {
    let tip = s.tip_offs.iter().rev().find(|t| {
        s.case(t.case).is_none_or(|c| c.round == s.view.round)
            && s.role_of(t.accuser).is_some_and(Role::is_cadre)
    })?;
    Some(accuse(s, tip.accuser, Charge::Embezzlement, vec![]))
}

/// The best admissible accusation from the infractions we know (RULES.md §7):
/// uncited, fitting the charge, with the target a party and we not; a cadre
/// target first, then the most evidence.
pub fn accuse_with_evidence(s: &State) -> Option<Action> {
    let me = s.me()?;
    // Keyed by seat, not by id: ids are random, seats are in joining order,
    // so the choice among equals is the same in every replay.
    let mut groups: BTreeMap<(bool, Option<usize>, PlayerId, Charge), Vec<InfractionId>> =
        BTreeMap::new();
    for inf in &s.view.infractions {
        if inf.parties.contains(&me) || s.cited(inf.id) {
            continue;
        }
        for charge in [
            Charge::Bribery,
            Charge::AbuseOfAuthority,
            Charge::IllegalBusiness,
        ] {
            if !charge.fits(inf.kind) {
                continue;
            }
            for p in inf.parties {
                let is_cadre = s.role_of(p).is_some_and(Role::is_cadre);
                // An extortion counts only against the cadre who demanded it.
                if (inf.kind == InfractionKind::Extortion && !is_cadre) || !s.at_liberty(p) {
                    continue;
                }
                groups
                    .entry((!is_cadre, s.seat(p), p, charge))
                    .or_default()
                    .push(inf.id);
            }
        }
    }
    let ((_, _, target, charge), evidence) = groups
        .into_iter()
        .min_by_key(|((donju, _, _, _), ev)| (*donju, std::cmp::Reverse(ev.len())))?;
    Some(accuse(s, target, charge, evidence))
}

pub(super) fn accuse(
    s: &State,
    target: PlayerId,
    charge: Charge,
    evidence: Vec<InfractionId>,
) -> Action {
    // One accusation a round: the key is the same whatever the target.
    act(
        s,
        "accuse",
        ClientMessage::Accuse {
            target,
            charge,
            evidence,
        },
    )
}

/// The side with the stronger tie to us wins our vote; on equal ties, the
/// evidence ruling (RULES.md §8.1, which the server applies to the silent too).
pub fn ruling_by_ties(s: &State, c: &CaseInfo) -> Verdict {
    let (accuser, accused) = (s.tie_with(c.accuser), s.tie_with(c.accused));
    if accuser > accused {
        Verdict::Guilty
    } else if accused > accuser {
        Verdict::Acquit
    } else if c.evidence.as_ref().is_some_and(|e| !e.is_empty()) {
        Verdict::Guilty
    } else {
        Verdict::Acquit
    }
}

pub(super) fn open(c: &CaseInfo) -> bool {
    !c.withdrawn && c.verdict.is_none()
}

pub(super) fn hearing(s: &State, me: PlayerId) -> Vec<&CaseInfo> {
    s.view
        .cases
        .iter()
        .filter(|c| open(c) && c.hearers.contains(&me))
        .collect()
}

/// Our available balance.
pub(super) fn available(s: &State) -> u64 {
    s.view.you.as_ref().map_or(0, |y| y.available)
}

/// An offer keyed by what it is for and to whom.
pub(super) fn offer(
    s: &State,
    what: &str,
    to: PlayerId,
    kind: OfferKind,
    amount: Option<u64>,
) -> Action {
    act(
        s,
        &format!("{what}:{to}"),
        ClientMessage::Offer {
            to,
            kind,
            amount: amount.map(|a| a as i64),
            favor: None,
        },
    )
}
