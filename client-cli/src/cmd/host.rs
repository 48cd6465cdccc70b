//! `allssam host`: create a room, show its code large, and run the
//! facilitator's console (roles, bots, clock, kicks, messages, seat hand-over).

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use allssam_protocol::{ClientMessage, ConfigPatch, PlayerId, Role};
use anyhow::Context as _;
use tokio::sync::watch;

use super::console::Console;
use crate::bots::{BotPlan, run_bot, spawn_bots};
use crate::client::{Client, ClientError, Opening};
use crate::parse::resolve;
use crate::state::State;
use crate::{banner, describe, strategy, tokens};

const HELP: &str = "\
Facilitator commands:
  who                       players, roles, connections, balances
  assign @Kim secretary     give a role (lobby)
  bots N [sensible|random]  seat N bots in open seats (lobby)
  start | advance | end      start the game, end the phase now, end the game
  pause | resume            stop and restart the clock
  kick @Kim                 remove a player (his tokens stop working)
  announce TEXT             say something to everyone
  msg @Kim TEXT             say something to one player
  handover @Kim             a bot plays Kim's seat until `takeback @Kim`
  takeback @Kim             stop that bot, so Kim can come back
  help | quit";

/// What a facilitator's line asks for.
#[derive(Debug, PartialEq)]
enum HostInput {
    Send(ClientMessage),
    Who,
    Bots(usize, String),
    Handover(PlayerId),
    Takeback(PlayerId),
    Help,
    Quit,
    Nothing,
}

fn parse_host(line: &str, s: &State) -> Result<HostInput, String> {
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
        ("start", []) => send(ClientMessage::Start),
        ("pause", []) => send(ClientMessage::Pause),
        ("resume" | "unpause", []) => send(ClientMessage::Unpause),
        ("advance", []) => send(ClientMessage::Advance),
        ("end", []) => send(ClientMessage::End),
        ("assign", [who, role]) => {
            let role: Role = role.to_lowercase().parse()?;
            send(ClientMessage::Assign {
                player: resolve(who, s)?,
                role,
            })
        }
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
        _ => Err(format!(
            "Cannot read `{}`. Type `help` for the commands.",
            line.trim()
        )),
    }
}

fn who(s: &State) -> String {
    let mut out = format!("{}\n", describe::phase_line(s));
    if s.view.players.is_empty() {
        out.push_str("  nobody has joined yet\n");
    }
    for p in &s.view.players {
        let role = p.role.map_or("-".into(), |r| r.to_string());
        let conn = if p.connected { "online" } else { "AWAY" };
        let money = p.balance.map_or(String::new(), |b| {
            format!("{b} won ({} available)", p.available.unwrap_or(b))
        });
        out.push_str(&format!(
            "  {:<14} {:<11} {:<10} {:<7} {money}\n",
            p.name,
            role,
            p.status.to_string(),
            conn
        ));
    }
    let away: Vec<&str> = s
        .view
        .players
        .iter()
        .filter(|p| !p.connected)
        .map(|p| p.name.as_str())
        .collect();
    let playing = !matches!(
        s.view.phase,
        allssam_protocol::Phase::Lobby | allssam_protocol::Phase::Ended
    );
    if playing && !away.is_empty() {
        out.push_str(&format!(
            "Away: {}. `handover @Name` lets a bot play a seat until its player is back.\n",
            away.join(", ")
        ));
    }
    out
}

/// Reads the room configuration from the flags.
pub fn config_from(
    file: Option<&Path>,
    rounds: Option<u32>,
    fast: bool,
) -> anyhow::Result<Option<ConfigPatch>> {
    let mut patch = match file {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("reading {}", path.display()))?;
            serde_json::from_str::<ConfigPatch>(&text)
                .with_context(|| format!("{} is not a JSON object", path.display()))?
        }
        None => ConfigPatch::default(),
    };
    if let Some(rounds) = rounds {
        patch.0.insert("rounds".into(), rounds.into());
    }
    if fast {
        let phases = serde_json::json!({"dealing": 20, "accusation": 15, "investigation": 15, "verdict": 10});
        patch.0.insert("phase_seconds".into(), phases);
    }
    Ok((!patch.0.is_empty()).then_some(patch))
}

/// Creates (or, with `resume`, takes back) a room and runs the console.
pub async fn run(url: &str, config: Option<ConfigPatch>, resume: bool) -> anyhow::Result<()> {
    let saved = tokens::host_path();
    let client = if resume {
        let token = tokens::load(&saved).context("no hosted room saved on this machine")?;
        Client::connect(url, Opening::Resume { token })
            .await
            .context("taking the console back")?
    } else {
        let client = Client::connect(url, Opening::CreateRoom(config))
            .await
            .with_context(|| format!("creating a room on {url}"))?;
        if let Some(token) = &client.session().token
            && let Err(e) = tokens::save(&saved, token)
        {
            eprintln!(
                "(could not save the facilitator token in {}: {e})",
                saved.display()
            );
        }
        client
    };
    let room = client.session().room.clone();
    let rules = {
        let c = &client.state().view.config;
        let p = &c.phase_seconds;
        format!(
            "{} rounds; phases of {} / {} / {} / {} s (dealing / accusation / investigation / verdict; 0: until all are ready)",
            c.rounds, p.dealing, p.accusation, p.investigation, p.verdict
        )
    };
    println!(
        "\nRoom code: {room}\n\n{}\n\n{rules}\nPlayers join with:  allssam play {room} --name NAME\nThe projector:      allssam watch {room}\n\n{HELP}\n",
        banner::big(&room)
    );

    let mut console = Console::start::<()>("host> ", None, None)?;
    // Where the room stands (after a resume, the game may be well under way).
    console.print(who(&client.state()));
    let mut handed: HashMap<PlayerId, watch::Sender<bool>> = HashMap::new();
    let mut fleets: Vec<watch::Sender<bool>> = Vec::new();
    let mut seed = 1u64;
    let mut updates = client.subscribe();
    loop {
        tokio::select! {
            line = console.lines.next() => {
                let Some(line) = line else { break };
                let input = parse_host(&line, &client.state());
                let out = match input {
                    Ok(HostInput::Quit) => break,
                    Ok(HostInput::Nothing) => None,
                    Ok(HostInput::Help) => Some(HELP.to_string()),
                    Ok(HostInput::Who) => Some(who(&client.state())),
                    Ok(HostInput::Send(m)) => refusal(&client, client.request(m).await),
                    Ok(HostInput::Bots(n, name)) => {
                        let strategy = strategy::by_name(&name).map(Arc::from).unwrap_or_else(|| Arc::new(strategy::Sensible) as Arc<dyn strategy::Strategy>);
                        let (plan, stop) = BotPlan::new(strategy, seed);
                        seed += 100;
                        match spawn_bots(url, &room, n, &plan).await {
                            Ok(_) => { fleets.push(stop); Some(format!("{n} bot(s) seated.")) }
                            Err(e) => Some(format!("Bots could not join: {e}")),
                        }
                    }
                    Ok(HostInput::Handover(player)) => match client.request(ClientMessage::SeatToken { player }).await {
                        Ok(ack) => match ack.token {
                            Some(token) => {
                                let name = client.state().name(player);
                                match Client::connect(url, Opening::Resume { token }).await {
                                    Ok(bot) => {
                                        let (plan, stop) = BotPlan::new(Arc::new(strategy::Sensible), seed + player.0.as_u128() as u64);
                                        tokio::spawn(run_bot(bot, plan, seed));
                                        handed.insert(player, stop);
                                        Some(format!("A bot now plays {name}'s seat."))
                                    }
                                    Err(e) => Some(format!("The bot could not take the seat: {e}")),
                                }
                            }
                            None => Some("The server gave no seat token.".into()),
                        },
                        Err(e) => refusal(&client, Err(e)),
                    },
                    Ok(HostInput::Takeback(player)) => match handed.remove(&player) {
                        Some(stop) => { let _ = stop.send(true); Some(format!("The bot left {}'s seat; they can come back with `allssam play`.", client.state().name(player))) }
                        None => Some("No bot plays that seat.".into()),
                    },
                    Err(problem) => Some(problem),
                };
                if let Some(out) = out {
                    console.print(out);
                }
            }
            update = updates.recv() => if !console.show(&client, update) {
                    break;
                },
        }
    }
    let bots = handed.len() + fleets.len();
    for stop in handed.values().chain(fleets.iter()) {
        let _ = stop.send(true);
    }
    if bots > 0 && client.state().view.phase != allssam_protocol::Phase::Ended {
        println!(
            "The bots this console ran have left their seats. `allssam host --resume` takes \
             the console back; `handover @Name` seats a bot again."
        );
    }
    Ok(())
}

fn refusal(
    client: &Client,
    result: Result<allssam_protocol::AckResult, ClientError>,
) -> Option<String> {
    match result {
        Ok(_) => None,
        Err(ClientError::Refused(e)) => Some(describe::refusal(&client.state(), &e)),
        Err(e) => Some(format!("Not sent: {e}")),
    }
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
}
