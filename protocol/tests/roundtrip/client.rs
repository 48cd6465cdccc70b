//! Every client request, bare and with its envelope.

use allssam_protocol::*;
use serde_json::{Value, json};

use crate::fixtures::*;

fn patch(value: Value) -> ConfigPatch {
    serde_json::from_value(value).expect("patches are objects")
}

/// One sample of every request (some twice: with and without optional fields).
pub fn samples() -> Vec<(ClientMessage, Value)> {
    use ClientMessage as M;
    let room = "K7QX2M".to_string();
    vec![
        (
            M::CreateRoom {
                protocol: 1,
                config: None,
            },
            json!({"type": "create_room", "protocol": 1}),
        ),
        (
            M::CreateRoom {
                protocol: 1,
                config: Some(patch(
                    json!({"rounds": 3, "phase_seconds": {"dealing": 120}}),
                )),
            },
            json!({"type": "create_room", "protocol": 1,
                "config": {"rounds": 3, "phase_seconds": {"dealing": 120}}}),
        ),
        (
            M::Join {
                protocol: 1,
                room: room.clone(),
                name: "Kim Chol".into(),
            },
            json!({"type": "join", "protocol": 1, "room": "K7QX2M", "name": "Kim Chol"}),
        ),
        (
            M::Resume {
                protocol: 1,
                token: "tok".into(),
            },
            json!({"type": "resume", "protocol": 1, "token": "tok"}),
        ),
        (
            M::Watch { protocol: 1, room },
            json!({"type": "watch", "protocol": 1, "room": "K7QX2M"}),
        ),
        (
            M::Chat {
                text: "hello".into(),
                to: None,
            },
            json!({"type": "chat", "text": "hello"}),
        ),
        (
            M::Chat {
                text: "psst".into(),
                to: Some(pid(MGR)),
            },
            json!({"type": "chat", "text": "psst", "to": MGR}),
        ),
        (
            M::Offer {
                to: pid(SEC),
                kind: OfferKind::Bribe,
                amount: Some(150),
                favor: None,
            },
            json!({"type": "offer", "to": SEC, "kind": "bribe", "amount": 150}),
        ),
        (
            M::Offer {
                to: pid(DONJU),
                kind: OfferKind::Favor,
                amount: None,
                favor: Some(Favor::Vehicle),
            },
            json!({"type": "offer", "to": DONJU, "kind": "favor", "favor": "vehicle"}),
        ),
        (
            M::Offer {
                to: pid(SEC),
                kind: OfferKind::Pact,
                amount: None,
                favor: None,
            },
            json!({"type": "offer", "to": SEC, "kind": "pact"}),
        ),
        (
            M::Respond {
                offer: OfferId(4_000_000_000),
                accept: true,
            },
            json!({"type": "respond", "offer": 4_000_000_000_u32, "accept": true}),
        ),
        (
            M::Withdraw { offer: OfferId(17) },
            json!({"type": "withdraw", "offer": 17}),
        ),
        (
            M::Share {
                infraction: InfractionId(99),
                to: pid(PROS),
            },
            json!({"type": "share", "infraction": 99, "to": PROS}),
        ),
        (M::Order, json!({"type": "order"})),
        (
            M::Accuse {
                target: pid(SEC),
                charge: Charge::Bribery,
                evidence: vec![InfractionId(99)],
            },
            json!({"type": "accuse", "target": SEC, "charge": "bribery", "evidence": [99]}),
        ),
        (
            M::Accuse {
                target: pid(MGR),
                charge: Charge::Embezzlement,
                evidence: vec![],
            },
            json!({"type": "accuse", "target": MGR, "charge": "embezzlement", "evidence": []}),
        ),
        (
            M::WithdrawCase { case: CaseId(1) },
            json!({"type": "withdraw_case", "case": 1}),
        ),
        (
            M::Rule {
                case: CaseId(1),
                verdict: Verdict::Guilty,
            },
            json!({"type": "rule", "case": 1, "verdict": "guilty"}),
        ),
        (M::Ready, json!({"type": "ready"})),
        (M::Leave, json!({"type": "leave"})),
        (M::Sync, json!({"type": "sync"})),
        (M::Ping, json!({"type": "ping"})),
        (
            M::Configure {
                config: patch(json!({"strict_head": false, "seed": 42})),
            },
            json!({"type": "configure", "config": {"strict_head": false, "seed": 42}}),
        ),
        (
            M::Assign {
                player: pid(PROS),
                role: Role::Prosecutor,
            },
            json!({"type": "assign", "player": PROS, "role": "prosecutor"}),
        ),
        (M::Start, json!({"type": "start"})),
        (M::Pause, json!({"type": "pause"})),
        (M::Unpause, json!({"type": "unpause"})),
        (M::Advance, json!({"type": "advance"})),
        (
            M::Kick {
                player: pid(DONJU2),
            },
            json!({"type": "kick", "player": DONJU2}),
        ),
        (M::End, json!({"type": "end"})),
        (
            M::SeatToken {
                player: pid(DONJU2),
            },
            json!({"type": "seat_token", "player": DONJU2}),
        ),
    ]
}

#[test]
fn every_request_has_its_wire_shape_without_envelope() {
    for (message, expected) in samples() {
        check(&message, expected.clone());
        check(&Request::new(message), expected);
    }
}

#[test]
fn every_request_carries_the_envelope_fields() {
    for (message, mut expected) in samples() {
        let request = Request {
            req: Some(42),
            round: Some(3),
            phase: Some(Phase::Investigation),
            retry: true,
            body: message,
        };
        let object = expected.as_object_mut().expect("requests are objects");
        object.insert("req".into(), json!(42));
        object.insert("round".into(), json!(3));
        object.insert("phase".into(), json!("investigation"));
        object.insert("retry".into(), json!(true));
        check(&request, expected);
    }
}

#[test]
fn only_req_is_enough_and_retry_false_is_omitted() {
    let request = Request::new(ClientMessage::Ping).with_req(7);
    check(&request, json!({"type": "ping", "req": 7}));
    let read: Request = serde_json::from_value(json!({"type": "ping", "req": 7, "retry": false}))
        .expect("explicit false reads");
    assert_eq!(read, request);
}

#[test]
fn samples_cover_every_request_type() {
    let mut seen: Vec<&str> = samples().iter().map(|(m, _)| m.type_name()).collect();
    seen.sort_unstable();
    seen.dedup();
    let mut all = REQUEST_TYPES.to_vec();
    all.sort_unstable();
    assert_eq!(seen, all);
    for (message, json) in samples() {
        assert_eq!(json["type"], message.type_name(), "{message:?}");
    }
}

#[test]
fn accuse_without_evidence_reads_as_none_cited() {
    let read = parse_request(
        &json!({"type": "accuse", "target": MGR, "charge": "embezzlement"}).to_string(),
    )
    .expect("evidence defaults to none");
    assert_eq!(
        read.body,
        ClientMessage::Accuse {
            target: pid(MGR),
            charge: Charge::Embezzlement,
            evidence: vec![]
        }
    );
}

#[test]
fn a_negative_amount_reads_so_the_server_can_answer_invalid_amount() {
    let read = parse_request(
        &json!({"type": "offer", "to": SEC, "kind": "bribe", "amount": -5}).to_string(),
    )
    .expect("amounts are signed on the wire");
    assert!(matches!(
        read.body,
        ClientMessage::Offer {
            amount: Some(-5),
            ..
        }
    ));
}

#[test]
fn request_classes_follow_the_design_tables() {
    let opening = ["create_room", "join", "resume", "watch"];
    let playing = [
        "chat",
        "offer",
        "respond",
        "withdraw",
        "share",
        "order",
        "accuse",
        "withdraw_case",
        "rule",
        "ready",
        "leave",
        "sync",
        "ping",
    ];
    for (message, _) in samples() {
        let name = message.type_name();
        assert_eq!(message.is_opening(), opening.contains(&name), "{name}");
        assert_eq!(message.is_play(), playing.contains(&name), "{name}");
        assert_eq!(
            message.changes_state(),
            !matches!(name, "sync" | "ping"),
            "{name}"
        );
    }
}
