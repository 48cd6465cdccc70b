//! Regression tests for what the line-by-line review of the engine against
//! RULES.md and PROTOCOL.md found broken; each is named after what broke.
#![allow(clippy::unwrap_used)]

use allssam_protocol::{
    BalanceReason, Charge, ErrorCode, Event, OfferKind, Phase, Role, RoomConfig, SentenceKind,
    Verdict,
};

use super::testkit::Table;
use super::{Actor, Command, Emitted, Viewer};

fn withdrawn(events: &[Emitted]) -> Vec<allssam_protocol::OfferId> {
    let ids = events.iter().filter_map(|e| match &e.event {
        Event::OfferWithdrawn { offer } if e.audience.facilitator => Some(offer.id),
        _ => None,
    });
    ids.collect()
}

/// RULES.md §5: "an offer that can no longer be accepted is withdrawn at
/// once, its escrow released". Offers from or to a player kicked in play
/// can no longer be accepted; they stayed open (and escrowed) until the
/// end of the phase.
#[test]
fn kicking_a_player_withdraws_the_offers_he_is_party_to() {
    let mut t = Table::five();
    let (sec, man, don, don2) = (t.sec, t.man, t.don, t.don2.unwrap());
    let from_kicked = t.offer(don, sec, OfferKind::Bribe, Some(100));
    let to_kicked = t.offer(don2, don, OfferKind::Bribe, Some(70));
    let unrelated = t.offer(don2, man, OfferKind::PerDiem, Some(60));
    assert_eq!(t.available(don), t.balance(don) - 100);
    let events = t.ok(Actor::Facilitator, Command::Kick { player: don });
    let gone = withdrawn(&events);
    assert!(gone.contains(&from_kicked) && gone.contains(&to_kicked));
    assert!(!gone.contains(&unrelated));
    assert_eq!(t.available(don), t.balance(don), "escrow released");
    assert_eq!(t.available(don2), t.balance(don2) - 60);
    let open: Vec<_> = t.view(Viewer::Facilitator).offers;
    assert_eq!(open.len(), 1);
    // Nothing to answer any more: the offer is unknown to its recipient.
    t.refused(
        Actor::Player(sec),
        Command::Respond {
            offer: from_kicked,
            accept: true,
        },
        ErrorCode::UnknownOffer,
    );
}

/// A dealing demand to a kicked donju is withdrawn with the kick, so it is
/// no harassment at the next market (only rejected or expired ones are).
#[test]
fn a_demand_to_a_kicked_donju_is_no_harassment() {
    let mut t = Table::five();
    let (sec, don) = (t.sec, t.don);
    t.offer(sec, don, OfferKind::Demand, Some(100));
    t.ok(Actor::Facilitator, Command::Kick { player: don });
    let before = t.balance(don);
    t.advance_round();
    // A kicked donju still earns (docs/RULES.md): the whole 50, no cut of 12.
    assert_eq!(t.balance(don), before + 50);
}

/// PROTOCOL.md `player_updated` names whichever field changed: a kicked
/// player who had said `ready` is no longer ready, and the room must hear
/// it (the reset was silent, so clients kept showing him ready).
#[test]
fn kicking_a_ready_player_announces_he_is_no_longer_ready() {
    let mut t = Table::five();
    let (sec, don) = (t.sec, t.don);
    for p in [sec, don] {
        t.ok(Actor::System, Command::Connect { player: p });
    }
    t.ok(Actor::Player(don), Command::Ready);
    let events = t.ok(Actor::Facilitator, Command::Kick { player: don });
    let update = events.iter().find_map(|e| match e.event {
        Event::PlayerUpdated {
            player,
            ready,
            connected,
            ..
        } if player == don => Some((ready, connected)),
        _ => None,
    });
    assert_eq!(update, Some((Some(false), Some(false))));
    assert_eq!(t.game.phase(), Phase::Dealing, "the secretary is not ready");
    let seen = t.view(Viewer::Spectator);
    assert!(seen.players.iter().all(|p| !p.ready));
}

/// PROTOCOL.md: `balance_changed` is sent "whenever either changes". A
/// guilty verdict that confiscates nothing (`confiscation_percent` 0)
/// sent one anyway, for a balance that had not changed.
#[test]
fn a_confiscation_of_nothing_sends_no_balance_changed() {
    use Role::*;
    let config = RoomConfig {
        confiscation_percent: 0,
        strict_head: false,
        conspicuous_percent: 100,
        ..RoomConfig::default()
    };
    let roles = [Secretary, Manager, Prosecutor, Prosecutor, Donju];
    let (game, ids) = Table::with(&roles, config);
    let mut t = Table {
        game,
        now: 0,
        sec: ids[0],
        man: ids[1],
        pro: ids[2],
        don: ids[4],
        don2: None,
        pro2: Some(ids[3]),
    };
    let (sec, man, pro, pro2, don) = (t.sec, t.man, t.pro, ids[3], t.don);
    t.advance_to(Phase::Accusation);
    let accuse = |target, charge| Command::Accuse {
        target,
        charge,
        evidence: Vec::new(),
    };
    t.ok(Actor::Player(sec), accuse(man, Charge::Embezzlement));
    t.ok(Actor::Player(pro), accuse(don, Charge::AntiSocialist));
    t.advance_to(Phase::Verdict);
    for (who, case) in [(pro, 1), (pro2, 1), (pro2, 2)] {
        let rule = Command::Rule {
            case: allssam_protocol::CaseId(case),
            verdict: Verdict::Guilty,
        };
        t.ok(Actor::Player(who), rule);
    }
    let before = (t.balance(man), t.balance(don));
    let events = t.advance();
    let sentenced: Vec<_> = events
        .iter()
        .filter_map(|e| match e.event {
            Event::Sentence {
                player, sentence, ..
            } if e.audience.spectators => Some((player, sentence)),
            _ => None,
        })
        .collect();
    assert_eq!(
        sentenced,
        [
            (man, SentenceKind::Dismissed),
            (don, SentenceKind::Imprisoned)
        ]
    );
    let confiscations = events.iter().filter(|e| {
        matches!(
            e.event,
            Event::BalanceChanged {
                reason: BalanceReason::Confiscated,
                ..
            }
        )
    });
    assert_eq!(confiscations.count(), 0);
    // The next market paid the manager nothing (dismissed); the donju is in prison.
    assert_eq!((t.balance(man), t.balance(don)), before);
}
