//! The facilitator's command language: one typed line → one request or a
//! console command, with `end` (and `quit` while this console's bots play)
//! held back until it is typed twice.

use allssam_protocol::{ClientMessage, PlayerId, Role};

use crate::parse::{closest, resolve, unknown_command};
use crate::state::State;
use crate::strategy;

/// The help text shown by `help` and at the start.
pub const HELP: &str = "\
Facilitator commands:
  who                       players, roles, connections, balances
  assign @Kim secretary     give a role (lobby)
  bots N [sensible|random]  seat N bots in open seats (lobby)
  start | advance           start the game, end the phase now
  end                       end the game now (type it twice to confirm)
  pause | resume            stop and restart the clock
  kick @Kim                 remove a player (his tokens stop working)
  announce TEXT             say something to everyone
  msg @Kim TEXT             say something to one player
  handover @Kim             a bot plays Kim's seat until `takeback @Kim`
  takeback @Kim             stop that bot, so Kim can come back
  debrief                   show the end-of-game summary again
  export                    how to save the full report of the game
  help | quit";

/// Every command word, for did-you-mean.
const COMMANDS: &[&str] = &[
    "who", "status", "assign", "bots", "start", "advance", "end", "pause", "resume", "unpause",
    "kick", "announce", "msg", "handover", "takeback", "debrief", "export", "help", "quit", "exit",
];

/// What `end` says the first time: it cannot be undone.
pub const END_WARNING: &str = "This ends the game now for everyone (scores and debrief are \
                               final). Type `end` again to confirm.";

/// What `quit` says the first time while `bots` bots of this console play
/// a game: they go with it.
pub fn quit_warning(bots: usize) -> String {
    let bots = match bots {
        1 => "Your bot leaves its seat".to_string(),
        n => format!("Your {n} bots leave their seats"),
    };
    format!(
        "{bots} when this console quits (they come back with `handover`). \
         Type `quit` again to quit."
    )
}

/// What a facilitator's line asks for.
#[derive(Debug, PartialEq)]
pub enum HostInput {
    Send(ClientMessage),
    /// `end`, before [`ConfirmGuard`] has seen it.
    End,
    /// `end` typed once: warn, and wait for a second one.
    ConfirmEnd,
    /// `quit` typed once while this many of the console's bots play: warn,
    /// and wait for a second one.
    ConfirmQuit(usize),
    Who,
    Bots(usize, String),
    Handover(PlayerId),
    Takeback(PlayerId),
    Debrief,
    Export,
    Help,
    Quit,
    Nothing,
}

/// Holds `end` back until it is typed again as the very next command:
/// ending the game is final for everyone, and one stray word should not do
/// it. `quit` likewise while the console's bots play a game: they leave
/// their seats with it.
#[derive(Debug, Default)]
pub struct ConfirmGuard {
    armed: Option<Armed>,
}

/// The command waiting for its confirmation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Armed {
    End,
    Quit,
}

impl ConfirmGuard {
    /// `End` becomes `ConfirmEnd` the first time and the request the second;
    /// `Quit` becomes `ConfirmQuit` the first time when `bots` (this
    /// console's bots still playing) is not 0; any other command (or a
    /// line that could not be read) disarms it. Outside play (`in_play`
    /// false) there is nothing to lose: `end` goes at once, for the server
    /// to say why it cannot, and `quit` quits.
    pub fn check(
        &mut self,
        input: Result<HostInput, String>,
        in_play: bool,
        bots: usize,
    ) -> Result<HostInput, String> {
        let armed = self.armed.take();
        match input {
            Ok(HostInput::End) if armed == Some(Armed::End) || !in_play => {
                Ok(HostInput::Send(ClientMessage::End))
            }
            Ok(HostInput::End) => {
                self.armed = Some(Armed::End);
                Ok(HostInput::ConfirmEnd)
            }
            Ok(HostInput::Quit) if armed == Some(Armed::Quit) || !in_play || bots == 0 => {
                Ok(HostInput::Quit)
            }
            Ok(HostInput::Quit) => {
                self.armed = Some(Armed::Quit);
                Ok(HostInput::ConfirmQuit(bots))
            }
            // An empty line is no command: the next one may still confirm.
            Ok(HostInput::Nothing) => {
                self.armed = armed;
                Ok(HostInput::Nothing)
            }
            other => other,
        }
    }
}

/// Reads one facilitator's line against the room as the client knows it.
pub fn parse_host(line: &str, s: &State) -> Result<HostInput, String> {
    let mut words = line.split_whitespace();
    let word = words.next().unwrap_or("").to_lowercase();
    let args: Vec<&str> = words.collect();
    let rest = |skip: usize| {
        line.split_whitespace()
            .skip(skip)
            .collect::<Vec<_>>()
            .join(" ")
    };
    let send = |m| Ok(HostInput::Send(m));
    match (word.as_str(), &args[..]) {
        ("", _) => Ok(HostInput::Nothing),
        ("who" | "status", _) => Ok(HostInput::Who),
        ("help", _) => Ok(HostInput::Help),
        ("quit" | "exit", _) => Ok(HostInput::Quit),
        ("debrief", []) => Ok(HostInput::Debrief),
        ("export", []) => Ok(HostInput::Export),
        ("start", []) => send(ClientMessage::Start),
        ("pause", []) => send(ClientMessage::Pause),
        ("resume" | "unpause", []) => send(ClientMessage::Unpause),
        ("advance", []) => send(ClientMessage::Advance),
        ("end", []) => Ok(HostInput::End),
        ("assign", [who, role]) => send(ClientMessage::Assign {
            player: resolve(who, s)?,
            role: role_of(role)?,
        }),
        ("kick", [who]) => send(ClientMessage::Kick {
            player: resolve(who, s)?,
        }),
        ("handover", [who]) => Ok(HostInput::Handover(resolve(who, s)?)),
        ("takeback", [who]) => Ok(HostInput::Takeback(resolve(who, s)?)),
        ("bots", [n, more @ ..]) if more.len() <= 1 => {
            let n = n
                .parse()
                .map_err(|_| format!("`{n}` is not a number of bots"))?;
            let strategy = more.first().unwrap_or(&"sensible").to_string();
            if strategy::by_name(&strategy).is_none() {
                return Err(format!(
                    "`{strategy}` is not a strategy: {}",
                    strategy::STRATEGIES.join(", ")
                ));
            }
            Ok(HostInput::Bots(n, strategy))
        }
        ("announce", [_, ..]) => send(ClientMessage::Chat {
            text: rest(1),
            to: None,
        }),
        ("msg", [who, _, ..]) => send(ClientMessage::Chat {
            text: rest(2),
            to: Some(resolve(who, s)?),
        }),
        (known, _) if COMMANDS.contains(&known) => Err(format!(
            "Cannot read `{}`. Type `help` for the commands.",
            line.trim()
        )),
        (other, _) => Err(unknown_command(other, COMMANDS)),
    }
}

/// A role by its name, with the nearest name when it looks like a typo.
fn role_of(word: &str) -> Result<Role, String> {
    word.to_lowercase().parse().map_err(|all: String| {
        let names: Vec<&str> = Role::ALL.iter().map(|r| r.as_str()).collect();
        match closest(word, &names) {
            Some(near) => format!("`{word}` is not a role. Did you mean `{near}`?"),
            None => all,
        }
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::testkit::{pid, room};
    use allssam_protocol::Phase;

    #[test]
    fn facilitator_commands_parse() {
        let s = room(Role::Donju, Phase::Lobby);
        let table = [
            ("start", HostInput::Send(ClientMessage::Start)),
            ("resume", HostInput::Send(ClientMessage::Unpause)),
            (
                "assign @kim manager",
                HostInput::Send(ClientMessage::Assign {
                    player: pid(2),
                    role: Role::Manager,
                }),
            ),
            (
                "kick Lee",
                HostInput::Send(ClientMessage::Kick { player: pid(5) }),
            ),
            (
                "announce tea   break",
                HostInput::Send(ClientMessage::Chat {
                    text: "tea break".into(),
                    to: None,
                }),
            ),
            (
                "msg @Park you are late",
                HostInput::Send(ClientMessage::Chat {
                    text: "you are late".into(),
                    to: Some(pid(4)),
                }),
            ),
            ("bots 3", HostInput::Bots(3, "sensible".into())),
            ("bots 2 random", HostInput::Bots(2, "random".into())),
            ("handover @Choi", HostInput::Handover(pid(6))),
            ("takeback @Choi", HostInput::Takeback(pid(6))),
            ("who", HostInput::Who),
            ("end", HostInput::End),
            ("debrief", HostInput::Debrief),
            ("Export", HostInput::Export),
        ];
        for (line, want) in table {
            assert_eq!(parse_host(line, &s).unwrap(), want, "{line}");
        }
        assert!(
            parse_host("assign @kim king", &s)
                .unwrap_err()
                .contains("`king` is not one of")
        );
        assert!(
            parse_host("bots 2 clever", &s)
                .unwrap_err()
                .contains("not a strategy")
        );
        assert!(parse_host("start now", &s).is_err());
    }

    #[test]
    fn typos_get_the_players_did_you_mean() {
        let s = room(Role::Donju, Phase::Lobby);
        let table = [
            (
                "anounce hello",
                "Unknown command `anounce`. Did you mean `announce`?",
            ),
            (
                "hnadover @Lee",
                "Unknown command `hnadover`. Did you mean `handover`?",
            ),
            ("sing", "Unknown command `sing`. Type `help` for the list."),
            (
                "assign @kim manger",
                "`manger` is not a role. Did you mean `manager`?",
            ),
            ("kick", "Cannot read `kick`. Type `help` for the commands."),
        ];
        for (line, want) in table {
            assert_eq!(parse_host(line, &s).unwrap_err(), want, "{line}");
        }
    }

    /// The guard's answers to a run of lines, as the console reads them.
    fn guarded(lines: &[&str]) -> Vec<Result<HostInput, String>> {
        guarded_in(Phase::Dealing, lines)
    }

    fn guarded_in(phase: Phase, lines: &[&str]) -> Vec<Result<HostInput, String>> {
        guarded_with_bots(phase, 0, lines)
    }

    fn guarded_with_bots(
        phase: Phase,
        bots: usize,
        lines: &[&str],
    ) -> Vec<Result<HostInput, String>> {
        let s = room(Role::Donju, phase);
        let mut guard = ConfirmGuard::default();
        lines
            .iter()
            .map(|line| guard.check(parse_host(line, &s), true_in_play(phase), bots))
            .collect()
    }

    fn true_in_play(phase: Phase) -> bool {
        !matches!(phase, Phase::Lobby | Phase::Ended)
    }

    #[test]
    fn end_is_sent_only_when_typed_twice_in_a_row() {
        let end = || Ok(HostInput::Send(ClientMessage::End));
        for phase in [Phase::Lobby, Phase::Ended] {
            assert_eq!(
                guarded_in(phase, &["end"]),
                [end()],
                "{phase}: nothing to lose, the server answers"
            );
        }
        assert_eq!(guarded(&["end", "end"]), [Ok(HostInput::ConfirmEnd), end()]);
        assert_eq!(
            guarded(&["end", "", "END"]),
            [Ok(HostInput::ConfirmEnd), Ok(HostInput::Nothing), end()],
            "an empty line does not disarm"
        );
        assert_eq!(
            guarded(&["end", "who", "end"]),
            [
                Ok(HostInput::ConfirmEnd),
                Ok(HostInput::Who),
                Ok(HostInput::ConfirmEnd)
            ],
            "another command in between asks again"
        );
        let typo = guarded(&["end", "edn", "end"]);
        assert_eq!(typo[2], Ok(HostInput::ConfirmEnd), "a typo disarms too");
    }

    #[test]
    fn quit_asks_first_while_our_bots_play_a_game() {
        let quit = || Ok(HostInput::Quit);
        assert_eq!(
            guarded_with_bots(Phase::Dealing, 3, &["quit", "quit"]),
            [Ok(HostInput::ConfirmQuit(3)), quit()]
        );
        assert_eq!(
            guarded_with_bots(Phase::Dealing, 3, &["quit", "who", "exit"]),
            [
                Ok(HostInput::ConfirmQuit(3)),
                Ok(HostInput::Who),
                Ok(HostInput::ConfirmQuit(3))
            ],
            "another command in between asks again"
        );
        assert_eq!(
            guarded_with_bots(Phase::Dealing, 2, &["end", "quit", "end"]),
            [
                Ok(HostInput::ConfirmEnd),
                Ok(HostInput::ConfirmQuit(2)),
                Ok(HostInput::ConfirmEnd)
            ],
            "one confirmation does not stand for the other"
        );
        assert_eq!(guarded_with_bots(Phase::Dealing, 0, &["quit"]), [quit()]);
        for phase in [Phase::Lobby, Phase::Ended] {
            assert_eq!(guarded_with_bots(phase, 3, &["quit"]), [quit()], "{phase}");
        }
        assert_eq!(
            quit_warning(3),
            "Your 3 bots leave their seats when this console quits (they come back with \
             `handover`). Type `quit` again to quit."
        );
        assert!(quit_warning(1).starts_with("Your bot leaves its seat when"));
    }

    #[test]
    fn help_descriptions_share_one_column() {
        let column = HELP
            .lines()
            .skip(1)
            .filter(|l| l.len() > 28)
            .map(|l| {
                let command = l[2..].split("  ").next().unwrap();
                let gap = &l[2 + command.len()..];
                2 + command.len() + (gap.len() - gap.trim_start().len())
            })
            .collect::<Vec<_>>();
        assert!(column.len() >= 13, "{column:?}");
        assert!(column.iter().all(|c| *c == 28), "{column:?}\n{HELP}");
    }
}
