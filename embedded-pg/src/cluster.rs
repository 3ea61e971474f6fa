//! The cluster of one data directory, and how processes share it: each
//! member holds a shared lock; starting and stopping hold an exclusive one.

mod lifecycle;

use std::fs::{File, OpenOptions, TryLockError};
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::path::{Path, PathBuf};

use crate::Error;
use crate::binaries::{Binaries, locate_binaries};
use crate::conf::{self, PORT};
use crate::connection::ConnectionInfo;
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
