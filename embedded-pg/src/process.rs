//! Running PostgreSQL's programs, as an unprivileged user when we are root.

use std::os::unix::fs::MetadataExt;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::Command;

use nix::unistd::{Gid, Uid, User};

use crate::Error;

/// Who PostgreSQL's programs run as.
#[derive(Debug, Clone)]
pub(crate) enum RunAs {
    /// As this process's own user.
    Me,
    /// As another account: we are root, and PostgreSQL refuses to run as root.
    Other {
        /// The account's name, for messages.
        name: String,
        uid: Uid,
        gid: Gid,
    },
}

impl RunAs {
    /// Picks the account: ourselves, or `postgres` (else `nobody`) when root.
    pub(crate) fn detect() -> Result<Self, Error> {
        if !Uid::effective().is_root() {
            return Ok(RunAs::Me);
        }
        for name in ["postgres", "nobody"] {
            if let Ok(Some(user)) = User::from_name(name) {
                return Ok(RunAs::Other {
                    name: name.into(),
                    uid: user.uid,
                    gid: user.gid,
                });
            }
        }
        Err(Error::NoUnprivilegedUser)
    }

    /// Gives `path` to the account (a no-op when we run as ourselves).
    pub(crate) fn give(&self, path: &Path) -> Result<(), Error> {
        if let RunAs::Other { uid, gid, .. } = self {
            std::os::unix::fs::chown(path, Some(uid.as_raw()), Some(gid.as_raw()))
                .map_err(Error::io("change the owner of", path))?;
        }
        Ok(())
    }

    /// Checks that the account can walk down to `dir`: every ancestor must
    /// be searchable by it. Only matters when it is not us.
    pub(crate) fn check_reachable(&self, dir: &Path) -> Result<(), Error> {
        let RunAs::Other { name, uid, gid } = self else {
            return Ok(());
        };
        let mut current = PathBuf::new();
        for part in dir.components() {
            current.push(part);
            let Ok(meta) = std::fs::metadata(&current) else {
                break;
            };
            let mode = meta.mode();
            let searchable = if meta.uid() == uid.as_raw() {
                mode & 0o100 != 0
            } else if meta.gid() == gid.as_raw() {
                mode & 0o010 != 0
            } else {
                mode & 0o001 != 0
            };
            if !searchable {
                return Err(Error::Unreachable {
                    path: current,
                    user: name.clone(),
                });
            }
        }
        Ok(())
    }

    /// A command for `program`, set to run as the account, in `cwd` (which
    /// the account must be able to enter: some programs call getcwd), in its
    /// own process group so that a Ctrl-C meant for Easel does not reach the
    /// database server; Easel stops it in order itself.
    pub(crate) fn command(&self, program: &Path, cwd: &Path) -> Command {
        let mut command = Command::new(program);
        command
            .current_dir(cwd)
            .process_group(0)
            .env("LC_ALL", "C")
            .env_remove("PGDATA");
        if let RunAs::Other { uid, gid, .. } = self {
            // std drops supplementary groups when root sets a uid.
            command.uid(uid.as_raw()).gid(gid.as_raw());
        }
        command
    }
}

/// Runs a command to completion; a non-zero exit becomes [`Error::Program`]
/// with what it printed.
pub(crate) fn run(mut command: Command, label: &str) -> Result<String, Error> {
    tracing::debug!(program = label, "running");
    let output = command.output().map_err(|source| Error::Program {
        program: label.to_string(),
        status: "could not start".into(),
        output: source.to_string(),
    })?;
    let mut text = String::from_utf8_lossy(&output.stdout).into_owned();
    text.push_str(&String::from_utf8_lossy(&output.stderr));
    if output.status.success() {
        Ok(text)
    } else {
        Err(Error::Program {
            program: label.to_string(),
            status: output.status.to_string(),
            output: text.trim().to_string(),
        })
    }
}

/// Whether `pid` is a live postmaster whose data directory is `pgdata`.
///
/// A PID in a stale `postmaster.pid` may since have been reused by an
/// unrelated process (after a reboot, say), so being alive is not enough:
/// the postmaster's working directory is its data directory.
pub(crate) fn is_postmaster_of(pid: i32, pgdata: &Path) -> bool {
    let proc_dir = PathBuf::from(format!("/proc/{pid}"));
    if !Path::new("/proc/self").exists() {
        // No procfs: fall back to "is the PID alive".
        return nix::sys::signal::kill(nix::unistd::Pid::from_raw(pid), None).is_ok();
    }
    let Ok(cwd) = std::fs::read_link(proc_dir.join("cwd")) else {
        return false;
    };
    let same_dir = match std::fs::canonicalize(pgdata) {
        Ok(real) => cwd == real,
        Err(_) => false,
    };
    let comm = std::fs::read_to_string(proc_dir.join("comm")).unwrap_or_default();
    same_dir && comm.trim_end().starts_with("postgres")
}

/// The last `lines` lines of a log file, for error messages.
pub(crate) fn tail(path: &Path, lines: usize) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_else(|err| format!("(unreadable: {err})"));
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}
