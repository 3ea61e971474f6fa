//! How to reach a running cluster.

use std::path::PathBuf;

use sqlx::postgres::PgConnectOptions;

/// How to reach a running cluster.
#[derive(Clone)]
pub struct ConnectionInfo {
    /// The folder holding the unix socket.
    pub socket_dir: PathBuf,
    /// The port in the socket's name.
    pub port: u16,
    /// The role to log in as.
    pub user: String,
    pub(crate) password: String,
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
