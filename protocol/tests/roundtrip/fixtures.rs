//! Shared fixtures: fixed ids, sample records, and the round-trip check.

use std::fmt::Debug;

use allssam_protocol::*;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use uuid::Uuid;

pub const SEC: &str = "5ec00000-0000-4000-8000-000000000001";
pub const MGR: &str = "3a900000-0000-4000-8000-000000000002";
pub const PROS: &str = "b2050000-0000-4000-8000-000000000003";
pub const DONJU: &str = "d0000000-0000-4000-8000-000000000004";
pub const DONJU2: &str = "d0000000-0000-4000-8000-000000000005";

pub fn pid(text: &str) -> PlayerId {
    PlayerId(Uuid::parse_str(text).expect("fixture ids are UUIDs"))
}

/// `value` serializes to exactly `expected`, and both `expected` and the
/// serialized text deserialize back to `value`.
pub fn check<T>(value: &T, expected: Value)
where
    T: Serialize + DeserializeOwned + PartialEq + Debug,
{
    let json = serde_json::to_value(value).expect("every wire type serializes");
    assert_eq!(json, expected, "wire shape of {value:?}");
    let text = serde_json::to_string(value).expect("every wire type serializes");
    let back: T = serde_json::from_str(&text).expect("own output deserializes");
    assert_eq!(&back, value, "round trip through {text}");
    let from_literal: T = serde_json::from_value(expected).expect("the literal deserializes");
    assert_eq!(&from_literal, value, "the literal reads back");
}

/// `value` survives the trip through JSON text; returns its JSON.
pub fn roundtrip<T>(value: &T) -> Value
where
    T: Serialize + DeserializeOwned + PartialEq + Debug,
{
    let text = serde_json::to_string(value).expect("every wire type serializes");
    let back: T = serde_json::from_str(&text).expect("own output deserializes");
    assert_eq!(&back, value, "round trip through {text}");
    serde_json::from_str(&text).expect("valid JSON")
}

pub fn offer() -> OfferInfo {
    OfferInfo {
        id: OfferId(3_141_592_653),
        from: pid(DONJU),
        to: pid(MGR),
        kind: OfferKind::Lease,
        amount: Some(60),
        favor: None,
        round: 2,
        phase: Phase::Dealing,
    }
}

pub fn offer_json() -> Value {
    serde_json::json!({"id": 3_141_592_653_u32, "from": DONJU, "to": MGR, "kind": "lease",
        "amount": 60, "round": 2, "phase": "dealing"})
}

pub fn infraction() -> InfractionInfo {
    InfractionInfo {
        id: InfractionId(2_718_281_828),
        kind: InfractionKind::Bribery,
        round: 1,
        parties: [pid(DONJU), pid(SEC)],
        amount: Some(150),
    }
}

pub fn infraction_json() -> Value {
    serde_json::json!({"id": 2_718_281_828_u32, "kind": "bribery", "round": 1,
        "parties": [DONJU, SEC], "amount": 150})
}

/// A decided case as the facilitator sees it: every optional field present.
pub fn case_full() -> CaseInfo {
    CaseInfo {
        id: CaseId(1),
        round: 2,
        accuser: pid(MGR),
        accused: pid(SEC),
        charge: Charge::Bribery,
        withdrawn: false,
        evidence: Some(vec![infraction().id]),
        evidence_detail: Some(vec![infraction()]),
        hearers: vec![pid(PROS)],
        head_hears: true,
        your_ruling: Some(Verdict::Acquit),
        votes: Some(Votes {
            guilty: 1,
            acquit: 1,
        }),
        rulings: Some(vec![
            RulingInfo {
                prosecutor: Some(pid(PROS)),
                verdict: Verdict::Acquit,
                source: RulingSource::Explicit,
            },
            RulingInfo {
                prosecutor: None,
                verdict: Verdict::Guilty,
                source: RulingSource::Evidence,
            },
        ]),
        verdict: Some(Verdict::Guilty),
        evidence_ruling: Some(Verdict::Guilty),
        sentence: Some(vec![
            SentenceInfo {
                player: pid(SEC),
                sentence: SentenceKind::Reprimanded,
                amount: None,
                until_round: None,
            },
            SentenceInfo {
                player: pid(DONJU),
                sentence: SentenceKind::Imprisoned,
                amount: Some(435),
                until_round: Some(5),
            },
        ]),
    }
}

pub fn case_full_json() -> Value {
    serde_json::json!({
        "id": 1, "round": 2, "accuser": MGR, "accused": SEC, "charge": "bribery",
        "withdrawn": false, "evidence": [2_718_281_828_u32],
        "evidence_detail": [infraction_json()], "hearers": [PROS], "head_hears": true,
        "your_ruling": "acquit", "votes": {"guilty": 1, "acquit": 1},
        "rulings": [
            {"prosecutor": PROS, "verdict": "acquit", "source": "explicit"},
            {"verdict": "guilty", "source": "evidence"}
        ],
        "verdict": "guilty", "evidence_ruling": "guilty",
        "sentence": [
            {"player": SEC, "sentence": "reprimanded"},
            {"player": DONJU, "sentence": "imprisoned", "amount": 435, "until_round": 5}
        ]
    })
}

/// A freshly opened case as a spectator sees it: no optional field.
pub fn case_public() -> CaseInfo {
    CaseInfo {
        id: CaseId(2),
        round: 2,
        accuser: pid(SEC),
        accused: pid(DONJU2),
        charge: Charge::AntiSocialist,
        withdrawn: false,
        evidence: None,
        evidence_detail: None,
        hearers: vec![pid(PROS)],
        head_hears: true,
        your_ruling: None,
        votes: None,
        rulings: None,
        verdict: None,
        evidence_ruling: None,
        sentence: None,
    }
}

pub fn case_public_json() -> Value {
    serde_json::json!({"id": 2, "round": 2, "accuser": SEC, "accused": DONJU2,
        "charge": "anti_socialist", "withdrawn": false, "hearers": [PROS], "head_hears": true})
}

pub fn scores() -> Vec<Score> {
    vec![
        Score {
            player: pid(SEC),
            role: Role::Secretary,
            score: 410,
            best: true,
        },
        Score {
            player: pid(DONJU),
            role: Role::Donju,
            score: 1240,
            best: true,
        },
        Score {
            player: pid(DONJU2),
            role: Role::Donju,
            score: 655,
            best: false,
        },
    ]
}

pub fn scores_json() -> Value {
    serde_json::json!([
        {"player": SEC, "role": "secretary", "score": 410, "best": true},
        {"player": DONJU, "role": "donju", "score": 1240, "best": true},
        {"player": DONJU2, "role": "donju", "score": 655, "best": false}
    ])
}

pub fn debrief() -> Debrief {
    Debrief {
        justice_index: Some(0.5),
        shrimp_count: 1,
        cadres_dismissed: 0,
        confiscated: 485,
    }
}

pub fn debrief_json() -> Value {
    serde_json::json!({"justice_index": 0.5, "shrimp_count": 1, "cadres_dismissed": 0,
        "confiscated": 485})
}
