//! Easel's engine: everything the server does that is not HTTP or UI.
//!
//! - [`db`]: the Postgres pool and the migrations.
//! - [`accounts`]: users, password hashing, sessions, log-in rate limits.
//!
//! The web layer (`app`'s server functions, `server`'s routes) calls into
//! an [`Engine`], which it gets from its state. Nothing here knows Leptos.

pub mod accounts;
pub mod db;

pub use accounts::{AccountError, Accounts, AuthSettings, ClientMeta, RegistrationPolicy};

use sqlx::PgPool;

/// The engine's services, cheap to clone: build one at start-up and share it.
#[derive(Clone)]
pub struct Engine {
    /// The database pool.
    pub db: PgPool,
    /// Accounts and sessions.
    pub accounts: Accounts,
}

impl std::fmt::Debug for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Engine").finish_non_exhaustive()
    }
}

impl Engine {
    /// Builds the services over a migrated database.
    pub fn new(db: PgPool, auth: AuthSettings) -> Self {
        Self {
            accounts: Accounts::new(db.clone(), auth),
            db,
        }
    }
}
