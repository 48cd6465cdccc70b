//! Infractions and who knows them (RULES.md §6), and evidence sharing (§5).

use std::collections::BTreeSet;

use allssam_protocol::{ErrorCode, InfractionId, InfractionKind, PlayerId, Role};

use super::Refusal;
use super::state::{Game, Infraction, refuse};
use super::visibility::Out;

impl Game {
    /// Records an infraction: known to its parties and, for the factory's
    /// business (`illegal_lease`, `illegal_lease_income`), to every free
    /// secretary (RULES.md §6).
    pub(super) fn record(
        &mut self,
        kind: InfractionKind,
        parties: [PlayerId; 2],
        amount: Option<u64>,
        out: &mut Out,
    ) -> InfractionId {
        let id = InfractionId(self.fresh_id());
        let mut knowers: BTreeSet<PlayerId> = parties.into_iter().collect();
        if matches!(
            kind,
            InfractionKind::IllegalLease | InfractionKind::IllegalLeaseIncome
        ) {
            knowers.extend(
                self.players
                    .iter()
                    .filter(|p| p.holds(Role::Secretary))
                    .map(|p| p.id),
            );
        }
        let inf = Infraction {
            id,
            kind,
            round: self.round,
            parties,
            amount,
            knowers,
            cited: false,
        };
        let learners: Vec<PlayerId> = inf.knowers.iter().copied().collect();
        self.ev_learned(out, &inf, learners, None);
        self.infractions.insert(id, inf);
        id
    }

    /// RULES.md §5 "Evidence sharing": in any phase of play a player at
    /// liberty who knows an infraction may tell another player (a prisoner
    /// too). Sharing what the other knows changes nothing.
    pub(super) fn share(
        &mut self,
        me: PlayerId,
        id: InfractionId,
        to: PlayerId,
        out: &mut Out,
    ) -> Result<(), Refusal> {
        if !self.in_play() {
            return refuse(
                ErrorCode::WrongPhase,
                "Evidence can be shared only while the game is being played.",
            );
        }
        if self.player(me).is_some_and(|p| !p.at_liberty()) {
            return refuse(ErrorCode::Forbidden, "A prisoner cannot share evidence.");
        }
        let known = self
            .infractions
            .get(&id)
            .is_some_and(|inf| inf.knowers.contains(&me));
        if !known {
            return refuse(
                ErrorCode::UnknownInfraction,
                format!("You know no infraction {id}."),
            );
        }
        if to == me {
            return refuse(ErrorCode::InvalidTarget, "You already know it.");
        }
        self.seated(to, ErrorCode::InvalidTarget)?;
        let Some(inf) = self.infractions.get_mut(&id) else {
            return Ok(());
        };
        if inf.knowers.insert(to) {
            let inf = inf.clone();
            self.ev_learned(out, &inf, vec![to], Some(me));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::super::testkit::Table;
    use super::super::{Actor, Command, Viewer};
    use allssam_protocol::{ErrorCode, Event, InfractionId, OfferKind, Phase};

    /// RULES.md §6: parties know; secretaries know the factory's business;
    /// nobody else, until shared (§5), and sharing twice changes nothing.
    #[test]
    fn who_knows_an_infraction() {
        let mut t = Table::four();
        let (sec, man, pro, don) = (t.sec, t.man, t.pro, t.don);
        t.accept(don, man, OfferKind::PerDiem, Some(100));
        let per_diem = t.only_infraction_between(don, man);
        assert!(t.knows(don, per_diem) && t.knows(man, per_diem));
        assert!(!t.knows(sec, per_diem) && !t.knows(pro, per_diem));
        // An illegal lease: the free secretary knows it too.
        t.accept(don, man, OfferKind::Lease, Some(60));
        let lease = t.infraction_of_kind(allssam_protocol::InfractionKind::IllegalLease);
        assert!(t.knows(sec, lease) && !t.knows(pro, lease));
        // The spectator's view has no infractions; the facilitator's all.
        assert!(t.view(Viewer::Spectator).infractions.is_empty());
        assert_eq!(t.view(Viewer::Facilitator).infractions.len(), 2);

        // Sharing: the prosecutor learns it, with `from`.
        let events = t.ok(
            Actor::Player(man),
            Command::Share {
                infraction: per_diem,
                to: pro,
            },
        );
        assert!(t.knows(pro, per_diem));
        assert!(
            matches!(events[0].event, Event::InfractionLearned { from: Some(f), .. } if f == man)
        );
        assert!(events[0].audience.players.contains(pro));
        assert!(!events[0].audience.players.contains(sec));
        // Sharing it again changes nothing.
        let again = t.ok(
            Actor::Player(don),
            Command::Share {
                infraction: per_diem,
                to: pro,
            },
        );
        assert!(again.is_empty());
    }

    #[test]
    fn sharing_refusals() {
        let mut t = Table::four();
        let (sec, man, pro, don) = (t.sec, t.man, t.pro, t.don);
        t.accept(don, man, OfferKind::PerDiem, Some(100));
        let inf = t.only_infraction_between(don, man);
        let rows: Vec<(Command, _, ErrorCode)> = vec![
            // Unknown to the sharer: its existence is not revealed.
            (
                Command::Share {
                    infraction: inf,
                    to: pro,
                },
                sec,
                ErrorCode::UnknownInfraction,
            ),
            (
                Command::Share {
                    infraction: InfractionId(1),
                    to: pro,
                },
                man,
                ErrorCode::UnknownInfraction,
            ),
            (
                Command::Share {
                    infraction: inf,
                    to: man,
                },
                man,
                ErrorCode::InvalidTarget,
            ),
            (
                Command::Share {
                    infraction: inf,
                    to: allssam_protocol::PlayerId(uuid::Uuid::nil()),
                },
                man,
                ErrorCode::InvalidTarget,
            ),
        ];
        for (command, actor, code) in rows {
            t.refused(Actor::Player(actor), command, code);
        }
        assert_eq!(t.game.phase(), Phase::Dealing);
    }
}
