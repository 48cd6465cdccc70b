//! `view_for`: the whole room as one viewer may see it (PROTOCOL.md "The
//! view"), asking the visibility module what each viewer may know.

use allssam_protocol::{
    CHAT_HISTORY, ChatLine, LeaseInfo, Phase, PlayerInfo, Rumor, TieInfo, View, You,
};

use super::Viewer;
use super::state::{Game, Lease};

impl Game {
    /// The room as `viewer` may see it at time `now` (epoch ms).
    pub fn view_for(&self, viewer: Viewer, now: u64) -> View {
        let fac = self.sees_everything(viewer);
        let me = match viewer {
            Viewer::Player(id) => self.player(id).map(|p| p.id),
            _ => None,
        };
        let lease_info = |l: &Lease| LeaseInfo {
            donju: l.donju,
            manager: l.manager,
            rent: self.sees_rent(viewer, l).then_some(l.rent),
        };
        let ended = self.phase == Phase::Ended;
        View {
            room: self.room.clone(),
            phase: self.phase,
            round: self.round,
            rounds: self.config.rounds,
            paused: self.clock.paused,
            deadline_ms: if self.in_play() {
                self.ms_left(now)
            } else {
                None
            },
            server_time_ms: now,
            config: if fac {
                self.config.clone()
            } else {
                self.config.public()
            },
            you: me.and_then(|id| self.player(id)).map(|p| You {
                player_id: p.id,
                role: p.role,
                status: p.status,
                balance: p.balance,
                available: p.available(),
                lease: self
                    .leases
                    .iter()
                    .find(|l| l.donju == p.id || l.manager == p.id)
                    .map(lease_info),
            }),
            players: self
                .players
                .iter()
                .map(|p| PlayerInfo {
                    id: p.id,
                    name: p.name.clone(),
                    role: p.role,
                    status: p.status,
                    connected: p.connected,
                    wealth_tier: p.tier,
                    ready: p.ready,
                    until_round: p.until_round,
                    balance: fac.then_some(p.balance),
                    available: fac.then(|| p.available()),
                })
                .collect(),
            offers: self
                .offers
                .values()
                .filter(|o| self.sees_offer(viewer, o))
                .map(|o| o.info())
                .collect(),
            ties: self
                .ties
                .iter()
                .filter_map(|t| match me {
                    _ if fac => Some(TieInfo::Pair {
                        a: t.a,
                        b: t.b,
                        strength: t.strength,
                    }),
                    Some(id) if t.a == id => Some(TieInfo::Mine {
                        with: t.b,
                        strength: t.strength,
                    }),
                    Some(id) if t.b == id => Some(TieInfo::Mine {
                        with: t.a,
                        strength: t.strength,
                    }),
                    _ => None,
                })
                .collect(),
            rumors: self
                .ties
                .iter()
                .filter_map(|t| {
                    t.rumor_since.map(|since_round| Rumor {
                        a: t.a,
                        b: t.b,
                        since_round,
                    })
                })
                .collect(),
            infractions: self
                .infractions
                .values()
                .filter(|i| self.knows(viewer, i))
                .map(|i| i.info())
                .collect(),
            leases: self.leases.iter().map(lease_info).collect(),
            order_in_force: self.order_in_force() && self.in_play(),
            cases: self
                .cases
                .iter()
                .filter(|c| self.case_visible(viewer, c))
                .map(|c| self.case_info(viewer, c))
                .collect(),
            chat: self.chat_for(viewer),
            scores: ended.then(|| self.scores()),
            debrief: ended.then(|| self.debrief()),
            totals: fac.then_some(self.totals),
        }
    }

    /// The last messages `viewer` may see: public ones, and private ones he
    /// wrote or received (the facilitator sees all).
    fn chat_for(&self, viewer: Viewer) -> Vec<ChatLine> {
        let mut lines: Vec<ChatLine> = self
            .chat
            .iter()
            .rev()
            .filter(|c| self.sees_chat(viewer, c))
            .take(CHAT_HISTORY)
            .map(|c| ChatLine {
                from: c.from,
                to: c.to,
                text: c.text.clone(),
                round: c.round,
                phase: c.phase,
            })
            .collect();
        lines.reverse();
        lines
    }
}
