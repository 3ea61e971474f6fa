//! Session tokens and the `sessions` table.
//!
//! The cookie holds 32 random bytes (base64url, 43 characters). The table
//! holds only their SHA-256, so reading the table does not let anyone in.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Utc};
use rand::RngCore;
use rand::rngs::OsRng;
use sha2::{Digest, Sha256};
use sqlx::PgPool;
use uuid::Uuid;

use super::ClientMeta;

/// Length of an encoded token.
const TOKEN_CHARS: usize = 43;
/// A session seen again after this long is extended (and its cookie
/// re-issued), so active users stay logged in without a write per request.
pub const RENEW_AFTER_SECS: i64 = 60 * 60;

/// A session's secret, as it travels in the cookie. Its `Debug` is redacted.
#[derive(Clone, PartialEq, Eq)]
pub struct SessionToken(String);

impl std::fmt::Debug for SessionToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SessionToken([redacted])")
    }
}

impl SessionToken {
    /// A new random token.
    pub fn generate() -> Self {
        let mut bytes = [0u8; 32];
        OsRng.fill_bytes(&mut bytes);
        Self(URL_SAFE_NO_PAD.encode(bytes))
    }

    /// Accepts a cookie value only if it has the shape of a token; anything
    /// else (tampered, truncated, from another app) is refused without a
    /// database round trip.
    pub fn parse(value: &str) -> Option<Self> {
        let well_formed = value.len() == TOKEN_CHARS
            && value
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        well_formed.then(|| Self(value.to_string()))
    }

    /// The cookie value.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// What the database stores.
    pub(crate) fn hash(&self) -> Vec<u8> {
        Sha256::digest(self.0.as_bytes()).to_vec()
    }
}

/// A session that was just created.
#[derive(Debug, Clone)]
pub struct NewSession {
    /// The secret for the cookie.
    pub token: SessionToken,
    /// When it lapses unless used.
    pub expires_at: DateTime<Utc>,
}

/// Stores a new session for `user_id`.
pub(crate) async fn create(
    db: &PgPool,
    user_id: Uuid,
    ttl_secs: i64,
    client: &ClientMeta,
) -> Result<NewSession, sqlx::Error> {
    let token = SessionToken::generate();
    let expires_at = sqlx::query_scalar!(
        r#"insert into sessions (token_hash, user_id, expires_at, ip, user_agent)
           values ($1, $2, now() + make_interval(secs => $3), $4, $5)
           returning expires_at"#,
        token.hash(),
        user_id,
        ttl_secs as f64,
        client.ip_network(),
        client.user_agent.as_deref(),
    )
    .fetch_one(db)
    .await?;
    Ok(NewSession { token, expires_at })
}

/// A live session's row joined with its user.
pub(crate) struct SessionRow {
    pub user_id: Uuid,
    pub username: String,
    pub role: String,
    pub expires_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Finds the unexpired session with this token.
pub(crate) async fn find(
    db: &PgPool,
    token: &SessionToken,
) -> Result<Option<SessionRow>, sqlx::Error> {
    sqlx::query_as!(
        SessionRow,
        r#"select s.user_id, u.username, u.role, s.expires_at, s.updated_at
           from sessions s
           join users u on u.id = s.user_id
           where s.token_hash = $1 and s.expires_at > now()"#,
        token.hash(),
    )
    .fetch_optional(db)
    .await
}

/// Pushes a session's expiry `ttl_secs` into the future; returns the new
/// expiry.
pub(crate) async fn renew(
    db: &PgPool,
    token: &SessionToken,
    ttl_secs: i64,
) -> Result<Option<DateTime<Utc>>, sqlx::Error> {
    sqlx::query_scalar!(
        r#"update sessions
           set updated_at = now(), expires_at = now() + make_interval(secs => $2)
           where token_hash = $1 and expires_at > now()
           returning expires_at"#,
        token.hash(),
        ttl_secs as f64,
    )
    .fetch_optional(db)
    .await
}

/// Deletes one session; true if it existed.
pub(crate) async fn delete(db: &PgPool, token: &SessionToken) -> Result<bool, sqlx::Error> {
    let result = sqlx::query!("delete from sessions where token_hash = $1", token.hash())
        .execute(db)
        .await?;
    Ok(result.rows_affected() > 0)
}

/// How many unexpired sessions a user has.
pub(crate) async fn count_active(db: &PgPool, user_id: Uuid) -> Result<i64, sqlx::Error> {
    let count = sqlx::query_scalar!(
        r#"select count(*) as "count!" from sessions where user_id = $1 and expires_at > now()"#,
        user_id,
    )
    .fetch_one(db)
    .await?;
    Ok(count)
}

/// Deletes expired sessions; returns how many.
pub(crate) async fn delete_expired(db: &PgPool) -> Result<u64, sqlx::Error> {
    let result = sqlx::query!("delete from sessions where expires_at <= now()")
        .execute(db)
        .await?;
    Ok(result.rows_affected())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_tokens_parse_and_differ() {
        let a = SessionToken::generate();
        let b = SessionToken::generate();
        assert_ne!(a, b);
        assert_eq!(SessionToken::parse(a.as_str()), Some(a.clone()));
        assert_eq!(a.hash().len(), 32);
    }

    #[test]
    fn malformed_cookie_values_are_refused() {
        let good = SessionToken::generate();
        let truncated = &good.as_str()[..42];
        let extended = format!("{}A", good.as_str());
        let foreign = format!("{}!", &good.as_str()[..42]);
        for bad in [
            "",
            truncated,
            extended.as_str(),
            foreign.as_str(),
            "' or 1=1 --",
        ] {
            assert_eq!(SessionToken::parse(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn debug_output_hides_the_secret() {
        let token = SessionToken::generate();
        assert!(!format!("{token:?}").contains(token.as_str()));
    }
}
