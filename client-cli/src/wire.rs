//! The WebSocket edge: dial the server, send one request, read server
//! messages leniently, and perform an opening handshake up to its snapshot.

use std::time::Duration;

use allssam_protocol::{
    AckResult, ClientMessage, ErrorMessage, Request, ServerMessage, View, close,
};
use futures_util::{SinkExt, StreamExt};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream, connect_async_with_config};

/// An open WebSocket to the server.
pub type Ws = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// How long an opening handshake may take (the server allows 10 s for the
/// opening message; the answer and snapshot come right after it).
pub const OPEN_TIMEOUT: Duration = Duration::from_secs(10);

/// Why a connection or a request failed.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// The address is not a WebSocket address of the server.
    #[error("`{0}` is not a server address: {URL_HINT}")]
    BadUrl(String),
    /// The server could not be reached.
    #[error("cannot reach {url}: {reason}")]
    Connect {
        /// Where we tried.
        url: String,
        /// Why it failed.
        reason: String,
    },
    /// The server refused the request; nothing changed.
    #[error("{}", .0.message)]
    Refused(ErrorMessage),
    /// The connection is closed for good.
    #[error("connection closed: {0}")]
    Closed(String),
    /// No answer came in time.
    #[error("no answer from the server within {0:?}")]
    Timeout(Duration),
    /// The server sent something this client cannot read.
    #[error("unexpected message from the server: {0}")]
    Protocol(String),
}

impl ClientError {
    /// The protocol error code, for a refusal.
    pub fn code(&self) -> Option<allssam_protocol::ErrorCode> {
        match self {
            ClientError::Refused(e) => Some(e.code),
            _ => None,
        }
    }
}

/// What an opening handshake produced: the ack, the first snapshot and its seq.
pub struct Opened {
    /// The socket, ready for play.
    pub ws: Ws,
    /// The opening ack.
    pub ack: AckResult,
    /// The first snapshot.
    pub view: View,
    /// The snapshot's seq.
    pub seq: u64,
}

/// What one frame from the server means to a client.
pub enum Incoming {
    /// A message this client understands.
    Message(ServerMessage),
    /// An event of a kind this client does not know (ignored, but it counts for seq).
    UnknownEvent(u64),
    /// A frame with nothing for the client (WebSocket ping/pong, binary).
    Nothing,
    /// The server closed the connection, with its close code if any.
    Closed(Option<u16>, String),
}

/// How much a connection reads at once. The library's default (128 KiB)
/// is zeroed before every read: with thousands of bots in one process that
/// was a quarter of the load generator's time. Frames are small (64 KiB at
/// most, most under 1 KiB), so 4 KiB, as the server uses, does.
pub const READ_BUFFER: usize = 4 * 1024;

/// The WebSocket settings of every client connection (see [`READ_BUFFER`]).
pub fn ws_config() -> WebSocketConfig {
    WebSocketConfig::default().read_buffer_size(READ_BUFFER)
}

/// What a server address looks like: people copy the web address of the
/// machine (`http://…`) or leave out the path, and the library's own words
/// for that ("URL scheme not supported", "404") do not say what to type.
pub const URL_HINT: &str = "the server URL must start with ws:// or wss:// and end in /ws \
                            (e.g. ws://127.0.0.1:8080/ws)";

/// Refuses, before dialing, an address that cannot be a WebSocket one.
pub fn check_url(url: &str) -> Result<(), ClientError> {
    if url.starts_with("ws://") || url.starts_with("wss://") {
        Ok(())
    } else {
        Err(ClientError::BadUrl(url.to_string()))
    }
}

/// Why a dial failed, with [`URL_HINT`] when the path is not the server's.
fn dial_failure(url: &str, reason: String) -> ClientError {
    let reason = if url.trim_end_matches('/').ends_with("/ws") {
        reason
    } else {
        format!("{reason}; {URL_HINT}")
    };
    ClientError::Connect {
        url: url.to_string(),
        reason,
    }
}

/// Dials `url` (e.g. `ws://127.0.0.1:8080/ws`), without Nagle's delay: a
/// request is one small write that should leave at once.
pub async fn dial(url: &str) -> Result<Ws, ClientError> {
    check_url(url)?;
    let dialed = connect_async_with_config(url, Some(ws_config()), true).await;
    let (ws, _) = dialed.map_err(|e| dial_failure(url, e.to_string()))?;
    Ok(ws)
}

/// Serializes one request into a text frame.
pub fn frame(request: &Request) -> Message {
    // A Request always serializes: it holds only strings, numbers and ids.
    Message::text(serde_json::to_string(request).unwrap_or_default())
}

/// Reads one WebSocket message as the protocol asks a client to: unknown
/// event kinds are skipped, not errors (PROTOCOL.md, first section).
pub fn read(message: Result<Message, tokio_tungstenite::tungstenite::Error>) -> Incoming {
    match message {
        Ok(Message::Text(text)) => match ServerMessage::parse_lenient(&text) {
            Ok(Some(m)) => Incoming::Message(m),
            Ok(None) => {
                let seq = serde_json::from_str::<serde_json::Value>(&text)
                    .ok()
                    .and_then(|v| v.get("seq").and_then(serde_json::Value::as_u64))
                    .unwrap_or(0);
                Incoming::UnknownEvent(seq)
            }
            Err(e) => {
                tracing::warn!("unreadable server message: {e}");
                Incoming::Nothing
            }
        },
        Ok(Message::Close(frame)) => match frame {
            Some(f) => Incoming::Closed(Some(u16::from(f.code)), f.reason.to_string()),
            None => Incoming::Closed(None, "closed".into()),
        },
        Ok(_) => Incoming::Nothing,
        Err(e) => Incoming::Closed(None, e.to_string()),
    }
}

/// Dials and sends an opening request; waits for its answer and the snapshot.
pub async fn open(url: &str, opening: ClientMessage, req: u64) -> Result<Opened, ClientError> {
    let attempt = async {
        let mut ws = dial(url).await?;
        let request = Request::new(opening).with_req(req);
        ws.send(frame(&request))
            .await
            .map_err(|e| ClientError::Closed(e.to_string()))?;
        let mut ack = None;
        while let Some(message) = ws.next().await {
            match read(message) {
                Incoming::Message(ServerMessage::Ack { result, .. }) => ack = Some(result),
                Incoming::Message(ServerMessage::Error(e)) => return Err(ClientError::Refused(e)),
                Incoming::Message(ServerMessage::Snapshot { seq, view }) => {
                    let ack = ack.ok_or_else(|| {
                        ClientError::Protocol("a snapshot before the opening ack".into())
                    })?;
                    return Ok(Opened {
                        ws,
                        ack,
                        view: *view,
                        seq,
                    });
                }
                Incoming::Closed(code, reason) => {
                    return Err(ClientError::Closed(format!(
                        "{reason} (code {})",
                        code.unwrap_or(0)
                    )));
                }
                _ => {}
            }
        }
        Err(ClientError::Closed("the server hung up".into()))
    };
    tokio::time::timeout(OPEN_TIMEOUT, attempt)
        .await
        .map_err(|_| ClientError::Timeout(OPEN_TIMEOUT))?
}

/// What a dropped connection calls for.
pub enum Drop {
    /// Reconnect and resume.
    Retry(String),
    /// Do not reconnect.
    Final(Closed),
}

/// Why a connection ended for good: the close code, when the server sent
/// one, and the reason in words.
#[derive(Clone, Debug, PartialEq)]
pub struct Closed {
    /// The WebSocket close code (PROTOCOL.md "Closing"); none when the
    /// client ended it.
    pub code: Option<u16>,
    /// Why, for people.
    pub reason: String,
}

impl Closed {
    /// Ended by this side, without a close code from the server.
    pub fn here(reason: impl Into<String>) -> Closed {
        Closed {
            code: None,
            reason: reason.into(),
        }
    }
}

impl std::fmt::Display for Closed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.reason)
    }
}

/// Which closes are final (PROTOCOL.md "Closing"). A normal close is final
/// unless the server said "idle": a client that went quiet for too long (a
/// laptop asleep) comes back and resumes.
pub fn classify(code: Option<u16>, reason: String) -> Drop {
    let text = |what: &str| format!("{what} ({})", code.unwrap_or(0));
    let last = |what: &str| {
        Drop::Final(Closed {
            code,
            reason: text(what),
        })
    };
    match code {
        Some(close::REPLACED) => last("another connection took this seat"),
        Some(close::KICKED) => last("kicked by the facilitator"),
        Some(close::ROOM_CLOSED) => last("the room was closed"),
        Some(1000) if reason != "idle" => last("closed by the server"),
        Some(close::FLOOD) => last("too many refused requests"),
        Some(close::TOO_LARGE) => last("a message was too large"),
        _ => Drop::Retry(if reason.is_empty() {
            text("connection lost")
        } else {
            reason
        }),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn a_web_address_is_refused_with_what_to_type_instead() {
        let wrong = check_url("http://127.0.0.1:8080").unwrap_err().to_string();
        assert_eq!(
            wrong,
            "`http://127.0.0.1:8080` is not a server address: the server URL must start with \
             ws:// or wss:// and end in /ws (e.g. ws://127.0.0.1:8080/ws)"
        );
        assert!(check_url("ws://127.0.0.1:8080/ws").is_ok());
        assert!(check_url("wss://game.example/ws").is_ok());
        let no_path = dial_failure("ws://h:1", "HTTP error: 404 Not Found".into()).to_string();
        assert!(no_path.ends_with("404 Not Found; the server URL must start with ws:// or wss:// and end in /ws (e.g. ws://127.0.0.1:8080/ws)"), "{no_path}");
        let down = dial_failure("ws://h:1/ws", "Connection refused".into()).to_string();
        assert_eq!(down, "cannot reach ws://h:1/ws: Connection refused");
    }

    #[tokio::test]
    async fn a_wss_address_is_dialed_over_tls() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!(
            "wss://127.0.0.1:{}/ws",
            listener.local_addr().unwrap().port()
        );
        let dialing = tokio::spawn(async move { dial(&url).await.map(|_| ()) });
        // Bounded: a client without TLS gives up before it connects.
        let accepted = tokio::time::timeout(Duration::from_secs(10), listener.accept());
        let (mut socket, _) = accepted.await.expect("the client dialed").unwrap();
        let mut hello = [0; 2];
        tokio::io::AsyncReadExt::read_exact(&mut socket, &mut hello)
            .await
            .unwrap();
        assert_eq!(hello, [0x16, 0x03], "a TLS handshake record");
        drop(socket);
        assert!(dialing.await.unwrap().is_err(), "no TLS server answered");
    }

    #[test]
    fn kicked_replaced_and_closed_rooms_are_final_but_drops_retry() {
        for code in [4001, 4003, 4005, 1000, 1008, 1009] {
            assert!(
                matches!(classify(Some(code), String::new()), Drop::Final(_)),
                "{code}"
            );
        }
        assert!(
            matches!(classify(Some(1000), "idle".into()), Drop::Retry(_)),
            "a connection closed for being quiet comes back"
        );
        for code in [Some(1001), Some(4004), None] {
            assert!(
                matches!(classify(code, "x".into()), Drop::Retry(_)),
                "{code:?}"
            );
        }
    }
}
