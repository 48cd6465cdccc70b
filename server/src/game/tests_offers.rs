//! Table tests for money (RULES.md §2) and offers (§5), every refusal included.
#![allow(clippy::unwrap_used)]

use allssam_protocol::{
    ErrorCode, Event, Favor, InfractionKind, OfferId, OfferKind, Phase, RoomConfig, WealthTier,
};

use super::testkit::{Table, pid};
use super::{Actor, Command, Viewer};

fn offer(
    to: allssam_protocol::PlayerId,
    kind: OfferKind,
    amount: Option<i64>,
    favor: Option<Favor>,
) -> Command {
    Command::Offer {
        to,
        kind,
        amount,
        favor,
    }
}

/// §5: every condition of the table refused with its code, nothing changed.
#[test]
fn offer_refusals() {
    use OfferKind::*;
    let mut t = Table::five();
    let (sec, man, pro, don, don2) = (t.sec, t.man, t.pro, t.don, t.don2.unwrap());
    let v = Some(allssam_protocol::Favor::Vehicle);
    // Round 1 market: donju 1000 + 50 = 1050 available.
    let rows = [
        (
            don,
            offer(don, Bribe, Some(10), None),
            ErrorCode::InvalidTarget,
        ),
        (
            don,
            offer(pid(99), Bribe, Some(10), None),
            ErrorCode::InvalidTarget,
        ),
        (don, offer(sec, Bribe, None, None), ErrorCode::InvalidAmount),
        (
            don,
            offer(sec, Bribe, Some(0), None),
            ErrorCode::InvalidAmount,
        ),
        (
            don,
            offer(sec, Bribe, Some(-5), None),
            ErrorCode::InvalidAmount,
        ),
        (
            don,
            offer(sec, Bribe, Some(1_000_000_001), None),
            ErrorCode::InvalidAmount,
        ),
        (
            don,
            offer(sec, Bribe, Some(1051), None),
            ErrorCode::InsufficientFunds,
        ),
        (
            don,
            offer(sec, Bribe, Some(10), v),
            ErrorCode::InvalidAmount,
        ),
        (
            don,
            offer(sec, Pact, Some(10), None),
            ErrorCode::InvalidAmount,
        ),
        (man, offer(don, Favor, None, None), ErrorCode::InvalidAmount),
        (man, offer(don, Favor, Some(5), v), ErrorCode::InvalidAmount),
        (
            sec,
            offer(man, PerDiem, Some(10), None),
            ErrorCode::Forbidden,
        ),
        (
            don,
            offer(sec, PerDiem, Some(10), None),
            ErrorCode::InvalidTarget,
        ),
        (
            don,
            offer(man, Lease, Some(49), None),
            ErrorCode::InvalidAmount,
        ),
        (
            don,
            offer(pro, Lease, Some(60), None),
            ErrorCode::InvalidTarget,
        ),
        (sec, offer(man, Lease, Some(60), None), ErrorCode::Forbidden),
        (sec, offer(don, Favor, None, v), ErrorCode::Forbidden),
        (man, offer(sec, Favor, None, v), ErrorCode::InvalidTarget),
        (
            don,
            offer(don2, Demand, Some(10), None),
            ErrorCode::Forbidden,
        ),
        (
            sec,
            offer(man, Demand, Some(10), None),
            ErrorCode::InvalidTarget,
        ),
        (don, offer(don2, Pact, None, None), ErrorCode::InvalidTarget),
        (
            don,
            Command::Respond {
                offer: OfferId(7),
                accept: true,
            },
            ErrorCode::UnknownOffer,
        ),
        (
            don,
            Command::Withdraw { offer: OfferId(7) },
            ErrorCode::UnknownOffer,
        ),
    ];
    for (actor, command, code) in rows {
        t.refused(Actor::Player(actor), command, code);
    }
    // Not one's offer: unknown to others, its existence not revealed.
    let o = t.offer(don, sec, Bribe, Some(10));
    t.refused(
        Actor::Player(man),
        Command::Respond {
            offer: o,
            accept: true,
        },
        ErrorCode::UnknownOffer,
    );
    t.refused(
        Actor::Player(sec),
        Command::Withdraw { offer: o },
        ErrorCode::UnknownOffer,
    );
    // Dealing only (bribes later only within a case).
    t.advance_to(Phase::Accusation);
    for kind in [Bribe, PerDiem, Pact] {
        t.refused(
            Actor::Player(don),
            offer(man, kind, (kind != Pact).then_some(60), None),
            ErrorCode::WrongPhase,
        );
    }
    // The facilitator plays no part.
    t.refused(
        Actor::Facilitator,
        offer(man, Bribe, Some(5), None),
        ErrorCode::Forbidden,
    );
}

/// §5 limits: open offers, one demand per donju, pacts, favors, leases.
#[test]
fn offer_limits() {
    use OfferKind::*;
    let config = RoomConfig {
        max_open_offers: 2,
        spaces_per_manager: 1,
        ..RoomConfig::default()
    };
    let mut t = Table::four_with(config);
    let (sec, man, pro, don) = (t.sec, t.man, t.pro, t.don);
    let a = t.offer(don, sec, Bribe, Some(1));
    let b = t.offer(don, pro, Bribe, Some(1));
    t.refused(
        Actor::Player(don),
        offer(man, Bribe, Some(1), None),
        ErrorCode::LimitReached,
    );
    t.ok(Actor::Player(don), Command::Withdraw { offer: a });
    t.ok(Actor::Player(don), Command::Withdraw { offer: b });
    // One demand to the same donju a round, whatever became of it.
    let d = t.offer(sec, don, Demand, Some(10));
    t.ok(Actor::Player(sec), Command::Withdraw { offer: d });
    t.refused(
        Actor::Player(sec),
        offer(don, Demand, Some(10), None),
        ErrorCode::LimitReached,
    );
    // A pact once per pair in a game.
    t.accept(man, pro, Pact, None);
    t.refused(
        Actor::Player(pro),
        offer(man, Pact, None, None),
        ErrorCode::LimitReached,
    );
    // Favors: each kind once to the same donju, at most 2 a round.
    t.accept(man, don, Favor, None); // vehicle
    t.refused(
        Actor::Player(man),
        offer(don, Favor, None, Some(allssam_protocol::Favor::Vehicle)),
        ErrorCode::LimitReached,
    );
    let f = t.offer_favor(
        man,
        don,
        Favor,
        None,
        Some(allssam_protocol::Favor::Facilities),
    );
    t.ok(
        Actor::Player(don),
        Command::Respond {
            offer: f,
            accept: true,
        },
    );
    // Leases: a donju holds one, a manager has `spaces_per_manager` (1 here).
    t.accept(don, man, Lease, Some(60));
    t.refused(
        Actor::Player(don),
        offer(man, Lease, Some(60), None),
        ErrorCode::AlreadyLeased,
    );
    let mut t5 = Table::five();
    t5.game.config.spaces_per_manager = 1;
    let (man5, d1, d2) = (t5.man, t5.don, t5.don2.unwrap());
    t5.accept(d1, man5, Lease, Some(60));
    t5.refused(
        Actor::Player(d2),
        offer(man5, Lease, Some(60), None),
        ErrorCode::NoFreeSpace,
    );
}

/// §5: an offer that can no longer be accepted is withdrawn at once, its
/// escrow released; a dealing demand rejected is a harassment.
#[test]
fn dead_offers_are_withdrawn() {
    use OfferKind::*;
    let mut t = Table::five();
    t.game.config.spaces_per_manager = 1;
    let (man, d1, d2) = (t.man, t.don, t.don2.unwrap());
    let o2 = t.offer(d2, man, Lease, Some(100));
    assert_eq!(t.available(d2), 950); // 1050 − 100 escrowed
    let events = t.accept(d1, man, Lease, Some(60));
    assert!(!t.game.offers.contains_key(&o2));
    assert!(
        events
            .iter()
            .any(|e| matches!(&e.event, Event::OfferWithdrawn { offer } if offer.id == o2))
    );
    assert_eq!(t.available(d2), 1050);
    // The pact offer the other way is withdrawn once the pact is made.
    let a = t.offer(t.sec, d1, Pact, None);
    t.accept(d1, t.sec, Pact, None);
    assert!(!t.game.offers.contains_key(&a));
}

/// §2: escrow, available balance, transfers, private balances, tiers.
#[test]
fn money_escrow_and_tiers() {
    use OfferKind::*;
    let mut t = Table::four();
    let (sec, man, don) = (t.sec, t.man, t.don);
    assert_eq!((t.balance(sec), t.balance(don)), (320, 1050)); // salary 20, income 50
    let o = t.offer(don, sec, Bribe, Some(300));
    assert_eq!((t.balance(don), t.available(don)), (1050, 750));
    // Exact balances are private: only the owner's `you`, and the facilitator.
    let view = t.view(Viewer::Player(man));
    assert!(view.players.iter().all(|p| p.balance.is_none()));
    assert_eq!(view.you.unwrap().balance, 320);
    assert_eq!(t.view(Viewer::Facilitator).players[3].available, Some(750));
    let events = t.ok(
        Actor::Player(sec),
        Command::Respond {
            offer: o,
            accept: true,
        },
    );
    // Don 1050 − 300 = 750 (modest < 1000); sec 320 + 300 = 620 ≥ 450 conspicuous.
    assert_eq!(
        (t.balance(don), t.available(don), t.balance(sec)),
        (750, 750, 620)
    );
    let tiers: Vec<_> = t
        .view(Viewer::Spectator)
        .players
        .iter()
        .map(|p| p.wealth_tier)
        .collect();
    assert_eq!(tiers[0], WealthTier::Conspicuous);
    assert_eq!(tiers[3], WealthTier::Modest);
    for e in &events {
        if let Event::BalanceChanged { player, .. } = e.event {
            assert!(!e.audience.spectators && e.audience.facilitator);
            assert_eq!(e.audience.players, super::PlayerSet::Only(vec![player]));
        }
    }
    // Bribery of 300 with a cadre: an infraction (giver, taker); tie +6.
    let inf = t.only_infraction_between(don, sec);
    assert_eq!(t.game.infractions[&inf].parties, [don, sec]);
    assert_eq!(t.game.strength(don, sec), 6);
    assert!(t.money_is_conserved());
}

/// §4–5: favors, leases, orders, harassments and rents at the next market.
#[test]
fn market_effects_of_dealing() {
    use OfferKind::*;
    let mut t = Table::five();
    let (sec, man, d1, d2) = (t.sec, t.man, t.don, t.don2.unwrap());
    // d1: a vehicle favor and a lease signed without the order: illegal.
    t.accept(man, d1, Favor, None);
    t.accept(d1, man, Lease, Some(80));
    let illegal = t.infraction_of_kind(InfractionKind::IllegalLease);
    assert!(t.knows(sec, illegal));
    // d2: rejects the secretary's demand: a harassment at the next market.
    let d = t.offer(sec, d2, Demand, Some(100));
    t.ok(
        Actor::Player(d2),
        Command::Respond {
            offer: d,
            accept: false,
        },
    );
    let events = t.advance_round();
    let report = |who| {
        events.iter().find_map(|e| match &e.event {
            Event::PhaseChanged {
                market: Some(m), ..
            } if e.audience.players.contains(who) => Some(m.clone()),
            _ => None,
        })
    };
    let r1 = report(d1).unwrap();
    // d1: production 200 + vehicle 100 = 300; rent 80 paid.
    assert_eq!((r1.income, r1.rent_paid, r1.harassments), (300, 80, 0));
    // d2: market 50, one harassment cuts floor(50 × 25 / 100) = 12 → 38.
    let r2 = report(d2).unwrap();
    assert_eq!((r2.income, r2.harassments, r2.harassment_cut), (38, 1, 12));
    assert_eq!(report(man).unwrap().rent_received, 80);
    // No order in round 1: the rent is illegal lease income.
    t.infraction_of_kind(InfractionKind::IllegalLeaseIncome);
    // The facilitator's and spectators' phase_changed carries no report.
    assert!(events.iter().any(
        |e| matches!(&e.event, Event::PhaseChanged { market: None, .. })
            && e.audience.spectators
            && e.audience.facilitator
    ));
    // Balances: d1 1050 − 80 (first rent) + 300 − 80 = 1190.
    assert_eq!(t.balance(d1), 1190);
    assert!(t.money_is_conserved());

    // Round 2: the order, then another lease: legal; next rents legal too.
    t.ok(Actor::Player(sec), Command::Order);
    t.refused(Actor::Player(sec), Command::Order, ErrorCode::LimitReached);
    t.refused(Actor::Player(man), Command::Order, ErrorCode::Forbidden);
    t.accept(d2, man, Lease, Some(50));
    assert_eq!(
        t.game
            .infractions
            .values()
            .filter(|i| i.kind == InfractionKind::IllegalLease)
            .count(),
        1
    );
    t.advance_round();
    let income = t
        .game
        .infractions
        .values()
        .filter(|i| i.kind == InfractionKind::IllegalLeaseIncome)
        .count();
    assert_eq!(income, 1, "round 3 rents follow round 2's order: legal");
}

/// §5: late bribes and demands only within a case.
#[test]
fn late_offers_within_cases() {
    use OfferKind::*;
    let mut t = Table::five();
    let (sec, man, pro, d1, d2) = (t.sec, t.man, t.pro, t.don, t.don2.unwrap());
    t.advance_to(Phase::Accusation);
    t.ok(
        Actor::Player(sec),
        Command::Accuse {
            target: man,
            charge: allssam_protocol::Charge::Embezzlement,
            evidence: vec![],
        },
    );
    t.advance_to(Phase::Investigation);
    t.refused(
        Actor::Player(d1),
        offer(d2, Bribe, Some(10), None),
        ErrorCode::InvalidTarget,
    );
    t.refused(
        Actor::Player(d1),
        offer(pro, Bribe, Some(10), None),
        ErrorCode::InvalidTarget,
    );
    t.refused(
        Actor::Player(sec),
        offer(man, Demand, Some(10), None),
        ErrorCode::Forbidden,
    );
    t.refused(
        Actor::Player(pro),
        offer(d1, Demand, Some(10), None),
        ErrorCode::InvalidTarget,
    );
    // The accused may pay the accuser, and the prosecutor solicit a party.
    t.accept(man, sec, Bribe, Some(100));
    let o = t.offer(pro, man, Demand, Some(100));
    t.ok(
        Actor::Player(man),
        Command::Respond {
            offer: o,
            accept: true,
        },
    );
    // A paid demand in investigation is bribery (payer, prosecutor).
    let kinds: Vec<_> = t
        .game
        .infractions
        .values()
        .map(|i| (i.kind, i.parties))
        .collect();
    assert!(kinds.contains(&(InfractionKind::Bribery, [man, pro])));
    // Once withdrawn, nobody hears it: the prosecutor's demand dies.
    let o = t.offer(pro, sec, Demand, Some(10));
    t.ok(
        Actor::Player(sec),
        Command::WithdrawCase {
            case: allssam_protocol::CaseId(1),
        },
    );
    assert!(!t.game.offers.contains_key(&o));
    // A demand the payer cannot afford is refused at acceptance.
    let mut t = Table::four();
    let d = t.offer(t.pro, t.don, Demand, Some(5000));
    t.refused(
        Actor::Player(t.don),
        Command::Respond {
            offer: d,
            accept: true,
        },
        ErrorCode::InsufficientFunds,
    );
}
