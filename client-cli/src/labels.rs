//! The short numbers people type for offers and infractions, and their file
//! beside the seat's token, so that a number stays the same for a seat on
//! this machine when its console is restarted.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::state::State;

/// Short numbers for the wire ids of one kind: 1, 2, 3… in the order they
/// were first seen; a number is never given twice, so one a person read
/// stays valid.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Numbers {
    label: HashMap<u32, u32>,
    id: HashMap<u32, u32>,
    /// The highest number given so far.
    last: u32,
}

impl Numbers {
    /// Numbers `id` if it has no number yet; true when it is new.
    pub fn number(&mut self, id: u32) -> bool {
        if self.label.contains_key(&id) {
            return false;
        }
        // `from_pairs` keeps `last` within the count of numbers given.
        self.last = self.last.saturating_add(1);
        self.label.insert(id, self.last);
        self.id.insert(self.last, id);
        true
    }

    /// The short number of the wire id `id`.
    pub fn label(&self, id: u32) -> Option<u32> {
        self.label.get(&id).copied()
    }

    /// The wire id a person means by `label`.
    pub fn id(&self, label: u32) -> Option<u32> {
        self.id.get(&label).copied()
    }

    /// The wire ids in the order of their numbers.
    pub fn ids(&self) -> Vec<u32> {
        let mut pairs: Vec<(u32, u32)> = self.id.iter().map(|(l, i)| (*l, *i)).collect();
        pairs.sort_unstable();
        pairs.into_iter().map(|(_, id)| id).collect()
    }

    /// `(id, label)` pairs, ordered by label (for the file).
    fn pairs(&self) -> Vec<[u32; 2]> {
        let mut pairs: Vec<[u32; 2]> = self.label.iter().map(|(i, l)| [*i, *l]).collect();
        pairs.sort_unstable_by_key(|p| p[1]);
        pairs
    }

    /// Numbers read back from a file: `None` unless each id and each
    /// number (from 1) appears once.
    fn from_pairs(pairs: &[[u32; 2]]) -> Option<Numbers> {
        let mut numbers = Numbers::default();
        for &[id, label] in pairs {
            // Numbers run 1, 2, 3…: one beyond the count is a damaged file.
            let fresh = label > 0
                && usize::try_from(label).is_ok_and(|l| l <= pairs.len())
                && numbers.label.insert(id, label).is_none()
                && numbers.id.insert(label, id).is_none();
            if !fresh {
                return None;
            }
            numbers.last = numbers.last.max(label);
        }
        Some(numbers)
    }
}

/// The short numbers of one connection: offers and infractions numbered
/// separately.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Labels {
    /// Offers.
    pub offers: Numbers,
    /// Infractions.
    pub infractions: Numbers,
}

impl Labels {
    /// These labels, with every id `newer` numbered and not yet numbered
    /// here added after them, in `newer`'s order: what a console loaded
    /// from its file keeps its numbers; what it saw since gets the next.
    pub fn then(mut self, newer: &Labels) -> Labels {
        for id in newer.offers.ids() {
            self.offers.number(id);
        }
        for id in newer.infractions.ids() {
            self.infractions.number(id);
        }
        self
    }
}

/// A seat's labels file, which its console keeps current.
#[derive(Debug)]
pub struct LabelFile {
    path: PathBuf,
    room: String,
}

impl LabelFile {
    /// The file beside the token saved at `token`, its labels for `room`
    /// taken into `state`.
    pub fn open(token: &Path, room: &str, state: &mut State) -> LabelFile {
        let file = LabelFile {
            path: path(token),
            room: room.to_string(),
        };
        state.adopt_labels(load(&file.path, room));
        file.keep(state.fresh_labels());
        file
    }

    /// Saves `fresh`, the labels as [`State::fresh_labels`] copied them out
    /// of the model (so the file is written with the model unlocked).
    pub fn keep(&self, fresh: Option<Labels>) {
        if let Some(labels) = fresh {
            // Not saved, the numbers only start afresh at the next start:
            // no reason to disturb the console.
            let _ = save(&self.path, &self.room, &labels);
        }
    }
}

/// The labels as their file holds them.
#[derive(Debug, Serialize, Deserialize)]
struct Saved {
    /// The room they belong to (a file of another room is not used).
    room: String,
    /// `[wire id, number]` of each offer.
    offers: Vec<[u32; 2]>,
    /// `[wire id, number]` of each infraction.
    infractions: Vec<[u32; 2]>,
}

/// The labels' file of the seat whose token is saved at `token`: the same
/// name, ending in `.labels`.
pub fn path(token: &Path) -> PathBuf {
    token.with_extension("labels")
}

/// The labels saved at `path` for `room`; none (a fresh start) if there is
/// no file, or it is unreadable, of another room or inconsistent.
pub fn load(path: &Path, room: &str) -> Labels {
    let read = || -> Option<Labels> {
        let text = std::fs::read_to_string(path).ok()?;
        let saved: Saved = serde_json::from_str(&text).ok()?;
        if !saved.room.eq_ignore_ascii_case(room) {
            return None;
        }
        Some(Labels {
            offers: Numbers::from_pairs(&saved.offers)?,
            infractions: Numbers::from_pairs(&saved.infractions)?,
        })
    };
    read().unwrap_or_default()
}

/// Saves `labels` of `room` at `path` (written aside, then renamed: a
/// crash leaves the old file or the new one, never half of one).
pub fn save(path: &Path, room: &str, labels: &Labels) -> std::io::Result<()> {
    let saved = Saved {
        room: room.to_string(),
        offers: labels.offers.pairs(),
        infractions: labels.infractions.pairs(),
    };
    let text = serde_json::to_string(&saved).map_err(std::io::Error::other)?;
    // Its own name aside: two consoles of one seat (one replacing the
    // other) never write the same file at once.
    let aside = path.with_extension(format!("labels.{}.new", std::process::id()));
    crate::tokens::save(&aside, &text)?;
    std::fs::rename(&aside, path)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn labels(offers: &[u32], infractions: &[u32]) -> Labels {
        let mut l = Labels::default();
        for id in offers {
            l.offers.number(*id);
        }
        for id in infractions {
            l.infractions.number(*id);
        }
        l
    }

    /// A file `name` in a directory of its own (removed by the test).
    fn scratch(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("allssam-labels-{}-{name}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        dir.join(name)
    }

    fn remove(path: &Path) {
        std::fs::remove_dir_all(path.parent().unwrap()).unwrap();
    }

    #[test]
    fn labels_survive_a_restart_of_the_console() {
        let path = path(&scratch("ABCDEF-kim.token"));
        assert!(path.to_string_lossy().ends_with("ABCDEF-kim.labels"));
        let before = labels(&[819_986_350, 7], &[42, 3_000_000_000]);
        save(&path, "ABCDEF", &before).unwrap();
        let after = load(&path, "abcdef");
        assert_eq!(after, before);
        assert_eq!(after.offers.label(7), Some(2));
        assert_eq!(after.infractions.id(2), Some(3_000_000_000));
        // New items take the next free numbers.
        let mut after = after;
        assert!(after.offers.number(99));
        assert_eq!(after.offers.label(99), Some(3));
        assert!(!after.offers.number(7), "numbered already");
        remove(&path);
    }

    #[test]
    fn a_missing_corrupt_or_foreign_file_starts_fresh() {
        let path = scratch("XYZ-lee.labels");
        assert_eq!(load(&path, "XYZ"), Labels::default(), "no file");
        save(&path, "XYZ", &labels(&[1], &[])).unwrap();
        assert_eq!(load(&path, "OTHER"), Labels::default(), "another room");
        let damaged = [
            ("{not json", "corrupt"),
            (
                r#"{"room":"XYZ","offers":[[5,1],[6,1]],"infractions":[]}"#,
                "a number given twice",
            ),
            (
                r#"{"room":"XYZ","offers":[[5,4294967295]],"infractions":[]}"#,
                "a number beyond the count: the next would wrap onto 1",
            ),
        ];
        for (text, why) in damaged {
            std::fs::write(&path, text).unwrap();
            assert_eq!(load(&path, "XYZ"), Labels::default(), "{why}");
        }
        remove(&path);
    }

    #[test]
    fn what_was_seen_before_the_file_was_read_comes_after_it() {
        let saved = labels(&[10, 20], &[]);
        let seen = labels(&[30, 10], &[5]);
        let merged = saved.then(&seen);
        assert_eq!(merged.offers.label(10), Some(1));
        assert_eq!(merged.offers.label(20), Some(2));
        assert_eq!(merged.offers.label(30), Some(3));
        assert_eq!(merged.infractions.label(5), Some(1));
    }
}
