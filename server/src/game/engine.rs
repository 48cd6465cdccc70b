//! PLACEHOLDER engine: the lobby only, so the server can be built against the
//! engine's surface while the rules are written. Replaced by the real engine.

use allssam_protocol::{
    ErrorCode, Event, Phase, PlayerId, PlayerInfo, PlayerRef, RoomConfig, Status, View, WealthTier,
};
use serde::{Deserialize, Serialize};

use super::{Actor, Applied, Audience, Command, Emitted, Refusal, Viewer};

/// A room's whole game state.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Game {
    room: String,
    config: RoomConfig,
    players: Vec<(PlayerId, String, bool)>,
}

impl Game {
    /// A new game in the lobby. The server sets `config.seed` first.
    pub fn new(room: String, config: RoomConfig) -> Game {
        Game {
            room,
            config,
            players: Vec::new(),
        }
    }

    /// Applies one command at time `now` (epoch ms).
    pub fn apply(&mut self, actor: Actor, command: Command, now: u64) -> Result<Applied, Refusal> {
        let _ = (actor, now);
        match command {
            Command::Join { player, name } => {
                self.players.push((player, name.clone(), false));
                Ok(Applied {
                    events: vec![Emitted {
                        audience: Audience::everyone(),
                        event: Event::PlayerJoined {
                            player: PlayerRef { id: player, name },
                        },
                    }],
                    ..Applied::default()
                })
            }
            Command::Connect { player } | Command::Disconnect { player } => {
                let connected = matches!(command, Command::Connect { .. });
                if let Some(p) = self.players.iter_mut().find(|p| p.0 == player) {
                    p.2 = connected;
                }
                Ok(Applied::default())
            }
            _ => Err(Refusal::new(ErrorCode::Internal, "placeholder engine")),
        }
    }

    /// The room as `viewer` may see it at time `now`.
    pub fn view_for(&self, viewer: Viewer, now: u64) -> View {
        let _ = viewer;
        View {
            room: self.room.clone(),
            phase: Phase::Lobby,
            round: 0,
            rounds: self.config.rounds,
            paused: false,
            deadline_ms: None,
            server_time_ms: now,
            config: self.config.public(),
            you: None,
            players: self
                .players
                .iter()
                .map(|(id, name, connected)| PlayerInfo {
                    id: *id,
                    name: name.clone(),
                    role: None,
                    status: Status::Free,
                    connected: *connected,
                    wealth_tier: WealthTier::Comfortable,
                    ready: false,
                    until_round: None,
                    balance: None,
                    available: None,
                })
                .collect(),
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
        }
    }

    /// When `Command::Tick` should next be applied (epoch ms); `None` when
    /// no deadline runs (lobby, ended, paused, untimed phase).
    pub fn deadline(&self) -> Option<u64> {
        None
    }

    /// The current phase.
    pub fn phase(&self) -> Phase {
        Phase::Lobby
    }

    /// The current round (0 in the lobby).
    pub fn round(&self) -> u32 {
        0
    }

    /// Whether `player` has a seat in this room.
    pub fn has_player(&self, player: PlayerId) -> bool {
        self.players.iter().any(|p| p.0 == player)
    }
}
