//! Criterion benchmark of the rules engine (issue 2, item 5): `apply` over
//! whole recorded games of 4 and 12 players (commands per second averaged
//! over the games), and `view_for` in a 12-player game mid-way.
//!
//! The games are played once, outside the measurement, by a seeded bot
//! table that uses only the engine's public surface (it reads the
//! facilitator's and each player's view to choose plausible moves); only
//! the commands the engine applied are kept, as persistence would log them.

use std::hint::black_box;

use allssam_protocol::{
    Charge, Favor, InfractionKind, OfferKind, Phase, PlayerId, Role, RoomConfig, Status, Verdict,
    View,
};
use allssam_server::game::{Actor, Command, Game, Viewer};
use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use uuid::Uuid;

/// One applied command of a game's log.
type Entry = (Actor, Command, u64);

const ROOM: &str = "BENCH1";

fn config(seed: u64) -> RoomConfig {
    RoomConfig {
        seed: Some(seed),
        ..RoomConfig::default()
    }
}

/// A seeded table of bots playing a whole game; returns its log.
struct Table {
    game: Game,
    rng: ChaCha8Rng,
    now: u64,
    log: Vec<Entry>,
    ids: Vec<PlayerId>,
}

impl Table {
    fn new(players: usize, seed: u64) -> Table {
        let mut t = Table {
            game: Game::new(ROOM.into(), config(seed)),
            rng: ChaCha8Rng::seed_from_u64(seed),
            now: 1_700_000_000_000,
            log: Vec::new(),
            ids: Vec::new(),
        };
        for i in 0..players {
            let player = PlayerId(Uuid::from_u128(t.rng.random()));
            t.ids.push(player);
            let name = format!("Bot {i}");
            t.apply(Actor::System, Command::Join { player, name });
            t.apply(Actor::System, Command::Connect { player });
        }
        t.apply(Actor::Facilitator, Command::Start);
        t
    }

    /// Applies and keeps the command if the engine took it.
    fn apply(&mut self, actor: Actor, command: Command) -> bool {
        self.now += 250;
        let ok = self.game.apply(actor, command.clone(), self.now).is_ok();
        if ok {
            self.log.push((actor, command, self.now));
        }
        ok
    }

    fn fac(&self) -> View {
        self.game.view_for(Viewer::Facilitator, self.now)
    }

    fn pick(&mut self, ids: &[PlayerId]) -> Option<PlayerId> {
        ids.choose(&mut self.rng).copied()
    }

    /// Players with `role` at liberty (and in post, for cadres).
    fn free(&self, v: &View, role: Role) -> Vec<PlayerId> {
        let players = v.players.iter();
        let fit = players.filter(|p| p.role == Some(role) && p.status == Status::Free);
        fit.map(|p| p.id).collect()
    }

    fn play(mut self) -> (Vec<Entry>, Game) {
        while !self.game.is_ended() {
            let v = self.fac();
            match v.phase {
                Phase::Dealing => self.dealing(&v),
                Phase::Accusation => self.accusation(&v),
                Phase::Investigation => self.investigation(&v),
                Phase::Verdict => self.verdict(&v),
                Phase::Lobby | Phase::Ended => break,
            }
            self.all_ready();
        }
        (self.log, self.game)
    }

    fn all_ready(&mut self) {
        let phase = (self.game.round(), self.game.phase());
        for id in self.ids.clone() {
            if (self.game.round(), self.game.phase()) != phase {
                return;
            }
            self.apply(Actor::Player(id), Command::Ready);
        }
    }

    fn dealing(&mut self, v: &View) {
        let (donju, managers) = (self.free(v, Role::Donju), self.free(v, Role::Manager));
        let cadres: Vec<PlayerId> = [Role::Secretary, Role::Manager, Role::Prosecutor]
            .iter()
            .flat_map(|&r| self.free(v, r))
            .collect();
        if let Some(sec) = self.free(v, Role::Secretary).first().copied()
            && self.rng.random_bool(0.4)
        {
            self.apply(Actor::Player(sec), Command::Order);
        }
        for _ in 0..self.ids.len() * 3 {
            let roll = self.rng.random_range(0..10);
            let (from, to, kind, amount, favor) = match roll {
                0..=1 => (
                    self.pick(&donju),
                    self.pick(&cadres),
                    OfferKind::Bribe,
                    40..200,
                    None,
                ),
                2 => (
                    self.pick(&donju),
                    self.pick(&managers),
                    OfferKind::PerDiem,
                    30..150,
                    None,
                ),
                3 => (
                    self.pick(&donju),
                    self.pick(&managers),
                    OfferKind::Lease,
                    50..120,
                    None,
                ),
                4 => (
                    self.pick(&managers),
                    self.pick(&donju),
                    OfferKind::Favor,
                    0..1,
                    Some(Favor::Vehicle),
                ),
                5 => (
                    self.pick(&cadres),
                    self.pick(&donju),
                    OfferKind::Demand,
                    20..120,
                    None,
                ),
                6 => (
                    self.pick(&cadres),
                    self.pick(&self.ids.clone()),
                    OfferKind::Pact,
                    0..1,
                    None,
                ),
                _ => {
                    self.answer_one(0.75);
                    continue;
                }
            };
            let (Some(from), Some(to)) = (from, to) else {
                continue;
            };
            let money = !matches!(kind, OfferKind::Favor | OfferKind::Pact);
            let amount = money.then(|| self.rng.random_range(amount));
            let offer = Command::Offer {
                to,
                kind,
                amount,
                favor,
            };
            self.apply(Actor::Player(from), offer);
        }
        self.share_and_chat();
    }

    /// The recipient of a random open offer answers it.
    fn answer_one(&mut self, accept: f64) {
        let offers = self.fac().offers;
        if let Some(o) = offers.choose(&mut self.rng) {
            let accept = self.rng.random_bool(accept);
            let (to, offer) = (o.to, o.id);
            self.apply(Actor::Player(to), Command::Respond { offer, accept });
        }
    }

    fn share_and_chat(&mut self) {
        for _ in 0..self.ids.len() / 2 {
            let (Some(me), Some(to)) = (self.pick(&self.ids.clone()), self.pick(&self.ids.clone()))
            else {
                continue;
            };
            let known = self.game.view_for(Viewer::Player(me), self.now).infractions;
            if let Some(inf) = known.choose(&mut self.rng) {
                let share = Command::Share {
                    infraction: inf.id,
                    to,
                };
                self.apply(Actor::Player(me), share);
            }
            let text = format!("round {} — who pays whom?", self.game.round());
            self.apply(Actor::Player(me), Command::Chat { text, to: None });
        }
    }

    fn accusation(&mut self, v: &View) {
        let cadres: Vec<PlayerId> = [Role::Secretary, Role::Manager, Role::Prosecutor]
            .iter()
            .flat_map(|&r| self.free(v, r))
            .collect();
        for me in cadres {
            if !self.rng.random_bool(0.5) {
                continue;
            }
            let known = self.game.view_for(Viewer::Player(me), self.now).infractions;
            let usable = known
                .iter()
                .find(|i| !i.parties.contains(&me) && i.kind != InfractionKind::Extortion);
            let command = match usable {
                Some(inf) => Command::Accuse {
                    target: inf.parties[1],
                    charge: match inf.kind {
                        InfractionKind::AbuseOfAuthority => Charge::AbuseOfAuthority,
                        InfractionKind::IllegalLease | InfractionKind::IllegalLeaseIncome => {
                            Charge::IllegalBusiness
                        }
                        _ => Charge::Bribery,
                    },
                    evidence: vec![inf.id],
                },
                None => {
                    let Some(target) = self.pick(&self.ids.clone()) else {
                        continue;
                    };
                    Command::Accuse {
                        target,
                        charge: Charge::Embezzlement,
                        evidence: Vec::new(),
                    }
                }
            };
            self.apply(Actor::Player(me), command);
        }
    }

    fn investigation(&mut self, v: &View) {
        for case in v
            .cases
            .iter()
            .filter(|c| c.round == v.round && !c.withdrawn)
        {
            for &pro in &case.hearers {
                let amount = Some(self.rng.random_range(50..200));
                let bribe = Command::Offer {
                    to: pro,
                    kind: OfferKind::Bribe,
                    amount,
                    favor: None,
                };
                self.apply(Actor::Player(case.accused), bribe);
                let demand = Command::Offer {
                    to: case.accuser,
                    kind: OfferKind::Demand,
                    amount,
                    favor: None,
                };
                self.apply(Actor::Player(pro), demand);
            }
            self.answer_one(0.6);
            self.answer_one(0.6);
            if self.rng.random_bool(0.2) {
                self.apply(
                    Actor::Player(case.accuser),
                    Command::WithdrawCase { case: case.id },
                );
            }
        }
    }

    fn verdict(&mut self, v: &View) {
        for case in v
            .cases
            .iter()
            .filter(|c| c.round == v.round && !c.withdrawn)
        {
            for &pro in &case.hearers {
                if self.rng.random_bool(0.6) {
                    let verdict = if self.rng.random_bool(0.5) {
                        Verdict::Guilty
                    } else {
                        Verdict::Acquit
                    };
                    self.apply(
                        Actor::Player(pro),
                        Command::Rule {
                            case: case.id,
                            verdict,
                        },
                    );
                }
            }
        }
    }
}

/// Replays a log on a fresh game (what the measurement times).
fn replay(seed: u64, log: Vec<Entry>) -> Game {
    let mut game = Game::new(ROOM.into(), config(seed));
    for (actor, command, now) in log {
        let _ = black_box(game.apply(actor, command, now));
    }
    game
}

const GAMES: u64 = 8;

fn apply_whole_games(c: &mut Criterion) {
    let mut group = c.benchmark_group("apply_whole_games");
    for players in [4, 12] {
        let logs: Vec<(u64, Vec<Entry>)> = (0..GAMES)
            .map(|seed| (seed, Table::new(players, seed).play().0))
            .collect();
        let commands: usize = logs.iter().map(|(_, l)| l.len()).sum();
        eprintln!("{players} players: {GAMES} games, {commands} applied commands");
        group.throughput(Throughput::Elements(commands as u64));
        group.bench_function(format!("{players}_players"), |b| {
            b.iter_batched(
                || logs.clone(),
                |logs| {
                    for (seed, log) in logs {
                        black_box(replay(seed, log));
                    }
                },
                BatchSize::LargeInput,
            )
        });
    }
    group.finish();
}

fn view_for_mid_game(c: &mut Criterion) {
    let (log, _) = Table::new(12, 7).play();
    // Mid-game: the moment of rounds 3–4 with the most open offers.
    let mut game = Game::new(ROOM.into(), config(7));
    let (mut best, mut most) = (0, 0);
    for (i, (actor, command, now)) in log.iter().enumerate() {
        let _ = game.apply(*actor, command.clone(), *now);
        let open = game.view_for(Viewer::Facilitator, *now).offers.len();
        if (3..=4).contains(&game.round()) && open > most {
            (best, most) = (i + 1, open);
        }
    }
    let now = log[best - 1].2;
    let game = replay(7, log[..best].to_vec());
    let fac = game.view_for(Viewer::Facilitator, now);
    eprintln!(
        "12 players mid-game: round {} {}, {} offers, {} ties, {} infractions, {} cases, {} chat lines",
        fac.round,
        fac.phase,
        fac.offers.len(),
        fac.ties.len(),
        fac.infractions.len(),
        fac.cases.len(),
        fac.chat.len()
    );
    let donju = fac
        .players
        .iter()
        .find(|p| p.role == Some(Role::Donju))
        .map(|p| p.id);
    let mut group = c.benchmark_group("view_for_12_players_mid_game");
    if let Some(id) = donju {
        group.bench_function("player", |b| {
            b.iter(|| black_box(game.view_for(Viewer::Player(id), now)))
        });
    }
    group.bench_function("facilitator", |b| {
        b.iter(|| black_box(game.view_for(Viewer::Facilitator, now)))
    });
    group.bench_function("spectator", |b| {
        b.iter(|| black_box(game.view_for(Viewer::Spectator, now)))
    });
    // The same room after 100 chat lines of 200 characters (a full history).
    let mut chatty = game.clone();
    let speakers: Vec<PlayerId> = fac.players.iter().map(|p| p.id).collect();
    for (i, from) in speakers.iter().cycle().take(100).enumerate() {
        let text = format!("{i:03} {}", "x".repeat(196));
        let _ = chatty.apply(Actor::Player(*from), Command::Chat { text, to: None }, now);
    }
    if let Some(id) = donju {
        group.bench_function("player_full_chat", |b| {
            b.iter(|| black_box(chatty.view_for(Viewer::Player(id), now)))
        });
    }
    group.finish();
}

criterion_group!(benches, apply_whole_games, view_for_mid_game);
criterion_main!(benches);
