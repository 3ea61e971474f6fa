//! Creating, starting, sharing and stopping the cluster.

use std::fs::{File, OpenOptions, TryLockError};
use std::os::unix::fs::{DirBuilderExt, MetadataExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

use sqlx::postgres::PgConnectOptions;

use crate::Error;
use crate::binaries::{Binaries, locate_binaries};
use crate::conf::{self, PORT};
use crate::process::{self, RunAs};

/// The superuser initdb creates, and the role Easel logs in as.
const SUPERUSER: &str = "easel";
/// How long pg_ctl waits for the server to start or stop, in seconds.
const PG_CTL_WAIT_SECS: &str = "60";

/// How to run the cluster.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The data directory; the cluster lives in its `postgres/` folder.
    pub data_dir: PathBuf,
    /// The folder holding initdb and pg_ctl, when not found by searching.
    pub bin_dir: Option<PathBuf>,
    /// Extra postgresql.conf settings, each `name=value`.
    pub extra_settings: Vec<String>,
    /// The database Easel uses (created on first start).
    pub database: String,
}

impl Settings {
    /// Defaults for a data directory: found binaries, no extra settings,
    /// database `easel`.
    pub fn new(data_dir: impl Into<PathBuf>) -> Self {
        Self {
            data_dir: data_dir.into(),
            bin_dir: None,
            extra_settings: Vec::new(),
            database: "easel".into(),
        }
    }
}

/// How to reach a running cluster.
#[derive(Clone)]
pub struct ConnectionInfo {
    /// The folder holding the unix socket.
    pub socket_dir: PathBuf,
    /// The port in the socket's name.
    pub port: u16,
    /// The role to log in as.
    pub user: String,
    password: String,
    /// Easel's database.
    pub database: String,
}

impl std::fmt::Debug for ConnectionInfo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConnectionInfo")
            .field("socket_dir", &self.socket_dir)
            .field("port", &self.port)
            .field("user", &self.user)
            .field("password", &"[redacted]")
            .field("database", &self.database)
            .finish()
    }
}

impl ConnectionInfo {
    /// Options for Easel's database.
    pub fn connect_options(&self) -> PgConnectOptions {
        self.connect_options_for(&self.database)
    }

    /// Options for another database of the cluster.
    pub fn connect_options_for(&self, database: &str) -> PgConnectOptions {
        PgConnectOptions::new()
            .socket(&self.socket_dir)
            .port(self.port)
            .username(&self.user)
            .password(&self.password)
            .database(database)
    }

    /// A libpq/sqlx URL for Easel's database. It holds the password: never
    /// log it.
    pub fn url(&self) -> String {
        format!(
            "postgres://{}:{}@localhost:{}/{}?host={}",
            self.user,
            self.password,
            self.port,
            self.database,
            percent_encode(&self.socket_dir.to_string_lossy())
        )
    }
}

fn percent_encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// What stopping did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StopOutcome {
    /// We were the last user, and the server is stopped.
    Stopped,
    /// Another process still uses the cluster, so it keeps running.
    InUse,
    /// It was not running.
    NotRunning,
}

/// The cluster in one data directory. Cheap to clone.
#[derive(Debug, Clone)]
pub struct EmbeddedPostgres {
    root: PathBuf,
    pgdata: PathBuf,
    socket_dir: PathBuf,
    log_file: PathBuf,
    password_file: PathBuf,
    binaries: Binaries,
    run_as: RunAs,
    extra: Vec<(String, String)>,
    database: String,
}

/// Our membership of a running cluster: while it lives, no other process
/// stops the server. Give it back with [`Cluster::shutdown`]; if the process
/// dies instead, the kernel releases it and the server keeps running for the
/// next process to adopt.
#[derive(Debug)]
pub struct Cluster {
    postgres: EmbeddedPostgres,
    membership: File,
    info: ConnectionInfo,
}

impl Cluster {
    /// How to connect.
    pub fn info(&self) -> &ConnectionInfo {
        &self.info
    }

    /// Leaves the cluster, stopping the server if nobody else uses it.
    pub fn shutdown(self) -> Result<StopOutcome, Error> {
        let _startup = self.postgres.lock_startup()?;
        // Nobody can join while we hold the startup lock, so after we drop
        // our shared lock, an exclusive one succeeds only if we were last.
        self.membership
            .unlock()
            .map_err(Error::io("unlock", self.postgres.users_lock()))?;
        match self.membership.try_lock() {
            Ok(()) => self.postgres.stop_server(),
            Err(TryLockError::WouldBlock) => Ok(StopOutcome::InUse),
            Err(TryLockError::Error(err)) => {
                Err(Error::io("lock", self.postgres.users_lock())(err))
            }
        }
    }
}

impl EmbeddedPostgres {
    /// Prepares to run the cluster in `settings.data_dir`, creating the
    /// directory if needed. Fails early when the programs are missing.
    pub fn new(settings: Settings) -> Result<Self, Error> {
        let run_as = RunAs::detect()?;
        if !settings.data_dir.exists() {
            let mode = if matches!(run_as, RunAs::Me) {
                0o700
            } else {
                0o711
            };
            std::fs::DirBuilder::new()
                .recursive(true)
                .mode(mode)
                .create(&settings.data_dir)
                .map_err(Error::io("create", &settings.data_dir))?;
        }
        let data_dir = std::fs::canonicalize(&settings.data_dir)
            .map_err(Error::io("resolve", &settings.data_dir))?;
        let root = data_dir.join("postgres");
        let pgdata = root.join("cluster");
        let prefer_major = std::fs::read_to_string(pgdata.join("PG_VERSION"))
            .ok()
            .map(|v| v.trim().to_string());
        let binaries = locate_binaries(
            settings.bin_dir.as_deref(),
            std::env::var_os("PATH").as_deref(),
            Path::new("/usr/lib/postgresql"),
            prefer_major.as_deref(),
        )?;
        let extra = settings
            .extra_settings
            .iter()
            .map(|raw| conf::parse_setting(raw))
            .collect::<Result<_, _>>()?;
        Ok(Self {
            socket_dir: conf::socket_dir(&root, &pgdata),
            log_file: root.join("log").join("postgres.log"),
            password_file: root.join("password"),
            root,
            pgdata,
            binaries,
            run_as,
            extra,
            database: settings.database,
        })
    }

    /// PGDATA.
    pub fn pgdata(&self) -> &Path {
        &self.pgdata
    }

    /// The server log.
    pub fn log_file(&self) -> &Path {
        &self.log_file
    }

    /// The programs in use.
    pub fn binaries(&self) -> &Binaries {
        &self.binaries
    }

    /// Joins the cluster, creating and starting it if needed. Blocks while
    /// another process is starting or stopping it.
    pub fn start(&self) -> Result<Cluster, Error> {
        let _startup = self.lock_startup()?;
        let membership = open_lock_file(&self.users_lock())?;
        membership
            .lock_shared()
            .map_err(Error::io("lock", self.users_lock()))?;
        let info = self.ensure_running()?;
        Ok(Cluster {
            postgres: self.clone(),
            membership,
            info,
        })
    }

    /// Starts the cluster if needed and leaves it running with no member:
    /// for scripts (`easel-pg start`) that stop it later.
    pub fn start_detached(&self) -> Result<ConnectionInfo, Error> {
        let _startup = self.lock_startup()?;
        self.ensure_running()
    }

    /// Stops the cluster unless a process still uses it.
    pub fn stop_if_unused(&self) -> Result<StopOutcome, Error> {
        let _startup = self.lock_startup()?;
        let users = open_lock_file(&self.users_lock())?;
        match users.try_lock() {
            Ok(()) => self.stop_server(),
            Err(TryLockError::WouldBlock) => Ok(StopOutcome::InUse),
            Err(TryLockError::Error(err)) => Err(Error::io("lock", self.users_lock())(err)),
        }
    }

    /// How to reach the cluster if it is running now.
    pub fn running_info(&self) -> Result<Option<ConnectionInfo>, Error> {
        let Some(pid_file) = self.live_pid_file() else {
            return Ok(None);
        };
        Ok(Some(ConnectionInfo {
            socket_dir: pid_file
                .socket_dir
                .unwrap_or_else(|| self.socket_dir.clone()),
            port: pid_file.port.unwrap_or(PORT),
            user: SUPERUSER.into(),
            password: self.read_password()?,
            database: self.database.clone(),
        }))
    }

    /// Whether a postmaster serves this cluster now.
    pub fn is_running(&self) -> bool {
        self.live_pid_file().is_some()
    }

    /// `postmaster.pid`, if a live postmaster of this cluster wrote it.
    fn live_pid_file(&self) -> Option<conf::PidFile> {
        conf::read_pid_file(&self.pgdata)
            .filter(|pid_file| process::is_postmaster_of(pid_file.pid, &self.pgdata))
    }

    fn users_lock(&self) -> PathBuf {
        self.root.join("users.lock")
    }

    fn lock_startup(&self) -> Result<File, Error> {
        self.prepare_root()?;
        let path = self.root.join("startup.lock");
        let file = open_lock_file(&path)?;
        match file.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => {
                tracing::info!(
                    "waiting for another process that is starting or stopping the database"
                );
                file.lock().map_err(Error::io("lock", &path))?;
            }
            Err(TryLockError::Error(err)) => return Err(Error::io("lock", &path)(err)),
        }
        Ok(file)
    }

    fn prepare_root(&self) -> Result<(), Error> {
        self.run_as.check_reachable(&self.root)?;
        if !self.root.exists() {
            let mode = if matches!(self.run_as, RunAs::Me) {
                0o700
            } else {
                0o711
            };
            std::fs::DirBuilder::new()
                .mode(mode)
                .create(&self.root)
                .map_err(Error::io("create", &self.root))?;
        }
        Ok(())
    }

    fn ensure_running(&self) -> Result<ConnectionInfo, Error> {
        if !self.pgdata.join("PG_VERSION").exists() {
            self.init()?;
        }
        self.check_version()?;
        // Fail before starting anything if we could not log in anyway.
        self.read_password()?;
        if let Some(info) = self.running_info()? {
            tracing::info!(pgdata = %self.pgdata.display(), "adopting the running embedded PostgreSQL");
            return Ok(info);
        }
        self.clear_stale_locks()?;
        self.prepare_socket_dir()?;
        self.write_conf()?;
        self.start_server()?;
        self.running_info()?.ok_or_else(|| Error::StartFailed {
            reason: "pg_ctl reported success, but no postmaster is running".into(),
            log: self.log_file.clone(),
            tail: process::tail(&self.log_file, 20),
        })
    }

    fn init(&self) -> Result<(), Error> {
        let staging = self.root.join("cluster.partial");
        if staging.exists() {
            // A previous initdb was interrupted.
            std::fs::remove_dir_all(&staging).map_err(Error::io("remove", &staging))?;
        }
        tracing::info!(pgdata = %self.pgdata.display(), bin_dir = %self.binaries.bin_dir.display(), "creating the embedded PostgreSQL cluster");
        let password = conf::new_password();
        write_private(&self.password_file, &password)?;
        let pwfile = self.root.join("initdb-password");
        write_private(&pwfile, &password)?;
        self.run_as.give(&pwfile)?;
        let result = self.run_initdb(&staging, &pwfile, &["--locale=C.UTF-8"]).or_else(|err| {
            // Not every system has the C.UTF-8 locale; plain C always works.
            tracing::warn!(%err, "initdb with locale C.UTF-8 failed; retrying with the C locale");
            let _ = std::fs::remove_dir_all(&staging);
            self.run_initdb(&staging, &pwfile, &["--no-locale"])
        });
        let _ = std::fs::remove_file(&pwfile);
        result?;
        let conf_path = staging.join("postgresql.conf");
        let mut main_conf =
            std::fs::read_to_string(&conf_path).map_err(Error::io("read", &conf_path))?;
        main_conf.push_str("\n# Easel's settings (socket, listen addresses, extras):\ninclude_if_exists = 'easel.conf'\n");
        std::fs::write(&conf_path, main_conf).map_err(Error::io("write", &conf_path))?;
        std::fs::rename(&staging, &self.pgdata).map_err(Error::io("rename", &staging))?;
        Ok(())
    }

    fn run_initdb(&self, staging: &Path, pwfile: &Path, locale: &[&str]) -> Result<String, Error> {
        std::fs::DirBuilder::new()
            .mode(0o700)
            .create(staging)
            .map_err(Error::io("create", staging))?;
        self.run_as.give(staging)?;
        let mut command = self
            .run_as
            .command(&self.binaries.program("initdb"), &self.root);
        command
            .arg("--pgdata")
            .arg(staging)
            .arg("--username")
            .arg(SUPERUSER)
            .arg(format!("--pwfile={}", pwfile.display()))
            .arg("--auth=scram-sha-256")
            .arg("--encoding=UTF8")
            .args(locale);
        process::run(command, "initdb")
    }

    fn check_version(&self) -> Result<(), Error> {
        let cluster = std::fs::read_to_string(self.pgdata.join("PG_VERSION"))
            .unwrap_or_default()
            .trim()
            .to_string();
        let mut command = self
            .run_as
            .command(&self.binaries.program("pg_ctl"), &self.root);
        command.arg("--version");
        let output = process::run(command, "pg_ctl --version")?;
        // "pg_ctl (PostgreSQL) 15.18 (Debian ...)" → "15"
        let programs = output
            .split_whitespace()
            .nth(2)
            .and_then(|v| v.split('.').next())
            .unwrap_or_default()
            .to_string();
        if cluster.is_empty() || programs == cluster {
            return Ok(());
        }
        Err(Error::VersionMismatch {
            pgdata: self.pgdata.clone(),
            cluster,
            programs,
            bin_dir: self.binaries.bin_dir.clone(),
        })
    }

    /// Removes what a crashed server leaves behind: `postmaster.pid` whose
    /// PID is dead or now belongs to another program, and the socket's lock
    /// file. PostgreSQL handles a dead PID itself, but refuses to start when
    /// the PID was reused.
    fn clear_stale_locks(&self) -> Result<(), Error> {
        let pid_path = self.pgdata.join("postmaster.pid");
        if let Some(stale) = conf::read_pid_file(&self.pgdata) {
            tracing::warn!(
                pid = stale.pid,
                "removing a stale postmaster.pid left by a server that did not shut down cleanly"
            );
            std::fs::remove_file(&pid_path).map_err(Error::io("remove", &pid_path))?;
        }
        for name in [format!(".s.PGSQL.{PORT}.lock"), format!(".s.PGSQL.{PORT}")] {
            let path = self.socket_dir.join(name);
            if path.symlink_metadata().is_ok() {
                std::fs::remove_file(&path).map_err(Error::io("remove", &path))?;
            }
        }
        Ok(())
    }

    fn prepare_socket_dir(&self) -> Result<(), Error> {
        let dir = &self.socket_dir;
        match dir.symlink_metadata() {
            Ok(meta) => {
                let ours = match &self.run_as {
                    RunAs::Me => meta.uid() == nix::unistd::Uid::effective().as_raw(),
                    RunAs::Other { uid, .. } => meta.uid() == uid.as_raw(),
                };
                if !meta.is_dir() || !ours {
                    return Err(Error::Io {
                        action: "use as the socket folder (it is not a folder we own)",
                        path: dir.clone(),
                        source: std::io::Error::from(std::io::ErrorKind::PermissionDenied),
                    });
                }
            }
            Err(_) => {
                std::fs::DirBuilder::new()
                    .mode(0o700)
                    .create(dir)
                    .map_err(Error::io("create", dir))?;
                self.run_as.give(dir)?;
            }
        }
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))
            .map_err(Error::io("protect", dir))
    }

    fn write_conf(&self) -> Result<(), Error> {
        let path = self.pgdata.join("easel.conf");
        std::fs::write(&path, conf::easel_conf(&self.socket_dir, &self.extra))
            .map_err(Error::io("write", &path))?;
        self.run_as.give(&path)
    }

    fn start_server(&self) -> Result<(), Error> {
        let log_dir = self.log_file.parent().expect("the log file is in a folder");
        if !log_dir.exists() {
            std::fs::DirBuilder::new()
                .mode(0o700)
                .create(log_dir)
                .map_err(Error::io("create", log_dir))?;
            self.run_as.give(log_dir)?;
        }
        tracing::info!(pgdata = %self.pgdata.display(), socket = %self.socket_dir.display(), "starting the embedded PostgreSQL");
        let mut attempt = 0;
        loop {
            let started = process::run(self.pg_ctl_start(), "pg_ctl start");
            let Err(err) = started else { return Ok(()) };
            let tail = process::tail(&self.log_file, 20);
            // After a crash, the dead postmaster's children may hold its
            // shared memory for a moment while they notice and exit.
            attempt += 1;
            if attempt < 10 && tail.contains("pre-existing shared memory block") {
                std::thread::sleep(std::time::Duration::from_millis(300));
                continue;
            }
            return Err(Error::StartFailed {
                reason: err.to_string(),
                log: self.log_file.clone(),
                tail,
            });
        }
    }

    fn pg_ctl_start(&self) -> std::process::Command {
        let mut command = self
            .run_as
            .command(&self.binaries.program("pg_ctl"), &self.root);
        command
            .arg("start")
            .arg("--pgdata")
            .arg(&self.pgdata)
            .arg("--log")
            .arg(&self.log_file)
            .args(["--wait", "--timeout", PG_CTL_WAIT_SECS, "--silent"]);
        command
    }

    fn stop_server(&self) -> Result<StopOutcome, Error> {
        if !self.is_running() {
            return Ok(StopOutcome::NotRunning);
        }
        tracing::info!(pgdata = %self.pgdata.display(), "stopping the embedded PostgreSQL");
        let mut command = self
            .run_as
            .command(&self.binaries.program("pg_ctl"), &self.root);
        command.arg("stop").arg("--pgdata").arg(&self.pgdata).args([
            "--mode",
            "fast",
            "--wait",
            "--timeout",
            PG_CTL_WAIT_SECS,
            "--silent",
        ]);
        process::run(command, "pg_ctl stop")?;
        Ok(StopOutcome::Stopped)
    }

    fn read_password(&self) -> Result<String, Error> {
        match std::fs::read_to_string(&self.password_file) {
            Ok(text) => Ok(text.trim().to_string()),
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
                Err(Error::PasswordMissing(self.password_file.clone()))
            }
            Err(err) => Err(Error::io("read", &self.password_file)(err)),
        }
    }
}

fn open_lock_file(path: &Path) -> Result<File, Error> {
    OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .mode(0o600)
        .open(path)
        .map_err(Error::io("open", path))
}

fn write_private(path: &Path, contents: &str) -> Result<(), Error> {
    let _ = std::fs::remove_file(path);
    let mut file = OpenOptions::new()
        .create_new(true)
        .write(true)
        .mode(0o600)
        .open(path)
        .map_err(Error::io("create", path))?;
    std::io::Write::write_all(&mut file, contents.as_bytes()).map_err(Error::io("write", path))
}
