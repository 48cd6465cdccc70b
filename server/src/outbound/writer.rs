//! The writer task: drains a connection's queue into its socket, a burst
//! per write, pings, and ends with a close frame when asked.

use std::time::Duration;

use axum::extract::ws::{CloseFrame, Message, WebSocket};
use futures_util::SinkExt;
use futures_util::stream::SplitSink;
use tokio::time::{Instant, MissedTickBehavior, interval_at, timeout};

use super::{CloseReq, LinkEnds, Out, QueueRx, TryRecvError};
use crate::metrics;

/// `{"type":"event","seq":SEQ,"event":BODY}`, in one allocation of exactly
/// its length: the socket turns it into `Bytes`, which allocates a second
/// header whenever capacity and length differ.
pub fn event_frame(seq: u64, body: &str) -> String {
    use std::fmt::Write as _;
    const HEAD: &str = r#"{"type":"event","seq":"#;
    const MID: &str = r#","event":"#;
    let digits = seq.checked_ilog10().map_or(1, |d| d as usize + 1);
    let mut frame = String::with_capacity(HEAD.len() + digits + MID.len() + body.len() + 1);
    frame.push_str(HEAD);
    // Ignored: writing to a String cannot fail.
    let _ = write!(frame, "{seq}");
    frame.push_str(MID);
    frame.push_str(body);
    frame.push('}');
    debug_assert_eq!(frame.len(), frame.capacity());
    frame
}

/// At most this many queued frames are handed to the socket before one flush.
const BATCH: usize = 64;

/// Feeds `first` and whatever else is already queued (up to [`BATCH`]),
/// then flushes once: with a write buffer, a burst of events to one client
/// leaves in one write instead of one per frame. Returns the extra text
/// frames sent; a queued close ends the batch and is handed back in `closing`.
async fn feed_batch(
    sink: &mut SplitSink<WebSocket, Message>,
    queue: &mut QueueRx,
    first: Message,
    closing: &mut Option<Option<CloseReq>>,
) -> Result<u64, ()> {
    sink.feed(first).await.map_err(|_| ())?;
    let mut texts = 0;
    for _ in 0..BATCH {
        match queue.try_recv() {
            Ok(Out::Text(text)) => {
                sink.feed(Message::Text(text.into()))
                    .await
                    .map_err(|_| ())?;
                texts += 1;
            }
            Ok(Out::Event { seq, body }) => {
                sink.feed(Message::Text(event_frame(seq, &body).into()))
                    .await
                    .map_err(|_| ())?;
                texts += 1;
            }
            Ok(Out::Close(req)) => {
                *closing = Some(Some(req));
                break;
            }
            Err(TryRecvError::Disconnected) => {
                *closing = Some(None);
                break;
            }
            Err(TryRecvError::Empty) => break,
        }
    }
    sink.flush().await.map_err(|_| ())?;
    Ok(texts)
}

/// How long the writer tries to hand a close frame to a client before it
/// drops the socket anyway.
const CLOSE_GRACE: Duration = Duration::from_secs(1);

/// Drains the queue into the socket, pings every `ping_every`, and ends
/// with a close frame when asked.
pub async fn write_loop(
    mut sink: SplitSink<WebSocket, Message>,
    mut ends: LinkEnds,
    ping_every: Duration,
) {
    let mut ping = interval_at(Instant::now() + ping_every, ping_every);
    ping.set_missed_tick_behavior(MissedTickBehavior::Delay);
    // Made once: a fresh wait per frame registers and drops a waiter each time.
    let closing = ends.close.closing();
    tokio::pin!(closing);
    let close = loop {
        let message = tokio::select! {
            biased;
            req = &mut closing => break Some(req),
            out = ends.queue.recv() => match out {
                Some(Out::Text(text)) => Message::Text(text.into()),
                Some(Out::Event { seq, body }) => Message::Text(event_frame(seq, &body).into()),
                Some(Out::Close(req)) => break Some(req),
                None => break None,
            },
            _ = ping.tick() => Message::Ping(Default::default()),
        };
        let counted = matches!(message, Message::Text(_));
        // A send to a client that does not read blocks; a close request
        // must still get through, so the two race.
        let mut queued_close = None;
        tokio::select! {
            biased;
            req = &mut closing => break Some(req),
            sent = feed_batch(&mut sink, &mut ends.queue, message, &mut queued_close) => {
                match sent {
                    Ok(texts) => metrics::messages_out(texts + u64::from(counted)),
                    Err(()) => return,
                }
            }
        }
        if let Some(close) = queued_close {
            break close;
        }
    };
    if let Some(req) = close {
        let frame = CloseFrame {
            code: req.code,
            reason: req.reason.into(),
        };
        // Ignored: the client may already be gone, and the socket is dropped next.
        let _ = timeout(CLOSE_GRACE, sink.send(Message::Close(Some(frame)))).await;
    }
    let _ = timeout(CLOSE_GRACE, sink.close()).await;
}
