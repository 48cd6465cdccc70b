//! The two long texts: the status panel a player reads at a glance, and the
//! debrief summary at the end of a game.

use std::fmt::Write as _;

use allssam_protocol::{CaseInfo, Phase, Role, Score, SentenceKind, Status, TieInfo};

use crate::describe::{case_line, infraction, name_or_you, offer, phase_line, until};
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
        // Every lease we are party to: a manager may have several tenants
        // (`you.lease` is only the first).
        let me = you.player_id;
        let mut leases: Vec<_> = v
            .leases
            .iter()
            .filter(|l| l.donju == me || l.manager == me)
            .collect();
        if leases.is_empty() {
            leases.extend(&you.lease);
        }
        for l in leases {
            let rent = l.rent.map_or("?".into(), |r| r.to_string());
            let (donju, manager) = (name_or_you(s, l.donju), name_or_you(s, l.manager));
            let rents = if l.donju == me { "rent" } else { "rents" };
            let _ = writeln!(
                out,
                "Lease: {donju} {rents} factory space from {manager}, {rent} won a month"
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
            let _ = writeln!(out, "  [infraction {label}] {}{spent}", infraction(s, i));
        }
    }
    if !v.cases.is_empty() {
        out.push_str("Cases:\n");
        for c in by_number(&v.cases) {
            let _ = writeln!(out, "  {}{}", case_line(s, c), hearing(s, c));
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

/// " — you hear it…" on a case this player hears and may still rule on
/// (RULES.md §8), with the command in the verdict phase and the ruling
/// given so far.
fn hearing(s: &State, c: &CaseInfo) -> String {
    let hears = s.me().is_some_and(|me| c.hearers.contains(&me));
    if !hears || c.withdrawn || c.verdict.is_some() || s.view.phase == Phase::Ended {
        return String::new();
    }
    let mut mark = String::from(" — you hear it");
    if s.view.phase == Phase::Verdict {
        let _ = write!(mark, ": `rule {} guilty|acquit`", c.id);
        if let Some(ruling) = c.your_ruling {
            let _ = write!(mark, " (you ruled {ruling})");
        }
    }
    mark
}

fn none_or(items: &[String]) -> String {
    if items.is_empty() {
        "none".into()
    } else {
        items.join(", ")
    }
}

/// What a score is made of, when this viewer knows the player's balance
/// (the facilitator: everyone's; a player: his own): " (600 won + 3 ties
/// × 50)" for a cadre in post, " (1200 won)" otherwise (RULES.md §9).
fn score_parts(s: &State, sc: &Score) -> String {
    let balance = match &s.view.you {
        Some(you) if you.player_id == sc.player => Some(you.balance),
        _ => s.player(sc.player).and_then(|p| p.balance),
    };
    let Some(balance) = balance else {
        return String::new();
    };
    let per_tie = s.view.config.cadre_tie_score;
    let counted = sc.role != Role::Donju
        && s.player(sc.player)
            .is_none_or(|p| p.status != Status::Dismissed);
    match sc.score.checked_sub(balance) {
        Some(0) => format!(" ({balance} won)"),
        Some(extra) if counted && per_tie > 0 && extra % per_tie == 0 => {
            let ties = extra / per_tie;
            let ties = if ties == 1 {
                "1 tie".to_string()
            } else {
                format!("{ties} ties")
            };
            format!(" ({balance} won + {ties} × {per_tie})")
        }
        // A balance this model has not caught up with: the score alone.
        Some(_) | None => String::new(),
    }
}

/// The end-of-game summary: scores, verdicts against the evidence, shrimp count.
pub fn debrief(s: &State) -> String {
    let v = &s.view;
    let mut out = String::from("══════ DEBRIEF ══════\n");
    if let Some(scores) = &v.scores {
        let mut scores = scores.clone();
        scores.sort_by_key(|s| std::cmp::Reverse(s.score));
        let tie_score = v.config.cadre_tie_score;
        let _ = writeln!(
            out,
            "Scores (donju: the balance; cadre in post: balance + {tie_score} a tie of strength ≥ {}):",
            v.config.rumor_threshold
        );
        for sc in scores {
            let best = if sc.best {
                format!("  ★ best {}", sc.role)
            } else {
                String::new()
            };
            let who = format!("{} ({}):", s.name(sc.player), sc.role);
            let _ = writeln!(
                out,
                "  {who:<26} score {}{}{best}",
                sc.score,
                score_parts(s, &sc)
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

#[cfg(test)]
#[path = "panel_case_tests.rs"]
mod case_tests;
