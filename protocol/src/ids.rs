//! Identifiers: players, offers, infractions, cases, and who spoke.

use schemars::JsonSchema;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use uuid::Uuid;

/// A player, as a UUID in lowercase hyphenated text.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(transparent)]
pub struct PlayerId(pub Uuid);

impl fmt::Display for PlayerId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.hyphenated().fmt(f)
    }
}

/// An offer: a random integer below 2^32, unique in its room.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(transparent)]
pub struct OfferId(pub u32);

/// An infraction: a random integer below 2^32, unique in its room.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(transparent)]
pub struct InfractionId(pub u32);

/// A case: public, numbered from 1 in each room.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(transparent)]
pub struct CaseId(pub u32);

macro_rules! display_number {
    ($($t:ty),*) => {$(
        impl fmt::Display for $t {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }
    )*};
}
display_number!(OfferId, InfractionId, CaseId);

/// Who wrote a chat message: a player (by id) or the facilitator
/// (the string `"facilitator"` on the wire).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Speaker {
    /// A seated player.
    Player(PlayerId),
    /// The room's facilitator.
    Facilitator,
}

const FACILITATOR: &str = "facilitator";

impl Serialize for Speaker {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Speaker::Player(id) => id.serialize(serializer),
            Speaker::Facilitator => serializer.serialize_str(FACILITATOR),
        }
    }
}

impl<'de> Deserialize<'de> for Speaker {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        if text == FACILITATOR {
            return Ok(Speaker::Facilitator);
        }
        Uuid::parse_str(&text)
            .map(|id| Speaker::Player(PlayerId(id)))
            .map_err(serde::de::Error::custom)
    }
}

impl JsonSchema for Speaker {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Speaker".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "A player id (UUID), or \"facilitator\".",
            "type": "string"
        })
    }
}
