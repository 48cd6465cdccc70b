//! Ties (all-ssam), their decay and the rumors about them (RULES.md §3).

use allssam_protocol::{Event, PlayerId};

use super::state::{Game, Player, Tie, pair};
use super::visibility::{Out, public};

impl Game {
    /// `gain` for a money exchange of `amount` (RULES.md §3: `floor(a / tie_price)`).
    pub(super) fn gain(&self, amount: u64) -> u64 {
        amount / self.config.tie_price.max(1)
    }

    /// An exchange adds `gain` to the tie of `a` and `b`, stamped with this
    /// round. RULES.md §3: one of the two must be a cadre, and an exchange
    /// that adds 0 neither creates a tie nor counts as an exchange.
    pub(super) fn strengthen(&mut self, a: PlayerId, b: PlayerId, gain: u64, out: &mut Out) {
        let cadre = [a, b]
            .iter()
            .any(|&id| self.player(id).is_some_and(Player::is_cadre));
        if gain == 0 || !cadre || a == b {
            return;
        }
        let (a, b) = pair(a, b);
        let round = self.round;
        let threshold = self.config.rumor_threshold;
        let i = match self.ties.iter().position(|t| t.a == a && t.b == b) {
            Some(i) => i,
            None => {
                self.ties.push(Tie {
                    a,
                    b,
                    strength: 0,
                    last_round: round,
                    rumor_since: None,
                });
                self.ties.len() - 1
            }
        };
        let tie = &mut self.ties[i];
        tie.strength = tie.strength.saturating_add(gain);
        tie.last_round = round;
        let strength = tie.strength;
        let word_gets_around = strength >= threshold && tie.rumor_since.is_none();
        if word_gets_around {
            tie.rumor_since = Some(round);
        }
        self.ev_tie(out, a, b, strength);
        if word_gets_around {
            public(out, Event::Rumor { a, b });
        }
    }

    /// RULES.md §3: at the market of round r (r ≥ 2), a tie whose last
    /// exchange was before round r − 1 loses 1; at 0 it disappears and
    /// leaves the list of rumors.
    pub(super) fn decay_ties(&mut self, out: &mut Out) {
        let round = self.round;
        if round < 2 {
            return;
        }
        let mut kept = Vec::with_capacity(self.ties.len());
        for mut tie in std::mem::take(&mut self.ties) {
            if tie.last_round + 1 < round {
                tie.strength -= 1;
                self.ev_tie(out, tie.a, tie.b, tie.strength);
                if tie.strength == 0 {
                    if tie.rumor_since.is_some() {
                        public(out, Event::RumorEnded { a: tie.a, b: tie.b });
                    }
                    continue;
                }
            }
            kept.push(tie);
        }
        self.ties = kept;
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::super::testkit::Table;
    use allssam_protocol::{Event, OfferKind};

    /// RULES.md §3, one row per rule: gain, cadre requirement, rumor, decay.
    #[test]
    fn ties_grow_decay_and_rumor() {
        let mut t = Table::four();
        let (sec, man, don) = (t.sec, t.man, t.don);
        // Bribe of 149 → floor(149/50) = 2.
        t.accept(don, sec, OfferKind::Bribe, Some(149));
        assert_eq!(t.game.strength(don, sec), 2);
        // A token of 49 adds 0: no tie with the manager.
        t.accept(don, man, OfferKind::Bribe, Some(49));
        assert_eq!(t.game.strength(don, man), 0);
        assert!(t.game.tie(don, man).is_none());
        // +1 more reaches the threshold 3: word gets around, publicly.
        let events = t.accept(don, sec, OfferKind::Bribe, Some(50));
        assert_eq!(t.game.strength(don, sec), 3);
        assert!(
            events
                .iter()
                .any(|e| matches!(e.event, Event::Rumor { .. }) && e.audience.spectators)
        );
        // Round 2 market: last exchange in round 1 = r − 1: no decay.
        t.advance_round();
        assert_eq!(t.game.strength(don, sec), 3);
        // Round 3 market: last exchange round 1 < 3 − 1: loses 1.
        t.advance_round();
        assert_eq!(t.game.strength(don, sec), 2);
        // Still on the list of rumors while it lives.
        assert!(t.game.tie(don, sec).unwrap().rumor_since.is_some());
        t.advance_round();
        let events = t.advance_round();
        assert!(t.game.tie(don, sec).is_none());
        assert!(
            events
                .iter()
                .any(|e| matches!(e.event, Event::RumorEnded { .. }))
        );
    }

    #[test]
    fn two_donju_build_no_tie() {
        let mut t = Table::five();
        let (d1, d2) = (t.don, t.don2.unwrap());
        t.accept(d1, d2, OfferKind::Bribe, Some(500));
        assert!(t.game.tie(d1, d2).is_none());
        assert!(
            t.game.infractions.is_empty(),
            "a gift between donju is no bribe"
        );
    }
}
