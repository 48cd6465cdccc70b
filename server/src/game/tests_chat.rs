//! Regression tests for the unbounded chat: `Game.chat` kept every line
//! forever, so a room's memory grew under chat load. It is now pruned to
//! what views can still show, and views are those of an unbounded chat.
#![allow(clippy::unwrap_used)]

use allssam_protocol::{CHAT_HISTORY, PlayerId, Speaker};
use proptest::prelude::*;

use super::talk::{CHAT_KEPT, CHAT_MAX};
use super::testkit::Table;
use super::{Actor, Command, Viewer};

/// Every line said, and who said it to whom: the unbounded reference.
#[derive(Default)]
struct Said(Vec<(Speaker, Option<PlayerId>, String)>);

impl Said {
    fn say(&mut self, t: &mut Table, from: Option<PlayerId>, to: Option<PlayerId>) {
        let before = t.game.chat.len();
        let text = format!("line {}", self.0.len());
        let actor = from.map_or(Actor::Facilitator, Actor::Player);
        t.ok(
            actor,
            Command::Chat {
                text: text.clone(),
                to,
            },
        );
        let speaker = from.map_or(Speaker::Facilitator, Speaker::Player);
        self.0.push((speaker, to, text));
        assert!(t.game.chat.len() <= CHAT_MAX, "the chat stays bounded");
        assert!(
            t.game.chat.capacity() <= CHAT_MAX + CHAT_HISTORY,
            "its memory too, grown a step at a time (doubling reaches 2,048): {} lines reserved for {}",
            t.game.chat.capacity(),
            t.game.chat.len()
        );
        if t.game.chat.len() <= before {
            // Just pruned: the views are most at risk now.
            assert!(t.game.chat.len() <= CHAT_KEPT);
            self.views_match(t);
        }
    }

    /// The last `CHAT_HISTORY` texts `viewer` may see.
    fn last_for(&self, viewer: Viewer) -> Vec<String> {
        type Line = (Speaker, Option<PlayerId>, String);
        let sees = |l: &&Line| match (viewer, l.1) {
            (_, None) | (Viewer::Facilitator, _) => true,
            (Viewer::Spectator, Some(_)) => false,
            (Viewer::Player(id), Some(to)) => to == id || l.0 == Speaker::Player(id),
        };
        let mut lines: Vec<String> = self
            .0
            .iter()
            .rev()
            .filter(sees)
            .take(CHAT_HISTORY)
            .map(|l| l.2.clone())
            .collect();
        lines.reverse();
        lines
    }

    fn views_match(&self, t: &Table) {
        let mut viewers = vec![Viewer::Facilitator, Viewer::Spectator];
        viewers.extend(t.game.player_ids().into_iter().map(Viewer::Player));
        for viewer in viewers {
            let shown: Vec<String> = t.view(viewer).chat.into_iter().map(|c| c.text).collect();
            assert_eq!(shown, self.last_for(viewer), "{viewer:?}");
        }
    }
}

/// A private line to a quiet player stays in his view however much the
/// others say privately, and the room keeps a bounded number of lines.
#[test]
fn chat_is_bounded_and_a_quiet_players_old_line_stays_in_his_view() {
    let mut t = Table::five();
    let (sec, man, don, don2) = (t.sec, t.man, t.don, t.don2.unwrap());
    let mut said = Said::default();
    said.say(&mut t, Some(don), Some(don2));
    said.say(&mut t, None, None);
    for i in 0..3 * CHAT_MAX {
        let (from, to) = if i % 2 == 0 { (sec, man) } else { (man, sec) };
        said.say(&mut t, Some(from), Some(to));
    }
    said.views_match(&t);
    let quiet = t.view(Viewer::Player(don2)).chat;
    assert_eq!(quiet.len(), 2, "his private line and the public one");
    assert!(t.game.chat.len() <= CHAT_KEPT + CHAT_HISTORY);
    assert!(
        t.game.chat.len() < said.0.len() / 2,
        "old lines are dropped"
    );
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    /// Random speakers (seat 0 is the facilitator), mostly private lines
    /// between a few seats: every view equals the unbounded reference.
    #[test]
    fn pruned_chat_views_equal_unbounded_ones(
        lines in prop::collection::vec((0usize..6, prop::option::weighted(0.8, 1usize..6)), 1..2500),
    ) {
        let mut t = Table::five();
        let seats = t.game.player_ids();
        let mut said = Said::default();
        for (n, (from, to)) in lines.into_iter().enumerate() {
            let from = (from > 0).then(|| seats[from - 1]);
            let to = to.map(|to| seats[to - 1]).filter(|&to| Some(to) != from);
            said.say(&mut t, from, to);
            if n % 251 == 0 {
                said.views_match(&t);
            }
        }
        said.views_match(&t);
    }
}
