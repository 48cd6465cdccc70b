//! A scripted game of two rounds with every balance, tie, verdict and
//! sentence computed by hand (the arithmetic is in the comments).
#![allow(clippy::unwrap_used)]

use allssam_protocol::{
    CaseId, Charge, Event, InfractionKind, OfferKind, Phase, RoomConfig, SentenceKind, Status,
    Verdict,
};

use super::testkit::Table;
use super::{Actor, Command, Viewer};

fn balances(t: &Table, ids: [allssam_protocol::PlayerId; 5]) -> [u64; 5] {
    ids.map(|id| t.balance(id))
}

fn sentences(
    events: &[super::Emitted],
) -> Vec<(allssam_protocol::PlayerId, SentenceKind, Option<u64>)> {
    events
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
        .collect()
}

#[test]
fn two_rounds_by_hand() {
    let mut t = Table::five();
    t.game.config = RoomConfig {
        rounds: 2,
        ..RoomConfig::default()
    };
    let (sec, man, pro, d1, d2) = (t.sec, t.man, t.pro, t.don, t.don2.unwrap());
    let all = [sec, man, pro, d1, d2];

    // Round 1 market: cadres 300 + 20 salary = 320; donju 1000 + 50 = 1050.
    assert_eq!(balances(&t, all), [320, 320, 320, 1050, 1050]);

    // --- Round 1, dealing ---
    // d1 leases from man at 100 (no order: illegal_lease, the secretary
    // knows): d1 1050 − 100 = 950, man 320 + 100 = 420; tie d1–man 1.
    t.accept(d1, man, OfferKind::Lease, Some(100));
    let lease = t.infraction_of_kind(InfractionKind::IllegalLease);
    assert!(t.knows(sec, lease));
    // d1 pays a per diem of 150: d1 800, man 570; tie +floor(150/50) = 4:
    // at the threshold 3 word gets around.
    let e = t.accept(d1, man, OfferKind::PerDiem, Some(150));
    assert!(e.iter().any(|e| matches!(e.event, Event::Rumor { .. })));
    assert_eq!(t.game.strength(d1, man), 4);
    // man grants d2 a vehicle: tie man–d2 1, bonus +100 next market.
    t.accept(man, d2, OfferKind::Favor, None);
    // sec demands 100 from d2, who refuses: a harassment next market.
    let demand = t.offer(sec, d2, OfferKind::Demand, Some(100));
    t.ok(
        Actor::Player(d2),
        Command::Respond {
            offer: demand,
            accept: false,
        },
    );
    // d2 bribes pro 100: d2 950, pro 420; tie d2–pro 2.
    t.accept(d2, pro, OfferKind::Bribe, Some(100));
    assert_eq!(balances(&t, all), [320, 570, 420, 800, 950]);

    // --- Round 1, accusation: sec charges man with illegal business ---
    t.advance_to(Phase::Accusation);
    let filed = t.ok(
        Actor::Player(sec),
        Command::Accuse {
            target: man,
            charge: Charge::IllegalBusiness,
            evidence: vec![lease],
        },
    );
    // man has no tie with pro, the one hearer: no tip-off.
    assert!(
        !filed
            .iter()
            .any(|e| matches!(e.event, Event::TipOff { .. }))
    );

    // --- Investigation: man pays his accuser 100, on trust ---
    t.advance_to(Phase::Investigation);
    t.accept(man, sec, OfferKind::Bribe, Some(100)); // man 470, sec 420; tie 2
    assert_eq!(balances(&t, all), [420, 470, 420, 800, 950]);

    // --- Verdict: nobody rules ---
    t.advance_to(Phase::Verdict);
    let events = t.advance_round();
    // pro's ties: to sec 0, to man 0 → the evidence ruling (guilty); the
    // head guilty: 2–0 guilty. man has no tie with pro: dismissed, half of
    // 470 = 235 confiscated; his lease ends; d1, party of the cited lease,
    // imprisoned until 1 + 2 + 1 = 4, half of 800 = 400 confiscated.
    assert!(events.iter().any(|e| matches!(
        e.event,
        Event::Verdict {
            case: CaseId(1),
            verdict: Verdict::Guilty,
            ..
        }
    )));
    assert_eq!(
        sentences(&events),
        vec![
            (man, SentenceKind::Dismissed, Some(235)),
            (d1, SentenceKind::Imprisoned, Some(400))
        ]
    );
    assert!(
        events
            .iter()
            .any(|e| matches!(e.event, Event::LeaseEnded { .. }))
    );
    assert_eq!(t.game.status_of(man), Some(Status::Dismissed));
    // Round 2 market: salaries to sec and pro only (440, 440); man 235;
    // d1 in prison earns nothing (400); d2: 50 + vehicle 100 = 150, one
    // harassment (sec is still a free cadre) cuts floor(150 × 25 %) = 37:
    // 113 → 950 + 113 = 1063. No rent (the lease ended). No decay: every
    // tie's last exchange was in round 1 = 2 − 1.
    assert_eq!((t.game.round(), t.game.phase()), (2, Phase::Dealing));
    assert_eq!(balances(&t, all), [440, 235, 440, 400, 1063]);
    let report = events
        .iter()
        .find_map(|e| match &e.event {
            Event::PhaseChanged {
                market: Some(m), ..
            } if e.audience.players.contains(d2) => Some(m.clone()),
            _ => None,
        })
        .unwrap();
    assert_eq!(
        (report.income, report.harassments, report.harassment_cut),
        (113, 1, 37)
    );
    // Money: 2900 start + salaries (60 + 40) + income (100 + 113)
    // − confiscated 635 = 2578 = 440 + 235 + 440 + 400 + 1063.
    let totals = t.game.totals();
    assert_eq!(
        (
            totals.starting,
            totals.salaries,
            totals.income,
            totals.confiscated
        ),
        (2900, 100, 213, 635)
    );
    assert!(t.money_is_conserved());

    // --- Round 2, dealing: d2 bribes pro 200 ---
    // d2 863, pro 640; tie d2–pro 2 + 4 = 6: word gets around.
    t.accept(d2, pro, OfferKind::Bribe, Some(200));
    let bribe = t
        .game
        .infractions
        .values()
        .find(|i| i.round == 2 && i.kind == InfractionKind::Bribery)
        .unwrap()
        .id;
    t.ok(
        Actor::Player(d2),
        Command::Share {
            infraction: bribe,
            to: sec,
        },
    );
    assert_eq!(t.game.strength(d2, pro), 6);
    let rumors = t.view(Viewer::Spectator).rumors;
    assert_eq!(rumors.len(), 2); // d1–man (round 1), d2–pro (round 2)

    // --- Accusation: sec charges pro with bribery, citing it ---
    t.advance_to(Phase::Accusation);
    t.ok(
        Actor::Player(sec),
        Command::Accuse {
            target: pro,
            charge: Charge::Bribery,
            evidence: vec![bribe],
        },
    );
    // --- Verdict, the last: the game ends ---
    let events = t.advance_to(Phase::Ended);
    // pro is the accused, so only the head hears it: evidence guilty, 1–0.
    // pro has no hearer to protect him: dismissed, half of 640 = 320; d2,
    // party of the bribe (no extortion victim): imprisoned until
    // 2 + 2 + 1 = 5, floor(863 / 2) = 431 confiscated → 432.
    assert_eq!(
        sentences(&events),
        vec![
            (pro, SentenceKind::Dismissed, Some(320)),
            (d2, SentenceKind::Imprisoned, Some(431))
        ]
    );
    assert_eq!(balances(&t, all), [440, 235, 320, 400, 432]);
    // 2578 − 320 − 431 = 1827 = 440 + 235 + 320 + 400 + 432.
    assert!(t.money_is_conserved());
    let Some(Event::GameEnded { scores, debrief }) = events.last().map(|e| e.event.clone()) else {
        panic!()
    };
    // Scores: sec 440 (his one tie, with man, is 2 < 3: no bonus); the
    // dismissed score their balance only.
    let score = |p| scores.iter().find(|s| s.player == p).unwrap().score;
    assert_eq!(all.map(score), [440, 235, 320, 400, 432]);
    // Both verdicts matched the evidence: justice 1; two shrimp; two
    // cadres dismissed; 635 + 320 + 431 = 1386 confiscated.
    assert_eq!(debrief.justice_index, Some(1.0));
    assert_eq!(
        (
            debrief.shrimp_count,
            debrief.cadres_dismissed,
            debrief.confiscated
        ),
        (2, 2, 1386)
    );
}
