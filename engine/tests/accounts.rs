//! Accounts against a real Postgres: each test gets a fresh, migrated
//! database from `#[sqlx::test]` (the test command points DATABASE_URL at
//! the embedded cluster).

use std::net::{IpAddr, Ipv4Addr};
use std::time::Duration;

use easel_domain::account::{LoginForm, RegisterForm, Role};
use easel_engine::accounts::{
    AccountError, Accounts, AuthSettings, ClientMeta, LimitScope, RegistrationPolicy, SessionToken,
};
use sqlx::PgPool;

fn client(last_octet: u8) -> ClientMeta {
    ClientMeta::new(
        IpAddr::V4(Ipv4Addr::new(192, 0, 2, last_octet)),
        Some("test-agent/1.0"),
    )
}

fn register_form(name: &str, password: &str) -> RegisterForm {
    RegisterForm {
        username: name.into(),
        password: password.into(),
        confirm: password.into(),
    }
}

fn login_form(name: &str, password: &str) -> LoginForm {
    LoginForm {
        username: name.into(),
        password: password.into(),
        next: None,
    }
}

fn strict_limits() -> AuthSettings {
    AuthSettings {
        max_failures_per_account: 3,
        max_failures_per_address: 5,
        ..AuthSettings::default()
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn the_first_account_is_admin_and_later_ones_are_members(db: PgPool) {
    let accounts = Accounts::new(db, AuthSettings::default());
    let (first, _) = accounts
        .register(&register_form("ada", "analytical-engine"), &client(1))
        .await
        .unwrap();
    let (second, _) = accounts
        .register(&register_form("grace", "compilers-rock"), &client(1))
        .await
        .unwrap();
    assert_eq!(first.role, Role::Admin);
    assert_eq!(second.role, Role::Member);
}

#[sqlx::test(migrations = "../migrations")]
async fn concurrent_first_registrations_make_exactly_one_admin(db: PgPool) {
    let accounts = Accounts::new(db.clone(), AuthSettings::default());
    let tasks: Vec<_> = (0..5)
        .map(|i| {
            let accounts = accounts.clone();
            tokio::spawn(async move {
                accounts
                    .register(
                        &register_form(&format!("racer{i}"), "same-time-go"),
                        &client(1),
                    )
                    .await
            })
        })
        .collect();
    for task in tasks {
        task.await.unwrap().unwrap();
    }
    let admins: i64 = sqlx::query_scalar("select count(*) from users where role = 'admin'")
        .fetch_one(&db)
        .await
        .unwrap();
    assert_eq!(admins, 1);
}

#[sqlx::test(migrations = "../migrations")]
async fn registering_logs_in_and_the_session_authenticates(db: PgPool) {
    let accounts = Accounts::new(db, AuthSettings::default());
    let (user, session) = accounts
        .register(&register_form("ada", "analytical-engine"), &client(1))
        .await
        .unwrap();
    let resolved = accounts
        .authenticate(&session.token)
        .await
        .unwrap()
        .expect("session is live");
    assert_eq!(resolved.user, user);
    assert!(!resolved.renewed);
    let ttl = session.expires_at - chrono::Utc::now();
    assert!(
        ttl > chrono::TimeDelta::days(29) && ttl <= chrono::TimeDelta::days(30),
        "{ttl}"
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn names_differing_only_in_case_or_width_are_taken(db: PgPool) {
    let accounts = Accounts::new(db, AuthSettings::default());
    accounts
        .register(&register_form("Bob", "builder-of-things"), &client(1))
        .await
        .unwrap();
    for clash in ["bob", "BOB", "ｂｏｂ"] {
        let err = accounts
            .register(&register_form(clash, "another-password"), &client(1))
            .await
            .unwrap_err();
        assert!(
            matches!(err, AccountError::UsernameTaken),
            "{clash}: {err:?}"
        );
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn log_in_is_case_insensitive_and_keeps_the_typed_spelling(db: PgPool) {
    let accounts = Accounts::new(db, AuthSettings::default());
    accounts
        .register(&register_form("Zoë", "über-secret-1"), &client(1))
        .await
        .unwrap();
    let (user, _) = accounts
        .login(&login_form("ZOË", "über-secret-1"), &client(1))
        .await
        .unwrap();
    assert_eq!(user.username, "Zoë");
}

#[sqlx::test(migrations = "../migrations")]
async fn wrong_passwords_and_unknown_names_get_the_same_error(db: PgPool) {
    let accounts = Accounts::new(db.clone(), AuthSettings::default());
    accounts
        .register(&register_form("ada", "analytical-engine"), &client(1))
        .await
        .unwrap();
    let wrong = accounts
        .login(&login_form("ada", "difference-engine"), &client(1))
        .await
        .unwrap_err();
    let unknown = accounts
        .login(&login_form("nobody", "difference-engine"), &client(1))
        .await
        .unwrap_err();
    assert!(matches!(wrong, AccountError::InvalidCredentials));
    assert!(matches!(unknown, AccountError::InvalidCredentials));
    let failures: i64 =
        sqlx::query_scalar("select count(*) from login_attempts where not succeeded")
            .fetch_one(&db)
            .await
            .unwrap();
    assert_eq!(failures, 2);
}

#[sqlx::test(migrations = "../migrations")]
async fn sql_looking_input_is_stored_as_plain_text(db: PgPool) {
    let accounts = Accounts::new(db.clone(), AuthSettings::default());
    let password = "'); drop table users; --";
    accounts
        .register(&register_form("mallory", password), &client(1))
        .await
        .unwrap();
    accounts
        .login(&login_form("mallory", password), &client(1))
        .await
        .unwrap();
    let err = accounts
        .register(
            &register_form("x'; drop table users; --", password),
            &client(1),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(err, AccountError::Invalid(ref e) if e.field == "username"),
        "{err:?}"
    );
    let users: i64 = sqlx::query_scalar("select count(*) from users")
        .fetch_one(&db)
        .await
        .unwrap();
    assert_eq!(users, 1);
}

#[sqlx::test(migrations = "../migrations")]
async fn logging_out_ends_the_session_and_is_idempotent(db: PgPool) {
    let accounts = Accounts::new(db, AuthSettings::default());
    let (_, session) = accounts
        .register(&register_form("ada", "analytical-engine"), &client(1))
        .await
        .unwrap();
    accounts.logout(&session.token).await.unwrap();
    assert!(
        accounts
            .authenticate(&session.token)
            .await
            .unwrap()
            .is_none()
    );
    accounts.logout(&session.token).await.unwrap();
}

#[sqlx::test(migrations = "../migrations")]
async fn unknown_tokens_resolve_to_no_session(db: PgPool) {
    let accounts = Accounts::new(db, AuthSettings::default());
    accounts
        .register(&register_form("ada", "analytical-engine"), &client(1))
        .await
        .unwrap();
    assert!(
        accounts
            .authenticate(&SessionToken::generate())
            .await
            .unwrap()
            .is_none()
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn expired_sessions_do_not_authenticate_and_are_pruned(db: PgPool) {
    let accounts = Accounts::new(db.clone(), AuthSettings::default());
    let (_, session) = accounts
        .register(&register_form("ada", "analytical-engine"), &client(1))
        .await
        .unwrap();
    sqlx::query("update sessions set expires_at = now() - interval '1 second'")
        .execute(&db)
        .await
        .unwrap();
    assert!(
        accounts
            .authenticate(&session.token)
            .await
            .unwrap()
            .is_none()
    );
    let (pruned_sessions, _) = accounts.prune().await.unwrap();
    assert_eq!(pruned_sessions, 1);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_session_idle_for_over_an_hour_is_extended(db: PgPool) {
    let accounts = Accounts::new(db.clone(), AuthSettings::default());
    let (_, session) = accounts
        .register(&register_form("ada", "analytical-engine"), &client(1))
        .await
        .unwrap();
    sqlx::query("update sessions set updated_at = now() - interval '2 hours', expires_at = now() + interval '1 day'")
        .execute(&db)
        .await
        .unwrap();
    let resolved = accounts
        .authenticate(&session.token)
        .await
        .unwrap()
        .unwrap();
    assert!(resolved.renewed);
    assert!(resolved.expires_at - chrono::Utc::now() > chrono::TimeDelta::days(29));
}

#[sqlx::test(migrations = "../migrations")]
async fn an_account_locks_after_its_failure_limit_even_for_the_right_password(db: PgPool) {
    let accounts = Accounts::new(db, strict_limits());
    accounts
        .register(&register_form("ada", "analytical-engine"), &client(1))
        .await
        .unwrap();
    for attempt in 0..3 {
        let err = accounts
            .login(&login_form("ada", "wrong-guess"), &client(attempt + 10))
            .await
            .unwrap_err();
        assert!(matches!(err, AccountError::InvalidCredentials));
    }
    let err = accounts
        .login(&login_form("ADA", "analytical-engine"), &client(99))
        .await
        .unwrap_err();
    match err {
        AccountError::RateLimited {
            scope,
            retry_after_secs,
        } => {
            assert_eq!(scope, LimitScope::Account);
            assert!(
                (1..=15 * 60).contains(&retry_after_secs),
                "{retry_after_secs}"
            );
        }
        other => panic!("expected a rate limit, got {other:?}"),
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn a_successful_log_in_resets_the_account_count(db: PgPool) {
    let accounts = Accounts::new(db, strict_limits());
    accounts
        .register(&register_form("ada", "analytical-engine"), &client(1))
        .await
        .unwrap();
    for _ in 0..2 {
        accounts
            .login(&login_form("ada", "wrong-guess"), &client(2))
            .await
            .unwrap_err();
    }
    accounts
        .login(&login_form("ada", "analytical-engine"), &client(2))
        .await
        .unwrap();
    for _ in 0..2 {
        accounts
            .login(&login_form("ada", "wrong-guess"), &client(3))
            .await
            .unwrap_err();
    }
    accounts
        .login(&login_form("ada", "analytical-engine"), &client(3))
        .await
        .unwrap();
}

#[sqlx::test(migrations = "../migrations")]
async fn an_address_locks_after_failures_across_accounts(db: PgPool) {
    let accounts = Accounts::new(db, strict_limits());
    accounts
        .register(&register_form("ada", "analytical-engine"), &client(1))
        .await
        .unwrap();
    for i in 0..5 {
        let err = accounts
            .login(&login_form(&format!("guess{i}"), "nope-nope"), &client(7))
            .await
            .unwrap_err();
        assert!(matches!(err, AccountError::InvalidCredentials));
    }
    let err = accounts
        .login(&login_form("ada", "analytical-engine"), &client(7))
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            AccountError::RateLimited {
                scope: LimitScope::Address,
                ..
            }
        ),
        "{err:?}"
    );
    // Another address is not affected.
    accounts
        .login(&login_form("ada", "analytical-engine"), &client(8))
        .await
        .unwrap();
}

#[sqlx::test(migrations = "../migrations")]
async fn the_lock_lifts_when_failures_leave_the_window(db: PgPool) {
    let accounts = Accounts::new(db.clone(), strict_limits());
    accounts
        .register(&register_form("ada", "analytical-engine"), &client(1))
        .await
        .unwrap();
    for _ in 0..3 {
        accounts
            .login(&login_form("ada", "wrong-guess"), &client(2))
            .await
            .unwrap_err();
    }
    assert!(matches!(
        accounts
            .login(&login_form("ada", "analytical-engine"), &client(2))
            .await,
        Err(AccountError::RateLimited { .. })
    ));
    // Age the failures past the 15-minute window instead of sleeping.
    sqlx::query("update login_attempts set created_at = created_at - interval '16 minutes'")
        .execute(&db)
        .await
        .unwrap();
    accounts
        .login(&login_form("ada", "analytical-engine"), &client(2))
        .await
        .unwrap();
}

#[sqlx::test(migrations = "../migrations")]
async fn closed_registration_admits_only_the_first_account(db: PgPool) {
    let settings = AuthSettings {
        registration: RegistrationPolicy::Closed,
        ..AuthSettings::default()
    };
    let accounts = Accounts::new(db, settings);
    let (admin, _) = accounts
        .register(&register_form("owner", "first-in-line"), &client(1))
        .await
        .unwrap();
    assert_eq!(admin.role, Role::Admin);
    let err = accounts
        .register(&register_form("stranger", "let-me-in-pls"), &client(1))
        .await
        .unwrap_err();
    assert!(matches!(err, AccountError::RegistrationClosed));
    // The command line still creates accounts.
    let member = accounts
        .create_user("colleague", "invited-by-owner", false)
        .await
        .unwrap();
    assert_eq!(member.role, Role::Member);
}

#[sqlx::test(migrations = "../migrations")]
async fn the_command_line_can_create_extra_admins(db: PgPool) {
    let accounts = Accounts::new(db, AuthSettings::default());
    accounts
        .create_user("first", "first-password", false)
        .await
        .unwrap();
    let second = accounts
        .create_user("second", "second-password", true)
        .await
        .unwrap();
    assert_eq!(second.role, Role::Admin);
    let err = accounts.create_user("x", "short", false).await.unwrap_err();
    assert!(matches!(err, AccountError::Invalid(_)));
}

#[sqlx::test(migrations = "../migrations")]
async fn the_overview_counts_live_sessions(db: PgPool) {
    let accounts = Accounts::new(
        db,
        AuthSettings {
            session_ttl: Duration::from_secs(3600),
            ..AuthSettings::default()
        },
    );
    let (user, _) = accounts
        .register(&register_form("ada", "analytical-engine"), &client(1))
        .await
        .unwrap();
    accounts
        .login(&login_form("ada", "analytical-engine"), &client(2))
        .await
        .unwrap();
    let overview = accounts.overview(user.id).await.unwrap();
    assert_eq!(overview.active_sessions, 2);
    assert_eq!(overview.user, user);
    assert!(matches!(
        accounts.overview(uuid::Uuid::now_v7()).await,
        Err(AccountError::UserNotFound)
    ));
}
