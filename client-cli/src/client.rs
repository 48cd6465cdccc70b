//! The protocol client: one task owns the socket, numbers requests, matches
//! answers by `req`, keeps the local room model current (asking `sync` on a
//! seq gap) and reconnects with `resume`, resending what was in flight.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};
use std::time::Duration;

use allssam_protocol::{
    AckResult, ClientMessage, ConfigPatch, ErrorMessage, Event, PROTOCOL_VERSION, PlayerId,
};
use tokio::sync::{broadcast, mpsc, oneshot};

use crate::state::State;
pub use crate::wire::ClientError;
use crate::wire::open;

/// How a connection opens (PROTOCOL.md "Opening a connection").
#[derive(Clone, Debug)]
pub enum Opening {
    /// Create a room and become its facilitator.
    CreateRoom(Option<ConfigPatch>),
    /// Take a seat in a room's lobby.
    Join {
        /// The room code.
        room: String,
        /// The player's name.
        name: String,
    },
    /// Take a seat (or the facilitator's place) back.
    Resume {
        /// The saved token.
        token: String,
    },
    /// Watch as a spectator.
    Watch {
        /// The room code.
        room: String,
    },
}

/// Who this connection is in its room.
#[derive(Clone, Debug)]
pub struct Session {
    /// The room code.
    pub room: String,
    /// Our seat, if we hold one.
    pub player_id: Option<PlayerId>,
    /// The secret token to resume with (absent for spectators). Never log it.
    pub token: Option<String>,
}

/// What the client tells its listeners, after the model has been updated.
#[derive(Clone, Debug)]
pub enum Update {
    /// A fresh snapshot replaced the model.
    Snapshot,
    /// One event, already applied to the model.
    Event(Box<Event>),
    /// The connection dropped; the client is reconnecting.
    Reconnecting(String),
    /// The connection is back (a snapshot follows).
    Reconnected,
    /// The connection is closed for good (kicked, replaced, room closed, gave up).
    Closed(crate::wire::Closed),
}

type Answer = Result<AckResult, ErrorMessage>;

/// What the handle asks of the connection's task.
enum Command {
    Send {
        body: ClientMessage,
        stamp: bool,
        reply: oneshot::Sender<Answer>,
        /// Answer only once the snapshot that follows the ack is applied (`sync`).
        after_snapshot: bool,
    },
}

/// A connected client. Cheap to clone; the connection lives while a clone does.
#[derive(Clone)]
pub struct Client {
    commands: mpsc::Sender<Command>,
    state: Arc<Mutex<State>>,
    updates: broadcast::Sender<Update>,
    session: Session,
    timeout: Duration,
    /// Why the connection ended for good, once it has: requests that fail
    /// because of it report this reason (e.g. "closed 4001 …").
    ended: Arc<OnceLock<String>>,
}

/// How long `request` waits for an answer before giving up.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

impl Client {
    /// Connects to `url` (e.g. `ws://127.0.0.1:8080/ws`) and opens the connection.
    pub async fn connect(url: &str, opening: Opening) -> Result<Client, ClientError> {
        let (body, given_token) = match opening {
            Opening::CreateRoom(config) => (
                ClientMessage::CreateRoom {
                    protocol: PROTOCOL_VERSION,
                    config,
                },
                None,
            ),
            Opening::Join { room, name } => (
                ClientMessage::Join {
                    protocol: PROTOCOL_VERSION,
                    room,
                    name,
                },
                None,
            ),
            Opening::Resume { token } => (
                ClientMessage::Resume {
                    protocol: PROTOCOL_VERSION,
                    token: token.clone(),
                },
                Some(token),
            ),
            Opening::Watch { room } => (
                ClientMessage::Watch {
                    protocol: PROTOCOL_VERSION,
                    room,
                },
                None,
            ),
        };
        let is_watch = matches!(body, ClientMessage::Watch { .. });
        let opened = open(url, body, 1).await?;
        let ack = opened.ack;
        let room = ack.room.clone().unwrap_or_else(|| opened.view.room.clone());
        let token = given_token.or(ack.facilitator_token).or(ack.token);
        let session = Session {
            room: room.clone(),
            player_id: ack
                .player_id
                .or(opened.view.you.as_ref().map(|y| y.player_id)),
            token: token.clone(),
        };
        // How to come back: a seat or the facilitator resumes; a spectator watches again.
        let reopen = match (&token, is_watch) {
            (_, true) => Some(ClientMessage::Watch {
                protocol: PROTOCOL_VERSION,
                room,
            }),
            (Some(token), false) => Some(ClientMessage::Resume {
                protocol: PROTOCOL_VERSION,
                token: token.clone(),
            }),
            (None, false) => None,
        };
        let facilitator = !is_watch && opened.view.you.is_none();
        let state = Arc::new(Mutex::new(State::new(opened.view)));
        let (updates, _) = broadcast::channel(4096);
        let (commands, inbox) = mpsc::channel(256);
        let ended = Arc::new(OnceLock::new());
        let actor = Actor {
            ended: ended.clone(),
            url: url.to_string(),
            reopen,
            state: state.clone(),
            updates: updates.clone(),
            pending: BTreeMap::new(),
            next_req: ack.last_req.unwrap_or(1) + 1,
            expected_seq: opened.seq + 1,
            awaiting_sync: false,
            snapshot_waiters: Vec::new(),
            facilitator,
        };
        tokio::spawn(actor.run(opened.ws, inbox));
        Ok(Client {
            commands,
            state,
            updates,
            session,
            timeout: REQUEST_TIMEOUT,
            ended,
        })
    }

    /// Who we are in the room.
    pub fn session(&self) -> &Session {
        &self.session
    }

    /// The local model. Do not hold the guard across an `.await`.
    pub fn state(&self) -> MutexGuard<'_, State> {
        // A panic while holding the lock leaves a model still worth reading.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Listens to updates from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<Update> {
        self.updates.subscribe()
    }

    /// Sends a request and waits for its answer. Play requests that belong to
    /// a phase carry the model's `round` and `phase`, so a request that
    /// crosses a phase boundary is refused rather than misapplied.
    pub async fn request(&self, body: ClientMessage) -> Result<AckResult, ClientError> {
        self.send(body, false).await
    }

    /// Asks for a fresh snapshot and returns once it has replaced the model:
    /// the model then holds everything the room did before the request
    /// (PROTOCOL.md `sync`: ack, then a snapshot), whatever the timing of
    /// the events on the way.
    pub async fn sync(&self) -> Result<(), ClientError> {
        self.send(ClientMessage::Sync, true).await.map(|_| ())
    }

    async fn send(
        &self,
        body: ClientMessage,
        after_snapshot: bool,
    ) -> Result<AckResult, ClientError> {
        let stamp = body.is_play()
            && !matches!(
                body,
                ClientMessage::Chat { .. }
                    | ClientMessage::Share { .. }
                    | ClientMessage::Sync
                    | ClientMessage::Ping
                    | ClientMessage::Leave
            );
        let (reply, answer) = oneshot::channel();
        self.commands
            .send(Command::Send {
                body,
                stamp,
                reply,
                after_snapshot,
            })
            .await
            .map_err(|_| self.closed("the connection task has ended"))?;
        match tokio::time::timeout(self.timeout, answer).await {
            Err(_) => Err(ClientError::Timeout(self.timeout)),
            Ok(Err(_)) => Err(self.closed("the connection is closed")),
            Ok(Ok(Ok(ack))) => Ok(ack),
            Ok(Ok(Err(refusal))) => Err(ClientError::Refused(refusal)),
        }
    }
}

impl Client {
    /// The error for a request cut off by the end of the connection: its
    /// real reason when the connection task recorded one.
    fn closed(&self, fallback: &str) -> ClientError {
        let reason = self.ended.get().map_or(fallback, String::as_str);
        ClientError::Closed(reason.to_string())
    }
}

mod actor;

use actor::Actor;

#[cfg(test)]
#[path = "client_tests.rs"]
mod script_tests;
