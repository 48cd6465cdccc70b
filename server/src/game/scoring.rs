//! The end of the game (RULES.md §9): scores, the best of each role, and
//! the debrief figures.

use allssam_protocol::{Debrief, Role, Score, Status};

use super::state::Game;

impl Game {
    /// Each player's score: the balance, plus `cadre_tie_score` per tie at
    /// `rumor_threshold` or more for a cadre still in post.
    pub(super) fn scores(&self) -> Vec<Score> {
        let c = &self.config;
        let mut scores: Vec<Score> = self
            .players
            .iter()
            .filter_map(|p| {
                let role = p.role?;
                let mut score = p.balance;
                if role.is_cadre() && p.status != Status::Dismissed {
                    let power_base = self
                        .ties
                        .iter()
                        .filter(|t| (t.a == p.id || t.b == p.id) && t.strength >= c.rumor_threshold)
                        .count() as u64;
                    score = score.saturating_add(power_base.saturating_mul(c.cadre_tie_score));
                }
                Some(Score {
                    player: p.id,
                    role,
                    score,
                    best: false,
                })
            })
            .collect();
        for role in Role::ALL {
            let best = scores
                .iter()
                .filter(|s| s.role == *role)
                .map(|s| s.score)
                .max();
            for s in scores.iter_mut().filter(|s| s.role == *role) {
                s.best = Some(s.score) == best;
            }
        }
        scores
    }

    /// Justice index, shrimp count, cadres dismissed, confiscated.
    pub(super) fn debrief(&self) -> Debrief {
        let decided: Vec<_> = self
            .cases
            .iter()
            .filter_map(|c| c.outcome.as_ref())
            .collect();
        let matched = decided
            .iter()
            .filter(|o| o.verdict == o.evidence_ruling)
            .count();
        Debrief {
            justice_index: (!decided.is_empty()).then(|| matched as f64 / decided.len() as f64),
            shrimp_count: self.shrimp_count,
            cadres_dismissed: self.cadres_dismissed,
            confiscated: self.totals.confiscated,
        }
    }
}
