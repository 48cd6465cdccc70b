//! The conditions of the offer table (RULES.md §5), checked when an offer is
//! made and again when it is accepted.

use allssam_protocol::{ErrorCode, Favor, OfferKind, Phase, PlayerId, Role};

use super::Refusal;
use super::state::{Game, Player, refuse};

impl Game {
    /// Every condition of the table that can change while the offer is
    /// open: who may send it to whom, in which phase, spaces, leases, pacts
    /// and favor limits. (Amounts, funds and the open-offer limit are
    /// checked by the caller.)
    pub(super) fn offer_conditions(
        &self,
        from: PlayerId,
        to: PlayerId,
        kind: OfferKind,
        favor: Option<Favor>,
    ) -> Result<(), Refusal> {
        let sender = self.seated(from, ErrorCode::Forbidden)?;
        if !sender.at_liberty() {
            return refuse(
                ErrorCode::Forbidden,
                "A prisoner cannot make or take offers.",
            );
        }
        if to == from {
            return refuse(
                ErrorCode::InvalidTarget,
                "You cannot make an offer to yourself.",
            );
        }
        let target = self.seated(to, ErrorCode::InvalidTarget)?;
        if !target.at_liberty() {
            return refuse(
                ErrorCode::InvalidTarget,
                format!("{} is in prison and can take no offer.", target.name),
            );
        }
        let late = matches!(self.phase, Phase::Investigation | Phase::Verdict);
        if self.phase != Phase::Dealing
            && !(late && matches!(kind, OfferKind::Bribe | OfferKind::Demand))
        {
            return refuse(
                ErrorCode::WrongPhase,
                format!(
                    "A {kind} can be offered only in dealing, not in {}.",
                    self.phase
                ),
            );
        }
        match kind {
            OfferKind::Bribe if late => self.late_bribe(sender, target),
            OfferKind::Bribe => Ok(()),
            OfferKind::PerDiem => self.donju_to_manager(sender, target, "A per diem"),
            OfferKind::Lease => {
                self.donju_to_manager(sender, target, "A lease")?;
                if self.lease_of_donju(from).is_some() {
                    return refuse(ErrorCode::AlreadyLeased, "You already hold a lease.");
                }
                let spaces = usize::try_from(self.config.spaces_per_manager).unwrap_or(usize::MAX);
                if self.leases_of_manager(to) >= spaces {
                    return refuse(
                        ErrorCode::NoFreeSpace,
                        format!("{} has no free factory space.", target.name),
                    );
                }
                Ok(())
            }
            OfferKind::Favor => self.favor_allowed(sender, target, favor),
            OfferKind::Demand if late => self.late_demand(sender, target),
            OfferKind::Demand => {
                if !(sender.is_cadre() && sender.status == allssam_protocol::Status::Free) {
                    return refuse(
                        ErrorCode::Forbidden,
                        "Only a cadre in post can make demands.",
                    );
                }
                if !target.is_donju() {
                    return refuse(ErrorCode::InvalidTarget, "In dealing, demands go to donju.");
                }
                Ok(())
            }
            OfferKind::Pact => {
                if !sender.is_cadre() && !target.is_cadre() {
                    return refuse(
                        ErrorCode::InvalidTarget,
                        "A pact needs a cadre: close relations between donju are not all-ssam.",
                    );
                }
                let p = super::state::pair(from, to);
                if self.pacts.contains(&p) {
                    return refuse(
                        ErrorCode::LimitReached,
                        format!("You and {} have had your pact already.", target.name),
                    );
                }
                Ok(())
            }
        }
    }

    fn donju_to_manager(
        &self,
        sender: &Player,
        target: &Player,
        what: &str,
    ) -> Result<(), Refusal> {
        if !sender.is_donju() {
            return refuse(ErrorCode::Forbidden, format!("{what} comes from a donju."));
        }
        if !target.holds(Role::Manager) {
            return refuse(
                ErrorCode::InvalidTarget,
                format!("{what} goes to a factory manager in post."),
            );
        }
        Ok(())
    }

    /// A manager grants at most 2 favors a round (counted when accepted),
    /// each kind at most once to the same donju in a round.
    fn favor_allowed(
        &self,
        sender: &Player,
        target: &Player,
        favor: Option<Favor>,
    ) -> Result<(), Refusal> {
        if !sender.holds(Role::Manager) {
            return refuse(
                ErrorCode::Forbidden,
                "Only a factory manager in post grants favors.",
            );
        }
        if !target.is_donju() {
            return refuse(ErrorCode::InvalidTarget, "Favors go to donju.");
        }
        let Some(favor) = favor else {
            return refuse(
                ErrorCode::InvalidAmount,
                "A favor names what it grants: vehicle or facilities.",
            );
        };
        let this_round = || {
            self.favors
                .iter()
                .filter(|f| f.round == self.round && f.manager == sender.id)
        };
        if this_round().count() >= 2 {
            return refuse(
                ErrorCode::LimitReached,
                "You have granted 2 favors this round.",
            );
        }
        if this_round().any(|f| f.donju == target.id && f.favor == favor) {
            return refuse(
                ErrorCode::LimitReached,
                format!(
                    "{} has had a {favor} favor from you this round.",
                    target.name
                ),
            );
        }
        Ok(())
    }

    /// In investigation and verdict a bribe goes only between a prosecutor
    /// and a party of a case he hears, or between the accused and the
    /// accuser of a case filed this round (withdrawn or not).
    fn late_bribe(&self, sender: &Player, target: &Player) -> Result<(), Refusal> {
        let (a, b) = (sender.id, target.id);
        let allowed = self.cases_this_round().any(|c| {
            (c.accuser == a && c.accused == b)
                || (c.accuser == b && c.accused == a)
                || (self.hears(c, a) && self.case_parties(c).contains(&b))
                || (self.hears(c, b) && self.case_parties(c).contains(&a))
        });
        if allowed {
            Ok(())
        } else {
            refuse(
                ErrorCode::InvalidTarget,
                "Now bribes pass only between a prosecutor and a party of a case he hears, \
                 or between an accused and his accuser.",
            )
        }
    }

    /// In investigation and verdict a prosecutor may demand from a party of
    /// a case he hears.
    fn late_demand(&self, sender: &Player, target: &Player) -> Result<(), Refusal> {
        if !sender.holds(Role::Prosecutor) {
            return refuse(
                ErrorCode::Forbidden,
                "Now only a prosecutor hearing a case can make demands.",
            );
        }
        let allowed = self
            .cases_this_round()
            .any(|c| self.hears(c, sender.id) && self.case_parties(c).contains(&target.id));
        if allowed {
            Ok(())
        } else {
            refuse(
                ErrorCode::InvalidTarget,
                format!("{} is no party of a case you hear.", target.name),
            )
        }
    }
}
