//! The record of a room, rebuilt by replaying its command log: every event
//! the facilitator saw, each money movement, each case with why its verdict
//! fell, the ties over time, and the final figures.

use std::collections::{BTreeMap, HashMap};

use allssam_protocol::{
    CaseInfo, Debrief, Event, OfferKind, Phase, PlayerId, Role, RoomConfig, Score, SentenceKind,
    Speaker, Verdict,
};
use serde::Serialize;

use crate::game::{Game, Viewer};
use crate::room::decode;
use crate::store::LogRecord;

/// One event as the facilitator saw it, in log order.
#[derive(Clone, Debug, Serialize)]
pub struct LoggedEvent {
    /// The record that caused it.
    pub record: u64,
    /// The game clock then (epoch ms).
    pub at_ms: u64,
    /// The round and phase it happened in.
    pub round: u32,
    /// The phase.
    pub phase: Phase,
    /// The event.
    pub event: Event,
}

/// One movement of money.
#[derive(Clone, Debug, Serialize)]
pub struct Transfer {
    /// Round.
    pub round: u32,
    /// Phase.
    pub phase: Phase,
    /// What it was: an offer kind, `salary`, `income`, `rent`, `confiscation`, `fine`.
    pub kind: String,
    /// Who paid (`state`/`market` for salaries and income).
    pub from: String,
    /// Who received (`state` for confiscations and fines).
    pub to: String,
    /// How much.
    pub amount: u64,
}

/// One prosecutor's vote on a case and the ties behind it.
#[derive(Clone, Debug, Serialize)]
pub struct Vote {
    /// The prosecutor (`head` for the head of the office).
    pub prosecutor: String,
    /// The ruling.
    pub verdict: Verdict,
    /// `explicit`, `ties` or `evidence`.
    pub source: String,
    /// His tie to the accuser when the case was resolved.
    pub tie_accuser: u64,
    /// His tie to the accused.
    pub tie_accused: u64,
}

/// A case and why it ended as it did.
#[derive(Clone, Debug, Serialize)]
pub struct CaseReport {
    /// The case as the facilitator sees it at the end.
    pub case: CaseInfo,
    /// Each vote with its ties.
    pub votes: Vec<Vote>,
    /// Sum of the hearers' ties to the accuser, and to the accused.
    pub tie_sums: (u64, u64),
    /// Whether equal votes were broken by the tie sums (RULES.md §8.2).
    pub decided_by_ties: bool,
    /// The accused cadre was protected (a reprimand) by these prosecutors' ties.
    pub protected_by: Vec<PlayerId>,
    /// Donju punished in a case against a cadre: the shrimp's back.
    pub shrimps: Vec<PlayerId>,
}

/// A tie or rumor moment.
#[derive(Clone, Debug, Serialize)]
pub struct TieMoment {
    /// Round.
    pub round: u32,
    /// Phase.
    pub phase: Phase,
    /// One player.
    pub a: PlayerId,
    /// The other.
    pub b: PlayerId,
    /// `tie` (strength set), `rumor` or `rumor_ended`.
    pub what: String,
    /// The strength, for a tie.
    pub strength: Option<u64>,
}

/// A chat line.
#[derive(Clone, Debug, Serialize)]
pub struct ChatRow {
    /// Round.
    pub round: u32,
    /// Phase.
    pub phase: Phase,
    /// Who wrote.
    pub from: String,
    /// To whom (empty: everyone).
    pub to: String,
    /// The text.
    pub text: String,
}

/// A player as the report names him.
#[derive(Clone, Debug, Serialize)]
pub struct PlayerRow {
    /// Id.
    pub id: PlayerId,
    /// Name.
    pub name: String,
    /// Role.
    pub role: Option<Role>,
    /// Final balance.
    pub balance: Option<u64>,
}

/// Everything the exports render.
#[derive(Clone, Debug, Serialize)]
pub struct Report {
    /// The room code.
    pub room: String,
    /// The configuration in force at the end.
    pub config: RoomConfig,
    /// The phase the room is in (`ended` after the game).
    pub phase: Phase,
    /// The round.
    pub round: u32,
    /// Players in joining order.
    pub players: Vec<PlayerRow>,
    /// The facilitator's events, in order.
    pub events: Vec<LoggedEvent>,
    /// Every money movement.
    pub transfers: Vec<Transfer>,
    /// Every case.
    pub cases: Vec<CaseReport>,
    /// Ties and rumors over time.
    pub ties: Vec<TieMoment>,
    /// The ties at the end: (a, b, strength).
    pub final_ties: Vec<(PlayerId, PlayerId, u64)>,
    /// Every chat message.
    pub chat: Vec<ChatRow>,
    /// Final scores, once ended.
    pub scores: Option<Vec<Score>>,
    /// The debrief figures, once ended.
    pub debrief: Option<Debrief>,
}

impl Report {
    /// A player's name (or the id when unknown).
    pub fn name(&self, id: PlayerId) -> String {
        self.players
            .iter()
            .find(|p| p.id == id)
            .map_or_else(|| id.to_string(), |p| p.name.clone())
    }
}

fn pair(a: PlayerId, b: PlayerId) -> (PlayerId, PlayerId) {
    if a.0 <= b.0 { (a, b) } else { (b, a) }
}

/// Replays `records` from the creation `config` and builds the report.
/// A record the engine refuses means a log it cannot explain: an error.
pub fn build(code: &str, config: RoomConfig, records: &[LogRecord]) -> Result<Report, String> {
    let mut game = Game::new(code.to_owned(), config);
    let mut b = Builder::default();
    let mut last_now = 0;
    for record in records.iter().filter(|r| r.applied) {
        let (actor, command) = decode(record)?;
        let applied = game
            .apply(actor, command, record.now_ms)
            .map_err(|r| format!("record {} refused on replay: {}", record.seq, r.message))?;
        last_now = record.now_ms;
        for emitted in applied.events {
            // Markets go to each player alone; the money they move belongs in the record.
            if let Event::PhaseChanged {
                round,
                phase,
                market: Some(market),
                ..
            } = &emitted.event
                && let crate::game::PlayerSet::Only(ids) = &emitted.audience.players
                && let [player] = ids.as_slice()
            {
                b.market(*player, *round, *phase, market);
            }
            if emitted.audience.includes(Viewer::Facilitator) {
                b.event(record, emitted.event);
            }
        }
    }
    let view = game.view_for(Viewer::Facilitator, last_now);
    let players = view
        .players
        .iter()
        .map(|p| PlayerRow {
            id: p.id,
            name: p.name.clone(),
            role: p.role,
            balance: p.balance,
        })
        .collect();
    let cases = view
        .cases
        .iter()
        .map(|case| b.case_report(case, &view.players))
        .collect();
    let mut final_ties: Vec<_> = b
        .ties
        .iter()
        .filter(|(_, s)| **s > 0)
        .map(|((a, c), s)| (*a, *c, *s))
        .collect();
    final_ties.sort_by_key(|t| std::cmp::Reverse(t.2));
    Ok(Report {
        room: code.to_owned(),
        config: view.config.clone(),
        phase: view.phase,
        round: view.round,
        players,
        events: b.events,
        transfers: b.transfers,
        cases,
        ties: b.moments,
        final_ties,
        chat: b.chat,
        scores: view.scores.clone(),
        debrief: view.debrief.clone(),
    })
}

#[derive(Default)]
struct Builder {
    round: u32,
    phase: Option<Phase>,
    events: Vec<LoggedEvent>,
    transfers: Vec<Transfer>,
    moments: Vec<TieMoment>,
    chat: Vec<ChatRow>,
    ties: BTreeMap<(PlayerId, PlayerId), u64>,
    /// The ties as they were when each case was decided.
    ties_at_verdict: HashMap<u32, BTreeMap<(PlayerId, PlayerId), u64>>,
    /// Donju → manager, for rent.
    leases: HashMap<PlayerId, PlayerId>,
}

impl Builder {
    fn phase(&self) -> Phase {
        self.phase.unwrap_or(Phase::Lobby)
    }

    fn money(&mut self, kind: &str, from: String, to: String, amount: u64) {
        if amount > 0 {
            self.transfers.push(Transfer {
                round: self.round,
                phase: self.phase(),
                kind: kind.to_owned(),
                from,
                to,
                amount,
            });
        }
    }

    /// A player's market, dated by the phase it opens: the facilitator's
    /// own `phase_changed`, which moves the date for everything else, comes
    /// after the players'.
    fn market(
        &mut self,
        player: PlayerId,
        round: u32,
        phase: Phase,
        m: &allssam_protocol::MarketReport,
    ) {
        self.round = round;
        self.phase = Some(phase);
        let id = player.to_string();
        self.money("salary", "state".into(), id.clone(), m.salary);
        self.money("income", "market".into(), id.clone(), m.income);
        let manager = self.leases.get(&player).map(ToString::to_string);
        self.money(
            "rent",
            id,
            manager.unwrap_or_else(|| "manager".into()),
            m.rent_paid,
        );
    }

    fn event(&mut self, record: &LogRecord, event: Event) {
        match &event {
            Event::PhaseChanged { round, phase, .. } => {
                self.round = *round;
                self.phase = Some(*phase);
            }
            Event::OfferAnswered {
                offer,
                accepted: true,
            } => {
                let (from, to) = match offer.kind {
                    OfferKind::Demand => (offer.to, offer.from),
                    _ => (offer.from, offer.to),
                };
                let kind = offer.kind.as_str();
                self.money(
                    kind,
                    from.to_string(),
                    to.to_string(),
                    offer.amount.unwrap_or(0),
                );
            }
            Event::LeaseStarted { donju, manager, .. } => {
                self.leases.insert(*donju, *manager);
            }
            Event::LeaseEnded { donju, .. } => {
                self.leases.remove(donju);
            }
            Event::Sentence {
                player,
                amount,
                sentence,
                ..
            } => {
                let kind = match sentence {
                    SentenceKind::Fined => "fine",
                    _ => "confiscation",
                };
                self.money(
                    kind,
                    player.to_string(),
                    "state".into(),
                    amount.unwrap_or(0),
                );
            }
            Event::TieChanged { a, b, strength } => {
                self.ties.insert(pair(*a, *b), *strength);
                self.moment(*a, *b, "tie", Some(*strength));
            }
            Event::Rumor { a, b } => self.moment(*a, *b, "rumor", None),
            Event::RumorEnded { a, b } => self.moment(*a, *b, "rumor_ended", None),
            Event::Verdict { case, .. } => {
                self.ties_at_verdict.insert(case.0, self.ties.clone());
            }
            Event::Chat { from, to, text } => {
                let from = match from {
                    Speaker::Player(id) => id.to_string(),
                    Speaker::Facilitator => "facilitator".into(),
                };
                self.chat.push(ChatRow {
                    round: self.round,
                    phase: self.phase(),
                    from,
                    to: to.map(|t| t.to_string()).unwrap_or_default(),
                    text: text.clone(),
                });
            }
            _ => {}
        }
        self.events.push(LoggedEvent {
            record: record.seq,
            at_ms: record.now_ms,
            round: self.round,
            phase: self.phase(),
            event,
        });
    }

    fn moment(&mut self, a: PlayerId, b: PlayerId, what: &str, strength: Option<u64>) {
        self.moments.push(TieMoment {
            round: self.round,
            phase: self.phase(),
            a,
            b,
            what: what.to_owned(),
            strength,
        });
    }

    /// RULES.md §8: the votes, the ties behind them, protection and shrimps.
    fn case_report(&self, case: &CaseInfo, players: &[allssam_protocol::PlayerInfo]) -> CaseReport {
        let empty = BTreeMap::new();
        let ties = self.ties_at_verdict.get(&case.id.0).unwrap_or(&empty);
        let tie = |x: PlayerId, y: PlayerId| ties.get(&pair(x, y)).copied().unwrap_or(0);
        let votes: Vec<Vote> = case
            .rulings
            .iter()
            .flatten()
            .map(|r| Vote {
                prosecutor: r
                    .prosecutor
                    .map_or_else(|| "head".into(), |p| p.to_string()),
                verdict: r.verdict,
                source: r.source.as_str().to_owned(),
                tie_accuser: r.prosecutor.map_or(0, |p| tie(p, case.accuser)),
                tie_accused: r.prosecutor.map_or(0, |p| tie(p, case.accused)),
            })
            .collect();
        let tie_sums = case.hearers.iter().fold((0, 0), |(s, d), h| {
            (s + tie(*h, case.accuser), d + tie(*h, case.accused))
        });
        let decided_by_ties = case.votes.is_some_and(|v| v.guilty == v.acquit)
            && !case.hearers.is_empty()
            && tie_sums.0 != tie_sums.1;
        let role = |id: PlayerId| players.iter().find(|p| p.id == id).and_then(|p| p.role);
        let accused_cadre = role(case.accused).is_some_and(Role::is_cadre);
        let sentences = case.sentence.iter().flatten();
        let reprimanded = sentences
            .clone()
            .any(|s| s.player == case.accused && s.sentence == SentenceKind::Reprimanded);
        let protected_by = if reprimanded {
            case.hearers
                .iter()
                .copied()
                .filter(|h| tie(*h, case.accused) >= 1)
                .collect()
        } else {
            Vec::new()
        };
        let shrimps = if accused_cadre {
            sentences
                .filter(|s| s.player != case.accused && s.sentence == SentenceKind::Imprisoned)
                .map(|s| s.player)
                .collect()
        } else {
            Vec::new()
        };
        CaseReport {
            case: case.clone(),
            votes,
            tie_sums,
            decided_by_ties,
            protected_by,
            shrimps,
        }
    }
}
