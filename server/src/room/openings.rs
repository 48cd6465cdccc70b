//! What a room does with each opening (`create`, `join`, `resume`): the
//! checks, the seat, the token, the journal, then the opening's answer.

use allssam_protocol::{AckResult, ErrorCode, PlayerId, ServerMessage, close};

use super::Opening;
use super::pipeline::Action;
use super::requests::refusal_answer;
use super::task::{Attached, Room};
use crate::game::{Actor, Command, Refusal, Viewer};
use crate::journal::{Entry, Seat};
use crate::outbound::{CloseReq, ConnLink, Out};
use crate::registry::new_token;
use crate::store::{Json, TokenHash, Write};

impl Room {
    /// Attaches a connection by one of the four openings; the answer (and a
    /// snapshot) is queued to it.
    pub(super) async fn open(
        &mut self,
        opening: Opening,
        req: Option<u64>,
        conn: ConnLink,
    ) -> Result<Viewer, ErrorCode> {
        let id = conn.id;
        let opened = match opening {
            Opening::Create { token } => self.open_create(req, token).await,
            Opening::Join { name } => self.open_join(req, name).await,
            Opening::Resume { token } => self.open_resume(req, &token).await,
            Opening::Watch => Ok((Viewer::Spectator, None, self.opening_ack())),
        };
        match opened {
            Ok((viewer, seat, ack)) => {
                if let Some(seat) = seat {
                    if let Some(older) = self.holders.insert(seat, id)
                        && let Some(old) = self.conns.remove(&older)
                    {
                        self.staged.actions.push(Action::Close(
                            old.link,
                            CloseReq::new(close::REPLACED, "replaced by a newer connection"),
                        ));
                    }
                    self.memory.entry(seat).or_default().saw(req);
                }
                let attached = Attached {
                    link: conn,
                    viewer,
                    seat,
                    seq: 0,
                };
                self.conns.insert(id, attached);
                let answer = ServerMessage::Ack { req, result: ack };
                if let (Some(seat), Some(req)) = (seat, req) {
                    self.memory
                        .entry(seat)
                        .or_default()
                        .remember(req, answer.clone());
                }
                self.send(id, &answer);
                self.send_snapshot(id);
                Ok(viewer)
            }
            Err(refusal) => {
                let code = refusal.code;
                if let Ok(text) = serde_json::to_string(&refusal_answer(req, refusal)) {
                    // Not attached: a full queue here is noticed by the reader.
                    self.staged
                        .actions
                        .push(Action::Frame(conn, Out::Text(text)));
                }
                Err(code)
            }
        }
    }

    async fn open_create(
        &mut self,
        req: Option<u64>,
        token: String,
    ) -> Result<(Viewer, Option<Seat>, AckResult), Refusal> {
        if self.tokens.get(&TokenHash::of(&token)) != Some(&Seat::Facilitator)
            || self.memory.contains_key(&Seat::Facilitator)
        {
            return Err(Refusal::new(
                ErrorCode::BadToken,
                "not this room's new facilitator",
            ));
        }
        let ack = AckResult {
            facilitator_token: Some(token),
            ..self.opening_ack()
        };
        let now_ms = self.now_ms();
        // No engine command: logged so that `last_req` counts it (store/mod.rs).
        let answer = ServerMessage::Ack {
            req,
            result: ack.clone(),
        };
        let entry = Entry::marker(
            Actor::Facilitator,
            Json::from(serde_json::json!({ "type": "create_room" })),
        )
        .answering(Some(Seat::Facilitator), req, &answer);
        self.commit(entry, now_ms).await;
        Ok((Viewer::Facilitator, Some(Seat::Facilitator), ack))
    }

    async fn open_join(
        &mut self,
        req: Option<u64>,
        name: String,
    ) -> Result<(Viewer, Option<Seat>, AckResult), Refusal> {
        let player = PlayerId(uuid::Uuid::new_v4());
        let now_ms = self.now_ms();
        let command = Command::Join { player, name };
        let applied = self.game.apply(Actor::System, command.clone(), now_ms)?;
        let token = new_token();
        let ack = AckResult {
            player_id: Some(player),
            token: Some(token.clone()),
            ..self.opening_ack()
        };
        let seat = Seat::Player(player);
        let answer = ServerMessage::Ack {
            req,
            result: ack.clone(),
        };
        let entry = Entry::applied(Actor::System, &command).answering(Some(seat), req, &answer);
        self.commit_with_token(entry, &token, seat, now_ms).await;
        // The joiner is not attached yet: its snapshot will hold these.
        self.fan_out(&applied.events);
        if let Ok(applied) = self.apply_system(Command::Connect { player }).await {
            self.fan_out(&applied.events);
        }
        Ok((Viewer::Player(player), Some(seat), ack))
    }

    async fn open_resume(
        &mut self,
        req: Option<u64>,
        token: &str,
    ) -> Result<(Viewer, Option<Seat>, AckResult), Refusal> {
        let bad = || Refusal::new(ErrorCode::BadToken, "that token opens nothing here");
        let seat = *self.tokens.get(&TokenHash::of(token)).ok_or_else(bad)?;
        let mut ack = self.opening_ack();
        ack.last_req = Some(
            self.memory
                .get(&seat)
                .map_or(0, |m| m.last_req())
                .max(req.unwrap_or(0)),
        );
        let viewer = match seat {
            Seat::Facilitator => Viewer::Facilitator,
            Seat::Player(player) => {
                if !self.game.has_player(player) {
                    return Err(bad());
                }
                ack.player_id = Some(player);
                let now_ms = self.now_ms();
                let command = Command::Connect { player };
                if !self.holders.contains_key(&seat)
                    && let Ok(applied) = self.game.apply(Actor::System, command.clone(), now_ms)
                {
                    // The resuming seat's record: its `req` counts for `last_req`.
                    let answer = ServerMessage::Ack {
                        req,
                        result: ack.clone(),
                    };
                    let entry =
                        Entry::applied(Actor::System, &command).answering(Some(seat), req, &answer);
                    self.commit(entry, now_ms).await;
                    self.fan_out(&applied.events);
                }
                Viewer::Player(player)
            }
        };
        Ok((viewer, Some(seat), ack))
    }

    /// Commits `entry` together with the hash of a newly issued token (the
    /// token itself is never stored), then lets the token open `seat`.
    pub(super) async fn commit_with_token(
        &mut self,
        entry: Entry,
        token: &str,
        seat: Seat,
        now_ms: u64,
    ) {
        let hash = TokenHash::of(token);
        let entry = entry.with(Write::AddToken {
            room: self.code.clone(),
            hash,
            seat: seat.to_store(),
            at_ms: self.registry.clock.now_ms(),
        });
        self.commit(entry, now_ms).await;
        self.registry.add_token_hash(hash, &self.code, seat);
        self.tokens.insert(hash, seat);
    }
}
