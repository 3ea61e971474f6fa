//! `easel` with no DATABASE_URL runs its own PostgreSQL in the data
//! directory: the same path `make run` takes.

mod support;

use std::os::unix::fs::PermissionsExt;

use easel_embedded_pg::{EmbeddedPostgres, Settings};
use easel_server::database::Database;

fn reachable_tempdir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    dir
}

#[tokio::test]
async fn the_server_creates_migrates_reuses_and_stops_its_own_postgres() {
    let dir = reachable_tempdir();
    let mut config = support::config();
    config.data_dir = dir.path().join("data");
    assert!(config.database_url.is_none());

    let database = Database::open(&config).await.unwrap();
    let users: i64 = sqlx::query_scalar("select count(*) from users")
        .fetch_one(&database.pool)
        .await
        .unwrap();
    assert_eq!(users, 0, "migrations ran");
    sqlx::query("insert into users (id, username, username_key, password_hash) values (gen_random_uuid(), 'kept', 'kept', 'x')")
        .execute(&database.pool)
        .await
        .unwrap();
    database.close().await;
    let cluster = EmbeddedPostgres::new(Settings::new(&config.data_dir)).unwrap();
    assert!(!cluster.is_running(), "closing stops the cluster");

    let again = Database::open(&config).await.unwrap();
    let kept: String = sqlx::query_scalar("select username from users")
        .fetch_one(&again.pool)
        .await
        .unwrap();
    assert_eq!(kept, "kept");
    again.close().await;
}

#[tokio::test]
async fn missing_postgres_programs_are_named_with_the_alternatives() {
    let dir = reachable_tempdir();
    let empty = reachable_tempdir();
    let mut config = support::config();
    config.data_dir = dir.path().join("data");
    config.postgres_bin_dir = Some(empty.path().to_path_buf());
    let err = Database::open(&config).await.unwrap_err();
    let text = format!("{err:#}");
    for needle in [
        "initdb",
        "pg_ctl",
        "DATABASE_URL",
        "apt-get install postgresql",
    ] {
        assert!(text.contains(needle), "{needle} missing from: {text}");
    }
}

#[tokio::test]
async fn a_bad_database_url_is_a_clear_error() {
    let mut config = support::config();
    config.database_url = Some("mysql://nope".parse().unwrap());
    let err = Database::open(&config).await.unwrap_err();
    assert!(
        format!("{err:#}").contains("DATABASE_URL is not a valid PostgreSQL URL"),
        "{err:#}"
    );
}
