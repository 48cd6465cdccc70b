//! One client's connection: reads frames under the limits (size, rate,
//! opening and idle timeouts), parses them into requests, and hands them to
//! its room; the writer task (`outbound`) sends everything back.

use std::num::NonZeroU32;
use std::sync::Arc;

use allssam_protocol::{
    ClientMessage, ErrorCode, ErrorDetail, PROTOCOL_VERSION, Request, ServerMessage, close,
    parse_request,
};
use axum::extract::ws::{Message, WebSocket};
use futures_util::StreamExt;
use governor::clock::{Clock as _, DefaultClock};
use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};
use tokio::sync::watch;
use tokio::time::{Instant, sleep_until};
use tokio_tungstenite::tungstenite;

use crate::metrics;
use crate::outbound::{CloseReq, ConnLink, write_loop};
use crate::registry::{ConnectionSlot, Registry};
use crate::room::{Opening, Outcome, RoomHandle, refusal_answer};

/// Where a connection stands.
enum Stage {
    /// No opening request has succeeded yet; it must before `deadline`.
    Opening { deadline: Instant },
    /// Attached to a room.
    Open { room: RoomHandle },
}

/// A connection's reader state.
struct Connection {
    registry: Arc<Registry>,
    link: ConnLink,
    stage: Stage,
    limiter: DefaultDirectRateLimiter,
    /// Requests refused by the rate limit in a row.
    refused_in_row: u32,
    /// We are closing on a client that may still be sending: keep reading
    /// (and discarding) for a moment, so that our last frames are read
    /// before the socket goes (unread data makes the kernel reset it).
    linger: bool,
}

/// How long a closing connection keeps draining what a client still sends.
const LINGER: std::time::Duration = std::time::Duration::from_millis(500);

/// Serves one upgraded WebSocket until it closes. `slot` is `None` when the
/// server is at its connection cap: the client is told `server_full`.
pub async fn serve(
    socket: WebSocket,
    registry: Arc<Registry>,
    slot: Option<ConnectionSlot>,
    mut shutdown: watch::Receiver<bool>,
) {
    let config = &registry.config;
    let (sink, mut stream) = socket.split();
    let id = slot.as_ref().map_or(0, |s| s.id);
    let (link, ends) = ConnLink::new(id, config.outbound_queue);
    let close_signal = ends.close.clone();
    let writer = tokio::spawn(write_loop(sink, ends, config.ping_interval));
    if slot.is_none() {
        metrics::refusal(ErrorCode::ServerFull);
        push(
            &link,
            &ServerMessage::error(
                None,
                ErrorCode::ServerFull,
                "the server is full; try again later",
            ),
        );
        link.close_after_queue(CloseReq::new(1013, "server full"));
        finish_writer(writer).await;
        return;
    }
    tracing::info!(conn = id, "connection opened");
    let rate = NonZeroU32::new(config.rate_per_second).unwrap_or(NonZeroU32::MIN);
    let burst = NonZeroU32::new(config.rate_burst).unwrap_or(NonZeroU32::MIN);
    let mut conn = Connection {
        registry: Arc::clone(&registry),
        link: link.clone(),
        stage: Stage::Opening {
            deadline: Instant::now() + config.opening_timeout,
        },
        limiter: RateLimiter::direct(Quota::per_second(rate).allow_burst(burst)),
        refused_in_row: 0,
        linger: false,
    };
    let idle = config.idle_timeout;
    let mut last_heard = Instant::now();
    // The waits that outlive a frame are made once, not once a frame: a
    // fresh `sleep_until` is a timer wheel entry made and dropped, and the
    // shutdown watch a waiter list shared by every connection.
    let closing = close_signal.closing();
    let shutting_down = shutdown.changed();
    let timer = sleep_until(conn.deadline(last_heard, idle).0);
    tokio::pin!(closing, shutting_down, timer);
    loop {
        tokio::select! {
            _ = &mut closing => break,
            _ = &mut shutting_down => {
                link.close(CloseReq::new(close::GOING_AWAY, "server shutting down"));
                break;
            }
            () = &mut timer => {
                // The timer is set when it fires, not at every frame.
                let (deadline, expired) = conn.deadline(last_heard, idle);
                if deadline > Instant::now() {
                    timer.as_mut().reset(deadline);
                    continue;
                }
                link.close(expired);
                break;
            }
            frame = stream.next() => {
                last_heard = Instant::now();
                match frame {
                    Some(Ok(Message::Text(text))) => conn.on_text(text.as_str()).await,
                    Some(Ok(Message::Binary(_))) => {
                        metrics::message_in();
                        conn.answer_error(None, ErrorCode::Malformed, "send JSON in text frames");
                    }
                    Some(Ok(Message::Ping(_) | Message::Pong(_))) => {}
                    Some(Ok(Message::Close(_))) | None => break,
                    Some(Err(e)) => {
                        if is_too_large(&e) {
                            conn.answer_error(None, ErrorCode::TooLarge, "messages are at most 64 KiB");
                            link.close_after_queue(CloseReq::new(close::TOO_LARGE, "message too large"));
                            // The rest of the message cannot be read past the
                            // library's error: just give the client time to read.
                            tokio::time::sleep(LINGER).await;
                        }
                        break;
                    }
                }
                if link.is_closing() {
                    break;
                }
                if conn.linger {
                    let drain = async { while let Some(Ok(_)) = stream.next().await {} };
                    // Ignored: draining ends either way.
                    let _ = tokio::time::timeout(LINGER, drain).await;
                    break;
                }
            }
        }
    }
    if let Stage::Open { room, .. } = &conn.stage {
        room.detach(id).await;
    }
    link.close_after_queue(CloseReq::new(1000, "bye"));
    finish_writer(writer).await;
    let code = close_signal.borrow().map(|c| c.code);
    tracing::info!(conn = id, close = ?code, "connection closed");
    drop(slot);
}

impl Connection {
    /// When the connection times out, and how it is closed then: no opening
    /// in time, or nothing heard for `idle` since `last_heard`.
    fn deadline(&self, last_heard: Instant, idle: std::time::Duration) -> (Instant, CloseReq) {
        let idle_at = last_heard + idle;
        match &self.stage {
            Stage::Opening { deadline } if *deadline < idle_at => (
                *deadline,
                CloseReq::new(close::NO_OPENING, "no opening message in time"),
            ),
            _ => (idle_at, CloseReq::new(1000, "idle")),
        }
    }

    /// One text frame: rate limit, parse, then the opening or the room.
    async fn on_text(&mut self, text: &str) {
        metrics::message_in();
        let started = Instant::now();
        let parsed = parse_request(text);
        let req = match &parsed {
            Ok(request) => request.req,
            Err(e) => e.req,
        };
        if let Err(not_until) = self.limiter.check() {
            self.refused_in_row += 1;
            let burst = self.registry.config.rate_burst;
            if self.refused_in_row >= burst.saturating_mul(2) {
                // PROTOCOL.md "Closing": a sustained flood is about twice the burst refused in a row.
                metrics::refusal(ErrorCode::RateLimited);
                self.link
                    .close_after_queue(CloseReq::new(close::FLOOD, "flood"));
                self.linger = true;
                return;
            }
            let wait = not_until.wait_time_from(DefaultClock::default().now());
            let detail = ErrorDetail {
                retry_after_ms: Some((wait.as_millis() as u64).max(1)),
                ..ErrorDetail::default()
            };
            metrics::refusal(ErrorCode::RateLimited);
            push(
                &self.link,
                &ServerMessage::error_with(
                    req,
                    ErrorCode::RateLimited,
                    "too many requests; slow down",
                    detail,
                ),
            );
            return;
        }
        self.refused_in_row = 0;
        let request = match parsed {
            Ok(request) => request,
            Err(e) => return self.answer_error(e.req, e.code, e.message),
        };
        self.dispatch(request).await;
        metrics::ack_latency(started.elapsed());
    }

    async fn dispatch(&mut self, request: Request) {
        let req = request.req;
        if let ClientMessage::Ping = request.body {
            push(&self.link, &ServerMessage::Pong { req });
            return;
        }
        match &self.stage {
            Stage::Open { room, .. } => {
                if request.body.is_opening() {
                    return self.answer_error(
                        req,
                        ErrorCode::AlreadyJoined,
                        "this connection is already open",
                    );
                }
                match room.clone().request(self.link.id, request).await {
                    Some(Outcome::Done) => {}
                    Some(Outcome::Refused(code)) => metrics::refusal(code),
                    None => {
                        self.answer_error(req, ErrorCode::RoomNotFound, "the room is gone");
                        self.link
                            .close(CloseReq::new(close::ROOM_CLOSED, "room closed"));
                    }
                }
            }
            // Boxed: an opening happens once per connection, and its future
            // would otherwise be carried (twice over, nested) in every idle
            // connection's task (docs/OPERATIONS.md "Memory").
            Stage::Opening { .. } if request.body.is_opening() => {
                Box::pin(self.open(request)).await;
            }
            Stage::Opening { .. } => {
                self.answer_error(
                    req,
                    ErrorCode::NotJoined,
                    "open the connection first: create_room, join, resume or watch",
                );
            }
        }
    }

    /// An opening request: find or create the room, then let it attach us.
    async fn open(&mut self, request: Request) {
        let req = request.req;
        let (protocol, target) = match request.body {
            ClientMessage::CreateRoom { protocol, config } => (protocol, Target::Create(config)),
            ClientMessage::Join {
                protocol,
                room,
                name,
            } => (protocol, Target::Room(room, Opening::Join { name })),
            ClientMessage::Resume { protocol, token } => (protocol, Target::Token(token)),
            ClientMessage::Watch { protocol, room } => {
                (protocol, Target::Room(room, Opening::Watch))
            }
            _ => return,
        };
        if protocol != PROTOCOL_VERSION {
            let detail = ErrorDetail {
                supported: Some(vec![PROTOCOL_VERSION]),
                ..ErrorDetail::default()
            };
            metrics::refusal(ErrorCode::ProtocolVersion);
            push(
                &self.link,
                &ServerMessage::error_with(
                    req,
                    ErrorCode::ProtocolVersion,
                    format!("this server speaks protocol {PROTOCOL_VERSION}"),
                    detail,
                ),
            );
            return;
        }
        let (room, opening) = match target {
            Target::Create(config) => match self.registry.create_room(config.as_ref()) {
                Ok((room, token)) => (room, Opening::Create { token }),
                Err(refusal) => {
                    metrics::refusal(refusal.code);
                    push(&self.link, &refusal_answer(req, refusal));
                    return;
                }
            },
            Target::Room(code, opening) => match self.registry.room(&code) {
                Some(room) => (room, opening),
                None => {
                    return self.answer_error(
                        req,
                        ErrorCode::RoomNotFound,
                        "no room has that code",
                    );
                }
            },
            Target::Token(token) => match self
                .registry
                .session(&token)
                .and_then(|s| self.registry.room(&s.room))
            {
                Some(room) => (room, Opening::Resume { token }),
                None => {
                    return self.answer_error(
                        req,
                        ErrorCode::BadToken,
                        "that token opens nothing here",
                    );
                }
            },
        };
        match room.open(opening, req, self.link.clone()).await {
            Ok(viewer) => {
                tracing::info!(conn = self.link.id, room = %room.code, ?viewer, "joined a room");
                self.stage = Stage::Open { room };
            }
            Err(code) => {
                metrics::refusal(code);
                if code == ErrorCode::RoomNotFound {
                    // The room vanished between lookup and opening: nobody answered yet.
                    self.answer_error(req, code, "no room has that code");
                }
            }
        }
    }

    fn answer_error(&self, req: Option<u64>, code: ErrorCode, message: impl Into<String>) {
        metrics::refusal(code);
        push(&self.link, &ServerMessage::error(req, code, message));
    }
}

/// Where an opening leads.
enum Target {
    Create(Option<allssam_protocol::ConfigPatch>),
    Room(String, Opening),
    Token(String),
}

/// Queues `message`; a full queue closes the connection (4004) by itself.
fn push(link: &ConnLink, message: &ServerMessage) {
    match serde_json::to_string(message) {
        Ok(text) => {
            // Ignored: a false return means the link is already closing.
            let _ = link.push(text);
        }
        Err(e) => tracing::error!(error = %e, "could not serialize an answer"),
    }
}

/// Is this read error a message or frame over the size limit?
fn is_too_large(error: &axum::Error) -> bool {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(e) = source {
        if let Some(tungstenite::Error::Capacity(_)) = e.downcast_ref::<tungstenite::Error>() {
            return true;
        }
        source = e.source();
    }
    false
}

async fn finish_writer(writer: tokio::task::JoinHandle<()>) {
    let abort = writer.abort_handle();
    if tokio::time::timeout(std::time::Duration::from_secs(3), writer)
        .await
        .is_err()
    {
        abort.abort();
    }
}
