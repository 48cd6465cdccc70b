//! Plain sentences for people: events, refusals, the status panel and the
//! debrief, all read from the local model.

use std::fmt::Write as _;
use std::time::Duration;

use allssam_protocol::{Event, MarketReport, OfferInfo, OfferKind, Phase, SentenceKind, Speaker};

use crate::state::State;

mod cases;
mod refusal;

pub(crate) use cases::{case_line, infraction};
pub use refusal::refusal;

/// `text` with a capital first letter and a full stop.
fn sentence(text: &str) -> String {
    let mut chars = text.trim().chars();
    let mut out: String = chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default();
    if !out.ends_with(['.', '!', '?']) {
        out.push('.');
    }
    out
}

/// "1 min 20 s", "45 s".
pub fn duration(d: Duration) -> String {
    let secs = d.as_secs();
    match (secs / 60, secs % 60) {
        (0, s) => format!("{s} s"),
        (m, 0) => format!("{m} min"),
        (m, s) => format!("{m} min {s} s"),
    }
}

/// "round 2 of 6, dealing, 1 min 20 s left".
pub fn phase_line(s: &State) -> String {
    let v = &s.view;
    let when = match v.phase {
        Phase::Lobby => {
            return format!(
                "room {}: lobby, waiting for the facilitator to start",
                v.room
            );
        }
        Phase::Ended => return format!("room {}: the game has ended", v.room),
        _ => format!("round {} of {}, {}", v.round, v.rounds, v.phase),
    };
    match (v.paused, s.time_left()) {
        (true, Some(left)) => format!("{when}, paused with {} left", duration(left)),
        (true, None) => format!("{when} (paused)"),
        (false, Some(left)) => format!("{when}, {} left", duration(left)),
        (false, None) => format!("{when}, until everyone is ready"),
    }
}

/// A player's name, or "you" for ourselves.
pub(crate) fn name_or_you(s: &State, id: allssam_protocol::PlayerId) -> String {
    if s.me() == Some(id) {
        "you".into()
    } else {
        s.name(id)
    }
}

/// One offer as a person reads it, with its short number.
pub fn offer(s: &State, o: &OfferInfo) -> String {
    let label = s.offer_label(o.id).unwrap_or(0);
    let (from, to) = (name_or_you(s, o.from), name_or_you(s, o.to));
    let what = match (o.kind, o.amount, o.favor) {
        (OfferKind::Lease, Some(rent), _) => format!("a lease at {rent} won a month"),
        (OfferKind::Favor, _, Some(f)) => format!("a favor ({f})"),
        (OfferKind::Demand, Some(a), _) => format!("a demand for {a} won"),
        (OfferKind::Pact, _, _) => "a pact".into(),
        (OfferKind::PerDiem, Some(a), _) => format!("a per diem of {a} won"),
        (kind, Some(a), _) => format!("a {kind} of {a} won"),
        (kind, None, _) => format!("a {kind}"),
    };
    format!("[offer {label}] {from} → {to}: {what}")
}

/// What a player may do in a phase, in a few words (RULES.md §§4–8).
fn phase_hint(phase: Phase) -> Option<&'static str> {
    Some(match phase {
        Phase::Dealing => "make and answer offers, share what you know; the secretary may `order`",
        Phase::Accusation => "a cadre may file one accusation: `accuse @Name charge 1,2`",
        Phase::Investigation => {
            "the cases are public: bribe the office, pay for a withdrawal, `withdraw_case N`"
        }
        Phase::Verdict => "prosecutors hearing a case rule: `rule N guilty` or `rule N acquit`",
        Phase::Lobby | Phase::Ended => return None,
    })
}

/// What the market did to us, one short line per thing: money earned
/// (only what is not zero: a donju has no salary), then harassment and
/// release each on a line of their own, so that no line runs long enough
/// for the terminal to break it in the middle of a sentence.
fn market_lines(s: &State, round: u32, m: &MarketReport) -> String {
    let parts: Vec<String> = [
        ("salary", m.salary),
        ("income", m.income),
        ("rent paid", m.rent_paid),
        ("rent received", m.rent_received),
    ]
    .iter()
    .filter(|(_, amount)| *amount > 0)
    .map(|(what, amount)| format!("{what} {amount}"))
    .collect();
    let mut out = if parts.is_empty() {
        "Market: nothing earned".to_string()
    } else {
        format!("Market: {}", parts.join(", "))
    };
    // Round 1's market comes with the starting balances, which the model
    // may not hold yet when this is told: `status` has them.
    if let Some(you) = s.view.you.as_ref().filter(|_| round > 1) {
        let _ = write!(out, " — your balance is {} won", you.balance);
    }
    // A refused dealing demand harasses the donju at the market (RULES.md §§4–5).
    match m.harassments {
        0 => {}
        1 => {
            let _ = write!(
                out,
                "\n   Harassed: one of your workers has been apprehended ({} won of income lost).",
                m.harassment_cut
            );
        }
        n => {
            let _ = write!(
                out,
                "\n   Harassed {n} times: {n} of your workers have been apprehended ({} won of income lost).",
                m.harassment_cut
            );
        }
    }
    if m.released {
        out.push_str("\n   You are released from prison.");
    }
    out
}

/// "until round 5", or "until the end of the game" when the release
/// round lies beyond the last round (or is not known).
pub fn until(s: &State, round: Option<u32>) -> String {
    match round {
        Some(r) if r <= s.view.rounds => format!("until round {r}"),
        _ => "until the end of the game".into(),
    }
}

/// The event as a sentence, or `None` for bookkeeping nobody needs to read.
pub fn event(s: &State, e: &Event) -> Option<String> {
    let n = |id| s.name(id);
    Some(match e {
        Event::PlayerJoined { player } => format!("{} joined the room.", player.name),
        Event::PlayerLeft { player } => format!("{} left the room.", player.name),
        Event::PlayerUpdated {
            player,
            role: Some(r),
            ..
        } if s.me() == Some(*player) => format!("You are the {r}. Type `status` to see your seat."),
        Event::PlayerUpdated {
            player,
            role: Some(r),
            ..
        } => format!("{} is the {r}.", n(*player)),
        // A seat is connected as it joins: in the lobby that is no news;
        // nor are the players (and bots) leaving once the game is over.
        Event::PlayerUpdated {
            connected: Some(true),
            ..
        } if s.view.phase == Phase::Lobby => return None,
        Event::PlayerUpdated {
            role: None,
            connected: Some(_),
            ..
        } if s.view.phase == Phase::Ended => return None,
        Event::PlayerUpdated {
            player,
            connected: Some(c),
            ..
        } => {
            format!(
                "{} {}.",
                n(*player),
                if *c { "is back" } else { "lost the connection" }
            )
        }
        Event::PlayerUpdated {
            player,
            wealth_tier: Some(t),
            ..
        } => format!("{} now looks {t}.", n(*player)),
        Event::PlayerUpdated { .. }
        | Event::BalanceChanged { .. }
        | Event::ConfigChanged { .. } => return None,
        Event::PhaseChanged {
            round,
            phase,
            skipped,
            market,
            deadline_ms,
        } => {
            let mut line = format!("── Round {round}: {phase}");
            if let Some(ms) = deadline_ms {
                let _ = write!(line, ", {}", duration(Duration::from_millis(*ms)));
            }
            line.push_str(" ──");
            if !skipped.is_empty() {
                let names: Vec<&str> = skipped.iter().map(|p| p.as_str()).collect();
                let _ = write!(line, " (no cases: {} skipped)", names.join(" and "));
            }
            if let (Some(hint), Some(_)) = (phase_hint(*phase), &s.view.you) {
                let _ = write!(line, "\n   {hint}");
            }
            // The market's report is a player's own (the facilitator has none).
            if let (Some(m), Some(_)) = (market, &s.view.you) {
                line.push('\n');
                line.push_str(&market_lines(s, *round, m));
            }
            line
        }
        Event::Chat { from, to, text } => {
            let from = match from {
                Speaker::Player(id) if s.me() == Some(*id) => "You".to_string(),
                Speaker::Facilitator => "The facilitator".to_string(),
                other => s.speaker(*other),
            };
            match to {
                Some(to) => format!("{from} → {} (privately): {text}", name_or_you(s, *to)),
                None => format!("{from}: {text}"),
            }
        }
        Event::OfferMade { offer: o } if s.me() == Some(o.to) => {
            let label = s.offer_label(o.id).unwrap_or(0);
            format!("New {} — `accept {label}` or `reject {label}`", offer(s, o))
        }
        Event::OfferMade { offer: o } => format!("New {}", offer(s, o)),
        Event::OfferAnswered { offer: o, accepted } => {
            format!(
                "{} {}.",
                offer(s, o),
                if *accepted {
                    "was accepted"
                } else {
                    "was rejected"
                }
            )
        }
        Event::OfferWithdrawn { offer: o } => format!("{} was withdrawn.", offer(s, o)),
        Event::OfferExpired { offer: o } => format!("{} expired.", offer(s, o)),
        Event::TieChanged { a, b, strength } if s.me().is_some() => {
            let other = if s.me() == Some(*a) { *b } else { *a };
            match strength {
                0 => format!("Your tie with {} is gone.", n(other)),
                k => format!("Your tie with {} is now {k}.", n(other)),
            }
        }
        Event::TieChanged { a, b, strength: 0 } => {
            format!("The tie between {} and {} is gone.", n(*a), n(*b))
        }
        Event::TieChanged { a, b, strength } => {
            format!("Tie {} – {}: strength {strength}.", n(*a), n(*b))
        }
        Event::Rumor { a, b } => {
            let (a, b) = s.in_seat_order(*a, *b);
            format!("Word gets around: {} and {} are in all-ssam.", n(a), n(b))
        }
        Event::RumorEnded { a, b } => {
            let (a, b) = s.in_seat_order(*a, *b);
            format!("People stop talking about {} and {}.", n(a), n(b))
        }
        Event::LeaseStarted { donju, manager, .. } => {
            format!("{} leases factory space from {}.", n(*donju), n(*manager))
        }
        Event::LeaseEnded { donju, manager, .. } => {
            format!("{}'s lease from {} has ended.", n(*donju), n(*manager))
        }
        // The facilitator is told of every share, not to whom.
        Event::InfractionLearned {
            infraction: i,
            from: Some(from),
        } if s.is_facilitator() => format!(
            "{} shared {}: {}.",
            n(*from),
            numbered(s, i),
            cases::infraction(s, i)
        ),
        Event::InfractionLearned {
            infraction: i,
            from,
        } => {
            let source = from.map_or(String::new(), |f| format!(" (told by {})", n(f)));
            // The facilitator sees every infraction; a player learns some.
            let who = if s.view.you.is_some() {
                "You know "
            } else {
                ""
            };
            sentence(&format!(
                "{who}{}: {}{source}",
                numbered(s, i),
                cases::infraction(s, i)
            ))
        }
        Event::OrderIssued { .. } => {
            "The Party secretary issues the extra-earnings order: leases are legal this round."
                .into()
        }
        // The facilitator sees the accused's tip-off (PROTOCOL.md `tip_off`).
        Event::TipOff {
            case,
            accuser,
            charge,
        } if s.is_facilitator() => {
            let accused = s.case(*case).map_or("the accused".into(), |c| n(c.accused));
            format!(
                "Tip-off to {accused}: {} has accused him of {} (case {case}).",
                n(*accuser),
                charge.as_str().replace('_', " ")
            )
        }
        Event::TipOff {
            case,
            accuser,
            charge,
        } => {
            format!(
                "A friend in the prosecutor's office warns you: {} has accused you of {} (case {case}).",
                n(*accuser),
                charge.as_str().replace('_', " ")
            )
        }
        Event::CaseOpened { case } => format!("Opened: {}.", case_line(s, case)),
        Event::CaseWithdrawn { case } => format!("Case {case} was withdrawn by its accuser."),
        Event::RulingRecorded {
            case,
            prosecutor,
            verdict,
        } if s.me() == Some(*prosecutor) => {
            format!("You rule {verdict} on case {case} (you may change it until the phase ends).")
        }
        Event::RulingRecorded {
            case,
            prosecutor,
            verdict,
        } => format!("{} rules {verdict} on case {case}.", n(*prosecutor)),
        Event::Verdict {
            case,
            verdict,
            evidence_ruling,
            votes,
        } => {
            let mut line = format!("Verdict on case {case}: {verdict}");
            if verdict != evidence_ruling {
                let _ = write!(
                    line,
                    " — against the evidence, which said {evidence_ruling}"
                );
            }
            if let Some(v) = votes {
                let _ = write!(line, " (votes {}–{}", v.guilty, v.acquit);
                // The head of the office votes too (RULES.md §8): without
                // this, 2–0 reads wrong in a room with one prosecutor.
                if s.case(*case).is_some_and(|c| c.head_hears) {
                    line.push_str(", the head of the office included");
                }
                line.push(')');
            }
            line + "."
        }
        Event::Sentence {
            player,
            sentence,
            amount,
            until_round,
            ..
        } => {
            let money = amount.map_or(String::new(), |a| format!(", {a} won taken"));
            match sentence {
                SentenceKind::Imprisoned => format!(
                    "{} goes to prison {}{money}.",
                    n(*player),
                    until(s, *until_round)
                ),
                SentenceKind::Dismissed => {
                    format!("{} is dismissed from the post{money}.", n(*player))
                }
                SentenceKind::Reprimanded => {
                    format!("{} is protected: a reprimand only.", n(*player))
                }
                SentenceKind::Fined => {
                    format!("{} is fined for a false report{money}.", n(*player))
                }
            }
        }
        Event::Paused { .. } => "The facilitator paused the clock.".into(),
        Event::Unpaused { .. } => "The clock runs again.".into(),
        Event::GameEnded { .. } => "The game is over.".into(),
    })
}

/// "infraction 3", with the short number this client gave it ("an
/// infraction" before it has one).
fn numbered(s: &State, i: &allssam_protocol::InfractionInfo) -> String {
    s.infraction_label(i.id)
        .map_or("an infraction".into(), |label| {
            format!("infraction {label}")
        })
}
