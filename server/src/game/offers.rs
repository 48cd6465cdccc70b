//! Offers (RULES.md §5): making one (with escrow), answering, withdrawing,
//! expiry at the end of the phase, and withdrawing those that can no longer
//! be accepted.

use allssam_protocol::{
    AMOUNT_RANGE, BalanceReason, ErrorCode, Event, Favor, OfferId, OfferKind, Phase, PlayerId,
};

use super::Refusal;
use super::state::{Game, Offer, Sent, refuse};
use super::visibility::Out;

impl Game {
    /// Makes an offer; escrows the money it would pay (RULES.md §2).
    #[allow(clippy::too_many_arguments)]
    pub(super) fn make_offer(
        &mut self,
        from: PlayerId,
        to: PlayerId,
        kind: OfferKind,
        amount: Option<i64>,
        favor: Option<Favor>,
        now: u64,
        out: &mut Out,
    ) -> Result<OfferId, Refusal> {
        let late = matches!(self.phase, Phase::Investigation | Phase::Verdict)
            && matches!(kind, OfferKind::Bribe | OfferKind::Demand);
        if !late {
            self.require_phase(Phase::Dealing, &format!("offer a {kind}"), now)?;
        }
        let amount = self.offer_amount(kind, amount, favor)?;
        self.offer_conditions(from, to, kind, favor)?;
        let open = self.offers.values().filter(|o| o.from == from).count() as u64;
        if open >= self.config.max_open_offers {
            return refuse(
                ErrorCode::LimitReached,
                format!(
                    "You have {open} offers open, the most allowed; withdraw one or wait for answers."
                ),
            );
        }
        if kind == OfferKind::Demand && self.phase == Phase::Dealing {
            let round = self.round;
            if self
                .demands
                .iter()
                .any(|d| d.round == round && d.from == from && d.to == to)
            {
                return refuse(
                    ErrorCode::LimitReached,
                    format!(
                        "You have made your one demand to {} this round.",
                        self.name(to)
                    ),
                );
            }
        }
        let offer = Offer {
            id: OfferId(0),
            from,
            to,
            kind,
            amount,
            favor: if kind == OfferKind::Favor {
                favor
            } else {
                None
            },
            round: self.round,
            phase: self.phase,
        };
        let escrow = offer.escrow();
        let available = self.player(from).map_or(0, |p| p.available());
        if escrow > available {
            return refuse(
                ErrorCode::InsufficientFunds,
                format!("You have {available} won available; this offer needs {escrow}."),
            );
        }
        // Checked: from here on nothing can refuse.
        let id = OfferId(self.fresh_id());
        let offer = Offer { id, ..offer };
        if kind == OfferKind::Demand && self.phase == Phase::Dealing {
            self.demands.push(Sent {
                round: self.round,
                from,
                to,
            });
        }
        self.ev_offer(out, &offer, |o| Event::OfferMade { offer: o.info() });
        if escrow > 0 {
            if let Some(p) = self.player_mut(from) {
                p.escrow += escrow;
            }
            self.ev_balance(out, from, BalanceReason::Escrow);
        }
        self.offers.insert(id, offer);
        Ok(id)
    }

    /// The amount an offer names: required (1 to 1,000,000,000) for money
    /// kinds, at least `min_rent` for a lease, absent for favors and pacts.
    fn offer_amount(
        &self,
        kind: OfferKind,
        amount: Option<i64>,
        favor: Option<Favor>,
    ) -> Result<Option<u64>, Refusal> {
        if favor.is_some() && kind != OfferKind::Favor {
            return refuse(
                ErrorCode::InvalidAmount,
                "Only a favor offer names a favor.",
            );
        }
        match (kind, amount) {
            (OfferKind::Favor | OfferKind::Pact, None) => Ok(None),
            (OfferKind::Favor | OfferKind::Pact, Some(_)) => refuse(
                ErrorCode::InvalidAmount,
                format!("A {kind} carries no money."),
            ),
            (_, None) => refuse(
                ErrorCode::InvalidAmount,
                format!("A {kind} needs an amount."),
            ),
            (_, Some(a)) if !AMOUNT_RANGE.contains(&a) => refuse(
                ErrorCode::InvalidAmount,
                "An amount is a whole number from 1 to 1,000,000,000 won.",
            ),
            (OfferKind::Lease, Some(a)) if (a as u64) < self.config.min_rent => refuse(
                ErrorCode::InvalidAmount,
                format!("The rent must be at least {} won.", self.config.min_rent),
            ),
            (_, Some(a)) => Ok(Some(a as u64)),
        }
    }

    /// The recipient accepts or rejects (RULES.md §5).
    pub(super) fn respond(
        &mut self,
        me: PlayerId,
        id: OfferId,
        accept: bool,
        out: &mut Out,
    ) -> Result<(), Refusal> {
        let Some(offer) = self.offers.get(&id).filter(|o| o.to == me).cloned() else {
            return refuse(
                ErrorCode::UnknownOffer,
                format!("You have no offer {id} to answer."),
            );
        };
        if !accept {
            self.offers.remove(&id);
            self.ev_offer(out, &offer, |o| Event::OfferAnswered {
                offer: o.info(),
                accepted: false,
            });
            self.release(&offer, out);
            self.note_harassment(&offer);
            return Ok(());
        }
        self.offer_conditions(offer.from, offer.to, offer.kind, offer.favor)?;
        if offer.kind == OfferKind::Demand {
            let amount = offer.amount.unwrap_or(0);
            let available = self.player(me).map_or(0, |p| p.available());
            if amount > available {
                return refuse(
                    ErrorCode::InsufficientFunds,
                    format!("You have {available} won available; the demand is {amount}."),
                );
            }
        }
        // Checked: from here on nothing can refuse.
        self.offers.remove(&id);
        self.ev_offer(out, &offer, |o| Event::OfferAnswered {
            offer: o.info(),
            accepted: true,
        });
        self.exchange(&offer, out);
        self.sweep_offers(out);
        Ok(())
    }

    /// The sender withdraws an open offer; no harassment follows.
    pub(super) fn withdraw_offer(
        &mut self,
        me: PlayerId,
        id: OfferId,
        out: &mut Out,
    ) -> Result<(), Refusal> {
        let Some(offer) = self.offers.get(&id).filter(|o| o.from == me).cloned() else {
            return refuse(
                ErrorCode::UnknownOffer,
                format!("You have no offer {id} to withdraw."),
            );
        };
        self.offers.remove(&id);
        self.ev_offer(out, &offer, |o| Event::OfferWithdrawn { offer: o.info() });
        self.release(&offer, out);
        Ok(())
    }

    /// Every open offer expires at the end of its phase.
    pub(super) fn expire_offers(&mut self, out: &mut Out) {
        for (_, offer) in std::mem::take(&mut self.offers) {
            self.ev_offer(out, &offer, |o| Event::OfferExpired { offer: o.info() });
            self.release(&offer, out);
            self.note_harassment(&offer);
        }
    }

    /// RULES.md §5: an offer that can no longer be accepted is withdrawn at
    /// once, its escrow released.
    pub(super) fn sweep_offers(&mut self, out: &mut Out) {
        let dead: Vec<OfferId> = self
            .offers
            .values()
            .filter(|o| {
                self.offer_conditions(o.from, o.to, o.kind, o.favor)
                    .is_err()
            })
            .map(|o| o.id)
            .collect();
        for id in dead {
            if let Some(offer) = self.offers.remove(&id) {
                self.ev_offer(out, &offer, |o| Event::OfferWithdrawn { offer: o.info() });
                self.release(&offer, out);
            }
        }
    }

    /// Gives back what the offer escrowed.
    fn release(&mut self, offer: &Offer, out: &mut Out) {
        let escrow = offer.escrow();
        if escrow == 0 {
            return;
        }
        if let Some(p) = self.player_mut(offer.from) {
            p.escrow -= escrow;
        }
        self.ev_balance(out, offer.from, BalanceReason::Release);
    }

    /// A dealing demand rejected or expired is a harassment due at the next
    /// market (RULES.md §5).
    fn note_harassment(&mut self, offer: &Offer) {
        if offer.kind == OfferKind::Demand && offer.phase == Phase::Dealing {
            self.harassments.push(Sent {
                round: offer.round,
                from: offer.from,
                to: offer.to,
            });
        }
    }
}
