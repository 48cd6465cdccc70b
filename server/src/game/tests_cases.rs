//! Table tests for accusations (RULES.md §7), verdicts (§8) and the end (§9).
#![allow(clippy::unwrap_used)]

use allssam_protocol::{
    CaseId, Charge, ErrorCode, Event, InfractionKind, OfferKind, Phase, Role, RoomConfig,
    SentenceKind, Status, Verdict, Votes,
};

use super::testkit::{Table, pid};
use super::{Actor, Command, Viewer};

fn accuse(
    target: allssam_protocol::PlayerId,
    charge: Charge,
    evidence: Vec<allssam_protocol::InfractionId>,
) -> Command {
    Command::Accuse {
        target,
        charge,
        evidence,
    }
}

/// §7: every admissibility rule, refused with its reason; then filing,
/// tip-off and who learns of the case when.
#[test]
fn accusations() {
    use Charge::*;
    let mut t = Table::five();
    let (sec, man, pro, d1, d2) = (t.sec, t.man, t.pro, t.don, t.don2.unwrap());
    t.accept(d1, man, OfferKind::PerDiem, Some(100));
    let per_diem = t.only_infraction_between(d1, man);
    t.ok(
        Actor::Player(man),
        Command::Share {
            infraction: per_diem,
            to: sec,
        },
    );
    let demand = t.offer(sec, d2, OfferKind::Demand, Some(100));
    t.ok(
        Actor::Player(d2),
        Command::Respond {
            offer: demand,
            accept: true,
        },
    );
    let extortion = t.only_infraction_between(d2, sec);
    t.ok(
        Actor::Player(d2),
        Command::Share {
            infraction: extortion,
            to: man,
        },
    );
    t.accept(d1, pro, OfferKind::Bribe, Some(100));
    let bribery = t.only_infraction_between(d1, pro);
    t.accept(pro, man, OfferKind::Pact, None); // man–pro tie 2: a tip-off
    t.refused(
        Actor::Player(sec),
        accuse(man, Bribery, vec![per_diem]),
        ErrorCode::WrongPhase,
    );
    t.advance_to(Phase::Accusation);
    let rows = [
        (d1, accuse(man, Embezzlement, vec![]), ErrorCode::Forbidden),
        (
            sec,
            accuse(sec, Embezzlement, vec![]),
            ErrorCode::InvalidTarget,
        ),
        (
            sec,
            accuse(pid(77), Embezzlement, vec![]),
            ErrorCode::InvalidTarget,
        ),
        (sec, accuse(man, Bribery, vec![]), ErrorCode::Inadmissible),
        (
            sec,
            accuse(d1, Bribery, vec![bribery]),
            ErrorCode::UnknownInfraction,
        ),
        (
            sec,
            accuse(man, Embezzlement, vec![per_diem]),
            ErrorCode::Inadmissible,
        ),
        (
            sec,
            accuse(d1, Embezzlement, vec![]),
            ErrorCode::InvalidTarget,
        ),
        (
            sec,
            accuse(d1, PartyEntryBribe, vec![]),
            ErrorCode::InvalidTarget,
        ),
        (
            sec,
            accuse(man, AntiSocialist, vec![]),
            ErrorCode::InvalidTarget,
        ),
        (
            sec,
            accuse(d1, AntiSocialist, vec![]),
            ErrorCode::Inadmissible,
        ),
        (
            sec,
            accuse(pro, Bribery, vec![per_diem]),
            ErrorCode::Inadmissible,
        ),
        (
            sec,
            accuse(man, Bribery, vec![per_diem, per_diem]),
            ErrorCode::Inadmissible,
        ),
        (
            sec,
            accuse(man, AbuseOfAuthority, vec![per_diem]),
            ErrorCode::Inadmissible,
        ),
        (
            man,
            accuse(d1, Bribery, vec![per_diem]),
            ErrorCode::Inadmissible,
        ),
        (
            man,
            accuse(d2, Bribery, vec![extortion]),
            ErrorCode::Inadmissible,
        ),
    ];
    for (actor, command, code) in rows {
        t.refused(Actor::Player(actor), command, code);
    }
    let filed = t.ok(Actor::Player(sec), accuse(man, Bribery, vec![per_diem]));
    t.refused(
        Actor::Player(sec),
        accuse(pro, Embezzlement, vec![]),
        ErrorCode::LimitReached,
    );
    // Filing: case_opened to the accuser and the facilitator; tip-off to man.
    let opened: Vec<_> = filed
        .iter()
        .filter(|e| matches!(e.event, Event::CaseOpened { .. }))
        .collect();
    assert_eq!(opened.len(), 2);
    assert!(
        opened
            .iter()
            .all(|e| !e.audience.spectators && !e.audience.players.contains(man))
    );
    let tip = filed
        .iter()
        .find(|e| matches!(e.event, Event::TipOff { .. }))
        .unwrap();
    assert!(tip.audience.players.contains(man) && !tip.audience.players.contains(pro));
    assert!(
        t.view(Viewer::Player(man)).cases.is_empty(),
        "the accused sees it from investigation"
    );
    assert!(t.view(Viewer::Spectator).cases.is_empty());
    // The tipped-off manager files a counter-accusation (extortion by sec).
    t.ok(Actor::Player(man), accuse(sec, Bribery, vec![extortion]));
    // Spent evidence cannot be cited again.
    t.ok(
        Actor::Player(man),
        Command::Chat {
            text: "ok".into(),
            to: None,
        },
    );
    t.advance_to(Phase::Investigation);
    let d1_view = t.view(Viewer::Player(d1));
    assert_eq!(d1_view.cases.len(), 2);
    assert!(
        d1_view.cases[0].evidence.is_none(),
        "no evidence for a bystander"
    );
    let man_view = t.view(Viewer::Player(man));
    assert_eq!(man_view.cases[0].evidence, Some(vec![per_diem]));
    assert!(man_view.cases[0].evidence_detail.is_none());
    let pro_view = t.view(Viewer::Player(pro));
    assert_eq!(
        pro_view.cases[0].evidence_detail.as_ref().unwrap()[0].kind,
        InfractionKind::IllicitPerDiem
    );
    assert!(
        !t.knows(pro, per_diem),
        "shown in the case, not known for citing"
    );
    // Withdrawal: only the accuser, only in investigation.
    t.refused(
        Actor::Player(man),
        Command::WithdrawCase { case: CaseId(1) },
        ErrorCode::UnknownCase,
    );
    t.ok(
        Actor::Player(man),
        Command::WithdrawCase { case: CaseId(2) },
    );
    assert!(t.view(Viewer::Player(pro)).cases[1].hearers.is_empty());
    t.refused(
        Actor::Player(man),
        Command::WithdrawCase { case: CaseId(2) },
        ErrorCode::WrongPhase,
    );
    // Ruling on it says why nobody can.
    t.advance_to(Phase::Verdict);
    let why = t.refused(
        Actor::Player(pro),
        Command::Rule {
            case: CaseId(2),
            verdict: Verdict::Guilty,
        },
        ErrorCode::Forbidden,
    );
    assert_eq!(why, "Case 2 was withdrawn: nobody hears it.");
}

/// After the end, what only the lobby allows says the game is over.
#[test]
fn after_the_end_the_lobby_doors_say_the_game_is_over() {
    let mut t = Table::four();
    t.ok(Actor::Facilitator, Command::End);
    let don = t.don;
    let why = t.refused(Actor::Player(don), Command::Leave, ErrorCode::GameStarted);
    assert!(why.starts_with("The game is over"), "{why}");
}

/// §8: a protected cadre is reprimanded and the donju pays (the shrimp's
/// back); votes are the facilitator's alone.
#[test]
fn protected_cadre_and_the_shrimp() {
    let mut t = Table::four();
    let (sec, man, pro, don) = (t.sec, t.man, t.pro, t.don);
    t.accept(don, man, OfferKind::PerDiem, Some(100)); // don 1050 → 950
    let per_diem = t.only_infraction_between(don, man);
    t.ok(
        Actor::Player(man),
        Command::Share {
            infraction: per_diem,
            to: sec,
        },
    );
    t.accept(pro, man, OfferKind::Pact, None);
    t.advance_to(Phase::Accusation);
    t.ok(
        Actor::Player(sec),
        accuse(man, Charge::Bribery, vec![per_diem]),
    );
    t.advance_to(Phase::Verdict);
    t.refused(
        Actor::Player(sec),
        Command::Rule {
            case: CaseId(1),
            verdict: Verdict::Guilty,
        },
        ErrorCode::Forbidden,
    );
    t.refused(
        Actor::Player(pro),
        Command::Rule {
            case: CaseId(9),
            verdict: Verdict::Guilty,
        },
        ErrorCode::UnknownCase,
    );
    t.ok(
        Actor::Player(pro),
        Command::Rule {
            case: CaseId(1),
            verdict: Verdict::Acquit,
        },
    );
    let e = t.ok(
        Actor::Player(pro),
        Command::Rule {
            case: CaseId(1),
            verdict: Verdict::Guilty,
        },
    );
    assert!(e[0].audience.players.contains(pro) && !e[0].audience.players.contains(man));
    let events = t.advance();
    // pro guilty + head guilty (evidence) = 2–0: guilty.
    for e in events
        .iter()
        .filter(|e| matches!(e.event, Event::Verdict { .. }))
    {
        let Event::Verdict { verdict, votes, .. } = &e.event else {
            unreachable!()
        };
        assert_eq!(*verdict, Verdict::Guilty);
        assert_eq!(
            votes.is_some(),
            e.audience.facilitator && !e.audience.spectators
        );
    }
    // man has a tie with the hearing prosecutor: reprimanded; don imprisoned
    // until round 1 + 2 + 1 = 4, half of 950 = 475 confiscated.
    let sentences: Vec<_> = events
        .iter()
        .filter_map(|e| match e.event {
            Event::Sentence {
                player,
                sentence,
                amount,
                ..
            } => Some((player, sentence, amount)),
            _ => None,
        })
        .collect();
    assert_eq!(
        sentences,
        vec![
            (man, SentenceKind::Reprimanded, None),
            (don, SentenceKind::Imprisoned, Some(475))
        ]
    );
    assert_eq!(t.game.status_of(don), Some(Status::Imprisoned));
    assert_eq!(t.game.debrief().shrimp_count, 1);
    let case = &t.view(Viewer::Facilitator).cases[0];
    assert_eq!(
        case.votes,
        Some(Votes {
            guilty: 2,
            acquit: 0
        })
    );
    assert!(t.view(Viewer::Player(man)).cases[0].votes.is_none());
    // A prisoner takes no part; released at round 4's market.
    t.refused(Actor::Player(don), Command::Ready, ErrorCode::Forbidden);
    t.refused(
        Actor::Player(don),
        Command::Chat {
            text: "hi".into(),
            to: Some(sec),
        },
        ErrorCode::Forbidden,
    );
    t.refused(
        Actor::Player(sec),
        Command::Offer {
            to: don,
            kind: OfferKind::Pact,
            amount: None,
            favor: None,
        },
        ErrorCode::InvalidTarget,
    );
    t.advance_round(); // round 3
    assert_eq!(t.game.status_of(don), Some(Status::Imprisoned));
    t.advance_round(); // round 4
    assert_eq!(t.game.status_of(don), Some(Status::Free));
    assert!(t.money_is_conserved());
}

/// §8: an unprotected cadre is dismissed, his leases end, his donju are
/// punished; filing order; a prosecutor dismissed earlier loses his vote.
#[test]
fn dismissal_and_filing_order() {
    use Role::*;
    let roles = [
        Secretary, Manager, Prosecutor, Prosecutor, Donju, Donju, Donju,
    ];
    let (game, ids) = Table::with(&roles, RoomConfig::default());
    let mut t = Table {
        game,
        now: 0,
        sec: ids[0],
        man: ids[1],
        pro: ids[2],
        don: ids[4],
        don2: Some(ids[5]),
        pro2: Some(ids[3]),
    };
    let (sec, man, p1, p2, d1) = (t.sec, t.man, t.pro, ids[3], t.don);
    t.accept(d1, man, OfferKind::Lease, Some(50)); // illegal: no order
    let lease = t.infraction_of_kind(InfractionKind::IllegalLease);
    t.accept(p1, sec, OfferKind::Pact, None); // p1–sec 2
    t.advance_to(Phase::Accusation);
    // Case 1: sec vs p2 (no evidence). Case 2: p2 vs man. Case 3: ... sec
    // already filed; p1 vs man, illegal business (shared by sec).
    t.ok(Actor::Player(sec), accuse(p2, Charge::Embezzlement, vec![]));
    t.ok(
        Actor::Player(p2),
        accuse(man, Charge::PartyEntryBribe, vec![]),
    );
    t.ok(
        Actor::Player(sec),
        Command::Share {
            infraction: lease,
            to: p1,
        },
    );
    t.ok(
        Actor::Player(p1),
        accuse(man, Charge::IllegalBusiness, vec![lease]),
    );
    t.advance_to(Phase::Verdict);
    // p2 votes guilty on case 3, but case 1 dismisses him first.
    t.ok(
        Actor::Player(p2),
        Command::Rule {
            case: CaseId(3),
            verdict: Verdict::Acquit,
        },
    );
    t.ok(
        Actor::Player(p1),
        Command::Rule {
            case: CaseId(1),
            verdict: Verdict::Guilty,
        },
    );
    let events = t.advance();
    let verdicts: Vec<_> = events
        .iter()
        .filter(|e| e.audience.facilitator)
        .filter_map(|e| match e.event {
            Event::Verdict {
                case,
                verdict,
                votes,
                ..
            } => Some((case.0, verdict, votes.unwrap())),
            _ => None,
        })
        .collect();
    // Case 1: p1 guilty, head acquit (no evidence) → 1–1; sums: p1–sec 2 >
    // p1–p2 0 → guilty; p2 has no tie with p1 → dismissed.
    // Case 2: p1 has no tie with p2 or man → evidence (acquit); head acquit → 0–2.
    // Case 3: p1 accuses, p2 is dismissed: only the head hears it: 1–0.
    assert_eq!(
        verdicts,
        vec![
            (
                1,
                Verdict::Guilty,
                Votes {
                    guilty: 1,
                    acquit: 1
                }
            ),
            (
                2,
                Verdict::Acquit,
                Votes {
                    guilty: 0,
                    acquit: 2
                }
            ),
            (
                3,
                Verdict::Guilty,
                Votes {
                    guilty: 1,
                    acquit: 0
                }
            ),
        ]
    );
    assert_eq!(t.game.status_of(p2), Some(Status::Dismissed));
    assert_eq!(t.game.status_of(man), Some(Status::Dismissed));
    assert_eq!(t.game.status_of(d1), Some(Status::Imprisoned));
    assert!(t.game.leases.is_empty());
    assert!(
        events
            .iter()
            .any(|e| matches!(e.event, Event::LeaseEnded { .. }))
    );
    // p2's acquitted case 2 fined him 50 (of 320 − 160 confiscated = 160).
    assert_eq!(t.balance(p2), 110);
    let debrief = t.game.debrief();
    // Case 1 guilty vs evidence acquit: 2 of 3 matched.
    assert_eq!((debrief.cadres_dismissed, debrief.shrimp_count), (2, 1));
    assert!((debrief.justice_index.unwrap() - 2.0 / 3.0).abs() < 1e-9);
    // Dismissed: no salary, no accusations, no favors, no leases to him.
    t.refused(
        Actor::Player(man),
        Command::Offer {
            to: ids[5],
            kind: OfferKind::Favor,
            amount: None,
            favor: Some(allssam_protocol::Favor::Vehicle),
        },
        ErrorCode::Forbidden,
    );
    t.refused(
        Actor::Player(ids[5]),
        Command::Offer {
            to: man,
            kind: OfferKind::Lease,
            amount: Some(50),
            favor: None,
        },
        ErrorCode::InvalidTarget,
    );
    assert!(t.money_is_conserved());
}

/// §8: with nobody to hear it the evidence ruling stands; acquittal fines
/// the accuser, or all he has if less. §9: scores and the best of a role.
#[test]
fn nobody_hears_and_scores() {
    let config = RoomConfig {
        strict_head: false,
        rounds: 1,
        ..RoomConfig::default()
    };
    let mut t = Table::four_with(config);
    let (sec, man, pro, don) = (t.sec, t.man, t.pro, t.don);
    t.accept(don, man, OfferKind::Bribe, Some(150)); // tie 3: rumored
    t.advance_to(Phase::Accusation);
    t.ok(
        Actor::Player(sec),
        accuse(pro, Charge::Embezzlement, vec![]),
    );
    let events = t.advance_to(Phase::Ended);
    assert!(events.iter().any(|e| matches!(
        e.event,
        Event::Verdict {
            verdict: Verdict::Acquit,
            ..
        }
    )));
    assert_eq!(t.balance(sec), 270); // 320 − 50 fine
    let scores = t.view(Viewer::Spectator).scores.unwrap();
    // man: 320 + 150 + 50 for one rumored tie = 520; don: 1050 − 150 = 900.
    let score = |p| scores.iter().find(|s| s.player == p).unwrap().score;
    assert_eq!((score(man), score(don), score(pro)), (520, 900, 320));
    assert!(scores.iter().all(|s| s.best));
    assert_eq!(t.game.totals().confiscated, 50);
}
