//! The engine's front door: `Game::new`, `apply` (who may send which command,
//! then the rule that handles it) and the read-only accessors.

use allssam_protocol::{ErrorCode, Phase, PlayerId, RoomConfig, Status, Totals, WealthTier};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use super::state::{Clock, Game, refuse};
use super::visibility::{Out, public};
use super::{Actor, Applied, Command, Refusal};
use allssam_protocol::Event;

impl Game {
    /// A new game in the lobby. The server sets `config.seed` first (`None` is 0).
    pub fn new(room: String, config: RoomConfig) -> Game {
        let seed = config.seed.unwrap_or(0);
        Game {
            room,
            config,
            phase: Phase::Lobby,
            round: 0,
            clock: Clock::default(),
            rng: ChaCha8Rng::seed_from_u64(seed),
            players: Vec::new(),
            offers: Default::default(),
            used_ids: Default::default(),
            ties: Vec::new(),
            pacts: Vec::new(),
            infractions: Default::default(),
            leases: Vec::new(),
            orders: Default::default(),
            favors: Vec::new(),
            demands: Vec::new(),
            harassments: Vec::new(),
            cases: Vec::new(),
            chat: Vec::new(),
            totals: Totals {
                starting: 0,
                salaries: 0,
                income: 0,
                confiscated: 0,
            },
            shrimp_count: 0,
            cadres_dismissed: 0,
        }
    }

    /// Applies one command at time `now` (epoch ms). A refusal leaves the
    /// game exactly as it was: every handler checks fully before it changes
    /// anything.
    pub fn apply(&mut self, actor: Actor, command: Command, now: u64) -> Result<Applied, Refusal> {
        let mut out = Out::new();
        let mut applied = Applied::default();
        match command {
            Command::Join { player, name } => {
                system(actor)?;
                self.join(player, &name, &mut out)?;
            }
            Command::Connect { player } => {
                system(actor)?;
                self.set_connected(player, true, now, &mut out)?;
            }
            Command::Disconnect { player } => {
                system(actor)?;
                self.set_connected(player, false, now, &mut out)?;
            }
            Command::Tick => {
                system(actor)?;
                self.tick(now, &mut out);
            }
            Command::Chat { text, to } => self.chat(actor, text, to, &mut out)?,
            Command::Offer {
                to,
                kind,
                amount,
                favor,
            } => {
                let me = self.acting_player(actor)?;
                applied.offer = Some(self.make_offer(me, to, kind, amount, favor, now, &mut out)?);
            }
            Command::Respond { offer, accept } => {
                let me = self.acting_player(actor)?;
                self.respond(me, offer, accept, &mut out)?;
            }
            Command::Withdraw { offer } => {
                let me = self.acting_player(actor)?;
                self.withdraw_offer(me, offer, &mut out)?;
            }
            Command::Share { infraction, to } => {
                let me = self.acting_player(actor)?;
                self.share(me, infraction, to, &mut out)?;
            }
            Command::Order => {
                let me = self.acting_player(actor)?;
                self.order(me, now, &mut out)?;
            }
            Command::Accuse {
                target,
                charge,
                evidence,
            } => {
                let me = self.acting_player(actor)?;
                applied.case = Some(self.accuse(me, target, charge, &evidence, now, &mut out)?);
            }
            Command::WithdrawCase { case } => {
                let me = self.acting_player(actor)?;
                self.withdraw_case(me, case, now, &mut out)?;
            }
            Command::Rule { case, verdict } => {
                let me = self.acting_player(actor)?;
                self.rule(me, case, verdict, now, &mut out)?;
            }
            Command::Ready => {
                let me = self.acting_player(actor)?;
                self.ready(me, now, &mut out)?;
            }
            Command::Leave => {
                let me = self.acting_player(actor)?;
                self.leave(me, &mut out)?;
            }
            Command::Configure { config } => {
                facilitator(actor)?;
                self.configure(&config, &mut out)?;
            }
            Command::Assign { player, role } => {
                facilitator(actor)?;
                self.assign(player, role, &mut out)?;
            }
            Command::Start => {
                facilitator(actor)?;
                self.start(now, &mut out)?;
            }
            Command::Pause => {
                facilitator(actor)?;
                self.pause(now, &mut out)?;
            }
            Command::Unpause => {
                facilitator(actor)?;
                self.unpause(now, &mut out)?;
            }
            Command::Advance => {
                facilitator(actor)?;
                self.advance(now, &mut out)?;
            }
            Command::Kick { player } => {
                facilitator(actor)?;
                self.kick(player, now, &mut out)?;
            }
            Command::End => {
                facilitator(actor)?;
                self.end(&mut out)?;
            }
        }
        self.refresh_tiers(&mut out);
        applied.events = out;
        Ok(applied)
    }

    /// Announces every wealth tier that changed (RULES.md §2: public).
    pub(super) fn refresh_tiers(&mut self, out: &mut Out) {
        if self.phase == Phase::Lobby {
            return;
        }
        let pct = self.config.conspicuous_percent;
        for p in &mut self.players {
            let tier = p.wealth_tier(pct);
            if tier != p.tier {
                p.tier = tier;
                public(out, tier_event(p.id, tier));
            }
        }
    }

    /// Announces one player's tier if it changed (after a sentence).
    pub(super) fn refresh_tier(&mut self, id: PlayerId, out: &mut Out) {
        let pct = self.config.conspicuous_percent;
        if let Some(p) = self.player_mut(id) {
            let tier = p.wealth_tier(pct);
            if tier != p.tier {
                p.tier = tier;
                public(out, tier_event(id, tier));
            }
        }
    }

    /// The acting player: seated and not kicked.
    fn acting_player(&self, actor: Actor) -> Result<PlayerId, Refusal> {
        match actor {
            Actor::Player(id) => self.seated(id, ErrorCode::Forbidden).map(|p| p.id),
            Actor::Facilitator | Actor::System => {
                refuse(ErrorCode::Forbidden, "Only a seated player can do this.")
            }
        }
    }

    /// When `Command::Tick` should next be applied (epoch ms); `None` when
    /// no deadline runs (lobby, ended, paused, untimed phase).
    pub fn deadline(&self) -> Option<u64> {
        self.clock.deadline
    }

    /// The current phase.
    pub fn phase(&self) -> Phase {
        self.phase
    }

    /// The current round (0 in the lobby).
    pub fn round(&self) -> u32 {
        self.round
    }

    /// Whether `player` has a seat in this room (kicked seats included).
    pub fn has_player(&self, player: PlayerId) -> bool {
        self.player(player).is_some()
    }

    /// The configuration in force (seed included).
    pub fn config(&self) -> &RoomConfig {
        &self.config
    }

    /// A seated player's name.
    pub fn player_name(&self, player: PlayerId) -> Option<&str> {
        self.player(player).map(|p| p.name.as_str())
    }

    /// Whether the game is over.
    pub fn is_ended(&self) -> bool {
        self.phase == Phase::Ended
    }

    /// Every seat, in joining order.
    pub fn player_ids(&self) -> Vec<PlayerId> {
        self.players.iter().map(|p| p.id).collect()
    }

    /// Whether `player` was kicked during play.
    pub fn is_kicked(&self, player: PlayerId) -> bool {
        self.player(player).is_some_and(|p| p.kicked)
    }

    /// The money totals (RULES.md §2), to check conservation.
    pub fn totals(&self) -> Totals {
        self.totals
    }

    /// A player's exact balance and available balance.
    pub fn balance_of(&self, player: PlayerId) -> Option<(u64, u64)> {
        self.player(player).map(|p| (p.balance, p.available()))
    }

    /// A player's status.
    pub fn status_of(&self, player: PlayerId) -> Option<Status> {
        self.player(player).map(|p| p.status)
    }
}

fn tier_event(player: PlayerId, tier: WealthTier) -> Event {
    Event::PlayerUpdated {
        player,
        role: None,
        status: None,
        connected: None,
        wealth_tier: Some(tier),
        ready: None,
        until_round: None,
    }
}

fn system(actor: Actor) -> Result<(), Refusal> {
    match actor {
        Actor::System => Ok(()),
        _ => refuse(ErrorCode::Forbidden, "Only the server itself can do this."),
    }
}

fn facilitator(actor: Actor) -> Result<(), Refusal> {
    match actor {
        Actor::Facilitator => Ok(()),
        _ => refuse(
            ErrorCode::NotFacilitator,
            "Only the facilitator can do this.",
        ),
    }
}
