//! The `easel` binary's commands, run as a real process.

use std::io::Write;
use std::process::{Command, Output, Stdio};

use sqlx::PgPool;

/// The URL of the test's own database: the server's URL with the database
/// name swapped.
async fn url_of(db: &PgPool) -> String {
    let name: String = sqlx::query_scalar("select current_database()::text")
        .fetch_one(db)
        .await
        .unwrap();
    let master = std::env::var("DATABASE_URL").unwrap();
    let (base, query) = master
        .split_once('?')
        .map_or((master.as_str(), ""), |(b, q)| (b, q));
    let base = base.rsplit_once('/').unwrap().0;
    if query.is_empty() {
        format!("{base}/{name}")
    } else {
        format!("{base}/{name}?{query}")
    }
}

fn easel(url: &str, args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_easel"))
        .args(args)
        .env("DATABASE_URL", url)
        .env("EASEL_LOG", "warn")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut pipe = child.stdin.take().unwrap();
    if let Some(input) = stdin {
        pipe.write_all(input.as_bytes()).unwrap();
    }
    drop(pipe);
    child.wait_with_output().unwrap()
}

#[sqlx::test(migrations = "../migrations")]
async fn user_create_makes_an_admin_for_a_headless_install(db: PgPool) {
    let url = url_of(&db).await;
    let out = easel(
        &url,
        &["user", "create", "root-ada", "--admin", "--password-stdin"],
        Some("long-enough-pw\n"),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("created admin `root-ada`"));
    let role: String = sqlx::query_scalar("select role from users where username = 'root-ada'")
        .fetch_one(&db)
        .await
        .unwrap();
    assert_eq!(role, "admin");
}

#[sqlx::test(migrations = "../migrations")]
async fn user_create_explains_what_is_wrong(db: PgPool) {
    let url = url_of(&db).await;
    let short = easel(
        &url,
        &["user", "create", "bob", "--password-stdin"],
        Some("short\n"),
    );
    assert_eq!(short.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&short.stderr)
            .contains("invalid password: Use at least 8 characters.")
    );

    assert!(
        easel(
            &url,
            &["user", "create", "bob", "--password-stdin"],
            Some("long-enough-pw\n")
        )
        .status
        .success()
    );
    let taken = easel(
        &url,
        &["user", "create", "BOB", "--password-stdin"],
        Some("long-enough-pw\n"),
    );
    assert!(String::from_utf8_lossy(&taken.stderr).contains("that user name is taken"));

    let no_password = easel(&url, &["user", "create", "carol"], None);
    assert!(!no_password.status.success());
    assert!(String::from_utf8_lossy(&no_password.stderr).contains("--password-stdin"));
}

#[test]
fn bad_settings_exit_with_status_2_and_a_reason() {
    let out = easel("postgres://unused", &["--session-days", "0"], None);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("session_days must be at least 1"));
}
