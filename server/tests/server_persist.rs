//! The real server binary on a data file: play, `kill -9` in the middle of
//! a round, restart on the same file, resume every seat and find the room
//! as it was; export the played game; a damaged file stops the start-up.
#![allow(clippy::unwrap_used)]

#[path = "server_support/mod.rs"]
mod support;

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use serde_json::{Value, json};
use support::{Client, http_get};

/// A running `allssam-server` process.
struct Server {
    child: Child,
    addr: SocketAddr,
}

impl Server {
    /// Starts the binary on `data`, port 0; reads the address from its start-up line.
    fn start(data: &Path) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_allssam-server"))
            .args(["--listen", "127.0.0.1:0", "--data"])
            .arg(data)
            .env("RUST_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("the server binary starts");
        let stdout = child.stdout.take().unwrap();
        let mut lines = BufReader::new(stdout).lines();
        let addr = loop {
            let line = lines.next().expect("a start-up line").unwrap();
            if let Some(rest) = line.split(" listening on ").nth(1) {
                assert!(line.contains(&data.display().to_string()), "{line}");
                assert!(line.contains(env!("CARGO_PKG_VERSION")), "{line}");
                break rest.split_whitespace().next().unwrap().parse().unwrap();
            }
        };
        // Keep draining stdout so that the server never blocks on a full pipe.
        std::thread::spawn(move || for _ in lines {});
        Server { child, addr }
    }

    fn url(&self) -> String {
        format!("ws://{}/ws", self.addr)
    }

    fn kill9(mut self) {
        self.child.kill().unwrap(); // SIGKILL on unix
        self.child.wait().unwrap();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Runs the binary on `data` expecting it to refuse to start: its exit code and stderr.
fn start_refused(data: &Path) -> (Option<i32>, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_allssam-server"))
        .args(["--listen", "127.0.0.1:0", "--data"])
        .arg(data)
        .env("RUST_LOG", "off")
        .output()
        .unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn temp_file(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("allssam-persist-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir.join("allssam.db")
}

async fn ok(client: &mut Client, request: Value) -> Value {
    let answer = client.ask(request.clone()).await;
    assert_eq!(answer["type"], "ack", "{request} -> {answer}");
    answer
}

/// The facilitator's view now.
async fn view(facilitator: &mut Client) -> Value {
    ok(facilitator, json!({"type": "sync"})).await;
    loop {
        let message = facilitator.recv().await;
        if message["type"] == "snapshot" {
            return message["view"].clone();
        }
    }
}

async fn resume(url: &str, token: &str) -> Client {
    let mut client = Client::connect(url).await;
    let ack = client
        .ask(json!({"type": "resume", "protocol": 1, "token": token, "req": 100}))
        .await;
    assert_eq!(ack["type"], "ack", "{ack}");
    client
}

fn balances(view: &Value) -> Vec<(String, Value)> {
    let mut v: Vec<_> = view["players"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["name"].as_str().unwrap().to_owned(), p["balance"].clone()))
        .collect();
    v.sort_by(|a, b| a.0.cmp(&b.0));
    v
}

#[tokio::test]
async fn a_killed_server_comes_back_with_every_room_as_it_was_and_exports_it() {
    let data = temp_file("kill");
    let server = Server::start(&data);
    let url = server.url();
    let mut fac = Client::connect(&url).await;
    let config = json!({"rounds": 1, "seed": 7,
        "phase_seconds": {"dealing": 60, "accusation": 60, "investigation": 60, "verdict": 60}});
    let ack = ok(
        &mut fac,
        json!({"type": "create_room", "req": 1, "protocol": 1, "config": config}),
    )
    .await;
    let code = ack["room"].as_str().unwrap().to_owned();
    let fac_token = ack["facilitator_token"].as_str().unwrap().to_owned();
    let roles = ["manager", "secretary", "prosecutor", "donju"];
    let mut players = Vec::new();
    for (i, role) in roles.iter().enumerate() {
        let mut client = Client::connect(&url).await;
        let name = format!("P{i}-{role}");
        let (ack, _) = client.join(&code, &name).await;
        let id = ack["player_id"].as_str().unwrap().to_owned();
        let token = ack["token"].as_str().unwrap().to_owned();
        ok(
            &mut fac,
            json!({"type": "assign", "req": 10 + i, "player": id, "role": role}),
        )
        .await;
        players.push((client, id, token));
    }
    ok(&mut fac, json!({"type": "start", "req": 20})).await;
    // The donju bribes the manager; the manager accepts: money and a tie.
    let manager = players[0].1.clone();
    let secretary = players[1].1.clone();
    let offer = ok(
        &mut players[3].0,
        json!({"type": "offer", "req": 1, "to": manager, "kind": "bribe", "amount": 100}),
    )
    .await;
    let offer_id = offer["offer"].clone();
    ok(
        &mut players[0].0,
        json!({"type": "respond", "req": 1, "offer": offer_id, "accept": true}),
    )
    .await;
    let before = view(&mut fac).await;
    assert_eq!(before["phase"], "dealing");
    let infraction = before["infractions"][0]["id"].clone();
    assert!(
        !infraction.is_null(),
        "the bribe is an infraction: {}",
        before["infractions"]
    );

    // kill -9 in the middle of dealing, a second later start again on the same file.
    tokio::time::sleep(Duration::from_millis(1200)).await;
    server.kill9();
    tokio::time::sleep(Duration::from_millis(800)).await;
    let server = Server::start(&data);
    let url = server.url();
    let mut fac = resume(&url, &fac_token).await;
    let mut resumed = Vec::new();
    for (_, id, token) in &players {
        resumed.push((resume(&url, token).await, id.clone()));
    }
    let after = view(&mut fac).await;
    assert_eq!(after["room"], before["room"]);
    assert_eq!(
        (&after["phase"], &after["round"]),
        (&before["phase"], &before["round"])
    );
    assert_eq!(balances(&after), balances(&before), "balances survive");
    assert_eq!(after["ties"], before["ties"], "ties survive");
    assert_eq!(after["infractions"], before["infractions"]);
    // The deadline resumes with the time it had left (the old run's last
    // heartbeat was at most a second before the kill, the restart took ~1 s).
    let (left_before, left_after) = (
        before["deadline_ms"].as_u64().unwrap() as i64,
        after["deadline_ms"].as_u64().unwrap() as i64,
    );
    assert!(
        (left_before - left_after).abs() < 3_000,
        "deadline left: {left_before} ms before, {left_after} ms after"
    );
    assert!(
        after["players"]
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p["connected"] == true)
    );

    // Play on after the restart: share, accuse, rule, to the end.
    ok(
        &mut resumed[0].0,
        json!({"type": "share", "req": 101, "infraction": infraction, "to": secretary}),
    )
    .await;
    ok(&mut fac, json!({"type": "advance", "req": 101})).await;
    let case = ok(&mut resumed[1].0, json!({"type": "accuse", "req": 101, "target": manager, "charge": "bribery", "evidence": [infraction]})).await;
    ok(&mut fac, json!({"type": "advance", "req": 102})).await;
    ok(&mut fac, json!({"type": "advance", "req": 103})).await;
    ok(
        &mut resumed[2].0,
        json!({"type": "rule", "req": 101, "case": case["case"], "verdict": "acquit"}),
    )
    .await;
    ok(&mut fac, json!({"type": "advance", "req": 104})).await;
    let end = view(&mut fac).await;
    assert_eq!(end["phase"], "ended", "{}", end["phase"]);

    // Export: only the facilitator.
    let path = format!("/rooms/{code}/export?format=csv&table=transfers");
    let bearer = format!("Authorization: Bearer {fac_token}\r\n");
    assert_eq!(http_get(server.addr, &path, "").await.0, 401);
    assert_eq!(
        http_get(server.addr, &path, "Authorization: Bearer nope\r\n")
            .await
            .0,
        401
    );
    let player_bearer = format!("Authorization: Bearer {}\r\n", players[0].2);
    assert_eq!(http_get(server.addr, &path, &player_bearer).await.0, 403);
    assert_eq!(
        http_get(server.addr, "/rooms/ZZZZZZ/export", &bearer)
            .await
            .0,
        404
    );
    let (status, transfers) = http_get(server.addr, &path, &bearer).await;
    assert_eq!(status, 200, "{transfers}");
    let mut reader = csv::Reader::from_reader(transfers.as_bytes());
    assert_eq!(
        reader.headers().unwrap(),
        vec!["round", "phase", "kind", "from", "to", "amount"]
    );
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
    assert!(
        rows.iter().any(|r| &r[2] == "bribe"
            && &r[3] == "P3-donju"
            && &r[4] == "P0-manager"
            && &r[5] == "100"),
        "{transfers}"
    );
    let (_, cases) = http_get(
        server.addr,
        &format!("/rooms/{code}/export?format=csv&table=cases"),
        &bearer,
    )
    .await;
    let mut reader = csv::Reader::from_reader(cases.as_bytes());
    let cases: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
    assert_eq!(cases.len(), 1, "every case, once");
    assert_eq!(
        (&cases[0][2], &cases[0][3], &cases[0][4]),
        ("P1-secretary", "P0-manager", "bribery")
    );
    assert!(
        cases[0][6].contains("P2-prosecutor: acquit (explicit)"),
        "{:?}",
        &cases[0]
    );
    let (_, chat) = http_get(
        server.addr,
        &format!("/rooms/{code}/export?format=csv&table=chat"),
        &bearer,
    )
    .await;
    assert!(chat.starts_with("round,phase,from,to,text"));
    let (_, log) = http_get(
        server.addr,
        &format!("/rooms/{code}/export?format=json"),
        &bearer,
    )
    .await;
    let log: Value = serde_json::from_str(&log).unwrap();
    let kinds: Vec<&str> = log["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["event"]["kind"].as_str())
        .collect();
    for kind in ["offer_answered", "verdict", "game_ended", "tie_changed"] {
        assert!(kinds.contains(&kind), "{kind} in {kinds:?}");
    }
    let (_, md) = http_get(
        server.addr,
        &format!("/rooms/{code}/export?format=md"),
        &bearer,
    )
    .await;
    assert!(
        md.contains("Justice index")
            && md.contains("Shrimp count")
            && md.contains("Total confiscated"),
        "{md}"
    );
    assert!(md.contains("P2-prosecutor voted acquit"), "{md}");
    let (_, html) = http_get(
        server.addr,
        &format!("/rooms/{code}/export?format=html"),
        &bearer,
    )
    .await;
    assert!(html.contains("<svg") && html.contains("P3-donju"), "{html}");
    drop(server);
    let _ = std::fs::remove_dir_all(data.parent().unwrap());
}

#[test]
fn a_corrupt_or_truncated_file_stops_the_start_up_with_a_clear_message() {
    for (name, bytes) in [
        (
            "garbage",
            b"this is not a database at all, just words".repeat(200),
        ),
        ("truncated", {
            // A real SQLite header, then nothing of what it promises.
            let mut b = b"SQLite format 3\0".to_vec();
            b.extend_from_slice(&[0x10, 0x00, 0x01, 0x01, 0x00, 0x40, 0x20, 0x20]);
            b.resize(1500, 0);
            b
        }),
    ] {
        let data = temp_file(name);
        std::fs::write(&data, &bytes).unwrap();
        let (code, stderr) = start_refused(&data);
        assert_eq!(code, Some(65), "{name}: {stderr}");
        assert!(
            stderr.contains(&data.display().to_string()),
            "{name}: {stderr}"
        );
        assert!(
            stderr.contains("corrupt") || stderr.contains("not a SQLite database"),
            "{name}: {stderr}"
        );
        assert!(!stderr.contains("panicked"), "{stderr}");
        assert_eq!(
            std::fs::read(&data).unwrap(),
            bytes,
            "{name}: the file is left as it was"
        );
        let _ = std::fs::remove_dir_all(data.parent().unwrap());
    }
}

/// A second server on the same data file (a restart while the old one still
/// runs, a typo in a unit file) stops at once and says why; the first goes on.
#[test]
fn a_second_server_on_the_same_data_file_stops_with_a_clear_message() {
    let data = temp_file("in-use");
    let first = Server::start(&data);
    let (code, stderr) = start_refused(&data);
    assert_eq!(code, Some(75), "{stderr}");
    assert!(
        stderr.contains("in use by another All-ssam server"),
        "{stderr}"
    );
    assert!(stderr.contains(&data.display().to_string()), "{stderr}");
    let health = std::net::TcpStream::connect(first.addr);
    assert!(health.is_ok(), "the first server stopped answering");

    // Once the first is gone (even by SIGKILL), the file opens again.
    first.kill9();
    let again = Server::start(&data);
    drop(again);
    let _ = std::fs::remove_dir_all(data.parent().unwrap());
}
