//! The words of the rule book as enums: roles, phases, kinds of offers,
//! infractions, charges, verdicts and sentences.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

macro_rules! wire_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident => $text:literal),* $(,)? }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema)]
        #[serde(rename_all = "snake_case")]
        pub enum $name {
            $($(#[$vmeta])* $variant),*
        }

        impl $name {
            /// Every value, in rule-book order.
            pub const ALL: &'static [$name] = &[$($name::$variant),*];

            /// The name used on the wire.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text),*
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for $name {
            type Err = String;

            fn from_str(s: &str) -> Result<Self, String> {
                match s {
                    $($text => Ok($name::$variant),)*
                    _ => Err(format!(
                        "`{s}` is not one of: {}",
                        [$($text),*].join(", ")
                    )),
                }
            }
        }
    };
}
pub(crate) use wire_enum;

wire_enum! {
    /// A player's role (RULES.md §1). Secretary, manager and prosecutor are the cadres.
    Role {
        /// Party secretary of the factory.
        Secretary => "secretary",
        /// Factory manager.
        Manager => "manager",
        /// Cadre of the prosecutor's office.
        Prosecutor => "prosecutor",
        /// Donju, an entrepreneur.
        Donju => "donju",
    }
}

impl Role {
    /// Secretary, manager and prosecutor are cadres; the donju is not.
    pub fn is_cadre(self) -> bool {
        self != Role::Donju
    }
}

wire_enum! {
    /// A player's standing (RULES.md §1).
    Status {
        /// At liberty and in post.
        Free => "free",
        /// A donju in prison until a round's market.
        Imprisoned => "imprisoned",
        /// A cadre who lost the post; still at liberty.
        Dismissed => "dismissed",
    }
}

wire_enum! {
    /// Where a room is (RULES.md §4).
    Phase {
        /// Before round 1: players join, the facilitator configures.
        Lobby => "lobby",
        /// Offers, answers, favors, demands, pacts, orders.
        Dealing => "dealing",
        /// Cadres file accusations.
        Accusation => "accusation",
        /// Cases are public; prosecutors solicit; accusers may withdraw.
        Investigation => "investigation",
        /// Prosecutors rule; cases are resolved at its end.
        Verdict => "verdict",
        /// After the last verdict.
        Ended => "ended",
    }
}

wire_enum! {
    /// A balance measured against the player's own starting balance (RULES.md §2).
    WealthTier {
        /// Below the starting balance.
        Modest => "modest",
        /// From the starting balance up to `conspicuous_percent` of it.
        Comfortable => "comfortable",
        /// At least `conspicuous_percent` of the starting balance.
        Conspicuous => "conspicuous",
    }
}

wire_enum! {
    /// The kinds of offer (RULES.md §5).
    OfferKind {
        /// Money from anyone to anyone.
        Bribe => "bribe",
        /// Money from a donju to a manager.
        PerDiem => "per_diem",
        /// A donju rents factory space from a manager; `amount` is the rent.
        Lease => "lease",
        /// A manager grants a donju a favor.
        Favor => "favor",
        /// A cadre asks a donju (or a prosecutor a party) for money.
        Demand => "demand",
        /// A declared all-ssam between two players, one a cadre.
        Pact => "pact",
    }
}

wire_enum! {
    /// What a manager's favor grants (RULES.md §5).
    Favor {
        /// A state vehicle: +`vehicle_bonus` at the next market.
        Vehicle => "vehicle",
        /// Extra facilities: +`facilities_bonus` at the next market.
        Facilities => "facilities",
    }
}

wire_enum! {
    /// What the server records as an infraction (RULES.md §6).
    InfractionKind {
        /// A bribe of at least `tie_price` with a cadre.
        Bribery => "bribery",
        /// A per diem paid to a manager.
        IllicitPerDiem => "illicit_per_diem",
        /// A paid dealing demand.
        Extortion => "extortion",
        /// A lease signed without an extra-earnings order in force.
        IllegalLease => "illegal_lease",
        /// Rent paid when no order was issued in the previous round.
        IllegalLeaseIncome => "illegal_lease_income",
        /// A manager's favor.
        AbuseOfAuthority => "abuse_of_authority",
    }
}

wire_enum! {
    /// Charges of an accusation (RULES.md §7).
    Charge {
        /// Cites bribery, illicit per diem or extortion.
        Bribery => "bribery",
        /// Cites abuse of authority.
        AbuseOfAuthority => "abuse_of_authority",
        /// Cites illegal leases or lease income.
        IllegalBusiness => "illegal_business",
        /// Against a cadre, without evidence.
        Embezzlement => "embezzlement",
        /// Against a cadre, without evidence.
        PartyEntryBribe => "party_entry_bribe",
        /// Against a conspicuous donju, without evidence.
        AntiSocialist => "anti_socialist",
    }
}

impl Charge {
    /// Does this charge cite evidence (and need at least one infraction)?
    pub fn takes_evidence(self) -> bool {
        matches!(
            self,
            Charge::Bribery | Charge::AbuseOfAuthority | Charge::IllegalBusiness
        )
    }

    /// May an infraction of `kind` be cited for this charge?
    pub fn fits(self, kind: InfractionKind) -> bool {
        use InfractionKind as K;
        match self {
            Charge::Bribery => matches!(kind, K::Bribery | K::IllicitPerDiem | K::Extortion),
            Charge::AbuseOfAuthority => kind == K::AbuseOfAuthority,
            Charge::IllegalBusiness => matches!(kind, K::IllegalLease | K::IllegalLeaseIncome),
            Charge::Embezzlement | Charge::PartyEntryBribe | Charge::AntiSocialist => false,
        }
    }
}

wire_enum! {
    /// A ruling or a verdict (RULES.md §8).
    Verdict {
        /// Guilty as charged.
        Guilty => "guilty",
        /// Acquitted; the accuser is fined.
        Acquit => "acquit",
    }
}

wire_enum! {
    /// How a hearer's vote was reached (facilitator and debrief only).
    RulingSource {
        /// The prosecutor ruled.
        Explicit => "explicit",
        /// He did not rule; his stronger tie decided (RULES.md §8.1).
        Ties => "ties",
        /// The evidence ruling: the head, or equal ties.
        Evidence => "evidence",
    }
}

wire_enum! {
    /// What a guilty verdict or an acquittal did to one player (RULES.md §8).
    SentenceKind {
        /// A donju sent to prison (and half his money confiscated).
        Imprisoned => "imprisoned",
        /// A cadre who lost his post (and half his money).
        Dismissed => "dismissed",
        /// A protected cadre: a reprimand only.
        Reprimanded => "reprimanded",
        /// An accuser fined for a false report.
        Fined => "fined",
    }
}
