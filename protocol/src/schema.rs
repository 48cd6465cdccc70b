//! The JSON Schema of the wire format, generated from these types.

use schemars::generate::SchemaSettings;
use serde_json::{Value, json};

use crate::client::Request;
use crate::server::ServerMessage;

/// The JSON Schema (draft 2020-12) of protocol version 1, in one document.
///
/// Every type is under `$defs`; validate a client frame against
/// `#/$defs/Request` and a server frame against `#/$defs/ServerMessage`
/// (the document's `properties` name both). `docs/protocol.schema.json` is
/// this value, and a test fails when the committed file is stale.
///
/// The schema describes what the types accept. It does not repeat the
/// checks the server makes on values (ranges, lengths, who may do what):
/// those are answered with error codes, see `docs/PROTOCOL.md`.
pub fn protocol_schema() -> Value {
    let mut generator = SchemaSettings::draft2020_12().into_generator();
    let request = generator.subschema_for::<Request>();
    let server_message = generator.subschema_for::<ServerMessage>();
    let definitions = generator.take_definitions(true);
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "All-ssam protocol v1",
        "description": "Every message of the All-ssam wire protocol, version 1, generated from the \
            allssam-protocol crate. A client sends one Request per WebSocket text frame; the \
            server sends one ServerMessage per frame. Both sides ignore object fields they do not \
            know; clients ignore event kinds they do not know. See docs/PROTOCOL.md.",
        "type": "object",
        "properties": {
            "request": request,
            "server_message": server_message,
        },
        "$defs": definitions,
    })
}
