//! The server's settings as `run` uses them: limits, timeouts, origins.

use std::time::Duration;

/// Everything [`crate::run`] needs to know, independent of how it was given
/// (command line, environment, or a test building it directly).
#[derive(Clone, Debug)]
pub struct ServerConfig {
    /// Origins a browser may connect from; empty = no Origin check.
    pub allowed_origins: Vec<String>,
    /// Open WebSocket connections at most; more get `server_full`.
    pub max_connections: usize,
    /// Rooms at most; `create_room` beyond it gets `server_full`.
    pub max_rooms: usize,
    /// Messages a second per connection, sustained.
    pub rate_per_second: u32,
    /// Messages a connection may send at once above the sustained rate.
    pub rate_burst: u32,
    /// The first (opening) message must arrive within this.
    pub opening_timeout: Duration,
    /// The server pings every connection this often.
    pub ping_interval: Duration,
    /// A connection that sent no frame for this long is closed.
    pub idle_timeout: Duration,
    /// A lobby with nobody connected is removed after this.
    pub empty_lobby_ttl: Duration,
    /// An ended room is kept (exportable) this long, then removed (4005).
    pub ended_retention: Duration,
    /// Messages waiting for one client at most; a client that lets more
    /// pile up is too slow and is disconnected (4004).
    pub outbound_queue: usize,
    /// Requests waiting for one room at most.
    pub room_mailbox: usize,
    /// How long shutdown waits for connections and rooms before giving up.
    pub shutdown_grace: Duration,
    /// A room snapshots its state every this many records.
    pub snapshot_every: u64,
    /// An ended room stays in the store (exportable) this long, then is deleted.
    pub store_retention: Duration,
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            allowed_origins: Vec::new(),
            max_connections: 10_000,
            max_rooms: 1_000,
            rate_per_second: 20,
            rate_burst: 60,
            opening_timeout: Duration::from_secs(10),
            ping_interval: Duration::from_secs(15),
            idle_timeout: Duration::from_secs(30),
            empty_lobby_ttl: Duration::from_secs(3600),
            ended_retention: Duration::from_secs(24 * 3600),
            outbound_queue: 256,
            room_mailbox: 256,
            shutdown_grace: Duration::from_secs(4),
            snapshot_every: 200,
            store_retention: Duration::from_secs(30 * 86_400),
        }
    }
}

impl ServerConfig {
    /// Is a browser at `origin` allowed to open a WebSocket? Origins compare
    /// ignoring ASCII case and a trailing slash.
    pub fn origin_allowed(&self, origin: &str) -> bool {
        let origin = origin.trim_end_matches('/');
        self.allowed_origins
            .iter()
            .any(|allowed| allowed.trim_end_matches('/').eq_ignore_ascii_case(origin))
    }
}

/// A length of time on the command line: `500ms`, `10s`, `15m`, `2h`, `7d`,
/// or a bare number of seconds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DurationArg(pub Duration);

impl std::str::FromStr for DurationArg {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let text = text.trim();
        let split = text
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(text.len());
        let (digits, unit) = text.split_at(split);
        let n: u64 = digits
            .parse()
            .map_err(|_| format!("`{text}` is not a duration like 500ms, 10s, 15m, 2h or 7d"))?;
        let ms = match unit {
            "ms" => Some(n),
            "" | "s" => n.checked_mul(1000),
            "m" => n.checked_mul(60_000),
            "h" => n.checked_mul(3_600_000),
            "d" => n.checked_mul(86_400_000),
            _ => return Err(format!("`{unit}` is not a unit: use ms, s, m, h or d")),
        };
        ms.map(|ms| DurationArg(Duration::from_millis(ms)))
            .ok_or_else(|| format!("`{text}` is too long"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_parse_with_units() {
        let cases = [
            ("500ms", 500),
            ("10", 10_000),
            ("10s", 10_000),
            ("15m", 900_000),
            ("2h", 7_200_000),
            ("1d", 86_400_000),
        ];
        for (text, ms) in cases {
            assert_eq!(
                text.parse::<DurationArg>(),
                Ok(DurationArg(Duration::from_millis(ms))),
                "{text}"
            );
        }
        for bad in ["", "s", "10x", "-1", "1.5s"] {
            assert!(bad.parse::<DurationArg>().is_err(), "{bad}");
        }
    }

    #[test]
    fn origins_compare_loosely_but_exactly() {
        let config = ServerConfig {
            allowed_origins: vec!["https://class.example/".into()],
            ..ServerConfig::default()
        };
        assert!(config.origin_allowed("https://CLASS.example"));
        assert!(!config.origin_allowed("https://evil.example"));
        assert!(!config.origin_allowed("http://class.example"));
    }
}
