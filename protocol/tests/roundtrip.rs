//! Round trips of every wire message: Rust value → JSON → Rust value is the
//! identity, and the JSON has the names and shapes of PROTOCOL.md.
#![allow(clippy::unwrap_used)]

#[path = "roundtrip/fixtures.rs"]
mod fixtures;

#[path = "roundtrip/client.rs"]
mod client;

#[path = "roundtrip/server.rs"]
mod server;

#[path = "roundtrip/events.rs"]
mod events;

#[path = "roundtrip/view.rs"]
mod view;

#[path = "roundtrip/parse.rs"]
mod parse;

#[path = "roundtrip/names.rs"]
mod names;
