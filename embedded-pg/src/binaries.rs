//! Finding `initdb`, `pg_ctl` and `postgres` on this machine.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};

use crate::Error;

/// The programs every cluster operation needs, all from one folder (they
/// must be the same PostgreSQL version).
const REQUIRED: [&str; 3] = ["initdb", "pg_ctl", "postgres"];

/// Where the PostgreSQL server programs are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Binaries {
    /// The folder holding `initdb`, `pg_ctl` and `postgres`.
    pub bin_dir: PathBuf,
}

impl Binaries {
    /// The path of one program in the folder.
    pub fn program(&self, name: &str) -> PathBuf {
        self.bin_dir.join(name)
    }
}

/// Finds the server programs.
///
/// - `explicit`: a folder the user named; only that folder is searched.
/// - otherwise `path_var` (the `PATH`) is searched for `pg_ctl`, following
///   symlinks to the real folder (Debian links `/usr/local/bin/pg_ctl` to
///   `/usr/lib/postgresql/15/bin`), then `<versions_root>/*/bin` from the
///   newest major version down, or `<versions_root>/<prefer_major>/bin` first
///   when an existing cluster says which version made it.
pub fn locate_binaries(
    explicit: Option<&Path>,
    path_var: Option<&OsStr>,
    versions_root: &Path,
    prefer_major: Option<&str>,
) -> Result<Binaries, Error> {
    if let Some(dir) = explicit {
        return complete_dir(dir).ok_or_else(|| missing_error(dir, &[dir.to_path_buf()]));
    }
    let mut searched = Vec::new();
    if let Some(major) = prefer_major {
        let dir = versions_root.join(major).join("bin");
        if let Some(found) = complete_dir(&dir) {
            return Ok(found);
        }
    }
    if let Some(path_var) = path_var {
        for dir in std::env::split_paths(path_var) {
            if dir.as_os_str().is_empty() {
                continue;
            }
            let candidate = dir.join("pg_ctl");
            if let Some(found) = std::fs::canonicalize(&candidate)
                .ok()
                .as_deref()
                .and_then(Path::parent)
                .and_then(complete_dir)
            {
                return Ok(found);
            }
            searched.push(dir);
        }
    }
    for dir in versioned_dirs(versions_root) {
        if let Some(found) = complete_dir(&dir) {
            return Ok(found);
        }
        searched.push(dir);
    }
    searched.push(versions_root.join("*/bin"));
    Err(missing_error(&searched[0], &searched))
}

/// `<root>/<major>/bin` folders, newest major first.
fn versioned_dirs(root: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(root) else {
        return Vec::new();
    };
    let mut versions: Vec<(u32, PathBuf)> = entries
        .filter_map(Result::ok)
        .filter_map(|entry| {
            let name = entry.file_name();
            let major = name.to_str()?.split('.').next()?.parse::<u32>().ok()?;
            Some((major, entry.path().join("bin")))
        })
        .collect();
    versions.sort_by_key(|version| std::cmp::Reverse(version.0));
    versions.into_iter().map(|(_, dir)| dir).collect()
}

fn complete_dir(dir: &Path) -> Option<Binaries> {
    REQUIRED
        .iter()
        .all(|name| is_executable(&dir.join(name)))
        .then(|| Binaries {
            bin_dir: dir.to_path_buf(),
        })
}

fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path)
        .is_ok_and(|meta| meta.is_file() && meta.permissions().mode() & 0o111 != 0)
}

fn missing_error(first: &Path, searched: &[PathBuf]) -> Error {
    let missing: Vec<&str> = REQUIRED
        .iter()
        .copied()
        .filter(|name| !is_executable(&first.join(name)))
        .collect();
    let missing = if missing.is_empty() {
        REQUIRED.to_vec()
    } else {
        missing
    };
    let searched: Vec<String> = searched.iter().map(|p| p.display().to_string()).collect();
    Error::BinariesMissing {
        missing: missing.join(", "),
        searched: if searched.is_empty() {
            "nowhere (PATH is empty)".into()
        } else {
            searched.join(", ")
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn fake_program(dir: &Path, name: &str) {
        std::fs::create_dir_all(dir).unwrap();
        let path = dir.join(name);
        std::fs::write(&path, "#!/bin/sh\n").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    }

    fn fake_install(dir: &Path) {
        for name in REQUIRED {
            fake_program(dir, name);
        }
    }

    #[test]
    fn nothing_installed_names_every_program_and_how_to_fix_it() {
        let empty = tempfile::tempdir().unwrap();
        let err = locate_binaries(None, Some(OsStr::new("")), empty.path(), None).unwrap_err();
        let text = err.to_string();
        assert!(text.contains("initdb, pg_ctl, postgres"), "{text}");
        assert!(text.contains("apt-get install postgresql"), "{text}");
        assert!(text.contains("DATABASE_URL"), "{text}");
    }

    #[test]
    fn an_explicit_folder_missing_one_program_names_that_program() {
        let dir = tempfile::tempdir().unwrap();
        fake_program(dir.path(), "pg_ctl");
        fake_program(dir.path(), "postgres");
        let err =
            locate_binaries(Some(dir.path()), None, Path::new("/nonexistent"), None).unwrap_err();
        match err {
            Error::BinariesMissing { missing, .. } => assert_eq!(missing, "initdb"),
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn path_symlinks_are_followed_to_the_real_folder() {
        let root = tempfile::tempdir().unwrap();
        let real = root.path().join("lib/postgresql/15/bin");
        fake_install(&real);
        let linkdir = root.path().join("bin");
        std::fs::create_dir_all(&linkdir).unwrap();
        std::os::unix::fs::symlink(real.join("pg_ctl"), linkdir.join("pg_ctl")).unwrap();
        let found = locate_binaries(
            None,
            Some(linkdir.as_os_str()),
            Path::new("/nonexistent"),
            None,
        )
        .unwrap();
        assert_eq!(found.bin_dir, std::fs::canonicalize(&real).unwrap());
    }

    #[test]
    fn the_newest_versioned_folder_wins_unless_a_cluster_prefers_another() {
        let root = tempfile::tempdir().unwrap();
        for major in ["9.6", "15", "16"] {
            fake_install(&root.path().join(major).join("bin"));
        }
        let newest = locate_binaries(None, None, root.path(), None).unwrap();
        assert_eq!(newest.bin_dir, root.path().join("16/bin"));
        let preferred = locate_binaries(None, None, root.path(), Some("15")).unwrap();
        assert_eq!(preferred.bin_dir, root.path().join("15/bin"));
    }
}
