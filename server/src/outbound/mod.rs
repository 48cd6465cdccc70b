//! The way out to one client: a bounded queue with a close signal that
//! jumps it (`queue.rs`), and the writer task that drains both into the
//! socket and pings (`writer.rs`).

mod queue;
mod writer;

pub use queue::{CloseReq, CloseRx, ConnLink, LinkEnds, Out, QueueRx, TryRecvError};
pub use writer::{event_frame, write_loop};
