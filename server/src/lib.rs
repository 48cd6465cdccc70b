//! The authoritative All-ssam server: the rules engine ([`game`]), rooms,
//! sessions, the WebSocket and HTTP surface, and the durable store.

pub mod app;
pub mod cli;
pub mod config;
pub mod connection;
pub mod export;
pub mod game;
pub mod journal;
pub mod metrics;
pub mod outbound;
pub mod recovery;
pub mod registry;
pub mod room;
pub mod store;

pub use app::{run, run_with};
pub use cli::{LogFormat, ServerArgs};
pub use config::ServerConfig;

/// This server's version, sent in every opening ack.
pub const SERVER_VERSION: &str = env!("CARGO_PKG_VERSION");
