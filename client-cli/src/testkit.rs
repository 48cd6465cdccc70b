//! Test fixtures: a small room built in memory, shared by the unit tests of
//! the state, the parser and the strategies.
#![allow(clippy::unwrap_used)]

use allssam_protocol::{
    CaseId, CaseInfo, Charge, Event, InfractionId, InfractionInfo, InfractionKind, OfferId,
    OfferInfo, OfferKind, Phase, PlayerId, PlayerInfo, Role, RoomConfig, Status, TieInfo, Totals,
    View, WealthTier, You,
};
use uuid::Uuid;

use crate::state::State;

/// A fixed player id from a small number.
pub fn pid(n: u8) -> PlayerId {
    PlayerId(Uuid::from_bytes([n; 16]))
}

/// The players of the fixture: Me (1), Kim (2, secretary), Kang (3, manager),
/// Park (4, prosecutor), Lee (5, donju), Choi (6, donju).
pub const NAMES: [(&str, Role); 6] = [
    ("Me", Role::Donju),
    ("Kim", Role::Secretary),
    ("Kang", Role::Manager),
    ("Park", Role::Prosecutor),
    ("Lee", Role::Donju),
    ("Choi", Role::Donju),
];

/// A room in `phase` of round 1 where we are player 1 with `my_role`.
pub fn room(my_role: Role, phase: Phase) -> State {
    let players = NAMES
        .iter()
        .enumerate()
        .map(|(i, (name, role))| PlayerInfo {
            id: pid(i as u8 + 1),
            name: (*name).into(),
            role: Some(if i == 0 { my_role } else { *role }),
            status: Status::Free,
            connected: true,
            wealth_tier: WealthTier::Comfortable,
            ready: false,
            until_round: None,
            balance: None,
            available: None,
        })
        .collect();
    let balance = if my_role == Role::Donju { 1000 } else { 300 };
    State::new(View {
        room: "ABCDEF".into(),
        phase,
        round: 1,
        rounds: 6,
        paused: false,
        deadline_ms: Some(60_000),
        server_time_ms: 0,
        config: RoomConfig::default(),
        you: Some(You {
            player_id: pid(1),
            role: Some(my_role),
            status: Status::Free,
            balance,
            available: balance,
            lease: None,
        }),
        players,
        offers: vec![],
        ties: vec![],
        rumors: vec![],
        infractions: vec![],
        leases: vec![],
        order_in_force: false,
        cases: vec![],
        chat: vec![],
        scores: None,
        debrief: None,
        totals: None,
    })
}

/// The facilitator's view of the same room in `phase`: no seat, every
/// balance (starting balances: Me and the donju 1000, cadres 300) and the
/// money totals.
pub fn facilitator(phase: Phase) -> State {
    let mut view = room(Role::Donju, phase).view;
    view.you = None;
    let mut starting = 0;
    for p in &mut view.players {
        let balance = if p.role == Some(Role::Donju) {
            1000
        } else {
            300
        };
        p.balance = Some(balance);
        p.available = Some(balance);
        starting += balance;
    }
    view.totals = Some(Totals {
        starting,
        salaries: 0,
        income: 0,
        confiscated: 0,
    });
    State::new(view)
}

/// An open offer in round 1 dealing.
pub fn offer(id: u32, from: u8, to: u8, kind: OfferKind, amount: Option<u64>) -> OfferInfo {
    OfferInfo {
        id: OfferId(id),
        from: pid(from),
        to: pid(to),
        kind,
        amount,
        favor: None,
        round: 1,
        phase: Phase::Dealing,
    }
}

/// An infraction of round 1 between two players.
pub fn infraction(id: u32, kind: InfractionKind, a: u8, b: u8) -> InfractionInfo {
    InfractionInfo {
        id: InfractionId(id),
        kind,
        round: 1,
        parties: [pid(a), pid(b)],
        amount: Some(100),
    }
}

/// One of our ties.
pub fn tie(with: u8, strength: u64) -> TieInfo {
    TieInfo::Mine {
        with: pid(with),
        strength,
    }
}

/// An open case of `round`: `accuser` charges `accused` with bribery,
/// heard by Park (4) and the head of the office.
pub fn case(id: u32, round: u32, accuser: u8, accused: u8) -> CaseInfo {
    CaseInfo {
        id: CaseId(id),
        round,
        accuser: pid(accuser),
        accused: pid(accused),
        charge: Charge::Bribery,
        withdrawn: false,
        evidence: None,
        evidence_detail: None,
        hearers: vec![pid(4)],
        head_hears: true,
        your_ruling: None,
        votes: None,
        rulings: None,
        verdict: None,
        evidence_ruling: None,
        sentence: None,
    }
}

/// Seat `n`'s connection opened or closed, as the server tells it.
pub fn connected(n: u8, connected: bool) -> Event {
    Event::PlayerUpdated {
        player: pid(n),
        role: None,
        status: None,
        connected: Some(connected),
        wealth_tier: None,
        ready: None,
        until_round: None,
    }
}

/// The viewer learns `infraction` from the facts (not from a share).
pub fn learned(infraction: InfractionInfo) -> Event {
    Event::InfractionLearned {
        infraction,
        from: None,
    }
}
