//! The engine's surface: who acts, what they ask, what comes out, and who may see it.

use allssam_protocol::{
    CaseId, Charge, ConfigPatch, ErrorCode, Event, Favor, InfractionId, OfferId, OfferKind,
    PlayerId, Role, Verdict,
};
use serde::{Deserialize, Serialize};

/// Who a command comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Actor {
    /// A seated player.
    Player(PlayerId),
    /// The room's facilitator.
    Facilitator,
    /// The server itself: connections, deadlines.
    System,
}

/// Who a view or an event is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Viewer {
    /// A seated player.
    Player(PlayerId),
    /// The facilitator: sees everything.
    Facilitator,
    /// A spectator: sees only what is public.
    Spectator,
}

/// Everything that can change a game. Serializable: this is the command log.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Command {
    // --- facts from the server (actor: System) ---
    /// A new player takes a seat (the server generates the id). Lobby only.
    Join {
        /// The new player's id.
        player: PlayerId,
        /// The requested name (the engine trims and checks it).
        name: String,
    },
    /// A connection now holds the player's seat.
    Connect {
        /// The player.
        player: PlayerId,
    },
    /// No connection holds the player's seat any more.
    Disconnect {
        /// The player.
        player: PlayerId,
    },
    /// Time has passed: ends the phase if `now` has reached its deadline
    /// (otherwise a no-op that returns no events).
    Tick,

    // --- a player's requests (actor: Player) ---
    /// Public chat, or private with `to` (the facilitator may chat too).
    Chat { text: String, to: Option<PlayerId> },
    /// Make an offer.
    Offer {
        to: PlayerId,
        kind: OfferKind,
        amount: Option<i64>,
        favor: Option<Favor>,
    },
    /// Accept or reject an offer.
    Respond { offer: OfferId, accept: bool },
    /// Withdraw one's offer.
    Withdraw { offer: OfferId },
    /// Share a known infraction.
    Share {
        infraction: InfractionId,
        to: PlayerId,
    },
    /// The secretary's extra-earnings order.
    Order,
    /// File an accusation.
    Accuse {
        target: PlayerId,
        charge: Charge,
        evidence: Vec<InfractionId>,
    },
    /// Withdraw one's case.
    WithdrawCase { case: CaseId },
    /// A prosecutor's ruling.
    Rule { case: CaseId, verdict: Verdict },
    /// Done with this phase.
    Ready,
    /// Leave the lobby.
    Leave,

    // --- the facilitator's requests (actor: Facilitator) ---
    /// Merge fields into the config (lobby).
    Configure { config: ConfigPatch },
    /// Give a player a role (lobby).
    Assign { player: PlayerId, role: Role },
    /// Start round 1.
    Start,
    /// Freeze the deadline.
    Pause,
    /// Let it run again.
    Unpause,
    /// End the current phase now.
    Advance,
    /// Remove a player (lobby: frees the seat; in play: he stays, disconnected).
    Kick { player: PlayerId },
    /// End the game now.
    End,
}

/// A refused command: the protocol error code and a sentence for people.
/// The game is unchanged.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Refusal {
    /// The protocol error code.
    pub code: ErrorCode,
    /// A sentence for people ("You cannot accuse during dealing").
    pub message: String,
    /// The field at fault, for `invalid_config`.
    pub field: Option<String>,
}

impl Refusal {
    /// A refusal with `code` and `message`.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Refusal {
            code,
            message: message.into(),
            field: None,
        }
    }
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

impl std::error::Error for Refusal {}

/// What an applied command produced.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Applied {
    /// `offer`: the new offer's id, for the ack.
    pub offer: Option<OfferId>,
    /// `accuse`: the new case's number, for the ack.
    pub case: Option<CaseId>,
    /// The events, in order, each with its audience.
    pub events: Vec<Emitted>,
}

/// One event with the audience allowed to see it, exactly as they may see it.
/// An event whose content differs by viewer is emitted once per audience.
#[derive(Clone, Debug, PartialEq)]
pub struct Emitted {
    /// Who may see it.
    pub audience: Audience,
    /// What they see.
    pub event: Event,
}

/// Who may see an emitted event. Decided only in the engine's visibility module.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Audience {
    /// The facilitator sees it.
    pub facilitator: bool,
    /// Spectators see it.
    pub spectators: bool,
    /// Which players see it.
    pub players: PlayerSet,
}

/// A set of players.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PlayerSet {
    /// Every seated player.
    All,
    /// Only these.
    Only(Vec<PlayerId>),
    /// Every seated player but these.
    AllBut(Vec<PlayerId>),
}

impl PlayerSet {
    /// Is `player` in the set?
    pub fn contains(&self, player: PlayerId) -> bool {
        match self {
            PlayerSet::All => true,
            PlayerSet::Only(ids) => ids.contains(&player),
            PlayerSet::AllBut(ids) => !ids.contains(&player),
        }
    }
}

impl Audience {
    /// Everyone: every player, the facilitator and spectators.
    pub fn everyone() -> Self {
        Audience {
            facilitator: true,
            spectators: true,
            players: PlayerSet::All,
        }
    }

    /// The facilitator alone.
    pub fn facilitator() -> Self {
        Audience {
            facilitator: true,
            spectators: false,
            players: PlayerSet::Only(Vec::new()),
        }
    }

    /// These players and the facilitator.
    pub fn players(ids: Vec<PlayerId>) -> Self {
        Audience {
            facilitator: true,
            spectators: false,
            players: PlayerSet::Only(ids),
        }
    }

    /// May `viewer` see it?
    pub fn includes(&self, viewer: Viewer) -> bool {
        match viewer {
            Viewer::Facilitator => self.facilitator,
            Viewer::Spectator => self.spectators,
            Viewer::Player(id) => self.players.contains(id),
        }
    }
}
