//! The snapshot view in its three shapes: a player's, the facilitator's and
//! a spectator's.

use allssam_protocol::*;
use serde_json::json;

use crate::fixtures::*;

fn player(id: &str, name: &str, role: Role, status: Status, tier: WealthTier) -> PlayerInfo {
    PlayerInfo {
        id: pid(id),
        name: name.into(),
        role: Some(role),
        status,
        connected: true,
        wealth_tier: tier,
        ready: false,
        until_round: None,
        balance: None,
        available: None,
    }
}

fn players() -> Vec<PlayerInfo> {
    vec![
        player(
            SEC,
            "Pak",
            Role::Secretary,
            Status::Free,
            WealthTier::Comfortable,
        ),
        player(
            MGR,
            "Choe",
            Role::Manager,
            Status::Free,
            WealthTier::Conspicuous,
        ),
        player(
            PROS,
            "Han",
            Role::Prosecutor,
            Status::Free,
            WealthTier::Comfortable,
        ),
        player(
            DONJU,
            "Ri Son",
            Role::Donju,
            Status::Free,
            WealthTier::Modest,
        ),
        PlayerInfo {
            until_round: Some(5),
            connected: false,
            ..player(
                DONJU2,
                "Jo",
                Role::Donju,
                Status::Imprisoned,
                WealthTier::Modest,
            )
        },
    ]
}

fn lease(rent: Option<u64>) -> LeaseInfo {
    LeaseInfo {
        donju: pid(DONJU),
        manager: pid(MGR),
        rent,
    }
}

fn chat() -> Vec<ChatLine> {
    vec![ChatLine {
        from: Speaker::Facilitator,
        to: None,
        text: "Round 2 begins".into(),
        round: 2,
        phase: Phase::Dealing,
    }]
}

/// The donju `DONJU`'s view in investigation, round 2.
pub fn player_view() -> View {
    View {
        room: "K7QX2M".into(),
        phase: Phase::Investigation,
        round: 2,
        rounds: 6,
        paused: false,
        deadline_ms: Some(61_234),
        server_time_ms: 1_767_225_600_000,
        config: RoomConfig::default(),
        you: Some(You {
            player_id: pid(DONJU),
            role: Some(Role::Donju),
            status: Status::Free,
            balance: 870,
            available: 770,
            lease: Some(lease(Some(60))),
        }),
        players: players(),
        offers: vec![OfferInfo {
            kind: OfferKind::Bribe,
            amount: Some(100),
            to: pid(PROS),
            phase: Phase::Investigation,
            ..offer()
        }],
        ties: vec![TieInfo::Mine {
            with: pid(MGR),
            strength: 3,
        }],
        rumors: vec![Rumor {
            a: pid(DONJU),
            b: pid(MGR),
            since_round: 2,
        }],
        infractions: vec![infraction()],
        leases: vec![lease(Some(60))],
        order_in_force: false,
        cases: vec![CaseInfo {
            evidence_detail: None,
            votes: None,
            rulings: None,
            your_ruling: None,
            verdict: None,
            evidence_ruling: None,
            sentence: None,
            ..case_full()
        }],
        chat: chat(),
        scores: None,
        debrief: None,
        totals: None,
    }
}

/// The facilitator's view of the same moment: balances, every tie, the seed, totals.
pub fn facilitator_view() -> View {
    let mut players = players();
    for (p, (balance, available)) in
        players
            .iter_mut()
            .zip([(340, 340), (480, 480), (320, 320), (870, 770), (500, 500)])
    {
        p.balance = Some(balance);
        p.available = Some(available);
    }
    View {
        you: None,
        config: RoomConfig {
            seed: Some(20_260_101),
            ..RoomConfig::default()
        },
        players,
        ties: vec![
            TieInfo::Pair {
                a: pid(DONJU),
                b: pid(MGR),
                strength: 3,
            },
            TieInfo::Pair {
                a: pid(SEC),
                b: pid(PROS),
                strength: 1,
            },
        ],
        cases: vec![case_full()],
        totals: Some(Totals {
            starting: 3200,
            salaries: 120,
            income: 480,
            confiscated: 0,
        }),
        ..player_view()
    }
}

/// What a projector shows after the game: public fields, scores and debrief.
pub fn spectator_view() -> View {
    View {
        phase: Phase::Ended,
        round: 6,
        deadline_ms: None,
        you: None,
        offers: vec![],
        ties: vec![],
        infractions: vec![],
        leases: vec![lease(None)],
        cases: vec![case_public()],
        scores: Some(scores()),
        debrief: Some(debrief()),
        ..player_view()
    }
}

#[test]
fn default_config_has_the_rule_book_names_and_values() {
    check(
        &RoomConfig::default(),
        json!({
            "rounds": 6,
            "phase_seconds": {"dealing": 180, "accusation": 90, "investigation": 90, "verdict": 60},
            "strict_head": true,
            "starting_balance": {"secretary": 300, "manager": 300, "prosecutor": 300, "donju": 1000},
            "salary": 20, "production_income": 200, "market_income": 50, "vehicle_bonus": 100,
            "facilities_bonus": 50, "harassment_percent": 25, "spaces_per_manager": 2,
            "min_rent": 50, "conspicuous_percent": 150, "tie_price": 50, "rumor_threshold": 3,
            "prison_rounds": 2, "confiscation_percent": 50, "false_accusation_fine": 50,
            "cadre_tie_score": 50, "max_open_offers": 10
        }),
    );
    let seeded = RoomConfig {
        seed: Some(7),
        ..RoomConfig::default()
    };
    assert_eq!(roundtrip(&seeded)["seed"], 7);
}

#[test]
fn player_view_has_its_shape() {
    let view = player_view();
    let v = roundtrip(&view);
    assert_eq!(
        v["you"],
        json!({"player_id": DONJU, "role": "donju", "status": "free", "balance": 870,
            "available": 770, "lease": {"donju": DONJU, "manager": MGR, "rent": 60}})
    );
    assert_eq!(
        v["players"][4],
        json!({"id": DONJU2, "name": "Jo", "role": "donju", "status": "imprisoned",
            "connected": false, "wealth_tier": "modest", "ready": false, "until_round": 5})
    );
    assert_eq!(v["ties"], json!([{"with": MGR, "strength": 3}]));
    assert_eq!(
        v["rumors"],
        json!([{"a": DONJU, "b": MGR, "since_round": 2}])
    );
    assert_eq!(v["infractions"], json!([infraction_json()]));
    assert_eq!(
        v["cases"][0],
        json!({"id": 1, "round": 2, "accuser": MGR, "accused": SEC, "charge": "bribery",
            "withdrawn": false, "evidence": [2_718_281_828_u32], "hearers": [PROS], "head_hears": true})
    );
    assert_eq!(
        v["chat"],
        json!([{"from": "facilitator", "text": "Round 2 begins", "round": 2, "phase": "dealing"}])
    );
    for (key, value) in [
        ("room", json!("K7QX2M")),
        ("phase", json!("investigation")),
        ("round", json!(2)),
        ("rounds", json!(6)),
        ("paused", json!(false)),
        ("deadline_ms", json!(61_234)),
        ("server_time_ms", json!(1_767_225_600_000_u64)),
        ("order_in_force", json!(false)),
    ] {
        assert_eq!(v[key], value, "{key}");
    }
    for absent in ["scores", "debrief", "totals"] {
        assert!(v.get(absent).is_none(), "{absent} is only for some viewers");
    }
    assert!(v["config"].get("seed").is_none());
    assert!(v["players"][0].get("balance").is_none());
}

#[test]
fn facilitator_view_has_its_shape() {
    let v = roundtrip(&facilitator_view());
    assert!(v.get("you").is_none());
    assert_eq!(v["config"]["seed"], 20_260_101);
    assert_eq!(v["players"][3]["balance"], 870);
    assert_eq!(v["players"][3]["available"], 770);
    assert_eq!(
        v["ties"],
        json!([{"a": DONJU, "b": MGR, "strength": 3}, {"a": SEC, "b": PROS, "strength": 1}])
    );
    assert_eq!(v["cases"][0], case_full_json());
    assert_eq!(
        v["totals"],
        json!({"starting": 3200, "salaries": 120, "income": 480, "confiscated": 0})
    );
}

#[test]
fn spectator_view_has_its_shape() {
    let v = roundtrip(&spectator_view());
    assert!(v.get("you").is_none() && v.get("totals").is_none());
    assert_eq!(v["phase"], "ended");
    assert_eq!(v["deadline_ms"], json!(null));
    assert_eq!(v["leases"], json!([{"donju": DONJU, "manager": MGR}]));
    assert_eq!(v["cases"], json!([case_public_json()]));
    assert_eq!(v["scores"], scores_json());
    assert_eq!(v["debrief"], debrief_json());
    for empty in ["offers", "ties", "infractions"] {
        assert_eq!(v[empty], json!([]), "{empty}");
    }
}

#[test]
fn a_tie_reads_as_its_own_shape() {
    check(
        &TieInfo::Mine {
            with: pid(MGR),
            strength: 1,
        },
        json!({"with": MGR, "strength": 1}),
    );
    check(
        &TieInfo::Pair {
            a: pid(SEC),
            b: pid(MGR),
            strength: 4,
        },
        json!({"a": SEC, "b": MGR, "strength": 4}),
    );
}

#[test]
fn an_undecided_debrief_has_a_null_justice_index() {
    let debrief = Debrief {
        justice_index: None,
        shrimp_count: 0,
        cadres_dismissed: 0,
        confiscated: 0,
    };
    check(
        &debrief,
        json!({"justice_index": null, "shrimp_count": 0, "cadres_dismissed": 0, "confiscated": 0}),
    );
}
