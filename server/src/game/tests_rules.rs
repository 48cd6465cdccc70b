//! Table tests for rules the other tables reach only in passing: the
//! shrimp's back sparing an extortion victim (RULES.md §8), votes given by
//! ties (§8.1), a harassment whose sender fell (§5), rent a donju cannot
//! pay (§4) and release after `prison_rounds` 0 (§8).
#![allow(clippy::unwrap_used)]

use allssam_protocol::{
    CaseId, Charge, Event, InfractionKind, MarketReport, OfferKind, Phase, PlayerId, Role,
    RoomConfig, RulingSource, SentenceKind, Status, Verdict,
};

use super::testkit::Table;
use super::{Actor, Command, Emitted, Viewer};

/// A started table with `roles` (ids 1, 2, … in order).
fn table(roles: &[Role], config: RoomConfig) -> (Table, Vec<PlayerId>) {
    Table::started(roles, config)
}

fn sentences(events: &[Emitted]) -> Vec<(PlayerId, SentenceKind, Option<u32>)> {
    let found = events.iter().filter(|e| e.audience.spectators);
    let found = found.filter_map(|e| match e.event {
        Event::Sentence {
            player,
            sentence,
            until_round,
            ..
        } => Some((player, sentence, until_round)),
        _ => None,
    });
    found.collect()
}

fn report(events: &[Emitted], player: PlayerId) -> MarketReport {
    let found = events.iter().find_map(|e| match &e.event {
        Event::PhaseChanged {
            market: Some(r), ..
        } if e.audience.players == super::PlayerSet::Only(vec![player]) => Some(r.clone()),
        _ => None,
    });
    found.unwrap()
}

fn accuse(
    target: PlayerId,
    charge: Charge,
    evidence: Vec<allssam_protocol::InfractionId>,
) -> Command {
    Command::Accuse {
        target,
        charge,
        evidence,
    }
}

/// §8: the donju who only paid an extortion is its victim and is spared;
/// the donju who paid a per diem to the same cadre is punished (the
/// shrimp's back), and with `prison_rounds` 0 is released at the very next
/// market (round 1 + 0 + 1 = 2), where he earns again.
#[test]
fn the_shrimps_back_spares_the_extortion_victim() {
    use Role::*;
    let config = RoomConfig {
        prison_rounds: 0,
        ..RoomConfig::default()
    };
    let (mut t, ids) = table(&[Secretary, Manager, Prosecutor, Donju, Donju], config);
    let (sec, man, don, don2) = (ids[0], ids[1], ids[3], ids[4]);
    t.accept(man, don, OfferKind::Demand, Some(100)); // extortion (don, man)
    t.accept(don2, man, OfferKind::PerDiem, Some(100)); // per diem (don2, man)
    let extortion = t.infraction_of_kind(InfractionKind::Extortion);
    let per_diem = t.infraction_of_kind(InfractionKind::IllicitPerDiem);
    for (from, infraction) in [(don, extortion), (don2, per_diem)] {
        t.ok(
            Actor::Player(from),
            Command::Share {
                infraction,
                to: sec,
            },
        );
    }
    t.advance_to(Phase::Accusation);
    t.ok(
        Actor::Player(sec),
        accuse(man, Charge::Bribery, vec![extortion, per_diem]),
    );
    t.advance_to(Phase::Verdict);
    // The prosecutor does not rule and has no tie to either side: the
    // evidence ruling (guilty), like the head's: 2–0. The manager has no
    // tie with a hearer: dismissed.
    let events = t.advance();
    assert_eq!(
        sentences(&events),
        [
            (man, SentenceKind::Dismissed, None),
            (don2, SentenceKind::Imprisoned, Some(2))
        ]
    );
    assert_eq!(t.game.status_of(don), Some(Status::Free));
    assert_eq!(t.game.shrimp_count, 1);
    // Round 2's market releases don2 first, so he earns his 50.
    assert_eq!(t.game.round(), 2);
    let r = report(&events, don2);
    assert!(r.released);
    assert_eq!(r.income, 50);
    assert_eq!(t.game.status_of(don2), Some(Status::Free));
}

/// §8.1: a prosecutor who does not rule votes with the side he has the
/// stronger tie to (the evidence ruling would be acquit: no evidence).
#[test]
fn an_unruled_prosecutor_votes_by_his_ties() {
    use Role::*;
    let config = RoomConfig {
        strict_head: false,
        ..RoomConfig::default()
    };
    // (the prosecutor's pact partner, the verdict, the accuser's sentence)
    for (partner_is_accuser, verdict) in [(true, Verdict::Guilty), (false, Verdict::Acquit)] {
        let (mut t, ids) = table(&[Secretary, Manager, Prosecutor, Donju], config.clone());
        let (sec, man, pro) = (ids[0], ids[1], ids[2]);
        let partner = if partner_is_accuser { sec } else { man };
        t.accept(pro, partner, OfferKind::Pact, None); // tie 2
        t.advance_to(Phase::Accusation);
        t.ok(
            Actor::Player(sec),
            accuse(man, Charge::Embezzlement, Vec::new()),
        );
        t.advance_to(Phase::Verdict);
        let events = t.advance();
        let case = t.view(Viewer::Facilitator).cases[0].clone();
        assert_eq!(case.verdict, Some(verdict));
        assert_eq!(case.evidence_ruling, Some(Verdict::Acquit));
        let ruling = &case.rulings.unwrap()[0];
        assert_eq!(
            (ruling.prosecutor, ruling.source),
            (Some(pro), RulingSource::Ties)
        );
        let expected = if partner_is_accuser {
            // The manager has no tie to the hearer: dismissed.
            (man, SentenceKind::Dismissed, None)
        } else {
            (sec, SentenceKind::Fined, None)
        };
        assert_eq!(sentences(&events), [expected]);
    }
}

/// §5: a harassment is due at the next market only "if its sender is then
/// still a free cadre"; the manager who harassed was dismissed meanwhile.
#[test]
fn a_harassment_from_a_dismissed_cadre_is_dropped() {
    use Role::*;
    let config = RoomConfig {
        strict_head: false,
        ..RoomConfig::default()
    };
    let (mut t, ids) = table(&[Secretary, Manager, Prosecutor, Donju], config);
    let (sec, man, pro, don) = (ids[0], ids[1], ids[2], ids[3]);
    let demand = t.offer(man, don, OfferKind::Demand, Some(100));
    let reject = Command::Respond {
        offer: demand,
        accept: false,
    };
    t.ok(Actor::Player(don), reject);
    t.advance_to(Phase::Accusation);
    t.ok(
        Actor::Player(sec),
        accuse(man, Charge::Embezzlement, Vec::new()),
    );
    t.advance_to(Phase::Verdict);
    let rule = Command::Rule {
        case: CaseId(1),
        verdict: Verdict::Guilty,
    };
    t.ok(Actor::Player(pro), rule);
    let events = t.advance();
    assert_eq!(t.game.status_of(man), Some(Status::Dismissed));
    let r = report(&events, don);
    assert_eq!((r.income, r.harassments, r.harassment_cut), (50, 0, 0));
}

/// §4 step 4: a donju who cannot pay the rent loses the lease: no payment,
/// no tie, no `illegal_lease_income`; `lease_ended` follows the
/// `phase_changed`.
#[test]
fn a_donju_who_cannot_pay_the_rent_loses_the_lease() {
    use Role::*;
    let mut config = RoomConfig {
        production_income: 0,
        market_income: 0,
        ..RoomConfig::default()
    };
    config.starting_balance.donju = 120;
    let (mut t, ids) = table(&[Secretary, Manager, Prosecutor, Donju], config);
    let (man, don) = (ids[1], ids[3]);
    t.accept(don, man, OfferKind::Lease, Some(100)); // 120 → 20; tie 1
    let events = t.advance_round();
    let phase = events.iter().position(|e| {
        matches!(
            e.event,
            Event::PhaseChanged {
                phase: Phase::Dealing,
                ..
            }
        )
    });
    let ended = events
        .iter()
        .position(|e| matches!(e.event, Event::LeaseEnded { .. }));
    assert!(phase.unwrap() < ended.unwrap());
    assert_eq!(report(&events, don).rent_paid, 0);
    assert_eq!(t.balance(don), 20);
    assert!(t.game.leases.is_empty());
    assert_eq!(t.game.strength(don, man), 1, "no rent, no exchange");
    let income = t.game.infractions.values();
    assert!(
        income
            .filter(|i| i.kind == InfractionKind::IllegalLeaseIncome)
            .count()
            == 0
    );
}
