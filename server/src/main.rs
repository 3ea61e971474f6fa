//! `easel`: serve the studio, or run one of its commands. See `easel --help`.

use std::process::ExitCode;

use clap::Parser;
use easel_server::cli::{Cli, Command};

fn main() -> ExitCode {
    let cli = Cli::parse();
    let config = match cli.settings.resolve() {
        Ok(config) => config,
        Err(err) => {
            eprintln!("easel: {err:#}");
            return ExitCode::from(2);
        }
    };
    easel_server::telemetry::init(&config.log, config.log_format);
    tracing::debug!(?config, "configuration");
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(err) => {
            eprintln!("easel: cannot start the async runtime: {err}");
            return ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(async move {
        match cli.command.unwrap_or(Command::Serve) {
            Command::Serve => easel_server::serve::run(config).await,
            Command::User(command) => easel_server::commands::user(config, command).await,
            Command::Db(command) => easel_server::commands::db(config, command).await,
            Command::Store(command) => easel_server::commands::store(config, command).await,
            Command::Worker => easel_server::serve::run_worker(config).await,
            Command::Bench(args) => easel_server::bench::run(config, args).await,
        }
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            tracing::error!("{err:#}");
            eprintln!("easel: {err:#}");
            ExitCode::FAILURE
        }
    }
}
