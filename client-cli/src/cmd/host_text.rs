//! What the facilitator's console prints of its own: the commands that
//! reach the room (join, watch, export), the table of seats (`who`), the
//! news of a handed-over seat and why a resume found no room.

use std::collections::HashSet;

use allssam_protocol::{Phase, PlayerId};

use crate::bots::BotEnd;
use crate::cli::DEFAULT_URL;
use crate::describe;
use crate::state::State;

/// The commands players and the projector type to reach this room. Players
/// on other machines need the server's address: without `--url` their
/// client would dial its own default (their own laptop).
pub fn join_hints(url: &str, room: &str) -> String {
    let url = url_flag(url);
    format!(
        "Players join with:  allssam play {room} --name NAME{url}\n\
         The projector:      allssam watch {room}{url}"
    )
}

/// How to save the full report: `allssam export` reads the facilitator's
/// token that this console saved, so it works from this machine.
pub fn export_hint(url: &str, room: &str) -> String {
    format!(
        "The full report:    allssam export {room} --format md{}\n\
         (or --format html -o {room}.html; from this machine: it uses the token this console saved)",
        url_flag(url)
    )
}

/// ` --url URL` when `url` is not the client's default, else nothing.
fn url_flag(url: &str) -> String {
    if url == DEFAULT_URL {
        String::new()
    } else {
        format!(" --url {url}")
    }
}

/// The table of seats: role, status, connection ("bot" where one of this
/// console's bots plays the seat), whether the player said `ready` in this
/// phase, and money.
pub fn who(s: &State, bots: &HashSet<PlayerId>) -> String {
    let mut out = format!("{}\n", describe::phase_line(s));
    let playing = !matches!(s.view.phase, Phase::Lobby | Phase::Ended);
    if s.view.players.is_empty() {
        out.push_str("  nobody has joined yet\n");
    }
    for p in &s.view.players {
        let role = p.role.map_or("-".into(), |r| r.to_string());
        let conn = match (bots.contains(&p.id), p.connected) {
            (true, _) => "bot",
            (false, true) => "online",
            (false, false) => "AWAY",
        };
        let money = p.balance.map_or(String::new(), |b| {
            format!("{b} won ({} available)", p.available.unwrap_or(b))
        });
        // `ready` says something only while a phase runs.
        let ready = if p.ready && playing { "ready" } else { "" };
        out.push_str(&format!(
            "  {:<14} {:<11} {:<10} {:<7} {:<6}{money}\n",
            p.name,
            role,
            p.status.to_string(),
            conn,
            ready
        ));
    }
    let away: Vec<&str> = s
        .view
        .players
        .iter()
        .filter(|p| !p.connected && !bots.contains(&p.id))
        .map(|p| p.name.as_str())
        .collect();
    if playing && !away.is_empty() {
        out.push_str(&format!(
            "Away: {}. `handover @Name` lets a bot play a seat until its player is back.\n",
            away.join(", ")
        ));
    }
    out
}

/// Why `host --resume` found nothing on `url`, with the room the saved
/// token is for and the server it was made on (`made`), when noted: most
/// often the console was started without the `--url` of that server.
pub fn resume_refused(url: &str, made: Option<(String, String)>) -> String {
    match made {
        Some((room, made_on)) if made_on.trim_end_matches('/') != url.trim_end_matches('/') => {
            format!(
                "the saved token is the facilitator's of room {room}, made on {made_on}, not on \
             {url}: run `allssam host --resume --url {made_on}`"
            )
        }
        Some((room, _)) => format!(
            "room {room}, made on {url}, is no longer there (the server removed it, or \
             started afresh without its store)"
        ),
        None => format!(
            "the saved token opens no room on {url}; if the room was made on another \
             server, pass that server's address with `--url`"
        ),
    }
}

/// What the end of a handed-over bot's run means for its seat (`name`'s).
/// A player who resumes his seat replaces the bot's connection (closed
/// 4001): that is the player taking the seat back.
pub fn seat_news(name: &str, end: &BotEnd) -> Option<String> {
    match end {
        BotEnd::Replaced => Some(format!("{name} took the seat back from the bot.")),
        BotEnd::Closed(why) => Some(format!("The bot playing {name}'s seat stopped: {why}.")),
        BotEnd::GameEnded | BotEnd::Stopped => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit::{connected, pid, room};
    use allssam_protocol::Role;

    #[test]
    fn join_hints_name_the_server_unless_it_is_the_default() {
        let local = join_hints(DEFAULT_URL, "ABCDEF");
        assert!(
            local.contains("allssam play ABCDEF --name NAME\n"),
            "{local}"
        );
        assert!(local.ends_with("allssam watch ABCDEF"), "{local}");
        assert!(!local.contains("--url"), "{local}");
        let remote = join_hints("ws://host:8080/ws", "ABCDEF");
        assert!(
            remote.contains("allssam play ABCDEF --name NAME --url ws://host:8080/ws\n"),
            "{remote}"
        );
        assert!(
            remote.ends_with("allssam watch ABCDEF --url ws://host:8080/ws"),
            "{remote}"
        );
    }

    #[test]
    fn the_export_hint_is_a_command_that_runs() {
        let local = export_hint(DEFAULT_URL, "ABCDEF");
        assert!(
            local.starts_with("The full report:    allssam export ABCDEF --format md\n(or"),
            "{local}"
        );
        let remote = export_hint("ws://host:8080/ws", "ABCDEF");
        assert!(
            remote.contains("allssam export ABCDEF --format md --url ws://host:8080/ws\n"),
            "{remote}"
        );
    }

    fn away(s: &mut State, n: u8) {
        s.apply(&connected(n, false));
    }

    /// The `n`th word of `name`'s row in `who`'s table.
    fn column(table: &str, name: &str, n: usize) -> Option<String> {
        table
            .lines()
            .find(|l| l.trim_start().starts_with(name))
            .unwrap_or_default()
            .split_whitespace()
            .nth(n)
            .map(str::to_string)
    }

    #[test]
    fn who_marks_the_seats_our_bots_play() {
        let mut s = room(Role::Donju, Phase::Dealing);
        away(&mut s, 5);
        away(&mut s, 6);
        // Lee's seat is handed over (the bot's connection may not show yet).
        let table = who(&s, &HashSet::from([pid(5)]));
        let row = |name: &str| column(&table, name, 3);
        assert_eq!(row("Lee").as_deref(), Some("bot"), "{table}");
        assert_eq!(row("Choi").as_deref(), Some("AWAY"), "{table}");
        assert_eq!(row("Kim").as_deref(), Some("online"), "{table}");
        assert!(table.contains("Away: Choi. `handover"), "{table}");
    }

    #[test]
    fn who_says_who_is_ready() {
        let mut s = room(Role::Donju, Phase::Dealing);
        s.view.players[1].ready = true;
        let table = who(&s, &HashSet::new());
        let row = |name: &str| column(&table, name, 4);
        assert_eq!(row("Kim").as_deref(), Some("ready"), "{table}");
        assert_eq!(row("Kang"), None, "{table}");
        s.view.phase = Phase::Ended;
        let over = who(&s, &HashSet::new());
        assert!(!over.contains("ready"), "a finished game: {over}");
    }

    #[test]
    fn a_resume_on_the_wrong_server_names_the_room_and_its_server() {
        let made = Some(("K7QX2M".to_string(), "ws://10.0.0.5:8080/ws".to_string()));
        assert_eq!(
            resume_refused("ws://127.0.0.1:8080/ws", made.clone()),
            "the saved token is the facilitator's of room K7QX2M, made on ws://10.0.0.5:8080/ws, \
             not on ws://127.0.0.1:8080/ws: run `allssam host --resume --url ws://10.0.0.5:8080/ws`"
        );
        let gone = resume_refused("ws://10.0.0.5:8080/ws", made.clone());
        assert!(
            gone.starts_with("room K7QX2M, made on ws://10.0.0.5:8080/ws, is no longer there"),
            "{gone}"
        );
        let slash = resume_refused("ws://10.0.0.5:8080/ws/", made);
        assert!(slash.starts_with("room K7QX2M"), "the same server: {slash}");
        let unknown = resume_refused("ws://127.0.0.1:8080/ws", None);
        assert!(unknown.contains("`--url`"), "{unknown}");
    }

    #[test]
    fn a_player_resuming_his_seat_takes_it_back_from_the_bot() {
        assert_eq!(
            seat_news("Lee", &BotEnd::Replaced).as_deref(),
            Some("Lee took the seat back from the bot.")
        );
        assert_eq!(
            seat_news("Lee", &BotEnd::Closed("the room was closed (4005)".into())).as_deref(),
            Some("The bot playing Lee's seat stopped: the room was closed (4005).")
        );
        assert_eq!(seat_news("Lee", &BotEnd::Stopped), None);
        assert_eq!(seat_news("Lee", &BotEnd::GameEnded), None);
    }
}
