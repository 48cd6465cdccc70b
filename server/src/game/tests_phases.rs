//! Table tests for people in a room (RULES.md §1), the round and its phases
//! (§4) and configuration (§10), with their refusals; and determinism.
#![allow(clippy::unwrap_used)]

use allssam_protocol::{ConfigPatch, ErrorCode, Event, Phase, Role, RoomConfig, Status};
use serde_json::json;

use super::testkit::{Table, pid};
use super::{Actor, Command, Game, Viewer};

fn join(game: &mut Game, n: u128, name: &str) -> Result<(), ErrorCode> {
    let command = Command::Join {
        player: pid(n),
        name: name.into(),
    };
    game.apply(Actor::System, command, 0)
        .map(|_| ())
        .map_err(|r| r.code)
}

/// §1: seats, names, roles and starting.
#[test]
fn lobby_rules() {
    let mut g = Game::new("R".into(), RoomConfig::default());
    assert_eq!(join(&mut g, 1, "  Kim  "), Ok(()));
    assert_eq!(g.player_name(pid(1)), Some("Kim"));
    let rows = [
        (2, "kim", Err(ErrorCode::NameTaken)),
        (2, "", Err(ErrorCode::NameTaken)),
        (2, "a<b", Err(ErrorCode::NameTaken)),
        (2, "abcdefghijklmnopqrstuvwxy", Err(ErrorCode::NameTaken)),
        (1, "Other", Err(ErrorCode::AlreadyJoined)),
        (2, "Ri Sol-ju", Ok(())),
    ];
    for (n, name, want) in rows {
        assert_eq!(join(&mut g, n, name), want, "{name:?}");
    }
    // Too few players.
    let start = g.apply(Actor::Facilitator, Command::Start, 0).unwrap_err();
    assert_eq!(start.code, ErrorCode::CannotStart);
    for n in 3..=12 {
        join(&mut g, n, &format!("P{n}")).unwrap();
    }
    assert_eq!(join(&mut g, 13, "P13"), Err(ErrorCode::RoomFull));
    // Only the facilitator starts; leaving frees a seat.
    let e = g
        .apply(Actor::Player(pid(1)), Command::Start, 0)
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::NotFacilitator);
    g.apply(Actor::Player(pid(12)), Command::Leave, 0).unwrap();
    assert!(!g.has_player(pid(12)));
    g.apply(Actor::Facilitator, Command::Kick { player: pid(11) }, 0)
        .unwrap();
    assert_eq!(g.player_ids().len(), 10);
    // Assigned roles are kept; the rest follow the table for 10: 1/2/2/5.
    g.apply(
        Actor::Facilitator,
        Command::Assign {
            player: pid(1),
            role: Role::Prosecutor,
        },
        0,
    )
    .unwrap();
    g.apply(Actor::Facilitator, Command::Start, 0).unwrap();
    let view = g.view_for(Viewer::Spectator, 0);
    assert_eq!(view.players[0].role, Some(Role::Prosecutor));
    let count = |r| view.players.iter().filter(|p| p.role == Some(r)).count();
    assert_eq!(
        [
            count(Role::Secretary),
            count(Role::Manager),
            count(Role::Prosecutor),
            count(Role::Donju)
        ],
        [1, 2, 2, 5]
    );
    // After the start: no joining, leaving, configuring or assigning.
    assert_eq!(join(&mut g, 20, "Late"), Err(ErrorCode::GameStarted));
    let refusals = [
        (
            Actor::Player(pid(2)),
            Command::Leave,
            ErrorCode::GameStarted,
        ),
        (
            Actor::Facilitator,
            Command::Configure {
                config: ConfigPatch::default(),
            },
            ErrorCode::GameStarted,
        ),
        (
            Actor::Facilitator,
            Command::Assign {
                player: pid(2),
                role: Role::Donju,
            },
            ErrorCode::GameStarted,
        ),
        (Actor::Facilitator, Command::Start, ErrorCode::WrongPhase),
        (Actor::Facilitator, Command::Unpause, ErrorCode::WrongPhase),
    ];
    for (actor, command, code) in refusals {
        assert_eq!(g.apply(actor, command, 0).unwrap_err().code, code);
    }
}

/// §1: a missing role makes the start impossible.
#[test]
fn cannot_start_without_every_role() {
    let mut g = Game::new("R".into(), RoomConfig::default());
    for n in 1..=4 {
        join(&mut g, n, &format!("P{n}")).unwrap();
        g.apply(
            Actor::Facilitator,
            Command::Assign {
                player: pid(n),
                role: Role::Donju,
            },
            0,
        )
        .unwrap();
    }
    let e = g.apply(Actor::Facilitator, Command::Start, 0).unwrap_err();
    assert_eq!(e.code, ErrorCode::CannotStart);
    assert_eq!(g.phase(), Phase::Lobby);
}

/// §10: configure merges; the seed only reaches the facilitator.
#[test]
fn configuration() {
    let mut g = Game::new("R".into(), RoomConfig::default());
    let patch: ConfigPatch = serde_json::from_value(json!({"rounds": 2, "seed": 9})).unwrap();
    let events = g
        .apply(Actor::Facilitator, Command::Configure { config: patch }, 0)
        .unwrap()
        .events;
    assert_eq!(g.config().rounds, 2);
    for e in &events {
        let Event::ConfigChanged { config } = &e.event else {
            panic!()
        };
        assert_eq!(
            config.seed.is_some(),
            !e.audience.spectators && e.audience.facilitator
        );
    }
    let bad: ConfigPatch = serde_json::from_value(json!({"rounds": 0})).unwrap();
    let e = g
        .apply(Actor::Facilitator, Command::Configure { config: bad }, 0)
        .unwrap_err();
    assert_eq!(
        (e.code, e.field.as_deref()),
        (ErrorCode::InvalidConfig, Some("rounds"))
    );
    assert_eq!(g.view_for(Viewer::Player(pid(1)), 0).config.seed, None);
}

/// §4: deadlines, ticks, pause, ready, advance, skipping, the end.
#[test]
fn the_phase_clock() {
    let mut t = Table::four();
    // Started at 0: dealing ends at 180 s.
    assert_eq!(
        (t.game.phase(), t.game.deadline()),
        (Phase::Dealing, Some(180_000))
    );
    assert!(
        t.game
            .apply(Actor::System, Command::Tick, 179_999)
            .unwrap()
            .events
            .is_empty()
    );
    // Paused at 100 s with 80 s left; unpaused at 500 s: ends at 580 s.
    t.now = 100_000;
    t.ok(Actor::Facilitator, Command::Pause);
    assert_eq!(t.game.deadline(), None);
    assert_eq!(t.view(Viewer::Spectator).deadline_ms, Some(80_000));
    t.refused(Actor::Facilitator, Command::Pause, ErrorCode::WrongPhase);
    t.now = 500_000;
    t.ok(Actor::Facilitator, Command::Unpause);
    assert_eq!(t.game.deadline(), Some(580_000));
    t.game.apply(Actor::System, Command::Tick, 580_000).unwrap();
    assert_eq!(t.game.phase(), Phase::Accusation);
    let message = {
        t.now = 580_000;
        t.game
            .apply(Actor::Player(t.sec), Command::Order, t.now)
            .unwrap_err()
            .message
    };
    assert!(message.contains("dealing"), "{message}");
    // Ready: every connected player at liberty; the rest do not count.
    t.advance_round();
    let (sec, man) = (t.sec, t.man);
    t.ok(Actor::System, Command::Connect { player: sec });
    t.ok(Actor::System, Command::Connect { player: man });
    t.ok(Actor::Player(sec), Command::Ready);
    assert_eq!(t.game.phase(), Phase::Dealing);
    let events = t.ok(Actor::Player(man), Command::Ready);
    assert_eq!(t.game.phase(), Phase::Accusation);
    assert!(events.iter().any(|e| matches!(
        e.event,
        Event::PhaseChanged {
            phase: Phase::Accusation,
            ..
        }
    )));
    // A disconnection can complete it too.
    t.ok(Actor::Player(sec), Command::Ready);
    t.ok(Actor::System, Command::Disconnect { player: man });
    // No case: investigation and verdict are skipped, named in `skipped`.
    assert_eq!((t.game.round(), t.game.phase()), (3, Phase::Dealing));
    // Paused, then advanced: the next phase starts paused at full length.
    t.ok(Actor::Facilitator, Command::Pause);
    t.advance();
    assert_eq!(t.view(Viewer::Spectator).deadline_ms, Some(90_000));
    assert_eq!(t.game.deadline(), None);
    // End: scores and debrief; then nothing more to do.
    let events = t.ok(Actor::Facilitator, Command::End);
    assert!(matches!(
        events.last().unwrap().event,
        Event::GameEnded { .. }
    ));
    assert!(t.game.is_ended() && t.game.deadline().is_none());
    t.refused(Actor::Facilitator, Command::Advance, ErrorCode::WrongPhase);
    t.refused(Actor::Player(sec), Command::Ready, ErrorCode::WrongPhase);
}

#[test]
fn skipped_phases_are_named() {
    let mut t = Table::four();
    t.advance_to(Phase::Accusation);
    let events = t.advance();
    let skipped = events.iter().find_map(|e| match &e.event {
        Event::PhaseChanged { skipped, .. } => Some(skipped.clone()),
        _ => None,
    });
    assert_eq!(skipped, Some(vec![Phase::Investigation, Phase::Verdict]));
}

/// §4: a phase of length 0 has no deadline.
#[test]
fn untimed_phase() {
    let mut config = RoomConfig::default();
    config.phase_seconds.dealing = 0;
    let t = Table::four_with(config);
    assert_eq!(t.game.deadline(), None);
    assert_eq!(t.view(Viewer::Spectator).deadline_ms, None);
}

/// Kicked in play: the seat stays, disconnected, out of `ready`.
#[test]
fn kick_in_play() {
    let mut t = Table::four();
    let (sec, don) = (t.sec, t.don);
    t.ok(Actor::System, Command::Connect { player: sec });
    t.ok(Actor::System, Command::Connect { player: don });
    t.ok(Actor::Player(sec), Command::Ready);
    t.ok(Actor::Facilitator, Command::Kick { player: don });
    assert_eq!(
        t.game.phase(),
        Phase::Accusation,
        "the kicked seat no longer holds up the phase"
    );
    assert!(t.game.has_player(don) && t.game.is_kicked(don));
    t.refused(Actor::Player(don), Command::Ready, ErrorCode::Forbidden);
    // His connection's news is accepted and changes nothing.
    let events = t.ok(Actor::System, Command::Connect { player: don });
    assert!(events.is_empty());
    // Chat: text length and prisoners' private chat.
    let long = "x".repeat(501);
    t.refused(
        Actor::Player(sec),
        Command::Chat {
            text: long,
            to: None,
        },
        ErrorCode::Malformed,
    );
    t.refused(
        Actor::Player(sec),
        Command::Chat {
            text: " ".into(),
            to: None,
        },
        ErrorCode::Malformed,
    );
    t.refused(
        Actor::Player(sec),
        Command::Chat {
            text: "hi".into(),
            to: Some(sec),
        },
        ErrorCode::InvalidTarget,
    );
    let e = t.ok(
        Actor::Player(sec),
        Command::Chat {
            text: "psst".into(),
            to: Some(t.man),
        },
    );
    assert!(e[0].audience.players.contains(t.man) && !e[0].audience.players.contains(t.pro));
    assert!(!e[0].audience.spectators);
    assert!(t.view(Viewer::Player(t.pro)).chat.is_empty());
    assert_eq!(t.view(Viewer::Facilitator).chat.len(), 1);
    assert_eq!(t.game.status_of(don), Some(Status::Free));
}

/// The same config, seed and command log give the same state and events.
#[test]
fn determinism() {
    let run = || {
        let mut config = RoomConfig {
            seed: Some(42),
            ..RoomConfig::default()
        };
        config.rounds = 2;
        let mut g = Game::new("R".into(), config);
        let mut log = Vec::new();
        for n in 1..=8 {
            let c = Command::Join {
                player: pid(n),
                name: format!("P{n}"),
            };
            log.push(g.apply(Actor::System, c, 0).unwrap().events);
        }
        log.push(
            g.apply(Actor::Facilitator, Command::Start, 0)
                .unwrap()
                .events,
        );
        let donju: Vec<_> = g
            .player_ids()
            .into_iter()
            .filter(|&p| {
                g.view_for(Viewer::Spectator, 0)
                    .players
                    .iter()
                    .any(|i| i.id == p && i.role == Some(Role::Donju))
            })
            .collect();
        let cadre = g
            .player_ids()
            .into_iter()
            .find(|p| !donju.contains(p))
            .unwrap();
        let offer = Command::Offer {
            to: cadre,
            kind: allssam_protocol::OfferKind::Bribe,
            amount: Some(120),
            favor: None,
        };
        let applied = g.apply(Actor::Player(donju[0]), offer, 1).unwrap();
        let respond = Command::Respond {
            offer: applied.offer.unwrap(),
            accept: true,
        };
        log.push(applied.events);
        log.push(g.apply(Actor::Player(cadre), respond, 2).unwrap().events);
        for i in 0..10 {
            if g.is_ended() {
                break;
            }
            log.push(
                g.apply(Actor::Facilitator, Command::Advance, 3 + i)
                    .unwrap()
                    .events,
            );
        }
        (serde_json::to_string(&g).unwrap(), format!("{log:?}"))
    };
    let (a, b) = (run(), run());
    assert_eq!(a, b);
    // And a snapshot restores to the same game.
    let restored: Game = serde_json::from_str(&a.0).expect("a snapshot reads back");
    assert_eq!(serde_json::to_string(&restored).unwrap(), a.0);
}
