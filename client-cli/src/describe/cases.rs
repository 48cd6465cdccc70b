//! Cases as people read them: who accuses whom of what, the evidence
//! described (never a wire id), and how the case ended.

use std::fmt::Write as _;

use allssam_protocol::{CaseInfo, InfractionInfo};

use crate::state::State;

/// A case in a line: "case 2: Kim accuses Lee of bribery (evidence: …) — guilty".
pub(crate) fn case_line(s: &State, c: &CaseInfo) -> String {
    let mut line = format!(
        "case {}: {} accuses {} of {}",
        c.id,
        s.name(c.accuser),
        s.name(c.accused),
        c.charge.as_str().replace('_', " ")
    );
    if let Some(evidence) = evidence(s, c) {
        let _ = write!(line, " (evidence: {evidence})");
    }
    if c.withdrawn {
        line.push_str(" — withdrawn");
    } else if let Some(v) = c.verdict {
        let _ = write!(line, " — {v}");
        if c.evidence_ruling.is_some_and(|e| e != v) {
            line.push_str(", AGAINST THE EVIDENCE");
        }
    }
    line
}

/// An infraction as people read it: "bribery Lee–Park, round 1, 150 won".
pub(crate) fn infraction(s: &State, i: &InfractionInfo) -> String {
    let mut text = format!(
        "{} {}–{}, round {}",
        i.kind.as_str().replace('_', " "),
        s.name(i.parties[0]),
        s.name(i.parties[1]),
        i.round
    );
    // Two bribes between the same two in a round differ by their amounts.
    if let Some(amount) = i.amount {
        let _ = write!(text, ", {amount} won");
    }
    text
}

/// What a case cites, each infraction described (never its wire id, which
/// means nothing to anyone): from the case's `evidence_detail` (hearers and
/// the facilitator) or from the infractions this client knows, with the
/// short number when it has one; `None` when this viewer is not told.
fn evidence(s: &State, c: &CaseInfo) -> Option<String> {
    let ids: Vec<_> = match (&c.evidence, &c.evidence_detail) {
        (Some(ids), _) => ids.clone(),
        (None, Some(detail)) => detail.iter().map(|i| i.id).collect(),
        (None, None) => return None,
    };
    if ids.is_empty() {
        return Some("none".into());
    }
    let cited: Vec<String> = ids
        .iter()
        .map(|id| {
            let detail = c.evidence_detail.iter().flatten().find(|i| i.id == *id);
            let text = detail
                .or_else(|| s.infraction(*id))
                .map_or("an infraction you have not seen".into(), |i| {
                    infraction(s, i)
                });
            match s.infraction_label(*id) {
                Some(label) => format!("[infraction {label}] {text}"),
                None => text,
            }
        })
        .collect();
    Some(cited.join("; "))
}
