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
    let room = room_code(&args.room)?;
    let mut url = format!(
        "{}/rooms/{room}/export?format={}",
        http_base(&args.url)?,
        args.format
    );
    if let Some(table) = &args.table {
        url.push_str(&format!("&table={table}"));
    }
    // ureq blocks: off the runtime's threads.
    let agent = agent(ureq::Proxy::try_from_env());
    let fetched = tokio::task::spawn_blocking(move || get(&agent, &url, &token)).await??;
    let body = match fetched {
        Fetched::Body(200, body) => body,
        Fetched::Body(401, _) => bail!("the server does not know that token (401)"),
        Fetched::Body(403, _) => bail!("that token is not this room's facilitator's (403)"),
        Fetched::Body(404, _) => {
            bail!("no room {room} on the server (or removed after its retention)")
        }
        Fetched::Body(other, body) => bail!(
            "the server answered {other}: {}",
            String::from_utf8_lossy(&body).trim()
        ),
        Fetched::Moved(status, location) => bail!(
            "the server sends this address elsewhere ({status}, to {location}): give that \
             address's wss:// or https:// form as --url (a redirect would drop the token)"
        ),
    };
    match &args.output {
        Some(file) => std::fs::write(file, &body)
            .with_context(|| format!("cannot write {}", file.display()))?,
        None => tokio::io::stdout().write_all(&body).await?,
    }
    Ok(())
}

/// A room code as the server writes it (letters and digits, upper case).
fn room_code(typed: &str) -> anyhow::Result<String> {
    let code = typed.trim().to_uppercase();
    if code.is_empty() || !code.chars().all(|c| c.is_ascii_alphanumeric()) {
        bail!("`{typed}` is not a room code (letters and digits, e.g. K7QX2M)");
    }
    Ok(code)
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
    let rest = rest.split(['?', '#']).next().unwrap_or(rest);
    let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
    // The WebSocket endpoint's last segment, `ws`, is no part of the base.
    let mut segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    if segments.last() == Some(&"ws") {
        segments.pop();
    }
    let prefix: String = segments.iter().map(|s| format!("/{s}")).collect();
    Ok(format!("{scheme}://{host}{prefix}"))
}

/// The most an export may weigh, in memory: a long game's JSON log is a
/// few MB; past this the export fails with ureq's "body too large".
const MAX_BODY: u64 = 64 << 20;

/// What one GET brought back.
#[derive(Debug, PartialEq)]
enum Fetched {
    /// A status and its body.
    Body(u16, Vec<u8>),
    /// A redirect (status, `Location`): not followed, since the token
    /// would not go with it.
    Moved(u16, String),
}

/// The HTTP client: every status answered, no redirect followed, `proxy`
/// as the environment says (`None` in tests, which talk to loopback).
fn agent(proxy: Option<ureq::Proxy>) -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .proxy(proxy)
        .timeout_global(Some(Duration::from_secs(60)))
        .build()
        .into()
}

/// One GET with the token.
fn get(agent: &ureq::Agent, url: &str, token: &str) -> anyhow::Result<Fetched> {
    let mut response = agent
        .get(url)
        .header("Authorization", &format!("Bearer {token}"))
        .call()
        .with_context(|| format!("cannot fetch {url}"))?;
    let status = response.status();
    if status.is_redirection() {
        let location = response
            .headers()
            .get("location")
            .and_then(|l| l.to_str().ok())
            .unwrap_or("?")
            .to_owned();
        return Ok(Fetched::Moved(status.as_u16(), location));
    }
    let body = response
        .body_mut()
        .with_config()
        .limit(MAX_BODY)
        .read_to_vec()
        .context("reading the export")?;
    Ok(Fetched::Body(status.as_u16(), body))
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
        assert_eq!(http_base("wss://h/ws/").unwrap(), "https://h");
        assert_eq!(http_base("https://h/game").unwrap(), "https://h/game");
        assert_eq!(http_base("ws://h/news").unwrap(), "http://h/news");
        assert_eq!(http_base("ws://h/ws?x=1").unwrap(), "http://h");
        assert!(http_base("ftp://h/ws").is_err());
    }

    #[test]
    fn room_codes_are_letters_and_digits() {
        assert_eq!(room_code(" k7qx2m ").unwrap(), "K7QX2M");
        assert!(room_code("K7/../x").is_err());
        assert!(room_code("").is_err());
    }

    /// A listener that answers one request with `response`; the fetch's result.
    async fn served(response: &'static str) -> Fetched {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/x", listener.local_addr().unwrap());
        let fetch = tokio::task::spawn_blocking(move || get(&agent(None), &url, "t"));
        let (mut socket, _) = listener.accept().await.unwrap();
        let mut head = vec![0; 1024];
        let _ = tokio::io::AsyncReadExt::read(&mut socket, &mut head).await;
        tokio::io::AsyncWriteExt::write_all(&mut socket, response.as_bytes())
            .await
            .unwrap();
        fetch.await.unwrap().unwrap()
    }

    #[tokio::test]
    async fn a_redirect_is_reported_not_followed() {
        let moved = served(
            "HTTP/1.1 308 Permanent Redirect\r\nLocation: https://game.example/x\r\n\
             Content-Length: 0\r\nConnection: close\r\n\r\n",
        )
        .await;
        assert_eq!(moved, Fetched::Moved(308, "https://game.example/x".into()));
        let refused =
            served("HTTP/1.1 403 Forbidden\r\nContent-Length: 2\r\nConnection: close\r\n\r\nno")
                .await;
        assert_eq!(refused, Fetched::Body(403, b"no".to_vec()));
    }

    /// What the first bytes a client sends to a listener look like.
    async fn first_bytes(url: impl FnOnce(u16) -> String + Send + 'static) -> Vec<u8> {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let url = url(port);
        let fetch = tokio::task::spawn_blocking(move || get(&agent(None), &url, "t"));
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
