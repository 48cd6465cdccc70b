//! Every event kind, with its exact wire shape.

use allssam_protocol::*;
use serde_json::{Value, json};

use crate::fixtures::*;

/// One sample of every event kind (some twice: with and without optional fields).
pub fn samples() -> Vec<(Event, Value)> {
    use Event as E;
    let donju = PlayerRef {
        id: pid(DONJU),
        name: "Ri Son".into(),
    };
    let donju_json = json!({"id": DONJU, "name": "Ri Son"});
    let config = RoomConfig {
        rounds: 4,
        ..RoomConfig::default()
    };
    let config_json = serde_json::to_value(&config).expect("config serializes");
    let market = MarketReport {
        salary: 0,
        income: 150,
        harassments: 1,
        harassment_cut: 50,
        rent_paid: 60,
        rent_received: 0,
        released: false,
    };
    vec![
        (
            E::PlayerJoined {
                player: donju.clone(),
            },
            json!({"kind": "player_joined", "player": donju_json}),
        ),
        (
            E::PlayerLeft { player: donju },
            json!({"kind": "player_left", "player": donju_json}),
        ),
        (
            E::PlayerUpdated {
                player: pid(DONJU),
                role: None,
                status: None,
                connected: Some(false),
                wealth_tier: None,
                ready: None,
                until_round: None,
            },
            json!({"kind": "player_updated", "player": DONJU, "connected": false}),
        ),
        (
            E::PlayerUpdated {
                player: pid(DONJU),
                role: Some(Role::Donju),
                status: Some(Status::Imprisoned),
                connected: Some(true),
                wealth_tier: Some(WealthTier::Modest),
                ready: Some(false),
                until_round: Some(5),
            },
            json!({"kind": "player_updated", "player": DONJU, "role": "donju",
                "status": "imprisoned", "connected": true, "wealth_tier": "modest",
                "ready": false, "until_round": 5}),
        ),
        (
            E::ConfigChanged { config },
            json!({"kind": "config_changed", "config": config_json}),
        ),
        (
            E::PhaseChanged {
                round: 1,
                phase: Phase::Accusation,
                deadline_ms: Some(90_000),
                skipped: vec![],
                market: None,
            },
            json!({"kind": "phase_changed", "round": 1, "phase": "accusation", "deadline_ms": 90_000}),
        ),
        (
            E::PhaseChanged {
                round: 3,
                phase: Phase::Dealing,
                deadline_ms: None,
                skipped: vec![Phase::Investigation, Phase::Verdict],
                market: Some(market),
            },
            json!({"kind": "phase_changed", "round": 3, "phase": "dealing", "deadline_ms": null,
                "skipped": ["investigation", "verdict"],
                "market": {"salary": 0, "income": 150, "harassments": 1, "harassment_cut": 50,
                    "rent_paid": 60, "rent_received": 0, "released": false}}),
        ),
        (
            E::Chat {
                from: Speaker::Facilitator,
                to: None,
                text: "two minutes left".into(),
            },
            json!({"kind": "chat", "from": "facilitator", "text": "two minutes left"}),
        ),
        (
            E::Chat {
                from: Speaker::Player(pid(DONJU)),
                to: Some(pid(MGR)),
                text: "a word?".into(),
            },
            json!({"kind": "chat", "from": DONJU, "to": MGR, "text": "a word?"}),
        ),
        (
            E::OfferMade { offer: offer() },
            json!({"kind": "offer_made", "offer": offer_json()}),
        ),
        (
            E::OfferAnswered {
                offer: offer(),
                accepted: true,
            },
            json!({"kind": "offer_answered", "offer": offer_json(), "accepted": true}),
        ),
        (
            E::OfferWithdrawn { offer: offer() },
            json!({"kind": "offer_withdrawn", "offer": offer_json()}),
        ),
        (
            E::OfferExpired { offer: offer() },
            json!({"kind": "offer_expired", "offer": offer_json()}),
        ),
        (
            E::BalanceChanged {
                player: pid(DONJU),
                balance: 1000,
                available: 940,
                reason: BalanceReason::Escrow,
            },
            json!({"kind": "balance_changed", "player": DONJU, "balance": 1000, "available": 940,
                "reason": "escrow"}),
        ),
        (
            E::TieChanged {
                a: pid(DONJU),
                b: pid(MGR),
                strength: 2,
            },
            json!({"kind": "tie_changed", "a": DONJU, "b": MGR, "strength": 2}),
        ),
        (
            E::Rumor {
                a: pid(DONJU),
                b: pid(MGR),
            },
            json!({"kind": "rumor", "a": DONJU, "b": MGR}),
        ),
        (
            E::RumorEnded {
                a: pid(DONJU),
                b: pid(MGR),
            },
            json!({"kind": "rumor_ended", "a": DONJU, "b": MGR}),
        ),
        (
            E::LeaseStarted {
                donju: pid(DONJU),
                manager: pid(MGR),
                rent: Some(60),
            },
            json!({"kind": "lease_started", "donju": DONJU, "manager": MGR, "rent": 60}),
        ),
        (
            E::LeaseEnded {
                donju: pid(DONJU),
                manager: pid(MGR),
                rent: None,
            },
            json!({"kind": "lease_ended", "donju": DONJU, "manager": MGR}),
        ),
        (
            E::InfractionLearned {
                infraction: infraction(),
                from: None,
            },
            json!({"kind": "infraction_learned", "infraction": infraction_json()}),
        ),
        (
            E::InfractionLearned {
                infraction: infraction(),
                from: Some(pid(DONJU)),
            },
            json!({"kind": "infraction_learned", "infraction": infraction_json(), "from": DONJU}),
        ),
        (
            E::OrderIssued { round: 2 },
            json!({"kind": "order_issued", "round": 2}),
        ),
        (
            E::TipOff {
                case: CaseId(1),
                accuser: pid(MGR),
                charge: Charge::Bribery,
            },
            json!({"kind": "tip_off", "case": 1, "accuser": MGR, "charge": "bribery"}),
        ),
        (
            E::CaseOpened {
                case: case_public(),
            },
            json!({"kind": "case_opened", "case": case_public_json()}),
        ),
        (
            E::CaseOpened { case: case_full() },
            json!({"kind": "case_opened", "case": case_full_json()}),
        ),
        (
            E::CaseWithdrawn { case: CaseId(2) },
            json!({"kind": "case_withdrawn", "case": 2}),
        ),
        (
            E::RulingRecorded {
                case: CaseId(1),
                prosecutor: pid(PROS),
                verdict: Verdict::Acquit,
            },
            json!({"kind": "ruling_recorded", "case": 1, "prosecutor": PROS, "verdict": "acquit"}),
        ),
        (
            E::Verdict {
                case: CaseId(1),
                verdict: Verdict::Guilty,
                evidence_ruling: Verdict::Guilty,
                votes: None,
            },
            json!({"kind": "verdict", "case": 1, "verdict": "guilty", "evidence_ruling": "guilty"}),
        ),
        (
            E::Verdict {
                case: CaseId(1),
                verdict: Verdict::Acquit,
                evidence_ruling: Verdict::Guilty,
                votes: Some(Votes {
                    guilty: 1,
                    acquit: 2,
                }),
            },
            json!({"kind": "verdict", "case": 1, "verdict": "acquit", "evidence_ruling": "guilty",
                "votes": {"guilty": 1, "acquit": 2}}),
        ),
        (
            E::Sentence {
                case: CaseId(1),
                player: pid(DONJU),
                sentence: SentenceKind::Imprisoned,
                amount: Some(435),
                until_round: Some(5),
            },
            json!({"kind": "sentence", "case": 1, "player": DONJU, "sentence": "imprisoned",
                "amount": 435, "until_round": 5}),
        ),
        (
            E::Sentence {
                case: CaseId(1),
                player: pid(SEC),
                sentence: SentenceKind::Reprimanded,
                amount: None,
                until_round: None,
            },
            json!({"kind": "sentence", "case": 1, "player": SEC, "sentence": "reprimanded"}),
        ),
        (
            E::Paused {
                deadline_ms: Some(41_500),
            },
            json!({"kind": "paused", "deadline_ms": 41_500}),
        ),
        (
            E::Unpaused { deadline_ms: None },
            json!({"kind": "unpaused", "deadline_ms": null}),
        ),
        (
            E::GameEnded {
                scores: scores(),
                debrief: debrief(),
            },
            json!({"kind": "game_ended", "scores": scores_json(), "debrief": debrief_json()}),
        ),
    ]
}

#[test]
fn every_event_has_its_wire_shape() {
    for (event, expected) in samples() {
        check(&event, expected.clone());
        let message = ServerMessage::Event {
            seq: 8,
            event: Box::new(event),
        };
        check(
            &message,
            json!({"type": "event", "seq": 8, "event": expected}),
        );
    }
}

#[test]
fn samples_cover_every_event_kind() {
    let mut seen: Vec<&str> = samples().iter().map(|(e, _)| e.kind()).collect();
    seen.sort_unstable();
    seen.dedup();
    let mut all = EVENT_KINDS.to_vec();
    all.sort_unstable();
    assert_eq!(seen, all);
    for (event, json) in samples() {
        assert_eq!(json["kind"], event.kind(), "{event:?}");
    }
}

#[test]
fn every_balance_reason_has_its_name() {
    let names = [
        "starting",
        "escrow",
        "release",
        "paid",
        "received",
        "confiscated",
        "fined",
    ];
    let reasons = [
        BalanceReason::Starting,
        BalanceReason::Escrow,
        BalanceReason::Release,
        BalanceReason::Paid,
        BalanceReason::Received,
        BalanceReason::Confiscated,
        BalanceReason::Fined,
    ];
    for (reason, name) in reasons.into_iter().zip(names) {
        check(&reason, json!(name));
    }
}

#[test]
fn a_missing_nullable_deadline_reads_as_untimed() {
    let read: Event =
        serde_json::from_value(json!({"kind": "paused"})).expect("deadline_ms may be absent");
    assert_eq!(read, Event::Paused { deadline_ms: None });
}
