//! The command line: subcommands, with every setting of
//! [`Settings`](crate::config::Settings) as a global flag.

use clap::{Parser, Subcommand};

use crate::config::Settings;

/// Easel: a self-hosted studio for text-to-image generation.
///
/// With no command, serves the studio. Every option can also be set by its
/// environment variable or in the --config file (keys are the option names
/// with `_` for `-`, e.g. `data_dir = "/var/lib/easel"`).
#[derive(Debug, Parser)]
#[command(name = "easel", version, max_term_width = 100)]
pub struct Cli {
    /// Settings.
    #[command(flatten)]
    pub settings: Settings,
    /// What to do.
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the studio (the default).
    Serve,
    /// Manage accounts.
    #[command(subcommand)]
    User(UserCommand),
    /// Manage the database.
    #[command(subcommand)]
    Db(DbCommand),
    /// Check the image store against the database.
    #[command(subcommand)]
    Store(StoreCommand),
    /// Run generation workers only (no web server), next to GPU hosts or
    /// to add capacity; they claim jobs from the same database.
    Worker,
    /// Measure queue throughput, per-generation overhead, thumbnails and
    /// websocket fan-out; prints figures.
    Bench(crate::bench::BenchArgs),
}

/// `easel user ...`
#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create an account, e.g. the first admin of a headless install:
    /// `echo "$PASSWORD" | easel user create alice --admin --password-stdin`.
    Create {
        /// The user name.
        name: String,
        /// Make the account an admin (the first account always is).
        #[arg(long)]
        admin: bool,
        /// Read the password from the first line of standard input instead
        /// of prompting for it.
        #[arg(long)]
        password_stdin: bool,
    },
}

/// `easel db ...`
#[derive(Debug, Subcommand)]
pub enum DbCommand {
    /// Apply pending migrations and exit (`serve` also applies them at start).
    Migrate,
}

/// `easel store ...`
#[derive(Debug, Subcommand)]
pub enum StoreCommand {
    /// Report files no image references, and images whose original or
    /// thumbnails are missing; exits non-zero while problems remain.
    Check {
        /// Also fix them: delete orphan files (older than the grace),
        /// make missing thumbnails again from the original, and delete
        /// images whose original is gone.
        #[arg(long)]
        repair: bool,
        /// Minutes an unreferenced file is left alone, as a job may have
        /// written it and not yet saved its image.
        #[arg(long, value_name = "MINUTES", default_value_t = 60)]
        grace_minutes: u32,
    },
}
