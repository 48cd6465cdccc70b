//! Export end to end: a short bot game against an in-process server on a
//! temp-file SQLite store, then `allssam export` (the CLI's library
//! function) in every format — json, each CSV table, md, html — checked for
//! every case and the debrief figures; a wrong token fails clearly.
#![allow(clippy::unwrap_used)]

mod support;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use allssam_cli::bots::{BotPlan, join_bot, run_bot};
use allssam_cli::client::{Client, Opening};
use allssam_cli::cmd::demo::{DEFAULT_SEED, demo_config};
use allssam_cli::export::{ExportArgs, run as export};
use allssam_cli::strategy::Sensible;
use allssam_protocol::{ClientMessage, Phase};
use allssam_server::ServerConfig;
use allssam_server::store::{SqliteStore, StoreOptions};
use serde_json::Value;
use support::{synced, until_phase};
use tokio::net::TcpListener;
use tokio::sync::oneshot;

/// A temp directory removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new() -> TempDir {
        let dir = std::env::temp_dir().join(format!("allssam-export-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Runs the CLI's export into `dir/name` and returns the file's text.
async fn fetch(
    url: &str,
    room: &str,
    token: &str,
    format: &str,
    table: Option<&str>,
    dir: &Path,
) -> anyhow::Result<String> {
    let file = dir.join(format!("{format}-{}", table.unwrap_or("all")));
    export(ExportArgs {
        room: room.to_owned(),
        format: format.to_owned(),
        table: table.map(str::to_owned),
        url: url.to_owned(),
        token: Some(token.to_owned()),
        output: Some(file.clone()),
    })
    .await?;
    Ok(std::fs::read_to_string(file)?)
}

/// Parses a CSV table: its header and rows, every row as wide as the header.
fn table(text: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect::<Vec<_>>();
    let rows = reader
        .records()
        .map(|r| {
            r.expect("a proper CSV row")
                .iter()
                .map(str::to_owned)
                .collect::<Vec<_>>()
        })
        .collect::<Vec<_>>();
    (header, rows)
}

/// Advances a phase that has not changed for two seconds.
async fn advance_when_stalled(host: Client) {
    let mut last = (0, Phase::Lobby);
    let mut since = tokio::time::Instant::now();
    loop {
        tokio::time::sleep(Duration::from_millis(100)).await;
        let now = {
            let s = host.state();
            (s.view.round, s.view.phase)
        };
        if now != last {
            (last, since) = (now, tokio::time::Instant::now());
        } else if since.elapsed() > Duration::from_secs(2) {
            let _ = host.request(ClientMessage::Advance).await;
            since = tokio::time::Instant::now();
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bot_games_export_has_every_case_and_the_figures_in_every_format() {
    let dir = TempDir::new();
    let store = SqliteStore::open(dir.0.join("game.db"), StoreOptions::default()).unwrap();
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("ws://{}/ws", listener.local_addr().unwrap());
    let (stop, stopped) = oneshot::channel::<()>();
    let server = tokio::spawn(allssam_server::run_with(
        listener,
        ServerConfig::default(),
        Arc::new(store),
        async {
            let _ = stopped.await;
        },
    ));

    // The demo's room (untimed phases the bots end with `ready`, a low
    // conspicuousness threshold): its sensible bots file cases.
    let seed = DEFAULT_SEED;
    let host = Client::connect(&url, Opening::CreateRoom(Some(demo_config(4, seed))))
        .await
        .expect("the room is created");
    let room = host.session().room.clone();
    let host_token = host
        .session()
        .token
        .clone()
        .expect("the facilitator's token");
    let mut bots = Vec::new();
    let mut player_token = None;
    for n in 1..=7 {
        let (mut plan, stop) = BotPlan::new(Arc::new(Sensible), seed);
        drop(stop); // they play to the end
        plan.options.think_ms = (5, 40);
        let client = join_bot(&url, &room, "Bot", n).await.expect("a bot joins");
        player_token = client.session().token.clone();
        bots.push(tokio::spawn(run_bot(client, plan, seed + n as u64)));
    }
    host.request(ClientMessage::Start).await.expect("started");
    // As the demo does: a phase nobody ends is advanced.
    let advancer = tokio::spawn(advance_when_stalled(host.clone()));
    until_phase(&host, Phase::Ended).await;
    advancer.abort();
    for bot in bots {
        let _ = tokio::time::timeout(support::PATIENCE, bot).await;
    }
    synced(&host).await;
    let (cases, debrief) = {
        let s = host.state();
        let debrief = s.view.debrief.clone().expect("a debrief when ended");
        (s.view.cases.clone(), debrief)
    };
    // Sensible bots accuse (seeded): otherwise the case checks below would be empty.
    assert!(!cases.is_empty(), "the bots filed cases");

    let out = &dir.0;
    // json: the ordered log, every case opened in it, the figures at the end.
    let text = fetch(&url, &room, &host_token, "json", None, out)
        .await
        .unwrap();
    let record: Value = serde_json::from_str(&text).expect("the json export is JSON");
    assert_eq!(record["room"], room.as_str());
    assert_eq!(record["phase"], "ended");
    let events = record["events"].as_array().expect("an event list");
    let kinds = |kind: &str| {
        events
            .iter()
            .filter(|e| e["event"]["kind"] == kind)
            .collect::<Vec<_>>()
    };
    assert!(!kinds("balance_changed").is_empty(), "money moved");
    let opened = kinds("case_opened");
    for case in &cases {
        assert!(
            opened.iter().any(|e| e["event"]["case"]["id"] == case.id.0),
            "case {} is in the json log",
            case.id.0
        );
    }
    assert_eq!(kinds("game_ended").len(), 1);
    assert_eq!(record["debrief"]["confiscated"], debrief.confiscated);
    assert_eq!(record["debrief"]["shrimp_count"], debrief.shrimp_count);

    // csv: three proper tables.
    let text = fetch(&url, &room, &host_token, "csv", Some("cases"), out)
        .await
        .unwrap();
    let (header, rows) = table(&text);
    assert_eq!(
        header[..6],
        ["case", "round", "accuser", "accused", "charge", "evidence"]
    );
    assert!(header.iter().any(|h| h == "verdict") && header.iter().any(|h| h == "evidence_ruling"));
    assert_eq!(rows.len(), cases.len(), "one row per case");
    for case in &cases {
        assert!(
            rows.iter().any(|r| r[0] == case.id.0.to_string()),
            "case {}",
            case.id.0
        );
    }
    let text = fetch(&url, &room, &host_token, "csv", Some("transfers"), out)
        .await
        .unwrap();
    let (header, rows) = table(&text);
    assert_eq!(header, ["round", "phase", "kind", "from", "to", "amount"]);
    assert!(!rows.is_empty(), "salaries at least");
    // Markets open each round's dealing, the first one included.
    let salaries: Vec<_> = rows.iter().filter(|r| r[2] == "salary").collect();
    assert!(!salaries.is_empty(), "{text}");
    assert!(
        salaries.iter().all(|r| r[0] != "0" && r[1] == "dealing"),
        "{text}"
    );
    assert!(
        rows.iter().all(|r| r[5].parse::<u64>().is_ok()),
        "amounts are numbers"
    );
    let confiscated: u64 = rows
        .iter()
        .filter(|r| r[2] == "confiscation" || r[2] == "fine")
        .map(|r| r[5].parse::<u64>().unwrap())
        .sum();
    assert_eq!(
        confiscated, debrief.confiscated,
        "the transfers add up to the figure"
    );
    let text = fetch(&url, &room, &host_token, "csv", Some("chat"), out)
        .await
        .unwrap();
    let (header, _) = table(&text);
    assert_eq!(header, ["round", "phase", "from", "to", "text"]);

    // md and html: the debrief with its figures and every case.
    let md = fetch(&url, &room, &host_token, "md", None, out)
        .await
        .unwrap();
    assert!(
        md.contains("| player | role | score | best of the role |"),
        "every column named: {md}"
    );
    assert!(
        md.contains("| player | player | tie strength at the end |")
            || md.contains("Nobody had a tie at the end."),
        "{md}"
    );
    for format in ["md", "html"] {
        let text = fetch(&url, &room, &host_token, format, None, out)
            .await
            .unwrap();
        for figure in [
            "Justice index",
            "Shrimp count",
            "Total confiscated",
            "Final scores",
        ] {
            assert!(text.contains(figure), "{format} has {figure}");
        }
        assert!(
            text.contains(&format!("{} won", debrief.confiscated)),
            "{format} gives the total confiscated"
        );
        for case in &cases {
            assert!(
                text.contains(&format!("Case {}", case.id.0)),
                "{format} has case {}",
                case.id.0
            );
        }
    }
    let html = fetch(&url, &room, &host_token, "html", None, out)
        .await
        .unwrap();
    assert!(html.contains("<svg"), "the network of ties as a picture");

    // Wrong tokens fail with a clear error.
    let wrong = fetch(&url, &room, "not-a-token", "json", None, out).await;
    let message = wrong.expect_err("an unknown token is refused").to_string();
    assert!(message.contains("does not know that token"), "{message}");
    let player = player_token.expect("a player's token");
    let wrong = fetch(&url, &room, &player, "json", None, out).await;
    let message = wrong.expect_err("a player may not export").to_string();
    assert!(message.contains("not this room's facilitator"), "{message}");

    let _ = stop.send(());
    let _ = tokio::time::timeout(Duration::from_secs(10), server).await;
}
