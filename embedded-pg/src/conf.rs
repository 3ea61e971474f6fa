//! The files we keep beside and inside PGDATA: our postgresql.conf
//! fragment, the password, and what `postmaster.pid` says.

use std::path::{Path, PathBuf};

use crate::Error;

/// The port in the socket's file name (`.s.PGSQL.5432`). Nothing listens on
/// TCP, and the socket folder is private, so the standard port is safe.
pub(crate) const PORT: u16 = 5432;

/// The longest socket path a unix socket address holds (108 bytes with the
/// terminating NUL).
const MAX_SOCKET_PATH: usize = 107;

/// Checks and splits a `name=value` setting.
pub(crate) fn parse_setting(raw: &str) -> Result<(String, String), Error> {
    let (name, value) = raw
        .split_once('=')
        .ok_or_else(|| Error::BadSetting(raw.into()))?;
    let name = name.trim();
    let valid_name = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '.');
    if !valid_name || value.contains('\n') {
        return Err(Error::BadSetting(raw.into()));
    }
    Ok((name.to_string(), value.trim().to_string()))
}

/// A postgresql.conf string literal.
fn quote(value: &str) -> String {
    format!("'{}'", value.replace('\\', "\\\\").replace('\'', "''"))
}

/// The settings file we include from postgresql.conf, rewritten at every
/// start: unix socket only, in `socket_dir`, plus the user's extra settings.
pub(crate) fn easel_conf(socket_dir: &Path, extra: &[(String, String)]) -> String {
    let mut conf = String::from("# Written by Easel at every start; edits here are lost.\n");
    conf.push_str("listen_addresses = ''\n");
    conf.push_str(&format!("port = {PORT}\n"));
    conf.push_str(&format!(
        "unix_socket_directories = {}\n",
        quote(&socket_dir.to_string_lossy())
    ));
    conf.push_str("unix_socket_permissions = 0700\n");
    for (name, value) in extra {
        conf.push_str(&format!("{name} = {}\n", quote(value)));
    }
    conf
}

/// Where the socket goes: inside the data directory when the path fits in a
/// socket address, else a short folder in the temp directory named after a
/// hash of PGDATA.
pub(crate) fn socket_dir(postgres_dir: &Path, pgdata: &Path) -> PathBuf {
    let preferred = postgres_dir.join("socket");
    let socket_file_len = preferred.as_os_str().len() + format!("/.s.PGSQL.{PORT}.lock").len();
    if socket_file_len <= MAX_SOCKET_PATH {
        return preferred;
    }
    std::env::temp_dir().join(format!(
        "easel-pg-{:016x}",
        fnv1a(pgdata.as_os_str().as_encoded_bytes())
    ))
}

/// FNV-1a: a stable hash (std's is not promised to be stable across releases).
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(*byte)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// A new random superuser password.
pub(crate) fn new_password() -> String {
    use rand::Rng;
    use rand::distributions::Alphanumeric;
    rand::thread_rng()
        .sample_iter(&Alphanumeric)
        .take(40)
        .map(char::from)
        .collect()
}

/// What a running postmaster wrote to `postmaster.pid`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PidFile {
    pub pid: i32,
    pub port: Option<u16>,
    pub socket_dir: Option<PathBuf>,
}

/// Reads `PGDATA/postmaster.pid`; `None` when there is none.
pub(crate) fn read_pid_file(pgdata: &Path) -> Option<PidFile> {
    let text = std::fs::read_to_string(pgdata.join("postmaster.pid")).ok()?;
    parse_pid_file(&text)
}

/// Line 1 is the PID, line 4 the port, line 5 the first socket folder.
pub(crate) fn parse_pid_file(text: &str) -> Option<PidFile> {
    let lines: Vec<&str> = text.lines().collect();
    let pid = lines.first()?.trim().parse().ok()?;
    let port = lines.get(3).and_then(|line| line.trim().parse().ok());
    let socket_dir = lines
        .get(4)
        .map(|line| line.trim())
        .filter(|s| !s.is_empty())
        .map(PathBuf::from);
    Some(PidFile {
        pid,
        port,
        socket_dir,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_are_name_equals_value() {
        assert_eq!(
            parse_setting("fsync=off").unwrap(),
            ("fsync".into(), "off".into())
        );
        assert_eq!(
            parse_setting(" shared_buffers = 256MB ").unwrap(),
            ("shared_buffers".into(), "256MB".into())
        );
        for bad in ["fsync", "=off", "Fsync=off", "a b=c", "x=1\ny=2"] {
            assert!(
                matches!(parse_setting(bad), Err(Error::BadSetting(_))),
                "{bad}"
            );
        }
    }

    #[test]
    fn conf_values_are_quoted_safely() {
        let conf = easel_conf(
            Path::new("/tmp/it's here"),
            &[("work_mem".into(), "64MB".into())],
        );
        assert!(conf.contains("listen_addresses = ''\n"));
        assert!(conf.contains("unix_socket_directories = '/tmp/it''s here'\n"));
        assert!(conf.contains("work_mem = '64MB'\n"));
    }

    #[test]
    fn long_data_paths_get_a_short_socket_folder() {
        let short = socket_dir(
            Path::new("/srv/easel/postgres"),
            Path::new("/srv/easel/postgres/cluster"),
        );
        assert_eq!(short, Path::new("/srv/easel/postgres/socket"));
        let deep = PathBuf::from(format!("/{}/postgres", "d".repeat(100)));
        let fallback = socket_dir(&deep, &deep.join("cluster"));
        assert!(fallback.starts_with(std::env::temp_dir()));
        assert!(fallback.as_os_str().len() + "/.s.PGSQL.5432.lock".len() <= MAX_SOCKET_PATH);
        // Stable: the same cluster always gets the same folder.
        assert_eq!(fallback, socket_dir(&deep, &deep.join("cluster")));
    }

    #[test]
    fn pid_files_give_the_pid_port_and_socket() {
        let text = "4242\n/srv/pg\n1700000000\n5432\n/srv/sock\n\n  1234   5678\nready   \n";
        let parsed = parse_pid_file(text).unwrap();
        assert_eq!(
            parsed,
            PidFile {
                pid: 4242,
                port: Some(5432),
                socket_dir: Some("/srv/sock".into())
            }
        );
        assert_eq!(parse_pid_file("garbage"), None);
    }

    #[test]
    fn passwords_are_long_and_random() {
        let (a, b) = (new_password(), new_password());
        assert_eq!(a.len(), 40);
        assert_ne!(a, b);
    }
}
