//! The round and its phases (RULES.md §4): deadlines, pause, `ready`,
//! `advance`, skipping, the end of a round and of the game.

use allssam_protocol::{ErrorCode, Event, Phase, PlayerId};

use super::Refusal;
use super::state::{Game, refuse};
use super::visibility::{Out, Update, public};

impl Game {
    /// Is the room in a phase of play (dealing to verdict)?
    pub(super) fn in_play(&self) -> bool {
        !matches!(self.phase, Phase::Lobby | Phase::Ended)
    }

    /// Refuses unless the room is in `phase`, saying when it opens.
    pub(super) fn require_phase(&self, phase: Phase, what: &str, now: u64) -> Result<(), Refusal> {
        if self.phase == phase {
            return Ok(());
        }
        let when = match (self.phase, phase) {
            (Phase::Lobby, _) => " once the game has started".to_string(),
            (Phase::Ended, _) => "; the game is over".to_string(),
            (Phase::Dealing, Phase::Accusation) => {
                format!("; it opens{}", self.left_text(now))
            }
            _ => format!("; it is the {} phase now", self.phase),
        };
        refuse(
            ErrorCode::WrongPhase,
            format!("You can {what} only in the {phase} phase{when}."),
        )
    }

    /// Starts `phase` at `now`: the deadline (none when its length is 0;
    /// frozen at full length while paused) and `ready` reset.
    fn enter(&mut self, phase: Phase, now: u64) {
        self.phase = phase;
        let ms = self
            .config
            .phase_seconds
            .of(phase)
            .filter(|&s| s > 0)
            .map(|s| u64::from(s) * 1000);
        if self.clock.paused {
            self.clock.remaining = ms;
            self.clock.deadline = None;
        } else {
            self.clock.deadline = ms.map(|ms| now.saturating_add(ms));
        }
        for p in &mut self.players {
            p.ready = false;
        }
    }

    /// `Tick`: ends the phase once `now` reaches the deadline.
    pub(super) fn tick(&mut self, now: u64, out: &mut Out) {
        if self.clock.deadline.is_some_and(|d| now >= d) && self.in_play() {
            self.end_phase(now, out);
        }
    }

    pub(super) fn pause(&mut self, now: u64, out: &mut Out) -> Result<(), Refusal> {
        if !self.in_play() || self.clock.paused {
            return refuse(ErrorCode::WrongPhase, "There is no running clock to pause.");
        }
        let remaining = self.ms_left(now);
        self.clock.paused = true;
        self.clock.remaining = remaining;
        self.clock.deadline = None;
        public(
            out,
            Event::Paused {
                deadline_ms: remaining,
            },
        );
        Ok(())
    }

    pub(super) fn unpause(&mut self, now: u64, out: &mut Out) -> Result<(), Refusal> {
        if !self.in_play() || !self.clock.paused {
            return refuse(ErrorCode::WrongPhase, "The game is not paused.");
        }
        let remaining = self.clock.remaining.take();
        self.clock.paused = false;
        self.clock.deadline = remaining.map(|ms| now.saturating_add(ms));
        public(
            out,
            Event::Unpaused {
                deadline_ms: remaining,
            },
        );
        Ok(())
    }

    pub(super) fn advance(&mut self, now: u64, out: &mut Out) -> Result<(), Refusal> {
        if !self.in_play() {
            return refuse(ErrorCode::WrongPhase, "There is no phase to advance.");
        }
        self.end_phase(now, out);
        Ok(())
    }

    /// A player at liberty is done with this phase (RULES.md §4).
    pub(super) fn ready(&mut self, me: PlayerId, now: u64, out: &mut Out) -> Result<(), Refusal> {
        if !self.in_play() {
            return refuse(ErrorCode::WrongPhase, "There is no phase to be ready for.");
        }
        let Some(p) = self.player_mut(me) else {
            return refuse(ErrorCode::Forbidden, "You have no seat here.");
        };
        if !p.at_liberty() {
            return refuse(ErrorCode::Forbidden, "A prisoner cannot say ready.");
        }
        if p.ready {
            return Ok(());
        }
        p.ready = true;
        Update {
            ready: Some(true),
            ..Update::default()
        }
        .emit(out, me);
        self.end_if_all_ready(now, out);
        Ok(())
    }

    /// RULES.md §4: the phase ends as soon as at least one player is
    /// connected and every connected player at liberty is ready. (We require
    /// one connected player *at liberty*, so a room of connected prisoners
    /// does not race through the game.)
    pub(super) fn end_if_all_ready(&mut self, now: u64, out: &mut Out) {
        if !self.in_play() {
            return;
        }
        let mut counted = self
            .players
            .iter()
            .filter(|p| p.connected && !p.kicked && p.at_liberty())
            .peekable();
        if counted.peek().is_some() && counted.all(|p| p.ready) {
            self.end_phase(now, out);
        }
    }

    /// Ends the current phase (deadline, `ready` or `advance`): open offers
    /// expire first, then the next phase begins, skipping investigation and
    /// verdict when no case is open.
    pub(super) fn end_phase(&mut self, now: u64, out: &mut Out) {
        self.expire_offers(out);
        match self.phase {
            Phase::Dealing => {
                self.enter(Phase::Accusation, now);
                self.ev_phase(out, Vec::new(), None);
            }
            Phase::Accusation => {
                if self.cases_this_round().next().is_none() {
                    self.end_round(now, vec![Phase::Investigation, Phase::Verdict], out);
                } else {
                    self.enter(Phase::Investigation, now);
                    self.ev_phase(out, Vec::new(), None);
                    self.publish_cases(out);
                }
            }
            Phase::Investigation => {
                if self.cases_this_round().all(|c| c.withdrawn) {
                    self.end_round(now, vec![Phase::Verdict], out);
                } else {
                    self.enter(Phase::Verdict, now);
                    self.ev_phase(out, Vec::new(), None);
                }
            }
            Phase::Verdict => {
                self.resolve_cases(out);
                self.end_round(now, Vec::new(), out);
            }
            Phase::Lobby | Phase::Ended => {}
        }
    }

    /// After the last phase of a round: the next round's market, or the end.
    fn end_round(&mut self, now: u64, skipped: Vec<Phase>, out: &mut Out) {
        if self.round >= self.config.rounds {
            self.finish(out);
        } else {
            self.begin_round(self.round + 1, now, skipped, out);
        }
    }

    /// Round `round` begins: its market, then dealing (RULES.md §4). The
    /// market's effects follow the `phase_changed` that carries its reports.
    pub(super) fn begin_round(&mut self, round: u32, now: u64, skipped: Vec<Phase>, out: &mut Out) {
        self.round = round;
        let mut effects = Out::new();
        let reports = self.market(&mut effects);
        self.enter(Phase::Dealing, now);
        self.ev_phase(out, skipped, Some(reports));
        out.extend(effects);
        self.refresh_tiers(out);
    }

    /// The facilitator ends the game now: open offers expire, open cases are
    /// left undecided, scores and debrief as after the last round.
    pub(super) fn end(&mut self, out: &mut Out) -> Result<(), Refusal> {
        if !self.in_play() {
            let why = if self.phase == Phase::Lobby {
                "The game has not started; there is nothing to end."
            } else {
                "The game is already over."
            };
            return refuse(ErrorCode::WrongPhase, why);
        }
        self.expire_offers(out);
        self.finish(out);
        Ok(())
    }

    fn finish(&mut self, out: &mut Out) {
        self.phase = Phase::Ended;
        self.clock = Default::default();
        for p in &mut self.players {
            p.ready = false;
        }
        let scores = self.scores();
        let debrief = self.debrief();
        public(out, Event::GameEnded { scores, debrief });
    }
}
