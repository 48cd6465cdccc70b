//! The subcommands of the `allssam` binary, each a thin layer over the library.

mod console;
pub mod demo;
pub mod host;
mod host_input;
mod host_text;
pub mod play;
pub mod watch;

use allssam_protocol::Event;

use crate::client::{Client, Update};
use crate::describe;

/// Whether an event belongs on the public feed (phase, rumors, docket, verdicts).
pub fn is_public_headline(e: &Event) -> bool {
    matches!(
        e,
        Event::PhaseChanged { .. }
            | Event::Rumor { .. }
            | Event::RumorEnded { .. }
            | Event::OrderIssued { .. }
            | Event::CaseOpened { .. }
            | Event::CaseWithdrawn { .. }
            | Event::Verdict { .. }
            | Event::Sentence { .. }
            | Event::LeaseStarted { .. }
            | Event::PlayerJoined { .. }
            | Event::Paused { .. }
            | Event::Unpaused { .. }
            | Event::GameEnded { .. }
    ) || matches!(e, Event::Chat { to: None, .. })
}

/// Prints the client's updates as sentences (those `keep` selects) until the
/// game ends or the connection closes; `print` does the printing. The
/// feed starts from `updates` (subscribed before anything happens).
pub async fn feed(
    client: &Client,
    mut updates: tokio::sync::broadcast::Receiver<Update>,
    keep: fn(&Event) -> bool,
    mut print: impl FnMut(String),
) {
    loop {
        match updates.recv().await {
            Ok(Update::Event(e)) => {
                if keep(&e) {
                    let line = describe::event(&client.state(), &e);
                    if let Some(line) = line {
                        print(line);
                    }
                }
                if matches!(*e, Event::GameEnded { .. }) {
                    return;
                }
            }
            Ok(Update::Reconnecting(why)) => {
                print(format!("(connection lost: {why}; reconnecting…)"))
            }
            Ok(Update::Reconnected) => print("(reconnected)".into()),
            Ok(Update::Closed(why)) => {
                print(format!("(connection closed: {why})"));
                return;
            }
            Ok(Update::Snapshot) => {}
            Err(tokio::sync::broadcast::error::RecvError::Lagged(n)) => {
                print(format!("({n} events skipped; see `status`)"));
            }
            Err(tokio::sync::broadcast::error::RecvError::Closed) => return,
        }
    }
}
