//! Verdicts (RULES.md §8): rulings, votes by ties, the strict head, the
//! tie-breaks, and the sentences.

use allssam_protocol::{
    BalanceReason, CaseId, ErrorCode, Event, InfractionKind, Phase, PlayerId, Role, RulingInfo,
    RulingSource, SentenceInfo, SentenceKind, Status, Verdict, Votes,
};

use super::Refusal;
use super::state::{Game, Outcome, refuse};
use super::visibility::{Out, Update, public};

impl Game {
    /// A hearing prosecutor rules (changeable until the phase ends).
    pub(super) fn rule(
        &mut self,
        me: PlayerId,
        id: CaseId,
        verdict: Verdict,
        now: u64,
        out: &mut Out,
    ) -> Result<(), Refusal> {
        let Some(i) = self.cases.iter().position(|c| c.id == id) else {
            return refuse(ErrorCode::UnknownCase, format!("There is no case {id}."));
        };
        self.require_phase(Phase::Verdict, "rule", now)?;
        let case = &self.cases[i];
        if case.withdrawn {
            return refuse(
                ErrorCode::Forbidden,
                format!("Case {id} was withdrawn: nobody hears it."),
            );
        }
        if case.round != self.round {
            return refuse(
                ErrorCode::Forbidden,
                format!("Case {id} was decided in round {}.", case.round),
            );
        }
        if !self.hears(case, me) {
            return refuse(ErrorCode::Forbidden, format!("You do not hear case {id}."));
        }
        self.cases[i].rulings.insert(me, verdict);
        self.ev_ruling(out, &self.cases[i], me, verdict);
        Ok(())
    }

    /// At the end of the verdict phase every open case of the round is
    /// resolved in filing order, each with its consequences.
    pub(super) fn resolve_cases(&mut self, out: &mut Out) {
        let round = self.round;
        let open: Vec<usize> = (0..self.cases.len())
            .filter(|&i| self.cases[i].round == round && !self.cases[i].withdrawn)
            .collect();
        for i in open {
            let outcome = self.decide(i);
            let verdict = outcome.verdict;
            self.cases[i].outcome = Some(outcome);
            self.ev_verdict(out, &self.cases[i]);
            let sentences = match verdict {
                Verdict::Guilty => self.punish_guilty(i, out),
                Verdict::Acquit => self.fine_accuser(i, out),
            };
            if let Some(o) = self.cases[i].outcome.as_mut() {
                o.sentences = sentences;
            }
        }
    }

    /// RULES.md §8 steps 1–2: who hears it now, each vote, the count and
    /// the tie-breaks.
    fn decide(&self, i: usize) -> Outcome {
        let case = &self.cases[i];
        let evidence_ruling = if case.evidence.is_empty() {
            Verdict::Acquit
        } else {
            Verdict::Guilty
        };
        let heard_by = self.hearers(case);
        let mut rulings = Vec::new();
        for &p in &heard_by {
            let (verdict, source) = match case.rulings.get(&p) {
                Some(&v) => (v, RulingSource::Explicit),
                None => {
                    let (to_accuser, to_accused) = (
                        self.strength(p, case.accuser),
                        self.strength(p, case.accused),
                    );
                    if to_accuser > to_accused {
                        (Verdict::Guilty, RulingSource::Ties)
                    } else if to_accused > to_accuser {
                        (Verdict::Acquit, RulingSource::Ties)
                    } else {
                        (evidence_ruling, RulingSource::Evidence)
                    }
                }
            };
            rulings.push(RulingInfo {
                prosecutor: Some(p),
                verdict,
                source,
            });
        }
        let head = self.config.strict_head;
        if head {
            rulings.push(RulingInfo {
                prosecutor: None,
                verdict: evidence_ruling,
                source: RulingSource::Evidence,
            });
        }
        let guilty = rulings
            .iter()
            .filter(|r| r.verdict == Verdict::Guilty)
            .count() as u32;
        let acquit = rulings.len() as u32 - guilty;
        let verdict = if guilty != acquit {
            if guilty > acquit {
                Verdict::Guilty
            } else {
                Verdict::Acquit
            }
        } else {
            // The most all-ssam in the prosecutor's office.
            let side = |x: PlayerId| -> u64 { heard_by.iter().map(|&p| self.strength(p, x)).sum() };
            let (accuser_side, accused_side) = (side(case.accuser), side(case.accused));
            if accuser_side > accused_side {
                Verdict::Guilty
            } else if accused_side > accuser_side {
                Verdict::Acquit
            } else {
                evidence_ruling
            }
        };
        Outcome {
            verdict,
            evidence_ruling,
            votes: Votes { guilty, acquit },
            heard_by,
            head,
            rulings,
            sentences: Vec::new(),
        }
    }

    /// Consequences of guilty (RULES.md §8).
    fn punish_guilty(&mut self, i: usize, out: &mut Out) -> Vec<SentenceInfo> {
        let case = self.cases[i].clone();
        let Some(accused) = self.player(case.accused).cloned() else {
            return Vec::new();
        };
        let mut sentences = Vec::new();
        if accused.is_donju() {
            self.imprison(&case, accused.id, &mut sentences, out);
            return sentences;
        }
        let heard_by = case
            .outcome
            .as_ref()
            .map(|o| o.heard_by.clone())
            .unwrap_or_default();
        let protected = heard_by.iter().any(|&p| self.strength(p, accused.id) >= 1);
        if protected {
            self.sentence(
                &case,
                accused.id,
                SentenceKind::Reprimanded,
                None,
                None,
                &mut sentences,
                out,
            );
        } else {
            let amount = self.confiscate(accused.id);
            if accused.status != Status::Dismissed {
                self.cadres_dismissed += 1;
            }
            if let Some(p) = self.player_mut(accused.id) {
                p.status = Status::Dismissed;
            }
            self.sentence(
                &case,
                accused.id,
                SentenceKind::Dismissed,
                Some(amount),
                None,
                &mut sentences,
                out,
            );
            if amount > 0 {
                self.ev_balance(out, accused.id, BalanceReason::Confiscated);
            }
            if accused.role == Some(Role::Manager) {
                self.end_leases(|l| l.manager == accused.id, out);
            }
            Update {
                status: Some(Status::Dismissed),
                ..Update::default()
            }
            .emit(out, accused.id);
            self.refresh_tier(accused.id, out);
        }
        // The shrimp's back: every donju party of a cited infraction with
        // the cadre, except the victim of an extortion.
        let mut shrimp = Vec::new();
        for id in &case.evidence {
            let Some(inf) = self.infractions.get(id) else {
                continue;
            };
            if inf.kind == InfractionKind::Extortion {
                continue;
            }
            for p in inf.parties {
                let donju = self.player(p).is_some_and(|x| x.is_donju());
                if p != accused.id && donju && !shrimp.contains(&p) {
                    shrimp.push(p);
                }
            }
        }
        for p in shrimp {
            if self.imprison(&case, p, &mut sentences, out) {
                self.shrimp_count += 1;
            }
        }
        sentences
    }

    /// A guilty donju: prison, confiscation, the lease ends. One already in
    /// prison is not sentenced again. Returns whether he was punished.
    fn imprison(
        &mut self,
        case: &super::state::Case,
        id: PlayerId,
        sentences: &mut Vec<SentenceInfo>,
        out: &mut Out,
    ) -> bool {
        if self.player(id).is_none_or(|p| !p.at_liberty()) {
            return false;
        }
        let until = self.round + self.config.prison_rounds as u32 + 1;
        let amount = self.confiscate(id);
        if let Some(p) = self.player_mut(id) {
            p.status = Status::Imprisoned;
            p.until_round = Some(until);
        }
        self.sentence(
            case,
            id,
            SentenceKind::Imprisoned,
            Some(amount),
            Some(until),
            sentences,
            out,
        );
        // PROTOCOL.md: `balance_changed` only when the balance changed.
        if amount > 0 {
            self.ev_balance(out, id, BalanceReason::Confiscated);
        }
        self.end_leases(|l| l.donju == id, out);
        Update {
            status: Some(Status::Imprisoned),
            until_round: Some(until),
            ..Update::default()
        }
        .emit(out, id);
        self.refresh_tier(id, out);
        true
    }

    /// Acquittal: the accuser is fined, or all he has if less.
    fn fine_accuser(&mut self, i: usize, out: &mut Out) -> Vec<SentenceInfo> {
        let case = self.cases[i].clone();
        let fine = self.config.false_accusation_fine;
        let Some(accuser) = self.player_mut(case.accuser) else {
            return Vec::new();
        };
        let amount = fine.min(accuser.balance);
        accuser.balance -= amount;
        self.totals.confiscated += amount;
        let mut sentences = Vec::new();
        self.sentence(
            &case,
            case.accuser,
            SentenceKind::Fined,
            Some(amount),
            None,
            &mut sentences,
            out,
        );
        if amount > 0 {
            self.ev_balance(out, case.accuser, BalanceReason::Fined);
            self.refresh_tier(case.accuser, out);
        }
        sentences
    }

    /// Takes `confiscation_percent` of the balance (rounded down).
    fn confiscate(&mut self, id: PlayerId) -> u64 {
        let pct = self.config.confiscation_percent;
        let Some(p) = self.player_mut(id) else {
            return 0;
        };
        let amount = (u128::from(p.balance) * u128::from(pct) / 100) as u64;
        p.balance -= amount;
        self.totals.confiscated += amount;
        amount
    }

    fn end_leases(&mut self, ends: impl Fn(&super::state::Lease) -> bool, out: &mut Out) {
        let (gone, kept) = std::mem::take(&mut self.leases)
            .into_iter()
            .partition(|l| ends(l));
        self.leases = kept;
        let gone: Vec<_> = gone;
        for lease in gone {
            self.ev_lease(out, &lease, false);
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn sentence(
        &self,
        case: &super::state::Case,
        player: PlayerId,
        sentence: SentenceKind,
        amount: Option<u64>,
        until_round: Option<u32>,
        sentences: &mut Vec<SentenceInfo>,
        out: &mut Out,
    ) {
        sentences.push(SentenceInfo {
            player,
            sentence,
            amount,
            until_round,
        });
        public(
            out,
            Event::Sentence {
                case: case.id,
                player,
                sentence,
                amount,
                until_round,
            },
        );
    }
}
