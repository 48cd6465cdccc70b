//! `allssam-server`: parse the command line, set up logs, open the data
//! file, wire SIGINT and SIGTERM to shutdown, and run.

use std::io::Write as _;
use std::process::ExitCode;
use std::sync::Arc;

use allssam_server::store::{MemoryStore, SqliteStore, Store, StoreOptions};
use allssam_server::{LogFormat, SERVER_VERSION, ServerArgs};
use clap::Parser;
use tokio::net::TcpListener;
use tracing_subscriber::EnvFilter;

/// How many tasks a worker runs between two looks at the runtime's shared
/// queue (by default tokio tunes this itself from the tasks' mean poll
/// time, and under this load that was far too seldom). Every
/// commit wakes its room tasks from the store's writer thread, and such
/// wake-ups wait in that shared queue: with 10,000 players, 10,000 a
/// second, they queued behind the connections' own tasks for 200-500 ms
/// (bench/README.md). Looking every 4 polls keeps them within milliseconds.
const GLOBAL_QUEUE_INTERVAL: u32 = 4;

/// mimalloc instead of glibc's malloc: at 19,000 players chatting once a
/// second the server's CPU went from 111–126 % to 97 % (docs/OPERATIONS.md
/// "Memory per idle connection", bench/README.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .global_queue_interval(GLOBAL_QUEUE_INTERVAL)
        .build()
    {
        Ok(runtime) => runtime.block_on(serve()),
        Err(e) => {
            eprintln!("allssam-server: cannot start the async runtime: {e}");
            ExitCode::from(71) // EX_OSERR
        }
    }
}

async fn serve() -> ExitCode {
    let args = ServerArgs::parse();
    init_logs(args.log_format);
    // A damaged, foreign or too-new file stops the server here, untouched,
    // with the reason and a sysexits-style code (never a silent reset).
    let store: Arc<dyn Store> = if args.in_memory() {
        tracing::warn!("--data :memory: nothing is durable, nothing will be recovered");
        Arc::new(MemoryStore::new())
    } else {
        let options = StoreOptions {
            sync: args.sync,
            ..StoreOptions::default()
        };
        match SqliteStore::open(&args.data, options) {
            Ok(store) => Arc::new(store),
            Err(e) => {
                eprintln!("allssam-server: {e}");
                tracing::error!(code = e.exit_code(), "{e}");
                return ExitCode::from(e.exit_code());
            }
        }
    };
    let listener = match TcpListener::bind(args.listen).await {
        Ok(listener) => listener,
        Err(e) => {
            eprintln!("allssam-server: cannot listen on {}: {e}", args.listen);
            return ExitCode::from(74);
        }
    };
    let address = listener
        .local_addr()
        .map_or_else(|_| args.listen.to_string(), |a| a.to_string());
    tracing::info!(
        %address,
        data = %args.data.display(),
        sync = ?args.sync,
        version = SERVER_VERSION,
        "allssam-server listening"
    );
    // The same line on stdout, for scripts and tests started with port 0.
    println!(
        "allssam-server {SERVER_VERSION} listening on {address} data {}",
        args.data.display()
    );
    let _ = std::io::stdout().flush();
    if let Err(e) =
        allssam_server::run_with(listener, args.server_config(), store, shutdown_signal()).await
    {
        eprintln!("allssam-server: {e:#}");
        tracing::error!("{e:#}");
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}

fn init_logs(format: LogFormat) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter);
    match format {
        LogFormat::Text => builder.init(),
        LogFormat::Json => builder.json().init(),
    }
}

/// Completes on the first SIGINT (Ctrl-C) or SIGTERM.
async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::error!(error = %e, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(e) => {
                tracing::error!(error = %e, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {}
        _ = terminate => {}
    }
}
