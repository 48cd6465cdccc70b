//! Whole bot games of 4, 7 and 12 players (sensible bots mixed with random
//! ones) played to `ended` against the real server over real sockets: no
//! `internal` error, every bot sees the end, money is conserved in the
//! facilitator's view, and the final view is complete.
#![allow(clippy::unwrap_used)]

mod support;

use std::collections::BTreeSet;
use std::sync::Arc;

use allssam_cli::bots::{BotEnd, BotPlan, Stats, join_bot, run_bot};
use allssam_cli::client::{Client, Opening};
use allssam_cli::strategy::{Random, Sensible, Strategy};
use allssam_protocol::{ClientMessage, Phase, Role};
use serde_json::json;
use support::{Server, config, synced, until_phase};

/// Plays one game of `players` seats, a third of them random, and checks it.
async fn play_a_game(players: usize, seed: u64) {
    let server = Server::start().await;
    let url = server.url();
    let room_config = config(json!({
        "rounds": 3,
        "seed": seed,
        "phase_seconds": {"dealing": 2, "accusation": 1, "investigation": 1, "verdict": 1},
    }));
    let host = Client::connect(&url, Opening::CreateRoom(Some(room_config)))
        .await
        .expect("the room is created");
    let room = host.session().room.clone();

    let stats = Arc::new(Stats::default());
    let randoms = players / 3;
    let mut bots = Vec::new();
    let mut clients = Vec::new();
    for n in 1..=players {
        let (strategy, prefix): (Arc<dyn Strategy>, &str) = if n <= randoms {
            (Arc::new(Random), "Rand")
        } else {
            (Arc::new(Sensible), "Sense")
        };
        let (mut plan, stop) = BotPlan::new(strategy, seed);
        drop(stop); // nobody stops these bots: they play to the end
        plan.stats = stats.clone();
        plan.options.think_ms = (5, 40);
        let client = join_bot(&url, &room, prefix, n).await.expect("a bot joins");
        clients.push(client.clone());
        bots.push(tokio::spawn(run_bot(client, plan, seed + n as u64)));
    }
    host.request(ClientMessage::Start)
        .await
        .expect("the game starts");
    until_phase(&host, Phase::Ended).await;

    for bot in bots {
        let end = tokio::time::timeout(support::PATIENCE, bot)
            .await
            .expect("every bot stops once the game is over")
            .unwrap();
        assert_eq!(end, BotEnd::GameEnded, "a bot did not see the end");
    }
    for client in &clients {
        let s = client.state();
        assert_eq!(s.view.phase, Phase::Ended);
        assert!(
            s.view.scores.is_some() && s.view.debrief.is_some(),
            "game_ended carries the scores and debrief"
        );
    }
    let refusals = stats.refusals.lock().unwrap().clone();
    assert!(
        !refusals.contains_key("internal"),
        "the server failed internally: {refusals:?}"
    );
    assert!(
        stats.acked.load(std::sync::atomic::Ordering::Relaxed) > players as u64,
        "the bots did play"
    );

    synced(&host).await;
    {
        let s = host.state();
        let v = &s.view;
        assert_eq!(v.phase, Phase::Ended);
        assert_eq!(v.players.len(), players);
        let scores = v.scores.as_ref().expect("scores when ended");
        let scored: BTreeSet<_> = scores.iter().map(|sc| sc.player).collect();
        let seated: BTreeSet<_> = v.players.iter().map(|p| p.id).collect();
        assert_eq!(scored, seated, "a score for everyone");
        let debrief = v.debrief.as_ref().expect("a debrief when ended");
        let decided = v.cases.iter().filter(|c| c.verdict.is_some()).count();
        assert_eq!(debrief.justice_index.is_some(), decided > 0);

        // RULES.md §2: sum of balances = starting + salaries + income − confiscated.
        let totals = v.totals.expect("the facilitator sees the totals");
        let held: u64 = v
            .players
            .iter()
            .map(|p| p.balance.expect("the facilitator sees every balance"))
            .sum();
        assert_eq!(
            held + totals.confiscated,
            totals.starting + totals.salaries + totals.income,
            "money is conserved: {totals:?}"
        );
        assert_eq!(totals.confiscated, debrief.confiscated);
        let starting: u64 = v
            .players
            .iter()
            .map(|p| match p.role.expect("roles are assigned at start") {
                Role::Donju => v.config.starting_balance.donju,
                Role::Secretary => v.config.starting_balance.secretary,
                Role::Manager => v.config.starting_balance.manager,
                Role::Prosecutor => v.config.starting_balance.prosecutor,
            })
            .sum();
        assert_eq!(totals.starting, starting);
    }
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn four_bots_play_a_whole_game() {
    play_a_game(4, 41).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn seven_bots_play_a_whole_game() {
    play_a_game(7, 71).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn twelve_bots_play_a_whole_game() {
    play_a_game(12, 121).await;
}
