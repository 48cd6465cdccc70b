//! Shared by the end-to-end tests: the real server in this process on a free
//! port, fast room configurations, and a WebSocket proxy that can cut a
//! client's line and records what the client sent.
#![allow(clippy::unwrap_used, dead_code)]

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use allssam_cli::client::Client;
use allssam_protocol::{ClientMessage, ConfigPatch, Phase};
use allssam_server::ServerConfig;
use futures_util::{SinkExt, StreamExt};
use serde_json::Value;
use tokio::net::TcpListener;
use tokio::sync::{oneshot, watch};
use tokio::task::JoinHandle;

/// The longest any end-to-end wait may take before the test fails.
pub const PATIENCE: Duration = Duration::from_secs(30);

/// A real server running in this process.
pub struct Server {
    pub addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    task: JoinHandle<anyhow::Result<()>>,
}

impl Server {
    /// Starts the server with default settings on a free port of 127.0.0.1.
    pub async fn start() -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(allssam_server::run(
            listener,
            ServerConfig::default(),
            async {
                let _ = stopped.await;
            },
        ));
        Server {
            addr,
            stop: Some(stop),
            task,
        }
    }

    /// The WebSocket URL.
    pub fn url(&self) -> String {
        format!("ws://{}/ws", self.addr)
    }

    /// Stops the server and waits for it.
    pub async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        let _ = tokio::time::timeout(Duration::from_secs(6), &mut self.task).await;
    }
}

/// A room configuration from JSON (RULES.md §10 fields).
pub fn config(value: Value) -> ConfigPatch {
    match value {
        Value::Object(map) => ConfigPatch(map),
        other => panic!("a config is a JSON object, not {other}"),
    }
}

/// Waits until `client`'s model satisfies `test`, re-checking on every update.
pub async fn until(client: &Client, what: &str, test: impl Fn(&Client) -> bool) {
    let mut updates = client.subscribe();
    let waited = tokio::time::timeout(PATIENCE, async {
        loop {
            if test(client) {
                return;
            }
            let _ = tokio::time::timeout(Duration::from_millis(200), updates.recv()).await;
        }
    })
    .await;
    assert!(waited.is_ok(), "timed out waiting for {what}");
}

/// Waits until `client` sees the room in `phase`.
pub async fn until_phase(client: &Client, phase: Phase) {
    until(client, &format!("phase {phase}"), |c| {
        c.state().view.phase == phase
    })
    .await;
}

/// Asks for a fresh snapshot and waits until it has replaced the model.
pub async fn synced(client: &Client) {
    let mut updates = client.subscribe();
    client
        .request(ClientMessage::Sync)
        .await
        .expect("sync is acknowledged");
    let _ = tokio::time::timeout(PATIENCE, async {
        while let Ok(update) = updates.recv().await {
            if matches!(update, allssam_cli::client::Update::Snapshot) {
                return;
            }
        }
    })
    .await;
}

/// A WebSocket proxy in front of the server: every client connection gets
/// its own upstream connection; `cut` drops every line at once (as a
/// network failure would), and the text frames clients sent are recorded.
pub struct Proxy {
    pub addr: SocketAddr,
    cut: watch::Sender<u64>,
    /// Every text frame a client sent, in order, parsed as JSON.
    pub sent: Arc<Mutex<Vec<Value>>>,
    /// When set, the next client frame whose `type` is this is forwarded,
    /// and then every line is cut before its answer can come back.
    pub cut_after: Arc<Mutex<Option<String>>>,
}

impl Proxy {
    /// Starts a proxy to `upstream` (a ws:// URL) on a free port.
    pub async fn start(upstream: String) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (cut, _) = watch::channel(0u64);
        let sent = Arc::new(Mutex::new(Vec::new()));
        let cut_after = Arc::new(Mutex::new(None::<String>));
        let proxy = Proxy {
            addr,
            cut: cut.clone(),
            sent: sent.clone(),
            cut_after: cut_after.clone(),
        };
        tokio::spawn(async move {
            while let Ok((tcp, _)) = listener.accept().await {
                let upstream = upstream.clone();
                let mut cut_rx = cut.subscribe();
                let cut = cut.clone();
                let sent = sent.clone();
                let cut_after = cut_after.clone();
                tokio::spawn(async move {
                    let Ok(down) = tokio_tungstenite::accept_async(tcp).await else {
                        return;
                    };
                    let Ok((up, _)) = tokio_tungstenite::connect_async(upstream.as_str()).await
                    else {
                        return;
                    };
                    let (mut down_tx, mut down_rx) = down.split();
                    let (mut up_tx, mut up_rx) = up.split();
                    loop {
                        tokio::select! {
                            _ = cut_rx.changed() => return,
                            m = down_rx.next() => {
                                let Some(Ok(m)) = m else { return };
                                let mut then_cut = false;
                                if let Ok(text) = m.to_text()
                                    && let Ok(value) = serde_json::from_str::<Value>(text)
                                {
                                    let mut armed = cut_after.lock().unwrap();
                                    if armed.as_deref() == value["type"].as_str() {
                                        *armed = None;
                                        then_cut = true;
                                    }
                                    sent.lock().unwrap().push(value);
                                }
                                if up_tx.send(m).await.is_err() { return; }
                                if then_cut {
                                    // Let the server apply it before the line drops.
                                    tokio::time::sleep(Duration::from_millis(200)).await;
                                    cut.send_modify(|n| *n += 1);
                                    return;
                                }
                            }
                            m = up_rx.next() => {
                                let Some(Ok(m)) = m else { return };
                                if down_tx.send(m).await.is_err() { return; }
                            }
                        }
                    }
                });
            }
        });
        proxy
    }

    /// The proxy's WebSocket URL.
    pub fn url(&self) -> String {
        format!("ws://{}/ws", self.addr)
    }

    /// Drops every connection through the proxy without a close frame.
    pub fn cut(&self) {
        self.cut.send_modify(|n| *n += 1);
    }

    /// The `req` numbers of the requests of `kind` the clients sent.
    pub fn reqs(&self, kind: &str) -> Vec<u64> {
        self.sent
            .lock()
            .unwrap()
            .iter()
            .filter(|v| v["type"] == kind)
            .filter_map(|v| v["req"].as_u64())
            .collect()
    }
}
