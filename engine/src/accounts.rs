//! Accounts: registration, log-in, sessions and rate limits.
//!
//! Every function here takes already-parsed input from the web layer and
//! returns an [`AccountError`] that says what happened in terms the web
//! layer maps to a status and a message.

mod passwords;
mod rate_limit;
pub mod sessions;

use std::net::IpAddr;
use std::time::Duration;

use chrono::{DateTime, Utc};
use easel_domain::ValidationError;
use easel_domain::account::{
    AccountOverview, LoginForm, RegisterForm, Role, SessionUser, Username, normalise_password,
    username_key, validate_new_password,
};
use sqlx::PgPool;
use uuid::Uuid;

pub use passwords::{HashError, PasswordHasher};
pub use sessions::{NewSession, SessionToken};

/// Whether anyone may register.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RegistrationPolicy {
    /// Anyone who can reach the server may create an account.
    #[default]
    Open,
    /// Only the first account may be created in the browser (it becomes the
    /// admin); others come from `easel user create`.
    Closed,
}

/// Account and session settings.
#[derive(Debug, Clone)]
pub struct AuthSettings {
    /// How long an unused session lasts.
    pub session_ttl: Duration,
    /// The window the log-in limits count failures in.
    pub login_window: Duration,
    /// Failed log-ins per account within the window before it is locked.
    pub max_failures_per_account: u32,
    /// Failed log-ins per client address within the window before it is locked.
    pub max_failures_per_address: u32,
    /// Who may register.
    pub registration: RegistrationPolicy,
}

impl Default for AuthSettings {
    fn default() -> Self {
        Self {
            session_ttl: Duration::from_secs(30 * 24 * 60 * 60),
            login_window: Duration::from_secs(15 * 60),
            max_failures_per_account: 10,
            max_failures_per_address: 50,
            registration: RegistrationPolicy::Open,
        }
    }
}

/// Which limit refused a log-in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LimitScope {
    /// Too many failures for this account.
    Account,
    /// Too many failures from this address.
    Address,
}

/// What can go wrong with an account operation.
#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    /// The input breaks a rule.
    #[error(transparent)]
    Invalid(#[from] ValidationError),
    /// Someone has this name already (compared case- and width-insensitively).
    #[error("that user name is taken")]
    UsernameTaken,
    /// Wrong name or password (deliberately not saying which).
    #[error("wrong user name or password")]
    InvalidCredentials,
    /// Too many failed log-ins.
    #[error("too many failed log-ins ({scope:?}); retry in {retry_after_secs} s")]
    RateLimited {
        /// Which limit.
        scope: LimitScope,
        /// Seconds until the next attempt may succeed.
        retry_after_secs: u64,
    },
    /// Registration is closed on this installation.
    #[error("registration is closed")]
    RegistrationClosed,
    /// No such user.
    #[error("no such user")]
    UserNotFound,
    /// Hashing failed.
    #[error(transparent)]
    Hash(#[from] HashError),
    /// The database failed.
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
}

/// Who is asking: the client's address (for rate limits and the sessions
/// list) and browser.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientMeta {
    /// The client's address.
    pub ip: IpAddr,
    /// Its User-Agent, cut to 256 characters.
    pub user_agent: Option<String>,
}

impl ClientMeta {
    /// Builds the metadata, trimming an overlong User-Agent.
    pub fn new(ip: IpAddr, user_agent: Option<&str>) -> Self {
        Self {
            ip,
            user_agent: user_agent.map(|ua| ua.chars().take(256).collect()),
        }
    }

    pub(crate) fn ip_network(&self) -> ipnetwork::IpNetwork {
        Self::network_of(self.ip)
    }

    pub(crate) fn network_of(ip: IpAddr) -> ipnetwork::IpNetwork {
        ipnetwork::IpNetwork::from(ip)
    }
}

/// A request's session, resolved from its cookie.
#[derive(Debug, Clone)]
pub struct AuthenticatedSession {
    /// Whose.
    pub user: SessionUser,
    /// The token, for log-out.
    pub token: SessionToken,
    /// When it lapses.
    pub expires_at: DateTime<Utc>,
    /// Whether this request extended it (the cookie should be re-issued).
    pub renewed: bool,
}

/// The accounts service.
#[derive(Clone)]
pub struct Accounts {
    db: PgPool,
    settings: std::sync::Arc<AuthSettings>,
    hasher: PasswordHasher,
}

/// A constant key for the advisory lock that serialises account creation,
/// so that exactly one "first user" becomes admin.
const CREATE_USER_LOCK: i64 = 0x6561_7365_6c5f_7573; // "easel_us"

impl Accounts {
    /// Builds the service.
    pub fn new(db: PgPool, settings: AuthSettings) -> Self {
        Self {
            db,
            settings: std::sync::Arc::new(settings),
            hasher: PasswordHasher::default(),
        }
    }

    /// The settings in force.
    pub fn settings(&self) -> &AuthSettings {
        &self.settings
    }

    /// Registers from the browser and logs the new user in. The first
    /// account becomes admin; when registration is closed, only the first.
    pub async fn register(
        &self,
        form: &RegisterForm,
        client: &ClientMeta,
    ) -> Result<(SessionUser, NewSession), AccountError> {
        let (username, password) = form.validate()?;
        let closed = self.settings.registration == RegistrationPolicy::Closed;
        let user = self.insert_user(&username, password, None, closed).await?;
        let session = sessions::create(&self.db, user.id, self.ttl_secs(), client).await?;
        tracing::info!(user_id = %user.id, role = user.role.as_str(), "registered");
        Ok((user, session))
    }

    /// Creates an account from the command line (`easel user create`).
    /// `admin` forces the role; otherwise the first account is admin.
    pub async fn create_user(
        &self,
        name: &str,
        password: &str,
        admin: bool,
    ) -> Result<SessionUser, AccountError> {
        let username = Username::parse(name)?;
        let password = validate_new_password(password, username.as_str())?;
        let role = admin.then_some(Role::Admin);
        self.insert_user(&username, password, role, false).await
    }

    async fn insert_user(
        &self,
        username: &Username,
        password: String,
        role: Option<Role>,
        only_if_first: bool,
    ) -> Result<SessionUser, AccountError> {
        // Hash before taking the lock: it is the slow part.
        let password_hash = self.hasher.hash(password).await?;
        let mut tx = self.db.begin().await?;
        sqlx::query!("select pg_advisory_xact_lock($1)", CREATE_USER_LOCK)
            .fetch_one(&mut *tx)
            .await?;
        let first = !sqlx::query_scalar!(r#"select exists (select 1 from users) as "exists!""#)
            .fetch_one(&mut *tx)
            .await?;
        if only_if_first && !first {
            return Err(AccountError::RegistrationClosed);
        }
        let role = role.unwrap_or(if first { Role::Admin } else { Role::Member });
        let id = Uuid::now_v7();
        let inserted = sqlx::query!(
            "insert into users (id, username, username_key, password_hash, role) values ($1, $2, $3, $4, $5)",
            id,
            username.as_str(),
            username.key(),
            password_hash,
            role.as_str(),
        )
        .execute(&mut *tx)
        .await;
        match inserted {
            Ok(_) => {}
            Err(sqlx::Error::Database(err))
                if err.constraint() == Some("users_username_key_unique") =>
            {
                return Err(AccountError::UsernameTaken);
            }
            Err(err) => return Err(err.into()),
        }
        tx.commit().await?;
        Ok(SessionUser {
            id,
            username: username.as_str().to_string(),
            role,
        })
    }

    /// Checks a log-in and opens a session. Rate limits are checked before
    /// the (expensive) password check.
    pub async fn login(
        &self,
        form: &LoginForm,
        client: &ClientMeta,
    ) -> Result<(SessionUser, NewSession), AccountError> {
        form.validate()?;
        let key = username_key(&form.username);
        rate_limit::check(&self.db, &self.settings, &key, client.ip).await?;
        let row = sqlx::query!(
            "select id, username, password_hash, role from users where username_key = $1",
            key
        )
        .fetch_optional(&self.db)
        .await?;
        let stored = row.as_ref().map(|r| r.password_hash.clone());
        let verified = self
            .hasher
            .verify(normalise_password(&form.password), stored)
            .await?;
        rate_limit::record(&self.db, &key, client.ip, verified).await?;
        let Some(row) = row.filter(|_| verified) else {
            tracing::info!(ip = %client.ip, "failed log-in");
            return Err(AccountError::InvalidCredentials);
        };
        let user = SessionUser {
            id: row.id,
            username: row.username,
            role: parse_role(&row.role),
        };
        let session = sessions::create(&self.db, user.id, self.ttl_secs(), client).await?;
        tracing::info!(user_id = %user.id, "logged in");
        Ok((user, session))
    }

    /// Ends a session. Ending an unknown or expired one is not an error.
    pub async fn logout(&self, token: &SessionToken) -> Result<(), AccountError> {
        if sessions::delete(&self.db, token).await? {
            tracing::info!("logged out");
        }
        Ok(())
    }

    /// Resolves a session cookie's token, extending the session when it has
    /// not been seen for an hour. `None` for unknown or expired tokens.
    pub async fn authenticate(
        &self,
        token: &SessionToken,
    ) -> Result<Option<AuthenticatedSession>, AccountError> {
        let Some(row) = sessions::find(&self.db, token).await? else {
            return Ok(None);
        };
        let user = SessionUser {
            id: row.user_id,
            username: row.username,
            role: parse_role(&row.role),
        };
        let stale =
            Utc::now() - row.updated_at > chrono::TimeDelta::seconds(sessions::RENEW_AFTER_SECS);
        let (expires_at, renewed) = if stale {
            match sessions::renew(&self.db, token, self.ttl_secs()).await? {
                Some(expires_at) => (expires_at, true),
                // Expired between the two statements.
                None => return Ok(None),
            }
        } else {
            (row.expires_at, false)
        };
        Ok(Some(AuthenticatedSession {
            user,
            token: token.clone(),
            expires_at,
            renewed,
        }))
    }

    /// The account page's data.
    pub async fn overview(&self, user_id: Uuid) -> Result<AccountOverview, AccountError> {
        let row = sqlx::query!(
            "select id, username, role, created_at from users where id = $1",
            user_id
        )
        .fetch_optional(&self.db)
        .await?
        .ok_or(AccountError::UserNotFound)?;
        let active_sessions = sessions::count_active(&self.db, user_id).await?;
        Ok(AccountOverview {
            user: SessionUser {
                id: row.id,
                username: row.username,
                role: parse_role(&row.role),
            },
            created_at: row.created_at,
            active_sessions,
        })
    }

    /// Deletes expired sessions and log-in attempts older than a week (or
    /// than the limiter's window, if longer). Returns (sessions, attempts).
    pub async fn prune(&self) -> Result<(u64, u64), AccountError> {
        let sessions = sessions::delete_expired(&self.db).await?;
        let keep = self
            .settings
            .login_window
            .as_secs_f64()
            .max(7.0 * 24.0 * 3600.0);
        let attempts = rate_limit::delete_older_than(&self.db, keep).await?;
        Ok((sessions, attempts))
    }

    fn ttl_secs(&self) -> i64 {
        self.settings.session_ttl.as_secs() as i64
    }
}

fn parse_role(value: &str) -> Role {
    // The check constraint allows only the two names.
    Role::parse(value).unwrap_or(Role::Member)
}
