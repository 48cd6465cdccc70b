//! Regression tests for the second review of the engine against
//! PROTOCOL.md; each is named after what broke.
#![allow(clippy::unwrap_used)]

use allssam_protocol::{BalanceReason, Event, Phase, Role, RoomConfig};

use super::testkit::{Table, pid};
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

/// The server reports a kicked player's connection closing (the kick
/// closes it) with `Disconnect`; it was refused with `invalid_target`, a
/// spurious refusal in the server's log. Connect and Disconnect of a
/// kicked player are accepted and change nothing.
#[test]
fn a_kicked_players_disconnect_is_accepted_as_a_no_op() {
    let mut t = Table::five();
    let don = t.don;
    t.ok(Actor::System, Command::Connect { player: don });
    t.ok(Actor::Facilitator, Command::Kick { player: don });
    for command in [
        Command::Disconnect { player: don },
        Command::Connect { player: don },
        Command::Disconnect { player: don },
    ] {
        let before = serde_json::to_string(&t.game).unwrap();
        let events = t.ok(Actor::System, command);
        assert!(events.is_empty(), "{events:?}");
        assert_eq!(before, serde_json::to_string(&t.game).unwrap());
    }
    let seat = t.view(super::Viewer::Facilitator).players;
    let seat = seat.iter().find(|p| p.id == don).unwrap();
    assert!(!seat.connected);
    // A seat that never existed is still refused.
    t.refused(
        Actor::System,
        Command::Disconnect { player: pid(99) },
        allssam_protocol::ErrorCode::InvalidTarget,
    );
}

/// RULES.md §7: a donju can never accuse. Asked in dealing, he was told
/// "accusations open in …" as if he only had to wait.
#[test]
fn a_donju_accusing_in_dealing_is_told_he_cannot_accuse_at_all() {
    let mut t = Table::four();
    let accuse = Command::Accuse {
        target: t.man,
        charge: allssam_protocol::Charge::Embezzlement,
        evidence: vec![],
    };
    let message = t.refused(
        Actor::Player(t.don),
        accuse.clone(),
        allssam_protocol::ErrorCode::Forbidden,
    );
    assert!(message.contains("Only a cadre"), "{message}");
    // A cadre asking too early is still told when accusations open.
    let message = t.refused(
        Actor::Player(t.sec),
        accuse,
        allssam_protocol::ErrorCode::WrongPhase,
    );
    assert!(message.contains("open"), "{message}");
}
