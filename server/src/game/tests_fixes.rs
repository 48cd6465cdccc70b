//! Regression tests for the second review of the engine against
//! PROTOCOL.md; each is named after what broke.
#![allow(clippy::unwrap_used)]

use allssam_protocol::{BalanceReason, Event, Phase, Role, RoomConfig};

use super::testkit::pid;
use super::{Actor, Command, Game, PlayerSet};

/// PROTOCOL.md "Events": `balance_changed` is sent whenever a balance
/// changes outside the market. At `start` every balance went from 0 to
/// the starting balance silently, so a client following events showed 0.
#[test]
fn starting_balances_are_announced() {
    use Role::*;
    let roles = [Secretary, Manager, Prosecutor, Donju, Donju];
    let mut game = Game::new("ROOM42".into(), RoomConfig::default());
    for (i, role) in roles.iter().enumerate() {
        let player = pid(i as u128 + 1);
        let name = format!("P{}", i + 1);
        game.apply(Actor::System, Command::Join { player, name }, 0)
            .unwrap();
        let assign = Command::Assign {
            player,
            role: *role,
        };
        game.apply(Actor::Facilitator, assign, 0).unwrap();
    }
    let events = game
        .apply(Actor::Facilitator, Command::Start, 0)
        .unwrap()
        .events;
    let market = events
        .iter()
        .position(|e| matches!(e.event, Event::PhaseChanged { .. }))
        .expect("round 1's phase_changed");
    let config = RoomConfig::default();
    for (i, role) in roles.iter().enumerate() {
        let id = pid(i as u128 + 1);
        let sent: Vec<_> = events
            .iter()
            .enumerate()
            .filter(
                |(_, e)| matches!(e.event, Event::BalanceChanged { player, .. } if player == id),
            )
            .collect();
        assert_eq!(sent.len(), 1, "one balance_changed for {id}");
        let (at, e) = sent[0];
        assert!(at < market, "before the market's phase_changed");
        let start = config.starting_balance.of(*role);
        assert_eq!(
            e.event,
            Event::BalanceChanged {
                player: id,
                balance: start,
                available: start,
                reason: BalanceReason::Starting,
            }
        );
        assert!(e.audience.facilitator && !e.audience.spectators);
        assert_eq!(e.audience.players, PlayerSet::Only(vec![id]));
    }
    assert_eq!(game.phase(), Phase::Dealing);
}
