//! Opening the database: the embedded cluster when no URL is configured,
//! then the pool and the migrations.

use std::str::FromStr;

use anyhow::Context;
use easel_embedded_pg::{Cluster, EmbeddedPostgres, Settings, StopOutcome};
use sqlx::PgPool;
use sqlx::postgres::PgConnectOptions;

use crate::config::Config;

/// The pool, and the embedded cluster when we run one.
#[derive(Debug)]
pub struct Database {
    /// The connection pool.
    pub pool: PgPool,
    /// How to connect (for tools that open databases beside Easel's).
    pub options: PgConnectOptions,
    embedded: Option<Cluster>,
}

impl Database {
    /// Connects (starting the embedded cluster if needed) and migrates.
    pub async fn open(config: &Config) -> anyhow::Result<Self> {
        let (options, embedded) = match &config.database_url {
            Some(url) => {
                let url = url.expose();
                anyhow::ensure!(
                    url.starts_with("postgres://") || url.starts_with("postgresql://"),
                    "DATABASE_URL is not a valid PostgreSQL URL: it must start with postgres:// or postgresql://"
                );
                let options = PgConnectOptions::from_str(url)
                    .context("DATABASE_URL is not a valid PostgreSQL URL")?;
                (options, None)
            }
            None => {
                let cluster = start_embedded(config).await?;
                (cluster.info().connect_options(), Some(cluster))
            }
        };
        let database = Self::connect(options.clone(), config.database_max_connections).await;
        match (database, embedded) {
            (Ok(pool), embedded) => Ok(Self {
                pool,
                options,
                embedded,
            }),
            (Err(err), Some(cluster)) => {
                // Do not leave a cluster running that nobody uses.
                leave(cluster).await;
                Err(err)
            }
            (Err(err), None) => Err(err),
        }
    }

    async fn connect(options: PgConnectOptions, max_connections: u32) -> anyhow::Result<PgPool> {
        let pool = easel_engine::db::connect(options, max_connections)
            .await
            .context("connecting to PostgreSQL")?;
        easel_engine::db::migrate(&pool)
            .await
            .context("applying database migrations")?;
        Ok(pool)
    }

    /// Closes the pool, then leaves the embedded cluster (stopping it when
    /// no other Easel process uses it).
    pub async fn close(self) {
        self.pool.close().await;
        if let Some(cluster) = self.embedded {
            leave(cluster).await;
        }
    }
}

async fn start_embedded(config: &Config) -> anyhow::Result<Cluster> {
    let settings = Settings {
        data_dir: config.data_dir.clone(),
        bin_dir: config.postgres_bin_dir.clone(),
        extra_settings: config.postgres_settings.clone(),
        database: "easel".into(),
    };
    let cluster = tokio::task::spawn_blocking(move || EmbeddedPostgres::new(settings)?.start())
        .await
        .context("the embedded PostgreSQL task failed")?
        .context("starting the embedded PostgreSQL (or set DATABASE_URL to use another server)")?;
    if let Err(err) = easel_embedded_pg::ensure_database(cluster.info()).await {
        leave(cluster).await;
        return Err(err).context("creating the easel database");
    }
    Ok(cluster)
}

async fn leave(cluster: Cluster) {
    match tokio::task::spawn_blocking(move || cluster.shutdown()).await {
        Ok(Ok(StopOutcome::InUse)) => {
            tracing::info!("the embedded PostgreSQL stays up: another Easel process uses it")
        }
        Ok(Ok(_)) => {}
        Ok(Err(err)) => tracing::error!(error = %err, "stopping the embedded PostgreSQL failed"),
        Err(err) => tracing::error!(error = %err, "the embedded PostgreSQL stop task failed"),
    }
}
