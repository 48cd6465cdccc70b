//! Rebuilding a room from the store at start-up: the game by replaying its
//! log from the last snapshot, its clock, its tokens and each seat's retry
//! memory (store/mod.rs, "Recovery at start").

use std::collections::HashMap;

use allssam_protocol::{RoomConfig, ServerMessage};
use serde_json::Value;

use super::RetryMemory;
use crate::game::{Actor, Command, Game};
use crate::journal::Seat;
use crate::store::{LogRecord, RecoveredRoom, TokenHash};

/// A room as it was, ready to run again.
pub struct Restored {
    pub(super) code: String,
    pub(super) game: Game,
    pub(super) config: RoomConfig,
    pub(super) tokens: Vec<(TokenHash, Seat)>,
    pub(super) memory: HashMap<Seat, RetryMemory>,
    pub(super) next_seq: u64,
    pub(super) offset_ms: i64,
}

impl Restored {
    /// The room's code.
    pub fn code(&self) -> &str {
        &self.code
    }

    /// Its valid tokens.
    pub fn tokens(&self) -> impl Iterator<Item = &(TokenHash, Seat)> {
        self.tokens.iter()
    }

    /// The game as rebuilt.
    pub fn game(&self) -> &Game {
        &self.game
    }

    /// The game clock offset of the new run.
    pub fn offset_ms(&self) -> i64 {
        self.offset_ms
    }
}

/// The config a room was created with, from its stored JSON.
pub fn stored_config(config: &Value) -> Result<RoomConfig, String> {
    serde_json::from_value(config.clone()).map_err(|e| format!("stored config: {e}"))
}

/// Replays `records` (those `applied`) onto `game`. A refusal means the log
/// and the engine disagree: an error, never a guess.
pub fn replay(game: &mut Game, records: &[LogRecord]) -> Result<(), String> {
    for record in records.iter().filter(|r| r.applied) {
        let (actor, command) = decode(record)?;
        game.apply(actor, command, record.now_ms)
            .map_err(|r| format!("record {} refused on replay: {}", record.seq, r.message))?;
    }
    Ok(())
}

/// A record's actor and command.
pub fn decode(record: &LogRecord) -> Result<(Actor, Command), String> {
    let actor = record
        .actor
        .parse()
        .map_err(|e| format!("record {}: actor: {e}", record.seq))?;
    let command = record
        .command
        .parse()
        .map_err(|e| format!("record {}: command: {e}", record.seq))?;
    Ok((actor, command))
}

/// Rebuilds one unfinished room.
pub fn restore(
    room: RecoveredRoom,
    tokens: Vec<(TokenHash, crate::store::Seat)>,
    last_heartbeat_ms: Option<u64>,
    wall_now_ms: u64,
) -> Result<Restored, String> {
    let code = room.info.code.clone();
    let config = stored_config(&room.info.config)?;
    let mut game = match &room.snapshot {
        Some(snapshot) => serde_json::from_slice::<Game>(&snapshot.state)
            .map_err(|e| format!("snapshot at record {}: {e}", snapshot.seq))?,
        None => Game::new(code.clone(), config.clone()),
    };
    replay(&mut game, &room.tail)?;
    let offset_ms = room.resume_offset_ms(last_heartbeat_ms, wall_now_ms);
    let mut memory: HashMap<Seat, RetryMemory> = HashMap::new();
    for record in &room.answers {
        let (Some(seat), Some(req)) = (record.seat.as_ref().and_then(Seat::from_store), record.req)
        else {
            continue;
        };
        let memory = memory.entry(seat).or_default();
        let answer = record
            .answer
            .as_ref()
            .and_then(|a| a.parse::<ServerMessage>().ok());
        // A remembered `seat_token` ack lost its token (never stored): a
        // retry gets a fresh one, so only its number is remembered.
        let is_seat_token = record
            .command
            .parse::<Value>()
            .is_ok_and(|c| c.get("type").and_then(Value::as_str) == Some("seat_token"));
        match answer {
            Some(answer) if !is_seat_token => memory.remember(req, answer),
            _ => memory.saw(Some(req)),
        }
    }
    let tokens = tokens
        .iter()
        .filter_map(|(hash, seat)| Seat::from_store(seat).map(|s| (*hash, s)))
        .collect();
    Ok(Restored {
        code,
        game,
        config,
        tokens,
        memory,
        next_seq: room.info.last_seq + 1,
        offset_ms,
    })
}
