//! The CSV tables (transfers, cases, chat) and the JSON event log.

use serde_json::json;

use super::model::{CaseReport, Report};

/// Which CSV table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Table {
    /// One row per money movement.
    Transfers,
    /// One row per case.
    Cases,
    /// One row per chat message.
    Chat,
}

impl std::str::FromStr for Table {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "transfers" => Ok(Table::Transfers),
            "cases" => Ok(Table::Cases),
            "chat" => Ok(Table::Chat),
            other => Err(format!("unknown table {other:?}: transfers, cases or chat")),
        }
    }
}

/// The full ordered event log in the facilitator's view, with the players
/// and the config so that ids can be read.
pub fn json(report: &Report) -> String {
    let value = json!({
        "room": report.room,
        "phase": report.phase,
        "round": report.round,
        "config": report.config,
        "players": report.players,
        "events": report.events,
        "scores": report.scores,
        "debrief": report.debrief,
    });
    serde_json::to_string_pretty(&value).unwrap_or_default()
}

/// One CSV table, with a header row.
pub fn csv(report: &Report, table: Table) -> Result<String, String> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let name = |id: &str| {
        id.parse().ok().map_or_else(
            || id.to_owned(),
            |id| report.name(allssam_protocol::PlayerId(id)),
        )
    };
    let result: Result<(), csv::Error> = (|| {
        match table {
            Table::Transfers => {
                w.write_record(["round", "phase", "kind", "from", "to", "amount"])?;
                for t in &report.transfers {
                    w.write_record([
                        t.round.to_string(),
                        t.phase.to_string(),
                        t.kind.clone(),
                        name(&t.from),
                        name(&t.to),
                        t.amount.to_string(),
                    ])?;
                }
            }
            Table::Cases => {
                w.write_record([
                    "case",
                    "round",
                    "accuser",
                    "accused",
                    "charge",
                    "evidence",
                    "votes",
                    "guilty_votes",
                    "acquit_votes",
                    "evidence_ruling",
                    "verdict",
                    "sentence",
                    "withdrawn",
                ])?;
                for c in &report.cases {
                    w.write_record(case_row(report, c))?;
                }
            }
            Table::Chat => {
                w.write_record(["round", "phase", "from", "to", "text"])?;
                for c in &report.chat {
                    w.write_record([
                        c.round.to_string(),
                        c.phase.to_string(),
                        name(&c.from),
                        if c.to.is_empty() {
                            String::new()
                        } else {
                            name(&c.to)
                        },
                        c.text.clone(),
                    ])?;
                }
            }
        }
        w.flush()?;
        Ok(())
    })();
    result.map_err(|e| e.to_string())?;
    let bytes = w.into_inner().map_err(|e| e.to_string())?;
    String::from_utf8(bytes).map_err(|e| e.to_string())
}

/// A case's evidence as text: each cited infraction.
pub fn evidence_text(report: &Report, c: &CaseReport) -> String {
    c.case
        .evidence_detail
        .iter()
        .flatten()
        .map(|i| {
            format!(
                "{} (round {}, {} & {})",
                i.kind,
                i.round,
                report.name(i.parties[0]),
                report.name(i.parties[1])
            )
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// Each vote as text: `name: verdict (source)`.
pub fn votes_text(report: &Report, c: &CaseReport) -> String {
    c.votes
        .iter()
        .map(|v| {
            let who = v.prosecutor.parse().ok().map_or_else(
                || v.prosecutor.clone(),
                |id| report.name(allssam_protocol::PlayerId(id)),
            );
            format!("{who}: {} ({})", v.verdict, v.source)
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// The sentences as text.
pub fn sentence_text(report: &Report, c: &CaseReport) -> String {
    c.case
        .sentence
        .iter()
        .flatten()
        .map(|s| {
            let mut text = format!("{} {}", report.name(s.player), s.sentence);
            if let Some(amount) = s.amount {
                text.push_str(&format!(" ({amount} won)"));
            }
            text
        })
        .collect::<Vec<_>>()
        .join("; ")
}

fn case_row(report: &Report, c: &CaseReport) -> Vec<String> {
    let opt = |v: Option<allssam_protocol::Verdict>| v.map(|v| v.to_string()).unwrap_or_default();
    vec![
        c.case.id.0.to_string(),
        c.case.round.to_string(),
        report.name(c.case.accuser),
        report.name(c.case.accused),
        c.case.charge.to_string(),
        evidence_text(report, c),
        votes_text(report, c),
        c.case
            .votes
            .map(|v| v.guilty.to_string())
            .unwrap_or_default(),
        c.case
            .votes
            .map(|v| v.acquit.to_string())
            .unwrap_or_default(),
        opt(c.case.evidence_ruling),
        opt(c.case.verdict),
        sentence_text(report, c),
        c.case.withdrawn.to_string(),
    ]
}
