//! The command line: every subcommand and flag of `allssam`, documented.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

/// The local server the README starts.
pub const DEFAULT_URL: &str = "ws://127.0.0.1:8080/ws";

/// All-ssam: the client for players, facilitators, projectors, bots and load tests.
#[derive(Debug, Parser)]
#[command(
    name = "allssam",
    version,
    about = "All-ssam's client: play, host, watch, bots, demo, export and loadtest"
)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Play a whole fast game with bots, printing the public feed and the debrief.
    Demo {
        /// The server's WebSocket address.
        #[arg(long, env = "ALLSSAM_URL", hide_env_values = true, default_value = DEFAULT_URL)]
        url: String,
        /// Players (bots) in the room, 4 to 12.
        #[arg(long, default_value_t = crate::cmd::demo::DEFAULT_PLAYERS, value_parser = clap::value_parser!(u8).range(4..=12))]
        players: u8,
        /// The seed of the room and of the bots (a fixed seed replays the same decisions).
        #[arg(long, default_value_t = crate::cmd::demo::DEFAULT_SEED)]
        seed: u64,
        /// Rounds to play.
        #[arg(long, default_value_t = 4, value_parser = clap::value_parser!(u32).range(1..=100))]
        rounds: u32,
    },
    /// Create a room and run it from a facilitator's console.
    Host {
        /// The server's WebSocket address.
        #[arg(long, env = "ALLSSAM_URL", hide_env_values = true, default_value = DEFAULT_URL)]
        url: String,
        /// A room configuration (JSON, RULES.md §10) to create the room with.
        #[arg(long, value_name = "FILE.json")]
        config: Option<PathBuf>,
        /// Rounds in the game (overrides the config file).
        #[arg(long)]
        rounds: Option<u32>,
        /// Short phases (20/15/15/10 s) for a quick session.
        #[arg(long)]
        fast: bool,
        /// Take back the console of the last room hosted from this machine.
        #[arg(long, conflicts_with_all = ["config", "rounds", "fast"])]
        resume: bool,
    },
    /// Join a room as a player.
    Play {
        /// The room code the facilitator shows.
        room: String,
        /// Your name in the room (1–24 characters).
        #[arg(long)]
        name: String,
        /// The server's WebSocket address.
        #[arg(long, env = "ALLSSAM_URL", hide_env_values = true, default_value = DEFAULT_URL)]
        url: String,
    },
    /// Show a room's public feed in large text, for a projector.
    Watch {
        /// The room code.
        room: String,
        /// The server's WebSocket address.
        #[arg(long, env = "ALLSSAM_URL", hide_env_values = true, default_value = DEFAULT_URL)]
        url: String,
    },
    /// Fill open seats of a room with bots.
    Bots {
        /// The room code.
        #[arg(long)]
        room: String,
        /// How many bots.
        #[arg(long, default_value_t = 1)]
        count: usize,
        /// How they play: `sensible` (by role) or `random`.
        #[arg(long, default_value = "sensible")]
        strategy: String,
        /// The bots' seed.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// The server's WebSocket address.
        #[arg(long, env = "ALLSSAM_URL", hide_env_values = true, default_value = DEFAULT_URL)]
        url: String,
    },
    /// Load the server with many bot connections in fast rooms and report.
    Loadtest(crate::loadtest_args::LoadtestArgs),
    /// Fetch a room's record or debrief (facilitator only): json, csv, md or html.
    Export {
        /// The room code.
        room: String,
        /// json (event log), csv (one table), md or html (the debrief).
        #[arg(long, default_value = "html", value_parser = ["json", "csv", "md", "html"])]
        format: String,
        /// The CSV table: transfers, cases or chat.
        #[arg(long, value_parser = ["transfers", "cases", "chat"])]
        table: Option<String>,
        /// The server's address.
        #[arg(long, env = "ALLSSAM_URL", hide_env_values = true, default_value = DEFAULT_URL)]
        url: String,
        /// The facilitator's token (default: the one `allssam host` saved).
        #[arg(long, env = "ALLSSAM_TOKEN", hide_env_values = true)]
        token: Option<String>,
        /// Write to this file instead of stdout.
        #[arg(short, long)]
        output: Option<PathBuf>,
    },
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_is_well_formed() {
        Cli::command().debug_assert();
    }

    #[test]
    fn help_pages_never_show_the_environments_values() {
        let mut cli = Cli::command();
        cli.build();
        for sub in cli.get_subcommands_mut() {
            let help = sub.render_long_help().to_string();
            assert!(
                !help.contains("ALLSSAM_URL=") && !help.contains("ALLSSAM_TOKEN="),
                "{help}"
            );
            if sub.get_name() != "export" {
                continue;
            }
            assert!(help.contains("[env: ALLSSAM_URL]"), "{help}");
        }
    }

    #[test]
    fn flags_parse_as_documented() {
        let cli = Cli::try_parse_from(["allssam", "play", "ABCDEF", "--name", "Kim"])
            .expect("play parses");
        assert!(
            matches!(cli.command, Command::Play { ref room, ref name, ref url }
            if room == "ABCDEF" && name == "Kim" && url == DEFAULT_URL)
        );
        assert!(Cli::try_parse_from(["allssam", "demo", "--players", "3"]).is_err());
        assert!(Cli::try_parse_from(["allssam", "host", "--resume", "--fast"]).is_err());
        assert!(
            Cli::try_parse_from(["allssam", "export"]).is_err(),
            "export needs a room code"
        );
    }
}
