//! A quick seeded random walk through whole games: no panic, money
//! conserved, escrow never above the balance, private events stay private.
//! (The proptest suite goes further; this guards the basics.)
#![allow(clippy::unwrap_used)]

use allssam_protocol::{CaseId, Charge, Event, InfractionId, OfferId, OfferKind, Role, Verdict};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::testkit::{Table, pid};
use super::{Actor, Command, Game};

fn random_command(g: &Game, rng: &mut ChaCha8Rng, n: u128) -> (Actor, Command) {
    let who = pid(rng.random_range(1..=n));
    let other = pid(rng.random_range(1..=n));
    let offer = g.offers.keys().next().copied().unwrap_or(OfferId(1));
    let inf = g
        .infractions
        .keys()
        .next()
        .copied()
        .unwrap_or(InfractionId(1));
    let kinds = OfferKind::ALL;
    let command = match rng.random_range(0..14) {
        0..=3 => Command::Offer {
            to: other,
            kind: kinds[rng.random_range(0..kinds.len())],
            amount: Some(rng.random_range(-5..400)),
            favor: rng
                .random_bool(0.5)
                .then_some(allssam_protocol::Favor::Vehicle),
        },
        4 | 5 if rng.random_bool(0.8) && !g.offers.is_empty() => {
            let o = g
                .offers
                .values()
                .nth(rng.random_range(0..g.offers.len()))
                .unwrap();
            let accept = rng.random_bool(0.7);
            return (
                Actor::Player(o.to),
                Command::Respond {
                    offer: o.id,
                    accept,
                },
            );
        }
        4 | 5 => Command::Respond {
            offer,
            accept: rng.random_bool(0.7),
        },
        6 => Command::Share {
            infraction: inf,
            to: other,
        },
        7 => Command::Accuse {
            target: other,
            charge: Charge::ALL[rng.random_range(0..Charge::ALL.len())],
            evidence: g
                .infractions
                .keys()
                .take(rng.random_range(0..3))
                .copied()
                .collect(),
        },
        8 => Command::Rule {
            case: CaseId(rng.random_range(1..4)),
            verdict: Verdict::Guilty,
        },
        9 => Command::WithdrawCase {
            case: CaseId(rng.random_range(1..4)),
        },
        10 => Command::Order,
        11 => Command::Ready,
        12 => return (Actor::Facilitator, Command::Advance),
        _ => Command::Withdraw { offer },
    };
    (Actor::Player(who), command)
}

#[test]
fn random_games_keep_the_invariants() {
    use Role::*;
    for seed in 0..6u64 {
        let roles = [
            Secretary, Manager, Prosecutor, Prosecutor, Manager, Donju, Donju, Donju,
        ];
        let (mut g, _) = Table::with(&roles, allssam_protocol::RoomConfig::default());
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let mut now = 0;
        for _ in 0..3000 {
            if g.is_ended() {
                break;
            }
            now += 10;
            let (actor, command) = random_command(&g, &mut rng, roles.len() as u128);
            let Ok(applied) = g.apply(actor, command, now) else {
                continue;
            };
            for e in &applied.events {
                match &e.event {
                    Event::BalanceChanged { player, .. } => {
                        assert_eq!(e.audience, super::Audience::players(vec![*player]));
                    }
                    Event::TieChanged { a, b, .. } => {
                        assert!(!e.audience.spectators);
                        assert!(e.audience.players == super::PlayerSet::Only(vec![*a, *b]));
                    }
                    Event::InfractionLearned { .. } | Event::RulingRecorded { .. } => {
                        assert!(!e.audience.spectators);
                    }
                    Event::Verdict { votes: Some(_), .. } => {
                        assert_eq!(e.audience, super::Audience::facilitator());
                    }
                    _ => {}
                }
            }
            let sum: u64 = g.players.iter().map(|p| p.balance).sum();
            let t = g.totals();
            assert_eq!(sum, t.starting + t.salaries + t.income - t.confiscated);
            assert!(g.players.iter().all(|p| p.escrow <= p.balance));
            let escrowed: u64 = g.offers.values().map(|o| o.escrow()).sum();
            assert_eq!(escrowed, g.players.iter().map(|p| p.escrow).sum::<u64>());
        }
        assert!(g.is_ended(), "seed {seed}: the walk plays whole games");
        assert!(!g.ties.is_empty() || !g.infractions.is_empty() || !g.cases.is_empty());
    }
}
