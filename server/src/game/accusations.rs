//! Accusations (RULES.md §7): admissibility, filing, tip-offs, publication
//! at investigation, and withdrawal.

use std::collections::BTreeSet;

use allssam_protocol::{
    CaseId, Charge, ErrorCode, Event, InfractionId, InfractionKind, Phase, PlayerId, WealthTier,
};

use super::Refusal;
use super::state::{Case, Game, refuse};
use super::visibility::{Out, public};

impl Game {
    /// A free cadre files his one accusation of the round.
    pub(super) fn accuse(
        &mut self,
        me: PlayerId,
        target: PlayerId,
        charge: Charge,
        evidence: &[InfractionId],
        now: u64,
        out: &mut Out,
    ) -> Result<CaseId, Refusal> {
        // Who may accuse at all comes first: a donju is not told to wait
        // for the accusation phase, he is told he can never accuse (§7).
        self.require_accuser(me)?;
        self.require_phase(Phase::Accusation, "accuse", now)?;
        self.admissible(me, target, charge, evidence)?;
        // Checked: from here on nothing can refuse.
        let id = CaseId(self.cases.len() as u32 + 1);
        for inf in evidence {
            if let Some(inf) = self.infractions.get_mut(inf) {
                inf.cited = true;
            }
        }
        let case = Case {
            id,
            round: self.round,
            accuser: me,
            accused: target,
            charge,
            evidence: evidence.to_vec(),
            withdrawn: false,
            public: false,
            rulings: Default::default(),
            outcome: None,
        };
        self.ev_case_filed(out, &case);
        // Tip-off: the accused has a tie with a prosecutor who could hear it.
        let tipped = self
            .hearers(&case)
            .iter()
            .any(|&p| self.strength(p, target) >= 1);
        if tipped {
            self.ev_tip_off(out, &case);
        }
        self.cases.push(case);
        Ok(id)
    }

    /// Every check of RULES.md §7; an inadmissible accusation does not count.
    /// RULES.md §7: only a free cadre, not dismissed, files accusations.
    fn require_accuser(&self, me: PlayerId) -> Result<(), Refusal> {
        let accuser = self.seated(me, ErrorCode::Forbidden)?;
        if !(accuser.is_cadre() && accuser.status == allssam_protocol::Status::Free) {
            return refuse(ErrorCode::Forbidden, "Only a cadre in post can accuse.");
        }
        Ok(())
    }

    fn admissible(
        &self,
        me: PlayerId,
        target: PlayerId,
        charge: Charge,
        evidence: &[InfractionId],
    ) -> Result<(), Refusal> {
        if self.cases_this_round().any(|c| c.accuser == me) {
            return refuse(
                ErrorCode::LimitReached,
                "You have filed your one accusation this round.",
            );
        }
        if target == me {
            return refuse(ErrorCode::InvalidTarget, "You cannot accuse yourself.");
        }
        let accused = self.seated(target, ErrorCode::InvalidTarget)?;
        if !accused.at_liberty() {
            return refuse(
                ErrorCode::InvalidTarget,
                format!("{} is already in prison.", accused.name),
            );
        }
        if !charge.takes_evidence() {
            if !evidence.is_empty() {
                return refuse(
                    ErrorCode::Inadmissible,
                    format!("A charge of {charge} cites no evidence."),
                );
            }
            return match charge {
                Charge::AntiSocialist if !accused.is_donju() => refuse(
                    ErrorCode::InvalidTarget,
                    "Only a donju can be anti-socialist.",
                ),
                Charge::AntiSocialist
                    if accused.wealth_tier(self.config.conspicuous_percent)
                        != WealthTier::Conspicuous =>
                {
                    refuse(
                        ErrorCode::Inadmissible,
                        format!("{} is not conspicuously wealthy.", accused.name),
                    )
                }
                Charge::AntiSocialist => Ok(()),
                _ if !accused.is_cadre() => refuse(
                    ErrorCode::InvalidTarget,
                    format!("A charge of {charge} is against a cadre."),
                ),
                _ => Ok(()),
            };
        }
        if evidence.is_empty() {
            return refuse(
                ErrorCode::Inadmissible,
                format!("A charge of {charge} needs at least one infraction as evidence."),
            );
        }
        let mut seen = BTreeSet::new();
        for id in evidence {
            let Some(inf) = self.infractions.get(id).filter(|i| i.knowers.contains(&me)) else {
                return refuse(
                    ErrorCode::UnknownInfraction,
                    format!("You know no infraction {id}."),
                );
            };
            let why = if !seen.insert(*id) {
                Some(format!("infraction {id} is cited twice"))
            } else if inf.cited {
                Some(format!(
                    "infraction {id} was already cited in an earlier case"
                ))
            } else if !inf.parties.contains(&target) {
                Some(format!("{} is no party of infraction {id}", accused.name))
            } else if inf.parties.contains(&me) {
                Some(format!(
                    "you are a party of infraction {id} and would incriminate yourself"
                ))
            } else if !charge.fits(inf.kind) {
                Some(format!(
                    "infraction {id} is {} and does not fit {charge}",
                    inf.kind
                ))
            } else if inf.kind == InfractionKind::Extortion && inf.parties[1] != target {
                Some(format!(
                    "extortion {id} counts only against the cadre who demanded it"
                ))
            } else {
                None
            };
            if let Some(why) = why {
                return refuse(ErrorCode::Inadmissible, format!("Inadmissible: {why}."));
            }
        }
        Ok(())
    }

    /// When investigation begins everyone learns of the round's cases.
    pub(super) fn publish_cases(&mut self, out: &mut Out) {
        let round = self.round;
        for case in self.cases.iter_mut().filter(|c| c.round == round) {
            case.public = true;
        }
        for case in self.cases.iter().filter(|c| c.round == round) {
            self.ev_case_public(out, case);
        }
    }

    /// The accuser withdraws his case during investigation (no fine); its
    /// evidence stays spent and nobody hears it any more.
    pub(super) fn withdraw_case(
        &mut self,
        me: PlayerId,
        id: CaseId,
        now: u64,
        out: &mut Out,
    ) -> Result<(), Refusal> {
        let Some(i) = self
            .cases
            .iter()
            .position(|c| c.id == id && c.accuser == me)
        else {
            return refuse(ErrorCode::UnknownCase, format!("You filed no case {id}."));
        };
        self.require_phase(Phase::Investigation, "withdraw a case", now)?;
        let case = &self.cases[i];
        if case.round != self.round || case.withdrawn {
            return refuse(
                ErrorCode::WrongPhase,
                format!("Case {id} is no longer open."),
            );
        }
        self.cases[i].withdrawn = true;
        public(out, Event::CaseWithdrawn { case: id });
        self.sweep_offers(out);
        Ok(())
    }
}
