//! Helpers shared by the store tests: a throw-away directory and record builders.

#![allow(dead_code)] // each test file uses a different part

use std::path::{Path, PathBuf};

use allssam_server::store::{LogRecord, Seat, Write};
use serde_json::json;

/// A directory removed when dropped (no `tempfile` in the workspace).
pub struct TempDir(PathBuf);

impl TempDir {
    pub fn new() -> Self {
        let dir = std::env::temp_dir().join(format!("allssam-store-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).expect("create temp dir");
        TempDir(dir)
    }

    pub fn path(&self) -> &Path {
        &self.0
    }

    pub fn db(&self) -> PathBuf {
        self.0.join("allssam.db")
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        // Best effort: a leftover temp dir is harmless.
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

pub fn create_room(code: &str, at: u64) -> Write {
    Write::CreateRoom {
        code: code.into(),
        config: json!({"rounds": 3, "seed": 7}),
        created_at_ms: at,
    }
}

/// A record of a player's chat with `req`, applied, acked.
pub fn record(seq: u64, player: &str, req: Option<u64>) -> LogRecord {
    LogRecord {
        seq,
        actor: json!({"player": player}).into(),
        command: json!({"type": "chat", "text": format!("message {seq}"), "to": null}).into(),
        now_ms: 1_000 + seq,
        seat: Some(Seat::Player(player.into())),
        req,
        applied: true,
        answer: Some(json!({"type": "ack", "req": req}).into()),
    }
}

/// A server fact (a tick): no seat, no req, no answer.
pub fn tick(seq: u64, now_ms: u64) -> LogRecord {
    LogRecord {
        seq,
        actor: json!("system").into(),
        command: json!({"type": "tick"}).into(),
        now_ms,
        seat: None,
        req: None,
        applied: true,
        answer: None,
    }
}

pub fn append(room: &str, record: LogRecord) -> Write {
    Write::Append {
        room: room.into(),
        record,
    }
}
