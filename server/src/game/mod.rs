//! The rules engine: a pure, deterministic implementation of `RULES.md`.
//!
//! No I/O, no clock, no tokio, no global state. Time enters only as the
//! `now` argument (epoch milliseconds); every fact from outside — a player
//! joining, connecting or leaving, a deadline passing — enters as a
//! [`Command`], so a game is a pure function of its config (seed included)
//! and its command log. That log is what persistence replays.
//!
//! One file per part of the rule book: [`lobby`] (§1), [`phases`] (§4),
//! `market` (§4), `offer_rules`, `offers` and `exchanges` (§5), `ties` (§3),
//! `evidence` (§5–6), `accusations` (§7), `verdicts` (§8), `scoring` (§9),
//! `talk` (chat, the order); `visibility` decides every audience and
//! `view` builds snapshots.

mod accusations;
mod api;
mod engine;
mod evidence;
mod exchanges;
pub mod lobby;
mod market;
mod offer_rules;
mod offers;
pub mod phases;
mod scoring;
mod state;
mod talk;
mod ties;
mod verdicts;
mod view;
mod visibility;

#[cfg(test)]
pub(crate) mod testkit;
#[cfg(test)]
mod tests_cases;
#[cfg(test)]
mod tests_chat;
#[cfg(test)]
mod tests_fixes;
#[cfg(test)]
mod tests_offers;
#[cfg(test)]
mod tests_oracle;
#[cfg(test)]
mod tests_phases;
#[cfg(test)]
mod tests_prop;
#[cfg(test)]
mod tests_prop_gen;
#[cfg(test)]
mod tests_random;
#[cfg(test)]
mod tests_review;
#[cfg(test)]
mod tests_rules;
#[cfg(test)]
mod tests_scripted;

pub use api::{Actor, Applied, Audience, Command, Emitted, PlayerSet, Refusal, Viewer};
pub use state::Game;
