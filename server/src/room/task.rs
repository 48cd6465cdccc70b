//! The room's task: its state, its loop over mailbox, deadline, expiry and
//! commits, and the fan-out of events to the connections attached to it.

use std::collections::HashMap;
use std::sync::Arc;

use allssam_protocol::{Phase, RoomConfig, ServerMessage, close};
use tokio::sync::mpsc;
use tokio::time::{Instant, sleep_until};

use super::pipeline::{Action, Batch, MAX_IN_FLIGHT, Pipeline};
use super::{RetryMemory, RoomMsg};
use crate::game::{Actor, Applied, Command, Emitted, Game, Refusal, Viewer};
use crate::journal::{Entry, RoomLog, Seat};
use crate::outbound::{CloseReq, ConnLink, Out};
use crate::registry::Registry;
use crate::store::{Durable, TokenHash, Write};
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
    /// Every valid token of this room, by hash (mirrored in the registry's sessions).
    pub(super) tokens: HashMap<TokenHash, Seat>,
    pub(super) memory: HashMap<Seat, RetryMemory>,
    /// Connections to detach once the current step is done (slow or gone).
    pub(super) dropped: Vec<u64>,
    /// The journal failed: memory and log disagree, so the room must stop.
    pub(super) broken: bool,
    /// The configuration the room was created with (seed included), for its first record.
    pub(super) created_with: RoomConfig,
    /// Where its records go.
    pub(super) log: RoomLog,
    /// `game now = wall now - offset_ms`: after a restart the game clock
    /// resumes where it stopped (store/mod.rs, "Recovery").
    pub(super) offset_ms: i64,
    /// What the current step sends once its records are committed.
    pub(super) staged: Batch,
    /// The commits the current step waits for.
    pub(super) durables: Vec<Durable>,
    /// Earlier steps' batches, waiting for their commits.
    pub(super) pipeline: Pipeline,
    /// A new room (not restored) whose row is not written yet.
    fresh: bool,
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
        tracing::info!(room = %code, "room created");
        let tokens = HashMap::from([(TokenHash::of(facilitator_token), Seat::Facilitator)]);
        let mut room = Room::assemble(registry, code, game, config, tokens, HashMap::new(), 1, 0);
        room.fresh = true;
        room
    }

    /// A room from its parts (new or restored).
    #[allow(clippy::too_many_arguments)]
    pub(super) fn assemble(
        registry: Arc<Registry>,
        code: String,
        game: Game,
        created_with: RoomConfig,
        tokens: HashMap<TokenHash, Seat>,
        memory: HashMap<Seat, RetryMemory>,
        next_seq: u64,
        offset_ms: i64,
    ) -> Room {
        let phase = game.phase();
        metrics::rooms(phase, 1.0);
        let log = RoomLog::new(
            Arc::clone(&registry.store),
            code.clone(),
            next_seq,
            registry.config.snapshot_every,
        );
        Room {
            registry,
            code,
            game,
            conns: HashMap::new(),
            holders: HashMap::new(),
            tokens,
            memory,
            dropped: Vec::new(),
            broken: false,
            created_with,
            log,
            offset_ms,
            staged: Batch::default(),
            durables: Vec::new(),
            pipeline: Pipeline::default(),
            fresh: false,
            phase,
            empty_since: Some(Instant::now()),
            ended_at: None,
        }
    }

    /// The game clock (epoch ms, shifted by the offset after a restart).
    pub(super) fn now_ms(&self) -> u64 {
        let wall = i64::try_from(self.registry.clock.now_ms()).unwrap_or(i64::MAX);
        u64::try_from(wall.saturating_sub(self.offset_ms)).unwrap_or(0)
    }

    /// The room's loop: one message, deadline, expiry or finished commit at
    /// a time. A step applies at once; what it sends waits for its commits
    /// (pipeline.rs) while the next steps run.
    pub(super) async fn run(mut self, mut inbox: mpsc::Receiver<RoomMsg>) {
        if self.fresh {
            Box::pin(self.write_room_row()).await;
        }
        self.seal();
        // The steps below are boxed: a room's task future is as big as its
        // largest await, and a parked game keeps its future for hours. Boxed,
        // an idle room's future is 3.9 KB instead of 7.1 KB (docs/OPERATIONS.md
        // "Memory per idle connection"); a request pays one allocation for it.
        let end = loop {
            if self.broken {
                break End::Broken;
            }
            let deadline = self.game.deadline().map(|ms| {
                let wall = i64::try_from(ms)
                    .unwrap_or(i64::MAX)
                    .saturating_add(self.offset_ms);
                self.registry
                    .clock
                    .instant_at(u64::try_from(wall).unwrap_or(0))
            });
            let expiry = self.expiry();
            let room_for_more = self.pipeline.len() < MAX_IN_FLIGHT;
            tokio::select! {
                Some((result, batch)) = self.pipeline.next(), if !self.pipeline.is_empty() => {
                    self.land(result, batch);
                }
                msg = inbox.recv(), if room_for_more => match msg {
                    Some(RoomMsg::Open { opening, req, conn, reply }) => {
                        self.staged.requester = Some((conn.clone(), req));
                        let result = Box::pin(self.open(opening, req, conn)).await;
                        self.staged.actions.push(Action::ReplyOpen(reply, result));
                    }
                    Some(RoomMsg::Request { conn, request, reply }) => {
                        self.staged.requester =
                            self.conns.get(&conn).map(|a| (a.link.clone(), request.req));
                        let outcome = Box::pin(self.request(conn, *request)).await;
                        self.staged.actions.push(Action::Reply(reply, outcome));
                    }
                    Some(RoomMsg::Detach { conn }) => self.dropped.push(conn),
                    Some(RoomMsg::Shutdown) | None => break End::Shutdown,
                },
                _ = sleep_until(deadline.unwrap_or_else(Instant::now)), if deadline.is_some() => {
                    // RULES.md: a phase ends when its deadline passes; the engine decides what that means.
                    if let Ok(applied) = Box::pin(self.apply_system(Command::Tick)).await {
                        self.fan_out(&applied.events);
                    }
                }
                _ = sleep_until(expiry.unwrap_or_else(Instant::now)), if expiry.is_some() => break End::Expired,
            }
            // Settling may detach connections a release found gone, which
            // is a step of its own.
            loop {
                self.settle().await;
                self.seal();
                if self.dropped.is_empty() || self.broken {
                    break;
                }
            }
            if self.broken {
                break End::Broken;
            }
        };
        Box::pin(self.finish(end)).await;
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
            Box::pin(self.detach(conn)).await;
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
                let ended = Write::EndRoom {
                    room: self.code.clone(),
                    ended_at_ms: self.registry.clock.now_ms(),
                };
                Box::pin(self.write(vec![ended])).await;
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

    async fn finish(mut self, mut end: End) {
        // Shutdown flushes: every batch waits for its commit and leaves. A
        // broken room sends nothing more but `internal` to the requesters.
        if !matches!(end, End::Broken) {
            self.seal();
            while !self.broken
                && let Some((result, batch)) = self.pipeline.next().await
            {
                self.land(result, batch);
            }
            if self.broken {
                end = End::Broken;
            }
        }
        if matches!(end, End::Broken) {
            std::mem::take(&mut self.staged).fail();
            for batch in self.pipeline.abandon() {
                batch.fail();
            }
        }
        let (req, why) = match end {
            End::Shutdown => (
                CloseReq::new(close::GOING_AWAY, "server shutting down"),
                "shutdown",
            ),
            End::Expired => (CloseReq::new(close::ROOM_CLOSED, "room closed"), "expired"),
            End::Broken => (CloseReq::new(1011, "internal error"), "journal failure"),
        };
        for attached in self.conns.values() {
            // After the queue: the last answers (or `internal`) go first.
            attached.link.close_after_queue(req);
        }
        self.conns.clear();
        if !matches!(end, End::Shutdown) {
            for token in self.tokens.keys() {
                self.registry.revoke_token_hash(token);
            }
            self.registry.remove_room(&self.code);
            // An abandoned lobby leaves nothing worth keeping; an ended room
            // stays in the store, exportable, until its retention passes.
            if matches!(end, End::Expired) && self.phase == Phase::Lobby {
                let removed = Write::RemoveRoom {
                    room: self.code.clone(),
                };
                if let Err(e) = self.log.store().write(vec![removed]).await {
                    tracing::warn!(room = %self.code, error = %e, "could not remove the room");
                }
            }
        }
        metrics::rooms(self.phase, -1.0);
        tracing::info!(room = %self.code, why, "room closed");
    }

    /// Applies a fact from the server (actor System) and journals it.
    pub(super) async fn apply_system(&mut self, command: Command) -> Result<Applied, Refusal> {
        let skip_if_idle = matches!(command, Command::Tick);
        let now_ms = self.now_ms();
        let applied = self.game.apply(Actor::System, command.clone(), now_ms)?;
        // A tick that changed nothing is not worth a record.
        if !(skip_if_idle && applied.events.is_empty()) {
            self.commit(Entry::applied(Actor::System, &command), now_ms)
                .await;
        }
        Ok(applied)
    }

    /// A restored room's first steps: its clock offset is queued before
    /// anything new (commits keep queue order, and nothing is answered
    /// before it is committed), and every seat starts disconnected.
    pub(super) async fn resume(&mut self) {
        let offset = Write::SetClockOffset {
            room: self.code.clone(),
            offset_ms: self.offset_ms,
        };
        self.write(vec![offset]).await;
        for player in self.game.player_ids() {
            let now_ms = self.now_ms();
            let command = Command::Disconnect { player };
            // Refused or silent for a seat nobody held: nothing to log.
            if let Ok(applied) = self.game.apply(Actor::System, command.clone(), now_ms)
                && !applied.events.is_empty()
            {
                self.commit(Entry::applied(Actor::System, &command), now_ms)
                    .await;
            }
        }
        tracing::info!(room = %self.code, phase = ?self.game.phase(), round = self.game.round(), "room restored");
    }

    /// The new room's row and its facilitator's token (the first writes).
    async fn write_room_row(&mut self) {
        let now = self.registry.clock.now_ms();
        let mut writes = vec![Write::CreateRoom {
            code: self.code.clone(),
            config: serde_json::to_value(&self.created_with).unwrap_or_default(),
            created_at_ms: now,
        }];
        for (hash, seat) in &self.tokens {
            writes.push(Write::AddToken {
                room: self.code.clone(),
                hash: *hash,
                seat: seat.to_store(),
                at_ms: now,
            });
        }
        self.write(writes).await;
    }

    /// Queues `message` to connection `conn`.
    pub(super) fn send(&mut self, conn: u64, message: &ServerMessage) {
        let Some(attached) = self.conns.get(&conn) else {
            return;
        };
        match serde_json::to_string(message) {
            Ok(text) => self
                .staged
                .actions
                .push(Action::Frame(attached.link.clone(), Out::Text(text))),
            Err(e) => tracing::error!(error = %e, "could not serialize an answer"),
        }
    }

    /// Queues a snapshot of the room as `conn` may see it.
    pub(super) fn send_snapshot(&mut self, conn: u64) {
        let Some(attached) = self.conns.get(&conn) else {
            return;
        };
        let view = self.game.view_for(attached.viewer, self.now_ms());
        let snapshot = ServerMessage::Snapshot {
            seq: attached.seq,
            view: Box::new(view),
        };
        self.send(conn, &snapshot);
    }

    /// Sends each event to every attached connection whose viewer may see it.
    /// Its JSON is built once per emitted event (the engine emits one per
    /// distinct content) and shared: each connection's writer wraps it in
    /// the envelope with that connection's `seq` (outbound/queue.rs `Out::Event`).
    pub(super) fn fan_out(&mut self, events: &[Emitted]) {
        for emitted in events {
            let body: Arc<str> = match serde_json::to_string(&emitted.event) {
                Ok(body) => body.into(),
                Err(e) => {
                    tracing::error!(error = %e, "could not serialize an event");
                    continue;
                }
            };
            for attached in self.conns.values_mut() {
                if !emitted.audience.includes(attached.viewer) {
                    continue;
                }
                attached.seq += 1;
                let event = Out::Event {
                    seq: attached.seq,
                    body: Arc::clone(&body),
                };
                self.staged
                    .actions
                    .push(Action::Frame(attached.link.clone(), event));
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
