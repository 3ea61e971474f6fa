//! `easel-pg`: start, stop and inspect the embedded PostgreSQL cluster of a
//! data directory from scripts. The test command uses it to get a server in
//! which each database test creates its own database, and `make
//! sqlx-prepare` to get a migrated database for sqlx's compile-time checks.
//! Easel itself runs the same code in-process.

use std::path::PathBuf;

use anyhow::Context;
use clap::{Parser, Subcommand};
use easel_embedded_pg::{EmbeddedPostgres, Settings, StopOutcome};

/// Manage the embedded PostgreSQL cluster of an Easel data directory.
#[derive(Debug, Parser)]
#[command(version)]
struct Cli {
    /// The data directory; the cluster lives in its `postgres/` folder.
    #[arg(long, env = "EASEL_DATA_DIR", default_value = "./data", global = true)]
    data_dir: PathBuf,
    /// The folder holding initdb and pg_ctl (searched for when not given).
    #[arg(long, env = "EASEL_POSTGRES_BIN_DIR", global = true)]
    postgres_bin_dir: Option<PathBuf>,
    /// The database to create and print URLs for.
    #[arg(long, default_value = "easel", global = true)]
    database: String,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Create the cluster if needed, start it, and create the database.
    /// Leaves it running; `stop` stops it.
    Start {
        /// Extra postgresql.conf settings, name=value (repeatable).
        #[arg(long = "setting", value_name = "NAME=VALUE")]
        settings: Vec<String>,
    },
    /// Stop the cluster unless an Easel process still uses it.
    Stop,
    /// Print the running cluster's connection URL (it holds the password).
    Url,
    /// Exit 0 when the cluster runs, 3 when it does not.
    Status,
    /// Apply the migrations in a folder to the database.
    Migrate {
        /// The migrations folder.
        #[arg(long, default_value = "migrations")]
        source: PathBuf,
    },
}

fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_target(false)
        .init();
    let cli = Cli::parse();
    let extra = match &cli.command {
        Command::Start { settings } => settings.clone(),
        _ => Vec::new(),
    };
    let postgres = EmbeddedPostgres::new(Settings {
        data_dir: cli.data_dir.clone(),
        bin_dir: cli.postgres_bin_dir.clone(),
        extra_settings: extra,
        database: cli.database.clone(),
    })?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    match cli.command {
        Command::Start { .. } => {
            let info = postgres.start_detached()?;
            runtime.block_on(easel_embedded_pg::ensure_database(&info))?;
            eprintln!("running: {}", postgres.pgdata().display());
        }
        Command::Stop => match postgres.stop_if_unused()? {
            StopOutcome::Stopped => eprintln!("stopped"),
            StopOutcome::NotRunning => eprintln!("not running"),
            StopOutcome::InUse => anyhow::bail!("still used by another Easel process; not stopped"),
        },
        Command::Url => {
            let info = postgres
                .running_info()?
                .context("the cluster is not running; run `easel-pg start`")?;
            println!("{}", info.url());
        }
        Command::Status => {
            if !postgres.is_running() {
                eprintln!("not running");
                std::process::exit(3);
            }
            eprintln!("running");
        }
        Command::Migrate { source } => {
            let info = postgres
                .running_info()?
                .context("the cluster is not running; run `easel-pg start`")?;
            runtime.block_on(easel_embedded_pg::ensure_database(&info))?;
            runtime.block_on(easel_embedded_pg::migrate(&info, &source))?;
            eprintln!("migrated {}", info.database);
        }
    }
    Ok(())
}
