//! `easel serve`: the web server, its maintenance task, and an orderly
//! shutdown on SIGINT/SIGTERM.

use std::net::SocketAddr;
use std::time::Duration;

use anyhow::Context;
use easel_engine::Engine;
use tokio::sync::watch;

use crate::config::Config;
use crate::database::Database;

/// How often expired sessions and old log-in attempts are pruned.
const PRUNE_EVERY: Duration = Duration::from_secs(60 * 60);

/// Serves until a shutdown signal, then drains requests (up to the
/// configured timeout), closes the pool and stops the embedded database.
pub async fn run(config: Config) -> anyhow::Result<()> {
    let database = Database::open(&config).await?;
    let state = crate::app_state(&config, database.pool.clone());
    let listener = match tokio::net::TcpListener::bind(config.bind).await {
        Ok(listener) => listener,
        Err(err) => {
            database.close().await;
            return Err(err).with_context(|| {
                format!(
                    "listening on {} (is another server using it? set --bind)",
                    config.bind
                )
            });
        }
    };
    let (stop_tx, stop_rx) = watch::channel(false);
    let maintenance = tokio::spawn(maintain(state.engine.clone(), stop_rx.clone()));
    let router = crate::router::build(state);
    tracing::info!(address = %config.bind, url = %format!("http://{}", config.bind), "Easel is serving");

    let signal = async move {
        shutdown_signal().await;
        tracing::info!("shutting down: finishing in-flight requests");
        let _ = stop_tx.send(true);
    };
    let server = axum::serve(
        listener,
        router.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(signal)
    .into_future();
    let result = drain(server, stop_rx, config.shutdown_timeout).await;
    maintenance.abort();
    database.close().await;
    tracing::info!("stopped");
    result
}

/// Runs the server; once shutdown starts, gives it `timeout` to finish.
async fn drain(
    server: impl std::future::Future<Output = std::io::Result<()>>,
    mut stop: watch::Receiver<bool>,
    timeout: Duration,
) -> anyhow::Result<()> {
    tokio::pin!(server);
    tokio::select! {
        result = &mut server => return result.context("serving"),
        _ = stop.wait_for(|stopping| *stopping) => {}
    }
    match tokio::time::timeout(timeout, server).await {
        Ok(result) => result.context("serving"),
        Err(_) => {
            tracing::warn!(
                timeout_secs = timeout.as_secs(),
                "requests still running at the shutdown deadline; closing them"
            );
            Ok(())
        }
    }
}

async fn maintain(engine: Engine, mut stop: watch::Receiver<bool>) {
    let mut ticker = tokio::time::interval(PRUNE_EVERY);
    loop {
        tokio::select! {
            _ = ticker.tick() => {}
            _ = stop.wait_for(|stopping| *stopping) => return,
        }
        match engine.accounts.prune().await {
            Ok((sessions, attempts)) => tracing::debug!(
                sessions,
                attempts,
                "pruned expired sessions and old log-in attempts"
            ),
            Err(err) => tracing::warn!(error = %err, "pruning failed"),
        }
    }
}

/// Resolves on SIGINT (Ctrl-C) or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(err) = tokio::signal::ctrl_c().await {
            tracing::error!(error = %err, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(err) => {
                tracing::error!(error = %err, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    tokio::select! {
        _ = ctrl_c => {}
        _ = terminate => {}
    }
}
