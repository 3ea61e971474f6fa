//! The database: connecting, migrating, checking.

use std::time::Duration;

use sqlx::PgPool;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};

/// The workspace's migrations (`migrations/`), embedded in the binary.
pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../migrations");

/// Opens a pool. Connections are made lazily-but-checked: the first one is
/// opened now, so a wrong URL fails at start-up, not at the first request.
pub async fn connect(
    options: PgConnectOptions,
    max_connections: u32,
) -> Result<PgPool, sqlx::Error> {
    PgPoolOptions::new()
        .max_connections(max_connections)
        .acquire_timeout(Duration::from_secs(10))
        .connect_with(options)
        .await
}

/// Applies the migrations not yet applied. Safe to run from several
/// processes at once: sqlx takes an advisory lock.
pub async fn migrate(pool: &PgPool) -> Result<(), sqlx::migrate::MigrateError> {
    MIGRATOR.run(pool).await
}

/// Whether the database answers, within `timeout`.
pub async fn ping(pool: &PgPool, timeout: Duration) -> Result<(), sqlx::Error> {
    match tokio::time::timeout(timeout, sqlx::query("select 1").execute(pool)).await {
        Ok(result) => result.map(drop),
        Err(_) => Err(sqlx::Error::PoolTimedOut),
    }
}

/// sqlx's error type, for layers that map database errors without
/// depending on sqlx themselves.
pub use sqlx::Error as SqlxError;
