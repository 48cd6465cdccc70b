//! The HTTP surface on one port — `/ws`, `/healthz`, `/metrics`,
//! `/rooms/{code}/export` — and the server's life: bring back the rooms in
//! the store, serve until told to stop, then close every socket with 1001,
//! let the rooms finish and close the store.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::ws::WebSocketUpgrade;
use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::serve::ListenerExt;
use metrics_exporter_prometheus::PrometheusHandle;
use tokio::net::TcpListener;
use tokio::sync::{mpsc, watch};

use crate::config::ServerConfig;
use crate::registry::Registry;
use crate::store::{MemoryStore, Store, Write};
use crate::{connection, export, metrics, recovery};

/// WebSocket buffers, tuned down from the library's defaults (128 KiB read
/// buffer) so that an idle connection costs a few KiB: see docs/OPERATIONS.md.
/// A request is a few hundred bytes; a longer one takes more than one read.
pub const READ_BUFFER: usize = 2 * 1024;
/// Frames handed to the socket are gathered up to this many bytes before a
/// write: the writer (outbound/writer.rs) feeds every queued frame then flushes
/// once, so a burst to one client leaves in one syscall. The buffer keeps
/// its capacity, so it is also the most a connection holds for writing.
pub const WRITE_BUFFER: usize = 8 * 1024;
/// The most a slow client may leave unsent in the library's own buffer
/// before writes fail; our bounded queue is the real limit.
pub const MAX_WRITE_BUFFER: usize = 256 * 1024;
// Tungstenite needs room for the write buffer plus one whole message.
const _: () = assert!(MAX_WRITE_BUFFER > WRITE_BUFFER + allssam_protocol::MAX_MESSAGE_BYTES);

/// What every handler shares.
#[derive(Clone)]
pub(crate) struct AppState {
    pub(crate) registry: Arc<Registry>,
    shutdown: watch::Receiver<bool>,
    /// Each connection holds a clone; shutdown waits until all are dropped.
    alive: mpsc::Sender<()>,
    metrics: Option<PrometheusHandle>,
}

/// Serves on `listener` until `shutdown` completes, with an in-memory store
/// (nothing survives the process).
pub async fn run(
    listener: TcpListener,
    config: ServerConfig,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    run_with(listener, config, Arc::new(MemoryStore::new()), shutdown).await
}

/// Brings back the unfinished rooms of `store`, then serves on `listener`
/// until `shutdown` completes, committing every applied change to `store`
/// before acknowledging it; closes the store last.
pub async fn run_with(
    listener: TcpListener,
    config: ServerConfig,
    store: Arc<dyn Store>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let grace = config.shutdown_grace;
    // Before anything is counted: restored rooms count into the rooms gauge.
    let metrics = metrics::install();
    let registry = Registry::new(config, Arc::clone(&store));
    recovery::restore_rooms(&registry).await?;
    let upkeep_store = tokio::spawn(store_upkeep(Arc::clone(&registry)));
    let (stop_tx, stop_rx) = watch::channel(false);
    let (alive, mut all_gone) = mpsc::channel::<()>(1);
    let upkeep = metrics.clone().map(|handle| {
        tokio::spawn(async move {
            let mut every = tokio::time::interval(Duration::from_secs(5));
            loop {
                every.tick().await;
                handle.run_upkeep();
            }
        })
    });
    let state = AppState {
        registry: Arc::clone(&registry),
        shutdown: stop_rx,
        alive,
        metrics,
    };
    let app = Router::new()
        .route("/ws", get(ws))
        .route("/healthz", get(healthz))
        .route("/metrics", get(prometheus))
        .route("/rooms/{code}/export", get(export::http::export))
        .with_state(state);
    let signal = async move {
        shutdown.await;
        tracing::info!("shutting down: closing connections");
        // Ignored: nobody listening means no connection is left to tell.
        let _ = stop_tx.send(true);
    };
    // Small frames must leave at once: without TCP_NODELAY, Nagle's algorithm
    // holds an ack until the client's delayed ACK (~40 ms here). See bench/README.md.
    let listener = listener.tap_io(|tcp| {
        // Ignored: a socket that refuses the option still works, only slower.
        let _ = tcp.set_nodelay(true);
    });
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(signal)
    .await?;
    // axum's graceful shutdown does not end upgraded WebSockets (axum #3003):
    // each connection saw the signal and closes with 1001; wait for them.
    if tokio::time::timeout(grace, all_gone.recv()).await.is_err() {
        tracing::warn!(
            left = registry.connection_count(),
            "connections did not close in time"
        );
    }
    registry.shut_down_rooms(grace).await;
    if let Some(upkeep) = upkeep {
        upkeep.abort();
    }
    upkeep_store.abort();
    // Everything the rooms queued is committed, and the WAL checkpointed.
    store.close().await;
    tracing::info!("stopped");
    Ok(())
}

async fn ws(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    upgrade: WebSocketUpgrade,
) -> Response {
    let registry = state.registry;
    // Cross-site WebSocket hijacking: a browser always sends Origin; other
    // clients (CLI, bots) send none and are let through (PROTOCOL.md "Rooms and origins").
    if !registry.config.allowed_origins.is_empty()
        && let Some(origin) = headers.get(header::ORIGIN)
        && !origin
            .to_str()
            .is_ok_and(|origin| registry.config.origin_allowed(origin))
    {
        tracing::debug!(%peer, "refused an origin");
        return (StatusCode::FORBIDDEN, "origin not allowed").into_response();
    }
    if *state.shutdown.borrow() {
        return (StatusCode::SERVICE_UNAVAILABLE, "shutting down").into_response();
    }
    let max = allssam_protocol::MAX_MESSAGE_BYTES;
    let alive = state.alive;
    let shutdown = state.shutdown;
    upgrade
        .read_buffer_size(READ_BUFFER)
        .write_buffer_size(WRITE_BUFFER)
        .max_write_buffer_size(MAX_WRITE_BUFFER)
        .max_frame_size(max)
        .max_message_size(max)
        .on_upgrade(move |socket| async move {
            let slot = registry.connection_opened();
            tracing::debug!(%peer, conn = slot.as_ref().map(|s| s.id), "upgraded");
            connection::serve(socket, registry, slot, shutdown).await;
            drop(alive);
        })
}

/// The store's background duties: a heartbeat every second (recovery
/// measures how long each running phase had left from it) and, every hour,
/// deleting ended rooms past their retention.
async fn store_upkeep(registry: Arc<Registry>) {
    let mut beat = tokio::time::interval(Duration::from_secs(1));
    let mut last_sweep: Option<tokio::time::Instant> = None;
    loop {
        beat.tick().await;
        let now = registry.clock.now_ms();
        // Not awaited: a heartbeat is worth nothing once late.
        let _ = registry
            .store
            .submit(vec![Write::Heartbeat { at_ms: now }])
            .await;
        if last_sweep.is_none_or(|t| t.elapsed() >= Duration::from_secs(3600)) {
            last_sweep = Some(tokio::time::Instant::now());
            let retention = registry.config.store_retention.as_millis() as u64;
            match registry
                .store
                .ended_before(now.saturating_sub(retention))
                .await
            {
                Ok(codes) => {
                    for room in codes {
                        tracing::info!(%room, "ended room past its retention: deleted");
                        let _ = registry
                            .store
                            .submit(vec![Write::RemoveRoom { room }])
                            .await;
                    }
                }
                Err(e) => tracing::warn!(error = %e, "retention sweep failed"),
            }
        }
    }
}

async fn healthz() -> &'static str {
    "ok\n"
}

async fn prometheus(State(state): State<AppState>) -> Response {
    match state.metrics {
        Some(handle) => {
            handle.run_upkeep();
            (
                [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
                handle.render(),
            )
                .into_response()
        }
        None => (
            StatusCode::SERVICE_UNAVAILABLE,
            "another metrics recorder is installed in this process",
        )
            .into_response(),
    }
}
