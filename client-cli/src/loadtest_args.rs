//! `allssam loadtest`: its flags, and which generator each mode runs
//! (the bots for `bots`, the lean raw connections for the others).

use std::net::IpAddr;
use std::time::Duration;

use clap::{Args, ValueEnum};

use crate::cli::DEFAULT_URL;
use crate::loadtest::{LoadOptions, Start, render, run_load};
use crate::loadtest_modes::{RawMode, RawOptions, run_raw};
use crate::loadtest_raw::Dialer;

/// What the load does.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Mode {
    /// Bots play real games with a strategy.
    Bots,
    /// Each player chats privately to its neighbour (closed loop, or `--rate`).
    Chat,
    /// Each player chats publicly as fast as acks come back; event latency is measured.
    Fanout,
    /// Players connect and hold for `--duration`, sending nothing.
    Idle,
    /// Rooms are filled and started, then everybody leaves (games stay in progress).
    Park,
}

/// The flags of `allssam loadtest`.
#[derive(Clone, Debug, Args)]
pub struct LoadtestArgs {
    /// What the load does.
    #[arg(long, value_enum, default_value_t = Mode::Bots)]
    pub mode: Mode,
    /// Rooms to create.
    #[arg(long, default_value_t = 10)]
    pub rooms: usize,
    /// Players per room (4 to 12).
    #[arg(long, default_value_t = 6, value_parser = clap::value_parser!(u8).range(4..=12))]
    pub players: u8,
    /// Seconds to run.
    #[arg(long, default_value_t = 30)]
    pub duration: u64,
    /// Acts per second per player (open loop); without it, each acts as soon as its last act is answered.
    #[arg(long)]
    pub rate: Option<f64>,
    /// How the bots play (`--mode bots`): `random` or `sensible`.
    #[arg(long, default_value = "random")]
    pub strategy: String,
    /// The bots' seed (`--mode bots`); several load processes use different seeds.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Facilitators leave once their room is started (`--mode bots`), or
    /// once their players are seated (`--mode chat`).
    #[arg(long)]
    pub drop_hosts: bool,
    /// Local addresses to dial from, round-robin (repeatable: 127.0.0.2, …); lean modes only.
    #[arg(long = "source-ip")]
    pub source_ips: Vec<IpAddr>,
    /// Rooms set up at once.
    #[arg(long, default_value_t = 32)]
    pub concurrency: usize,
    /// The server's process id: its CPU use is reported beside the generator's.
    #[arg(long)]
    pub server_pid: Option<u32>,
    /// Seconds of load before measuring (`bots`, `chat`, `fanout`): the
    /// first seconds after setup are not the steady load.
    #[arg(long, default_value_t = 0)]
    pub warmup: u64,
    /// Once set up, wait for this file to exist before loading: several
    /// load processes on one server start together (the bench creates it).
    #[arg(long)]
    pub go_file: Option<std::path::PathBuf>,
    /// The server's WebSocket address.
    #[arg(long, env = "ALLSSAM_URL", hide_env_values = true, default_value = DEFAULT_URL)]
    pub url: String,
    /// Print the report as JSON.
    #[arg(long)]
    pub json: bool,
}

/// Runs the load and prints its report.
pub async fn run(args: LoadtestArgs) -> anyhow::Result<()> {
    let duration = Duration::from_secs(args.duration);
    let start = Start {
        go_file: args.go_file,
        warmup: Duration::from_secs(args.warmup),
    };
    let raw = match args.mode {
        Mode::Bots => None,
        Mode::Chat => Some(RawMode::Chat),
        Mode::Fanout => Some(RawMode::Fanout),
        Mode::Idle => Some(RawMode::Idle),
        Mode::Park => Some(RawMode::Park),
    };
    if let Some(mode) = raw {
        let dialer = Dialer::new(&args.url, args.source_ips).await?;
        let options = RawOptions {
            mode,
            rooms: args.rooms,
            players: args.players as usize,
            duration,
            rate: args.rate,
            concurrency: args.concurrency,
            server_pid: args.server_pid,
            start,
            drop_hosts: args.drop_hosts,
        };
        let report = run_raw(&dialer, &options).await?;
        // The lean report is for the bench: JSON either way.
        println!("{}", serde_json::to_string_pretty(&report)?);
        return Ok(());
    }
    let options = LoadOptions {
        url: args.url,
        rooms: args.rooms,
        players: args.players as usize,
        duration,
        rate: args.rate,
        strategy: args.strategy,
        progress: !args.json,
        seed: args.seed,
        drop_hosts: args.drop_hosts,
        concurrency: args.concurrency,
        server_pid: args.server_pid,
        start,
    };
    let report = run_load(&options).await?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print!("{}", render(&report));
    }
    Ok(())
}
