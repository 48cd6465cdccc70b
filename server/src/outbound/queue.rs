//! One client's outbound queue: bounded, empty of memory while idle, with
//! a close signal that jumps the queue.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use tokio::sync::Notify;

use super::event_frame;

/// Why and how a connection is closed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CloseReq {
    /// The WebSocket close code (see PROTOCOL.md "Closing").
    pub code: u16,
    /// A short reason for people.
    pub reason: &'static str,
}

impl CloseReq {
    /// A close with `code` and `reason`.
    pub const fn new(code: u16, reason: &'static str) -> Self {
        CloseReq { code, reason }
    }
}

/// One item of a connection's outbound queue.
#[derive(Debug)]
pub enum Out {
    /// A JSON text frame.
    Text(String),
    /// An event frame, `{"type":"event","seq":SEQ,"event":BODY}`: the body
    /// is serialized once and shared by every connection it goes to; the
    /// writer assembles the frame (room/task.rs `fan_out`).
    Event {
        /// This connection's sequence number for it.
        seq: u64,
        /// The event's JSON.
        body: Arc<str>,
    },
    /// Close after everything queued before it.
    Close(CloseReq),
}

impl Out {
    /// The text frame this item stands for (`None` for a close).
    pub fn into_text(self) -> Option<String> {
        match self {
            Out::Text(text) => Some(text),
            Out::Event { seq, body } => Some(event_frame(seq, &body)),
            Out::Close(_) => None,
        }
    }
}

/// A cloneable handle on one connection's way out, held by its reader and
/// by the room it is attached to. Never awaits: a full queue means the
/// client is too slow, and it is disconnected (4004).
#[derive(Clone, Debug)]
pub struct ConnLink {
    /// The connection's id (unique in this process).
    pub id: u64,
    /// One allocation shared by every clone: a room holds a clone per frame
    /// waiting for its commit, so a clone is one reference count.
    shared: Arc<Shared>,
}

#[derive(Debug)]
struct Shared {
    queue: Arc<Queue>,
}

impl Drop for Shared {
    /// The last link is gone: the writer sends what is queued, then ends.
    fn drop(&mut self) {
        self.queue.lock().senders_gone = true;
        self.queue.ready.notify_one();
    }
}

/// A bounded queue that holds no memory while empty, and the close signal.
/// A tokio `mpsc` channel allocates a block of 32 slots up front (32 × 32
/// bytes, plus the channel's cache-padded state, ~1.4 KiB) and a `watch`
/// ~0.35 KiB (eight `Notify`s); most connections are idle most of the time,
/// and at 10,000 players those were a tenth of the server's memory
/// (docs/OPERATIONS.md "Memory").
#[derive(Debug)]
struct Queue {
    items: Mutex<Items>,
    /// Wakes the writer; a notification sent while it is busy is kept.
    ready: Notify,
    /// Wakes everyone waiting for the close (the reader and the writer).
    closing: Notify,
}

#[derive(Debug)]
struct Items {
    frames: VecDeque<Out>,
    capacity: usize,
    senders_gone: bool,
    receiver_gone: bool,
    /// Set once: why the connection is closing.
    close: Option<CloseReq>,
}

/// A drained queue keeps at most this many slots (32 bytes each) for the
/// next burst; a larger one, grown by a burst, is given back.
const KEEP_SLOTS: usize = 8;

impl Queue {
    fn lock(&self) -> std::sync::MutexGuard<'_, Items> {
        // A panic while holding this lock leaves the items consistent
        // (every operation is one VecDeque call): keep going.
        self.items.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Why nothing was received without waiting.
#[derive(Debug, PartialEq, Eq)]
pub enum TryRecvError {
    /// Nothing queued now.
    Empty,
    /// Nothing queued, and every link is gone.
    Disconnected,
}

/// The writer's end of a connection's queue.
#[derive(Debug)]
pub struct QueueRx {
    queue: Arc<Queue>,
}

impl QueueRx {
    /// The next queued item, without waiting.
    pub fn try_recv(&mut self) -> Result<Out, TryRecvError> {
        let mut items = self.queue.lock();
        match items.frames.pop_front() {
            Some(out) => {
                if items.frames.is_empty() && items.frames.capacity() > KEEP_SLOTS {
                    items.frames.shrink_to(KEEP_SLOTS);
                }
                Ok(out)
            }
            None if items.senders_gone => Err(TryRecvError::Disconnected),
            None => Err(TryRecvError::Empty),
        }
    }

    /// The next queued item; `None` once every link is gone and the queue
    /// is drained. Cancel-safe: an item is only taken when returned.
    pub async fn recv(&mut self) -> Option<Out> {
        loop {
            match self.try_recv() {
                Ok(out) => return Some(out),
                Err(TryRecvError::Disconnected) => return None,
                Err(TryRecvError::Empty) => self.queue.ready.notified().await,
            }
        }
    }
}

impl Drop for QueueRx {
    fn drop(&mut self) {
        let mut items = self.queue.lock();
        items.receiver_gone = true;
        items.frames = VecDeque::new();
    }
}

/// The receiving ends of a [`ConnLink`], for the writer and the reader.
pub struct LinkEnds {
    /// The queue the writer drains.
    pub queue: QueueRx,
    /// Set once when the connection is to be closed.
    pub close: CloseRx,
}

/// Watches a connection's close signal.
#[derive(Clone, Debug)]
pub struct CloseRx {
    queue: Arc<Queue>,
}

impl CloseRx {
    /// Why the connection is closing, once it is.
    pub fn borrow(&self) -> Option<CloseReq> {
        self.queue.lock().close
    }

    /// Waits until a close is asked for (at once if it already was).
    pub async fn closing(&self) -> CloseReq {
        loop {
            let notified = self.queue.closing.notified();
            let mut notified = std::pin::pin!(notified);
            // Registered before the check: a close between them still wakes us.
            notified.as_mut().enable();
            if let Some(req) = self.borrow() {
                return req;
            }
            notified.await;
        }
    }
}

/// Why an item was not queued.
enum PushError {
    Full,
    Closed,
}

impl ConnLink {
    /// A link whose queue holds at most `capacity` messages.
    pub fn new(id: u64, capacity: usize) -> (ConnLink, LinkEnds) {
        let queue = Arc::new(Queue {
            items: Mutex::new(Items {
                frames: VecDeque::new(),
                capacity: capacity.max(1),
                senders_gone: false,
                receiver_gone: false,
                close: None,
            }),
            ready: Notify::new(),
            closing: Notify::new(),
        });
        let link = ConnLink {
            id,
            shared: Arc::new(Shared {
                queue: Arc::clone(&queue),
            }),
        };
        let ends = LinkEnds {
            queue: QueueRx {
                queue: Arc::clone(&queue),
            },
            close: CloseRx { queue },
        };
        (link, ends)
    }

    fn try_push(&self, out: Out) -> Result<(), PushError> {
        let queue = &self.shared.queue;
        {
            let mut items = queue.lock();
            if items.receiver_gone {
                return Err(PushError::Closed);
            }
            if items.frames.len() >= items.capacity {
                return Err(PushError::Full);
            }
            items.frames.push_back(out);
        }
        queue.ready.notify_one();
        Ok(())
    }

    /// Queues a text frame. `false` when the client is gone or too slow
    /// (then it has been told to close with 4004): detach it.
    pub fn push(&self, text: String) -> bool {
        self.push_out(Out::Text(text))
    }

    /// Queues a text or event frame; as [`ConnLink::push`].
    pub fn push_out(&self, out: Out) -> bool {
        match self.try_push(out) {
            Ok(()) => true,
            Err(PushError::Full) => {
                self.close(CloseReq::new(
                    allssam_protocol::close::TOO_SLOW,
                    "too slow to read",
                ));
                false
            }
            Err(PushError::Closed) => false,
        }
    }

    /// Queues a close after what is already queued; if the queue is full,
    /// closes at once instead.
    pub fn close_after_queue(&self, req: CloseReq) {
        if self.try_push(Out::Close(req)).is_err() {
            self.close(req);
        }
    }

    /// Closes now, ahead of anything queued. The first reason given wins.
    pub fn close(&self, req: CloseReq) {
        let queue = &self.shared.queue;
        let mut items = queue.lock();
        if items.close.is_none() {
            items.close = Some(req);
            drop(items);
            queue.closing.notify_waiters();
        }
    }

    /// Has a close been asked for?
    pub fn is_closing(&self) -> bool {
        self.shared.queue.lock().close.is_some()
    }
}
