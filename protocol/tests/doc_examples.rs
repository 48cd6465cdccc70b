//! Every example of `docs/PROTOCOL.md` is a valid message in canonical form,
//! and the page documents every request, event kind and error code.
//!
//! Fenced blocks tagged ```` ```json request ```` hold one client message,
//! ```` ```json server ```` one server message; ```` ```text transcript ````
//! holds lines `WHO → {request}` and `WHO ← {server message}` (a line whose
//! text after the arrow is not a JSON object is prose and skipped). Every
//! other ```` ```json ```` block is refused, so no example escapes the check.
#![allow(clippy::unwrap_used)]

use std::collections::BTreeSet;
use std::path::PathBuf;

use allssam_protocol::*;
use serde_json::Value;

fn page() -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../docs/PROTOCOL.md");
    std::fs::read_to_string(path).expect("docs/PROTOCOL.md exists")
}

/// (tag line, first line number, body) of every fenced block.
fn blocks(page: &str) -> Vec<(String, usize, String)> {
    let mut out = Vec::new();
    let mut open: Option<(String, usize, String)> = None;
    for (number, line) in page.lines().enumerate() {
        let trimmed = line.trim_start();
        match open.take() {
            None if trimmed.starts_with("```") => {
                open = Some((trimmed[3..].trim().to_string(), number + 1, String::new()));
            }
            None => {}
            Some(block) if trimmed.starts_with("```") => out.push(block),
            Some((tag, start, mut body)) => {
                body.push_str(line);
                body.push('\n');
                open = Some((tag, start, body));
            }
        }
    }
    assert!(open.is_none(), "a fenced block is never closed");
    out
}

/// Everything the examples show, gathered for the coverage checks.
#[derive(Default)]
struct Seen {
    requests: BTreeSet<&'static str>,
    events: BTreeSet<&'static str>,
    server: BTreeSet<&'static str>,
    count: usize,
}

impl Seen {
    fn request(&mut self, text: &str, at: &str) {
        let request = parse_request(text).unwrap_or_else(|e| panic!("{at}: not a request: {e}"));
        canonical(&request, text, at);
        if let ClientMessage::CreateRoom {
            config: Some(patch),
            ..
        }
        | ClientMessage::Configure { config: patch } = &request.body
        {
            RoomConfig::default()
                .merged(patch)
                .unwrap_or_else(|e| panic!("{at}: config refused: {e}"));
        }
        self.requests.insert(request.body.type_name());
        self.count += 1;
    }

    fn server(&mut self, text: &str, at: &str) {
        let message: ServerMessage = serde_json::from_str(text)
            .unwrap_or_else(|e| panic!("{at}: not a server message: {e}"));
        canonical(&message, text, at);
        let kind = match &message {
            ServerMessage::Ack { .. } => "ack",
            ServerMessage::Error(_) => "error",
            ServerMessage::Pong { .. } => "pong",
            ServerMessage::Snapshot { .. } => "snapshot",
            ServerMessage::Event { event, .. } => {
                self.events.insert(event.kind());
                "event"
            }
        };
        self.server.insert(kind);
        self.count += 1;
    }
}

/// The example writes exactly what the crate would: no unknown or misspelt
/// field hides behind "unknown fields are ignored".
fn canonical<T: serde::Serialize>(value: &T, text: &str, at: &str) {
    let written: Value = serde_json::to_value(value).unwrap();
    let example: Value = serde_json::from_str(text).unwrap();
    assert_eq!(
        written, example,
        "{at}: the example is not in canonical form"
    );
}

fn gather() -> Seen {
    let page = page();
    let mut seen = Seen::default();
    for (tag, line, body) in blocks(&page) {
        let at = format!("docs/PROTOCOL.md:{line} ({tag})");
        match tag.as_str() {
            "json request" => seen.request(&body, &at),
            "json server" => seen.server(&body, &at),
            "text transcript" => {
                for (offset, text) in body.lines().enumerate() {
                    let at = format!("docs/PROTOCOL.md:{}", line + 1 + offset);
                    let (is_request, rest) = match (text.split_once('→'), text.split_once('←'))
                    {
                        (Some((_, rest)), _) => (true, rest.trim()),
                        (None, Some((_, rest))) => (false, rest.trim()),
                        (None, None) => continue,
                    };
                    match (is_request, rest.starts_with('{')) {
                        (true, true) => seen.request(rest, &at),
                        (false, true) => seen.server(rest, &at),
                        (_, false) => {} // prose, e.g. "a snapshot with seq 0"
                    }
                }
            }
            t if t.starts_with("json") => {
                panic!("{at}: tag a json block `json request` or `json server`")
            }
            _ => {}
        }
    }
    seen
}

#[test]
fn every_example_is_a_valid_message_in_canonical_form() {
    let seen = gather();
    assert!(seen.count > 60, "only {} examples were found", seen.count);
}

#[test]
fn every_request_type_has_an_example() {
    let seen = gather();
    let missing: Vec<_> = REQUEST_TYPES
        .iter()
        .filter(|t| !seen.requests.contains(*t))
        .collect();
    assert!(missing.is_empty(), "no example of {missing:?}");
}

#[test]
fn every_event_kind_and_server_message_has_an_example() {
    let seen = gather();
    let missing: Vec<_> = EVENT_KINDS
        .iter()
        .filter(|k| !seen.events.contains(*k))
        .collect();
    assert!(missing.is_empty(), "no example of {missing:?}");
    for kind in ["ack", "error", "pong", "snapshot", "event"] {
        assert!(seen.server.contains(kind), "no example of `{kind}`");
    }
}

#[test]
fn every_error_code_is_explained_in_the_errors_section() {
    let page = page();
    let start = page.find("\n## Errors").expect("an Errors section");
    let section = &page[start + 1..];
    let section = &section[..section[3..]
        .find("\n## ")
        .map_or(section.len(), |end| end + 3)];
    for code in ErrorCode::ALL {
        let row = format!("| `{code}` |");
        assert!(
            section.contains(&row),
            "the Errors table lacks a row `{row}`"
        );
    }
    let rows = section.lines().filter(|l| l.starts_with("| `")).count();
    assert_eq!(
        rows,
        ErrorCode::ALL.len(),
        "the Errors table has rows for unknown codes"
    );
}
