//! `allssam play ROOM --name NAME`: the player's line editor, with events
//! printed above the input line and the seat resumed after a drop.

use std::sync::{Arc, Mutex};

use allssam_protocol::{ClientMessage, ErrorCode};
use anyhow::Context as _;
use rustyline::completion::{Completer, Pair};
use rustyline::highlight::Highlighter;
use rustyline::hint::Hinter;
use rustyline::validate::Validator;
use rustyline::{Context, Helper};

use super::console::Console;
use crate::client::{Client, ClientError, Opening};
use crate::labels::{self, LabelFile};
use crate::parse::{COMMANDS, HELP, Input, parse};
use crate::state::State;
use crate::{describe, panel, tokens};

/// Completes command words first, then `@names` of the room's players.
struct Completion {
    names: Arc<Mutex<Vec<String>>>,
}

impl Completer for Completion {
    type Candidate = Pair;

    fn complete(
        &self,
        line: &str,
        pos: usize,
        _: &Context<'_>,
    ) -> rustyline::Result<(usize, Vec<Pair>)> {
        let before = &line[..pos];
        let start = before.rfind(char::is_whitespace).map_or(0, |i| i + 1);
        let word = &before[start..];
        let pairs = |items: Vec<String>| {
            items
                .into_iter()
                .map(|s| Pair {
                    display: s.clone(),
                    replacement: s + " ",
                })
                .collect()
        };
        if start == 0 {
            let commands = COMMANDS
                .iter()
                .filter(|c| c.starts_with(word))
                .map(|c| c.to_string());
            return Ok((0, pairs(commands.collect())));
        }
        let wanted = word.trim_start_matches('@').to_lowercase();
        let names = self.names.lock().map(|n| n.clone()).unwrap_or_default();
        let matching = names
            .into_iter()
            .filter(|n| n.to_lowercase().starts_with(&wanted))
            .map(|n| format!("@{n}"));
        Ok((start, pairs(matching.collect())))
    }
}

impl Hinter for Completion {
    type Hint = String;
}
impl Highlighter for Completion {}
impl Validator for Completion {}
impl Helper for Completion {}

/// Joins (or resumes) the seat and runs the line editor until `quit` or the game ends.
pub async fn run(url: &str, room: &str, name: &str) -> anyhow::Result<()> {
    let room = room.to_uppercase();
    let client = connect(url, &room, name).await?;
    let labels = LabelFile::open(&tokens::path(&room, name), &room, &mut client.state());
    let names = Arc::new(Mutex::new(Vec::new()));
    let refresh_names = |client: &Client| {
        let list = client
            .state()
            .view
            .players
            .iter()
            .map(|p| p.name.clone())
            .collect();
        if let Ok(mut n) = names.lock() {
            *n = list;
        }
    };
    refresh_names(&client);

    let helper = Completion {
        names: names.clone(),
    };
    let history = Some(tokens::dir().join("history"));
    let mut console = Console::start("allssam> ", Some(helper), history)?;
    console.print(format!(
        "{}\nType `help` for the commands, `status` for this panel.",
        panel::status(&client.state())
    ));
    let mut updates = client.subscribe();
    loop {
        tokio::select! {
            line = console.lines.next() => {
                let Some(line) = line else { break };
                let input = parse(&line, &client.state());
                let out = match input {
                    Ok(Input::Quit) => break,
                    Ok(Input::Nothing) => None,
                    Ok(Input::Help) => Some(HELP.to_string()),
                    Ok(Input::Status) => Some(panel::status(&client.state())),
                    Ok(Input::Send(message)) => match client.request(message.clone()).await {
                        Ok(_) => done(&message, &client.state()),
                        Err(ClientError::Refused(e)) => Some(describe::refusal(&client.state(), &e)),
                        Err(e) => Some(format!("Not sent: {e}")),
                    },
                    Err(problem) => Some(problem),
                };
                if let Some(out) = out {
                    console.print(out);
                }
            }
            update = updates.recv() => {
                refresh_names(&client);
                let fresh = client.state().fresh_labels();
                labels.keep(fresh);
                if !console.show(&client, update) {
                    break;
                }
            }
        }
    }
    Ok(())
}

/// A word for a request that went through but shows no event to its sender.
fn done(message: &ClientMessage, s: &State) -> Option<String> {
    match message {
        ClientMessage::Ready => {
            Some("You are ready: the phase ends when everyone is (or when its time is up).".into())
        }
        ClientMessage::Share { to, .. } => Some(format!("{} now knows it too.", s.name(*to))),
        _ => None,
    }
}

/// Resumes the saved seat for this room and name, or joins and saves the token.
async fn connect(url: &str, room: &str, name: &str) -> anyhow::Result<Client> {
    let path = tokens::path(room, name);
    if let Some(token) = tokens::load(&path) {
        match Client::connect(url, Opening::Resume { token }).await {
            Ok(client) => {
                println!("Welcome back to room {room}.");
                return Ok(client);
            }
            Err(e) if e.code() == Some(ErrorCode::BadToken) => {
                // A new seat: its numbers start afresh (no file is fine).
                let _ = std::fs::remove_file(&path);
                let _ = std::fs::remove_file(labels::path(&path));
            }
            Err(e) => return Err(e).context("resuming your seat"),
        }
    }
    let client = Client::connect(
        url,
        Opening::Join {
            room: room.to_string(),
            name: name.to_string(),
        },
    )
    .await
    .with_context(|| format!("joining room {room} on {url}"))?;
    // A new seat: numbers of an earlier one of the same name are not its own.
    let _ = std::fs::remove_file(labels::path(&path));
    if let Some(token) = &client.session().token
        && let Err(e) = tokens::save(&path, token)
    {
        eprintln!(
            "(could not save your seat's token in {}: {e})",
            path.display()
        );
    }
    Ok(client)
}
