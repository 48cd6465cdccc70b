//! The market that opens each round (RULES.md §4): releases, salaries,
//! income with favors and harassments, rents, and the decay of ties.

use std::collections::BTreeMap;

use allssam_protocol::{Favor, InfractionKind, MarketReport, PlayerId, Status};

use super::state::Game;
use super::visibility::{Out, Update};

impl Game {
    /// Settles the month of `self.round`, in the order of RULES.md §4.
    /// Returns each player's report; the visible effects go to `effects`
    /// (no `balance_changed`: the report carries the money).
    pub(super) fn market(&mut self, effects: &mut Out) -> Vec<(PlayerId, MarketReport)> {
        let mut reports: BTreeMap<PlayerId, MarketReport> = self
            .players
            .iter()
            .map(|p| (p.id, MarketReport::default()))
            .collect();
        self.release_prisoners(&mut reports, effects);
        self.pay_salaries(&mut reports);
        self.pay_income(&mut reports);
        self.collect_rents(&mut reports, effects);
        self.decay_ties(effects);
        // Favors and harassments of the previous round are settled.
        let previous = self.round.saturating_sub(1);
        self.favors.retain(|f| f.round > previous);
        self.harassments.retain(|h| h.round > previous);
        self.players
            .iter()
            .map(|p| (p.id, reports.remove(&p.id).unwrap_or_default()))
            .collect()
    }

    /// Step 1: prisoners whose term ends this round are released.
    fn release_prisoners(&mut self, reports: &mut BTreeMap<PlayerId, MarketReport>, out: &mut Out) {
        let round = self.round;
        for p in &mut self.players {
            if p.status == Status::Imprisoned && p.until_round.is_some_and(|r| r <= round) {
                p.status = Status::Free;
                p.until_round = None;
                if let Some(r) = reports.get_mut(&p.id) {
                    r.released = true;
                }
                Update {
                    status: Some(Status::Free),
                    ..Update::default()
                }
                .emit(out, p.id);
            }
        }
    }

    /// Step 2: every cadre not dismissed receives the salary.
    fn pay_salaries(&mut self, reports: &mut BTreeMap<PlayerId, MarketReport>) {
        let salary = self.config.salary;
        for p in &mut self.players {
            if p.is_cadre() && p.status == Status::Free {
                p.balance += salary;
                self.totals.salaries += salary;
                if let Some(r) = reports.get_mut(&p.id) {
                    r.salary = salary;
                }
            }
        }
    }

    /// Step 3: every donju at liberty earns production or market income,
    /// plus last round's favor bonuses, minus `harassment_percent` of the
    /// whole per harassment due (linear, rounded down, down to 0).
    fn pay_income(&mut self, reports: &mut BTreeMap<PlayerId, MarketReport>) {
        let previous = self.round.saturating_sub(1);
        let c = &self.config;
        let mut pay = Vec::new();
        for p in self
            .players
            .iter()
            .filter(|p| p.is_donju() && p.at_liberty())
        {
            let base = if self.lease_of_donju(p.id).is_some() {
                c.production_income
            } else {
                c.market_income
            };
            let bonus: u64 = self
                .favors
                .iter()
                .filter(|f| f.round == previous && f.donju == p.id)
                .map(|f| match f.favor {
                    Favor::Vehicle => c.vehicle_bonus,
                    Favor::Facilities => c.facilities_bonus,
                })
                .sum();
            // Due only if the demand's sender is still a free cadre.
            let due = self
                .harassments
                .iter()
                .filter(|h| h.round == previous && h.to == p.id)
                .filter(|h| {
                    self.player(h.from)
                        .is_some_and(|s| s.is_cadre() && s.status == Status::Free)
                })
                .count() as u64;
            let whole = base + bonus;
            let cut = (u128::from(whole) * u128::from(c.harassment_percent) * u128::from(due) / 100)
                .min(u128::from(whole)) as u64;
            pay.push((p.id, whole - cut, due, cut));
        }
        for (id, income, due, cut) in pay {
            if let Some(p) = self.player_mut(id) {
                p.balance += income;
            }
            self.totals.income += income;
            if let Some(r) = reports.get_mut(&id) {
                r.income = income;
                r.harassments = due as u32;
                r.harassment_cut = cut;
            }
        }
    }

    /// Step 4: each lease pays its rent, donju to manager (+1 tie); a donju
    /// who cannot pay loses the lease. Without last round's order, each
    /// payment is `illegal_lease_income`.
    fn collect_rents(&mut self, reports: &mut BTreeMap<PlayerId, MarketReport>, out: &mut Out) {
        let legal = self.orders.contains(&self.round.saturating_sub(1));
        for lease in std::mem::take(&mut self.leases) {
            let can_pay = self
                .player(lease.donju)
                .is_some_and(|p| p.available() >= lease.rent);
            if !can_pay {
                self.ev_lease(out, &lease, false);
                continue;
            }
            self.move_money(lease.donju, lease.manager, lease.rent);
            if let Some(r) = reports.get_mut(&lease.donju) {
                r.rent_paid += lease.rent;
            }
            if let Some(r) = reports.get_mut(&lease.manager) {
                r.rent_received += lease.rent;
            }
            self.strengthen(lease.donju, lease.manager, 1, out);
            if !legal {
                let parties = [lease.donju, lease.manager];
                self.record(
                    InfractionKind::IllegalLeaseIncome,
                    parties,
                    Some(lease.rent),
                    out,
                );
            }
            self.leases.push(lease);
        }
    }

    /// Moves `amount` from one balance to another (no escrow involved).
    pub(super) fn move_money(&mut self, from: PlayerId, to: PlayerId, amount: u64) {
        if let Some(p) = self.player_mut(from) {
            p.balance -= amount;
        }
        if let Some(p) = self.player_mut(to) {
            p.balance += amount;
        }
    }
}
