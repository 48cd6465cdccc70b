//! Questions the UI and the bots ask of the local model: who we are,
//! who is who, our ties, offers, cases and known infractions.

use allssam_protocol::{
    CaseId, CaseInfo, InfractionId, InfractionInfo, OfferInfo, PlayerId, PlayerInfo, Role, Speaker,
    Status, TieInfo,
};

use crate::state::{State, same_pair};

impl State {
    /// Our own player id, if we hold a seat.
    pub fn me(&self) -> Option<PlayerId> {
        self.view.you.as_ref().map(|y| y.player_id)
    }

    /// Whether this is the facilitator's connection (no seat, and the money
    /// totals only the facilitator sees).
    pub fn is_facilitator(&self) -> bool {
        self.view.you.is_none() && self.view.totals.is_some()
    }

    /// Our role, once assigned.
    pub fn my_role(&self) -> Option<Role> {
        self.view.you.as_ref().and_then(|y| y.role)
    }

    /// A player by id.
    pub fn player(&self, id: PlayerId) -> Option<&PlayerInfo> {
        self.view.players.iter().find(|p| p.id == id)
    }

    /// A player's seat (joining order). Ids are random; seats are the same
    /// in every replay of a seeded game, so choices among equals go by seat.
    pub fn seat(&self, id: PlayerId) -> Option<usize> {
        self.view.players.iter().position(|p| p.id == id)
    }

    /// A pair in seat order (the server orders pairs by their random ids).
    pub fn in_seat_order(&self, a: PlayerId, b: PlayerId) -> (PlayerId, PlayerId) {
        if self.seat(b) < self.seat(a) {
            (b, a)
        } else {
            (a, b)
        }
    }

    /// A player's name, or a short form of the id for someone unknown.
    pub fn name(&self, id: PlayerId) -> String {
        match self.player(id) {
            Some(p) => p.name.clone(),
            None => format!("player {}", &id.to_string()[..8]),
        }
    }

    /// Who spoke, as a name.
    pub fn speaker(&self, from: Speaker) -> String {
        match from {
            Speaker::Player(id) => self.name(id),
            Speaker::Facilitator => "the facilitator".into(),
        }
    }

    /// A player's public role.
    pub fn role_of(&self, id: PlayerId) -> Option<Role> {
        self.player(id).and_then(|p| p.role)
    }

    /// Whether a player is seated and not in prison (RULES.md §1).
    pub fn at_liberty(&self, id: PlayerId) -> bool {
        self.player(id)
            .is_some_and(|p| p.status != Status::Imprisoned)
    }

    /// Other players at liberty with `role`, in seat order.
    pub fn others_with_role(&self, role: Role) -> Vec<&PlayerInfo> {
        let me = self.me();
        self.view
            .players
            .iter()
            .filter(|p| Some(p.id) != me && p.role == Some(role) && p.status != Status::Imprisoned)
            .collect()
    }

    /// Our tie strength with `other` (0: no tie).
    pub fn tie_with(&self, other: PlayerId) -> u64 {
        let me = self.me();
        self.view
            .ties
            .iter()
            .find_map(|t| match *t {
                TieInfo::Mine { with, strength } if with == other => Some(strength),
                TieInfo::Pair { a, b, strength }
                    if me.is_some_and(|m| same_pair(a, b, m, other)) =>
                {
                    Some(strength)
                }
                _ => None,
            })
            .unwrap_or(0)
    }

    /// Open offers made to us.
    pub fn offers_to_me(&self) -> Vec<&OfferInfo> {
        let me = self.me();
        self.view
            .offers
            .iter()
            .filter(|o| Some(o.to) == me)
            .collect()
    }

    /// Open offers we made.
    pub fn offers_from_me(&self) -> Vec<&OfferInfo> {
        let me = self.me();
        self.view
            .offers
            .iter()
            .filter(|o| Some(o.from) == me)
            .collect()
    }

    /// A case by number.
    pub fn case(&self, id: CaseId) -> Option<&CaseInfo> {
        self.view.cases.iter().find(|c| c.id == id)
    }

    /// An infraction we know, by id.
    pub fn infraction(&self, id: InfractionId) -> Option<&InfractionInfo> {
        self.view.infractions.iter().find(|i| i.id == id)
    }

    /// Whether an infraction was already cited in a case we can see (RULES.md §7:
    /// evidence is spent once cited).
    pub fn cited(&self, id: InfractionId) -> bool {
        self.view
            .cases
            .iter()
            .any(|c| c.evidence.as_ref().is_some_and(|e| e.contains(&id)))
    }
}
