//! The texts people read: the status panel at a glance, offers with their
//! short numbers and how to answer them, refusals as plain sentences.
#![allow(clippy::unwrap_used)]

use allssam_protocol::{
    CaseId, ErrorCode, ErrorMessage, Event, InfractionKind, MarketReport, OfferKind, Phase, Role,
    SentenceKind, Verdict, Votes, WealthTier,
};

use crate::describe;
use crate::panel::status;
use crate::testkit::{case, connected, infraction, learned, offer, pid, room, tie};

fn refusal(code: ErrorCode, message: &str) -> ErrorMessage {
    ErrorMessage {
        req: Some(1),
        code,
        message: message.into(),
        detail: None,
    }
}

#[test]
fn the_status_panel_reads_at_a_glance() {
    let mut s = room(Role::Donju, Phase::Dealing);
    s.view.you.as_mut().unwrap().available = 800;
    s.view.ties.push(tie(3, 2));
    s.apply(&Event::OfferMade {
        offer: offer(77_777, 3, 1, OfferKind::Demand, Some(50)),
    });
    s.apply(&Event::OfferMade {
        offer: offer(88_888, 1, 4, OfferKind::Bribe, Some(200)),
    });
    s.apply(&learned(infraction(99_999, InfractionKind::Bribery, 1, 4)));
    let panel = status(&s);
    let lines: Vec<&str> = panel.lines().collect();
    assert!(
        lines[0].contains("round 1 of 6, dealing") && lines[0].contains("s left"),
        "{panel}"
    );
    assert_eq!(
        lines[1],
        "You: Me, donju, free — balance 1000 won, available 800 (200 held for your open offers)"
    );
    assert!(
        panel.contains("\n  Kang           manager     comfortable\n"),
        "{panel}"
    );
    assert!(panel.contains("(you)"), "{panel}");
    assert!(panel.contains("Your ties: Kang 2"), "{panel}");
    // Short numbers, "you", and how to act on them.
    assert!(panel.contains("Open offers (`accept N`"), "{panel}");
    assert!(
        panel.contains("[offer 1] Kang → you: a demand for 50 won"),
        "{panel}"
    );
    assert!(
        panel.contains("[offer 2] you → Park: a bribe of 200 won"),
        "{panel}"
    );
    assert!(
        panel.contains("[infraction 1] bribery Me–Park, round 1, 100 won\n"),
        "two bribes between the same two differ by their amounts: {panel}"
    );
    assert!(
        !panel.contains("77777") && !panel.contains("99999"),
        "{panel}"
    );
}

#[test]
fn an_offer_to_us_says_how_to_answer_it() {
    let mut s = room(Role::Donju, Phase::Dealing);
    let made = Event::OfferMade {
        offer: offer(5, 3, 1, OfferKind::Demand, Some(50)),
    };
    s.apply(&made);
    let line = describe::event(&s, &made).unwrap();
    assert_eq!(
        line,
        "New [offer 1] Kang → you: a demand for 50 won — `accept 1` or `reject 1`"
    );
}

#[test]
fn refusals_are_plain_sentences_that_do_not_repeat_the_server() {
    let s = room(Role::Secretary, Phase::Dealing);
    // The server's sentence already says when: nothing is added.
    let msg = "You can accuse only in the accusation phase; it opens in 1 min 20 s.";
    assert_eq!(
        describe::refusal(&s, &refusal(ErrorCode::WrongPhase, msg)),
        msg
    );
    // A request that crossed a phase change: the room's clock now.
    let moved = refusal(
        ErrorCode::WrongPhase,
        "the room has moved on to another round or phase",
    );
    let line = describe::refusal(&s, &moved);
    assert!(
        line.starts_with(
            "Not done: the room moved on while you typed (now round 1 of 6, dealing, "
        ),
        "{line}"
    );
    // Lowercase server text becomes a sentence.
    let odd = refusal(ErrorCode::Forbidden, "only the secretary may do that");
    assert_eq!(
        describe::refusal(&s, &odd),
        "Only the secretary may do that."
    );
}

#[test]
fn our_own_role_is_told_to_us() {
    let s = room(Role::Donju, Phase::Lobby);
    let mine = Event::PlayerUpdated {
        player: pid(1),
        role: Some(Role::Donju),
        status: None,
        connected: None,
        wealth_tier: None,
        ready: None,
        until_round: None,
    };
    assert!(
        describe::event(&s, &mine)
            .unwrap()
            .starts_with("You are the donju.")
    );
    let joined = connected(2, true);
    assert_eq!(describe::event(&s, &joined), None, "no news in the lobby");
    let left = connected(2, false);
    let over = room(Role::Donju, Phase::Ended);
    assert_eq!(
        describe::event(&over, &left),
        None,
        "no news after the game"
    );
    let playing = room(Role::Donju, Phase::Dealing);
    assert_eq!(
        describe::event(&playing, &left).as_deref(),
        Some("Kim lost the connection.")
    );
}

#[test]
fn refusals_name_offers_and_infractions_by_their_short_numbers() {
    let mut s = room(Role::Secretary, Phase::Accusation);
    for id in [2_779_283_174, 40] {
        s.apply(&learned(infraction(id, InfractionKind::Bribery, 4, 5)));
    }
    s.apply(&Event::OfferMade {
        offer: offer(31_337, 1, 2, OfferKind::Bribe, Some(100)),
    });
    let line = |message| describe::refusal(&s, &refusal(ErrorCode::Inadmissible, message));
    assert_eq!(
        line("Kim is no party of infraction 2779283174"),
        "Kim is no party of infraction 1."
    );
    assert_eq!(
        line("infraction 40 is cited twice; extortion #2779283174 too"),
        "Infraction 2 is cited twice; extortion #1 too."
    );
    assert_eq!(
        line("You have no offer 31337 to answer."),
        "You have no offer 1 to answer."
    );
    // Case and round numbers are public, unknown ids and parts of words stay.
    assert_eq!(
        line("There is no case 40 in round 40; offer 999 or x40"),
        "There is no case 40 in round 40; offer 999 or x40."
    );
    // An amount that happens to equal an id is an amount.
    assert_eq!(
        line("You have only 40 won available"),
        "You have only 40 won available."
    );
}

fn verdict(case: u32, guilty: u32, acquit: u32) -> Event {
    Event::Verdict {
        case: CaseId(case),
        verdict: Verdict::Guilty,
        evidence_ruling: Verdict::Guilty,
        votes: Some(Votes { guilty, acquit }),
    }
}

#[test]
fn a_verdict_says_when_the_head_of_the_office_voted() {
    let mut s = room(Role::Donju, Phase::Verdict);
    s.apply(&Event::CaseOpened {
        case: case(1, 1, 2, 5),
    });
    let mut unheaded = case(2, 1, 2, 6);
    unheaded.head_hears = false;
    s.apply(&Event::CaseOpened { case: unheaded });
    assert_eq!(
        describe::event(&s, &verdict(1, 2, 0)).unwrap(),
        "Verdict on case 1: guilty (votes 2–0, the head of the office included)."
    );
    assert_eq!(
        describe::event(&s, &verdict(2, 1, 0)).unwrap(),
        "Verdict on case 2: guilty (votes 1–0)."
    );
}

fn prison(until_round: u32) -> Event {
    Event::Sentence {
        case: CaseId(1),
        player: pid(5),
        sentence: SentenceKind::Imprisoned,
        amount: None,
        until_round: Some(until_round),
    }
}

#[test]
fn a_release_after_the_last_round_is_the_end_of_the_game() {
    let mut s = room(Role::Donju, Phase::Verdict);
    s.view.rounds = 4;
    s.apply(&Event::CaseOpened {
        case: case(1, 1, 2, 5),
    });
    assert_eq!(
        describe::event(&s, &prison(4)).unwrap(),
        "Lee goes to prison until round 4."
    );
    assert_eq!(
        describe::event(&s, &prison(6)).unwrap(),
        "Lee goes to prison until the end of the game."
    );
    s.apply(&prison(6));
    let panel = status(&s);
    assert!(
        panel.contains("comfortable, imprisoned until the end of the game\n"),
        "{panel}"
    );
}

fn market(round: u32, report: MarketReport) -> Event {
    Event::PhaseChanged {
        round,
        phase: Phase::Dealing,
        skipped: vec![],
        market: Some(report),
        deadline_ms: None,
    }
}

#[test]
fn the_market_line_leaves_out_what_is_zero() {
    let s = room(Role::Donju, Phase::Verdict);
    let report = MarketReport {
        salary: 0,
        income: 38,
        harassments: 1,
        harassment_cut: 12,
        rent_paid: 0,
        rent_received: 0,
        released: true,
    };
    let told = describe::event(&s, &market(2, report.clone())).unwrap();
    let lines: Vec<&str> = told.lines().collect();
    assert_eq!(
        lines[2..],
        [
            "Market: income 38 — your balance is 1000 won",
            "   Harassed: one of your workers has been apprehended (12 won of income lost).",
            "   You are released from prison.",
        ],
        "{told}"
    );
    let twice = MarketReport {
        harassments: 2,
        harassment_cut: 25,
        released: false,
        ..report
    };
    let told = describe::event(&s, &market(1, twice)).unwrap();
    assert!(
        told.ends_with(
            "\nMarket: income 38\n   Harassed 2 times: 2 of your workers have been apprehended (25 won of income lost)."
        ),
        "{told}"
    );
    let nothing = MarketReport {
        income: 0,
        harassments: 0,
        harassment_cut: 0,
        released: false,
        ..report
    };
    let told = describe::event(&s, &market(1, nothing)).unwrap();
    assert!(told.ends_with("\nMarket: nothing earned"), "{told}");
    for line in told.lines() {
        assert!(!line.starts_with(' ') || line.starts_with("   "), "{told}");
    }
}

#[test]
fn the_table_marks_us_without_a_stray_comma_and_cases_go_by_number() {
    let mut s = room(Role::Donju, Phase::Investigation);
    s.view.players[0].wealth_tier = WealthTier::Conspicuous;
    s.apply(&Event::CaseOpened {
        case: case(2, 1, 2, 5),
    });
    s.apply(&Event::CaseOpened {
        case: case(1, 1, 3, 6),
    });
    let panel = status(&s);
    assert!(
        panel.contains("\n  Me             donju       conspicuous (you)\n"),
        "{panel}"
    );
    let one = panel.find("case 1:").unwrap();
    let two = panel.find("case 2:").unwrap();
    assert!(one < two, "{panel}");
    let lobby = status(&room(Role::Donju, Phase::Lobby));
    assert!(
        lobby.contains("\n  Me             donju       (you)\n"),
        "{lobby}"
    );
}
