//! The subcommands other than `serve`.

use std::io::{BufRead, IsTerminal};

use anyhow::Context;

use crate::cli::{DbCommand, StoreCommand, UserCommand};
use crate::config::Config;
use crate::database::Database;

/// `easel user ...`
pub async fn user(config: Config, command: UserCommand) -> anyhow::Result<()> {
    match command {
        UserCommand::Create {
            name,
            admin,
            password_stdin,
        } => {
            let password = read_password(password_stdin)?;
            let database = Database::open(&config).await?;
            let state = crate::app_state(&config, database.pool.clone());
            let result = state
                .engine
                .accounts
                .create_user(&name, &password, admin)
                .await;
            database.close().await;
            let user = result.map_err(|err| anyhow::anyhow!("{}", describe(err)))?;
            println!(
                "created {} `{}` ({})",
                user.role.as_str(),
                user.username,
                user.id
            );
            Ok(())
        }
    }
}

/// `easel db ...`
pub async fn db(config: Config, command: DbCommand) -> anyhow::Result<()> {
    match command {
        DbCommand::Migrate => {
            // Opening migrates.
            let database = Database::open(&config).await?;
            database.close().await;
            println!("migrations applied");
            Ok(())
        }
    }
}

/// `easel store ...`
pub async fn store(config: Config, command: StoreCommand) -> anyhow::Result<()> {
    match command {
        StoreCommand::Check {
            repair,
            grace_minutes,
        } => {
            let database = Database::open(&config).await?;
            let state = crate::app_state(&config, database.pool.clone());
            let grace = chrono::Duration::minutes(i64::from(grace_minutes));
            let store = state.engine.images.store();
            let result =
                easel_engine::store::check_store(&database.pool, store.as_ref(), repair, grace)
                    .await;
            database.close().await;
            let report = result.context("checking the image store")?;
            println!("{report}");
            let left = report.problems_left();
            let hint = if repair { "" } else { "; --repair fixes them" };
            anyhow::ensure!(left == 0, "the image store has {left} problems{hint}");
            Ok(())
        }
    }
}

fn read_password(from_stdin: bool) -> anyhow::Result<String> {
    if from_stdin {
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .context("reading the password from standard input")?;
        return Ok(line.trim_end_matches(['\r', '\n']).to_string());
    }
    anyhow::ensure!(
        std::io::stdin().is_terminal(),
        "no password given: pipe it in with --password-stdin, or run in a terminal to be prompted"
    );
    let first = rpassword::prompt_password("Password: ")?;
    let second = rpassword::prompt_password("Repeat it: ")?;
    anyhow::ensure!(first == second, "the passwords do not match");
    Ok(first)
}

fn describe(err: easel_engine::AccountError) -> String {
    use easel_engine::AccountError as E;
    match err {
        E::Invalid(invalid) => format!("invalid {}: {}", invalid.field, invalid.message),
        E::UsernameTaken => "that user name is taken".into(),
        other => other.to_string(),
    }
}
