//! What a room does with each request once its connection is open: checks,
//! the engine, the journal, the answer, then the events.

use allssam_protocol::{
    AckResult, ClientMessage, ErrorCode, PlayerId, Request, ServerMessage, close,
};

use super::Outcome;
use super::pipeline::Action;
use super::task::{Attached, Room};
use crate::game::{Actor, Command, Refusal, Viewer};
use crate::journal::{Entry, Seat};
use crate::outbound::CloseReq;
use crate::registry::new_token;
use crate::store::{Json, Write};

impl Room {
    /// Handles one request of an attached connection.
    pub(super) async fn request(&mut self, conn: u64, request: Request) -> Outcome {
        let Some(attached) = self.conns.get(&conn) else {
            return Outcome::Refused(ErrorCode::NotJoined);
        };
        let (viewer, seat) = (attached.viewer, attached.seat);
        let req = request.req;
        let remembers = request.body.changes_state();
        if let Some(seat) = seat {
            let memory = self.memory.entry(seat).or_default();
            if request.retry
                && let Some(answer) = req.and_then(|r| memory.recall(r)).cloned()
            {
                self.send(conn, &answer);
                return Outcome::Done;
            }
            memory.saw(req);
        }
        let (answer, events, after) = match self.decide(conn, viewer, seat, &request).await {
            Ok(done) => done,
            Err(refusal) => {
                tracing::debug!(room = %self.code, code = %refusal.code, "refused");
                let answer = refusal_answer(req, refusal);
                // Logged (not awaited) so that the retry memory survives a restart.
                if remembers && let (Some(_), Some(_), Some(actor)) = (seat, req, actor_of(viewer))
                {
                    let entry =
                        Entry::marker(actor, Json::of(&request.body)).answering(seat, req, &answer);
                    let now_ms = self.now_ms();
                    self.log_only(entry, now_ms).await;
                }
                (answer, Vec::new(), After::Nothing)
            }
        };
        let outcome = match &answer {
            ServerMessage::Error(e) => Outcome::Refused(e.code),
            _ => Outcome::Done,
        };
        if remembers && let (Some(seat), Some(req)) = (seat, req) {
            self.memory
                .entry(seat)
                .or_default()
                .remember(req, answer.clone());
        }
        self.send(conn, &answer);
        self.fan_out(&events);
        self.after(conn, after);
        outcome
    }

    /// Checks and applies one request; the answer, the events, and what
    /// must happen to connections once they are sent.
    async fn decide(
        &mut self,
        conn: u64,
        viewer: Viewer,
        seat: Option<Seat>,
        request: &Request,
    ) -> Result<(ServerMessage, Vec<crate::game::Emitted>, After), Refusal> {
        let req = request.req;
        let ack = |result: AckResult| ServerMessage::Ack { req, result };
        let body = &request.body;
        if body.is_play() {
            let wrong_round = request.round.is_some_and(|r| r != self.game.round());
            let wrong_phase = request.phase.is_some_and(|p| p != self.game.phase());
            if wrong_round || wrong_phase {
                return Err(Refusal::new(
                    ErrorCode::WrongPhase,
                    "the room has moved on to another round or phase",
                ));
            }
        }
        match body {
            ClientMessage::Ping => {
                return Ok((ServerMessage::Pong { req }, vec![], After::Nothing));
            }
            ClientMessage::Sync => return Ok((ack(AckResult::default()), vec![], After::Snapshot)),
            _ if body.is_opening() => {
                return Err(Refusal::new(
                    ErrorCode::AlreadyJoined,
                    "this connection is already open",
                ));
            }
            _ => {}
        }
        // Before the spectator's refusal: a facilitator request from anyone
        // else is `not_facilitator` (PROTOCOL.md), spectators included.
        if facilitator_only(body) && viewer != Viewer::Facilitator {
            return Err(Refusal::new(
                ErrorCode::NotFacilitator,
                "only the facilitator may do this",
            ));
        }
        let actor = match viewer {
            Viewer::Facilitator => Actor::Facilitator,
            Viewer::Player(id) => Actor::Player(id),
            Viewer::Spectator => {
                return Err(Refusal::new(ErrorCode::Forbidden, "spectators only watch"));
            }
        };
        if let ClientMessage::SeatToken { player } = body {
            return self
                .seat_token(req, *player)
                .await
                .map(|r| (ack(r), vec![], After::Nothing));
        }
        let command =
            to_command(body).ok_or_else(|| Refusal::new(ErrorCode::Internal, "not a command"))?;
        let now_ms = self.now_ms();
        let applied = self.game.apply(actor, command.clone(), now_ms)?;
        let result = AckResult {
            offer: applied.offer,
            case: applied.case,
            ..AckResult::default()
        };
        let after = match &command {
            Command::Kick { player } => After::Kicked(*player),
            Command::Leave => After::Left(conn),
            _ => After::Nothing,
        };
        let answer = ack(result);
        let mut entry = Entry::applied(actor, &command).answering(seat, req, &answer);
        let revoked = match (&command, seat) {
            (Command::Kick { player }, _) => Some(Seat::Player(*player)),
            (Command::Leave, Some(seat)) => Some(seat),
            _ => None,
        };
        if let Some(revoked) = revoked {
            entry = entry.with(Write::RevokeSeat {
                room: self.code.clone(),
                seat: revoked.to_store(),
                at_ms: self.registry.clock.now_ms(),
            });
        }
        self.commit(entry, now_ms).await;
        Ok((answer, applied.events, after))
    }

    async fn seat_token(
        &mut self,
        req: Option<u64>,
        player: PlayerId,
    ) -> Result<AckResult, Refusal> {
        if !self.game.has_player(player) {
            return Err(Refusal::new(
                ErrorCode::InvalidTarget,
                "no such player in this room",
            ));
        }
        // A kicked seat's tokens stop working (PROTOCOL.md): no new one either.
        if self.game.is_kicked(player) {
            return Err(Refusal::new(
                ErrorCode::InvalidTarget,
                "that player was kicked; the seat takes no part any more",
            ));
        }
        let token = new_token();
        let result = AckResult {
            token: Some(token.clone()),
            ..AckResult::default()
        };
        let now_ms = self.now_ms();
        let seat = Seat::Player(player);
        let answer = ServerMessage::Ack {
            req,
            result: result.clone(),
        };
        // No engine command; the token's hash is what must survive.
        let entry = Entry::marker(
            Actor::Facilitator,
            Json::from(serde_json::json!({ "type": "seat_token", "player": player })),
        )
        .answering(Some(Seat::Facilitator), req, &answer);
        self.commit_with_token(entry, &token, seat, now_ms).await;
        Ok(result)
    }

    /// What a request does to connections once its answer and events are queued.
    fn after(&mut self, conn: u64, after: After) {
        match after {
            After::Nothing => {}
            After::Snapshot => self.send_snapshot(conn),
            After::Kicked(player) => {
                self.revoke_seat(Seat::Player(player));
                if let Some(holder) = self.holders.remove(&Seat::Player(player))
                    && let Some(kicked) = self.conns.remove(&holder)
                {
                    self.staged.actions.push(Action::Close(
                        kicked.link,
                        CloseReq::new(close::KICKED, "kicked by the facilitator"),
                    ));
                }
            }
            After::Left(conn) => {
                if let Some(Attached {
                    seat: Some(seat),
                    link,
                    ..
                }) = self.conns.remove(&conn)
                {
                    self.revoke_seat(seat);
                    self.holders.remove(&seat);
                    self.staged.actions.push(Action::CloseAfterQueue(
                        link,
                        CloseReq::new(1000, "left the room"),
                    ));
                }
            }
        }
    }

    /// Every token of `seat` stops working (RULES.md: a kicked or departed seat).
    fn revoke_seat(&mut self, seat: Seat) {
        let registry = &self.registry;
        self.tokens.retain(|token, s| {
            let keep = *s != seat;
            if !keep {
                registry.revoke_token_hash(token);
            }
            keep
        });
    }
}

/// Who the engine sees acting for a viewer.
fn actor_of(viewer: Viewer) -> Option<Actor> {
    match viewer {
        Viewer::Facilitator => Some(Actor::Facilitator),
        Viewer::Player(id) => Some(Actor::Player(id)),
        Viewer::Spectator => None,
    }
}

/// What must happen to connections after a request's events.
enum After {
    Nothing,
    Snapshot,
    Kicked(PlayerId),
    Left(u64),
}

/// The `error` answer for a refusal.
pub(crate) fn refusal_answer(req: Option<u64>, refusal: Refusal) -> ServerMessage {
    match refusal.field {
        Some(field) => ServerMessage::error_with(
            req,
            refusal.code,
            refusal.message,
            allssam_protocol::ErrorDetail {
                field: Some(field),
                ..Default::default()
            },
        ),
        None => ServerMessage::error(req, refusal.code, refusal.message),
    }
}

/// Requests only the facilitator may make (PROTOCOL.md "Playing").
fn facilitator_only(body: &ClientMessage) -> bool {
    matches!(
        body,
        ClientMessage::Configure { .. }
            | ClientMessage::Assign { .. }
            | ClientMessage::Start
            | ClientMessage::Pause
            | ClientMessage::Unpause
            | ClientMessage::Advance
            | ClientMessage::Kick { .. }
            | ClientMessage::End
            | ClientMessage::SeatToken { .. }
    )
}

/// The engine command for a play or facilitator request.
fn to_command(body: &ClientMessage) -> Option<Command> {
    Some(match body.clone() {
        ClientMessage::Chat { text, to } => Command::Chat { text, to },
        ClientMessage::Offer {
            to,
            kind,
            amount,
            favor,
        } => Command::Offer {
            to,
            kind,
            amount,
            favor,
        },
        ClientMessage::Respond { offer, accept } => Command::Respond { offer, accept },
        ClientMessage::Withdraw { offer } => Command::Withdraw { offer },
        ClientMessage::Share { infraction, to } => Command::Share { infraction, to },
        ClientMessage::Order => Command::Order,
        ClientMessage::Accuse {
            target,
            charge,
            evidence,
        } => Command::Accuse {
            target,
            charge,
            evidence,
        },
        ClientMessage::WithdrawCase { case } => Command::WithdrawCase { case },
        ClientMessage::Rule { case, verdict } => Command::Rule { case, verdict },
        ClientMessage::Ready => Command::Ready,
        ClientMessage::Leave => Command::Leave,
        ClientMessage::Configure { config } => Command::Configure { config },
        ClientMessage::Assign { player, role } => Command::Assign { player, role },
        ClientMessage::Start => Command::Start,
        ClientMessage::Pause => Command::Pause,
        ClientMessage::Unpause => Command::Unpause,
        ClientMessage::Advance => Command::Advance,
        ClientMessage::Kick { player } => Command::Kick { player },
        ClientMessage::End => Command::End,
        ClientMessage::CreateRoom { .. }
        | ClientMessage::Join { .. }
        | ClientMessage::Resume { .. }
        | ClientMessage::Watch { .. }
        | ClientMessage::Sync
        | ClientMessage::Ping
        | ClientMessage::SeatToken { .. } => return None,
    })
}
