//! The two long texts: the status panel a player reads at a glance, and the
//! debrief summary at the end of a game.

use std::fmt::Write as _;

use allssam_protocol::{CaseInfo, SentenceKind, TieInfo};

use crate::describe::{case_line, offer, phase_line};
use crate::state::State;

/// The status panel: everything a player needs at a glance.
pub fn status(s: &State) -> String {
    let v = &s.view;
    let mut out = format!("━━ {} ━━\n", phase_line(s));
    if let Some(you) = &v.you {
        let role = you.role.map_or("no role yet".into(), |r| r.to_string());
        let _ = writeln!(
            out,
            "You: {} ({role}, {}) — balance {} won, available {}",
            s.name(you.player_id),
            you.status,
            you.balance,
            you.available
        );
        if let Some(l) = &you.lease {
            let _ = writeln!(
                out,
                "Lease: {} from {}, rent {}",
                s.name(l.donju),
                s.name(l.manager),
                l.rent.map_or("?".into(), |r| r.to_string())
            );
        }
    }
    let players: Vec<String> = v
        .players
        .iter()
        .map(|p| {
            let role = p.role.map_or("?".into(), |r| r.to_string());
            let mut tag = format!("{} ({role}, {}", p.name, p.wealth_tier);
            if p.status != allssam_protocol::Status::Free {
                let _ = write!(tag, ", {}", p.status);
            }
            if !p.connected {
                tag.push_str(", away");
            }
            if p.ready {
                tag.push_str(", ready");
            }
            tag + ")"
        })
        .collect();
    let _ = writeln!(out, "Players: {}", players.join(", "));
    let ties: Vec<String> = v
        .ties
        .iter()
        .map(|t| match t {
            TieInfo::Mine { with, strength } => format!("{} {strength}", s.name(*with)),
            TieInfo::Pair { a, b, strength } => format!("{}–{} {strength}", s.name(*a), s.name(*b)),
        })
        .collect();
    let _ = writeln!(
        out,
        "Ties: {}",
        if ties.is_empty() {
            "none".into()
        } else {
            ties.join(", ")
        }
    );
    if !v.rumors.is_empty() {
        let rumors: Vec<String> = v
            .rumors
            .iter()
            .map(|r| format!("{}–{}", s.name(r.a), s.name(r.b)))
            .collect();
        let _ = writeln!(out, "Rumors: {}", rumors.join(", "));
    }
    if v.order_in_force {
        out.push_str("The extra-earnings order is in force this round.\n");
    }
    for o in &v.offers {
        let _ = writeln!(out, "  {}", offer(s, o));
    }
    for i in &v.infractions {
        let label = s.infraction_label(i.id).unwrap_or(0);
        let spent = if s.cited(i.id) { " (cited)" } else { "" };
        let _ = writeln!(
            out,
            "  [infraction {label}] {} {}–{} round {}{spent}",
            i.kind,
            s.name(i.parties[0]),
            s.name(i.parties[1]),
            i.round
        );
    }
    for c in &v.cases {
        let _ = writeln!(out, "  {}", case_line(s, c));
    }
    out
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
    for c in &v.cases {
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
