//! Unit tests of the strategies on rooms built in memory: each role's levers,
//! and determinism given a seed.
#![allow(clippy::unwrap_used)]

use allssam_protocol::{
    CaseId, CaseInfo, Charge, ClientMessage as M, Event, InfractionId, InfractionKind, LeaseInfo,
    OfferKind, Phase, Role, Verdict, WealthTier,
};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use super::{Memory, Random, Sensible, Strategy};
use crate::state::State;
use crate::testkit::{self, infraction, offer, pid, room, tie};

fn rng() -> ChaCha8Rng {
    ChaCha8Rng::seed_from_u64(7)
}

/// Every request the strategy makes in a row until it has nothing left.
fn run(strategy: &dyn Strategy, s: &State) -> Vec<M> {
    let mut memory = Memory::default();
    let mut rng = rng();
    let mut out = Vec::new();
    while let Some(action) = strategy.next(s, &memory, &mut rng) {
        memory.record(s, &action);
        out.push(action.message);
        assert!(out.len() < 100, "a strategy must run out of things to do");
    }
    out
}

fn case(id: u32, accuser: u8, accused: u8, evidence: Vec<u32>, hearers: Vec<u8>) -> CaseInfo {
    CaseInfo {
        charge: if evidence.is_empty() {
            Charge::Embezzlement
        } else {
            Charge::IllegalBusiness
        },
        evidence: Some(evidence.into_iter().map(InfractionId).collect()),
        hearers: hearers.into_iter().map(pid).collect(),
        ..testkit::case(id, 1, accuser, accused)
    }
}

#[test]
fn honest_secretary_accuses_the_manager_with_lease_evidence_only() {
    let mut s = room(Role::Secretary, Phase::Accusation);
    // Kang (3) is the manager; Lee (5) the donju of the illegal lease.
    s.view
        .infractions
        .push(infraction(10, InfractionKind::IllegalLease, 5, 3));
    s.view
        .infractions
        .push(infraction(11, InfractionKind::Bribery, 1, 4)); // her own: never cited
    let out = run(&Sensible, &s);
    assert_eq!(
        out[0],
        M::Accuse {
            target: pid(3),
            charge: Charge::IllegalBusiness,
            evidence: vec![InfractionId(10)]
        }
    );
    assert_eq!(out.last(), Some(&M::Ready));

    let mut bare = room(Role::Secretary, Phase::Accusation);
    bare.view
        .infractions
        .push(infraction(11, InfractionKind::Bribery, 1, 4));
    assert_eq!(
        run(&Sensible, &bare),
        vec![M::Ready],
        "no evidence, no accusation"
    );
}

#[test]
fn secretary_shares_evidence_sells_the_order_and_demands() {
    let mut s = room(Role::Secretary, Phase::Dealing);
    s.view
        .infractions
        .push(infraction(10, InfractionKind::IllegalLease, 5, 3));
    let out = run(&Sensible, &s);
    assert!(out.contains(&M::Share {
        infraction: InfractionId(10),
        to: pid(4)
    }));
    assert!(out.contains(&M::Offer {
        to: pid(4),
        kind: OfferKind::Pact,
        amount: None,
        favor: None
    }));
    assert!(out.iter().any(|m| matches!(
        m,
        M::Offer {
            kind: OfferKind::Demand,
            ..
        }
    )));
    assert!(!out.contains(&M::Order), "withheld until someone pays");

    // Kang bribes her 100: she accepts, then issues the order.
    s.apply(&Event::OfferMade {
        offer: offer(42, 3, 1, OfferKind::Bribe, Some(100)),
    });
    let mut memory = Memory::default();
    let mut r = rng();
    let first = Sensible.next(&s, &memory, &mut r).unwrap();
    assert_eq!(
        first.message,
        M::Respond {
            offer: allssam_protocol::OfferId(42),
            accept: true
        }
    );
    memory.record(&s, &first);
    s.apply(&Event::OfferAnswered {
        offer: offer(42, 3, 1, OfferKind::Bribe, Some(100)),
        accepted: true,
    });
    assert_eq!(
        Sensible.next(&s, &memory, &mut r).unwrap().message,
        M::Order
    );
}

#[test]
fn prosecutor_rules_with_his_ties_then_the_evidence() {
    let mut s = room(Role::Prosecutor, Phase::Verdict);
    s.view.ties = vec![tie(3, 4), tie(2, 1)];
    s.view.cases = vec![
        case(1, 2, 3, vec![10], vec![1]), // accused Kang is closer: acquit despite evidence
        case(2, 3, 2, vec![], vec![1]),   // accuser Kang is closer: guilty without evidence
        case(3, 5, 6, vec![12], vec![1]), // no ties: the evidence
        case(4, 5, 6, vec![12], vec![4]), // not his case
    ];
    let out = run(&Sensible, &s);
    assert_eq!(
        out,
        vec![
            M::Rule {
                case: CaseId(1),
                verdict: Verdict::Acquit
            },
            M::Rule {
                case: CaseId(2),
                verdict: Verdict::Guilty
            },
            M::Rule {
                case: CaseId(3),
                verdict: Verdict::Guilty
            },
            M::Ready,
        ]
    );
}

#[test]
fn prosecutor_solicits_both_parties_during_investigation() {
    let mut s = room(Role::Prosecutor, Phase::Investigation);
    s.view.cases = vec![case(1, 2, 3, vec![10], vec![1])];
    let out = run(&Sensible, &s);
    assert!(out.contains(&M::Offer {
        to: pid(3),
        kind: OfferKind::Demand,
        amount: Some(100),
        favor: None
    }));
    assert!(out.contains(&M::Offer {
        to: pid(2),
        kind: OfferKind::Demand,
        amount: Some(100),
        favor: None
    }));
}

#[test]
fn manager_grants_favors_ties_to_prosecutor_and_charges_a_conspicuous_donju() {
    let mut s = room(Role::Manager, Phase::Dealing);
    s.view.ties = vec![tie(5, 1)];
    let out = run(&Sensible, &s);
    assert!(out.contains(&M::Offer {
        to: pid(5),
        kind: OfferKind::Favor,
        amount: None,
        favor: Some(allssam_protocol::Favor::Vehicle)
    }));
    assert!(out.contains(&M::Offer {
        to: pid(4),
        kind: OfferKind::Pact,
        amount: None,
        favor: None
    }));
    assert!(out.iter().any(|m| matches!(
        m,
        M::Offer {
            kind: OfferKind::Demand,
            ..
        }
    )));

    let mut s = room(Role::Manager, Phase::Accusation);
    s.view.players[5].wealth_tier = WealthTier::Conspicuous; // Choi
    let out = run(&Sensible, &s);
    assert_eq!(
        out[0],
        M::Accuse {
            target: pid(6),
            charge: Charge::AntiSocialist,
            evidence: vec![]
        }
    );
}

#[test]
fn manager_counter_accuses_when_tipped_off_and_withdraws_when_paid() {
    let mut s = room(Role::Manager, Phase::Accusation);
    s.apply(&Event::TipOff {
        case: CaseId(1),
        accuser: pid(2),
        charge: Charge::IllegalBusiness,
    });
    assert_eq!(
        run(&Sensible, &s)[0],
        M::Accuse {
            target: pid(2),
            charge: Charge::Embezzlement,
            evidence: vec![]
        }
    );

    let mut s = room(Role::Manager, Phase::Investigation);
    s.view.cases = vec![case(2, 1, 6, vec![], vec![4])];
    s.view.offers = vec![offer(9, 6, 1, OfferKind::Bribe, Some(150))];
    let out = run(&Sensible, &s);
    assert_eq!(
        out[0],
        M::Respond {
            offer: allssam_protocol::OfferId(9),
            accept: true
        }
    );
    assert_eq!(out[1], M::WithdrawCase { case: CaseId(2) });
}

#[test]
fn donju_leases_pays_per_diem_and_ties_to_the_prosecutor() {
    let s = room(Role::Donju, Phase::Dealing);
    let out = run(&Sensible, &s);
    assert_eq!(
        out[0],
        M::Offer {
            to: pid(3),
            kind: OfferKind::Lease,
            amount: Some(60),
            favor: None
        }
    );
    assert!(out.contains(&M::Offer {
        to: pid(4),
        kind: OfferKind::Pact,
        amount: None,
        favor: None
    }));

    let mut s = room(Role::Donju, Phase::Dealing);
    s.view.leases = vec![LeaseInfo {
        donju: pid(1),
        manager: pid(3),
        rent: Some(60),
    }];
    s.view.ties = vec![tie(4, 1)];
    let out = run(&Sensible, &s);
    assert!(out.contains(&M::Offer {
        to: pid(3),
        kind: OfferKind::PerDiem,
        amount: Some(50),
        favor: None
    }));
    assert!(out.contains(&M::Offer {
        to: pid(4),
        kind: OfferKind::Bribe,
        amount: Some(100),
        favor: None
    }));
}

#[test]
fn donju_pays_affordable_demands_and_buys_off_his_accuser() {
    let mut s = room(Role::Donju, Phase::Investigation);
    s.view.offers = vec![
        offer(1, 4, 1, OfferKind::Demand, Some(100)),
        offer(2, 3, 1, OfferKind::Demand, Some(900)),
    ];
    s.view.cases = vec![case(3, 3, 1, vec![], vec![4])];
    let out = run(&Sensible, &s);
    assert_eq!(
        out[0],
        M::Respond {
            offer: allssam_protocol::OfferId(1),
            accept: true
        }
    );
    assert_eq!(
        out[1],
        M::Respond {
            offer: allssam_protocol::OfferId(2),
            accept: false
        }
    );
    assert!(out.contains(&M::Offer {
        to: pid(4),
        kind: OfferKind::Bribe,
        amount: Some(100),
        favor: None
    }));
    assert!(out.contains(&M::Offer {
        to: pid(3),
        kind: OfferKind::Bribe,
        amount: Some(150),
        favor: None
    }));
}

#[test]
fn strategies_are_deterministic_given_a_seed_and_idle_when_imprisoned() {
    let mut s = room(Role::Donju, Phase::Dealing);
    s.view.offers = vec![offer(1, 2, 1, OfferKind::Bribe, Some(100))];
    s.view
        .infractions
        .push(infraction(10, InfractionKind::Bribery, 2, 1));
    let once = run(&Random, &s);
    assert!(!once.is_empty());
    assert_eq!(once, run(&Random, &s));
    assert_eq!(run(&Sensible, &s), run(&Sensible, &s));

    s.view.you.as_mut().unwrap().status = allssam_protocol::Status::Imprisoned;
    assert!(run(&Sensible, &s).is_empty());
    assert!(run(&Random, &s).is_empty());
}
