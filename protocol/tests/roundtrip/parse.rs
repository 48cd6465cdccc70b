//! `parse_request` and `ServerMessage::parse_lenient`: bad input is data.

use allssam_protocol::*;
use proptest::prelude::*;
use serde_json::{Value, json};

use crate::fixtures::*;

fn refused(text: &str) -> ParseError {
    match parse_request(text) {
        Ok(request) => panic!("{text} was read as {request:?}"),
        Err(e) => e,
    }
}

#[test]
fn malformed_unknown_type_and_req_kept() {
    // (input, code, req echoed)
    let table: &[(&str, ErrorCode, Option<u64>)] = &[
        ("", ErrorCode::Malformed, None),
        ("not json", ErrorCode::Malformed, None),
        ("{\"type\":\"ping\",\"req\":4", ErrorCode::Malformed, None),
        ("[\"offer\", 5]", ErrorCode::Malformed, None),
        ("\"ping\"", ErrorCode::Malformed, None),
        ("null", ErrorCode::Malformed, None),
        ("{\"req\":5}", ErrorCode::Malformed, Some(5)),
        ("{\"type\":7,\"req\":6}", ErrorCode::Malformed, Some(6)),
        (
            "{\"type\":\"offer\",\"req\":8}",
            ErrorCode::Malformed,
            Some(8),
        ),
        (
            "{\"type\":\"offer\",\"req\":8,\"to\":\"nobody\",\"kind\":\"bribe\"}",
            ErrorCode::Malformed,
            Some(8),
        ),
        (
            "{\"type\":\"offer\",\"req\":8,\"to\":\"5ec00000-0000-4000-8000-000000000001\",\"kind\":\"gift\"}",
            ErrorCode::Malformed,
            Some(8),
        ),
        (
            "{\"type\":\"offer\",\"req\":8,\"to\":\"5ec00000-0000-4000-8000-000000000001\",\"kind\":\"bribe\",\"amount\":1.5}",
            ErrorCode::Malformed,
            Some(8),
        ),
        (
            "{\"type\":\"respond\",\"req\":9,\"offer\":4294967296,\"accept\":true}",
            ErrorCode::Malformed,
            Some(9),
        ),
        ("{\"type\":\"ping\",\"req\":-1}", ErrorCode::Malformed, None),
        (
            "{\"type\":\"ping\",\"req\":\"3\"}",
            ErrorCode::Malformed,
            None,
        ),
        (
            "{\"type\":\"ping\",\"phase\":\"lunch\",\"req\":3}",
            ErrorCode::Malformed,
            Some(3),
        ),
        (
            "{\"type\":\"dance\",\"req\":10}",
            ErrorCode::UnknownType,
            Some(10),
        ),
        ("{\"type\":\"Ping\"}", ErrorCode::UnknownType, None),
        ("{\"type\":\"\",\"req\":0}", ErrorCode::UnknownType, Some(0)),
    ];
    for (text, code, req) in table {
        let error = refused(text);
        assert_eq!(
            (error.code, error.req),
            (*code, *req),
            "for {text}: {}",
            error.message
        );
        assert!(!error.message.is_empty());
    }
}

#[test]
fn the_message_names_what_is_wrong() {
    assert!(refused("{\"type\":\"dance\"}").message.contains("dance"));
    assert!(
        refused("{\"type\":\"join\",\"protocol\":1,\"room\":\"K7QX2M\"}")
            .message
            .contains("name")
    );
}

#[test]
fn unknown_fields_are_ignored() {
    let read = parse_request(
        &json!({"type": "respond", "req": 3, "offer": 17, "accept": false, "mood": "wary",
            "nested": {"deep": [1, 2]}})
        .to_string(),
    )
    .expect("unknown fields are ignored");
    assert_eq!(
        read,
        Request::new(ClientMessage::Respond {
            offer: OfferId(17),
            accept: false
        })
        .with_req(3)
    );
    let read = parse_request("{\"type\":\"ready\",\"extra\":1}")
        .expect("even on a request without fields");
    assert_eq!(read.body, ClientMessage::Ready);
}

#[test]
fn a_null_optional_field_reads_as_absent() {
    let read =
        parse_request(&json!({"type": "chat", "text": "hi", "to": null, "req": null}).to_string())
            .expect("null optional fields read");
    assert_eq!(
        read,
        Request::new(ClientMessage::Chat {
            text: "hi".into(),
            to: None
        })
    );
    let error = parse_request(
        &json!({"type": "accuse", "req": 2, "target": MGR, "charge": "embezzlement",
        "evidence": null})
        .to_string(),
    )
    .expect_err("evidence must be a list");
    assert_eq!((error.code, error.req), (ErrorCode::Malformed, Some(2)));
}

#[test]
fn envelope_fields_are_read() {
    let read = parse_request(
        &json!({"type": "rule", "req": 21, "round": 2, "phase": "verdict", "retry": true,
            "case": 1, "verdict": "acquit"})
        .to_string(),
    )
    .expect("a full envelope");
    assert_eq!(
        read,
        Request {
            req: Some(21),
            round: Some(2),
            phase: Some(Phase::Verdict),
            retry: true,
            body: ClientMessage::Rule {
                case: CaseId(1),
                verdict: Verdict::Acquit
            },
        }
    );
}

#[test]
fn lenient_parsing_skips_unknown_event_kinds_only() {
    let future = json!({"type": "event", "seq": 4, "event": {"kind": "weather", "rain": true}});
    assert_eq!(
        ServerMessage::parse_lenient(&future.to_string()).expect("ignored"),
        None
    );
    let known =
        json!({"type": "event", "seq": 5, "event": {"kind": "rumor", "a": DONJU, "b": MGR}});
    assert_eq!(
        ServerMessage::parse_lenient(&known.to_string()).expect("known"),
        Some(ServerMessage::Event {
            seq: 5,
            event: Box::new(Event::Rumor {
                a: pid(DONJU),
                b: pid(MGR)
            })
        })
    );
    // A known kind of the wrong shape, an unknown message type, or bad JSON is an error.
    for bad in [
        json!({"type": "event", "seq": 6, "event": {"kind": "rumor", "a": DONJU}}).to_string(),
        json!({"type": "telegram", "seq": 6}).to_string(),
        json!({"type": "snapshot", "seq": 6}).to_string(),
        "{".to_string(),
    ] {
        assert!(ServerMessage::parse_lenient(&bad).is_err(), "{bad}");
    }
}

fn json_value() -> impl Strategy<Value = Value> {
    let keys = prop::sample::select(vec![
        "type",
        "req",
        "round",
        "phase",
        "retry",
        "protocol",
        "to",
        "kind",
        "amount",
        "favor",
        "offer",
        "accept",
        "case",
        "verdict",
        "evidence",
        "target",
        "charge",
        "text",
        "config",
        "room",
        "name",
        "token",
        "player",
        "role",
        "infraction",
        "x",
    ]);
    let words = prop::sample::select(
        REQUEST_TYPES
            .iter()
            .copied()
            .chain([
                DONJU,
                "bribe",
                "favor",
                "vehicle",
                "guilty",
                "dealing",
                "",
                "facilitator",
            ])
            .collect::<Vec<_>>(),
    );
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>()
            .prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        words.prop_map(Value::from),
        "\\PC{0,12}".prop_map(Value::from),
    ];
    leaf.prop_recursive(4, 48, 6, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec((keys.clone(), inner), 0..8).prop_map(|pairs| Value::Object(
                pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect()
            )),
        ]
    })
}

proptest! {
    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,200}") {
        if let Err(e) = parse_request(&text) {
            prop_assert!(matches!(e.code, ErrorCode::Malformed | ErrorCode::UnknownType));
        }
    }

    #[test]
    fn arbitrary_json_never_panics_and_keeps_req(value in json_value()) {
        let text = value.to_string();
        match parse_request(&text) {
            Ok(request) => {
                // What was read writes out and reads back the same.
                let again = parse_request(&serde_json::to_string(&request).expect("serializes"));
                prop_assert_eq!(again, Ok(request));
            }
            Err(e) => {
                prop_assert!(matches!(e.code, ErrorCode::Malformed | ErrorCode::UnknownType));
                let req = value.as_object().and_then(|o| o.get("req")).and_then(Value::as_u64);
                prop_assert_eq!(e.req, req);
            }
        }
    }
}
