//! The command line of `allssam-server`: every flag, each also an `ALLSSAM_*` variable.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Parser, ValueEnum};

use crate::config::{DurationArg, ServerConfig};
use crate::store::SyncMode;

/// The authoritative All-ssam server: rooms over WebSocket at `/ws`,
/// `/healthz`, and Prometheus metrics at `/metrics`.
#[derive(Clone, Debug, Parser)]
#[command(name = "allssam-server", version, about)]
pub struct ServerArgs {
    /// Address and port to listen on (`0.0.0.0:8080` to serve a LAN).
    #[arg(
        long,
        env = "ALLSSAM_LISTEN",
        hide_env_values = true,
        default_value = "127.0.0.1:8080"
    )]
    pub listen: SocketAddr,

    /// The embedded store's data file (SQLite, WAL). `:memory:` keeps
    /// nothing on disk: no durability, no recovery (benchmarks, demos).
    #[arg(
        long,
        env = "ALLSSAM_DATA",
        hide_env_values = true,
        default_value = "./allssam.db"
    )]
    pub data: PathBuf,

    /// What an acknowledged action survives: `normal` a crash of the
    /// process (`kill -9`), `full` also a power loss (an fsync per commit).
    #[arg(
        long,
        env = "ALLSSAM_SYNC",
        hide_env_values = true,
        default_value = "normal"
    )]
    pub sync: SyncMode,

    /// Days an ended room stays in the data file (exportable), then is deleted.
    #[arg(
        long,
        env = "ALLSSAM_RETENTION_DAYS",
        hide_env_values = true,
        default_value_t = 30
    )]
    pub retention_days: u32,

    /// Fewest records between two snapshots of a room (a shorter replay at start); a big state waits until the records since add up to four times its size.
    #[arg(long, env = "ALLSSAM_SNAPSHOT_EVERY", hide_env_values = true, default_value_t = 200, value_parser = clap::value_parser!(u64).range(1..))]
    pub snapshot_every: u64,

    /// A browser origin allowed to connect (repeatable, or comma-separated in
    /// the variable). Without any, no Origin check is made. Clients that send
    /// no Origin header (the CLI, bots) are always let through.
    #[arg(
        long = "allowed-origin",
        env = "ALLSSAM_ALLOWED_ORIGIN",
        hide_env_values = true,
        value_delimiter = ','
    )]
    pub allowed_origins: Vec<String>,

    /// Open connections at most; more are refused with `server_full`.
    #[arg(
        long,
        env = "ALLSSAM_MAX_CONNECTIONS",
        hide_env_values = true,
        default_value_t = 10_000
    )]
    pub max_connections: usize,

    /// Rooms at most; `create_room` beyond it is refused with `server_full`.
    #[arg(
        long,
        env = "ALLSSAM_MAX_ROOMS",
        hide_env_values = true,
        default_value_t = 1_000
    )]
    pub max_rooms: usize,

    /// Messages a second per connection, sustained (a token bucket).
    #[arg(long, env = "ALLSSAM_RATE_LIMIT", hide_env_values = true, default_value_t = 20, value_parser = clap::value_parser!(u32).range(1..))]
    pub rate_limit: u32,

    /// Messages a connection may send at once above the sustained rate.
    #[arg(long, env = "ALLSSAM_RATE_BURST", hide_env_values = true, default_value_t = 60, value_parser = clap::value_parser!(u32).range(1..))]
    pub rate_burst: u32,

    /// Time allowed for a connection's opening message (e.g. 10s, 500ms).
    #[arg(
        long,
        env = "ALLSSAM_OPENING_TIMEOUT",
        hide_env_values = true,
        default_value = "10s"
    )]
    pub opening_timeout: DurationArg,

    /// How often the server pings each connection.
    #[arg(
        long,
        env = "ALLSSAM_PING_INTERVAL",
        hide_env_values = true,
        default_value = "15s"
    )]
    pub ping_interval: DurationArg,

    /// A connection silent for this long (no frame, not even a pong) is closed.
    #[arg(
        long,
        env = "ALLSSAM_IDLE_TIMEOUT",
        hide_env_values = true,
        default_value = "30s"
    )]
    pub idle_timeout: DurationArg,

    /// A lobby with nobody connected is removed after this.
    #[arg(
        long,
        env = "ALLSSAM_EMPTY_LOBBY_TTL",
        hide_env_values = true,
        default_value = "1h"
    )]
    pub empty_lobby_ttl: DurationArg,

    /// An ended room stays open to its connections this long (the final
    /// scores on screen), then they are closed with 4005 and it leaves memory.
    /// It stays exportable from the data file for `--retention-days`.
    #[arg(
        long,
        env = "ALLSSAM_RETENTION",
        hide_env_values = true,
        default_value = "24h"
    )]
    pub retention: DurationArg,

    /// Messages queued for one client at most before it counts as too slow (4004).
    #[arg(long, env = "ALLSSAM_OUTBOUND_QUEUE", hide_env_values = true, default_value_t = 256, value_parser = clap::value_parser!(u32).range(1..))]
    pub outbound_queue: u32,

    /// Log lines as human text or as JSON objects.
    #[arg(long, env = "ALLSSAM_LOG_FORMAT", hide_env_values = true, value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,
}

/// How log lines are written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    /// One human-readable line per event.
    Text,
    /// One JSON object per line, for log collectors.
    Json,
}

impl ServerArgs {
    /// Whether `--data :memory:` asked for no data file at all.
    pub fn in_memory(&self) -> bool {
        self.data.as_os_str() == ":memory:"
    }

    /// The settings `run` uses.
    pub fn server_config(&self) -> ServerConfig {
        ServerConfig {
            allowed_origins: self.allowed_origins.clone(),
            max_connections: self.max_connections,
            max_rooms: self.max_rooms,
            rate_per_second: self.rate_limit,
            rate_burst: self.rate_burst,
            opening_timeout: self.opening_timeout.0,
            ping_interval: self.ping_interval.0,
            idle_timeout: self.idle_timeout.0,
            empty_lobby_ttl: self.empty_lobby_ttl.0,
            ended_retention: self.retention.0,
            outbound_queue: self.outbound_queue as usize,
            snapshot_every: self.snapshot_every,
            store_retention: std::time::Duration::from_secs(
                u64::from(self.retention_days) * 86_400,
            ),
            ..ServerConfig::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_is_well_formed() {
        ServerArgs::command().debug_assert();
    }

    #[test]
    fn defaults_are_the_documented_ones() {
        let args = ServerArgs::try_parse_from(["allssam-server"]).expect("defaults parse");
        assert_eq!(args.listen.to_string(), "127.0.0.1:8080");
        assert_eq!(args.data, PathBuf::from("./allssam.db"));
        assert_eq!(args.sync, SyncMode::Normal);
        assert!(!args.in_memory());
        let config = args.server_config();
        assert_eq!((config.rate_per_second, config.rate_burst), (20, 60));
        assert_eq!(config.opening_timeout.as_secs(), 10);
    }

    #[test]
    fn origins_repeat() {
        let args = ServerArgs::try_parse_from([
            "allssam-server",
            "--allowed-origin",
            "https://a.example",
            "--allowed-origin",
            "https://b.example",
        ])
        .expect("parses");
        assert_eq!(args.allowed_origins.len(), 2);
    }
}
