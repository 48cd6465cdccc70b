//! What an accepted offer does (RULES.md §5 "on acceptance"): transfers,
//! ties, leases, favors, pacts and the infractions they record.

use allssam_protocol::{BalanceReason, InfractionKind, OfferKind, Phase, PlayerId};

use super::state::{FavorGrant, Game, Lease, Offer, Player, pair};
use super::visibility::Out;

impl Game {
    /// Carries out an accepted offer (its conditions were just checked).
    pub(super) fn exchange(&mut self, offer: &Offer, out: &mut Out) {
        let (from, to) = (offer.from, offer.to);
        let amount = offer.amount.unwrap_or(0);
        let one_is_cadre = [from, to]
            .iter()
            .any(|&id| self.player(id).is_some_and(Player::is_cadre));
        // RULES.md §5: a money exchange below `tie_price` records no
        // infraction and builds no tie.
        let in_law = amount >= self.config.tie_price;
        match offer.kind {
            OfferKind::Bribe => {
                self.pay_escrowed(from, to, amount, out);
                self.strengthen(from, to, self.gain(amount), out);
                if one_is_cadre && in_law {
                    self.record(InfractionKind::Bribery, [from, to], Some(amount), out);
                }
            }
            OfferKind::PerDiem => {
                self.pay_escrowed(from, to, amount, out);
                self.strengthen(from, to, self.gain(amount), out);
                if in_law {
                    self.record(
                        InfractionKind::IllicitPerDiem,
                        [from, to],
                        Some(amount),
                        out,
                    );
                }
            }
            OfferKind::Lease => {
                self.pay_escrowed(from, to, amount, out);
                let lease = Lease {
                    donju: from,
                    manager: to,
                    rent: amount,
                };
                self.ev_lease(out, &lease, true);
                self.leases.push(lease);
                self.strengthen(from, to, 1, out);
                if !self.order_in_force() {
                    self.record(InfractionKind::IllegalLease, [from, to], Some(amount), out);
                }
            }
            OfferKind::Favor => {
                if let Some(favor) = offer.favor {
                    self.favors.push(FavorGrant {
                        round: self.round,
                        manager: from,
                        donju: to,
                        favor,
                    });
                }
                self.strengthen(from, to, 1, out);
                self.record(InfractionKind::AbuseOfAuthority, [from, to], None, out);
            }
            OfferKind::Demand => {
                // The recipient pays the sender.
                self.move_money(to, from, amount);
                self.ev_balance(out, to, BalanceReason::Paid);
                self.ev_balance(out, from, BalanceReason::Received);
                self.strengthen(to, from, self.gain(amount), out);
                if in_law {
                    let kind = if offer.phase == Phase::Dealing {
                        InfractionKind::Extortion
                    } else {
                        InfractionKind::Bribery
                    };
                    // Payer first, then the cadre who demanded.
                    self.record(kind, [to, from], Some(amount), out);
                }
            }
            OfferKind::Pact => {
                self.pacts.push(pair(from, to));
                self.strengthen(from, to, 2, out);
            }
        }
    }

    /// Transfers escrowed money: it leaves the sender's balance and escrow.
    fn pay_escrowed(&mut self, from: PlayerId, to: PlayerId, amount: u64, out: &mut Out) {
        if let Some(p) = self.player_mut(from) {
            p.escrow -= amount;
        }
        self.move_money(from, to, amount);
        self.ev_balance(out, from, BalanceReason::Paid);
        self.ev_balance(out, to, BalanceReason::Received);
    }
}
