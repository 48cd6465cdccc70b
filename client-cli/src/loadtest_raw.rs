//! The lean load generator: raw WebSocket connections (no room model, no
//! strategy) for the benchmark's chat, fan-out, idle and parked-games modes,
//! so that the generator costs as little CPU and memory as it can.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use hdrhistogram::Histogram;
use serde::Deserialize;
use tokio::net::{TcpSocket, TcpStream};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{WebSocketStream, client_async_with_config};

/// A raw connection.
pub type RawWs = WebSocketStream<TcpStream>;

/// How long any one answer may take before the connection counts as lost.
pub const ANSWER_TIMEOUT: Duration = Duration::from_secs(10);

/// Where and how to dial.
#[derive(Clone, Debug)]
pub struct Dialer {
    /// The WebSocket URL.
    pub url: String,
    /// The server's socket address (resolved once).
    pub addr: SocketAddr,
    /// Local addresses to bind, round-robin (127.0.0.2, … get past the port
    /// limit of one source address); empty: the kernel chooses.
    pub sources: Vec<IpAddr>,
    next: Arc<AtomicUsize>,
}

impl Dialer {
    /// Resolves `url`'s host once. Plain `ws://` only: the load runs on a
    /// server's own network, where TLS would only measure the TLS.
    pub async fn new(url: &str, sources: Vec<IpAddr>) -> anyhow::Result<Dialer> {
        crate::wire::check_url(url)?;
        if !url.starts_with("ws://") {
            anyhow::bail!("the load generator speaks ws:// only, not {url}");
        }
        let uri: tokio_tungstenite::tungstenite::http::Uri = url.parse()?;
        let host = uri.host().unwrap_or("127.0.0.1");
        let port = uri.port_u16().unwrap_or(80);
        let addr = tokio::net::lookup_host((host, port))
            .await?
            .next()
            .ok_or_else(|| anyhow::anyhow!("{host} resolves to nothing"))?;
        Ok(Dialer {
            url: url.to_string(),
            addr,
            sources,
            next: Arc::new(AtomicUsize::new(0)),
        })
    }

    /// Opens one WebSocket (TCP_NODELAY, bound to the next source address).
    pub async fn dial(&self) -> anyhow::Result<RawWs> {
        let socket = if self.addr.is_ipv4() {
            TcpSocket::new_v4()?
        } else {
            TcpSocket::new_v6()?
        };
        if !self.sources.is_empty() {
            let n = self.next.fetch_add(1, Ordering::Relaxed) % self.sources.len();
            socket.bind(SocketAddr::new(self.sources[n], 0))?;
        }
        let tcp = tokio::time::timeout(ANSWER_TIMEOUT, socket.connect(self.addr)).await??;
        tcp.set_nodelay(true)?;
        let handshake = client_async_with_config(&self.url, tcp, Some(crate::wire::ws_config()));
        let (ws, _) = tokio::time::timeout(ANSWER_TIMEOUT, handshake).await??;
        Ok(ws)
    }
}

/// The parts of a server frame the generator looks at.
#[derive(Debug, Deserialize)]
pub struct Frame {
    /// `ack`, `error`, `event`, `snapshot`, `pong`.
    #[serde(rename = "type")]
    pub kind: String,
    /// The answered request.
    #[serde(default)]
    pub req: Option<u64>,
    /// An ack's result (flattened into the ack).
    #[serde(flatten)]
    pub result: AckFields,
    /// An error's code.
    #[serde(default)]
    pub code: Option<String>,
    /// An event.
    #[serde(default)]
    pub event: Option<EventFields>,
}

/// The ack fields an opening needs.
#[derive(Debug, Default, Deserialize)]
pub struct AckFields {
    /// The room code.
    #[serde(default)]
    pub room: Option<String>,
    /// Our player id.
    #[serde(default)]
    pub player_id: Option<String>,
}

/// The event fields the fan-out mode reads.
#[derive(Debug, Deserialize)]
pub struct EventFields {
    /// The event kind.
    pub kind: String,
    /// A chat's text.
    #[serde(default)]
    pub text: Option<String>,
}

/// One frame read from the server.
pub enum Read {
    /// A text frame, parsed.
    Frame(Box<Frame>),
    /// A control frame or something unreadable: nothing for us.
    Other,
    /// The connection ended (with why).
    Closed(String),
}

/// Reads the next frame (or `Closed` after `ANSWER_TIMEOUT` of silence).
pub async fn next(ws: &mut RawWs) -> Read {
    match tokio::time::timeout(ANSWER_TIMEOUT, ws.next()).await {
        Err(_) => Read::Closed("timeout".into()),
        Ok(None) => Read::Closed("eof".into()),
        Ok(Some(Err(e))) => Read::Closed(e.to_string()),
        Ok(Some(Ok(Message::Text(text)))) => match serde_json::from_str::<Frame>(&text) {
            Ok(frame) => Read::Frame(Box::new(frame)),
            Err(_) => Read::Other,
        },
        Ok(Some(Ok(Message::Close(frame)))) => {
            Read::Closed(frame.map_or("close".into(), |f| format!("close {}", f.code)))
        }
        Ok(Some(Ok(_))) => Read::Other,
    }
}

/// What one connection counted.
#[derive(Clone, Debug, Default)]
pub struct Tally {
    /// Requests acknowledged.
    pub acked: u64,
    /// Events received.
    pub events: u64,
    /// Chat events received (fan-out).
    pub chats: u64,
    /// Refusals by code.
    pub refusals: std::collections::BTreeMap<String, u64>,
    /// Lost connections.
    pub disconnections: u64,
    /// Request→answer µs.
    pub ack_us: Samples,
    /// Chat sent→delivered µs (fan-out).
    pub event_us: Samples,
}

/// Latency samples in µs, kept as they come and put in a histogram once at
/// the end. A histogram per connection would not do: at 1 µs..60 s and 3
/// figures each is 139 KB of counters, and 10,000 connections zeroing theirs
/// at once kept the generator busy for seconds at the start of the load.
#[derive(Clone, Debug, Default)]
pub struct Samples(Vec<u32>);

impl Samples {
    /// Keeps one sample (at least 1 µs, at most 60 s).
    pub fn record(&mut self, us: u64) {
        self.0.push(us.clamp(1, 60_000_000) as u32);
    }

    /// All samples in a histogram of 1 µs..60 s at 3 significant figures.
    pub fn histogram(&self) -> Histogram<u64> {
        let mut h =
            Histogram::new_with_bounds(1, 60_000_000, 3).expect("1 µs..60 s at 3 figures is valid");
        for &us in &self.0 {
            // Ignored: `record` keeps every sample within the bounds.
            let _ = h.record(u64::from(us));
        }
        h
    }
}

impl Tally {
    /// Adds `other` into this one.
    pub fn merge(&mut self, other: &Tally) {
        self.acked += other.acked;
        self.events += other.events;
        self.chats += other.chats;
        self.disconnections += other.disconnections;
        for (code, n) in &other.refusals {
            *self.refusals.entry(code.clone()).or_default() += n;
        }
        self.ack_us.0.extend_from_slice(&other.ack_us.0);
        self.event_us.0.extend_from_slice(&other.event_us.0);
    }

    /// Counts a frame that is not the answer awaited; `epoch` dates fan-out chats.
    pub fn other_frame(&mut self, frame: &Frame, epoch: Instant) {
        if frame.kind != "event" {
            return;
        }
        self.events += 1;
        let Some(event) = &frame.event else { return };
        if event.kind != "chat" {
            return;
        }
        self.chats += 1;
        // Fan-out chats carry their send time: "t<µs since epoch>".
        if let Some(sent) = event
            .text
            .as_deref()
            .and_then(|t| t.strip_prefix('t'))
            .and_then(|t| t.parse::<u64>().ok())
        {
            let now = epoch.elapsed().as_micros() as u64;
            self.event_us.record(now.saturating_sub(sent));
        }
    }
}

/// Sends `body` (a JSON object without `req`) as request `req`.
pub async fn send(ws: &mut RawWs, req: u64, body: &str) -> Result<(), String> {
    // `body` is `{"type":…}`: put `req` first inside it.
    let text = format!(r#"{{"req":{req},{}"#, &body[1..]);
    ws.send(Message::text(text))
        .await
        .map_err(|e| e.to_string())
}

/// Waits for the answer to `req`, counting other frames into `tally`.
/// `Ok(None)`: acknowledged; `Ok(Some(code))`: refused.
pub async fn answer(
    ws: &mut RawWs,
    req: u64,
    tally: &mut Tally,
    epoch: Instant,
) -> Result<(Option<String>, Option<AckFields>), String> {
    // Bounded: each read waits at most ANSWER_TIMEOUT, and a few thousand
    // events before one answer would mean the room is broken.
    for _ in 0..100_000 {
        match next(ws).await {
            Read::Frame(frame) if frame.req == Some(req) && frame.kind == "ack" => {
                return Ok((None, Some(frame.result)));
            }
            Read::Frame(frame) if frame.req == Some(req) && frame.kind == "error" => {
                return Ok((Some(frame.code.unwrap_or_default()), None));
            }
            Read::Frame(frame) => tally.other_frame(&frame, epoch),
            Read::Other => {}
            Read::Closed(why) => return Err(why),
        }
    }
    Err("no answer among 100000 frames".into())
}

/// Sends an opening (`req` 1) and returns the socket with the ack's fields.
pub async fn open(dialer: &Dialer, body: &str) -> anyhow::Result<(RawWs, AckFields)> {
    let mut ws = dialer.dial().await?;
    send(&mut ws, 1, body).await.map_err(anyhow::Error::msg)?;
    let mut scratch = Tally::default();
    match answer(&mut ws, 1, &mut scratch, Instant::now()).await {
        Ok((None, fields)) => Ok((ws, fields.unwrap_or_default())),
        Ok((Some(code), _)) => Err(anyhow::anyhow!("opening refused: {code}")),
        Err(why) => Err(anyhow::anyhow!("opening failed: {why}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn samples_merge_into_one_histogram_within_its_bounds() {
        let mut a = Tally::default();
        let mut b = Tally::default();
        for us in 1..=99 {
            a.ack_us.record(us * 10);
        }
        b.ack_us.record(0);
        b.ack_us.record(120_000_000);
        a.merge(&b);
        let h = a.ack_us.histogram();
        assert_eq!(h.len(), 101);
        assert_eq!(h.min(), 1, "0 µs counts as 1");
        assert!(h.max() >= 59_900_000, "120 s counts as 60 s: {}", h.max());
        assert_eq!(
            h.value_at_quantile(0.5),
            500,
            "1, 10, 20 … 990, 60 s: the 51st"
        );
    }
}
