//! What the facilitator's console prints of its own: the commands that
//! reach the room (join, watch, export), the table of seats (`who`) and
//! the news of a handed-over seat.

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
/// console's bots plays the seat) and money.
pub fn who(s: &State, bots: &HashSet<PlayerId>) -> String {
    let mut out = format!("{}\n", describe::phase_line(s));
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
        .filter(|p| !p.connected && !bots.contains(&p.id))
        .map(|p| p.name.as_str())
        .collect();
    let playing = !matches!(s.view.phase, Phase::Lobby | Phase::Ended);
    if playing && !away.is_empty() {
        out.push_str(&format!(
            "Away: {}. `handover @Name` lets a bot play a seat until its player is back.\n",
            away.join(", ")
        ));
    }
    out
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

    #[test]
    fn who_marks_the_seats_our_bots_play() {
        let mut s = room(Role::Donju, Phase::Dealing);
        away(&mut s, 5);
        away(&mut s, 6);
        // Lee's seat is handed over (the bot's connection may not show yet).
        let table = who(&s, &HashSet::from([pid(5)]));
        let row = |name: &str| {
            table
                .lines()
                .find(|l| l.trim_start().starts_with(name))
                .unwrap_or_default()
                .split_whitespace()
                .nth(3)
                .map(str::to_string)
        };
        assert_eq!(row("Lee").as_deref(), Some("bot"), "{table}");
        assert_eq!(row("Choi").as_deref(), Some("AWAY"), "{table}");
        assert_eq!(row("Kim").as_deref(), Some("online"), "{table}");
        assert!(table.contains("Away: Choi. `handover"), "{table}");
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
