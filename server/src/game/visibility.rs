//! The one place that decides who may see what: every `Emitted` is built
//! here, and the view asks the same questions (RULES.md §2, §3, §6, §7, §8;
//! PROTOCOL.md "Events").

use allssam_protocol::{
    BalanceReason, CaseInfo, Event, InfractionInfo, MarketReport, Phase, PlayerId, RoomConfig,
    Speaker, Verdict,
};

use super::state::{Case, ChatEntry, Game, Infraction, Lease, Offer};
use super::{Audience, Emitted, PlayerSet, Viewer};

/// The events a command produces, in order.
pub(super) type Out = Vec<Emitted>;

fn emit(out: &mut Out, audience: Audience, event: Event) {
    out.push(Emitted { audience, event });
}

/// Everyone: players, facilitator, spectators.
pub(super) fn public(out: &mut Out, event: Event) {
    emit(out, Audience::everyone(), event);
}

/// These players and the facilitator.
pub(super) fn private(out: &mut Out, players: Vec<PlayerId>, event: Event) {
    emit(out, Audience::players(players), event);
}

/// Every player but `except`, and spectators; not the facilitator.
fn public_but(except: Vec<PlayerId>) -> Audience {
    Audience {
        facilitator: false,
        spectators: true,
        players: PlayerSet::AllBut(except),
    }
}

impl Game {
    /// Open offers: their two parties and the facilitator (RULES.md §5).
    pub(super) fn sees_offer(&self, viewer: Viewer, offer: &Offer) -> bool {
        match viewer {
            Viewer::Facilitator => true,
            Viewer::Spectator => false,
            Viewer::Player(id) => id == offer.from || id == offer.to,
        }
    }

    /// A lease's rent: its two parties and the facilitator.
    pub(super) fn sees_rent(&self, viewer: Viewer, lease: &Lease) -> bool {
        match viewer {
            Viewer::Facilitator => true,
            Viewer::Spectator => false,
            Viewer::Player(id) => id == lease.donju || id == lease.manager,
        }
    }

    /// Chat: public lines, and private ones to or from the viewer; the
    /// facilitator reads all.
    pub(super) fn sees_chat(&self, viewer: Viewer, line: &ChatEntry) -> bool {
        match (viewer, line.to) {
            (_, None) | (Viewer::Facilitator, _) => true,
            (Viewer::Spectator, Some(_)) => false,
            (Viewer::Player(id), Some(to)) => to == id || line.from == Speaker::Player(id),
        }
    }

    /// Exact balances of others, all ties and the money totals: the
    /// facilitator only (RULES.md §2, §3).
    pub(super) fn sees_everything(&self, viewer: Viewer) -> bool {
        viewer == Viewer::Facilitator
    }

    /// Does `viewer` know infraction `inf`? (RULES.md §6: its parties, whom
    /// they shared it with, free secretaries for the factory's business.)
    pub(super) fn knows(&self, viewer: Viewer, inf: &Infraction) -> bool {
        match viewer {
            Viewer::Facilitator => true,
            Viewer::Spectator => false,
            Viewer::Player(id) => inf.knowers.contains(&id),
        }
    }

    /// May `viewer` know of `case` at all? (RULES.md §7: the accuser and the
    /// facilitator at filing, everyone from the investigation.)
    pub(super) fn case_visible(&self, viewer: Viewer, case: &Case) -> bool {
        match viewer {
            Viewer::Facilitator => true,
            Viewer::Spectator => case.public,
            Viewer::Player(id) => case.public || id == case.accuser,
        }
    }

    /// `case` as `viewer` may see it (assumes [`Game::case_visible`]).
    pub(super) fn case_info(&self, viewer: Viewer, case: &Case) -> CaseInfo {
        let fac = viewer == Viewer::Facilitator;
        let me = match viewer {
            Viewer::Player(id) => Some(id),
            _ => None,
        };
        let hearers = match &case.outcome {
            Some(o) => o.heard_by.clone(),
            None => self.hearers(case),
        };
        let hears = me.is_some_and(|id| hearers.contains(&id));
        let party = me.is_some_and(|id| id == case.accuser || id == case.accused);
        let detail: Vec<InfractionInfo> = case
            .evidence
            .iter()
            .filter_map(|id| self.infractions.get(id).map(Infraction::info))
            .collect();
        let outcome = case.outcome.as_ref();
        CaseInfo {
            id: case.id,
            round: case.round,
            accuser: case.accuser,
            accused: case.accused,
            charge: case.charge,
            withdrawn: case.withdrawn,
            evidence: (fac || hears || party).then(|| case.evidence.clone()),
            evidence_detail: (fac || hears).then_some(detail),
            hearers,
            head_hears: !case.withdrawn && outcome.map_or(self.config.strict_head, |o| o.head),
            your_ruling: me
                .filter(|_| hears)
                .and_then(|id| case.rulings.get(&id).copied()),
            votes: outcome.filter(|_| fac).map(|o| o.votes),
            rulings: fac.then(|| match outcome {
                Some(o) => o.rulings.clone(),
                None => case
                    .rulings
                    .iter()
                    .map(|(p, v)| allssam_protocol::RulingInfo {
                        prosecutor: Some(*p),
                        verdict: *v,
                        source: allssam_protocol::RulingSource::Explicit,
                    })
                    .collect(),
            }),
            verdict: outcome.map(|o| o.verdict),
            evidence_ruling: outcome.map(|o| o.evidence_ruling),
            sentence: outcome.map(|o| o.sentences.clone()),
        }
    }

    /// `balance_changed`: to the player and the facilitator (RULES.md §2).
    pub(super) fn ev_balance(&self, out: &mut Out, id: PlayerId, reason: BalanceReason) {
        if let Some(p) = self.player(id) {
            let event = Event::BalanceChanged {
                player: id,
                balance: p.balance,
                available: p.available(),
                reason,
            };
            private(out, vec![id], event);
        }
    }

    /// An offer's events go to its two parties and the facilitator.
    pub(super) fn ev_offer(&self, out: &mut Out, offer: &Offer, make: fn(&Offer) -> Event) {
        private(out, vec![offer.from, offer.to], make(offer));
    }

    /// `tie_changed`: to the two and the facilitator (RULES.md §3).
    pub(super) fn ev_tie(&self, out: &mut Out, a: PlayerId, b: PlayerId, strength: u64) {
        private(out, vec![a, b], Event::TieChanged { a, b, strength });
    }

    /// `lease_started` / `lease_ended`: public, the rent only to its parties.
    pub(super) fn ev_lease(&self, out: &mut Out, lease: &Lease, started: bool) {
        let make = |rent: Option<u64>| {
            let (donju, manager) = (lease.donju, lease.manager);
            if started {
                Event::LeaseStarted {
                    donju,
                    manager,
                    rent,
                }
            } else {
                Event::LeaseEnded {
                    donju,
                    manager,
                    rent,
                }
            }
        };
        let parties = vec![lease.donju, lease.manager];
        emit(out, public_but(parties.clone()), make(None));
        private(out, parties, make(Some(lease.rent)));
    }

    /// `infraction_learned` to each of `learners` (and the facilitator once).
    pub(super) fn ev_learned(
        &self,
        out: &mut Out,
        inf: &Infraction,
        learners: Vec<PlayerId>,
        from: Option<PlayerId>,
    ) {
        let event = Event::InfractionLearned {
            infraction: inf.info(),
            from,
        };
        private(out, learners, event);
    }

    /// `case_opened` at filing: to the accuser and the facilitator.
    pub(super) fn ev_case_filed(&self, out: &mut Out, case: &Case) {
        let accuser = Viewer::Player(case.accuser);
        let audience = Audience {
            facilitator: false,
            spectators: false,
            players: PlayerSet::Only(vec![case.accuser]),
        };
        emit(
            out,
            audience,
            Event::CaseOpened {
                case: self.case_info(accuser, case),
            },
        );
        emit(
            out,
            Audience::facilitator(),
            Event::CaseOpened {
                case: self.case_info(Viewer::Facilitator, case),
            },
        );
    }

    /// `case_opened` when investigation begins: to everyone but the accuser
    /// and the facilitator, each as he may see it.
    pub(super) fn ev_case_public(&self, out: &mut Out, case: &Case) {
        let only = |ids: Vec<PlayerId>| Audience {
            facilitator: false,
            spectators: false,
            players: PlayerSet::Only(ids),
        };
        let hearers = self.hearers(case);
        let accused = Viewer::Player(case.accused);
        emit(
            out,
            only(vec![case.accused]),
            Event::CaseOpened {
                case: self.case_info(accused, case),
            },
        );
        if let Some(&first) = hearers.first() {
            emit(
                out,
                only(hearers.clone()),
                Event::CaseOpened {
                    case: self.case_info(Viewer::Player(first), case),
                },
            );
        }
        let mut except = hearers;
        except.extend([case.accuser, case.accused]);
        emit(
            out,
            public_but(except),
            Event::CaseOpened {
                case: self.case_info(Viewer::Spectator, case),
            },
        );
    }

    /// `verdict`: public; the vote count to the facilitator only (RULES.md §8).
    pub(super) fn ev_verdict(&self, out: &mut Out, case: &Case) {
        let Some(o) = &case.outcome else { return };
        let make = |votes| Event::Verdict {
            case: case.id,
            verdict: o.verdict,
            evidence_ruling: o.evidence_ruling,
            votes,
        };
        emit(out, public_but(Vec::new()), make(None));
        emit(out, Audience::facilitator(), make(Some(o.votes)));
    }

    /// `ruling_recorded`: to that prosecutor and the facilitator.
    pub(super) fn ev_ruling(&self, out: &mut Out, case: &Case, prosecutor: PlayerId, v: Verdict) {
        let event = Event::RulingRecorded {
            case: case.id,
            prosecutor,
            verdict: v,
        };
        private(out, vec![prosecutor], event);
    }

    /// `tip_off`: to the accused only (and the facilitator, who sees all).
    pub(super) fn ev_tip_off(&self, out: &mut Out, case: &Case) {
        let event = Event::TipOff {
            case: case.id,
            accuser: case.accuser,
            charge: case.charge,
        };
        private(out, vec![case.accused], event);
    }

    /// `config_changed`: the seed only to the facilitator.
    pub(super) fn ev_config(&self, out: &mut Out, config: &RoomConfig) {
        emit(
            out,
            public_but(Vec::new()),
            Event::ConfigChanged {
                config: config.public(),
            },
        );
        emit(
            out,
            Audience::facilitator(),
            Event::ConfigChanged {
                config: config.clone(),
            },
        );
    }

    /// `chat`: public, or to the two and the facilitator.
    pub(super) fn ev_chat(&self, out: &mut Out, event: Event, from: Option<PlayerId>) {
        match &event {
            Event::Chat { to: Some(to), .. } => {
                let mut ids = vec![*to];
                ids.extend(from.filter(|f| f != to));
                private(out, ids, event);
            }
            _ => public(out, event),
        }
    }

    /// `phase_changed`: at the market once per player with his own report,
    /// and once for the facilitator and spectators without one.
    pub(super) fn ev_phase(
        &self,
        out: &mut Out,
        skipped: Vec<Phase>,
        market: Option<Vec<(PlayerId, MarketReport)>>,
    ) {
        let deadline_ms = self
            .config
            .phase_seconds
            .of(self.phase)
            .filter(|&s| s > 0)
            .map(|s| u64::from(s) * 1000);
        let make = |market| Event::PhaseChanged {
            round: self.round,
            phase: self.phase,
            deadline_ms,
            skipped: skipped.clone(),
            market,
        };
        match market {
            None => public(out, make(None)),
            Some(reports) => {
                for (id, report) in reports {
                    let audience = Audience {
                        facilitator: false,
                        spectators: false,
                        players: PlayerSet::Only(vec![id]),
                    };
                    emit(out, audience, make(Some(report)));
                }
                let audience = Audience {
                    facilitator: true,
                    spectators: true,
                    players: PlayerSet::Only(Vec::new()),
                };
                emit(out, audience, make(None));
            }
        }
    }
}

/// The changed fields of a `player_updated` (always public).
#[derive(Default)]
pub(super) struct Update {
    pub role: Option<allssam_protocol::Role>,
    pub status: Option<allssam_protocol::Status>,
    pub connected: Option<bool>,
    pub ready: Option<bool>,
    pub until_round: Option<u32>,
}

impl Update {
    /// Announces the change to everyone.
    pub(super) fn emit(self, out: &mut Out, player: PlayerId) {
        let event = Event::PlayerUpdated {
            player,
            role: self.role,
            status: self.status,
            connected: self.connected,
            wealth_tier: None,
            ready: self.ready,
            until_round: self.until_round,
        };
        public(out, event);
    }
}
