//! `allssam export`: fetch a room's record or debrief from the server's
//! `/rooms/{code}/export` with the facilitator's token, to stdout or a file.

use std::path::PathBuf;

use anyhow::{Context, bail};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

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
    /// The server's address (`ws://host:port/ws` or `http://host:port`).
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
    let (host, base) = http_base(&args.url)?;
    let mut path = format!(
        "{base}/rooms/{}/export?format={}",
        args.room.trim().to_uppercase(),
        args.format
    );
    if let Some(table) = &args.table {
        path.push_str(&format!("&table={table}"));
    }
    let (status, body) = get(&host, &path, &token).await?;
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

/// `ws://h:p/ws` or `http://h:p/…` → (`h:p`, path prefix).
fn http_base(url: &str) -> anyhow::Result<(String, String)> {
    let rest = url
        .strip_prefix("ws://")
        .or_else(|| url.strip_prefix("http://"))
        .context("export speaks plain http: use a ws:// or http:// address")?;
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
    Ok((host.to_owned(), prefix))
}

/// One HTTP/1.1 GET with `Connection: close`: (status, body). The server
/// sends a Content-Length body, never chunked, for these responses.
async fn get(host: &str, path: &str, token: &str) -> anyhow::Result<(u16, Vec<u8>)> {
    let mut stream = TcpStream::connect(host)
        .await
        .with_context(|| format!("cannot reach {host}"))?;
    let request = format!(
        "GET {path} HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {token}\r\nConnection: close\r\n\r\n"
    );
    stream.write_all(request.as_bytes()).await?;
    let mut response = Vec::new();
    stream.read_to_end(&mut response).await?;
    let split = response
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .context("not an HTTP response")?;
    let head = String::from_utf8_lossy(&response[..split]);
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .context("no HTTP status")?;
    Ok((status, response[split + 4..].to_vec()))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn websocket_addresses_become_http_bases() {
        assert_eq!(
            http_base("ws://127.0.0.1:8080/ws").unwrap(),
            ("127.0.0.1:8080".into(), String::new())
        );
        assert_eq!(
            http_base("http://h:1").unwrap(),
            ("h:1".into(), String::new())
        );
        assert_eq!(
            http_base("ws://h:1/game/ws").unwrap(),
            ("h:1".into(), "/game".into())
        );
        assert!(http_base("wss://h/ws").is_err());
    }
}
