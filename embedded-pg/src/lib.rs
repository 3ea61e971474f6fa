//! A private PostgreSQL cluster that lives inside a data directory.
//!
//! Easel runs on its own Postgres when no `DATABASE_URL` is given. This crate
//! owns that cluster: it finds the machine's `initdb` and `pg_ctl`, creates the
//! cluster on first use, starts it listening on a unix socket only, recovers
//! from a crash's leftovers, and stops it when the last process using it is
//! done.
//!
//! Layout under the data directory:
//!
//! ```text
//! <data>/postgres/cluster/      PGDATA
//! <data>/postgres/socket/       the unix socket (or a short path in /tmp, see below)
//! <data>/postgres/log/          the server's log
//! <data>/postgres/password      the superuser's password (mode 0600)
//! <data>/postgres/*.lock        who is using the cluster (see `Cluster`)
//! ```
//!
//! Several processes may share one cluster (a server, a worker, a one-off
//! `easel user create`). Each holds a shared lock while it uses the cluster,
//! and the one that leaves last stops it. A process that crashes releases its
//! lock with its file descriptors, and the cluster it leaves running is
//! adopted by the next process.
//!
//! The public API is synchronous (it runs programs and takes file locks);
//! call it from `spawn_blocking` in async code. Only [`ensure_database`] and
//! [`migrate`] are async.

mod binaries;
mod cluster;
mod conf;
mod connection;
mod process;

pub use binaries::{Binaries, locate_binaries};
pub use cluster::{Cluster, EmbeddedPostgres, Settings, StopOutcome};
pub use connection::ConnectionInfo;

use std::path::PathBuf;

/// Everything that can go wrong while running the embedded cluster. Each
/// message says what to do about it.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The server programs are not installed where we looked.
    #[error(
        "PostgreSQL server programs not found: missing {missing}; looked in {searched}. \
         Install them (Debian/Ubuntu: `sudo apt-get install postgresql`; Fedora: \
         `sudo dnf install postgresql-server`; macOS: `brew install postgresql`), \
         pass --postgres-bin-dir with the folder that holds them, \
         or set DATABASE_URL to use a PostgreSQL server you already run"
    )]
    BinariesMissing {
        /// The programs that were not found, comma-separated.
        missing: String,
        /// Where we looked.
        searched: String,
    },
    /// The cluster on disk was made by another major version.
    #[error(
        "the cluster in {pgdata} was created by PostgreSQL {cluster}, but the programs in \
         {bin_dir} are PostgreSQL {programs}. Install PostgreSQL {cluster}'s server programs \
         and pass --postgres-bin-dir, or move the data directory aside to start afresh"
    )]
    VersionMismatch {
        /// PGDATA.
        pgdata: PathBuf,
        /// The major version in PGDATA/PG_VERSION.
        cluster: String,
        /// The major version of the programs found.
        programs: String,
        /// Where the programs are.
        bin_dir: PathBuf,
    },
    /// Running as root, and PostgreSQL (which refuses to run as root) would
    /// run as `user`, who cannot reach `path`.
    #[error(
        "Easel runs as root, so PostgreSQL runs as user `{user}`, which cannot reach {path}. \
         Choose a data directory that user can reach (e.g. --data-dir /var/lib/easel), \
         run Easel as a regular user, or set DATABASE_URL"
    )]
    Unreachable {
        /// The directory the user cannot enter.
        path: PathBuf,
        /// The unprivileged account PostgreSQL runs as.
        user: String,
    },
    /// Running as root with no account to hand PostgreSQL to.
    #[error(
        "Easel runs as root, and PostgreSQL refuses to: no `postgres` or `nobody` account \
         exists to run it as. Create one, run Easel as a regular user, or set DATABASE_URL"
    )]
    NoUnprivilegedUser,
    /// A PostgreSQL program failed.
    #[error("`{program}` failed ({status}): {output}")]
    Program {
        /// The program and its main arguments.
        program: String,
        /// How it exited.
        status: String,
        /// What it printed (trimmed).
        output: String,
    },
    /// The server did not come up.
    #[error("PostgreSQL did not start: {reason}. Last lines of {log}:\n{tail}")]
    StartFailed {
        /// What went wrong.
        reason: String,
        /// The server log.
        log: PathBuf,
        /// Its last lines.
        tail: String,
    },
    /// The cluster exists but its password file does not.
    #[error(
        "the embedded cluster's password file {0} is missing, so Easel cannot log in to it. \
         Restore the file, or move {0}'s folder aside to create a new cluster"
    )]
    PasswordMissing(PathBuf),
    /// A postgresql.conf setting that is not `name=value`.
    #[error("invalid PostgreSQL setting `{0}`: write it as name=value, e.g. shared_buffers=256MB")]
    BadSetting(String),
    /// A file-system operation failed.
    #[error("{action} {path}: {source}")]
    Io {
        /// What we tried.
        action: &'static str,
        /// On what.
        path: PathBuf,
        /// Why it failed.
        #[source]
        source: std::io::Error,
    },
    /// Talking to the running cluster failed.
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    /// Applying migrations failed.
    #[error("migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

impl Error {
    pub(crate) fn io(
        action: &'static str,
        path: impl Into<PathBuf>,
    ) -> impl FnOnce(std::io::Error) -> Error {
        let path = path.into();
        move |source| Error::Io {
            action,
            path,
            source,
        }
    }
}

/// Creates `info.database` if it does not exist yet, connecting through the
/// `postgres` maintenance database.
pub async fn ensure_database(info: &ConnectionInfo) -> Result<(), Error> {
    use sqlx::{Connection, PgConnection};
    let mut conn = PgConnection::connect_with(&info.connect_options_for("postgres")).await?;
    let exists: bool =
        sqlx::query_scalar("select exists (select 1 from pg_database where datname = $1)")
            .bind(&info.database)
            .fetch_one(&mut conn)
            .await?;
    if !exists {
        // Identifiers cannot be bound as parameters; the name is ours, and
        // quote_ident-style doubling keeps it literal anyway.
        let quoted = info.database.replace('"', "\"\"");
        let statement = format!("create database \"{quoted}\"");
        sqlx::raw_sql(&statement).execute(&mut conn).await?;
        tracing::info!(database = %info.database, "created database");
    }
    conn.close().await?;
    Ok(())
}

/// Applies the migrations in `dir` to `info.database` (used by `easel-pg
/// migrate` to prepare a database for sqlx's compile-time checks; the server
/// embeds its migrations instead).
pub async fn migrate(info: &ConnectionInfo, dir: &std::path::Path) -> Result<(), Error> {
    use sqlx::{Connection, PgConnection};
    let migrator = sqlx::migrate::Migrator::new(dir).await?;
    let mut conn = PgConnection::connect_with(&info.connect_options()).await?;
    migrator.run(&mut conn).await?;
    conn.close().await?;
    Ok(())
}
