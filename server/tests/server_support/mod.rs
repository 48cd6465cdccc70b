//! Shared by the `server_*` tests: a real server on port 0 and a small
//! WebSocket client over tokio-tungstenite.
#![allow(clippy::unwrap_used, dead_code)]

use std::net::SocketAddr;
use std::time::Duration;

use allssam_server::ServerConfig;
use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream, connect_async};

/// How long a test waits for any one message before failing.
pub const WAIT: Duration = Duration::from_secs(5);

/// A server running in this process.
pub struct TestServer {
    pub addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    task: JoinHandle<anyhow::Result<()>>,
}

impl TestServer {
    /// Starts a server with `config` on a free port.
    pub async fn start(config: ServerConfig) -> TestServer {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(allssam_server::run(listener, config, async {
            let _ = stopped.await;
        }));
        TestServer {
            addr,
            stop: Some(stop),
            task,
        }
    }

    /// Starts a server with the default settings.
    pub async fn default() -> TestServer {
        TestServer::start(ServerConfig::default()).await
    }

    /// The WebSocket URL.
    pub fn url(&self) -> String {
        format!("ws://{}/ws", self.addr)
    }

    /// A new client connection.
    pub async fn client(&self) -> Client {
        Client::connect(&self.url()).await
    }

    /// Stops the server and waits for `run` to return.
    pub async fn stop(mut self) -> anyhow::Result<()> {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        tokio::time::timeout(Duration::from_secs(6), &mut self.task)
            .await
            .expect("run returns within the shutdown grace")
            .unwrap()
    }
}

/// A raw protocol client.
pub struct Client {
    ws: WebSocketStream<MaybeTlsStream<TcpStream>>,
}

/// How a connection ended, as the client saw it.
#[derive(Debug, PartialEq, Eq)]
pub enum Closed {
    /// A close frame with this code.
    Code(u16),
    /// The stream ended or failed without a close frame.
    Abrupt,
}

impl Client {
    pub async fn connect(url: &str) -> Client {
        let (ws, _) = connect_async(url).await.expect("connects");
        Client { ws }
    }

    pub async fn send(&mut self, value: Value) {
        self.ws
            .send(Message::text(value.to_string()))
            .await
            .unwrap();
    }

    pub async fn send_raw(&mut self, message: Message) {
        self.ws.send(message).await.unwrap();
    }

    /// The next JSON message; panics on close or timeout.
    pub async fn recv(&mut self) -> Value {
        loop {
            let frame = tokio::time::timeout(WAIT, self.ws.next())
                .await
                .expect("a message in time")
                .expect("the connection is open")
                .expect("a frame");
            match frame {
                Message::Text(text) => return serde_json::from_str(text.as_str()).unwrap(),
                Message::Close(close) => panic!("closed unexpectedly: {close:?}"),
                _ => continue,
            }
        }
    }

    /// Sends `value` and returns its answer (ack, error or pong), skipping
    /// the events and snapshots that arrive before it.
    pub async fn ask(&mut self, value: Value) -> Value {
        self.send(value).await;
        loop {
            let message = self.recv().await;
            if matches!(message["type"].as_str(), Some("ack" | "error" | "pong")) {
                return message;
            }
        }
    }

    /// Reads until the connection closes; every text message before it is returned too.
    pub async fn closed(&mut self) -> (Closed, Vec<Value>) {
        let mut seen = Vec::new();
        loop {
            let frame = tokio::time::timeout(WAIT, self.ws.next())
                .await
                .expect("the close in time");
            match frame {
                Some(Ok(Message::Text(text))) => {
                    seen.push(serde_json::from_str(text.as_str()).unwrap())
                }
                Some(Ok(Message::Close(Some(frame)))) => {
                    return (Closed::Code(u16::from(frame.code)), seen);
                }
                Some(Ok(Message::Close(None))) => {
                    return (Closed::Code(u16::from(CloseCode::Status)), seen);
                }
                Some(Ok(_)) => continue,
                Some(Err(_)) | None => return (Closed::Abrupt, seen),
            }
        }
    }

    /// Creates a room; returns (ack, snapshot).
    pub async fn create_room(&mut self) -> (Value, Value) {
        let ack = self
            .ask(json!({"type": "create_room", "req": 1, "protocol": 1}))
            .await;
        assert_eq!(ack["type"], "ack", "{ack}");
        let snapshot = self.recv().await;
        (ack, snapshot)
    }

    /// Joins `room` as `name`; returns (ack, snapshot).
    pub async fn join(&mut self, room: &str, name: &str) -> (Value, Value) {
        let ack = self
            .ask(json!({"type": "join", "req": 1, "protocol": 1, "room": room, "name": name}))
            .await;
        assert_eq!(ack["type"], "ack", "{ack}");
        let snapshot = self.recv().await;
        (ack, snapshot)
    }

    /// Watches `room` as a spectator; returns the ack (its snapshot follows).
    pub async fn watch(&mut self, room: &str) -> Value {
        let ack = self
            .ask(json!({"type": "watch", "protocol": 1, "room": room}))
            .await;
        assert_eq!(ack["type"], "ack", "{ack}");
        ack
    }
}

/// A room with its facilitator connected: (facilitator, room code, facilitator token).
pub async fn room(server: &TestServer) -> (Client, String, String) {
    let mut facilitator = server.client().await;
    let (ack, _) = facilitator.create_room().await;
    let code = ack["room"].as_str().unwrap().to_owned();
    let token = ack["facilitator_token"].as_str().unwrap().to_owned();
    (facilitator, code, token)
}

/// A raw WebSocket upgrade request with `extra_headers`: the response status.
pub async fn upgrade_status(addr: SocketAddr, extra_headers: &str) -> u16 {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = TcpStream::connect(addr).await.unwrap();
    let request = format!(
        "GET /ws HTTP/1.1\r\nHost: {addr}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
         Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n{extra_headers}\r\n"
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut head = vec![0; 1024];
    let n = tokio::time::timeout(WAIT, stream.read(&mut head))
        .await
        .expect("a response in time")
        .unwrap();
    let text = String::from_utf8_lossy(&head[..n]).into_owned();
    text.split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0)
}

/// An HTTP GET with `extra_headers` (`Name: value` lines, each ending in
/// `\r\n`): (status, body), whatever the status.
pub async fn http_get(addr: SocketAddr, path: &str, extra_headers: &str) -> (u16, String) {
    let url = format!("http://{addr}{path}");
    let headers: Vec<(String, String)> = extra_headers
        .split("\r\n")
        .filter_map(|line| line.split_once(": "))
        .map(|(name, value)| (name.to_owned(), value.to_owned()))
        .collect();
    let get = tokio::task::spawn_blocking(move || {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            // Loopback, whatever proxy the environment names.
            .proxy(None)
            .timeout_global(Some(WAIT))
            .build()
            .into();
        let mut request = agent.get(&url);
        for (name, value) in &headers {
            request = request.header(name, value);
        }
        let mut response = request.call().expect("a response in time");
        let body = response.body_mut().read_to_string().unwrap();
        (response.status().as_u16(), body)
    });
    get.await.unwrap()
}
