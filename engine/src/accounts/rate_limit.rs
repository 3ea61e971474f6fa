//! Log-in rate limits, per account and per address, kept in Postgres so
//! that every server instance sees the same counts.
//!
//! An account is locked once it has `max_failures_per_account` failed
//! attempts within the window since its last successful log-in; an address
//! once it has `max_failures_per_address` failures within the window, for
//! any accounts. The lock lifts when enough of those failures age out of
//! the window; the error says when. Refused attempts are not recorded, so
//! hammering a locked account does not extend its lock.

use std::net::IpAddr;

use chrono::{DateTime, Utc};
use sqlx::PgPool;

use super::{AccountError, AuthSettings, LimitScope};
use crate::accounts::ClientMeta;

/// Refuses the attempt if the account or the address is locked.
pub(crate) async fn check(
    db: &PgPool,
    settings: &AuthSettings,
    username_key: &str,
    ip: IpAddr,
) -> Result<(), AccountError> {
    let window = settings.login_window.as_secs_f64();
    // The oldest failure that still counts towards the limit: the lock lifts
    // when it leaves the window.
    let account_lock = sqlx::query_scalar!(
        r#"select created_at from login_attempts
           where username_key = $1
             and not succeeded
             and created_at > now() - make_interval(secs => $2)
             and created_at > coalesce(
                 (select max(created_at) from login_attempts where username_key = $1 and succeeded),
                 '-infinity')
           order by created_at desc
           offset $3::bigint - 1 limit 1"#,
        username_key,
        window,
        i64::from(settings.max_failures_per_account),
    )
    .fetch_optional(db)
    .await?;
    if let Some(oldest) = account_lock {
        return Err(limited(oldest, settings, LimitScope::Account));
    }
    let address_lock = sqlx::query_scalar!(
        r#"select created_at from login_attempts
           where ip = $1
             and not succeeded
             and created_at > now() - make_interval(secs => $2)
           order by created_at desc
           offset $3::bigint - 1 limit 1"#,
        ClientMeta::network_of(ip),
        window,
        i64::from(settings.max_failures_per_address),
    )
    .fetch_optional(db)
    .await?;
    if let Some(oldest) = address_lock {
        return Err(limited(oldest, settings, LimitScope::Address));
    }
    Ok(())
}

fn limited(oldest: DateTime<Utc>, settings: &AuthSettings, scope: LimitScope) -> AccountError {
    let lifts_at = oldest + settings.login_window;
    let retry_after_secs = (lifts_at - Utc::now()).num_seconds().max(1) as u64;
    tracing::warn!(?scope, retry_after_secs, "log-in rate limit reached");
    AccountError::RateLimited {
        scope,
        retry_after_secs,
    }
}

/// Records one attempt.
pub(crate) async fn record(
    db: &PgPool,
    username_key: &str,
    ip: IpAddr,
    succeeded: bool,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "insert into login_attempts (username_key, ip, succeeded) values ($1, $2, $3)",
        username_key,
        ClientMeta::network_of(ip),
        succeeded,
    )
    .execute(db)
    .await?;
    Ok(())
}

/// Deletes attempts older than `keep_secs`; returns how many.
pub(crate) async fn delete_older_than(db: &PgPool, keep_secs: f64) -> Result<u64, sqlx::Error> {
    let result = sqlx::query!(
        "delete from login_attempts where created_at < now() - make_interval(secs => $1)",
        keep_secs,
    )
    .execute(db)
    .await?;
    Ok(result.rows_affected())
}
