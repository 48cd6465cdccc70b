//! The texts about cases and the end: evidence described (never a wire
//! id), who hears a case, leases, what the facilitator is told, and the
//! debrief's scores and money check.
#![allow(clippy::unwrap_used)]

use allssam_protocol::{
    BalanceReason, CaseId, CaseInfo, Charge, Debrief, Event, InfractionId, InfractionKind,
    LeaseInfo, MarketReport, Phase, Role, Score, SentenceKind, Verdict,
};

use crate::describe;
use crate::panel::{debrief, status};
use crate::testkit::{case, facilitator, infraction, learned, pid, room};

/// Case 1: Choi (6) accuses Lee (5) of illegal business citing an illegal
/// lease Lee–Kang (wire id 819986350) and a bribe Lee–Kang (wire id 4242).
fn cited_case() -> CaseInfo {
    let mut lease = infraction(819_986_350, InfractionKind::IllegalLease, 5, 3);
    lease.amount = Some(120);
    let bribe = infraction(4242, InfractionKind::Bribery, 5, 3);
    CaseInfo {
        charge: Charge::IllegalBusiness,
        evidence: Some(vec![lease.id, bribe.id]),
        evidence_detail: Some(vec![lease, bribe]),
        hearers: vec![pid(1)],
        ..case(1, 1, 6, 5)
    }
}

#[test]
fn a_hearing_prosecutor_reads_the_evidence_not_wire_ids() {
    let mut s = room(Role::Prosecutor, Phase::Investigation);
    s.apply(&Event::CaseOpened { case: cited_case() });
    let panel = status(&s);
    assert!(
        panel.contains(
            "case 1: Choi accuses Lee of illegal business (evidence: illegal lease Lee–Kang, \
             round 1, 120 won; bribery Lee–Kang, round 1, 100 won)"
        ),
        "{panel}"
    );
    assert!(
        !panel.contains("819986350") && !panel.contains("4242"),
        "{panel}"
    );
    let opened = describe::event(&s, &Event::CaseOpened { case: cited_case() }).unwrap();
    assert!(
        opened.contains("(evidence: illegal lease Lee–Kang"),
        "{opened}"
    );
}

#[test]
fn evidence_we_know_has_its_number_and_the_rest_is_unseen() {
    // The accused sees the ids only: one infraction he knows, one he does not.
    let mut s = room(Role::Donju, Phase::Investigation);
    s.apply(&learned(infraction(4242, InfractionKind::Bribery, 1, 3)));
    let c = CaseInfo {
        evidence: Some(vec![InfractionId(819_986_350), InfractionId(4242)]),
        evidence_detail: None,
        ..case(1, 1, 6, 1)
    };
    s.apply(&Event::CaseOpened { case: c });
    let panel = status(&s);
    assert!(
        panel.contains(
            "(evidence: an infraction you have not seen; [infraction 1] bribery Me–Kang, \
             round 1, 100 won)"
        ),
        "{panel}"
    );
    assert!(!panel.contains('#'), "{panel}");
}

#[test]
fn a_prosecutor_sees_which_cases_he_hears() {
    let mut s = room(Role::Prosecutor, Phase::Verdict);
    s.apply(&Event::CaseOpened { case: cited_case() });
    let mut other = case(2, 1, 2, 6);
    other.hearers = vec![pid(4)];
    s.apply(&Event::CaseOpened { case: other });
    let mut withdrawn = case(3, 1, 3, 5);
    withdrawn.hearers = vec![pid(1)];
    s.apply(&Event::CaseOpened { case: withdrawn });
    s.apply(&Event::CaseWithdrawn { case: CaseId(3) });
    let line = |s: &crate::state::State, n: u32| {
        let panel = status(s);
        panel
            .lines()
            .find(|l| l.trim_start().starts_with(&format!("case {n}:")))
            .unwrap()
            .to_string()
    };
    let first = line(&s, 1);
    assert!(
        first.ends_with(" — you hear it: `rule 1 guilty|acquit`"),
        "{first}"
    );
    assert!(!line(&s, 2).contains("you hear it"), "{}", line(&s, 2));
    assert!(line(&s, 3).ends_with(" — withdrawn"), "{}", line(&s, 3));
    s.apply(&Event::RulingRecorded {
        case: CaseId(1),
        prosecutor: pid(1),
        verdict: Verdict::Acquit,
    });
    assert!(
        line(&s, 1).ends_with("(you ruled acquit)"),
        "{}",
        line(&s, 1)
    );
    s.view.phase = Phase::Investigation;
    assert!(line(&s, 1).ends_with(" — you hear it"), "{}", line(&s, 1));
}

#[test]
fn a_manager_sees_every_lease_he_is_party_to() {
    let mut s = room(Role::Manager, Phase::Dealing);
    for (donju, rent) in [(5, 120), (6, 80)] {
        s.apply(&Event::LeaseStarted {
            donju: pid(donju),
            manager: pid(1),
            rent: Some(rent),
        });
    }
    s.view.leases.push(LeaseInfo {
        donju: pid(2),
        manager: pid(3),
        rent: None,
    });
    let panel = status(&s);
    assert!(
        panel.contains("Lease: Lee rents factory space from you, 120 won a month\n"),
        "{panel}"
    );
    assert!(
        panel.contains("Lease: Choi rents factory space from you, 80 won a month\n"),
        "{panel}"
    );
    assert_eq!(panel.matches("Lease:").count(), 2, "{panel}");
    let mut tenant = room(Role::Donju, Phase::Dealing);
    tenant.apply(&Event::LeaseStarted {
        donju: pid(1),
        manager: pid(3),
        rent: Some(60),
    });
    let panel = status(&tenant);
    assert!(
        panel.contains("Lease: you rent factory space from Kang, 60 won a month\n"),
        "{panel}"
    );
}

#[test]
fn the_facilitator_is_told_of_a_tip_off_not_warned() {
    let mut s = facilitator(Phase::Accusation);
    s.apply(&Event::CaseOpened {
        case: case(5, 1, 2, 5),
    });
    let tip = Event::TipOff {
        case: CaseId(5),
        accuser: pid(2),
        charge: Charge::Bribery,
    };
    assert_eq!(
        describe::event(&s, &tip).unwrap(),
        "Tip-off to Lee: Kim has accused him of bribery (case 5)."
    );
    let player = room(Role::Donju, Phase::Accusation);
    assert!(
        describe::event(&player, &tip)
            .unwrap()
            .starts_with("A friend in the prosecutor's office warns you: Kim")
    );
}

#[test]
fn the_facilitator_is_told_who_shared_an_infraction() {
    let mut s = facilitator(Phase::Dealing);
    let recorded = learned(infraction(77, InfractionKind::Bribery, 5, 4));
    s.apply(&recorded);
    assert_eq!(
        describe::event(&s, &recorded).unwrap(),
        "Infraction 1: bribery Lee–Park, round 1, 100 won."
    );
    let shared = Event::InfractionLearned {
        infraction: infraction(77, InfractionKind::Bribery, 5, 4),
        from: Some(pid(2)),
    };
    s.apply(&shared);
    assert_eq!(
        describe::event(&s, &shared).unwrap(),
        "Kim shared infraction 1: bribery Lee–Park, round 1, 100 won."
    );
    // A player is told in the second person, with who told him.
    let mut player = room(Role::Donju, Phase::Dealing);
    player.apply(&shared);
    assert_eq!(
        describe::event(&player, &shared).unwrap(),
        "You know infraction 1: bribery Lee–Park, round 1, 100 won (told by Kim)."
    );
}

fn ended(scores: Vec<Score>, confiscated: u64) -> Event {
    Event::GameEnded {
        scores,
        debrief: Debrief {
            justice_index: Some(1.0),
            shrimp_count: 0,
            cadres_dismissed: 0,
            confiscated,
        },
    }
}

fn score(n: u8, role: Role, score: u64) -> Score {
    Score {
        player: pid(n),
        role,
        score,
        best: false,
    }
}

#[test]
fn a_fine_at_the_last_verdict_leaves_the_money_conserved() {
    // The last verdict fines Kim 50 won; the game ends without a phase
    // change (so without a fresh snapshot for the facilitator).
    let mut s = facilitator(Phase::Verdict);
    s.apply(&Event::CaseOpened {
        case: case(1, 1, 2, 5),
    });
    s.apply(&Event::BalanceChanged {
        player: pid(2),
        balance: 250,
        available: 250,
        reason: BalanceReason::Fined,
    });
    s.apply(&Event::Sentence {
        case: CaseId(1),
        player: pid(2),
        sentence: SentenceKind::Fined,
        amount: Some(50),
        until_round: None,
    });
    let told = debrief(&s);
    assert!(told.contains("(conserved)"), "{told}");
    s.apply(&ended(vec![], 50));
    let told = debrief(&s);
    assert!(told.contains("= 3850 (conserved)"), "{told}");
    assert_eq!(told.matches("Money:").count(), 1, "{told}");
}

#[test]
fn scores_say_what_they_are_made_of_and_are_not_won() {
    let mut s = facilitator(Phase::Verdict);
    s.view.players[1].balance = Some(600);
    s.view.players[2].status = allssam_protocol::Status::Dismissed;
    s.apply(&ended(
        vec![
            score(2, Role::Secretary, 750),
            score(3, Role::Manager, 300),
            score(5, Role::Donju, 1000),
        ],
        0,
    ));
    let told = debrief(&s);
    assert!(
        told.contains("Kim (secretary):") && told.contains("score 750 (600 won + 3 ties × 50)"),
        "{told}"
    );
    assert!(told.contains("score 300 (300 won)"), "{told}");
    assert!(told.contains("score 1000 (1000 won)"), "{told}");
    assert!(!told.contains(" won  "), "no score called won: {told}");
    // A player knows his own balance only.
    let mut me = room(Role::Prosecutor, Phase::Verdict);
    me.apply(&ended(
        vec![
            score(1, Role::Prosecutor, 350),
            score(2, Role::Secretary, 750),
        ],
        0,
    ));
    let told = debrief(&me);
    assert!(told.contains("score 350 (300 won + 1 tie × 50)"), "{told}");
    assert!(told.contains("score 750\n"), "{told}");
}

#[test]
fn the_debrief_describes_the_evidence_of_each_case() {
    let mut s = facilitator(Phase::Verdict);
    s.apply(&Event::CaseOpened { case: cited_case() });
    s.apply(&ended(vec![], 0));
    let told = debrief(&s);
    let line = told
        .lines()
        .find(|l| l.contains("round 1: case 1:"))
        .unwrap();
    assert!(
        line.contains("(evidence: illegal lease Lee–Kang, round 1, 120 won; bribery Lee–Kang"),
        "{told}"
    );
    assert!(!line.contains("evidence: 1"), "{told}");
}

#[test]
fn the_facilitator_is_given_no_market_report_as_his_own() {
    let market = Event::PhaseChanged {
        round: 2,
        phase: Phase::Dealing,
        skipped: vec![],
        market: Some(MarketReport {
            income: 50,
            ..MarketReport::default()
        }),
        deadline_ms: None,
    };
    let told = describe::event(&facilitator(Phase::Verdict), &market).unwrap();
    assert_eq!(told, "── Round 2: dealing ──");
    let player = describe::event(&room(Role::Donju, Phase::Verdict), &market).unwrap();
    assert!(player.contains("\nMarket: income 50"), "{player}");
}
