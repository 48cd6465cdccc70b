//! The connection's task behind a [`Client`](super::Client): owns the
//! socket, numbers requests, matches answers by `req`, applies events to
//! the model (asking `sync` on a seq gap) and reconnects with `resume`,
//! resending what was in flight.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};
use std::time::Duration;

use allssam_protocol::{AckResult, ClientMessage, Event, Phase, Request, ServerMessage};
use futures_util::stream::{SplitSink, SplitStream};
use futures_util::{SinkExt, StreamExt};
use tokio::sync::{broadcast, mpsc, oneshot};
use tokio_tungstenite::tungstenite::Message;

use super::{Answer, Command, Update};
use crate::state::State;
use crate::wire::{ClientError, Closed, Drop, Incoming, Ws, classify, frame, open, read};

/// Reconnection attempts before giving up (with backoff up to 5 s: about 4 minutes).
const RECONNECT_ATTEMPTS: u32 = 50;
/// A WebSocket ping this often: the server drops a connection silent for 30 s.
const KEEPALIVE: Duration = Duration::from_secs(10);

/// A request sent and not yet answered (resent after a reconnect).
pub(super) struct Pending {
    request: Request,
    reply: Option<oneshot::Sender<Answer>>,
    after_snapshot: bool,
}

impl Pending {
    /// A request nobody waits for (the client's own `sync`).
    fn unanswered(request: Request) -> Pending {
        Pending {
            request,
            reply: None,
            after_snapshot: false,
        }
    }
}

/// The connection's task: owns the socket and everything in flight.
pub(super) struct Actor {
    pub(super) url: String,
    pub(super) reopen: Option<ClientMessage>,
    pub(super) ended: Arc<OnceLock<String>>,
    pub(super) state: Arc<Mutex<State>>,
    pub(super) updates: broadcast::Sender<Update>,
    pub(super) pending: BTreeMap<u64, Pending>,
    pub(super) next_req: u64,
    pub(super) expected_seq: u64,
    pub(super) awaiting_sync: bool,
    /// `sync` callers acked and waiting for the snapshot that follows.
    pub(super) snapshot_waiters: Vec<(oneshot::Sender<Answer>, AckResult)>,
    /// The facilitator's connection: refresh the model at every phase change.
    pub(super) facilitator: bool,
}

impl Actor {
    pub(super) async fn run(mut self, ws: Ws, mut inbox: mpsc::Receiver<Command>) {
        let mut ws = ws;
        loop {
            let (mut sink, mut stream) = ws.split();
            let dropped = self.serve(&mut sink, &mut stream, &mut inbox).await;
            let reason = match dropped {
                Drop::Final(closed) => {
                    self.finish(closed);
                    return;
                }
                Drop::Retry(reason) => reason,
            };
            let _ = self.updates.send(Update::Reconnecting(reason.clone()));
            match self.reconnect().await {
                Some(fresh) => ws = fresh,
                None => {
                    self.finish(Closed::here(format!(
                        "gave up reconnecting after: {reason}"
                    )));
                    return;
                }
            }
        }
    }

    /// Serves one connection until it drops or every `Client` is gone.
    async fn serve(
        &mut self,
        sink: &mut SplitSink<Ws, Message>,
        stream: &mut SplitStream<Ws>,
        inbox: &mut mpsc::Receiver<Command>,
    ) -> Drop {
        let mut keepalive = tokio::time::interval(KEEPALIVE);
        keepalive.tick().await;
        loop {
            tokio::select! {
                command = inbox.recv() => match command {
                    None => {
                        // Every Client is dropped: close politely; nothing to wait for.
                        let _ = sink.send(Message::Close(None)).await;
                        return Drop::Final(Closed::here("closed by the client"));
                    }
                    Some(Command::Send { body, stamp, reply, after_snapshot }) => {
                        let request = self.number(body, stamp);
                        let message = frame(&request);
                        let req = request.req.unwrap_or(0);
                        let pending = Pending { request, reply: Some(reply), after_snapshot };
                        self.pending.insert(req, pending);
                        if let Err(e) = sink.send(message).await {
                            return Drop::Retry(e.to_string());
                        }
                    }
                },
                message = stream.next() => {
                    let Some(message) = message else {
                        return Drop::Retry("the server hung up".into());
                    };
                    match read(message) {
                        Incoming::Message(m) => {
                            if let Some(sync) = self.receive(m)
                                && let Err(e) = sink.send(frame(&sync)).await {
                                    return Drop::Retry(e.to_string());
                                }
                        }
                        Incoming::UnknownEvent(seq) => {
                            // Unknown kinds still advance seq (PROTOCOL.md "Envelope").
                            if seq == self.expected_seq {
                                self.expected_seq += 1;
                            }
                        }
                        Incoming::Nothing => {}
                        Incoming::Closed(code, reason) => return classify(code, reason),
                    }
                }
                _ = keepalive.tick() => {
                    // The server drops a connection silent for 30 s; a ping frame counts.
                    if let Err(e) = sink.send(Message::Ping(Vec::new().into())).await {
                        return Drop::Retry(e.to_string());
                    }
                }
            }
        }
    }

    fn number(&mut self, body: ClientMessage, stamp: bool) -> Request {
        let mut request = Request::new(body).with_req(self.next_req);
        self.next_req += 1;
        if stamp {
            let state = self.state.lock().unwrap_or_else(|e| e.into_inner());
            request.round = Some(state.view.round);
            request.phase = Some(state.view.phase);
        }
        request
    }

    /// Handles one server message; returns a `sync` request to send on a seq gap.
    fn receive(&mut self, message: ServerMessage) -> Option<Request> {
        match message {
            ServerMessage::Ack { req, result } => self.answer(req, Ok(result)),
            ServerMessage::Pong { req } => self.answer(req, Ok(AckResult::default())),
            ServerMessage::Error(e) => {
                let req = e.req;
                self.answer(req, Err(e));
            }
            ServerMessage::Snapshot { seq, view } => {
                self.lock().apply_snapshot(*view);
                self.expected_seq = seq + 1;
                self.awaiting_sync = false;
                self.release_sync_waiters();
                let _ = self.updates.send(Update::Snapshot);
            }
            ServerMessage::Event { seq, event } => {
                if self.awaiting_sync || seq < self.expected_seq {
                    // Covered by the snapshot on its way, or a duplicate.
                    return None;
                }
                if seq > self.expected_seq {
                    // A lost message: ask for the whole room again (PROTOCOL.md "Envelope").
                    tracing::debug!(seq, expected = self.expected_seq, "seq gap: sync");
                    self.awaiting_sync = true;
                    let request = self.number(ClientMessage::Sync, false);
                    let req = request.req.unwrap_or(0);
                    self.pending
                        .insert(req, Pending::unanswered(request.clone()));
                    return Some(request);
                }
                self.expected_seq += 1;
                let refresh = match &*event {
                    // The start sets every starting balance without a
                    // balance_changed, and the market sends none to the
                    // facilitator (PROTOCOL.md "Events"): a fresh snapshot
                    // then. Events keep flowing meanwhile; the snapshot
                    // covers those before it.
                    Event::PhaseChanged { .. } => {
                        self.facilitator || self.lock().view.phase == Phase::Lobby
                    }
                    _ => false,
                };
                self.lock().apply(&event);
                if refresh {
                    let _ = self.updates.send(Update::Event(event));
                    let request = self.number(ClientMessage::Sync, false);
                    let req = request.req.unwrap_or(0);
                    self.pending
                        .insert(req, Pending::unanswered(request.clone()));
                    return Some(request);
                }
                // Nobody listening is fine: the model is the truth.
                let _ = self.updates.send(Update::Event(event));
            }
        }
        None
    }

    fn answer(&mut self, req: Option<u64>, answer: Answer) {
        let Some(pending) = req.and_then(|r| self.pending.remove(&r)) else {
            return;
        };
        if pending.reply.is_none() && pending.request.body == ClientMessage::Sync && answer.is_err()
        {
            // Our own sync was refused (e.g. rate_limited): stop dropping
            // events; the gap is still there, so the next event asks again.
            self.awaiting_sync = false;
        }
        match (pending.reply, answer) {
            (Some(reply), Ok(ack)) if pending.after_snapshot => {
                self.snapshot_waiters.push((reply, ack));
            }
            // The caller may have timed out and gone: then nobody needs the answer.
            (Some(reply), answer) => {
                let _ = reply.send(answer);
            }
            (None, _) => {}
        }
    }

    /// The snapshot after their ack is in the model: `sync` callers may go on.
    fn release_sync_waiters(&mut self) {
        for (reply, ack) in self.snapshot_waiters.drain(..) {
            let _ = reply.send(Ok(ack));
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Resumes with backoff; resends in-flight requests marked `retry`.
    async fn reconnect(&mut self) -> Option<Ws> {
        let reopen = self.reopen.clone()?;
        let mut delay = Duration::from_millis(200);
        for _ in 0..RECONNECT_ATTEMPTS {
            tokio::time::sleep(delay).await;
            delay = (delay * 2).min(Duration::from_secs(5));
            let req = self.next_req;
            self.next_req += 1;
            let opened = match open(&self.url, reopen.clone(), req).await {
                Ok(opened) => opened,
                Err(ClientError::Refused(e)) => {
                    tracing::warn!("cannot resume: {}", e.message);
                    return None;
                }
                Err(e) => {
                    tracing::debug!("reconnect failed: {e}");
                    continue;
                }
            };
            if let Some(last) = opened.ack.last_req {
                self.next_req = self.next_req.max(last + 1);
            }
            self.lock().apply_snapshot(opened.view);
            self.expected_seq = opened.seq + 1;
            self.awaiting_sync = false;
            // The resume's snapshot is as fresh as any sync in flight.
            self.release_sync_waiters();
            let syncs: Vec<u64> = self
                .pending
                .iter()
                .filter(|(_, p)| p.request.body == ClientMessage::Sync)
                .map(|(req, _)| *req)
                .collect();
            for req in syncs {
                self.answer(Some(req), Ok(AckResult::default()));
            }
            self.release_sync_waiters();
            let _ = self.updates.send(Update::Reconnected);
            let _ = self.updates.send(Update::Snapshot);
            let mut ws = opened.ws;
            // In flight when the line dropped: the server answers from its memory
            // if it applied them, and applies them otherwise (PROTOCOL.md "Retries").
            for pending in self.pending.values_mut() {
                pending.request.retry = true;
                if ws.send(frame(&pending.request)).await.is_err() {
                    break;
                }
            }
            return Some(ws);
        }
        None
    }

    fn finish(&mut self, closed: Closed) {
        // Recorded before the pending replies are dropped, so a request that
        // fails because of it reports why.
        let _ = self.ended.set(closed.reason.clone());
        self.pending.clear();
        let _ = self.updates.send(Update::Closed(closed));
    }
}
