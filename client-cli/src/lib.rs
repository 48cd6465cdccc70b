//! All-ssam's command-line client as a library: the protocol client, the local
//! room model, the command parser, bots and their strategies, and the load generator.

pub mod banner;
pub mod bots;
pub mod cli;
pub mod client;
pub mod cmd;
pub mod describe;
pub mod export;
pub mod labels;
pub mod loadtest;
pub mod loadtest_args;
pub mod loadtest_modes;
pub mod loadtest_raw;
pub mod lockstep;
pub mod panel;
pub mod parse;
pub mod query;
pub mod state;
pub mod strategy;
pub mod tokens;
pub mod wire;

#[cfg(test)]
mod testkit;
