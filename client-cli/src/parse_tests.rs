//! Table tests of the command parser: every command, every bad form and its message.
#![allow(clippy::unwrap_used)]

use allssam_protocol::{
    CaseId, Charge, ClientMessage as M, Event, Favor, InfractionId, InfractionKind, OfferId,
    OfferKind, Phase, Role, Verdict,
};

use super::{Input, parse};
use crate::state::State;
use crate::testkit::{infraction, learned, offer, pid, room};

/// Me (1), Kim (2), Kang (3), Park (4), Lee (5), Choi (6); offer 1 = id 4000000001
/// (Kim → me), offer 2 = id 77 (me → Kang); infraction 1 = id 900, 2 = id 55.
fn fixture() -> State {
    let mut s = room(Role::Secretary, Phase::Dealing);
    for o in [
        offer(4_000_000_001, 2, 1, OfferKind::Bribe, Some(100)),
        offer(77, 1, 3, OfferKind::Pact, None),
    ] {
        s.apply(&Event::OfferMade { offer: o });
    }
    for i in [
        infraction(900, InfractionKind::Bribery, 4, 5),
        infraction(55, InfractionKind::Bribery, 4, 6),
    ] {
        s.apply(&learned(i));
    }
    s
}

fn offer_msg(to: u8, kind: OfferKind, amount: Option<i64>, favor: Option<Favor>) -> Input {
    Input::Send(M::Offer {
        to: pid(to),
        kind,
        amount,
        favor,
    })
}

#[test]
fn every_command_parses() {
    use OfferKind::*;
    let s = fixture();
    let table: Vec<(&str, Input)> = vec![
        ("offer bribe @Kim 200", offer_msg(2, Bribe, Some(200), None)),
        (
            "offer lease @Kang 120",
            offer_msg(3, Lease, Some(120), None),
        ),
        (
            "offer favor @Lee vehicle",
            offer_msg(5, Favor, None, Some(allssam_protocol::Favor::Vehicle)),
        ),
        (
            "offer favor lee Facilities",
            offer_msg(5, Favor, None, Some(allssam_protocol::Favor::Facilities)),
        ),
        (
            "offer per_diem @Kang 80",
            offer_msg(3, PerDiem, Some(80), None),
        ),
        (
            "offer per-diem @kang 80won",
            offer_msg(3, PerDiem, Some(80), None),
        ),
        (
            "offer demand @Choi 100",
            offer_msg(6, Demand, Some(100), None),
        ),
        ("offer pact @Lee", offer_msg(5, Pact, None, None)),
        ("OFFER bribe @pa 50", offer_msg(4, Bribe, Some(50), None)),
        (
            "accept 1",
            Input::Send(M::Respond {
                offer: OfferId(4_000_000_001),
                accept: true,
            }),
        ),
        (
            "reject 1",
            Input::Send(M::Respond {
                offer: OfferId(4_000_000_001),
                accept: false,
            }),
        ),
        (
            "withdraw 2",
            Input::Send(M::Withdraw { offer: OfferId(77) }),
        ),
        (
            "withdraw 77",
            Input::Send(M::Withdraw { offer: OfferId(77) }),
        ),
        (
            "share 1 @Park",
            Input::Send(M::Share {
                infraction: InfractionId(900),
                to: pid(4),
            }),
        ),
        ("order", Input::Send(M::Order)),
        (
            "accuse @Park bribery 1,2",
            Input::Send(M::Accuse {
                target: pid(4),
                charge: Charge::Bribery,
                evidence: vec![InfractionId(900), InfractionId(55)],
            }),
        ),
        (
            "accuse @Park bribery 1, 2",
            Input::Send(M::Accuse {
                target: pid(4),
                charge: Charge::Bribery,
                evidence: vec![InfractionId(900), InfractionId(55)],
            }),
        ),
        (
            "accuse @Kang embezzlement",
            Input::Send(M::Accuse {
                target: pid(3),
                charge: Charge::Embezzlement,
                evidence: vec![],
            }),
        ),
        (
            "accuse @Lee anti_socialist",
            Input::Send(M::Accuse {
                target: pid(5),
                charge: Charge::AntiSocialist,
                evidence: vec![],
            }),
        ),
        (
            "withdraw_case 2",
            Input::Send(M::WithdrawCase { case: CaseId(2) }),
        ),
        (
            "rule 2 guilty",
            Input::Send(M::Rule {
                case: CaseId(2),
                verdict: Verdict::Guilty,
            }),
        ),
        (
            "rule 3 acquit",
            Input::Send(M::Rule {
                case: CaseId(3),
                verdict: Verdict::Acquit,
            }),
        ),
        (
            "say  hello all ",
            Input::Send(M::Chat {
                text: "hello all".into(),
                to: None,
            }),
        ),
        (
            "whisper @Lee meet me at 8",
            Input::Send(M::Chat {
                text: "meet me at 8".into(),
                to: Some(pid(5)),
            }),
        ),
        ("ready", Input::Send(M::Ready)),
        ("status", Input::Status),
        ("help", Input::Help),
        ("quit", Input::Quit),
        ("   ", Input::Nothing),
    ];
    for (line, want) in table {
        assert_eq!(parse(line, &s), Ok(want), "line: {line}");
    }
}

#[test]
fn every_bad_form_has_its_message() {
    let s = fixture();
    let long = format!("say {}", "x".repeat(501));
    let table: Vec<(&str, &str)> = vec![
        (
            "dance",
            "Unknown command `dance`. Type `help` for the list.",
        ),
        ("acept 1", "Unknown command `acept`. Did you mean `accept`?"),
        (
            "wisper @Lee hi",
            "Unknown command `wisper`. Did you mean `whisper`?",
        ),
        ("stauts", "Unknown command `stauts`. Did you mean `status`?"),
        (
            "offer",
            "Usage: offer KIND @PLAYER [AMOUNT | vehicle | facilities]; kinds: bribe, per_diem, lease, favor, demand, pact",
        ),
        (
            "offer bribe",
            "Usage: offer KIND @PLAYER [AMOUNT | vehicle | facilities]; kinds: bribe, per_diem, lease, favor, demand, pact",
        ),
        (
            "offer gift @Kim 5",
            "`gift` is not a kind of offer: bribe, per_diem, lease, favor, demand, pact",
        ),
        ("offer bribe @Zed 5", "Nobody here is called `Zed`."),
        (
            "offer bribe @K 5",
            "`K` could be Kim or Kang; type more of the name.",
        ),
        ("offer bribe @ 5", "Name a player after the @, e.g. @Kim"),
        (
            "offer bribe @Kim",
            "A bribe needs an amount: offer bribe @Name 100",
        ),
        (
            "offer lease @Kang",
            "A lease needs the monthly rent: offer lease @Name 100",
        ),
        (
            "offer per_diem @Kang",
            "A per diem needs an amount: offer per_diem @Name 100",
        ),
        (
            "offer bribe @Kim lots",
            "`lots` is not an amount of won (a whole number from 1 to 1000000000).",
        ),
        (
            "offer bribe @Kim 0",
            "`0` is not an amount of won (a whole number from 1 to 1000000000).",
        ),
        (
            "offer bribe @Kim -5",
            "`-5` is not an amount of won (a whole number from 1 to 1000000000).",
        ),
        (
            "offer bribe @Kim 1000000001",
            "`1000000001` is not an amount of won (a whole number from 1 to 1000000000).",
        ),
        (
            "offer favor @Lee",
            "Say which favor: offer favor @Lee vehicle (or facilities)",
        ),
        (
            "offer favor @Lee yacht",
            "`yacht` is no favor: vehicle or facilities",
        ),
        (
            "offer pact @Lee 100",
            "A pact takes nothing more: offer pact @Lee",
        ),
        (
            "accept",
            "Usage: accept OFFER (the number shown beside the offer), e.g. accept 3",
        ),
        (
            "reject 1 2",
            "Usage: reject OFFER (the number shown beside the offer), e.g. reject 3",
        ),
        ("accept x", "`x` is not an offer number."),
        (
            "accept 9",
            "There is no offer 9; `status` lists the open ones.",
        ),
        (
            "share 1",
            "Usage: share INFRACTION @PLAYER, e.g. share 4 @Park",
        ),
        (
            "share 8 @Park",
            "You know no infraction 8; `status` lists those you know.",
        ),
        (
            "accuse @Park",
            "Usage: accuse @PLAYER CHARGE [INFRACTIONS], e.g. accuse @Park bribery 4,7",
        ),
        (
            "accuse @Park theft 1",
            "`theft` is not a charge: bribery, abuse_of_authority, illegal_business, embezzlement, party_entry_bribe, anti_socialist",
        ),
        (
            "accuse @Park bribery",
            "A bribery charge must cite infractions you know: accuse @Name bribery 4,7",
        ),
        (
            "accuse @Park embezzlement 1",
            "A embezzlement charge takes no evidence.",
        ),
        (
            "accuse @Park bribery 1,x",
            "`x` is not an infraction number.",
        ),
        (
            "withdraw_case",
            "Usage: withdraw_case CASE, e.g. withdraw_case 2",
        ),
        ("withdraw_case two", "`two` is not a case number."),
        (
            "rule 2",
            "Usage: rule CASE guilty|acquit, e.g. rule 2 guilty",
        ),
        ("rule 2 maybe", "`maybe` is no ruling: say guilty or acquit"),
        ("say", "Usage: say TEXT"),
        (
            &long,
            "That is 501 characters; a message holds at most 500.",
        ),
        ("whisper", "Usage: whisper @PLAYER TEXT"),
        ("whisper @Lee", "Usage: whisper @PLAYER TEXT"),
        ("whisper @Nobody hi", "Nobody here is called `Nobody`."),
        ("ready now", "`ready` takes nothing more."),
        ("order 2", "`order` takes nothing more."),
    ];
    for (line, want) in table {
        assert_eq!(parse(line, &s), Err(want.to_string()), "line: {line}");
    }
}

#[test]
fn help_explains_the_words_of_the_table() {
    let help = super::HELP;
    for word in [
        "modest",
        "comfortable",
        "conspicuous",
        "free",
        "imprisoned",
        "dismissed",
    ] {
        assert!(help.contains(word), "{word}");
    }
}
