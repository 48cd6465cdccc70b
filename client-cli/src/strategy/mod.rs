//! Bot strategies: pure functions from (local state, memory, seeded rng) to
//! the next request, so that they are tested without a server.

mod levers;
mod random;
mod roles;

use std::collections::HashSet;

use allssam_protocol::{ClientMessage, OfferInfo, Phase, PlayerId, Role, Status};
use rand_chacha::ChaCha8Rng;

use crate::state::State;

pub use random::Random;
pub use roles::Sensible;

/// One step a bot takes: a request, and a key that marks it done.
#[derive(Clone, Debug, PartialEq)]
pub struct Action {
    /// What marks this act as done in [`Memory`] (scoped to round and phase).
    pub key: String,
    /// The request to send.
    pub message: ClientMessage,
    /// Money this act brings us, if it is accepting an offer (for the strategies' memory).
    pub received_from: Option<(PlayerId, u64)>,
}

/// What a bot remembers beyond the room's model: what it already did.
#[derive(Clone, Debug, Default)]
pub struct Memory {
    done: HashSet<String>,
    /// Money received by accepting offers: (round, from, amount).
    pub received: Vec<(u32, PlayerId, u64)>,
}

impl Memory {
    /// Marks an action done (whatever the server answered: no retrying a refusal).
    pub fn record(&mut self, state: &State, action: &Action) {
        self.done.insert(action.key.clone());
        if let Some((from, amount)) = action.received_from {
            self.received.push((state.view.round, from, amount));
        }
    }

    /// Was the act `key` done (keys from [`key`] are scoped to a phase)?
    pub fn did(&self, key: &str) -> bool {
        self.done.contains(key)
    }

    /// Money `from` gave us in the current round.
    pub fn received_this_round(&self, state: &State, from: PlayerId) -> u64 {
        self.received
            .iter()
            .filter(|(r, f, _)| *r == state.view.round && *f == from)
            .map(|(_, _, a)| a)
            .sum()
    }
}

/// A way of playing.
pub trait Strategy: Send + Sync {
    /// The next request, or `None` when there is nothing to do for now.
    fn next(&self, state: &State, memory: &Memory, rng: &mut ChaCha8Rng) -> Option<Action>;
}

/// The strategies `allssam bots --strategy` knows.
pub const STRATEGIES: &[&str] = &["sensible", "random"];

/// A strategy by name: `sensible` (by role) or `random`.
pub fn by_name(name: &str) -> Option<Box<dyn Strategy>> {
    match name {
        "sensible" => Some(Box::new(Sensible)),
        "random" => Some(Box::new(Random)),
        _ => None,
    }
}

/// A key for an act, scoped to the current round and phase.
pub fn key(state: &State, what: &str) -> String {
    format!("{}:{}:{what}", state.view.round, state.view.phase)
}

/// An action keyed in the current phase.
pub fn act(state: &State, what: &str, message: ClientMessage) -> Action {
    Action {
        key: key(state, what),
        message,
        received_from: None,
    }
}

/// Whether a bot may act at all now: seated, playing, at liberty.
pub fn can_act(state: &State) -> bool {
    let playing = !matches!(state.view.phase, Phase::Lobby | Phase::Ended);
    let free = state
        .view
        .you
        .as_ref()
        .is_some_and(|y| y.status != Status::Imprisoned);
    playing && free && state.my_role().is_some()
}

/// Accept or reject an offer made to us, with `accept` deciding.
pub fn answer(state: &State, offer: &OfferInfo, accept: bool) -> Action {
    let paid = match offer.kind {
        allssam_protocol::OfferKind::Bribe | allssam_protocol::OfferKind::PerDiem if accept => {
            offer.amount.map(|a| (offer.from, a))
        }
        _ => None,
    };
    Action {
        key: key(state, &format!("answer:{}", offer.id)),
        message: ClientMessage::Respond {
            offer: offer.id,
            accept,
        },
        received_from: paid,
    }
}

/// `ready` once nothing we sent or received is open: the phase then ends
/// as soon as everyone is done (RULES.md §4).
pub fn ready_when_quiet(state: &State, memory: &Memory) -> Option<Action> {
    let quiet = state.offers_to_me().is_empty() && state.offers_from_me().is_empty();
    let k = key(state, "ready");
    (quiet && !memory.did(&k)).then_some(Action {
        key: k,
        message: ClientMessage::Ready,
        received_from: None,
    })
}

/// Free players of `role` other than us, in seat order.
pub fn free_with_role(state: &State, role: Role) -> Vec<PlayerId> {
    state
        .others_with_role(role)
        .into_iter()
        .filter(|p| p.status == Status::Free)
        .map(|p| p.id)
        .collect()
}

#[cfg(test)]
mod tests;
