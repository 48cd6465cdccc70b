//! The rules engine: a pure, deterministic implementation of `RULES.md`.
//!
//! No I/O, no clock, no tokio, no global state. Time enters only as the
//! `now` argument (epoch milliseconds); every fact from outside — a player
//! joining, connecting or leaving, a deadline passing — enters as a
//! [`Command`], so a game is a pure function of its config (seed included)
//! and its command log. That log is what persistence replays.

mod api;
mod engine;

pub use api::{Actor, Applied, Audience, Command, Emitted, PlayerSet, Refusal, Viewer};
pub use engine::Game;
