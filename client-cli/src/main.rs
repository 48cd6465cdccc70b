//! The `allssam` binary: parses the command line and runs a subcommand.

use std::sync::Arc;

use allssam_cli::bots::{BotPlan, seat_bots};
use allssam_cli::cli::{Cli, Command};
use allssam_cli::cmd;
use allssam_cli::strategy;
use anyhow::Context as _;
use clap::Parser;

#[tokio::main]
async fn main() {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::from_env("ALLSSAM_LOG"))
        .with_writer(std::io::stderr)
        .init();
    if let Err(e) = run(Cli::parse()).await {
        eprintln!("allssam: {e:#}");
        std::process::exit(1);
    }
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Demo {
            url,
            players,
            seed,
            rounds,
        } => cmd::demo::run(&url, players, seed, rounds).await,
        Command::Host {
            url,
            config,
            rounds,
            fast,
            resume,
        } => {
            let config = cmd::host::config_from(config.as_deref(), rounds, fast)?;
            cmd::host::run(&url, config, resume).await
        }
        Command::Play { room, name, url } => cmd::play::run(&url, &room, &name).await,
        Command::Watch { room, url } => cmd::watch::run(&url, &room).await,
        Command::Bots {
            room,
            count,
            strategy: name,
            seed,
            url,
        } => {
            let strategy: Arc<dyn strategy::Strategy> =
                strategy::by_name(&name).map(Arc::from).ok_or_else(|| {
                    anyhow::anyhow!(
                        "`{name}` is not a strategy: {}",
                        strategy::STRATEGIES.join(", ")
                    )
                })?;
            let (plan, _stop) = BotPlan::new(strategy, seed);
            let room = room.to_uppercase();
            let fleet = seat_bots(&url, &room, count, &plan).await;
            let report = fleet.report(count);
            if fleet.seated.is_empty()
                && let Some(e) = fleet.refused
            {
                return Err(e).context(format!("room {room}"));
            }
            println!("Room {room}: {report} They play until the game ends.");
            for (_, bot) in fleet.seated {
                let end = bot.await?;
                tracing::info!(?end, "bot finished");
            }
            Ok(())
        }
        Command::Export {
            room,
            format,
            table,
            url,
            token,
            output,
        } => {
            let args = allssam_cli::export::ExportArgs {
                room,
                format,
                table,
                url,
                token,
                output,
            };
            allssam_cli::export::run(args).await
        }
        Command::Loadtest(args) => allssam_cli::loadtest_args::run(args).await,
    }
}
