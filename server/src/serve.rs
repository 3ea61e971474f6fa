//! `easel serve`: the web server, its maintenance task, and an orderly
//! shutdown on SIGINT/SIGTERM.

use std::net::SocketAddr;
use std::time::Duration;

use anyhow::Context;
use easel_engine::Engine;
use easel_engine::providers::CancelToken;
use tokio::sync::watch;

use crate::config::Config;
use crate::database::Database;

/// How often expired sessions and old log-in attempts are pruned, and the
/// trash is purged of images past the retention period.
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
    let maintenance = tokio::spawn(maintain(
        state.engine.clone(),
        config.trash_retention,
        stop_rx.clone(),
    ));
    let generation = match start_generation(&config, &state.engine).await {
        Ok(generation) => generation,
        Err(err) => {
            maintenance.abort();
            database.close().await;
            return Err(err);
        }
    };
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
    generation.stop().await;
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

/// Hourly upkeep, starting at once: prunes sessions and log-in attempts,
/// and purges the trash.
async fn maintain(engine: Engine, trash_retention: Duration, mut stop: watch::Receiver<bool>) {
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
        purge_trash(&engine, trash_retention).await;
    }
}

/// Deletes for good the images trashed longer than `retention` ago.
async fn purge_trash(engine: &Engine, retention: Duration) {
    let retention = chrono::Duration::from_std(retention).unwrap_or(chrono::Duration::MAX);
    match engine.images.purge_expired(retention).await {
        Ok(report) if report.rows > 0 => tracing::info!(
            rows = report.rows,
            files = report.files,
            retention_days = retention.num_days(),
            "purged the trash"
        ),
        Ok(_) => tracing::debug!("nothing in the trash to purge"),
        Err(err) => tracing::warn!(error = %err, "purging the trash failed"),
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

/// The generation side of a process: the notification listener and, when
/// enabled, the workers.
pub struct GenerationTasks {
    shutdown: CancelToken,
    workers: Option<tokio::task::JoinHandle<()>>,
    listener: tokio::task::JoinHandle<()>,
    checks: tokio::task::JoinHandle<()>,
}

impl GenerationTasks {
    /// Stops the workers (handing their running jobs back to the queue)
    /// and the listener.
    pub async fn stop(self) {
        self.shutdown.cancel();
        if let Some(workers) = self.workers {
            let _ = workers.await;
        }
        self.listener.abort();
        self.checks.abort();
    }
}

/// Prepares the image store and starts the listener and the workers.
pub async fn start_generation(config: &Config, engine: &Engine) -> anyhow::Result<GenerationTasks> {
    let store = easel_engine::store::LocalStore::new(config.image_dir.clone());
    store
        .ensure()
        .await
        .with_context(|| format!("preparing the image folder {}", config.image_dir.display()))?;
    let shutdown = CancelToken::new();
    let listener = tokio::spawn(engine.hub.clone().listen());
    let checks = tokio::spawn(check_backends(
        engine.clone(),
        config.backend_check_interval,
        shutdown.clone(),
    ));
    let workers = config.workers.then(|| {
        let pool = engine.worker_pool();
        tracing::info!(worker_id = pool.worker_id(), "generation workers started");
        tokio::spawn(pool.run(shutdown.clone()))
    });
    Ok(GenerationTasks {
        shutdown,
        workers,
        listener,
        checks,
    })
}

/// Checks every backend at start-up and then every `interval`, so the
/// Studio shows unreachable backends as such, with the reason.
async fn check_backends(engine: Engine, interval: Duration, shutdown: CancelToken) {
    let mut ticker = tokio::time::interval(interval);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = ticker.tick() => {}
            () = shutdown.cancelled() => return,
        }
        engine.generation.probe_backends().await;
        for status in engine.generation.backends() {
            if !status.reachable {
                tracing::warn!(
                    backend = %status.id,
                    error = status.last_error.as_deref().unwrap_or("unknown"),
                    "backend unreachable"
                );
            }
        }
    }
}

/// `easel worker`: generation workers without the web server, until a
/// shutdown signal; running jobs are handed back to the queue on the way
/// out.
pub async fn run_worker(mut config: Config) -> anyhow::Result<()> {
    config.workers = true;
    let database = Database::open(&config).await?;
    let state = crate::app_state(&config, database.pool.clone());
    let generation = match start_generation(&config, &state.engine).await {
        Ok(generation) => generation,
        Err(err) => {
            database.close().await;
            return Err(err);
        }
    };
    tracing::info!("worker running; stop with Ctrl-C");
    shutdown_signal().await;
    generation.stop().await;
    database.close().await;
    Ok(())
}
