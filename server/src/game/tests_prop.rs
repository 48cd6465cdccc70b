//! Property tests over whole random games (issue 2, item 4): 4–12 players,
//! random configs, random commands from players, the facilitator and the
//! server. After every command: no panic, a refusal changes nothing, money
//! is conserved to the won with escrow matching open offers, and every event
//! and view shows each viewer only what RULES.md allows. A recorded game
//! replays identically, from the start or from a snapshot.
#![allow(clippy::unwrap_used)]

use allssam_protocol::{ConfigPatch, RoomConfig};
use proptest::prelude::*;

use super::testkit::pid;
use super::tests_oracle::Oracle;
use super::tests_prop_gen::{Setup, Step, command, setup, step};
use super::{Actor, Applied, Command, Game, Refusal, Viewer};

type Check = Result<(), TestCaseError>;

/// One command of the log, when it was applied, and what came of it.
type Entry = (Actor, Command, u64, Result<Applied, Refusal>);

/// A game being played, its oracle and its log.
struct Run {
    game: Game,
    now: u64,
    seed: u64,
    oracle: Oracle,
    log: Vec<Entry>,
}

fn new_game(seed: u64) -> Game {
    let config = RoomConfig {
        seed: Some(seed),
        ..RoomConfig::default()
    };
    Game::new("PROP42".into(), config)
}

impl Run {
    fn new(seed: u64) -> Run {
        let game = new_game(seed);
        let oracle = Oracle::new(&game, 0);
        Run {
            game,
            now: 1_000,
            seed,
            oracle,
            log: Vec::new(),
        }
    }

    /// Applies one command and checks everything.
    fn apply(&mut self, actor: Actor, command: Command) -> Check {
        let before = self.game.clone();
        let mut seats = self.game.player_ids();
        let result = self.game.apply(actor, command.clone(), self.now);
        match &result {
            Err(refusal) => {
                prop_assert!(!refusal.message.is_empty());
                let (a, b) = (
                    serde_json::to_string(&before),
                    serde_json::to_string(&self.game),
                );
                prop_assert_eq!(
                    a.ok(),
                    b.ok(),
                    "{:?} by {:?} was refused but changed the game",
                    command,
                    actor
                );
            }
            Ok(applied) => {
                self.oracle
                    .update(&self.game, actor, &command, applied, self.now);
                seats.extend(self.game.player_ids());
                self.oracle.check_events(applied, &seats)?;
                self.check_money()?;
                self.oracle.check_facilitator(self.seed)?;
                self.check_views()?;
            }
        }
        self.log.push((actor, command, self.now, result));
        Ok(())
    }

    /// RULES.md §2 on the engine's own books: available ≤ balance, escrow
    /// equals the open offers, and the sum of balances is exact.
    fn check_money(&self) -> Check {
        let g = &self.game;
        for p in &g.players {
            prop_assert!(p.escrow <= p.balance, "{} escrows more than he has", p.name);
            let open: u64 = g
                .offers
                .values()
                .filter(|o| o.from == p.id)
                .map(|o| o.escrow())
                .sum();
            prop_assert_eq!(p.escrow, open, "escrow of {}", &p.name);
        }
        if g.round > 0 {
            let sum: u64 = g.players.iter().map(|p| p.balance).sum();
            let t = g.totals();
            prop_assert_eq!(sum, t.starting + t.salaries + t.income - t.confiscated);
        }
        Ok(())
    }

    /// Every player's view and a spectator's.
    fn check_views(&self) -> Check {
        let viewers = self.game.player_ids().into_iter().map(Viewer::Player);
        for viewer in viewers.chain([Viewer::Spectator]) {
            let view = self.game.view_for(viewer, self.now);
            self.oracle.check_view(viewer, &view)?;
        }
        Ok(())
    }

    /// The lobby: seats (with a few bad joins), roles, config, connections,
    /// then `start`.
    fn lobby(&mut self, s: &Setup) -> Check {
        for (i, _) in s.roles.iter().enumerate() {
            let join = Command::Join {
                player: pid(i as u128 + 1),
                name: format!("P{i}"),
            };
            self.apply(Actor::System, join)?;
        }
        let bad = [
            ("p0", 50),
            ("", 51),
            ("P1", 1),
            ("toolong-name-way-over-24", 52),
        ];
        for (name, n) in bad {
            let join = Command::Join {
                player: pid(n),
                name: name.into(),
            };
            self.apply(Actor::System, join)?;
        }
        for (i, role) in s.roles.iter().enumerate() {
            if let Some(role) = role {
                let player = pid(i as u128 + 1);
                self.apply(
                    Actor::Facilitator,
                    Command::Assign {
                        player,
                        role: *role,
                    },
                )?;
            }
        }
        let config = ConfigPatch(s.patch.clone());
        self.apply(Actor::Facilitator, Command::Configure { config })?;
        for i in 0..s.roles.len() {
            if s.connected >> i & 1 == 1 {
                let player = pid(i as u128 + 1);
                self.apply(Actor::System, Command::Connect { player })?;
            }
        }
        self.apply(Actor::Facilitator, Command::Start)
    }

    /// The whole game: the lobby, the steps, then the facilitator advances
    /// to the end.
    fn play(s: &Setup, steps: &[Step]) -> Result<Run, TestCaseError> {
        let mut run = Run::new(s.seed);
        run.lobby(s)?;
        for st in steps {
            run.now += u64::from(st.dt);
            let (actor, command) = command(&run.game, st);
            if command == Command::Tick {
                // Time jumps, so that deadlines pass.
                run.now += u64::from(st.y) % 20_000;
            }
            run.apply(actor, command)?;
        }
        for _ in 0..400 {
            if run.game.is_ended() || run.game.round() == 0 {
                break;
            }
            run.now += 500;
            run.apply(Actor::Facilitator, Command::Advance)?;
        }
        prop_assert!(run.game.is_ended() || run.game.round() == 0);
        Ok(run)
    }
}

/// Replays `log` on `game` from entry `from`, requiring the same outcomes.
fn replay(mut game: Game, log: &[Entry], from: usize) -> Result<Game, TestCaseError> {
    for (i, (actor, command, now, outcome)) in log.iter().enumerate().skip(from) {
        let again = game.apply(*actor, command.clone(), *now);
        prop_assert_eq!(
            &again,
            outcome,
            "entry {} ({:?}) gave another outcome",
            i,
            command
        );
    }
    Ok(game)
}

fn state(g: &Game) -> String {
    serde_json::to_string(g).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// Random whole games keep every invariant after every command.
    #[test]
    fn random_games_keep_every_rule(s in setup(), steps in prop::collection::vec(step(), 0..400)) {
        Run::play(&s, &steps)?;
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 16, ..ProptestConfig::default() })]

    /// The same config, seed and command log give the same state and
    /// events: replayed from the start, and from a snapshot taken mid-game.
    #[test]
    fn replays_are_identical(
        s in setup(),
        steps in prop::collection::vec(step(), 40..240),
        cut in 0.0f64..1.0,
    ) {
        let run = Run::play(&s, &steps)?;
        let end = state(&run.game);
        let once = replay(new_game(s.seed), &run.log, 0)?;
        prop_assert_eq!(&state(&once), &end);
        // A snapshot after entry `k`, restored from its JSON.
        let k = (run.log.len() as f64 * cut) as usize;
        let mut head = new_game(s.seed);
        for (actor, command, now, _) in &run.log[..k] {
            let _ = head.apply(*actor, command.clone(), *now);
        }
        let restored: Game = serde_json::from_str(&state(&head)).unwrap();
        prop_assert_eq!(state(&restored), state(&head));
        let twice = replay(restored, &run.log, k)?;
        prop_assert_eq!(&state(&twice), &end);
    }
}
