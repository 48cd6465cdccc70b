//! The least a WebSocket server can do for All-ssam's traffic: accept on
//! `/ws`, parse each JSON request, answer `{"type":"ack","req":N}`. It uses the
//! same WebSocket library, buffer settings and allocator as the real server, so the
//! benchmark (`bench/run`) can put the real server's numbers beside a limit.
//!
//! `cargo run --release -p allssam-server --example echo_baseline -- 127.0.0.1:9090`

use allssam_protocol::{AckResult, ServerMessage, parse_request};
use allssam_server::app;
use axum::Router;
use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::response::Response;
use axum::routing::get;
use axum::serve::ListenerExt;

const MAX_MESSAGE_BYTES: usize = allssam_protocol::MAX_MESSAGE_BYTES;

// The same allocator as the real server (main.rs).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let addr = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:9090".into());
    let listener = tokio::net::TcpListener::bind(&addr).await?;
    println!("echo baseline listening on {}", listener.local_addr()?);
    let app = Router::new()
        .route("/ws", get(upgrade))
        .route("/healthz", get(|| async { "ok" }));
    // The same socket option as the real server (app.rs).
    let listener = listener.tap_io(|tcp| {
        let _ = tcp.set_nodelay(true);
    });
    axum::serve(listener, app).await?;
    Ok(())
}

async fn upgrade(ws: WebSocketUpgrade) -> Response {
    ws.read_buffer_size(app::READ_BUFFER)
        .write_buffer_size(app::WRITE_BUFFER)
        .max_write_buffer_size(app::MAX_WRITE_BUFFER)
        .max_message_size(MAX_MESSAGE_BYTES)
        .max_frame_size(MAX_MESSAGE_BYTES)
        .on_upgrade(echo)
}

async fn echo(mut socket: WebSocket) {
    while let Some(Ok(message)) = socket.recv().await {
        let Message::Text(text) = message else {
            continue;
        };
        let req = match parse_request(text.as_str()) {
            Ok(request) => request.req,
            Err(error) => error.req,
        };
        let ack = ServerMessage::Ack {
            req,
            result: AckResult::default(),
        };
        let Ok(json) = serde_json::to_string(&ack) else {
            break;
        };
        if socket.send(Message::Text(json.into())).await.is_err() {
            break;
        }
    }
}
