//! `allssam export`: fetch a room's record or debrief from the server's
//! `/rooms/{code}/export` with the facilitator's token, to stdout or a file.

use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context, bail};
use tokio::io::AsyncWriteExt;

use crate::tokens;

/// What to fetch and where to put it.
#[derive(Debug, Clone)]
pub struct ExportArgs {
    /// The room code.
    pub room: String,
    /// json, csv, md or html.
    pub format: String,
    /// For csv: transfers, cases or chat.
    pub table: Option<String>,
    /// The server's address (`ws://host:port/ws`, `wss://…`, or `http(s)://host:port`).
    pub url: String,
    /// The facilitator's token; else the one `allssam host` saved.
    pub token: Option<String>,
    /// A file to write instead of stdout.
    pub output: Option<PathBuf>,
}

/// Fetches the export and writes it.
pub async fn run(args: ExportArgs) -> anyhow::Result<()> {
    let token = match args.token.clone() {
        Some(token) => token,
        None => tokens::load(&tokens::host_path())
            .context("no --token given and no hosted room saved on this machine")?,
    };
    let mut url = format!(
        "{}/rooms/{}/export?format={}",
        http_base(&args.url)?,
        args.room.trim().to_uppercase(),
        args.format
    );
    if let Some(table) = &args.table {
        url.push_str(&format!("&table={table}"));
    }
    // ureq blocks: off the runtime's threads.
    let (status, body) = tokio::task::spawn_blocking(move || get(&url, &token)).await??;
    match status {
        200 => {}
        401 => bail!("the server does not know that token (401)"),
        403 => bail!("that token is not this room's facilitator's (403)"),
        404 => bail!(
            "no room {} on the server (or removed after its retention)",
            args.room
        ),
        other => bail!(
            "the server answered {other}: {}",
            String::from_utf8_lossy(&body).trim()
        ),
    }
    match &args.output {
        Some(file) => std::fs::write(file, &body)
            .with_context(|| format!("cannot write {}", file.display()))?,
        None => tokio::io::stdout().write_all(&body).await?,
    }
    Ok(())
}

/// The HTTP address the server's WebSocket address lives under:
/// `ws://h:p/ws` → `http://h:p`, `wss://h/game/ws` → `https://h/game`
/// (a TLS proxy in front, docs/OPERATIONS.md); `http(s)://…` as given.
fn http_base(url: &str) -> anyhow::Result<String> {
    let (scheme, rest) = [
        ("ws://", "http"),
        ("wss://", "https"),
        ("http://", "http"),
        ("https://", "https"),
    ]
    .iter()
    .find_map(|(prefix, scheme)| url.strip_prefix(prefix).map(|rest| (*scheme, rest)))
    .context("the server address must start with ws://, wss://, http:// or https://")?;
    let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
    let prefix = path
        .strip_suffix("ws")
        .unwrap_or(path)
        .trim_end_matches('/');
    let prefix = if prefix.is_empty() {
        String::new()
    } else {
        format!("/{prefix}")
    };
    Ok(format!("{scheme}://{host}{prefix}"))
}

/// The most an export may weigh: a long game's JSON log is a few MB.
const MAX_BODY: u64 = 1 << 30;

/// One GET with the token: (status, body), whatever the status.
fn get(url: &str, token: &str) -> anyhow::Result<(u16, Vec<u8>)> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(60)))
        .build()
        .into();
    let mut response = agent
        .get(url)
        .header("Authorization", &format!("Bearer {token}"))
        .call()
        .with_context(|| format!("cannot fetch {url}"))?;
    let body = response
        .body_mut()
        .with_config()
        .limit(MAX_BODY)
        .read_to_vec()
        .context("reading the export")?;
    Ok((response.status().as_u16(), body))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn websocket_addresses_become_http_bases() {
        assert_eq!(
            http_base("ws://127.0.0.1:8080/ws").unwrap(),
            "http://127.0.0.1:8080"
        );
        assert_eq!(http_base("http://h:1").unwrap(), "http://h:1");
        assert_eq!(http_base("ws://h:1/game/ws").unwrap(), "http://h:1/game");
        assert_eq!(http_base("wss://h/ws").unwrap(), "https://h");
        assert_eq!(http_base("https://h/game").unwrap(), "https://h/game");
        assert!(http_base("ftp://h/ws").is_err());
    }

    /// What the first bytes a client sends to a listener look like.
    async fn first_bytes(url: impl FnOnce(u16) -> String + Send + 'static) -> Vec<u8> {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let url = url(port);
        let fetch = tokio::task::spawn_blocking(move || get(&url, "t"));
        // Bounded: a client without TLS gives up before it connects.
        let accepted = tokio::time::timeout(Duration::from_secs(10), listener.accept());
        let (mut socket, _) = accepted.await.expect("the client dialed").unwrap();
        let mut buf = vec![0; 5];
        tokio::io::AsyncReadExt::read_exact(&mut socket, &mut buf)
            .await
            .unwrap();
        drop(socket);
        // Ignored: the connection was cut on purpose.
        let _ = fetch.await;
        buf
    }

    #[tokio::test]
    async fn a_wss_server_is_fetched_over_tls_and_a_ws_one_over_plain_http() {
        let tls = first_bytes(|port| {
            format!(
                "{}/x",
                http_base(&format!("wss://127.0.0.1:{port}/ws")).unwrap()
            )
        })
        .await;
        assert_eq!(&tls[..2], &[0x16, 0x03], "a TLS handshake record: {tls:?}");
        let plain = first_bytes(|port| {
            format!(
                "{}/x",
                http_base(&format!("ws://127.0.0.1:{port}/ws")).unwrap()
            )
        })
        .await;
        assert_eq!(&plain, b"GET /");
    }
}
