//! All-ssam's command-line client as a library: the protocol client, the local
//! room model, the command parser, bots and their strategies, and the load generator.

pub mod bots;
pub mod client;
pub mod describe;
pub mod parse;
pub mod state;
pub mod strategy;
pub mod wire;

#[cfg(test)]
mod testkit;
