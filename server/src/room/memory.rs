//! The retry memory of one seat (PROTOCOL.md "Retries"): the answers to its
//! last 64 state-changing requests by `req`, and the highest `req` it used.

use std::collections::VecDeque;

use allssam_protocol::{RETRY_MEMORY, ServerMessage};

/// What one seat's requests are remembered by.
#[derive(Clone, Debug, Default)]
pub struct RetryMemory {
    last_req: Option<u64>,
    answers: VecDeque<(u64, ServerMessage)>,
}

impl RetryMemory {
    /// Notes that the seat used `req` (any request, opening ones included).
    pub fn saw(&mut self, req: Option<u64>) {
        if let Some(req) = req {
            self.last_req = Some(self.last_req.map_or(req, |last| last.max(req)));
        }
    }

    /// Remembers the answer to a state-changing request numbered `req`.
    /// Rebuilding after a restart calls this for every logged request, in order.
    pub fn remember(&mut self, req: u64, answer: ServerMessage) {
        // A resent number replaces its older answer: the newest is what a
        // retry means. Only a number at most the highest used can be resent.
        if self.last_req.is_some_and(|last| req <= last) {
            self.answers.retain(|(r, _)| *r != req);
        }
        self.saw(Some(req));
        if self.answers.len() == RETRY_MEMORY {
            self.answers.pop_front();
        } else if self.answers.capacity() == 0 {
            // Most seats of a parked or idle game have answered once: one
            // slot, not the four a first push would take (an answer is a
            // few hundred bytes).
            self.answers.reserve_exact(1);
        }
        self.answers.push_back((req, answer));
    }

    /// The remembered answer to `req`, if any.
    pub fn recall(&self, req: u64) -> Option<&ServerMessage> {
        self.answers
            .iter()
            .rev()
            .find(|(r, _)| *r == req)
            .map(|(_, answer)| answer)
    }

    /// The highest `req` the seat has used, 0 if none.
    pub fn last_req(&self) -> u64 {
        self.last_req.unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use allssam_protocol::{AckResult, ErrorCode};

    fn ack(req: u64) -> ServerMessage {
        ServerMessage::Ack {
            req: Some(req),
            result: AckResult::default(),
        }
    }

    #[test]
    fn keeps_the_last_64_answers() {
        let mut memory = RetryMemory::default();
        for req in 1..=70 {
            memory.remember(req, ack(req));
        }
        assert!(memory.recall(6).is_none(), "the oldest are forgotten");
        assert_eq!(memory.recall(7), Some(&ack(7)));
        assert_eq!(memory.recall(70), Some(&ack(70)));
        assert_eq!(memory.last_req(), 70);
    }

    #[test]
    fn last_req_is_the_highest_used() {
        let mut memory = RetryMemory::default();
        assert_eq!(memory.last_req(), 0);
        memory.saw(Some(9));
        memory.remember(
            3,
            ServerMessage::error(Some(3), ErrorCode::WrongPhase, "no"),
        );
        memory.saw(None);
        assert_eq!(memory.last_req(), 9);
        assert!(matches!(memory.recall(3), Some(ServerMessage::Error(_))));
    }

    #[test]
    fn a_resent_number_keeps_only_its_newest_answer() {
        let mut memory = RetryMemory::default();
        memory.remember(5, ack(5));
        memory.remember(6, ack(6));
        let refused = ServerMessage::error(Some(5), ErrorCode::WrongPhase, "no");
        memory.remember(5, refused.clone());
        assert_eq!(memory.recall(5), Some(&refused));
        assert_eq!(memory.answers.len(), 2, "5 once, 6 once");
        // After 64 more, both are forgotten: 5 was not kept twice.
        for req in 7..=70 {
            memory.remember(req, ack(req));
        }
        assert!(memory.recall(5).is_none() && memory.recall(6).is_none());
        assert_eq!(memory.recall(7), Some(&ack(7)));
    }

    #[test]
    fn a_first_answer_takes_one_slot() {
        let mut memory = RetryMemory::default();
        memory.remember(1, ack(1));
        assert_eq!(memory.answers.capacity(), 1);
        memory.remember(2, ack(2));
        assert_eq!(memory.recall(1), Some(&ack(1)));
        assert_eq!(memory.recall(2), Some(&ack(2)));
    }
}
