//! The room's task: its state, its loop over mailbox, deadline and expiry,
//! and the fan-out of events to the connections attached to it.

use std::collections::HashMap;
use std::sync::Arc;

use allssam_protocol::{Phase, RoomConfig, ServerMessage, close};
use tokio::sync::mpsc;
use tokio::time::{Instant, sleep_until};

use super::{RetryMemory, RoomMsg};
use crate::game::{Actor, Applied, Command, Emitted, Game, Refusal, Viewer};
use crate::journal::{Action, JournalError, Record, Seat};
use crate::outbound::{CloseReq, ConnLink};
use crate::registry::Registry;
use crate::{SERVER_VERSION, metrics};

/// A connection attached to the room.
pub(super) struct Attached {
    pub link: ConnLink,
    pub viewer: Viewer,
    pub seat: Option<Seat>,
    /// The `seq` of the last snapshot or event queued to it.
    pub seq: u64,
}

/// Everything a room's task owns.
pub(crate) struct Room {
    pub(super) registry: Arc<Registry>,
    pub(super) code: String,
    pub(super) game: Game,
    pub(super) conns: HashMap<u64, Attached>,
    /// Which connection holds each seat (one at a time).
    pub(super) holders: HashMap<Seat, u64>,
    /// Every valid token of this room (mirrored in the registry's sessions).
    pub(super) tokens: HashMap<String, Seat>,
    pub(super) memory: HashMap<Seat, RetryMemory>,
    /// Connections to detach once the current step is done (slow or gone).
    pub(super) dropped: Vec<u64>,
    /// The journal failed: memory and log disagree, so the room must stop.
    pub(super) broken: bool,
    /// The configuration the room was created with (seed included), for its first record.
    pub(super) created_with: RoomConfig,
    phase: Phase,
    empty_since: Option<Instant>,
    ended_at: Option<Instant>,
}

/// Why the loop ended.
enum End {
    Shutdown,
    Expired,
    Broken,
}

impl Room {
    pub(super) fn new(
        registry: Arc<Registry>,
        code: String,
        config: RoomConfig,
        facilitator_token: &str,
    ) -> Room {
        let game = Game::new(code.clone(), config.clone());
        let phase = game.phase();
        metrics::rooms(phase, 1.0);
        tracing::info!(room = %code, "room created");
        Room {
            registry,
            code,
            game,
            conns: HashMap::new(),
            holders: HashMap::new(),
            tokens: HashMap::from([(facilitator_token.to_owned(), Seat::Facilitator)]),
            memory: HashMap::new(),
            dropped: Vec::new(),
            broken: false,
            created_with: config,
            phase,
            empty_since: Some(Instant::now()),
            ended_at: None,
        }
    }

    /// The room's loop: one message, deadline or expiry at a time.
    pub(super) async fn run(mut self, mut inbox: mpsc::Receiver<RoomMsg>) {
        let end = loop {
            let deadline = self
                .game
                .deadline()
                .map(|ms| self.registry.clock.instant_at(ms));
            let expiry = self.expiry();
            tokio::select! {
                msg = inbox.recv() => match msg {
                    Some(RoomMsg::Open { opening, req, conn, reply }) => {
                        let result = self.open(opening, req, conn).await;
                        // Ignored: a connection that stopped waiting is detached by its reader.
                        let _ = reply.send(result);
                    }
                    Some(RoomMsg::Request { conn, request, reply }) => {
                        let outcome = self.request(conn, *request).await;
                        let _ = reply.send(outcome);
                    }
                    Some(RoomMsg::Detach { conn }) => self.dropped.push(conn),
                    Some(RoomMsg::Shutdown) | None => break End::Shutdown,
                },
                _ = sleep_until(deadline.unwrap_or_else(Instant::now)), if deadline.is_some() => {
                    // RULES.md: a phase ends when its deadline passes; the engine decides what that means.
                    if let Ok(applied) = self.apply_system(Command::Tick).await {
                        self.fan_out(&applied.events);
                    }
                }
                _ = sleep_until(expiry.unwrap_or_else(Instant::now)), if expiry.is_some() => break End::Expired,
            }
            self.settle().await;
            if self.broken {
                break End::Broken;
            }
        };
        self.finish(end).await;
    }

    /// When the room should be removed, if nothing happens before
    /// (PROTOCOL.md "Rooms and origins").
    fn expiry(&self) -> Option<Instant> {
        let config = &self.registry.config;
        match self.game.phase() {
            Phase::Lobby => self.empty_since.map(|t| t + config.empty_lobby_ttl),
            Phase::Ended => self.ended_at.map(|t| t + config.ended_retention),
            // A game in progress is never removed for being empty: players come back.
            _ => None,
        }
    }

    /// After each step: detach dropped connections, note phase changes.
    async fn settle(&mut self) {
        while let Some(conn) = self.dropped.pop() {
            self.detach(conn).await;
        }
        let phase = self.game.phase();
        if phase != self.phase {
            metrics::rooms(self.phase, -1.0);
            metrics::rooms(phase, 1.0);
            match (self.phase, phase) {
                (Phase::Lobby, _) => tracing::info!(room = %self.code, "game started"),
                (_, Phase::Ended) => tracing::info!(room = %self.code, "game ended"),
                _ => {}
            }
            if phase == Phase::Ended {
                self.ended_at = Some(Instant::now());
            }
            self.phase = phase;
        }
        self.empty_since = match (self.conns.is_empty(), self.empty_since) {
            (true, None) => Some(Instant::now()),
            (true, since) => since,
            (false, _) => None,
        };
    }

    async fn detach(&mut self, conn: u64) {
        let Some(attached) = self.conns.remove(&conn) else {
            return;
        };
        let Some(seat) = attached.seat else { return };
        if self.holders.get(&seat) != Some(&conn) {
            return;
        }
        self.holders.remove(&seat);
        if let Seat::Player(player) = seat
            && self.game.has_player(player)
            && let Ok(applied) = self.apply_system(Command::Disconnect { player }).await
        {
            self.fan_out(&applied.events);
        }
    }

    async fn finish(mut self, end: End) {
        let (req, why) = match end {
            End::Shutdown => (
                CloseReq::new(close::GOING_AWAY, "server shutting down"),
                "shutdown",
            ),
            End::Expired => (CloseReq::new(close::ROOM_CLOSED, "room closed"), "expired"),
            End::Broken => (CloseReq::new(1011, "internal error"), "journal failure"),
        };
        for attached in self.conns.values() {
            attached.link.close(req);
        }
        self.conns.clear();
        if !matches!(end, End::Shutdown) {
            for token in self.tokens.keys() {
                self.registry.revoke_token(token);
            }
            self.registry.remove_room(&self.code);
            if let Err(e) = self.registry.journal.room_removed(&self.code).await {
                tracing::error!(room = %self.code, error = %e, "could not record the room's removal");
            }
        }
        metrics::rooms(self.phase, -1.0);
        tracing::info!(room = %self.code, why, "room closed");
    }

    /// Applies a fact from the server (actor System) and journals it.
    pub(super) async fn apply_system(&mut self, command: Command) -> Result<Applied, Refusal> {
        let skip_if_idle = matches!(command, Command::Tick);
        let now_ms = self.registry.clock.now_ms();
        let applied = self.game.apply(Actor::System, command.clone(), now_ms)?;
        // A tick that changed nothing is not worth a record.
        if !(skip_if_idle && applied.events.is_empty()) {
            let record = self.record(Actor::System, None, Action::Game { command }, None);
            self.commit(record, now_ms).await;
        }
        Ok(applied)
    }

    pub(super) fn record(
        &self,
        actor: Actor,
        seat: Option<Seat>,
        action: Action,
        req: Option<u64>,
    ) -> Record {
        Record {
            room: self.code.clone(),
            actor,
            seat,
            action,
            now_ms: 0,
            req,
            answer: Default::default(),
        }
    }

    /// Makes `record` durable before anything is answered; a failure breaks the room.
    pub(super) async fn commit(&mut self, mut record: Record, now_ms: u64) {
        record.now_ms = now_ms;
        if let Err(JournalError(e)) = self.registry.journal.append(record).await {
            tracing::error!(room = %self.code, error = %e, "journal failed; closing the room");
            self.broken = true;
        }
    }

    /// Queues `message` to connection `conn`.
    pub(super) fn send(&mut self, conn: u64, message: &ServerMessage) {
        let Some(attached) = self.conns.get(&conn) else {
            return;
        };
        match serde_json::to_string(message) {
            Ok(text) => {
                if !attached.link.push(text) {
                    self.dropped.push(conn);
                }
            }
            Err(e) => tracing::error!(error = %e, "could not serialize an answer"),
        }
    }

    /// Queues a snapshot of the room as `conn` may see it.
    pub(super) fn send_snapshot(&mut self, conn: u64) {
        let Some(attached) = self.conns.get(&conn) else {
            return;
        };
        let view = self
            .game
            .view_for(attached.viewer, self.registry.clock.now_ms());
        let snapshot = ServerMessage::Snapshot {
            seq: attached.seq,
            view: Box::new(view),
        };
        self.send(conn, &snapshot);
    }

    /// Sends each event to every attached connection whose viewer may see it,
    /// serialized once per emitted event (the engine emits one per distinct content).
    pub(super) fn fan_out(&mut self, events: &[Emitted]) {
        for emitted in events {
            let body = match serde_json::to_string(&emitted.event) {
                Ok(body) => body,
                Err(e) => {
                    tracing::error!(error = %e, "could not serialize an event");
                    continue;
                }
            };
            for (id, attached) in &mut self.conns {
                if !emitted.audience.includes(attached.viewer) {
                    continue;
                }
                attached.seq += 1;
                let frame = format!(
                    r#"{{"type":"event","seq":{},"event":{body}}}"#,
                    attached.seq
                );
                if !attached.link.push(frame) {
                    self.dropped.push(*id);
                }
            }
        }
    }

    /// The opening ack's fields common to every opening.
    pub(super) fn opening_ack(&self) -> allssam_protocol::AckResult {
        allssam_protocol::AckResult {
            protocol: Some(allssam_protocol::PROTOCOL_VERSION),
            server: Some(SERVER_VERSION.to_owned()),
            room: Some(self.code.clone()),
            ..Default::default()
        }
    }
}
