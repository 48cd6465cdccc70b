//! The room configuration (RULES.md §10): defaults, and the validated merge
//! of a client's patch into it.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::kinds::{Phase, Role};

/// A room's configuration in force. Every field has the default of RULES.md §10.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(default)]
pub struct RoomConfig {
    /// Number of rounds (1–100).
    pub rounds: u32,
    /// Length of each timed phase in seconds (0 = no deadline).
    pub phase_seconds: PhaseSeconds,
    /// Whether the incorruptible head of the prosecutor's office hears every case.
    pub strict_head: bool,
    /// Starting balance of each role.
    pub starting_balance: StartingBalance,
    /// Paid at each market to every cadre not dismissed.
    pub salary: u64,
    /// A donju's income at the market with a lease.
    pub production_income: u64,
    /// A donju's income at the market without a lease.
    pub market_income: u64,
    /// Bonus at the next market for a vehicle favor.
    pub vehicle_bonus: u64,
    /// Bonus at the next market for a facilities favor.
    pub facilities_bonus: u64,
    /// Share of a donju's income cut for each harassment due.
    pub harassment_percent: u64,
    /// Leases one manager can hold at once.
    pub spaces_per_manager: u64,
    /// The lowest monthly rent of a lease.
    pub min_rent: u64,
    /// Balance, in percent of the starting balance, from which a player is conspicuous.
    pub conspicuous_percent: u64,
    /// Money per point of tie strength.
    pub tie_price: u64,
    /// Tie strength at which word gets around.
    pub rumor_threshold: u64,
    /// Rounds a guilty donju spends in prison.
    pub prison_rounds: u64,
    /// Share of the balance confiscated from the guilty.
    pub confiscation_percent: u64,
    /// Fine for an accuser whose case ends in acquittal.
    pub false_accusation_fine: u64,
    /// Score per tie at the rumor threshold for a cadre in post.
    pub cadre_tie_score: u64,
    /// Offers one player may have sent and open at once.
    pub max_open_offers: u64,
    /// The seed of the room's random generator; the server picks one when
    /// none is given. Shown only to the facilitator.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub seed: Option<u64>,
}

/// Length of each timed phase in seconds (0 to 3600; 0 = no deadline).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(default)]
pub struct PhaseSeconds {
    /// Dealing (default 180).
    pub dealing: u32,
    /// Accusation (default 90).
    pub accusation: u32,
    /// Investigation (default 90).
    pub investigation: u32,
    /// Verdict (default 60).
    pub verdict: u32,
}

/// Starting balance of each role (1 to 10,000,000).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(default)]
pub struct StartingBalance {
    /// Default 300.
    pub secretary: u64,
    /// Default 300.
    pub manager: u64,
    /// Default 300.
    pub prosecutor: u64,
    /// Default 1000.
    pub donju: u64,
}

impl Default for PhaseSeconds {
    fn default() -> Self {
        PhaseSeconds {
            dealing: 180,
            accusation: 90,
            investigation: 90,
            verdict: 60,
        }
    }
}

impl Default for StartingBalance {
    fn default() -> Self {
        StartingBalance {
            secretary: 300,
            manager: 300,
            prosecutor: 300,
            donju: 1000,
        }
    }
}

impl Default for RoomConfig {
    fn default() -> Self {
        RoomConfig {
            rounds: 6,
            phase_seconds: PhaseSeconds::default(),
            strict_head: true,
            starting_balance: StartingBalance::default(),
            salary: 20,
            production_income: 200,
            market_income: 50,
            vehicle_bonus: 100,
            facilities_bonus: 50,
            harassment_percent: 25,
            spaces_per_manager: 2,
            min_rent: 50,
            conspicuous_percent: 150,
            tie_price: 50,
            rumor_threshold: 3,
            prison_rounds: 2,
            confiscation_percent: 50,
            false_accusation_fine: 50,
            cadre_tie_score: 50,
            max_open_offers: 10,
            seed: None,
        }
    }
}

impl PhaseSeconds {
    /// The length of a timed phase; `None` for lobby and ended.
    pub fn of(&self, phase: Phase) -> Option<u32> {
        match phase {
            Phase::Dealing => Some(self.dealing),
            Phase::Accusation => Some(self.accusation),
            Phase::Investigation => Some(self.investigation),
            Phase::Verdict => Some(self.verdict),
            Phase::Lobby | Phase::Ended => None,
        }
    }
}

impl StartingBalance {
    /// The starting balance of `role`.
    pub fn of(&self, role: Role) -> u64 {
        match role {
            Role::Secretary => self.secretary,
            Role::Manager => self.manager,
            Role::Prosecutor => self.prosecutor,
            Role::Donju => self.donju,
        }
    }
}

/// A partial configuration sent by a client: any subset of [`RoomConfig`]'s
/// fields (nested objects partial too). It is checked only when merged, so
/// that a refusal can name the field: see [`RoomConfig::merged`].
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ConfigPatch(pub Map<String, Value>);

impl JsonSchema for ConfigPatch {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "ConfigPatch".into()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let mut schema = generator.subschema_for::<RoomConfig>();
        schema.insert(
            "description".into(),
            Value::String(
                "Any subset of RoomConfig's fields (nested objects may be partial). An unknown \
             field or an out-of-range value is refused with invalid_config and detail.field."
                    .into(),
            ),
        );
        schema
    }
}

/// Why a configuration patch was refused: the field (dotted path) and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigError {
    /// The offending field, e.g. `phase_seconds.dealing`.
    pub field: String,
    /// A sentence for people.
    pub message: String,
}

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ConfigError {}

const MILLION: u64 = 1_000_000;

impl RoomConfig {
    /// This configuration with `patch` merged in, or the first field that is
    /// unknown or out of range (RULES.md §10). `self` is never changed.
    pub fn merged(&self, patch: &ConfigPatch) -> Result<RoomConfig, ConfigError> {
        let mut next = self.clone();
        for (key, value) in &patch.0 {
            let f = Field {
                path: key.clone(),
                value,
            };
            match key.as_str() {
                "rounds" => next.rounds = f.number(1, 100)? as u32,
                "strict_head" => next.strict_head = f.boolean()?,
                "seed" => next.seed = Some(f.number(0, u64::MAX)?),
                "phase_seconds" => {
                    for (sub, value) in f.object()? {
                        let f = Field {
                            path: format!("{key}.{sub}"),
                            value,
                        };
                        let seconds = f.number(0, 3600)? as u32;
                        let ps = &mut next.phase_seconds;
                        match sub.as_str() {
                            "dealing" => ps.dealing = seconds,
                            "accusation" => ps.accusation = seconds,
                            "investigation" => ps.investigation = seconds,
                            "verdict" => ps.verdict = seconds,
                            _ => return Err(f.unknown()),
                        }
                    }
                }
                "starting_balance" => {
                    for (sub, value) in f.object()? {
                        let f = Field {
                            path: format!("{key}.{sub}"),
                            value,
                        };
                        let amount = f.number(1, 10 * MILLION)?;
                        let sb = &mut next.starting_balance;
                        match sub.as_str() {
                            "secretary" => sb.secretary = amount,
                            "manager" => sb.manager = amount,
                            "prosecutor" => sb.prosecutor = amount,
                            "donju" => sb.donju = amount,
                            _ => return Err(f.unknown()),
                        }
                    }
                }
                "salary" => next.salary = f.number(0, MILLION)?,
                "production_income" => next.production_income = f.number(0, MILLION)?,
                "market_income" => next.market_income = f.number(0, MILLION)?,
                "vehicle_bonus" => next.vehicle_bonus = f.number(0, MILLION)?,
                "facilities_bonus" => next.facilities_bonus = f.number(0, MILLION)?,
                "harassment_percent" => next.harassment_percent = f.number(0, 100)?,
                "spaces_per_manager" => next.spaces_per_manager = f.number(0, MILLION)?,
                "min_rent" => next.min_rent = f.number(1, MILLION)?,
                "conspicuous_percent" => next.conspicuous_percent = f.number(100, 1000)?,
                "tie_price" => next.tie_price = f.number(1, MILLION)?,
                "rumor_threshold" => next.rumor_threshold = f.number(1, MILLION)?,
                "prison_rounds" => next.prison_rounds = f.number(0, MILLION)?,
                "confiscation_percent" => next.confiscation_percent = f.number(0, 100)?,
                "false_accusation_fine" => next.false_accusation_fine = f.number(0, MILLION)?,
                "cadre_tie_score" => next.cadre_tie_score = f.number(0, MILLION)?,
                "max_open_offers" => next.max_open_offers = f.number(1, 100)?,
                _ => return Err(f.unknown()),
            }
        }
        Ok(next)
    }

    /// The configuration as a player or spectator may see it: without the seed,
    /// which would let them predict the room's random ids.
    pub fn public(&self) -> RoomConfig {
        RoomConfig {
            seed: None,
            ..self.clone()
        }
    }
}

struct Field<'a> {
    path: String,
    value: &'a Value,
}

impl<'a> Field<'a> {
    fn number(&self, min: u64, max: u64) -> Result<u64, ConfigError> {
        match self.value.as_u64() {
            Some(n) if (min..=max).contains(&n) => Ok(n),
            _ => Err(ConfigError {
                field: self.path.clone(),
                message: format!(
                    "`{}` must be a whole number from {min} to {max} (got {})",
                    self.path, self.value
                ),
            }),
        }
    }

    fn boolean(&self) -> Result<bool, ConfigError> {
        self.value.as_bool().ok_or_else(|| ConfigError {
            field: self.path.clone(),
            message: format!("`{}` must be true or false (got {})", self.path, self.value),
        })
    }

    fn object(&self) -> Result<&'a Map<String, Value>, ConfigError> {
        self.value.as_object().ok_or_else(|| ConfigError {
            field: self.path.clone(),
            message: format!("`{}` must be an object (got {})", self.path, self.value),
        })
    }

    fn unknown(&self) -> ConfigError {
        ConfigError {
            field: self.path.clone(),
            message: format!("`{}` is not a configuration field", self.path),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn patch(value: Value) -> ConfigPatch {
        serde_json::from_value(value).expect("test patches are objects")
    }

    #[test]
    fn defaults_match_the_rule_book() {
        let c = RoomConfig::default();
        assert_eq!(
            (c.rounds, c.phase_seconds.dealing, c.phase_seconds.verdict),
            (6, 180, 60)
        );
        assert_eq!(c.starting_balance.of(Role::Donju), 1000);
        assert_eq!(
            (c.tie_price, c.rumor_threshold, c.max_open_offers),
            (50, 3, 10)
        );
    }

    #[test]
    fn merge_changes_only_the_named_fields() {
        let c = RoomConfig::default()
            .merged(&patch(
                json!({"rounds": 2, "phase_seconds": {"dealing": 0}, "seed": 7}),
            ))
            .expect("valid patch");
        assert_eq!(c.rounds, 2);
        assert_eq!(c.phase_seconds.dealing, 0);
        assert_eq!(c.phase_seconds.accusation, 90);
        assert_eq!(c.seed, Some(7));
    }

    #[test]
    fn refusals_name_the_field() {
        let cases = [
            (json!({"roundz": 3}), "roundz"),
            (json!({"rounds": 0}), "rounds"),
            (json!({"rounds": 101}), "rounds"),
            (json!({"rounds": "6"}), "rounds"),
            (
                json!({"phase_seconds": {"dealing": 3601}}),
                "phase_seconds.dealing",
            ),
            (
                json!({"phase_seconds": {"lunch": 5}}),
                "phase_seconds.lunch",
            ),
            (
                json!({"starting_balance": {"donju": 0}}),
                "starting_balance.donju",
            ),
            (json!({"conspicuous_percent": 99}), "conspicuous_percent"),
            (json!({"harassment_percent": 101}), "harassment_percent"),
            (json!({"tie_price": 0}), "tie_price"),
            (json!({"max_open_offers": 101}), "max_open_offers"),
            (json!({"salary": -1}), "salary"),
            (json!({"salary": 1.5}), "salary"),
            (json!({"strict_head": 1}), "strict_head"),
            (json!({"phase_seconds": 5}), "phase_seconds"),
        ];
        for (value, field) in cases {
            let err = RoomConfig::default()
                .merged(&patch(value.clone()))
                .expect_err("refused");
            assert_eq!(err.field, field, "for {value}");
            assert!(err.message.contains(field), "{}", err.message);
        }
    }

    #[test]
    fn public_config_hides_the_seed() {
        let c = RoomConfig {
            seed: Some(9),
            ..RoomConfig::default()
        };
        assert_eq!(c.public().seed, None);
    }
}
