//! Every server message: acks of each shape, errors, pong, snapshot, event.

use allssam_protocol::*;
use serde_json::json;

use crate::fixtures::*;

fn ack(req: Option<u64>, result: AckResult) -> ServerMessage {
    ServerMessage::Ack { req, result }
}

#[test]
fn acks_carry_only_what_the_request_produced() {
    check(
        &ack(Some(5), AckResult::default()),
        json!({"type": "ack", "req": 5}),
    );
    check(&ack(None, AckResult::default()), json!({"type": "ack"}));
    let opening = |room: &str| AckResult {
        protocol: Some(1),
        server: Some("0.1.0".into()),
        room: Some(room.into()),
        ..AckResult::default()
    };
    check(
        &ack(
            Some(1),
            AckResult {
                facilitator_token: Some("ftok".into()),
                ..opening("K7QX2M")
            },
        ),
        json!({"type": "ack", "req": 1, "protocol": 1, "server": "0.1.0", "room": "K7QX2M",
            "facilitator_token": "ftok"}),
    );
    check(
        &ack(
            Some(1),
            AckResult {
                player_id: Some(pid(DONJU)),
                token: Some("ptok".into()),
                ..opening("K7QX2M")
            },
        ),
        json!({"type": "ack", "req": 1, "protocol": 1, "server": "0.1.0", "room": "K7QX2M",
            "player_id": DONJU, "token": "ptok"}),
    );
    // resume of a seat, and of the facilitator's place (no player_id).
    check(
        &ack(
            Some(9),
            AckResult {
                player_id: Some(pid(DONJU)),
                last_req: Some(8),
                ..opening("K7QX2M")
            },
        ),
        json!({"type": "ack", "req": 9, "protocol": 1, "server": "0.1.0", "room": "K7QX2M",
            "player_id": DONJU, "last_req": 8}),
    );
    check(
        &ack(
            Some(9),
            AckResult {
                last_req: Some(30),
                ..opening("K7QX2M")
            },
        ),
        json!({"type": "ack", "req": 9, "protocol": 1, "server": "0.1.0", "room": "K7QX2M",
            "last_req": 30}),
    );
    check(
        &ack(Some(2), opening("K7QX2M")),
        json!({"type": "ack", "req": 2, "protocol": 1,
        "server": "0.1.0", "room": "K7QX2M"}),
    );
    check(
        &ack(
            Some(12),
            AckResult {
                offer: Some(OfferId(4_294_967_295)),
                ..AckResult::default()
            },
        ),
        json!({"type": "ack", "req": 12, "offer": 4_294_967_295_u32}),
    );
    check(
        &ack(
            Some(13),
            AckResult {
                case: Some(CaseId(3)),
                ..AckResult::default()
            },
        ),
        json!({"type": "ack", "req": 13, "case": 3}),
    );
    check(
        &ack(
            Some(14),
            AckResult {
                token: Some("seat".into()),
                ..AckResult::default()
            },
        ),
        json!({"type": "ack", "req": 14, "token": "seat"}),
    );
}

#[test]
fn errors_with_and_without_detail() {
    check(
        &ServerMessage::error(
            Some(4),
            ErrorCode::InsufficientFunds,
            "you have 120 won available",
        ),
        json!({"type": "error", "req": 4, "code": "insufficient_funds",
            "message": "you have 120 won available"}),
    );
    check(
        &ServerMessage::error(None, ErrorCode::Malformed, "not JSON"),
        json!({"type": "error", "code": "malformed", "message": "not JSON"}),
    );
    let details = [
        (
            ErrorCode::InvalidConfig,
            ErrorDetail {
                field: Some("phase_seconds.dealing".into()),
                ..ErrorDetail::default()
            },
            json!({"field": "phase_seconds.dealing"}),
        ),
        (
            ErrorCode::RateLimited,
            ErrorDetail {
                retry_after_ms: Some(50),
                ..ErrorDetail::default()
            },
            json!({"retry_after_ms": 50}),
        ),
        (
            ErrorCode::ProtocolVersion,
            ErrorDetail {
                supported: Some(vec![1]),
                ..ErrorDetail::default()
            },
            json!({"supported": [1]}),
        ),
    ];
    for (code, detail, detail_json) in details {
        check(
            &ServerMessage::error_with(Some(1), code, "why", detail),
            json!({"type": "error", "req": 1, "code": code.as_str(), "message": "why",
                "detail": detail_json}),
        );
    }
}

#[test]
fn pong_echoes_req() {
    check(
        &ServerMessage::Pong { req: Some(77) },
        json!({"type": "pong", "req": 77}),
    );
    check(&ServerMessage::Pong { req: None }, json!({"type": "pong"}));
}

#[test]
fn snapshot_and_event_wrap_their_payload_with_seq() {
    let view = crate::view::spectator_view();
    let view_json = roundtrip(&view);
    check(
        &ServerMessage::Snapshot {
            seq: 0,
            view: Box::new(view),
        },
        json!({"type": "snapshot", "seq": 0, "view": view_json}),
    );
    check(
        &ServerMessage::Event {
            seq: 1,
            event: Box::new(Event::OrderIssued { round: 2 }),
        },
        json!({"type": "event", "seq": 1, "event": {"kind": "order_issued", "round": 2}}),
    );
}

#[test]
fn unknown_fields_in_server_messages_are_ignored() {
    let read: ServerMessage = serde_json::from_value(json!({"type": "ack", "req": 3,
        "a_field_from_v1_1": {"x": 1}}))
    .expect("unknown fields are ignored");
    assert_eq!(read, ack(Some(3), AckResult::default()));
    let read: ServerMessage = serde_json::from_value(json!({"type": "event", "seq": 2,
        "event": {"kind": "order_issued", "round": 2, "new": true}}))
    .expect("unknown event fields are ignored");
    assert_eq!(
        read,
        ServerMessage::Event {
            seq: 2,
            event: Box::new(Event::OrderIssued { round: 2 })
        }
    );
}
