//! Chat (PROTOCOL.md "Playing") and the secretary's extra-earnings order
//! (RULES.md §5): the two public announcements a player can make.

use allssam_protocol::{
    CHAT_HISTORY, ErrorCode, Event, MAX_CHAT_CHARS, Phase, PlayerId, Role, Speaker,
};

use super::lobby::MAX_PLAYERS;
use super::state::{ChatEntry, Game, refuse};
use super::visibility::{Out, public};
use super::{Actor, Refusal, Viewer};

/// At most this many chat lines are kept after pruning: each line kept is
/// among the last `CHAT_HISTORY` some viewer may see (the facilitator, a
/// spectator, each seat), so views are exactly those of an unbounded
/// chat. The full record is the command log (the export rebuilds it).
pub const CHAT_KEPT: usize = CHAT_HISTORY * (MAX_PLAYERS + 2);
/// The chat is pruned when it grows past this many lines, so pruning runs
/// at most once every `CHAT_HISTORY` lines and the room's chat never holds
/// more (docs/RULES.md "Where the rule book is silent").
pub const CHAT_MAX: usize = CHAT_KEPT + CHAT_HISTORY;

impl Game {
    /// Public chat, or private with `to`. A prisoner may only chat
    /// publicly (RULES.md §1). Text is 1–500 characters (`malformed`).
    pub(super) fn chat(
        &mut self,
        actor: Actor,
        text: String,
        to: Option<PlayerId>,
        out: &mut Out,
    ) -> Result<(), Refusal> {
        let from = match actor {
            Actor::Facilitator => Speaker::Facilitator,
            Actor::Player(id) => {
                let p = self.seated(id, ErrorCode::Forbidden)?;
                if to.is_some() && !p.at_liberty() {
                    return refuse(ErrorCode::Forbidden, "A prisoner can only chat publicly.");
                }
                Speaker::Player(id)
            }
            Actor::System => return refuse(ErrorCode::Forbidden, "The server does not chat."),
        };
        let chars = text.chars().count();
        if text.trim().is_empty() || chars > MAX_CHAT_CHARS {
            return refuse(
                ErrorCode::Malformed,
                format!(
                    "A chat message is 1 to {MAX_CHAT_CHARS} characters (this one has {chars})."
                ),
            );
        }
        if let Some(to) = to {
            self.seated(to, ErrorCode::InvalidTarget)?;
            if Speaker::Player(to) == from {
                return refuse(
                    ErrorCode::InvalidTarget,
                    "You cannot chat privately with yourself.",
                );
            }
        }
        let sender = match from {
            Speaker::Player(id) => Some(id),
            Speaker::Facilitator => None,
        };
        self.ev_chat(
            out,
            Event::Chat {
                from,
                to,
                text: text.clone(),
            },
            sender,
        );
        // Grown `CHAT_HISTORY` lines at a time, not doubled: rooms that chat
        // at one pace reach each doubling together, and 2,375 rooms
        // reallocating their whole history onto fresh pages in the same
        // second held every answer up for a moment (bench/README.md).
        if self.chat.len() == self.chat.capacity() {
            self.chat.reserve_exact(CHAT_HISTORY);
        }
        self.chat.push(ChatEntry {
            from,
            to,
            text,
            round: self.round,
            phase: self.phase,
        });
        if self.chat.len() > CHAT_MAX {
            self.prune_chat();
        }
        Ok(())
    }

    /// Drops every line that is no longer among the last `CHAT_HISTORY`
    /// lines of any viewer who may see it; a view cannot show it again.
    fn prune_chat(&mut self) {
        let mut viewers = vec![Viewer::Facilitator, Viewer::Spectator];
        viewers.extend(self.players.iter().map(|p| Viewer::Player(p.id)));
        let mut shown = vec![0usize; viewers.len()];
        let mut keep = vec![false; self.chat.len()];
        for (i, line) in self.chat.iter().enumerate().rev() {
            for (viewer, n) in viewers.iter().zip(shown.iter_mut()) {
                if *n < CHAT_HISTORY && self.sees_chat(*viewer, line) {
                    *n += 1;
                    keep[i] = true;
                }
            }
            if shown.iter().all(|&n| n >= CHAT_HISTORY) {
                break;
            }
        }
        let mut keep = keep.into_iter();
        self.chat.retain(|_| keep.next().unwrap_or(false));
    }

    /// Once per round for the room, in dealing, a free secretary may issue
    /// the extra-earnings order; it is public and in force for the round.
    pub(super) fn order(&mut self, me: PlayerId, now: u64, out: &mut Out) -> Result<(), Refusal> {
        if !self.player(me).is_some_and(|p| p.holds(Role::Secretary)) {
            return refuse(
                ErrorCode::Forbidden,
                "Only the Party secretary in post issues the order.",
            );
        }
        self.require_phase(Phase::Dealing, "issue the extra-earnings order", now)?;
        if self.orders.contains(&self.round) {
            return refuse(
                ErrorCode::LimitReached,
                "The order was already issued this round.",
            );
        }
        self.orders.insert(self.round);
        public(out, Event::OrderIssued { round: self.round });
        Ok(())
    }
}
