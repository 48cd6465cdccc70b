//! Test helpers: a seated table with fixed roles, and short ways to apply
//! commands, make and accept offers, and move through phases.
#![allow(clippy::unwrap_used, clippy::expect_used, dead_code)]

use allssam_protocol::{
    ErrorCode, InfractionId, InfractionKind, OfferId, OfferKind, Phase, PlayerId, Role, RoomConfig,
    View,
};
use uuid::Uuid;

use super::{Actor, Command, Emitted, Game, Viewer};

/// A started game with known seats.
pub struct Table {
    pub game: Game,
    pub now: u64,
    pub sec: PlayerId,
    pub man: PlayerId,
    pub pro: PlayerId,
    pub don: PlayerId,
    pub don2: Option<PlayerId>,
    pub pro2: Option<PlayerId>,
}

/// Player number `n`'s id (ordered by `n`).
pub fn pid(n: u128) -> PlayerId {
    PlayerId(Uuid::from_u128(n))
}

impl Table {
    /// Seats `roles` (ids 1, 2, …, named P1, P2, …), assigns them, starts.
    pub fn with(roles: &[Role], config: RoomConfig) -> (Game, Vec<PlayerId>) {
        let mut game = Game::new("ROOM42".into(), config);
        let mut ids = Vec::new();
        for (i, role) in roles.iter().enumerate() {
            let id = pid(i as u128 + 1);
            let join = Command::Join {
                player: id,
                name: format!("P{}", i + 1),
            };
            game.apply(Actor::System, join, 0).expect("join");
            game.apply(
                Actor::Facilitator,
                Command::Assign {
                    player: id,
                    role: *role,
                },
                0,
            )
            .expect("assign");
            ids.push(id);
        }
        game.apply(Actor::Facilitator, Command::Start, 0)
            .expect("start");
        (game, ids)
    }

    /// Secretary, manager, prosecutor, donju (ids 1–4), default config.
    pub fn four() -> Table {
        Self::four_with(RoomConfig::default())
    }

    pub fn four_with(config: RoomConfig) -> Table {
        use Role::*;
        Self::started(&[Secretary, Manager, Prosecutor, Donju], config).0
    }

    /// A started table with `roles` (ids 1, 2, … in order), whose first
    /// four seats are taken as secretary, manager, prosecutor and donju.
    pub fn started(roles: &[Role], config: RoomConfig) -> (Table, Vec<PlayerId>) {
        let (game, ids) = Self::with(roles, config);
        let table = Table {
            game,
            now: 0,
            sec: ids[0],
            man: ids[1],
            pro: ids[2],
            don: ids[3],
            don2: None,
            pro2: None,
        };
        (table, ids)
    }

    /// Four plus a second donju (id 5).
    pub fn five() -> Table {
        use Role::*;
        let roles = [Secretary, Manager, Prosecutor, Donju, Donju];
        let (mut table, ids) = Self::started(&roles, RoomConfig::default());
        table.don2 = Some(ids[4]);
        table
    }

    /// Applies a command that must succeed; returns its events.
    pub fn ok(&mut self, actor: Actor, command: Command) -> Vec<Emitted> {
        match self.game.apply(actor, command.clone(), self.now) {
            Ok(applied) => applied.events,
            Err(r) => panic!("{command:?} by {actor:?} refused: {r}"),
        }
    }

    /// Asserts a refusal with `code` that leaves the game unchanged.
    pub fn refused(&mut self, actor: Actor, command: Command, code: ErrorCode) -> String {
        let before = serde_json::to_string(&self.game).unwrap();
        match self.game.apply(actor, command.clone(), self.now) {
            Ok(_) => panic!("{command:?} by {actor:?} was applied; expected {code}"),
            Err(r) => {
                assert_eq!(r.code, code, "{command:?} by {actor:?}: {}", r.message);
                assert!(!r.message.is_empty());
                assert_eq!(
                    before,
                    serde_json::to_string(&self.game).unwrap(),
                    "refusal changed the game"
                );
                r.message
            }
        }
    }

    pub fn offer(
        &mut self,
        from: PlayerId,
        to: PlayerId,
        kind: OfferKind,
        amount: Option<i64>,
    ) -> OfferId {
        let favor = (kind == OfferKind::Favor).then_some(allssam_protocol::Favor::Vehicle);
        self.offer_favor(from, to, kind, amount, favor)
    }

    pub fn offer_favor(
        &mut self,
        from: PlayerId,
        to: PlayerId,
        kind: OfferKind,
        amount: Option<i64>,
        favor: Option<allssam_protocol::Favor>,
    ) -> OfferId {
        let command = Command::Offer {
            to,
            kind,
            amount,
            favor,
        };
        let applied = self
            .game
            .apply(Actor::Player(from), command, self.now)
            .expect("offer");
        applied.offer.expect("offer id")
    }

    /// Makes and accepts an offer; returns the acceptance's events.
    pub fn accept(
        &mut self,
        from: PlayerId,
        to: PlayerId,
        kind: OfferKind,
        amount: Option<i64>,
    ) -> Vec<Emitted> {
        let offer = self.offer(from, to, kind, amount);
        self.ok(
            Actor::Player(to),
            Command::Respond {
                offer,
                accept: true,
            },
        )
    }

    /// The facilitator advances one phase.
    pub fn advance(&mut self) -> Vec<Emitted> {
        self.now += 1000;
        self.ok(Actor::Facilitator, Command::Advance)
    }

    /// Advances until the round changes or the game ends; all events.
    pub fn advance_round(&mut self) -> Vec<Emitted> {
        let round = self.game.round();
        let mut events = Vec::new();
        while self.game.round() == round && !self.game.is_ended() {
            events.extend(self.advance());
        }
        events
    }

    /// Advances until `phase` (in this round or the next).
    pub fn advance_to(&mut self, phase: Phase) -> Vec<Emitted> {
        let mut events = Vec::new();
        while self.game.phase() != phase {
            assert!(!self.game.is_ended(), "game ended before {phase}");
            events.extend(self.advance());
        }
        events
    }

    pub fn view(&self, viewer: Viewer) -> View {
        self.game.view_for(viewer, self.now)
    }

    pub fn balance(&self, id: PlayerId) -> u64 {
        self.game.balance_of(id).unwrap().0
    }

    pub fn available(&self, id: PlayerId) -> u64 {
        self.game.balance_of(id).unwrap().1
    }

    pub fn knows(&self, who: PlayerId, inf: InfractionId) -> bool {
        self.game.infractions[&inf].knowers.contains(&who)
    }

    pub fn only_infraction_between(&self, a: PlayerId, b: PlayerId) -> InfractionId {
        let found: Vec<_> = self
            .game
            .infractions
            .values()
            .filter(|i| i.parties.contains(&a) && i.parties.contains(&b))
            .map(|i| i.id)
            .collect();
        assert_eq!(found.len(), 1, "infractions between the two: {found:?}");
        found[0]
    }

    pub fn infraction_of_kind(&self, kind: InfractionKind) -> InfractionId {
        let found: Vec<_> = self
            .game
            .infractions
            .values()
            .filter(|i| i.kind == kind)
            .map(|i| i.id)
            .collect();
        assert_eq!(found.len(), 1, "{kind} infractions: {found:?}");
        found[0]
    }

    /// Sum of balances, and what RULES.md §2 says it must be.
    pub fn money_is_conserved(&self) -> bool {
        let sum: u64 = self.game.players.iter().map(|p| p.balance).sum();
        let t = self.game.totals();
        sum == t.starting + t.salaries + t.income - t.confiscated
    }
}
