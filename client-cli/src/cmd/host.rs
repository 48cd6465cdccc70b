//! `allssam host`: create a room, show its code large, and run the
//! facilitator's console (roles, bots, clock, kicks, messages, seat hand-over).

use std::collections::{HashMap, HashSet};
use std::ops::ControlFlow;
use std::path::Path;
use std::sync::Arc;

use allssam_protocol::{ClientMessage, ConfigPatch, ErrorCode, Event, Phase, PlayerId};
use anyhow::Context as _;
use tokio::sync::{mpsc, watch};

use super::console::Console;
use super::host_input::{ConfirmGuard, END_WARNING, HELP, HostInput, parse_host, quit_warning};
use super::host_text::{export_hint, join_hints, resume_refused, seat_news, who};
use crate::bots::{BotEnd, BotPlan, run_bot, seat_bots};
use crate::client::{Client, ClientError, Opening, Update};
use crate::labels::LabelFile;
use crate::state::State;
use crate::{banner, describe, panel, strategy, tokens};

/// A bot of this console playing a player's seat (`handover`).
struct Handed {
    /// Turns true to stop the bot (`takeback`).
    stop: watch::Sender<bool>,
    /// Tells this bot's end from that of an earlier bot on the same seat.
    serial: u64,
}

/// How the run of a handed-over bot ended, for the console to tell.
struct HandedEnd {
    player: PlayerId,
    serial: u64,
    end: BotEnd,
}

/// The facilitator's console: the room's client and the bots it runs.
struct Host {
    client: Client,
    url: String,
    room: String,
    handed: HashMap<PlayerId, Handed>,
    fleets: Vec<watch::Sender<bool>>,
    /// The seats of the bots `bots N` seated, and their runs.
    fleet: Vec<(PlayerId, tokio::task::JoinHandle<BotEnd>)>,
    seed: u64,
    serial: u64,
    /// Seats whose bot was taken back, until its connection is seen to go.
    leaving: HashSet<PlayerId>,
    /// Holds `end` (and `quit` while our bots play) for a confirmation.
    guard: ConfirmGuard,
    /// Where handed-over bots report the end of their run.
    bot_ends: mpsc::Sender<HandedEnd>,
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
    let client = open(url, config, resume).await?;
    let room = client.session().room.clone();
    let labels = LabelFile::open(&tokens::host_path(), &room, &mut client.state());
    let over = client.state().view.phase == Phase::Ended;
    println!(
        "{}",
        if over {
            ended_intro(&client, url)
        } else {
            intro(&client, url)
        }
    );
    let mut console = Console::start::<()>("host> ", None, None)?;
    let (bot_ends, mut ended) = mpsc::channel(16);
    let mut host = Host {
        room: client.session().room.clone(),
        client,
        url: url.to_string(),
        handed: HashMap::new(),
        fleets: Vec::new(),
        fleet: Vec::new(),
        seed: 1,
        serial: 0,
        leaving: HashSet::new(),
        guard: ConfirmGuard::default(),
        bot_ends,
    };
    if !over {
        // Where the room stands (after a resume, the game may be well under way).
        console.print(who(&host.client.state(), &host.bots()));
    }
    let mut updates = host.client.subscribe();
    loop {
        tokio::select! {
            line = console.lines.next() => {
                let Some(line) = line else { break };
                match host.answer(&line).await {
                    ControlFlow::Break(()) => break,
                    ControlFlow::Continue(Some(out)) => console.print(out),
                    ControlFlow::Continue(None) => {}
                }
            }
            Some(end) = ended.recv() => {
                if let Some(out) = host.bot_ended(end) {
                    console.print(out);
                }
            }
            update = updates.recv() => {
                let fresh = host.client.state().fresh_labels();
                labels.keep(fresh);
                if let Ok(Update::Event(e)) = &update
                    && (bot_arrival(e, &host.bots()) || bot_departure(e, &mut host.leaving))
                {
                    continue;
                }
                let game_over = matches!(&update, Ok(Update::Event(e)) if matches!(**e, Event::GameEnded { .. }));
                if !console.show(&host.client, update) {
                    break;
                }
                if game_over {
                    console.print(export_hint(&host.url, &host.room));
                }
            }
        }
    }
    host.stop_bots();
    Ok(())
}

/// Connects as the facilitator: a new room (its token saved for `--resume`
/// and `allssam export`), or the saved one taken back.
async fn open(url: &str, config: Option<ConfigPatch>, resume: bool) -> anyhow::Result<Client> {
    let saved = tokens::host_path();
    if resume {
        let token = tokens::load(&saved).context("no hosted room saved on this machine")?;
        return match Client::connect(url, Opening::Resume { token }).await {
            Err(e) if e.code() == Some(ErrorCode::BadToken) => Err(anyhow::anyhow!(
                "taking the console back: {}",
                resume_refused(url, tokens::load_host_room())
            )),
            opened => opened.context("taking the console back"),
        };
    }
    let client = Client::connect(url, Opening::CreateRoom(config))
        .await
        .with_context(|| format!("creating a room on {url}"))?;
    if let Some(token) = &client.session().token {
        // The old room's note goes first: a note of another room than the
        // token's would send `--resume`'s advice the wrong way.
        let _ = std::fs::remove_file(tokens::host_room_path());
        if let Err(e) = tokens::save(&saved, token) {
            eprintln!(
                "(could not save the facilitator token in {}: {e})",
                saved.display()
            );
        } else if let Err(e) = tokens::save_host_room(&client.session().room, url) {
            eprintln!("(could not note the room beside the facilitator token: {e})");
        }
    }
    Ok(client)
}

/// The code in large letters, the rules, how to join and the commands.
fn intro(client: &Client, url: &str) -> String {
    let room = &client.session().room;
    let rules = {
        let c = &client.state().view.config;
        let p = &c.phase_seconds;
        format!(
            "{} rounds; phases of {} / {} / {} / {} s (dealing / accusation / investigation / verdict; 0: until all are ready)",
            c.rounds, p.dealing, p.accusation, p.investigation, p.verdict
        )
    };
    format!(
        "\nRoom code: {room}\n\n{}\n\n{rules}\n{}\n\n{HELP}\n",
        banner::big(room),
        join_hints(url, room)
    )
}

/// A resumed room whose game is over: nobody joins any more, so its
/// debrief and how to export it instead of the join hints.
fn ended_intro(client: &Client, url: &str) -> String {
    let room = &client.session().room;
    format!(
        "\nRoom {room}: the game has ended.\n\n{}\n{}\nType `debrief`, `export` or `quit`.\n",
        panel::debrief(&client.state()),
        export_hint(url, room)
    )
}

impl Host {
    /// Does what a typed line asks; `Break` to leave the console.
    async fn answer(&mut self, line: &str) -> ControlFlow<(), Option<String>> {
        let (input, in_play) = {
            let s = self.client.state();
            let in_play = !matches!(s.view.phase, Phase::Lobby | Phase::Ended);
            (parse_host(line, &s), in_play)
        };
        let bots = self.bots().len();
        let client = &self.client;
        ControlFlow::Continue(match self.guard.check(input, in_play, bots) {
            Ok(HostInput::Quit) => return ControlFlow::Break(()),
            // `End` never leaves the guard: it becomes one of the two below.
            Ok(HostInput::Nothing | HostInput::End) => None,
            Ok(HostInput::ConfirmEnd) => Some(END_WARNING.into()),
            Ok(HostInput::ConfirmQuit(bots)) => Some(quit_warning(bots)),
            Ok(HostInput::Help) => Some(HELP.into()),
            Ok(HostInput::Who) => Some(who(&client.state(), &self.bots())),
            Ok(HostInput::Debrief) => Some(self.debrief()),
            Ok(HostInput::Export) => Some(export_hint(&self.url, &self.room)),
            Ok(HostInput::Send(m)) => refusal(client, client.request(m).await),
            Ok(HostInput::Bots(n, name)) => Some(self.seat_bots(n, &name).await),
            Ok(HostInput::Handover(player)) => Some(self.handover(player).await),
            Ok(HostInput::Takeback(player)) => Some(self.takeback(player)),
            Err(problem) => Some(problem),
        })
    }

    /// The seats this console's bots play: those handed over, and those
    /// `bots N` seated whose bot still plays.
    fn bots(&self) -> HashSet<PlayerId> {
        playing_bots(&self.handed, &self.fleet)
    }

    fn debrief(&self) -> String {
        let s = self.client.state();
        if s.view.phase == Phase::Ended {
            panel::debrief(&s)
        } else {
            "The debrief comes when the game ends.".into()
        }
    }

    /// Seats `n` new bots playing the strategy `name`.
    async fn seat_bots(&mut self, n: usize, name: &str) -> String {
        let strategy: Arc<dyn strategy::Strategy> = match strategy::by_name(name) {
            Some(chosen) => Arc::from(chosen),
            None => Arc::new(strategy::Sensible),
        };
        let (plan, stop) = BotPlan::new(strategy, self.seed);
        self.seed += 100;
        let fleet = seat_bots(&self.url, &self.room, n, &plan).await;
        let report = fleet.report(n);
        if !fleet.seated.is_empty() {
            self.fleets.push(stop);
        }
        self.fleet.extend(fleet.seated);
        report
    }

    /// Seats a bot on `player`'s seat with a fresh seat token; its run
    /// reports its end to [`Host::bot_ended`].
    async fn handover(&mut self, player: PlayerId) -> String {
        let name = self.client.state().name(player);
        if self.handed.contains_key(&player) {
            return format!("A bot already plays {name}'s seat; `takeback @{name}` stops it.");
        }
        if let Some(why) = handover_refusal(&self.client.state(), player) {
            return why;
        }
        let token = match self
            .client
            .request(ClientMessage::SeatToken { player })
            .await
        {
            Ok(ack) => ack.token,
            Err(e) => return failure(&self.client, e),
        };
        let Some(token) = token else {
            return "The server gave no seat token.".into();
        };
        let bot = match Client::connect(&self.url, Opening::Resume { token }).await {
            Ok(bot) => bot,
            Err(e) => return format!("The bot could not take the seat: {e}"),
        };
        // Each seat's bot its own game of chance.
        let seed = self.seed.wrapping_add(player.0.as_u128() as u64);
        let (plan, stop) = BotPlan::new(Arc::new(strategy::Sensible), seed);
        self.serial += 1;
        let (serial, ends) = (self.serial, self.bot_ends.clone());
        tokio::spawn(async move {
            let end = run_bot(bot, plan, seed).await;
            // The receiver is gone only once the console has quit: nobody to tell.
            let _ = ends
                .send(HandedEnd {
                    player,
                    serial,
                    end,
                })
                .await;
        });
        self.handed.insert(player, Handed { stop, serial });
        format!("A bot now plays {name}'s seat.")
    }

    fn takeback(&mut self, player: PlayerId) -> String {
        let name = self.client.state().name(player);
        match self.handed.remove(&player) {
            Some(handed) => {
                // A bot whose run already ended needs no telling.
                let _ = handed.stop.send(true);
                self.leaving.insert(player);
                format!("The bot left {name}'s seat; they can come back with `allssam play`.")
            }
            None => format!("No bot of this console plays {name}'s seat."),
        }
    }

    /// A handed-over bot stopped: forget it, and say why if it matters.
    fn bot_ended(
        &mut self,
        HandedEnd {
            player,
            serial,
            end,
        }: HandedEnd,
    ) -> Option<String> {
        // Taken back already, or an earlier bot of a seat handed over again.
        if self.handed.get(&player).is_none_or(|h| h.serial != serial) {
            return None;
        }
        self.handed.remove(&player);
        seat_news(&self.client.state().name(player), &end)
    }

    /// Stops every bot this console runs, as it quits.
    fn stop_bots(&self) {
        let bots = self.handed.len() + self.fleets.len();
        for stop in self.handed.values().map(|h| &h.stop).chain(&self.fleets) {
            // A bot whose run already ended needs no telling.
            let _ = stop.send(true);
        }
        if bots > 0 && self.client.state().view.phase != Phase::Ended {
            println!(
                "The bots this console ran have left their seats. `allssam host --resume` takes \
                 the console back; `handover @Name` seats a bot again."
            );
        }
    }
}

/// The seats a bot of this console plays: those handed over, and those
/// `bots N` seated (`fleet`) whose bot still plays.
fn playing_bots(
    handed: &HashMap<PlayerId, Handed>,
    fleet: &[(PlayerId, tokio::task::JoinHandle<BotEnd>)],
) -> HashSet<PlayerId> {
    let seated = fleet
        .iter()
        .filter(|(_, task)| !task.is_finished())
        .map(|(player, _)| *player);
    handed.keys().copied().chain(seated).collect()
}

/// Whether `e` is the connection of one of our bots arriving on a seat it
/// was handed (`bots`): describe would say "Lee is back", and Lee is not.
fn bot_arrival(e: &Event, bots: &HashSet<PlayerId>) -> bool {
    matches!(
        e,
        Event::PlayerUpdated { player, role: None, connected: Some(true), .. } if bots.contains(player)
    )
}

/// Whether `e` is the connection of a bot taken back from a seat going
/// (`leaving`, which forgets it): `takeback` said so already, and describe
/// would say "Lee lost the connection".
fn bot_departure(e: &Event, leaving: &mut HashSet<PlayerId>) -> bool {
    matches!(
        e,
        Event::PlayerUpdated { player, role: None, connected: Some(false), .. } if leaving.remove(player)
    )
}

/// Why a seat cannot be handed to a bot now, if it cannot: `handover` is
/// for a player who dropped out of a game in progress (the bot's opening
/// would close a connected player's with 4001, for good).
fn handover_refusal(s: &State, player: PlayerId) -> Option<String> {
    let name = s.name(player);
    match s.view.phase {
        Phase::Lobby => {
            return Some("The game has not started: `bots N` fills open seats.".into());
        }
        Phase::Ended => return Some("The game is over.".into()),
        _ => {}
    }
    let connected = s.view.players.iter().any(|p| p.id == player && p.connected);
    connected.then(|| {
        format!(
            "{name} is connected: `handover` is for a seat whose player dropped out \
             (`who` lists them as AWAY)."
        )
    })
}

fn refusal(
    client: &Client,
    result: Result<allssam_protocol::AckResult, ClientError>,
) -> Option<String> {
    result.err().map(|e| failure(client, e))
}

/// A request that did not go through, in words.
fn failure(client: &Client, e: ClientError) -> String {
    match e {
        ClientError::Refused(e) => describe::refusal(&client.state(), &e),
        e => format!("Not sent: {e}"),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::testkit::{connected, pid, room};
    use allssam_protocol::Role;

    #[test]
    fn a_seat_is_handed_to_a_bot_only_when_its_player_dropped_out_of_a_game() {
        let mut s = room(Role::Donju, Phase::Dealing);
        let refusal = handover_refusal(&s, pid(2)).unwrap();
        assert!(refusal.starts_with("Kim is connected"), "{refusal}");
        s.apply(&connected(2, false));
        assert_eq!(handover_refusal(&s, pid(2)), None);
        for phase in [Phase::Lobby, Phase::Ended] {
            let mut s = room(Role::Donju, phase);
            s.apply(&connected(2, false));
            assert!(handover_refusal(&s, pid(2)).is_some(), "{phase}");
        }
    }

    #[test]
    fn a_bot_taken_back_leaves_without_news_once() {
        let mut leaving = HashSet::from([pid(5)]);
        assert!(
            !bot_departure(&connected(6, false), &mut leaving),
            "Choi's own"
        );
        assert!(bot_departure(&connected(5, false), &mut leaving));
        assert!(
            !bot_departure(&connected(5, false), &mut leaving),
            "Lee himself, later"
        );
    }

    #[tokio::test]
    async fn the_bots_of_bots_n_are_ours_while_they_play() {
        let (stop, _) = watch::channel(false);
        let handed = HashMap::from([(pid(5), Handed { stop, serial: 1 })]);
        let over = tokio::spawn(async { BotEnd::GameEnded });
        let playing = tokio::spawn(std::future::pending::<BotEnd>());
        while !over.is_finished() {
            tokio::task::yield_now().await;
        }
        let fleet = vec![(pid(2), playing), (pid(3), over)];
        assert_eq!(
            playing_bots(&handed, &fleet),
            HashSet::from([pid(5), pid(2)])
        );
        fleet[0].1.abort();
    }

    #[test]
    fn our_bot_arriving_on_a_seat_is_not_its_player_coming_back() {
        let bots = HashSet::from([pid(5)]);
        assert!(bot_arrival(&connected(5, true), &bots));
        assert!(!bot_arrival(&connected(6, true), &bots), "Choi's own");
        assert!(!bot_arrival(&connected(5, false), &bots));
    }
}
