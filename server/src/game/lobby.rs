//! Seats and the lobby (RULES.md §1): joining, leaving, connections, kicks,
//! configuration, roles and the start of the game.

use allssam_protocol::{
    BalanceReason, ConfigPatch, ErrorCode, Event, Phase, PlayerId, PlayerRef, Role, Status,
    WealthTier, valid_name,
};
use rand::SeedableRng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;

use super::Refusal;
use super::state::{Game, Player, refuse};
use super::visibility::{Out, Update, public};

/// A room seats at most this many players (RULES.md §1).
pub const MAX_PLAYERS: usize = 12;
/// A game needs at least this many players (RULES.md §1).
pub const MIN_PLAYERS: usize = 4;

/// RULES.md §1: (secretaries, managers, prosecutors) for `n` players; the
/// rest are donju.
pub fn distribution(n: usize) -> [usize; 3] {
    match n {
        0..=6 => [1, 1, 1],
        7 => [1, 1, 2],
        _ => [1, 2, 2],
    }
}

impl Game {
    fn in_lobby(&self, what: &str) -> Result<(), Refusal> {
        match self.phase {
            Phase::Lobby => Ok(()),
            Phase::Ended => refuse(
                ErrorCode::GameStarted,
                format!("The game is over: you can no longer {what}."),
            ),
            _ => refuse(
                ErrorCode::GameStarted,
                format!("The game has started: you can no longer {what}."),
            ),
        }
    }

    /// A new seat (PROTOCOL.md "Opening": names trimmed, valid, unique
    /// ignoring case; `name_taken` covers an invalid name too).
    pub(super) fn join(&mut self, id: PlayerId, name: &str, out: &mut Out) -> Result<(), Refusal> {
        self.in_lobby("join this room")?;
        if self.player(id).is_some() {
            return refuse(ErrorCode::AlreadyJoined, "This player already has a seat.");
        }
        if self.players.len() >= MAX_PLAYERS {
            return refuse(
                ErrorCode::RoomFull,
                format!("The room is full: all {MAX_PLAYERS} seats are taken."),
            );
        }
        let name = name.trim();
        if !valid_name(name) {
            return refuse(
                ErrorCode::NameTaken,
                "A name is 1 to 24 letters, digits, spaces, '-', '_' or '.'.",
            );
        }
        let lower = name.to_lowercase();
        if self.players.iter().any(|p| p.name.to_lowercase() == lower) {
            return refuse(
                ErrorCode::NameTaken,
                format!("Someone in this room is already called {name}."),
            );
        }
        self.players.push(Player {
            id,
            name: name.to_string(),
            role: None,
            assigned: false,
            status: Status::Free,
            connected: false,
            kicked: false,
            ready: false,
            until_round: None,
            start: 0,
            balance: 0,
            escrow: 0,
            tier: WealthTier::Comfortable,
        });
        let player = PlayerRef {
            id,
            name: name.to_string(),
        };
        public(out, Event::PlayerJoined { player });
        Ok(())
    }

    /// Leaving frees the seat, in the lobby only.
    pub(super) fn leave(&mut self, id: PlayerId, out: &mut Out) -> Result<(), Refusal> {
        self.in_lobby("leave your seat")?;
        self.remove_seat(id, out);
        Ok(())
    }

    fn remove_seat(&mut self, id: PlayerId, out: &mut Out) {
        if let Some(i) = self.players.iter().position(|p| p.id == id) {
            let p = self.players.remove(i);
            let player = PlayerRef { id, name: p.name };
            public(out, Event::PlayerLeft { player });
        }
    }

    /// A connection took or lost the seat; may complete "everyone is ready".
    /// A kicked player's seat stays marked disconnected: the server still
    /// reports his connection closing (the kick closes it), which is
    /// accepted and changes nothing.
    pub(super) fn set_connected(
        &mut self,
        id: PlayerId,
        connected: bool,
        now: u64,
        out: &mut Out,
    ) -> Result<(), Refusal> {
        if self.player(id).is_some_and(|p| p.kicked) {
            return Ok(());
        }
        let p = self.seated(id, ErrorCode::InvalidTarget)?;
        if p.connected == connected {
            return Ok(());
        }
        if let Some(p) = self.player_mut(id) {
            p.connected = connected;
        }
        Update {
            connected: Some(connected),
            ..Update::default()
        }
        .emit(out, id);
        self.end_if_all_ready(now, out);
        Ok(())
    }

    /// Kick: frees the seat in the lobby; in play the seat stays, marked.
    pub(super) fn kick(&mut self, id: PlayerId, now: u64, out: &mut Out) -> Result<(), Refusal> {
        let Some(p) = self.player(id) else {
            return refuse(ErrorCode::InvalidTarget, "There is no such player here.");
        };
        if self.phase == Phase::Lobby {
            self.remove_seat(id, out);
            return Ok(());
        }
        let (was_connected, was_ready) = (p.connected, p.ready);
        if let Some(p) = self.player_mut(id) {
            p.kicked = true;
            p.connected = false;
            p.ready = false;
        }
        if was_connected || was_ready {
            Update {
                connected: was_connected.then_some(false),
                ready: was_ready.then_some(false),
                ..Update::default()
            }
            .emit(out, id);
        }
        // RULES.md §5: offers from or to him can no longer be accepted, so
        // they are withdrawn at once (a demand withdrawn is no harassment).
        self.sweep_offers(out);
        self.end_if_all_ready(now, out);
        Ok(())
    }

    /// Merges a patch into the configuration (RULES.md §10), in the lobby.
    pub(super) fn configure(&mut self, patch: &ConfigPatch, out: &mut Out) -> Result<(), Refusal> {
        self.in_lobby("change the configuration")?;
        let next = self.config.merged(patch).map_err(|e| Refusal {
            code: ErrorCode::InvalidConfig,
            message: e.message,
            field: Some(e.field),
        })?;
        self.config = next;
        self.ev_config(out, &self.config);
        Ok(())
    }

    /// The facilitator gives a player a role; it is kept at start.
    pub(super) fn assign(
        &mut self,
        id: PlayerId,
        role: Role,
        out: &mut Out,
    ) -> Result<(), Refusal> {
        self.in_lobby("assign roles")?;
        let Some(p) = self.player_mut(id) else {
            return refuse(ErrorCode::InvalidTarget, "There is no such player here.");
        };
        p.role = Some(role);
        p.assigned = true;
        Update {
            role: Some(role),
            ..Update::default()
        }
        .emit(out, id);
        Ok(())
    }

    /// Start: fill open seats from the seeded generator (RULES.md §1), set
    /// the starting balances (§2) and run round 1's market.
    pub(super) fn start(&mut self, now: u64, out: &mut Out) -> Result<(), Refusal> {
        if self.phase != Phase::Lobby {
            return refuse(ErrorCode::WrongPhase, "The game has already started.");
        }
        let n = self.players.len();
        if !(MIN_PLAYERS..=MAX_PLAYERS).contains(&n) {
            return refuse(
                ErrorCode::CannotStart,
                format!("A game needs {MIN_PLAYERS} to {MAX_PLAYERS} players; there are {n}."),
            );
        }
        let mut rng = ChaCha8Rng::seed_from_u64(self.config.seed.unwrap_or(0));
        let roles = self.roles_at_start(&mut rng);
        for needed in [
            Role::Secretary,
            Role::Manager,
            Role::Prosecutor,
            Role::Donju,
        ] {
            if !roles.contains(&needed) {
                return refuse(
                    ErrorCode::CannotStart,
                    format!("The game needs at least one {needed}; reassign the roles."),
                );
            }
        }
        // Checked: from here on nothing can refuse.
        self.rng = rng;
        let starting = self.config.starting_balance;
        for (p, role) in self.players.iter_mut().zip(roles) {
            let newly = p.role.is_none();
            p.role = Some(role);
            p.start = starting.of(role);
            p.balance = p.start;
            p.tier = WealthTier::Comfortable;
            self.totals.starting += p.start;
            if newly {
                Update {
                    role: Some(role),
                    ..Update::default()
                }
                .emit(out, p.id);
            }
        }
        // PROTOCOL.md "Events": `balance_changed` whenever a balance
        // changes outside the market; the start sets it from 0, so each
        // player learns his before round 1's market `phase_changed`.
        let ids: Vec<PlayerId> = self.players.iter().map(|p| p.id).collect();
        for id in ids {
            self.ev_balance(out, id, BalanceReason::Starting);
        }
        self.begin_round(1, now, Vec::new(), out);
        Ok(())
    }

    /// Each seat's role at start: assigned roles are kept; open seats take
    /// the roles still missing from the table (in seeded random order), then
    /// become donju.
    fn roles_at_start(&self, rng: &mut ChaCha8Rng) -> Vec<Role> {
        let n = self.players.len();
        let wanted = distribution(n);
        let mut missing = Vec::new();
        for (role, want) in [Role::Secretary, Role::Manager, Role::Prosecutor]
            .into_iter()
            .zip(wanted)
        {
            let have = self.players.iter().filter(|p| p.role == Some(role)).count();
            missing.extend(std::iter::repeat_n(role, want.saturating_sub(have)));
        }
        let mut open: Vec<usize> = (0..n).filter(|&i| self.players[i].role.is_none()).collect();
        open.shuffle(rng);
        missing.shuffle(rng);
        let mut roles: Vec<Role> = self
            .players
            .iter()
            .map(|p| p.role.unwrap_or(Role::Donju))
            .collect();
        for (seat, role) in open.into_iter().zip(missing) {
            roles[seat] = role;
        }
        roles
    }
}
