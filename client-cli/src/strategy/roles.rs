//! The sensible strategy, one way of playing per role: an honest secretary,
//! a dealing manager, a prosecutor who rules with his ties, and donju who
//! spread money to stay protected (RULES.md §§5–8 are the levers used).

use allssam_protocol::{
    Charge, ClientMessage, Favor, OfferKind, Phase, PlayerId, Role, WealthTier,
};
use rand::Rng;
use rand_chacha::ChaCha8Rng;

use super::levers::{
    accuse, accuse_with_evidence, available, counter_accusation, defend, hearing, offer,
    paid_withdrawal, ruling_by_ties,
};
use super::{Action, Memory, Strategy, act, answer, can_act, free_with_role, ready_when_quiet};
use crate::state::State;

/// Plays the role it was given, sensibly (see the module comment).
pub struct Sensible;

impl Strategy for Sensible {
    fn next(&self, s: &State, m: &Memory, rng: &mut ChaCha8Rng) -> Option<Action> {
        if !can_act(s) {
            return None;
        }
        let role = s.my_role()?;
        respond(s, m, role)
            .or_else(|| match role {
                Role::Secretary => secretary(s, m),
                Role::Manager => manager(s, m, rng),
                Role::Prosecutor => prosecutor(s, m),
                Role::Donju => donju(s, m),
            })
            .filter(|a| !m.did(&a.key))
            .or_else(|| ready_when_quiet(s, m))
    }
}

fn tie_price(s: &State) -> u64 {
    s.view.config.tie_price.max(1)
}

/// First of `actions` not yet done.
fn first_new(m: &Memory, actions: impl IntoIterator<Item = Action>) -> Option<Action> {
    actions.into_iter().find(|a| !m.did(&a.key))
}

/// Answers offers made to us: money and pacts are welcome; a lease only with
/// a free space; a demand is paid while it is affordable (a refused dealing
/// demand costs a harassment, RULES.md §5).
fn respond(s: &State, m: &Memory, role: Role) -> Option<Action> {
    let spaces = s.view.config.spaces_per_manager;
    let my_leases = s
        .view
        .leases
        .iter()
        .filter(|l| Some(l.manager) == s.me())
        .count() as u64;
    let answers = s.offers_to_me().into_iter().map(|o| {
        let accept = match o.kind {
            OfferKind::Lease => role == Role::Manager && my_leases < spaces,
            // A hoarder pays nobody (and takes the harassment, RULES.md §5).
            OfferKind::Demand => !is_hoarder(s) && o.amount.is_some_and(|a| a <= available(s) / 2),
            OfferKind::Bribe | OfferKind::PerDiem | OfferKind::Favor | OfferKind::Pact => true,
        };
        answer(s, o, accept)
    });
    first_new(m, answers.collect::<Vec<_>>())
}

/// The honest secretary: sells or withholds the order, trades evidence to
/// the prosecutors, demands, and accuses only with evidence (RULES.md §§5, 7).
fn secretary(s: &State, m: &Memory) -> Option<Action> {
    let tp = tie_price(s);
    let mut todo = Vec::new();
    match s.view.phase {
        Phase::Dealing => {
            // The order is for sale: issued only once someone paid for it this round.
            let paid = s
                .view
                .players
                .iter()
                .any(|p| m.received_this_round(s, p.id) >= 2 * tp);
            if paid && !s.view.order_in_force {
                todo.push(act(s, "order", ClientMessage::Order));
            }
            for p in free_with_role(s, Role::Prosecutor) {
                if s.tie_with(p) == 0 {
                    todo.push(offer(s, "pact", p, OfferKind::Pact, None));
                }
                for inf in &s.view.infractions {
                    if !inf.parties.contains(&p)
                        && !s.cited(inf.id)
                        && !s.me().is_some_and(|me| inf.parties.contains(&me))
                    {
                        todo.push(act(
                            s,
                            &format!("share:{}:{p}", inf.id),
                            ClientMessage::Share {
                                infraction: inf.id,
                                to: p,
                            },
                        ));
                    }
                }
            }
            if let Some(d) = richest_donju(s) {
                todo.push(offer(s, "demand", d, OfferKind::Demand, Some(2 * tp)));
            }
        }
        Phase::Accusation => {
            // He fears being eclipsed: a conspicuous donju is charged first
            // (anti-socialist takes no evidence, RULES.md §7), then evidence.
            let rich = s.view.players.iter().find(|p| {
                p.role == Some(Role::Donju)
                    && p.wealth_tier == WealthTier::Conspicuous
                    && s.at_liberty(p.id)
            });
            if let Some(p) = rich {
                todo.push(accuse(s, p.id, Charge::AntiSocialist, vec![]));
            }
            todo.extend(accuse_with_evidence(s));
        }
        Phase::Investigation => todo.extend(paid_withdrawal(s, m, 3 * tp)),
        _ => {}
    }
    first_new(m, todo)
}

/// The manager: leases and favors to his donju, ties to the prosecutors,
/// the order bought on even rounds, anti-socialist charges against a
/// conspicuous donju, counter-accusations when tipped off.
fn manager(s: &State, m: &Memory, rng: &mut ChaCha8Rng) -> Option<Action> {
    let tp = tie_price(s);
    let me = s.me()?;
    let mut todo = Vec::new();
    match s.view.phase {
        Phase::Dealing => {
            let clients: Vec<PlayerId> = free_with_role(s, Role::Donju)
                .into_iter()
                .filter(|d| s.tie_with(*d) > 0)
                .collect();
            for (i, d) in clients.iter().take(2).enumerate() {
                let favor = if i == 0 {
                    Favor::Vehicle
                } else {
                    Favor::Facilities
                };
                todo.push(act(
                    s,
                    &format!("favor:{d}"),
                    ClientMessage::Offer {
                        to: *d,
                        kind: OfferKind::Favor,
                        amount: None,
                        favor: Some(favor),
                    },
                ));
            }
            for p in free_with_role(s, Role::Prosecutor) {
                // A declared pact; money goes to the office only once in a case.
                if s.tie_with(p) == 0 {
                    todo.push(offer(s, "pact", p, OfferKind::Pact, None));
                }
            }
            if s.view.round.is_multiple_of(2)
                && !s.view.order_in_force
                && available(s) > 2 * tp
                && let Some(sec) = free_with_role(s, Role::Secretary).first()
            {
                todo.push(offer(s, "buy_order", *sec, OfferKind::Bribe, Some(2 * tp)));
            }
            let strangers: Vec<PlayerId> = free_with_role(s, Role::Donju)
                .into_iter()
                .filter(|d| s.tie_with(*d) == 0)
                .collect();
            if !strangers.is_empty() {
                let d = strangers[rng.random_range(0..strangers.len())];
                todo.push(offer(s, "demand", d, OfferKind::Demand, Some(tp)));
            }
        }
        Phase::Accusation => {
            todo.extend(counter_accusation(s));
            let target = s.view.players.iter().find(|p| {
                p.role == Some(Role::Donju)
                    && p.wealth_tier == WealthTier::Conspicuous
                    && s.at_liberty(p.id)
                    && s.tie_with(p.id) < 2
            });
            if let Some(p) = target {
                todo.push(accuse(s, p.id, Charge::AntiSocialist, vec![]));
            }
        }
        Phase::Investigation | Phase::Verdict => {
            if s.view.phase == Phase::Investigation {
                todo.extend(paid_withdrawal(s, m, 2 * tp));
            }
            todo.extend(defend(s, me, 2 * tp));
        }
        _ => {}
    }
    first_new(m, todo)
}

/// The prosecutor: demands in dealing, accuses with evidence he was given,
/// solicits the parties of his cases, rules with his ties (RULES.md §8.1).
fn prosecutor(s: &State, m: &Memory) -> Option<Action> {
    let tp = tie_price(s);
    let me = s.me()?;
    let mut todo = Vec::new();
    match s.view.phase {
        Phase::Dealing => {
            if let Some(d) = richest_donju(s) {
                todo.push(offer(s, "demand", d, OfferKind::Demand, Some(2 * tp)));
            }
        }
        Phase::Accusation => todo.extend(accuse_with_evidence(s)),
        Phase::Investigation => {
            for c in hearing(s, me) {
                for party in [c.accused, c.accuser] {
                    todo.push(offer(
                        s,
                        &format!("solicit:{}", c.id),
                        party,
                        OfferKind::Demand,
                        Some(2 * tp),
                    ));
                }
            }
        }
        Phase::Verdict => {
            for c in hearing(s, me) {
                if c.your_ruling.is_none() {
                    todo.push(act(
                        s,
                        &format!("rule:{}", c.id),
                        ClientMessage::Rule {
                            case: c.id,
                            verdict: ruling_by_ties(s, c),
                        },
                    ));
                }
            }
        }
        _ => {}
    }
    first_new(m, todo)
}

/// A donju: a lease, per diem to his manager, bribes and pacts with the
/// prosecutors to stay protected; the last donju in seat order hoards instead
/// (and grows conspicuous). In a case, he pays the office and the accuser.
fn donju(s: &State, m: &Memory) -> Option<Action> {
    let tp = tie_price(s);
    let me = s.me()?;
    let hoarder = is_hoarder(s);
    let mut todo = Vec::new();
    match s.view.phase {
        Phase::Dealing => {
            let rent = s.view.config.min_rent + tp / 5;
            let has_lease = s.view.leases.iter().any(|l| l.donju == me);
            if !has_lease && available(s) >= rent {
                let spaces = s.view.config.spaces_per_manager;
                let manager = free_with_role(s, Role::Manager).into_iter().find(|mgr| {
                    (s.view.leases.iter().filter(|l| l.manager == *mgr).count() as u64) < spaces
                });
                if let Some(mgr) = manager {
                    todo.push(offer(s, "lease", mgr, OfferKind::Lease, Some(rent)));
                }
            }
            if !hoarder {
                for mgr in s.view.leases.iter().filter(|l| l.donju == me) {
                    todo.push(offer(
                        s,
                        "per_diem",
                        mgr.manager,
                        OfferKind::PerDiem,
                        Some(tp),
                    ));
                }
                for p in free_with_role(s, Role::Prosecutor) {
                    if s.tie_with(p) == 0 {
                        todo.push(offer(s, "pact", p, OfferKind::Pact, None));
                    } else if s.tie_with(p) < 3 && available(s) > 8 * tp {
                        todo.push(offer(s, "bribe", p, OfferKind::Bribe, Some(2 * tp)));
                    }
                }
            }
        }
        Phase::Investigation | Phase::Verdict => todo.extend(defend(s, me, 2 * tp)),
        _ => {}
    }
    first_new(m, todo)
}

/// Are we the hoarder: the last donju in seat order, who buys no ties and
/// pays no demands, and so grows conspicuous (RULES.md §2)?
fn is_hoarder(s: &State) -> bool {
    let Some(me) = s.me() else { return false };
    let seat = |id: PlayerId| s.view.players.iter().position(|p| p.id == id);
    s.my_role() == Some(Role::Donju)
        && s.view
            .players
            .iter()
            .rfind(|p| p.role == Some(Role::Donju))
            .is_none_or(|last| seat(last.id) <= seat(me))
}

/// The donju at liberty with the highest wealth tier (the first seated on ties).
fn richest_donju(s: &State) -> Option<PlayerId> {
    free_with_role(s, Role::Donju)
        .into_iter()
        .min_by_key(|d| std::cmp::Reverse(s.player(*d).map(|p| p.wealth_tier)))
}
