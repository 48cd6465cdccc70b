//! Chat (PROTOCOL.md "Playing") and the secretary's extra-earnings order
//! (RULES.md §5): the two public announcements a player can make.

use allssam_protocol::{ErrorCode, Event, MAX_CHAT_CHARS, Phase, PlayerId, Role, Speaker};

use super::state::{ChatEntry, Game, refuse};
use super::visibility::{Out, public};
use super::{Actor, Refusal};

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
        self.chat.push(ChatEntry {
            from,
            to,
            text,
            round: self.round,
            phase: self.phase,
        });
        Ok(())
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
