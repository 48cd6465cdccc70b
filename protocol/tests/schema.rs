//! The committed `docs/protocol.schema.json` is the schema the types generate.
//!
//! `UPDATE_SCHEMA=1 cargo test -p allssam-protocol --test schema` rewrites it.

use std::path::PathBuf;

use allssam_protocol::{EVENT_KINDS, REQUEST_TYPES, protocol_schema};
use serde_json::Value;

fn schema_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../docs/protocol.schema.json")
}

fn rendered(schema: &Value) -> String {
    let mut text = serde_json::to_string_pretty(schema).expect("a JSON value always renders");
    text.push('\n');
    text
}

#[test]
fn committed_schema_is_up_to_date() {
    let fresh = protocol_schema();
    let path = schema_path();
    if std::env::var_os("UPDATE_SCHEMA").is_some_and(|v| v != "0") {
        std::fs::write(&path, rendered(&fresh)).expect("write docs/protocol.schema.json");
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    // Compared as values, not text: key order may differ when another crate
    // of the workspace turns on serde_json's `preserve_order`.
    let committed: Option<Value> = serde_json::from_str(&committed).ok();
    assert!(
        committed.as_ref() == Some(&fresh),
        "docs/protocol.schema.json is stale or missing: the protocol types changed. \
         Run `UPDATE_SCHEMA=1 cargo test -p allssam-protocol --test schema` and commit the file."
    );
}

#[test]
fn schema_has_both_entry_points_and_resolvable_refs() {
    let schema = protocol_schema();
    assert_eq!(schema["title"], "All-ssam protocol v1");
    assert_eq!(
        schema["$schema"],
        "https://json-schema.org/draft/2020-12/schema"
    );
    let defs = schema["$defs"].as_object().expect("$defs is an object");
    for name in ["Request", "ServerMessage", "View", "Event", "ErrorCode"] {
        assert!(defs.contains_key(name), "$defs lacks {name}");
    }
    assert_eq!(schema["properties"]["request"]["$ref"], "#/$defs/Request");
    assert_eq!(
        schema["properties"]["server_message"]["$ref"],
        "#/$defs/ServerMessage"
    );
    // Every reference points at a definition that exists.
    let mut refs = Vec::new();
    collect_refs(&schema, &mut refs);
    assert!(!refs.is_empty());
    for r in refs {
        let name = r.strip_prefix("#/$defs/").expect("refs point into $defs");
        assert!(defs.contains_key(name), "dangling $ref {r}");
    }
}

#[test]
fn schema_names_every_request_type_and_event_kind() {
    let text = protocol_schema().to_string();
    for kind in REQUEST_TYPES.iter().chain(EVENT_KINDS) {
        assert!(
            text.contains(&format!("\"const\":\"{kind}\"")),
            "the schema lacks `{kind}`"
        );
    }
}

fn collect_refs(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, v) in map {
                match (key.as_str(), v) {
                    ("$ref", Value::String(r)) => out.push(r.clone()),
                    _ => collect_refs(v, out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| collect_refs(v, out)),
        _ => {}
    }
}
