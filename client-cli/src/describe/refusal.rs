//! Refusals as people read them: the server's sentence, with the numbers
//! this client shows in place of wire ids, and when to try again.

use std::fmt::Write as _;
use std::time::Duration;

use allssam_protocol::{ErrorCode, ErrorMessage};

use super::{duration, phase_line, sentence};
use crate::state::State;

/// A refusal as a plain sentence. The server's sentences already say when
/// an act is possible; the one refusal that says nothing of the kind (a
/// request that crossed a phase change) gets the room's clock.
pub fn refusal(s: &State, e: &ErrorMessage) -> String {
    let mut line = sentence(&with_short_numbers(s, &e.message));
    if e.code == ErrorCode::WrongPhase && e.message.contains("moved on") {
        line = format!(
            "Not done: the room moved on while you typed (now {}). Check and try again.",
            phase_line(s)
        );
    }
    if let Some(ms) = e.detail.as_ref().and_then(|d| d.retry_after_ms) {
        let when = if ms < 1000 {
            "a moment".to_string()
        } else {
            duration(Duration::from_millis(ms))
        };
        let _ = write!(line, " Try again in {when}.");
    }
    line
}

/// `message` with each wire id of an offer or infraction this client
/// numbered replaced by the short number the person was shown: the server
/// names them by id ("Kim is no party of infraction 2779283174"), which
/// matches nothing on the person's screen.
fn with_short_numbers(s: &State, message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut rest = message;
    while let Some(start) = rest.find(|c: char| c.is_ascii_digit()) {
        let (before, from) = rest.split_at(start);
        let end = from
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(from.len());
        let (digits, after) = from.split_at(end);
        out.push_str(before);
        // Only whole numbers: not the "2" of "x2" nor of "2nd".
        let whole =
            !out.ends_with(char::is_alphanumeric) && !after.starts_with(char::is_alphanumeric);
        let label = digits
            .parse()
            .ok()
            .filter(|_| whole)
            .and_then(|n| s.label_of_wire(n, noun(&out)));
        match label {
            Some(label) => {
                let _ = write!(out, "{label}");
            }
            None => out.push_str(digits),
        }
        rest = after;
    }
    out.push_str(rest);
    out
}

/// What names the number that follows `text`: `#` when it is marked so
/// ("extortion #…"), else the last word ("offer", "infraction", "case"…).
fn noun(text: &str) -> &str {
    if text.ends_with('#') {
        return "#";
    }
    text.trim_end_matches(' ')
        .split(|c: char| !c.is_alphabetic())
        .next_back()
        .unwrap_or("")
}
