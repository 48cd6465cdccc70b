//! What the server counts, under one name each, and the Prometheus exporter.
//!
//! The recorder is process-wide (the `metrics` facade has one global
//! recorder), so several servers in one test process share it.

use std::sync::{LazyLock, OnceLock};
use std::time::Duration;

use allssam_protocol::{ErrorCode, Phase};
use metrics::{counter, gauge, histogram};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};

/// Open WebSocket connections.
pub const CONNECTIONS_OPEN: &str = "allssam_connections_open";
/// Rooms, labelled by `phase`.
pub const ROOMS: &str = "allssam_rooms";
/// Text frames received from clients.
pub const MESSAGES_IN: &str = "allssam_messages_in_total";
/// Text frames sent to clients.
pub const MESSAGES_OUT: &str = "allssam_messages_out_total";
/// Requests refused, labelled by `code`.
pub const REFUSALS: &str = "allssam_refusals_total";
/// Seconds from a request's arrival to its answer being queued.
pub const ACK_LATENCY: &str = "allssam_request_ack_seconds";
/// Transactions the store's writer committed (each holds one or more submissions).
pub const STORE_COMMITS: &str = "allssam_store_commits_total";
/// Submissions (a room's batch of records) the store's writer committed.
pub const STORE_SUBMISSIONS: &str = "allssam_store_submissions_total";
/// Times the checkpoint thread copied the whole WAL, so that it starts again
/// from its beginning (store/checkpoint.rs).
pub const STORE_WAL_RESTARTS: &str = "allssam_store_wal_restarts_total";

static HANDLE: OnceLock<Option<PrometheusHandle>> = OnceLock::new();

/// Installs the recorder once per process; `None` if another recorder was
/// installed first (then `/metrics` says so).
pub fn install() -> Option<PrometheusHandle> {
    HANDLE
        .get_or_init(|| {
            let buckets = [
                0.000_1, 0.000_25, 0.000_5, 0.001, 0.002_5, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
                0.5, 1.0,
            ];
            let builder = PrometheusBuilder::new()
                .set_buckets_for_metric(Matcher::Full(ACK_LATENCY.into()), &buckets)
                .ok()?;
            let handle = builder.install_recorder().ok()?;
            describe();
            register_at_zero();
            spawn_upkeep(handle.clone());
            Some(handle)
        })
        .clone()
}

/// How often histogram samples are folded into their buckets.
const UPKEEP_EVERY: Duration = Duration::from_secs(5);

/// `install_recorder` spawns no upkeep: without it every histogram sample
/// (one per request) is kept until `/metrics` is scraped, so memory grows
/// with traffic (about 8 bytes a request). A thread folds them in instead.
fn spawn_upkeep(handle: PrometheusHandle) {
    let spawned = std::thread::Builder::new()
        .name("metrics-upkeep".into())
        .spawn(move || {
            loop {
                std::thread::sleep(UPKEEP_EVERY);
                handle.run_upkeep();
            }
        });
    if let Err(e) = spawned {
        tracing::error!(error = %e, "cannot start the metrics upkeep thread");
    }
}

fn describe() {
    metrics::describe_gauge!(CONNECTIONS_OPEN, "Open WebSocket connections");
    metrics::describe_gauge!(ROOMS, "Rooms by phase");
    metrics::describe_counter!(MESSAGES_IN, "Text frames received from clients");
    metrics::describe_counter!(MESSAGES_OUT, "Text frames sent to clients");
    metrics::describe_counter!(REFUSALS, "Requests refused, by error code");
    metrics::describe_histogram!(
        ACK_LATENCY,
        metrics::Unit::Seconds,
        "From a request's arrival to its answer being queued"
    );
    metrics::describe_counter!(STORE_COMMITS, "Store transactions committed");
    metrics::describe_counter!(
        STORE_SUBMISSIONS,
        "Rooms' submissions committed (several share a transaction)"
    );
    metrics::describe_counter!(
        STORE_WAL_RESTARTS,
        "Times the whole WAL was copied into the data file, holding the writer between two commits"
    );
}

/// The exporter renders a metric only once it has been touched: a fresh
/// server would show an operator an empty page. Every metric but the
/// refusals (one series per error code, created when first counted) is
/// registered at zero here.
fn register_at_zero() {
    gauge!(CONNECTIONS_OPEN).increment(0.0);
    for &phase in Phase::ALL {
        gauge!(ROOMS, "phase" => phase.as_str()).increment(0.0);
    }
    LazyLock::force(&IN);
    LazyLock::force(&OUT);
    LazyLock::force(&LATENCY);
    LazyLock::force(&COMMITS);
    LazyLock::force(&SUBMISSIONS);
    LazyLock::force(&WAL_RESTARTS);
}

/// A connection opened (`+1`) or closed (`-1`).
pub fn connections(delta: f64) {
    gauge!(CONNECTIONS_OPEN).increment(delta);
}

/// A room entered (`+1`) or left (`-1`) `phase`.
pub fn rooms(phase: Phase, delta: f64) {
    gauge!(ROOMS, "phase" => phase.as_str()).increment(delta);
}

// Hot-path handles, looked up once: `counter!` hashes its key and searches
// the registry on every call (seen in the profile, bench/README.md). They
// are first used after `install` (the first frame, the first commit).
static IN: LazyLock<metrics::Counter> = LazyLock::new(|| counter!(MESSAGES_IN));
static OUT: LazyLock<metrics::Counter> = LazyLock::new(|| counter!(MESSAGES_OUT));
static LATENCY: LazyLock<metrics::Histogram> = LazyLock::new(|| histogram!(ACK_LATENCY));
static COMMITS: LazyLock<metrics::Counter> = LazyLock::new(|| counter!(STORE_COMMITS));
static SUBMISSIONS: LazyLock<metrics::Counter> = LazyLock::new(|| counter!(STORE_SUBMISSIONS));
static WAL_RESTARTS: LazyLock<metrics::Counter> = LazyLock::new(|| counter!(STORE_WAL_RESTARTS));

/// A text frame arrived.
pub fn message_in() {
    IN.increment(1);
}

/// `n` text frames were written to a client.
pub fn messages_out(n: u64) {
    if n > 0 {
        OUT.increment(n);
    }
}

/// The store committed one transaction holding `submissions` submissions.
pub fn store_commit(submissions: u64) {
    COMMITS.increment(1);
    SUBMISSIONS.increment(submissions);
}

/// The checkpoint thread copied the whole WAL at the writer's gate.
pub fn store_wal_restart() {
    WAL_RESTARTS.increment(1);
}

/// A request was refused with `code`.
pub fn refusal(code: ErrorCode) {
    counter!(REFUSALS, "code" => code.as_str()).increment(1);
}

/// A request was answered `elapsed` after it arrived.
pub fn ack_latency(elapsed: Duration) {
    LATENCY.record(elapsed.as_secs_f64());
}
