//! The texts people read: the status panel at a glance, offers with their
//! short numbers and how to answer them, refusals as plain sentences.
#![allow(clippy::unwrap_used)]

use allssam_protocol::{ErrorCode, ErrorMessage, Event, InfractionKind, OfferKind, Phase, Role};

use crate::describe;
use crate::panel::status;
use crate::testkit::{infraction, offer, pid, room, tie};

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
    s.apply(&Event::InfractionLearned {
        infraction: infraction(99_999, InfractionKind::Bribery, 1, 4),
        from: None,
    });
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
        panel.contains("[infraction 1] bribery Me–Park, round 1"),
        "{panel}"
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
    let joined = Event::PlayerUpdated {
        player: pid(2),
        role: None,
        status: None,
        connected: Some(true),
        wealth_tier: None,
        ready: None,
        until_round: None,
    };
    assert_eq!(describe::event(&s, &joined), None, "no news in the lobby");
}
