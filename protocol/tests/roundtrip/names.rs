//! Names on the wire: the error codes of PROTOCOL.md, and every enum's
//! serde name equal to its `as_str`.

use allssam_protocol::*;
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::fmt::Debug;
use std::str::FromStr;

/// The list of `../shared/design/PROTOCOL.md`, section "Errors", in its order.
const DESIGN_ERROR_CODES: &[&str] = &[
    "malformed",
    "unknown_type",
    "too_large",
    "protocol_version",
    "not_joined",
    "already_joined",
    "room_not_found",
    "room_full",
    "game_started",
    "bad_token",
    "name_taken",
    "not_facilitator",
    "invalid_config",
    "cannot_start",
    "wrong_phase",
    "forbidden",
    "invalid_target",
    "invalid_amount",
    "insufficient_funds",
    "no_free_space",
    "already_leased",
    "server_full",
    "limit_reached",
    "unknown_offer",
    "unknown_case",
    "unknown_infraction",
    "inadmissible",
    "rate_limited",
    "internal",
];

#[test]
fn error_codes_are_exactly_the_design_list() {
    let codes: Vec<&str> = ErrorCode::ALL.iter().map(|c| c.as_str()).collect();
    assert_eq!(codes, DESIGN_ERROR_CODES);
}

fn names_agree<T>(all: &[T], expected: &[&str])
where
    T: Copy + Debug + PartialEq + Serialize + DeserializeOwned + FromStr + ToString,
    <T as FromStr>::Err: Debug,
{
    let names: Vec<String> = all.iter().map(ToString::to_string).collect();
    assert_eq!(names, expected);
    for value in all {
        let name = value.to_string();
        assert_eq!(
            serde_json::to_value(value).expect("serializes"),
            serde_json::json!(name)
        );
        let read: T = serde_json::from_value(serde_json::json!(name)).expect("reads");
        assert_eq!(read, *value);
        assert_eq!(T::from_str(&name).expect("parses"), *value);
    }
    assert!(T::from_str("no_such_name").is_err());
}

#[test]
fn every_enum_uses_its_rule_book_names() {
    names_agree(ErrorCode::ALL, DESIGN_ERROR_CODES);
    names_agree(Role::ALL, &["secretary", "manager", "prosecutor", "donju"]);
    names_agree(Status::ALL, &["free", "imprisoned", "dismissed"]);
    names_agree(
        Phase::ALL,
        &[
            "lobby",
            "dealing",
            "accusation",
            "investigation",
            "verdict",
            "ended",
        ],
    );
    names_agree(WealthTier::ALL, &["modest", "comfortable", "conspicuous"]);
    names_agree(
        OfferKind::ALL,
        &["bribe", "per_diem", "lease", "favor", "demand", "pact"],
    );
    names_agree(Favor::ALL, &["vehicle", "facilities"]);
    names_agree(
        InfractionKind::ALL,
        &[
            "bribery",
            "illicit_per_diem",
            "extortion",
            "illegal_lease",
            "illegal_lease_income",
            "abuse_of_authority",
        ],
    );
    names_agree(
        Charge::ALL,
        &[
            "bribery",
            "abuse_of_authority",
            "illegal_business",
            "embezzlement",
            "party_entry_bribe",
            "anti_socialist",
        ],
    );
    names_agree(Verdict::ALL, &["guilty", "acquit"]);
    names_agree(RulingSource::ALL, &["explicit", "ties", "evidence"]);
    names_agree(
        SentenceKind::ALL,
        &["imprisoned", "dismissed", "reprimanded", "fined"],
    );
}

#[test]
fn request_types_and_event_kinds_are_unique() {
    for list in [REQUEST_TYPES, EVENT_KINDS] {
        let mut sorted = list.to_vec();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted.len(), list.len());
    }
}

#[test]
fn speaker_reads_a_player_or_the_facilitator_and_nothing_else() {
    let read: Speaker =
        serde_json::from_value(serde_json::json!("facilitator")).expect("facilitator");
    assert_eq!(read, Speaker::Facilitator);
    let read: Speaker =
        serde_json::from_value(serde_json::json!(crate::fixtures::SEC)).expect("a player");
    assert_eq!(
        read,
        Speaker::Player(crate::fixtures::pid(crate::fixtures::SEC))
    );
    assert!(serde_json::from_value::<Speaker>(serde_json::json!("Facilitator")).is_err());
    assert!(serde_json::from_value::<Speaker>(serde_json::json!(3)).is_err());
}

#[test]
fn player_ids_are_lowercase_hyphenated() {
    let id = PlayerId(uuid::Uuid::from_u128(
        0xABCD_EF01_2345_4678_9ABC_DEF0_1234_5678,
    ));
    let text = serde_json::to_value(id).expect("serializes");
    assert_eq!(text, "abcdef01-2345-4678-9abc-def012345678");
    assert_eq!(id.to_string(), "abcdef01-2345-4678-9abc-def012345678");
}
