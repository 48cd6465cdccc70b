//! The two long texts: the status panel a player reads at a glance, and the
//! debrief summary at the end of a game.

use std::fmt::Write as _;

use allssam_protocol::{CaseInfo, SentenceKind, Status, TieInfo};

use crate::describe::{case_line, offer, phase_line, until};
use crate::state::State;

/// The status panel: everything a player needs at a glance — the phase and
/// its countdown, money, the table, ties, open offers, known infractions and
/// cases, each under a heading that says how to act on it.
pub fn status(s: &State) -> String {
    let v = &s.view;
    let mut out = format!("━━ {} ━━\n", phase_line(s));
    let lobby = v.phase == allssam_protocol::Phase::Lobby;
    if let (Some(you), true) = (&v.you, lobby) {
        let _ = writeln!(
            out,
            "You: {} — roles and money are dealt when the facilitator starts the game",
            s.name(you.player_id)
        );
    } else if let Some(you) = &v.you {
        let role = you.role.map_or("no role yet".into(), |r| r.to_string());
        let held = you.balance.saturating_sub(you.available);
        let held = if held > 0 {
            format!(" ({held} held for your open offers)")
        } else {
            String::new()
        };
        let _ = writeln!(
            out,
            "You: {}, {role}, {} — balance {} won, available {}{held}",
            s.name(you.player_id),
            you.status,
            you.balance,
            you.available
        );
        if let Some(l) = &you.lease {
            let _ = writeln!(
                out,
                "Lease: {} rents from {}, {} won a month",
                s.name(l.donju),
                s.name(l.manager),
                l.rent.map_or("?".into(), |r| r.to_string())
            );
        }
    }
    out.push_str("Table:\n");
    for p in &v.players {
        let role = p.role.map_or("-".into(), |r| r.to_string());
        let mut notes = Vec::new();
        if !lobby {
            notes.push(p.wealth_tier.to_string());
        }
        if p.status != Status::Free {
            notes.push(match (p.status, p.until_round) {
                (Status::Imprisoned, round) => format!("{} {}", p.status, until(s, round)),
                _ => p.status.to_string(),
            });
        }
        if !p.connected {
            notes.push("away".into());
        }
        if p.ready {
            notes.push("ready".into());
        }
        if let (Some(b), None) = (p.balance, &v.you) {
            notes.push(format!("{b} won"));
        }
        let mut notes = notes.join(", ");
        if s.me() == Some(p.id) {
            // A mark on the row, not one of its notes: no comma before it.
            notes = format!("{notes} (you)").trim_start().to_string();
        }
        let _ = writeln!(out, "  {:<14} {:<11} {notes}", p.name, role);
    }
    let ties: Vec<String> = v
        .ties
        .iter()
        .map(|t| match t {
            TieInfo::Mine { with, strength } => format!("{} {strength}", s.name(*with)),
            TieInfo::Pair { a, b, strength } => format!("{}–{} {strength}", s.name(*a), s.name(*b)),
        })
        .collect();
    let heading = if v.you.is_some() { "Your ties" } else { "Ties" };
    let _ = writeln!(out, "{heading}: {}", none_or(&ties));
    if !v.rumors.is_empty() {
        let rumors: Vec<String> = v
            .rumors
            .iter()
            .map(|r| format!("{}–{}", s.name(r.a), s.name(r.b)))
            .collect();
        let _ = writeln!(out, "Rumors: {}", rumors.join(", "));
    }
    if v.order_in_force {
        out.push_str("The extra-earnings order is in force this round: leases are legal.\n");
    }
    if v.offers.is_empty() {
        out.push_str("Open offers: none\n");
    } else {
        out.push_str("Open offers (`accept N`, `reject N`; yours: `withdraw N`):\n");
        for o in &v.offers {
            let _ = writeln!(out, "  {}", offer(s, o));
        }
    }
    if !v.infractions.is_empty() {
        let heading = if v.you.is_some() {
            "Infractions you know (cite or `share` them by number)"
        } else {
            "Infractions"
        };
        let _ = writeln!(out, "{heading}:");
        for i in &v.infractions {
            let label = s.infraction_label(i.id).unwrap_or(0);
            let spent = if s.cited(i.id) { " (cited)" } else { "" };
            let _ = writeln!(
                out,
                "  [infraction {label}] {} {}–{}, round {}{spent}",
                i.kind.as_str().replace('_', " "),
                s.name(i.parties[0]),
                s.name(i.parties[1]),
                i.round
            );
        }
    }
    if !v.cases.is_empty() {
        out.push_str("Cases:\n");
        for c in by_number(&v.cases) {
            let _ = writeln!(out, "  {}", case_line(s, c));
        }
    }
    out
}

/// Cases in the order of their public numbers: the view holds them in the
/// order this client heard of them, which a snapshot or a tip-off can mix.
fn by_number(cases: &[CaseInfo]) -> Vec<&CaseInfo> {
    let mut sorted: Vec<&CaseInfo> = cases.iter().collect();
    sorted.sort_by_key(|c| c.id);
    sorted
}

fn none_or(items: &[String]) -> String {
    if items.is_empty() {
        "none".into()
    } else {
        items.join(", ")
    }
}

/// The end-of-game summary: scores, verdicts against the evidence, shrimp count.
pub fn debrief(s: &State) -> String {
    let v = &s.view;
    let mut out = String::from("══════ DEBRIEF ══════\n");
    if let Some(scores) = &v.scores {
        let mut scores = scores.clone();
        scores.sort_by_key(|s| std::cmp::Reverse(s.score));
        for sc in scores {
            let best = if sc.best {
                format!("  ★ best {}", sc.role)
            } else {
                String::new()
            };
            let _ = writeln!(
                out,
                "{:>8} won  {} ({}){best}",
                sc.score,
                s.name(sc.player),
                sc.role
            );
        }
    }
    let decided: Vec<&CaseInfo> = v.cases.iter().filter(|c| c.verdict.is_some()).collect();
    let against: Vec<&&CaseInfo> = decided
        .iter()
        .filter(|c| c.verdict != c.evidence_ruling)
        .collect();
    let _ = writeln!(
        out,
        "Cases: {} filed, {} withdrawn, {} decided, {} against the evidence",
        v.cases.len(),
        v.cases.iter().filter(|c| c.withdrawn).count(),
        decided.len(),
        against.len()
    );
    for c in by_number(&v.cases) {
        let _ = writeln!(out, "  round {}: {}", c.round, case_line(s, c));
    }
    if let Some(d) = &v.debrief {
        let justice = d
            .justice_index
            .map_or("none (no decided case)".into(), |j| {
                format!("{:.0} %", j * 100.0)
            });
        let _ = writeln!(out, "Justice index: {justice}");
        let _ = writeln!(
            out,
            "Shrimp count: {} donju punished in cases against cadres; {} cadre(s) dismissed",
            d.shrimp_count, d.cadres_dismissed
        );
        let _ = writeln!(out, "Confiscated by the state: {} won", d.confiscated);
    }
    let shrimp: Vec<String> = v
        .cases
        .iter()
        .flat_map(|c| {
            let against_cadre = s.role_of(c.accused).is_some_and(|r| r.is_cadre());
            c.sentence
                .iter()
                .flatten()
                .filter(move |x| {
                    against_cadre && x.sentence == SentenceKind::Imprisoned && x.player != c.accused
                })
                .map(move |x| format!("{} in case {} (round {})", s.name(x.player), c.id, c.round))
        })
        .collect();
    if !shrimp.is_empty() {
        let _ = writeln!(out, "The shrimp's back broke: {}", shrimp.join("; "));
    }
    if let Some(t) = v.totals {
        let sum: u64 = v.players.iter().filter_map(|p| p.balance).sum();
        let expect = t.starting + t.salaries + t.income
            - t.confiscated.min(t.starting + t.salaries + t.income);
        let _ = writeln!(
            out,
            "Money: {sum} won held; starting + salaries + income − confiscated = {expect} ({})",
            if sum == expect {
                "conserved"
            } else {
                "NOT CONSERVED"
            }
        );
    }
    out
}

#[cfg(test)]
#[path = "panel_tests.rs"]
mod tests;
