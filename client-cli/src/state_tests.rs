//! Tests of the local room model: events applied to a snapshot.
#![allow(clippy::unwrap_used)]

use allssam_protocol::{
    BalanceReason, CaseId, Charge, Event, InfractionKind, MarketReport, OfferKind, Phase, Role,
    SentenceKind, Status, Verdict,
};

use crate::testkit::{case, infraction, learned, offer, pid, room};

#[test]
fn offers_get_stable_short_labels_and_leave_on_answer() {
    let mut s = room(Role::Donju, Phase::Dealing);
    s.apply(&Event::OfferMade {
        offer: offer(987_654, 1, 2, OfferKind::Bribe, Some(100)),
    });
    s.apply(&Event::OfferMade {
        offer: offer(12, 3, 1, OfferKind::Favor, None),
    });
    assert_eq!(s.offer_label(allssam_protocol::OfferId(987_654)), Some(1));
    assert_eq!(s.offer_by_label(2), Some(allssam_protocol::OfferId(12)));
    s.apply(&Event::OfferAnswered {
        offer: offer(987_654, 1, 2, OfferKind::Bribe, Some(100)),
        accepted: true,
    });
    assert_eq!(s.view.offers.len(), 1);
    // A label outlives its offer, and a new offer never reuses it.
    s.apply(&Event::OfferMade {
        offer: offer(5, 1, 3, OfferKind::PerDiem, Some(60)),
    });
    assert_eq!(s.offer_label(allssam_protocol::OfferId(5)), Some(3));
    assert_eq!(s.offers_from_me().len(), 1);
    assert_eq!(s.offers_to_me().len(), 1);
}

#[test]
fn own_balance_ties_and_rumors_follow_events() {
    let mut s = room(Role::Donju, Phase::Dealing);
    s.apply(&Event::BalanceChanged {
        player: pid(1),
        balance: 1000,
        available: 800,
        reason: BalanceReason::Escrow,
    });
    s.apply(&Event::TieChanged {
        a: pid(2),
        b: pid(1),
        strength: 4,
    });
    s.apply(&Event::Rumor {
        a: pid(1),
        b: pid(2),
    });
    let you = s.view.you.as_ref().unwrap();
    assert_eq!((you.balance, you.available), (1000, 800));
    assert_eq!(s.tie_with(pid(2)), 4);
    assert_eq!(s.view.rumors.len(), 1);
    s.apply(&Event::TieChanged {
        a: pid(1),
        b: pid(2),
        strength: 0,
    });
    s.apply(&Event::RumorEnded {
        a: pid(2),
        b: pid(1),
    });
    assert_eq!(s.tie_with(pid(2)), 0);
    assert!(s.view.ties.is_empty() && s.view.rumors.is_empty());
}

#[test]
fn the_market_report_moves_our_balance_and_clears_ready() {
    let mut s = room(Role::Donju, Phase::Verdict);
    s.view.players[1].ready = true;
    s.view.order_in_force = true;
    s.apply(&Event::PhaseChanged {
        round: 2,
        phase: Phase::Dealing,
        deadline_ms: Some(1000),
        skipped: vec![],
        market: Some(MarketReport {
            income: 200,
            rent_paid: 60,
            ..MarketReport::default()
        }),
    });
    let you = s.view.you.as_ref().unwrap();
    assert_eq!((you.balance, you.available), (1140, 1140));
    assert_eq!((s.view.round, s.view.phase), (2, Phase::Dealing));
    assert!(!s.view.players[1].ready);
    assert!(!s.view.order_in_force, "the order lasts one round");
    assert!(s.time_left().is_some());
}

#[test]
fn cases_verdicts_and_sentences_are_recorded() {
    let mut s = room(Role::Secretary, Phase::Accusation);
    s.apply(&learned(infraction(77, InfractionKind::IllegalLease, 5, 3)));
    let case = allssam_protocol::CaseInfo {
        charge: Charge::IllegalBusiness,
        evidence: Some(vec![allssam_protocol::InfractionId(77)]),
        ..case(1, 1, 1, 3)
    };
    s.apply(&Event::CaseOpened { case });
    assert!(s.cited(allssam_protocol::InfractionId(77)));
    s.apply(&Event::Verdict {
        case: CaseId(1),
        verdict: Verdict::Guilty,
        evidence_ruling: Verdict::Guilty,
        votes: None,
    });
    s.apply(&Event::Sentence {
        case: CaseId(1),
        player: pid(5),
        sentence: SentenceKind::Imprisoned,
        amount: Some(500),
        until_round: Some(4),
    });
    let c = s.case(CaseId(1)).unwrap();
    assert_eq!(c.verdict, Some(Verdict::Guilty));
    assert_eq!(c.sentence.as_ref().unwrap().len(), 1);
    assert_eq!(s.player(pid(5)).unwrap().status, Status::Imprisoned);
    assert!(!s.at_liberty(pid(5)));
}

#[test]
fn a_fresh_snapshot_keeps_labels() {
    let mut s = room(Role::Donju, Phase::Dealing);
    s.apply(&Event::InfractionLearned {
        infraction: infraction(9, InfractionKind::Bribery, 1, 2),
        from: Some(pid(2)),
    });
    let mut view = s.view.clone();
    view.infractions
        .insert(0, infraction(3, InfractionKind::Bribery, 1, 4));
    s.apply_snapshot(view);
    assert_eq!(
        s.infraction_label(allssam_protocol::InfractionId(9)),
        Some(1)
    );
    assert_eq!(
        s.infraction_label(allssam_protocol::InfractionId(3)),
        Some(2)
    );
}

#[test]
fn labels_saved_for_the_seat_keep_their_numbers_after_a_restart() {
    // A restarted console: the snapshot holds offer 500 and infraction 9,
    // numbered 1 by this fresh model; the seat's file knew them as 2 and 3.
    let mut s = room(Role::Donju, Phase::Dealing);
    s.apply(&Event::OfferMade {
        offer: offer(500, 1, 2, OfferKind::Bribe, Some(100)),
    });
    s.apply(&learned(infraction(9, InfractionKind::Bribery, 1, 2)));
    s.apply(&Event::OfferMade {
        offer: offer(600, 2, 1, OfferKind::Bribe, Some(100)),
    });
    let mut saved = crate::labels::Labels::default();
    for id in [400, 500] {
        saved.offers.number(id);
    }
    for id in [7, 8, 9] {
        saved.infractions.number(id);
    }
    let _ = s.fresh_labels();
    s.adopt_labels(saved);
    assert!(s.fresh_labels().is_some(), "the merged labels want saving");
    assert_eq!(s.offer_label(allssam_protocol::OfferId(500)), Some(2));
    assert_eq!(s.offer_label(allssam_protocol::OfferId(600)), Some(3));
    assert_eq!(
        s.infraction_label(allssam_protocol::InfractionId(9)),
        Some(3)
    );
    assert_eq!(s.offer_by_label(1), Some(allssam_protocol::OfferId(400)));
    // New items take the next free numbers.
    s.apply(&Event::OfferMade {
        offer: offer(700, 2, 1, OfferKind::Bribe, Some(100)),
    });
    assert_eq!(s.offer_label(allssam_protocol::OfferId(700)), Some(4));
    assert!(s.fresh_labels().is_some());
    assert!(s.fresh_labels().is_none());
}
