//! The cluster's lifecycle on disk and as a process: initdb, crash
//! leftovers, the socket folder, our settings file, pg_ctl start and stop.

use std::fs::OpenOptions;
use std::os::unix::fs::{DirBuilderExt, MetadataExt, OpenOptionsExt, PermissionsExt};
use std::path::Path;

use super::{EmbeddedPostgres, PG_CTL_WAIT_SECS, SUPERUSER, StopOutcome};
use crate::Error;
use crate::conf::{self, PORT};
use crate::connection::ConnectionInfo;
use crate::process::{self, RunAs};

impl EmbeddedPostgres {
    pub(super) fn ensure_running(&self) -> Result<ConnectionInfo, Error> {
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

    pub(super) fn stop_server(&self) -> Result<StopOutcome, Error> {
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

    pub(super) fn read_password(&self) -> Result<String, Error> {
        match std::fs::read_to_string(&self.password_file) {
            Ok(text) => Ok(text.trim().to_string()),
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
                Err(Error::PasswordMissing(self.password_file.clone()))
            }
            Err(err) => Err(Error::io("read", &self.password_file)(err)),
        }
    }
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
