//! The player's command language: one typed line → one request (or a local
//! command), with names and short numbers resolved against the local model.

use allssam_protocol::{
    CaseId, Charge, ClientMessage, Favor, InfractionId, MAX_CHAT_CHARS, OfferId, OfferKind,
    PlayerId, Verdict,
};

use crate::state::State;

/// What a typed line asks for.
#[derive(Clone, Debug, PartialEq)]
pub enum Input {
    /// Send this request to the server.
    Send(ClientMessage),
    /// Show the status panel.
    Status,
    /// Show the help text.
    Help,
    /// Leave the client.
    Quit,
    /// An empty line: nothing to do.
    Nothing,
}

/// Every command word, for completion.
pub const COMMANDS: &[&str] = &[
    "offer",
    "accept",
    "reject",
    "withdraw",
    "share",
    "order",
    "accuse",
    "withdraw_case",
    "rule",
    "say",
    "whisper",
    "ready",
    "status",
    "help",
    "quit",
];

/// The help text shown by `help`.
pub const HELP: &str = "\
Commands (names may be written @Kim or Kim, any case, or a unique beginning: @ki):
  offer bribe @Kim 200        pay money to anyone (dealing; later only around a case)
  offer per_diem @Kang 80     a donju pays a manager
  offer lease @Kang 120       a donju rents factory space (the amount is the monthly rent)
  offer favor @Lee vehicle    a manager grants a donju a vehicle or facilities
  offer demand @Choi 100      a cadre asks a donju (or a prosecutor a party) for money
  offer pact @Lee             a declared all-ssam (one of you a cadre)
  accept 3 / reject 3         answer offer 3 made to you
  withdraw 3                  take back offer 3 that you made
  share 4 @Park               tell Park about infraction 4
  order                       the secretary's extra-earnings order (dealing)
  accuse @Park bribery 4,7    file an accusation citing infractions 4 and 7
      charges: bribery, abuse_of_authority, illegal_business (with evidence);
               embezzlement, party_entry_bribe (a cadre), anti_socialist (a conspicuous donju)
  withdraw_case 2             withdraw your case 2 (investigation)
  rule 2 guilty|acquit        a prosecutor rules on case 2 (verdict)
  say TEXT                    talk to everyone
  whisper @Lee TEXT           talk to Lee alone
  ready                       you are done with this phase
  status                      show the status panel
  help / quit
Offers and infractions are shown with short numbers (1, 2, 3…) given by this
client in the order it saw them, kept for your seat on this machine; type those
numbers. Cases use their public numbers.
Wealth, as the table shows it, measures a balance against its own start:
  modest (less), comfortable (less than half as much again, by default),
  conspicuous (half as much again or more: such a donju can be accused of
  anti-socialist acts).
Status: free; imprisoned (a donju, until a round: he only reads and chats);
  dismissed (a cadre who lost the post: no salary, no powers, plays on).";

/// Reads one typed line against the room as the client knows it.
pub fn parse(line: &str, state: &State) -> Result<Input, String> {
    let line = line.trim();
    let (word, rest) = split_word(line);
    let args: Vec<&str> = rest.split_whitespace().collect();
    let send = |m| Ok(Input::Send(m));
    match word.to_lowercase().as_str() {
        "" => Ok(Input::Nothing),
        "help" | "?" => Ok(Input::Help),
        "status" => Ok(Input::Status),
        "quit" | "exit" => Ok(Input::Quit),
        "ready" => no_args("ready", &args).and(send(ClientMessage::Ready)),
        "order" => no_args("order", &args).and(send(ClientMessage::Order)),
        "offer" => offer(&args, state).map(Input::Send),
        "accept" | "reject" => {
            let offer = one_offer(word, &args, state)?;
            send(ClientMessage::Respond {
                offer,
                accept: word.eq_ignore_ascii_case("accept"),
            })
        }
        "withdraw" => send(ClientMessage::Withdraw {
            offer: one_offer(word, &args, state)?,
        }),
        "share" => {
            let [number, who] = args[..] else {
                return Err("Usage: share INFRACTION @PLAYER, e.g. share 4 @Park".into());
            };
            send(ClientMessage::Share {
                infraction: infraction(number, state)?,
                to: resolve(who, state)?,
            })
        }
        "accuse" => accuse(&args, state).map(Input::Send),
        "withdraw_case" => {
            let [number] = args[..] else {
                return Err("Usage: withdraw_case CASE, e.g. withdraw_case 2".into());
            };
            send(ClientMessage::WithdrawCase {
                case: case(number)?,
            })
        }
        "rule" => {
            let [number, verdict] = args[..] else {
                return Err("Usage: rule CASE guilty|acquit, e.g. rule 2 guilty".into());
            };
            let verdict = match verdict.to_lowercase().as_str() {
                "guilty" => Verdict::Guilty,
                "acquit" | "acquitted" | "innocent" => Verdict::Acquit,
                other => return Err(format!("`{other}` is no ruling: say guilty or acquit")),
            };
            send(ClientMessage::Rule {
                case: case(number)?,
                verdict,
            })
        }
        "say" => send(ClientMessage::Chat {
            text: chat_text(rest, "say TEXT")?,
            to: None,
        }),
        "whisper" => {
            let (who, text) = split_word(rest);
            if who.is_empty() {
                return Err("Usage: whisper @PLAYER TEXT".into());
            }
            send(ClientMessage::Chat {
                to: Some(resolve(who, state)?),
                text: chat_text(text, "whisper @PLAYER TEXT")?,
            })
        }
        other => Err(unknown_command(other, COMMANDS)),
    }
}

/// The answer to a word that is none of `commands`: the nearest one when
/// it looks like a typo, else a pointer to `help`. Both consoles say it.
pub fn unknown_command(typed: &str, commands: &[&str]) -> String {
    match closest(typed, commands) {
        Some(near) => format!("Unknown command `{typed}`. Did you mean `{near}`?"),
        None => format!("Unknown command `{typed}`. Type `help` for the list."),
    }
}

/// The word of `words` one or two typos away from `typed` (a letter
/// missing, extra, wrong or two swapped), if there is one.
pub fn closest<'a>(typed: &str, words: &[&'a str]) -> Option<&'a str> {
    let typed = typed.to_lowercase();
    words
        .iter()
        .map(|w| (edits(&typed, w), *w))
        .filter(|(d, w)| *d <= if w.len() > 4 { 2 } else { 1 })
        .min_by_key(|(d, _)| *d)
        .map(|(_, w)| w)
}

/// Edit distance with adjacent swaps (optimal string alignment).
fn edits(a: &str, b: &str) -> usize {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    d[0] = (0..=b.len()).collect();
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = best;
        }
    }
    d[a.len()][b.len()]
}

/// Resolves `@Name`, `Name` or a unique beginning of a name, ignoring case.
pub fn resolve(word: &str, state: &State) -> Result<PlayerId, String> {
    let wanted = word.trim_start_matches('@').to_lowercase();
    if wanted.is_empty() {
        return Err("Name a player after the @, e.g. @Kim".into());
    }
    let players = &state.view.players;
    if let Some(p) = players.iter().find(|p| p.name.to_lowercase() == wanted) {
        return Ok(p.id);
    }
    let matches: Vec<_> = players
        .iter()
        .filter(|p| p.name.to_lowercase().starts_with(&wanted))
        .collect();
    match matches[..] {
        [one] => Ok(one.id),
        [] => Err(format!(
            "Nobody here is called `{}`.",
            word.trim_start_matches('@')
        )),
        _ => {
            let names: Vec<&str> = matches.iter().map(|p| p.name.as_str()).collect();
            Err(format!(
                "`{}` could be {}; type more of the name.",
                word.trim_start_matches('@'),
                names.join(" or ")
            ))
        }
    }
}

fn offer(args: &[&str], state: &State) -> Result<ClientMessage, String> {
    const USAGE: &str = "Usage: offer KIND @PLAYER [AMOUNT | vehicle | facilities]; \
                         kinds: bribe, per_diem, lease, favor, demand, pact";
    let [kind, who, extra @ ..] = args else {
        return Err(USAGE.into());
    };
    let kind: OfferKind = kind.to_lowercase().replace('-', "_").parse().map_err(|_| {
        format!("`{kind}` is not a kind of offer: bribe, per_diem, lease, favor, demand, pact")
    })?;
    let to = resolve(who, state)?;
    let (amount, favor) = match (kind, extra) {
        (OfferKind::Pact, []) => (None, None),
        (OfferKind::Pact, _) => return Err("A pact takes nothing more: offer pact @Lee".into()),
        (OfferKind::Favor, [favor]) => {
            let favor: Favor = favor
                .to_lowercase()
                .parse()
                .map_err(|_| format!("`{favor}` is no favor: vehicle or facilities"))?;
            (None, Some(favor))
        }
        (OfferKind::Favor, _) => {
            return Err("Say which favor: offer favor @Lee vehicle (or facilities)".into());
        }
        (_, [amount]) => (Some(amount_of(amount)?), None),
        (_, _) => {
            let what = if kind == OfferKind::Lease {
                "the monthly rent"
            } else {
                "an amount"
            };
            return Err(format!(
                "A {} needs {what}: offer {} @Name 100",
                kind.as_str().replace('_', " "),
                kind.as_str()
            ));
        }
    };
    Ok(ClientMessage::Offer {
        to,
        kind,
        amount,
        favor,
    })
}

fn accuse(args: &[&str], state: &State) -> Result<ClientMessage, String> {
    const USAGE: &str = "Usage: accuse @PLAYER CHARGE [INFRACTIONS], e.g. accuse @Park bribery 4,7";
    let [who, charge, evidence @ ..] = args else {
        return Err(USAGE.into());
    };
    let target = resolve(who, state)?;
    let charge: Charge = charge
        .to_lowercase()
        .replace('-', "_")
        .parse()
        .map_err(|_| {
            format!(
                "`{charge}` is not a charge: bribery, abuse_of_authority, illegal_business, \
             embezzlement, party_entry_bribe, anti_socialist"
            )
        })?;
    let evidence: Vec<InfractionId> = evidence
        .join(",")
        .split(',')
        .filter(|n| !n.trim().is_empty())
        .map(|n| infraction(n.trim(), state))
        .collect::<Result<_, _>>()?;
    if charge.takes_evidence() && evidence.is_empty() {
        return Err(format!(
            "A {charge} charge must cite infractions you know: accuse @Name {charge} 4,7"
        ));
    }
    if !charge.takes_evidence() && !evidence.is_empty() {
        return Err(format!("A {charge} charge takes no evidence."));
    }
    Ok(ClientMessage::Accuse {
        target,
        charge,
        evidence,
    })
}

fn one_offer(word: &str, args: &[&str], state: &State) -> Result<OfferId, String> {
    let [number] = args[..] else {
        return Err(format!(
            "Usage: {} OFFER (the number shown beside the offer), e.g. {} 3",
            word.to_lowercase(),
            word.to_lowercase()
        ));
    };
    let n = number_of(number, "an offer number")?;
    state
        .offer_by_label(n)
        .or_else(|| state.view.offers.iter().find(|o| o.id.0 == n).map(|o| o.id))
        .ok_or_else(|| format!("There is no offer {n}; `status` lists the open ones."))
}

fn infraction(word: &str, state: &State) -> Result<InfractionId, String> {
    let n = number_of(word, "an infraction number")?;
    state
        .infraction_by_label(n)
        .or_else(|| state.infraction(InfractionId(n)).map(|i| i.id))
        .ok_or_else(|| format!("You know no infraction {n}; `status` lists those you know."))
}

fn case(word: &str) -> Result<CaseId, String> {
    number_of(word, "a case number").map(CaseId)
}

fn number_of(word: &str, what: &str) -> Result<u32, String> {
    word.trim_start_matches('#')
        .parse()
        .map_err(|_| format!("`{word}` is not {what}."))
}

fn amount_of(word: &str) -> Result<i64, String> {
    match word.trim_end_matches("won").parse::<i64>() {
        Ok(n) if allssam_protocol::AMOUNT_RANGE.contains(&n) => Ok(n),
        _ => Err(format!(
            "`{word}` is not an amount of won (a whole number from 1 to 1000000000)."
        )),
    }
}

fn chat_text(text: &str, usage: &str) -> Result<String, String> {
    let text = text.trim();
    match text.chars().count() {
        0 => Err(format!("Usage: {usage}")),
        n if n > MAX_CHAT_CHARS => Err(format!(
            "That is {n} characters; a message holds at most {MAX_CHAT_CHARS}."
        )),
        _ => Ok(text.to_string()),
    }
}

fn no_args(word: &str, args: &[&str]) -> Result<(), String> {
    if args.is_empty() {
        Ok(())
    } else {
        Err(format!("`{word}` takes nothing more."))
    }
}

fn split_word(text: &str) -> (&str, &str) {
    let text = text.trim_start();
    match text.find(char::is_whitespace) {
        Some(i) => (&text[..i], &text[i..]),
        None => (text, ""),
    }
}

#[cfg(test)]
#[path = "parse_tests.rs"]
mod tests;
