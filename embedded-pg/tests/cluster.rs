//! The embedded cluster with the machine's real PostgreSQL programs, in
//! temporary data directories.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use easel_embedded_pg::{EmbeddedPostgres, Error, Settings, StopOutcome};
use sqlx::{Connection, PgConnection};

/// A temporary data directory that PostgreSQL's own account can enter (it
/// is not us when the tests run as root).
fn data_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    dir
}

fn postgres(dir: &Path) -> EmbeddedPostgres {
    EmbeddedPostgres::new(Settings::new(dir)).unwrap()
}

fn postmaster_pid(pg: &EmbeddedPostgres) -> i32 {
    let text = std::fs::read_to_string(pg.pgdata().join("postmaster.pid")).unwrap();
    text.lines().next().unwrap().trim().parse().unwrap()
}

async fn query_one(pg: &EmbeddedPostgres, sql: &str) -> String {
    let info = pg.running_info().unwrap().expect("running");
    easel_embedded_pg::ensure_database(&info).await.unwrap();
    let mut conn = PgConnection::connect_with(&info.connect_options())
        .await
        .unwrap();
    let value: String = sqlx::query_scalar(sql).fetch_one(&mut conn).await.unwrap();
    conn.close().await.unwrap();
    value
}

#[tokio::test]
async fn a_new_cluster_listens_on_a_private_socket_only() {
    let dir = data_dir();
    let pg = postgres(dir.path());
    let cluster = pg.start().unwrap();
    assert_eq!(query_one(&pg, "show listen_addresses").await, "");
    assert_eq!(
        query_one(&pg, "select current_database()::text").await,
        "easel"
    );
    let socket_dir = &cluster.info().socket_dir;
    let mode = std::fs::metadata(socket_dir).unwrap().permissions().mode() & 0o777;
    assert_eq!(
        mode, 0o700,
        "only PostgreSQL's account may use the socket folder"
    );
    let password = dir.path().join("postgres/password");
    assert_eq!(
        std::fs::metadata(&password).unwrap().permissions().mode() & 0o777,
        0o600
    );
    assert!(
        !format!("{:?}", cluster.info()).contains(&std::fs::read_to_string(&password).unwrap())
    );
    assert_eq!(cluster.shutdown().unwrap(), StopOutcome::Stopped);
    assert!(!pg.is_running());
}

#[tokio::test]
async fn a_second_start_reuses_the_cluster_and_its_data() {
    let dir = data_dir();
    let pg = postgres(dir.path());
    let cluster = pg.start().unwrap();
    let info = cluster.info().clone();
    easel_embedded_pg::ensure_database(&info).await.unwrap();
    let mut conn = PgConnection::connect_with(&info.connect_options())
        .await
        .unwrap();
    sqlx::query("create table kept (note text)")
        .execute(&mut conn)
        .await
        .unwrap();
    sqlx::query("insert into kept values ('still here')")
        .execute(&mut conn)
        .await
        .unwrap();
    conn.close().await.unwrap();
    cluster.shutdown().unwrap();

    let again = postgres(dir.path());
    let cluster = again.start().unwrap();
    assert_eq!(
        query_one(&again, "select note from kept").await,
        "still here"
    );
    cluster.shutdown().unwrap();
}

#[test]
fn the_last_process_to_leave_stops_the_server() {
    let dir = data_dir();
    let first = postgres(dir.path()).start().unwrap();
    let second_pg = postgres(dir.path());
    let second = second_pg.start().unwrap();
    assert_eq!(first.shutdown().unwrap(), StopOutcome::InUse);
    assert!(second_pg.is_running());
    assert_eq!(
        second_pg.stop_if_unused().unwrap(),
        StopOutcome::InUse,
        "scripts cannot pull it away either"
    );
    assert_eq!(second.shutdown().unwrap(), StopOutcome::Stopped);
    assert!(!second_pg.is_running());
}

#[test]
fn a_server_left_running_by_a_crashed_process_is_adopted() {
    let dir = data_dir();
    let pg = postgres(dir.path());
    let crashed = pg.start().unwrap();
    let pid = postmaster_pid(&pg);
    // Dropping without shutdown is what a crash does: the lock goes, the
    // server stays.
    drop(crashed);
    let cluster = postgres(dir.path()).start().unwrap();
    assert_eq!(postmaster_pid(&pg), pid, "the same server, not a new one");
    assert_eq!(cluster.shutdown().unwrap(), StopOutcome::Stopped);
}

#[test]
fn a_killed_server_is_restarted_despite_its_stale_pid_file() {
    let dir = data_dir();
    let pg = postgres(dir.path());
    let cluster = pg.start().unwrap();
    let pid = postmaster_pid(&pg);
    drop(cluster);
    nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(pid),
        nix::sys::signal::Signal::SIGKILL,
    )
    .unwrap();
    wait_until_gone(pid);
    assert!(
        pg.pgdata().join("postmaster.pid").exists(),
        "SIGKILL leaves the pid file behind"
    );
    let cluster = pg.start().unwrap();
    assert_ne!(postmaster_pid(&pg), pid);
    cluster.shutdown().unwrap();
}

#[test]
fn a_pid_file_naming_a_reused_pid_is_recovered() {
    let dir = data_dir();
    let pg = postgres(dir.path());
    pg.start().unwrap().shutdown().unwrap();
    // After a reboot the old PID may belong to anything: here, this test.
    let pid_file = pg.pgdata().join("postmaster.pid");
    let socket = dir.path().join("postgres/socket");
    std::fs::write(
        &pid_file,
        format!(
            "{}\n{}\n0\n5432\n{}\n\n",
            std::process::id(),
            pg.pgdata().display(),
            socket.display()
        ),
    )
    .unwrap();
    assert!(
        !pg.is_running(),
        "a live PID that is not our postmaster does not count"
    );
    let cluster = pg.start().unwrap();
    assert!(pg.is_running());
    assert_ne!(postmaster_pid(&pg), std::process::id() as i32);
    cluster.shutdown().unwrap();
}

#[tokio::test]
async fn extra_settings_reach_postgresql_conf() {
    let dir = data_dir();
    let mut settings = Settings::new(dir.path());
    settings.extra_settings = vec!["work_mem=7MB".into(), "application_name=easel-test".into()];
    let pg = EmbeddedPostgres::new(settings).unwrap();
    let cluster = pg.start().unwrap();
    assert_eq!(query_one(&pg, "show work_mem").await, "7MB");
    cluster.shutdown().unwrap();
}

#[test]
fn a_malformed_setting_is_refused_before_anything_starts() {
    let dir = data_dir();
    let mut settings = Settings::new(dir.path());
    settings.extra_settings = vec!["work_mem".into()];
    let err = EmbeddedPostgres::new(settings).unwrap_err();
    assert!(matches!(err, Error::BadSetting(_)), "{err}");
    assert!(err.to_string().contains("name=value"));
}

#[test]
fn missing_programs_are_named_with_the_way_out() {
    let dir = data_dir();
    let empty_bin = data_dir();
    let mut settings = Settings::new(dir.path());
    settings.bin_dir = Some(empty_bin.path().to_path_buf());
    let err = EmbeddedPostgres::new(settings).unwrap_err();
    let text = err.to_string();
    for needle in [
        "initdb",
        "pg_ctl",
        "apt-get install postgresql",
        "DATABASE_URL",
        "--postgres-bin-dir",
    ] {
        assert!(text.contains(needle), "{needle} missing from: {text}");
    }
}

#[test]
fn a_lost_password_file_is_explained() {
    let dir = data_dir();
    let pg = postgres(dir.path());
    pg.start().unwrap().shutdown().unwrap();
    std::fs::remove_file(dir.path().join("postgres/password")).unwrap();
    let err = pg.start().unwrap_err();
    assert!(matches!(err, Error::PasswordMissing(_)), "{err}");
    assert!(!pg.is_running(), "nothing was started");
}

/// Waits for `pid` to exit. It is not our child, so once dead it may stay
/// a zombie (with no working directory) until something reaps it.
fn wait_until_gone(pid: i32) {
    for _ in 0..200 {
        if std::fs::read_link(format!("/proc/{pid}/cwd")).is_err() {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(25));
    }
    panic!("postmaster {pid} did not exit");
}
