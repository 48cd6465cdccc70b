//! The one-pass request reader against the derived one (the reference):
//! the same answer, Ok value or error, for generated frames of every type,
//! valid or broken (duplicate, escaped, misplaced, unknown, deep fields).
#![allow(clippy::unwrap_used)]

use proptest::prelude::*;

use crate::client::{REQUEST_TYPES, parse_request, parse_request_derived};
use crate::kinds::{Charge, Favor, OfferKind, Phase, Role, Verdict};
use crate::parse;

const UUID: &str = "\"d0000000-0000-4000-8000-000000000004\"";

fn quoted(words: &[&str]) -> Vec<String> {
    words.iter().map(|w| format!("\"{w}\"")).collect()
}

/// JSON texts that fit `field`, plus `null` where it is optional.
fn fitting(field: &str) -> Vec<String> {
    let strs = |all: Vec<&'static str>| quoted(&all);
    let mut v: Vec<String> = match field {
        "protocol" => vec!["1".into(), "2".into()],
        "config" => vec![
            "{}".into(),
            "{\"seed\": 42}".into(),
            "{\"starting_balance\": {\"donju\": 800}, \"seed\": 1, \"seed\": 2}".into(),
        ],
        "room" | "name" | "token" | "text" => {
            quoted(&["K7QX2M", "Ri Son", "h\\u00e9llo", "tab\\tbed", ""])
        }
        "to" | "target" | "player" => vec![UUID.into(), "\"not-a-uuid\"".into()],
        "kind" => strs(OfferKind::ALL.iter().map(|k| k.as_str()).collect()),
        "favor" => strs(Favor::ALL.iter().map(|k| k.as_str()).collect()),
        "charge" => strs(Charge::ALL.iter().map(|k| k.as_str()).collect()),
        "verdict" => strs(Verdict::ALL.iter().map(|k| k.as_str()).collect()),
        "role" => strs(Role::ALL.iter().map(|k| k.as_str()).collect()),
        "phase" => strs(Phase::ALL.iter().map(|k| k.as_str()).collect()),
        "amount" => vec!["100".into(), "-5".into(), "0".into()],
        "offer" | "infraction" | "case" => vec!["3141592653".into(), "1".into()],
        "evidence" => vec!["[1, 2]".into(), "[]".into()],
        "accept" | "retry" => vec!["true".into(), "false".into()],
        "req" | "round" => vec!["0".into(), "7".into(), "4294967295".into()],
        _ => vec!["1".into()],
    };
    if matches!(
        field,
        "config" | "to" | "amount" | "favor" | "req" | "round" | "phase"
    ) {
        v.push("null".into());
    }
    v
}

/// JSON texts of every shape, many of them wrong for any field.
fn any_value() -> Vec<String> {
    let deep = |n: usize| format!("{}{}", "[".repeat(n), "]".repeat(n));
    let mut v: Vec<String> = [
        "null",
        "true",
        "0",
        "-1",
        "1.5",
        "1e2",
        "4294967296",
        "18446744073709551615",
        "18446744073709551616",
        "-9223372036854775809",
        "\"\"",
        "\"x\"",
        "\"\\ud800\"",
        "\"\\ud83d\\ude00\"",
        "[]",
        "[1, \"a\", null]",
        "{}",
        "{\"a\": {\"b\": [1]}}",
        "{\"bribe\": null}",
        "{\"k\": \"\\udc00\"}",
        UUID,
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    v.extend([deep(3), deep(125), deep(126), deep(127), deep(128)]);
    v
}

const FIELDS: &[&str] = &[
    "protocol",
    "config",
    "room",
    "name",
    "token",
    "text",
    "to",
    "kind",
    "amount",
    "favor",
    "offer",
    "accept",
    "infraction",
    "target",
    "charge",
    "evidence",
    "case",
    "verdict",
    "player",
    "role",
];

/// The fields each request type takes (from the documented examples).
fn fields_of(kind: &str) -> &'static [&'static str] {
    match kind {
        "create_room" => &["protocol", "config"],
        "join" => &["protocol", "room", "name"],
        "resume" => &["protocol", "token"],
        "watch" => &["protocol", "room"],
        "chat" => &["text", "to"],
        "offer" => &["to", "kind", "amount", "favor"],
        "respond" => &["offer", "accept"],
        "withdraw" => &["offer"],
        "share" => &["infraction", "to"],
        "accuse" => &["target", "charge", "evidence"],
        "withdraw_case" => &["case"],
        "rule" => &["case", "verdict"],
        "configure" => &["config"],
        "assign" => &["player", "role"],
        "kick" | "seat_token" => &["player"],
        _ => &[],
    }
}

/// One generated key and value: mostly fitting, sometimes anything.
fn entry(key: &'static str) -> impl Strategy<Value = (String, String)> {
    let fit = fitting(key);
    let any = any_value();
    prop_oneof![
        6 => prop::sample::select(fit),
        1 => prop::sample::select(any),
    ]
    .prop_map(move |value| (format!("\"{key}\""), value))
}

/// A whole frame: envelope, `type`, the type's fields, extras, in any order.
fn frame() -> impl Strategy<Value = String> {
    let mut types: Vec<String> = quoted(REQUEST_TYPES);
    types.extend([
        "\"bogus\"".into(),
        "7".into(),
        "null".into(),
        "\"Chat\"".into(),
    ]);
    let kind = prop::sample::select(REQUEST_TYPES.to_vec());
    kind.prop_flat_map(move |kind| {
        let fields: Vec<_> = fields_of(kind).iter().map(|f| entry(f)).collect();
        let envelope: Vec<_> = ["req", "round", "phase", "retry"]
            .into_iter()
            .map(|f| prop::option::weighted(0.5, entry(f)))
            .collect();
        let type_value = prop_oneof![
            12 => Just(format!("\"{kind}\"")),
            1 => prop::sample::select(types.clone()),
        ];
        let type_key = prop_oneof![
            12 => Just("\"type\"".to_string()),
            1 => Just("\"t\\u0079pe\"".to_string()),
        ];
        let extra_key = prop_oneof![
            3 => Just("\"unknown\"".to_string()),
            3 => prop::sample::select(FIELDS.to_vec()).prop_map(|f| format!("\"{f}\"")),
            1 => Just("\"te\\u0078t\"".to_string()),
            1 => Just("\"type\"".to_string()),
            1 => Just("\"req\"".to_string()),
        ];
        let extras = prop::collection::vec((extra_key, prop::sample::select(any_value())), 0..3);
        let dropped = prop::option::weighted(0.1, any::<prop::sample::Index>());
        (
            fields,
            envelope,
            (type_key, type_value),
            extras,
            dropped,
            any::<u64>(),
            0..20u8,
        )
    })
    .prop_map(|(fields, envelope, ty, extras, dropped, shuffle, shape)| {
        let mut entries: Vec<(String, String)> = fields;
        if let Some(i) = dropped.filter(|_| !entries.is_empty()) {
            entries.remove(i.index(entries.len()));
        }
        entries.extend(envelope.into_iter().flatten());
        entries.extend(extras);
        // Mostly `type` first or after the envelope, as clients write it.
        let mut order: Vec<usize> = (0..entries.len()).collect();
        let mut state = shuffle;
        for i in (1..order.len()).rev() {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            order.swap(i, (state >> 33) as usize % (i + 1));
        }
        let mut entries: Vec<(String, String)> =
            order.into_iter().map(|i| entries[i].clone()).collect();
        let at = if shape < 14 {
            0
        } else {
            (shuffle as usize) % (entries.len() + 1)
        };
        entries.insert(at, ty);
        let body: Vec<String> = entries.iter().map(|(k, v)| format!("{k}: {v}")).collect();
        let object = format!("{{{}}}", body.join(", "));
        match shape {
            0 => format!("[{object}]"),
            1 => format!("{object} x"),
            2 => format!("  {object}\n"),
            3 => object[..object.len() - 1].to_string(),
            _ => object,
        }
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 4000, ..ProptestConfig::default() })]

    /// Same Ok values, same error codes, messages and `req` as before.
    #[test]
    fn the_one_pass_reader_answers_like_the_derived_one(text in frame()) {
        prop_assert_eq!(parse_request(&text), parse_request_derived(&text), "{}", text);
        if let Ok(fast) = parse::read(&text) {
            prop_assert_eq!(Ok(fast), parse_request_derived(&text));
        }
    }
}

/// The generator covers both readers' ground: many frames read in one
/// pass, many refused, some left to the derived reader.
#[test]
fn generated_frames_cover_both_paths() {
    use proptest::strategy::ValueTree;
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let (mut fast, mut ok, mut errors) = (0, 0, 0);
    for _ in 0..2000 {
        let text = frame().new_tree(&mut runner).unwrap().current();
        fast += usize::from(parse::read(&text).is_ok());
        match parse_request_derived(&text) {
            Ok(_) => ok += 1,
            Err(_) => errors += 1,
        }
    }
    assert!(
        fast > 400 && errors > 400 && ok > fast,
        "{fast} {ok} {errors}"
    );
}

/// The one-pass reader takes on the frames clients send, of every type
/// (else the speed-up would be lost without any test failing).
#[test]
fn the_one_pass_reader_reads_every_request_type() {
    for kind in REQUEST_TYPES {
        let fields: Vec<String> = fields_of(kind)
            .iter()
            .map(|f| format!(", \"{f}\": {}", fitting(f)[0]))
            .collect();
        for text in [
            format!("{{\"type\": \"{kind}\", \"req\": 5{}}}", fields.concat()),
            format!(
                "{{\"req\": 5, \"retry\": true, \"type\": \"{kind}\"{}, \"extra\": [{{}}]}}",
                fields.concat()
            ),
        ] {
            let fast = parse::read(&text).unwrap_or_else(|e| panic!("{text}: {e}"));
            assert_eq!(fast.body.type_name(), *kind);
            assert_eq!(Ok(fast), parse_request_derived(&text));
        }
    }
}

/// What the one-pass reader leaves to the derived one, and the derived
/// reader's refusals it must share (bad escapes and too deep a nesting in
/// an ignored field, duplicate fields).
#[test]
fn the_one_pass_reader_refuses_what_the_derived_one_refuses() {
    let deep = format!("{}{}", "[".repeat(127), "]".repeat(127));
    for text in [
        "{\"text\": \"hi\", \"type\": \"chat\"}".to_string(),
        "{\"type\": \"ping\", \"x\": \"\\ud800\"}".to_string(),
        format!("{{\"type\": \"ping\", \"x\": {deep}}}"),
        "{\"type\": \"ping\", \"req\": 1, \"req\": 2}".to_string(),
        "{\"type\": \"ping\", \"type\": \"sync\"}".to_string(),
        "{\"type\": \"withdraw\", \"offer\": 1, \"offer\": 2}".to_string(),
    ] {
        assert!(parse::read(&text).is_err(), "{text}");
        assert_eq!(parse_request(&text), parse_request_derived(&text), "{text}");
    }
    // The first needs the derived reader and is a valid request.
    assert!(parse_request("{\"text\": \"hi\", \"type\": \"chat\"}").is_ok());
    let shallow = format!("{}{}", "[".repeat(126), "]".repeat(126));
    let text = format!("{{\"type\": \"ping\", \"x\": {shallow}}}");
    assert!(parse::read(&text).is_ok() && parse_request_derived(&text).is_ok());
}
