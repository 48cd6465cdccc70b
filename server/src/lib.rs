//! The authoritative All-ssam server: the rules engine ([`game`]), rooms,
//! sessions, the WebSocket and HTTP surface, and the durable store.

pub mod game;
pub mod store;
