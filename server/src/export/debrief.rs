//! The debrief report as plain blocks (headings, paragraphs, lists,
//! tables), rendered to Markdown here and to HTML in `html.rs`.

use std::collections::BTreeMap;

use allssam_protocol::{Phase, Verdict};

use super::model::{CaseReport, Report};
use super::tables::{evidence_text, sentence_text};

/// A piece of the report.
#[derive(Clone, Debug)]
pub enum Block {
    /// A section heading.
    Heading(String),
    /// A paragraph.
    Para(String),
    /// A bulleted list.
    List(Vec<String>),
    /// A table: header, rows.
    Table(Vec<String>, Vec<Vec<String>>),
    /// The picture of the network of ties (HTML only).
    Network,
}

/// The debrief, section by section (RULES.md §9).
pub fn blocks(r: &Report) -> Vec<Block> {
    let mut out = Vec::new();
    let status = if r.phase == Phase::Ended {
        "the game is over".to_owned()
    } else {
        format!("in progress: round {}, {}", r.round, r.phase)
    };
    out.push(Block::Para(format!("Room {} — {status}.", r.room)));

    out.push(Block::Heading("Figures".into()));
    let mut figures = Vec::new();
    if let Some(d) = &r.debrief {
        let index = d
            .justice_index
            .map_or("none (no decided case)".into(), |j| {
                format!("{:.0} %", j * 100.0)
            });
        figures.push(format!(
            "Justice index: {index} of decided cases matched the evidence"
        ));
        figures.push(format!(
            "Shrimp count: {} punished in cases against cadres; {} dismissed",
            count(u64::from(d.shrimp_count), "donju", "donju"),
            count(u64::from(d.cadres_dismissed), "cadre", "cadres"),
        ));
        figures.push(format!("Total confiscated: {} won", d.confiscated));
    } else {
        let confiscated: u64 = r
            .transfers
            .iter()
            .filter(|t| t.kind == "confiscation")
            .map(|t| t.amount)
            .sum();
        let shrimps: usize = r.cases.iter().map(|c| c.shrimps.len()).sum();
        figures.push(format!("Total confiscated so far: {confiscated} won"));
        figures.push(format!("Shrimp count so far: {shrimps}"));
    }
    out.push(Block::List(figures));

    if let Some(scores) = &r.scores {
        out.push(Block::Heading("Final scores".into()));
        let rows = scores
            .iter()
            .map(|s| {
                vec![
                    r.name(s.player),
                    s.role.to_string(),
                    s.score.to_string(),
                    if s.best { "yes" } else { "" }.to_owned(),
                ]
            })
            .collect();
        out.push(Block::Table(
            head(&["player", "role", "score", "best of the role"]),
            rows,
        ));
    }

    out.push(Block::Heading("Money moved, by kind".into()));
    let mut by_kind: BTreeMap<&str, (u64, usize)> = BTreeMap::new();
    for t in &r.transfers {
        let e = by_kind.entry(t.kind.as_str()).or_default();
        e.0 += t.amount;
        e.1 += 1;
    }
    let rows = by_kind
        .iter()
        .map(|(k, (sum, n))| vec![(*k).to_owned(), sum.to_string(), n.to_string()])
        .collect();
    out.push(Block::Table(head(&["kind", "won", "movements"]), rows));

    out.push(Block::Heading("Money moved, by pair".into()));
    let mut by_pair: BTreeMap<(String, String), u64> = BTreeMap::new();
    for t in r
        .transfers
        .iter()
        .filter(|t| !matches!(t.kind.as_str(), "salary" | "income"))
    {
        *by_pair
            .entry((label(r, &t.from), label(r, &t.to)))
            .or_default() += t.amount;
    }
    let mut pairs: Vec<_> = by_pair.into_iter().collect();
    pairs.sort_by_key(|(_, sum)| std::cmp::Reverse(*sum));
    let rows = pairs
        .into_iter()
        .map(|((from, to), sum)| vec![from, to, sum.to_string()])
        .collect();
    out.push(Block::Table(head(&["from", "to", "won"]), rows));

    out.push(Block::Heading("The network of ties".into()));
    out.push(Block::Network);
    if r.final_ties.is_empty() {
        out.push(Block::Para("Nobody had a tie at the end.".into()));
    } else {
        let rows = r
            .final_ties
            .iter()
            .map(|(a, b, s)| vec![r.name(*a), r.name(*b), s.to_string()])
            .collect();
        out.push(Block::Table(
            head(&["player", "player", "tie strength at the end"]),
            rows,
        ));
    }

    out.push(Block::Heading("Timeline of ties and rumors".into()));
    let lines = r
        .ties
        .iter()
        .map(|m| {
            let what = match (m.what.as_str(), m.strength) {
                ("tie", Some(0)) => "tie gone".to_owned(),
                ("tie", Some(s)) => format!("tie now {s}"),
                ("rumor", _) => "word got around: they are in all-ssam".to_owned(),
                _ => "the rumor ended".to_owned(),
            };
            format!(
                "Round {} ({}): {} & {} — {what}",
                m.round,
                m.phase,
                r.name(m.a),
                r.name(m.b)
            )
        })
        .collect();
    out.push(Block::List(lines));

    out.push(Block::Heading("Cases, and why each verdict fell".into()));
    if r.cases.is_empty() {
        out.push(Block::Para("No case was filed.".into()));
    }
    for c in &r.cases {
        case_blocks(r, c, &mut out);
    }
    out
}

fn case_blocks(r: &Report, c: &CaseReport, out: &mut Vec<Block>) {
    let case = &c.case;
    out.push(Block::Para(format!(
        "Case {} (round {}): {} accused {} of {}.",
        case.id.0,
        case.round,
        r.name(case.accuser),
        r.name(case.accused),
        case.charge
    )));
    let mut lines = Vec::new();
    let evidence = evidence_text(r, c);
    lines.push(if evidence.is_empty() {
        "Evidence: none cited.".to_owned()
    } else {
        format!("Evidence: {evidence}.")
    });
    if case.withdrawn {
        lines.push("Withdrawn by the accuser.".into());
        out.push(Block::List(lines));
        return;
    }
    let show =
        |v: Option<Verdict>| v.map_or("not yet".to_owned(), |v| v.to_string().to_uppercase());
    lines.push(format!(
        "Verdict: {} — evidence ruling: {}{}",
        show(case.verdict),
        show(case.evidence_ruling),
        match (case.verdict, case.evidence_ruling) {
            (Some(v), Some(e)) if v != e => " (the verdict went AGAINST the evidence)",
            _ => "",
        }
    ));
    for v in &c.votes {
        let who = v.prosecutor.parse().ok().map_or_else(
            || v.prosecutor.clone(),
            |id| r.name(allssam_protocol::PlayerId(id)),
        );
        let why = match v.source.as_str() {
            "explicit" => "ruled himself".to_owned(),
            "ties" => "did not rule: his ties decided".to_owned(),
            _ => "the evidence ruling".to_owned(),
        };
        lines.push(format!(
            "{who} voted {} ({why}); tie to the accuser {}, to the accused {}",
            v.verdict, v.tie_accuser, v.tie_accused
        ));
    }
    if let Some(votes) = case.votes {
        let mut tally = format!("Votes {} guilty, {} acquit", votes.guilty, votes.acquit);
        if c.decided_by_ties {
            tally.push_str(&format!(
                "; a tie vote, decided by the tie sums (accuser {} vs accused {})",
                c.tie_sums.0, c.tie_sums.1
            ));
        } else if votes.guilty == votes.acquit {
            tally.push_str("; a tie vote with equal tie sums: the evidence ruling stood");
        }
        lines.push(tally);
    }
    if !c.protected_by.is_empty() {
        let names: Vec<_> = c.protected_by.iter().map(|p| r.name(*p)).collect();
        lines.push(format!(
            "{} was protected (a reprimand only) by ties with {}",
            r.name(case.accused),
            names.join(", ")
        ));
    }
    if !c.shrimps.is_empty() {
        let names: Vec<_> = c.shrimps.iter().map(|p| r.name(*p)).collect();
        lines.push(format!(
            "Donju punished in a case against a cadre (the shrimp's back): {}",
            names.join(", ")
        ));
    }
    let sentence = sentence_text(r, c);
    if !sentence.is_empty() {
        lines.push(format!("Sentences: {sentence}"));
    }
    out.push(Block::List(lines));
}

/// `n` and the noun, singular or plural: "1 cadre", "2 cadres".
fn count(n: u64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn head(cells: &[&str]) -> Vec<String> {
    cells.iter().map(|c| (*c).to_owned()).collect()
}

/// A transfer party: a player's name, or `state`/`market`.
fn label(r: &Report, who: &str) -> String {
    who.parse().ok().map_or_else(
        || who.to_owned(),
        |id| r.name(allssam_protocol::PlayerId(id)),
    )
}

/// The report as Markdown.
pub fn markdown(r: &Report) -> String {
    let mut md = format!("# All-ssam debrief — room {}\n\n", r.room);
    for block in blocks(r) {
        match block {
            Block::Heading(h) => md.push_str(&format!("## {h}\n\n")),
            Block::Para(p) => md.push_str(&format!("{}\n\n", escape_md(&p))),
            Block::List(items) => {
                for item in items {
                    md.push_str(&format!("- {}\n", escape_md(&item)));
                }
                md.push('\n');
            }
            Block::Table(head, rows) => {
                md.push_str(&format!("| {} |\n", head.join(" | ")));
                md.push_str(&format!("|{}\n", "---|".repeat(head.len())));
                for row in rows {
                    let cells: Vec<_> = row.iter().map(|c| escape_md(c)).collect();
                    md.push_str(&format!("| {} |\n", cells.join(" | ")));
                }
                md.push('\n');
            }
            Block::Network => {}
        }
    }
    md
}

/// Player names are free text: keep them from breaking tables or markup.
fn escape_md(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn counts_agree_with_their_number() {
        assert_eq!(count(1, "cadre", "cadres"), "1 cadre");
        assert_eq!(count(0, "cadre", "cadres"), "0 cadres");
        assert_eq!(count(2, "donju", "donju"), "2 donju");
    }

    #[test]
    fn a_room_without_ties_says_so_instead_of_an_empty_table() {
        let report =
            crate::export::model::build("K7QX2M", allssam_protocol::RoomConfig::default(), &[])
                .unwrap();
        let md = markdown(&report);
        assert!(md.contains("Nobody had a tie at the end."), "{md}");
        assert!(!md.contains("strength at the end"), "no empty table: {md}");
    }
}
