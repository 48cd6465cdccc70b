//! The property tests' players: proptest strategies for a room (size,
//! assigned roles, config) and for steps, and the reading of a step as one
//! command from one actor — mostly plausible play, some garbage.
#![allow(clippy::unwrap_used)]

use allssam_protocol::{
    CaseId, Charge, ConfigPatch, Favor, InfractionId, OfferId, OfferKind, Phase, PlayerId, Role,
    Verdict,
};
use proptest::prelude::*;
use serde_json::{Map, Value, json};

use super::testkit::pid;
use super::{Actor, Command, Game};

/// A room before the game: its seats, the roles the facilitator assigns,
/// the config patch and seed.
#[derive(Clone, Debug)]
pub(super) struct Setup {
    pub roles: Vec<Option<Role>>,
    pub patch: Map<String, Value>,
    pub seed: u64,
    /// Which seats are connected at start (bit i: seat i).
    pub connected: u16,
}

/// One random step, read against the game's state by [`command`].
#[derive(Clone, Debug)]
pub(super) struct Step {
    pub who: u8,
    pub what: u8,
    pub x: u16,
    pub y: u16,
    pub amt: i64,
    pub flag: bool,
    /// Milliseconds that pass before the step.
    pub dt: u16,
}

fn role() -> impl Strategy<Value = Option<Role>> {
    prop_oneof![
        8 => Just(None),
        1 => prop::sample::select(Role::ALL.to_vec()).prop_map(Some),
    ]
}

/// A config patch: short rounds and phases, small numbers so that limits,
/// thresholds, fines above a balance and harassment cuts all happen.
fn patch() -> impl Strategy<Value = Map<String, Value>> {
    let dealing = prop_oneof![1 => Just(0u32), 5 => 10u32..60];
    let others = prop::array::uniform3(prop_oneof![1 => Just(0u32), 5 => 2u32..20]);
    let phases = (dealing, others).prop_map(|(d, o)| [d, o[0], o[1], o[2]]);
    let balances = prop::array::uniform4(prop_oneof![1 => 1u64..60, 3 => 60u64..2000]);
    let small = (
        2u32..5,
        any::<bool>(),
        1u64..120,
        1u64..5,
        1u64..120,
        0u64..4,
        0u64..3,
        0u64..=100,
        0u64..=100,
        100u64..250,
        1u64..6,
        0u64..200,
    );
    let more = (0u64..60, 0u64..300, 0u64..120, 0u64..150, 0u64..80);
    (phases, balances, small, more).prop_map(|(ph, sb, s, m)| {
        let v = json!({
            "phase_seconds": {"dealing": ph[0], "accusation": ph[1],
                              "investigation": ph[2], "verdict": ph[3]},
            "starting_balance": {"secretary": sb[0], "manager": sb[1],
                                 "prosecutor": sb[2], "donju": sb[3]},
            "rounds": s.0, "strict_head": s.1, "tie_price": s.2,
            "rumor_threshold": s.3, "min_rent": s.4, "spaces_per_manager": s.5,
            "prison_rounds": s.6, "confiscation_percent": s.7,
            "harassment_percent": s.8, "conspicuous_percent": s.9,
            "max_open_offers": s.10, "false_accusation_fine": s.11,
            "salary": m.0, "production_income": m.1, "market_income": m.2,
            "vehicle_bonus": m.3, "facilities_bonus": m.4,
        });
        match v {
            Value::Object(map) => map,
            _ => Map::new(),
        }
    })
}

pub(super) fn setup() -> impl Strategy<Value = Setup> {
    (
        prop::collection::vec(role(), 4..=12),
        patch(),
        any::<u64>(),
        any::<u16>(),
    )
        .prop_map(|(roles, patch, seed, connected)| Setup {
            roles,
            patch,
            seed,
            connected,
        })
}

fn amount() -> impl Strategy<Value = i64> {
    prop_oneof![
        12 => 1i64..400,
        2 => 400i64..3000,
        1 => -5i64..=0,
        1 => Just(1_000_000_000i64),
        1 => Just(1_000_000_001i64),
        1 => Just(i64::MIN),
    ]
}

pub(super) fn step() -> impl Strategy<Value = Step> {
    (
        any::<u8>(),
        0u8..64,
        any::<u16>(),
        any::<u16>(),
        amount(),
        any::<bool>(),
        0u16..400,
    )
        .prop_map(|(who, what, x, y, amt, flag, dt)| Step {
            who,
            what,
            x,
            y,
            amt,
            flag,
            dt,
        })
}

/// Picks one of `items` by `k` (or `None` when empty).
fn nth<T: Copy>(items: &[T], k: u16) -> Option<T> {
    (!items.is_empty()).then(|| items[usize::from(k) % items.len()])
}

/// Reads `s` as one command from one actor against the state of `g`.
pub(super) fn command(g: &Game, s: &Step) -> (Actor, Command) {
    let ids = g.player_ids();
    let stranger = pid(10_000 + u128::from(s.y));
    let seat = |k: u16| nth(&ids, k).unwrap_or(stranger);
    let me = seat(u16::from(s.who));
    let other = if s.y.is_multiple_of(17) {
        stranger
    } else {
        seat(s.x)
    };
    let of_role = |r: Role| -> Vec<PlayerId> {
        g.players
            .iter()
            .filter(|p| p.role == Some(r))
            .map(|p| p.id)
            .collect()
    };
    let by = |r: Role, k: u16| nth(&of_role(r), k).unwrap_or(me);
    let cadre = |k: u16| {
        let c: Vec<PlayerId> = g
            .players
            .iter()
            .filter(|p| p.is_cadre())
            .map(|p| p.id)
            .collect();
        nth(&c, k).unwrap_or(me)
    };
    let player = |id: PlayerId| Actor::Player(id);
    let offers: Vec<OfferId> = g.offers.keys().copied().collect();
    let cases: Vec<CaseId> = g.cases.iter().map(|c| c.id).collect();
    let known = |who: PlayerId| -> Vec<InfractionId> {
        g.infractions
            .values()
            .filter(|i| i.knowers.contains(&who))
            .map(|i| i.id)
            .collect()
    };
    // Outside dealing, half the offers become what the phase is for.
    let what = match (g.phase, s.what) {
        (Phase::Accusation, 0..=15) if s.flag => 32,
        (Phase::Verdict, 0..=15) if s.flag => 39,
        (Phase::Investigation, 0..=15) if s.flag && s.x.is_multiple_of(2) => 38,
        _ => s.what,
    };
    match what {
        0..=15 => {
            let kind = OfferKind::ALL[usize::from(s.y) % OfferKind::ALL.len()];
            let (from, to) = if s.flag && s.what.is_multiple_of(3) {
                (me, other)
            } else {
                let late = matches!(g.phase, Phase::Investigation | Phase::Verdict);
                match kind {
                    OfferKind::PerDiem | OfferKind::Lease => {
                        (by(Role::Donju, s.x), by(Role::Manager, u16::from(s.who)))
                    }
                    OfferKind::Favor => (by(Role::Manager, s.x), by(Role::Donju, u16::from(s.who))),
                    OfferKind::Demand if late => (by(Role::Prosecutor, s.x), other),
                    OfferKind::Demand => (cadre(s.x), by(Role::Donju, u16::from(s.who))),
                    OfferKind::Bribe | OfferKind::Pact => (me, other),
                }
            };
            let amount = match kind {
                OfferKind::Favor | OfferKind::Pact if s.amt % 7 != 0 => None,
                _ if s.amt == 3 => None,
                _ => Some(s.amt),
            };
            let favor = match kind {
                OfferKind::Favor if s.x.is_multiple_of(9) => None,
                OfferKind::Favor => Some([Favor::Vehicle, Favor::Facilities][usize::from(s.y % 2)]),
                _ if s.x.is_multiple_of(23) => Some(Favor::Vehicle),
                _ => None,
            };
            let command = Command::Offer {
                to,
                kind,
                amount,
                favor,
            };
            (player(from), command)
        }
        16..=27 => match nth(&offers, s.x).and_then(|id| g.offers.get(&id)) {
            Some(o) if !s.what.is_multiple_of(6) => {
                let accept = s.flag || !s.y.is_multiple_of(3);
                let command = Command::Respond {
                    offer: o.id,
                    accept,
                };
                (
                    player(if s.y.is_multiple_of(11) { o.from } else { o.to }),
                    command,
                )
            }
            Some(o) => (
                player(if s.flag { o.from } else { me }),
                Command::Withdraw { offer: o.id },
            ),
            None if s.x.is_multiple_of(8) => (
                player(me),
                Command::Respond {
                    offer: OfferId(u32::from(s.x)),
                    accept: s.flag,
                },
            ),
            None => command(
                g,
                &Step {
                    what: s.what % 16,
                    ..s.clone()
                },
            ),
        },
        28..=30 => {
            let infraction = nth(&known(me), s.x).unwrap_or(InfractionId(u32::from(s.x)));
            (
                player(me),
                Command::Share {
                    infraction,
                    to: other,
                },
            )
        }
        31 => (
            player(if s.flag { by(Role::Secretary, 0) } else { me }),
            Command::Order,
        ),
        32..=37 => {
            let accuser = if s.flag { me } else { cadre(u16::from(s.who)) };
            let charge = Charge::ALL[usize::from(s.y) % Charge::ALL.len()];
            let bits = s.amt.unsigned_abs();
            let mut evidence: Vec<InfractionId> = g
                .infractions
                .values()
                .filter(|i| i.knowers.contains(&accuser) && i.parties.contains(&other))
                .map(|i| i.id)
                .enumerate()
                .filter(|(k, _)| bits >> (k % 64) & 1 == 1)
                .map(|(_, id)| id)
                .collect();
            if s.x.is_multiple_of(13) {
                evidence.push(InfractionId(u32::from(s.y)));
            }
            if s.x.is_multiple_of(19) {
                evidence.extend(evidence.first().copied());
            }
            let command = Command::Accuse {
                target: other,
                charge,
                evidence,
            };
            (player(accuser), command)
        }
        38 => {
            let case = nth(&cases, s.x).unwrap_or(CaseId(u32::from(s.x)));
            let accuser = g.cases.iter().find(|c| c.id == case).map(|c| c.accuser);
            let who = if s.flag { accuser.unwrap_or(me) } else { me };
            (player(who), Command::WithdrawCase { case })
        }
        39..=42 => {
            let case = nth(&cases, s.x).unwrap_or(CaseId(u32::from(s.x)));
            let verdict = if s.flag {
                Verdict::Guilty
            } else {
                Verdict::Acquit
            };
            (
                player(by(Role::Prosecutor, u16::from(s.who))),
                Command::Rule { case, verdict },
            )
        }
        43..=46 => (player(me), Command::Ready),
        47..=49 => (Actor::System, Command::Tick),
        50 => (Actor::System, Command::Connect { player: other }),
        51 => (Actor::System, Command::Disconnect { player: other }),
        52..=53 => {
            let text = match s.x % 5 {
                0 => String::new(),
                1 => "   ".to_string(),
                2 => "x".repeat(501),
                _ => format!("message {}", s.y),
            };
            let to = s.flag.then_some(other);
            let actor = if s.y.is_multiple_of(7) {
                Actor::Facilitator
            } else {
                player(me)
            };
            (actor, Command::Chat { text, to })
        }
        54..=55 => (Actor::Facilitator, facilitator(s, other)),
        56..=58 => garbage(s, me, other),
        59..=62 => match nth(&offers, s.y).and_then(|id| g.offers.get(&id)) {
            Some(o) => (
                player(o.to),
                Command::Respond {
                    offer: o.id,
                    accept: true,
                },
            ),
            None => command(
                g,
                &Step {
                    what: s.what % 16,
                    ..s.clone()
                },
            ),
        },
        _ => (Actor::Facilitator, Command::Advance),
    }
}

/// The facilitator's levers; kicks and early ends are rare.
fn facilitator(s: &Step, other: PlayerId) -> Command {
    match s.y % 64 {
        0..=14 => Command::Pause,
        15..=29 => Command::Unpause,
        30..=44 => Command::Advance,
        45 => Command::Kick { player: other },
        46 if s.x.is_multiple_of(4) => Command::End,
        47..=50 => Command::Start,
        51..=54 => {
            let mut map = Map::new();
            map.insert("rounds".into(), json!(s.amt));
            Command::Configure {
                config: ConfigPatch(map),
            }
        }
        55..=58 => Command::Assign {
            player: other,
            role: Role::ALL[usize::from(s.x) % Role::ALL.len()],
        },
        _ => Command::Tick,
    }
}

/// Commands from the wrong actor, about nothing, or out of place.
fn garbage(s: &Step, me: PlayerId, other: PlayerId) -> (Actor, Command) {
    let actor = match s.x % 4 {
        0 => Actor::System,
        1 => Actor::Facilitator,
        2 => Actor::Player(pid(777_777)),
        _ => Actor::Player(me),
    };
    let command = match s.y % 12 {
        0 => Command::Offer {
            to: other,
            kind: OfferKind::Bribe,
            amount: Some(s.amt),
            favor: None,
        },
        1 => Command::Ready,
        2 => Command::Start,
        3 => Command::Join {
            player: pid(u128::from(s.x)),
            name: format!("late{}", s.x),
        },
        4 => Command::Leave,
        5 => Command::Rule {
            case: CaseId(u32::from(s.x)),
            verdict: Verdict::Guilty,
        },
        6 => Command::WithdrawCase {
            case: CaseId(u32::from(s.x)),
        },
        7 => Command::Withdraw {
            offer: OfferId(u32::from(s.y)),
        },
        8 => Command::Share {
            infraction: InfractionId(u32::from(s.y)),
            to: other,
        },
        9 => Command::Accuse {
            target: me,
            charge: Charge::Embezzlement,
            evidence: Vec::new(),
        },
        10 => Command::Kick { player: other },
        _ => Command::Order,
    };
    (actor, command)
}
