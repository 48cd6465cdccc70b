//! The random strategy: any action a player could try now, picked by the
//! seeded rng — for testing the server's refusals and for load.

use allssam_protocol::{Charge, ClientMessage, Favor, OfferKind, Phase, PlayerId, Verdict};
use rand::Rng;
use rand::seq::IndexedRandom;
use rand_chacha::ChaCha8Rng;

use super::{Action, Memory, Strategy, act, answer, can_act};
use crate::state::State;

/// Picks uniformly among plausible actions; says `ready` about one time in eight.
pub struct Random;

impl Strategy for Random {
    fn next(&self, s: &State, m: &Memory, rng: &mut ChaCha8Rng) -> Option<Action> {
        if !can_act(s) {
            return None;
        }
        let me = s.me()?;
        let others: Vec<PlayerId> = s
            .view
            .players
            .iter()
            .map(|p| p.id)
            .filter(|id| *id != me)
            .collect();
        let to = *others.choose(rng)?;
        let amount = rng.random_range(1..=4) * s.view.config.tie_price.max(1);
        // A serial number makes each random act its own key.
        let n = rng.random::<u32>();
        let pick = rng.random_range(0..10);
        let action = match pick {
            0 => {
                let kind = *OfferKind::ALL.choose(rng)?;
                let favor = (kind == OfferKind::Favor)
                    .then(|| *Favor::ALL.choose(rng).unwrap_or(&Favor::Vehicle));
                let amount =
                    (kind != OfferKind::Favor && kind != OfferKind::Pact).then_some(amount as i64);
                act(
                    s,
                    &format!("offer:{n}"),
                    ClientMessage::Offer {
                        to,
                        kind,
                        amount,
                        favor,
                    },
                )
            }
            1 | 2 => {
                let offer = *s.offers_to_me().choose(rng)?;
                answer(s, offer, rng.random_bool(0.5))
            }
            3 => {
                let offer = *s.offers_from_me().choose(rng)?;
                act(
                    s,
                    &format!("withdraw:{}", offer.id),
                    ClientMessage::Withdraw { offer: offer.id },
                )
            }
            4 => {
                let inf = s.view.infractions.choose(rng)?;
                act(
                    s,
                    &format!("share:{n}"),
                    ClientMessage::Share {
                        infraction: inf.id,
                        to,
                    },
                )
            }
            5 => {
                let charge = *Charge::ALL.choose(rng)?;
                let evidence = if charge.takes_evidence() {
                    s.view
                        .infractions
                        .iter()
                        .filter(|i| i.parties.contains(&to))
                        .map(|i| i.id)
                        .take(2)
                        .collect()
                } else {
                    vec![]
                };
                act(
                    s,
                    "accuse",
                    ClientMessage::Accuse {
                        target: to,
                        charge,
                        evidence,
                    },
                )
            }
            6 => {
                let case = s.view.cases.choose(rng)?;
                let message = match s.view.phase {
                    Phase::Investigation => ClientMessage::WithdrawCase { case: case.id },
                    _ => ClientMessage::Rule {
                        case: case.id,
                        verdict: *Verdict::ALL.choose(rng)?,
                    },
                };
                act(s, &format!("case:{n}"), message)
            }
            7 => act(s, "order", ClientMessage::Order),
            8 => act(
                s,
                &format!("chat:{n}"),
                ClientMessage::Chat {
                    text: format!("a word from a bot ({n})"),
                    to: rng.random_bool(0.5).then_some(to),
                },
            ),
            _ => act(s, "ready", ClientMessage::Ready),
        };
        (!m.did(&action.key)).then_some(action)
    }
}
