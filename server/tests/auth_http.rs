//! Accounts over HTTP: the server functions, their cookies and their errors,
//! through the real router and a real Postgres database per test.

mod support;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use sqlx::PgPool;
use support::*;

#[sqlx::test(migrations = "../migrations")]
async fn registering_sets_a_safe_session_cookie_and_redirects_home(db: PgPool) {
    let router = router(db, &config());
    let reply = call(
        &router,
        "auth/register",
        &register_body("ada", "analytical-engine"),
        None,
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert_eq!(reply.json()["username"], "ada");
    assert_eq!(reply.json()["role"], "admin");
    let cookie = reply.session_cookie().unwrap();
    assert!(cookie.contains("; HttpOnly"), "{cookie}");
    assert!(cookie.contains("; SameSite=Lax"), "{cookie}");
    assert!(cookie.contains("; Path=/"), "{cookie}");
    assert!(
        !cookie.contains("Secure"),
        "plain http must not get Secure: {cookie}"
    );
    let max_age: i64 = cookie
        .split("Max-Age=")
        .nth(1)
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    assert!((29 * 86_400..=30 * 86_400).contains(&max_age), "{max_age}");
    // The server-fn client follows this header with client-side routing.
    assert_eq!(reply.header("location").as_deref(), Some("/"));
    assert!(reply.headers.contains_key("serverfnredirect"));
}

#[sqlx::test(migrations = "../migrations")]
async fn the_session_cookie_identifies_the_user_until_log_out(db: PgPool) {
    let router = router(db, &config());
    let cookie = register(&router, "ada", "analytical-engine").await;

    let me = call(&router, "auth/me", "", Some(&cookie)).await;
    assert_eq!(me.status, StatusCode::OK);
    assert_eq!(me.json()["username"], "ada");
    let overview = call(&router, "account/overview", "", Some(&cookie)).await;
    assert_eq!(overview.status, StatusCode::OK, "{}", overview.body);
    assert_eq!(overview.json()["active_sessions"], 1);

    let logout = call(&router, "auth/logout", "", Some(&cookie)).await;
    assert_eq!(logout.status, StatusCode::OK, "{}", logout.body);
    let cleared = logout.session_cookie().unwrap();
    assert!(
        cleared.starts_with("easel_session=;") && cleared.contains("Max-Age=0"),
        "{cleared}"
    );
    assert_eq!(logout.header("location").as_deref(), Some("/login"));

    // The old cookie is dead server-side, not just forgotten by the browser.
    let me = call(&router, "auth/me", "", Some(&cookie)).await;
    assert_eq!(me.json(), serde_json::Value::Null);
    let overview = call(&router, "account/overview", "", Some(&cookie)).await;
    assert_eq!(overview.status, StatusCode::UNAUTHORIZED);
}

#[sqlx::test(migrations = "../migrations")]
async fn logging_in_again_opens_a_second_session(db: PgPool) {
    let router = router(db, &config());
    register(&router, "ada", "analytical-engine").await;
    let reply = call(
        &router,
        "auth/login",
        &login_body("ADA", "analytical-engine"),
        None,
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let cookie = reply.cookie_pair();
    let overview = call(&router, "account/overview", "", Some(&cookie)).await;
    assert_eq!(overview.json()["active_sessions"], 2);
}

#[sqlx::test(migrations = "../migrations")]
async fn log_in_honours_a_local_next_path_only(db: PgPool) {
    let router = router(db, &config());
    register(&router, "ada", "analytical-engine").await;
    let body = format!(
        "{}&form%5Bnext%5D=%2Fgallery",
        login_body("ada", "analytical-engine")
    );
    let reply = call(&router, "auth/login", &body, None).await;
    assert_eq!(reply.header("location").as_deref(), Some("/gallery"));
    let body = format!(
        "{}&form%5Bnext%5D=%2F%2Fevil.example",
        login_body("ada", "analytical-engine")
    );
    let reply = call(&router, "auth/login", &body, None).await;
    assert_eq!(reply.header("location").as_deref(), Some("/"));
}

#[sqlx::test(migrations = "../migrations")]
async fn a_protected_server_fn_without_a_session_answers_unauthorized(db: PgPool) {
    let router = router(db, &config());
    let reply = call(&router, "account/overview", "", None).await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    assert_eq!(reply.json()["kind"], "unauthorized");
}

#[sqlx::test(migrations = "../migrations")]
async fn wrong_passwords_get_401_and_no_cookie(db: PgPool) {
    let router = router(db, &config());
    register(&router, "ada", "analytical-engine").await;
    let reply = call(
        &router,
        "auth/login",
        &login_body("ada", "difference-engine"),
        None,
    )
    .await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    assert_eq!(reply.json()["kind"], "invalid_credentials");
    assert!(reply.session_cookie().is_none());
}

#[sqlx::test(migrations = "../migrations")]
async fn a_taken_name_is_a_409_on_the_username_field(db: PgPool) {
    let router = router(db, &config());
    register(&router, "ada", "analytical-engine").await;
    let reply = call(
        &router,
        "auth/register",
        &register_body("ADA", "another-password"),
        None,
    )
    .await;
    assert_eq!(reply.status, StatusCode::CONFLICT);
    assert_eq!(reply.json()["kind"], "conflict");
    assert_eq!(reply.json()["field"], "username");
}

#[sqlx::test(migrations = "../migrations")]
async fn bad_names_and_passwords_are_422_with_the_field(db: PgPool) {
    let router = router(db, &config());
    let cases = [
        ("", "long-enough-pass", "username"),
        ("ab", "long-enough-pass", "username"),
        (&"n".repeat(33), "long-enough-pass", "username"),
        (
            "Robert'); DROP TABLE users;--",
            "long-enough-pass",
            "username",
        ),
        ("<img src=x>", "long-enough-pass", "username"),
        ("ada", "short", "password"),
        ("ada", &"p".repeat(129), "password"),
        ("ada", "", "password"),
    ];
    for (name, password, field) in cases {
        let reply = call(
            &router,
            "auth/register",
            &register_body(name, password),
            None,
        )
        .await;
        assert_eq!(
            reply.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{name:?}/{password:?}: {}",
            reply.body
        );
        assert_eq!(reply.json()["field"], field, "{name:?}/{password:?}");
        assert!(!reply.json()["message"].as_str().unwrap().is_empty());
    }
    // A mismatched confirmation names its own field.
    let body = "form%5Busername%5D=ada&form%5Bpassword%5D=long-enough-pass&form%5Bconfirm%5D=long-enough-pas";
    let reply = call(&router, "auth/register", body, None).await;
    assert_eq!(reply.json()["field"], "confirm");
}

#[sqlx::test(migrations = "../migrations")]
async fn unicode_names_and_passwords_work_end_to_end(db: PgPool) {
    let router = router(db, &config());
    register(&router, "山田太郎", "パスワードは秘密です").await;
    let reply = call(
        &router,
        "auth/login",
        &login_body("山田太郎", "パスワードは秘密です"),
        None,
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert_eq!(reply.json()["username"], "山田太郎");
}

#[sqlx::test(migrations = "../migrations")]
async fn sql_looking_passwords_are_just_passwords(db: PgPool) {
    let router = router(db.clone(), &config());
    let password = "' OR '1'='1'; DROP TABLE users; --";
    register(&router, "mallory", password).await;
    let reply = call(
        &router,
        "auth/login",
        &login_body("mallory", password),
        None,
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let wrong = call(
        &router,
        "auth/login",
        &login_body("mallory", "' OR '1'='1"),
        None,
    )
    .await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    let users: i64 = sqlx::query_scalar("select count(*) from users")
        .fetch_one(&db)
        .await
        .unwrap();
    assert_eq!(users, 1);
}

#[sqlx::test(migrations = "../migrations")]
async fn tampered_and_garbage_cookies_are_unauthorized_and_cleared(db: PgPool) {
    let router = router(db, &config());
    let cookie = register(&router, "ada", "analytical-engine").await;
    let token = cookie.trim_start_matches("easel_session=");
    let flipped: String = token.chars().rev().collect();
    let cases = [
        format!("easel_session={flipped}"),
        format!("easel_session={}", &token[..20]),
        "easel_session=' OR 1=1 --".to_string(),
        format!("easel_session={}", "A".repeat(5000)),
        "easel_session=".to_string(),
    ];
    for bad in cases {
        let reply = call(&router, "account/overview", "", Some(&bad)).await;
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED, "{bad}");
        assert_eq!(reply.json()["kind"], "unauthorized");
        let cleared = reply.session_cookie().expect("the bad cookie is cleared");
        assert!(cleared.contains("Max-Age=0"), "{cleared}");
    }
    // The genuine cookie still works.
    assert_eq!(
        call(&router, "account/overview", "", Some(&cookie))
            .await
            .status,
        StatusCode::OK
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn an_expired_session_cookie_is_unauthorized_and_cleared(db: PgPool) {
    let router = router(db.clone(), &config());
    let cookie = register(&router, "ada", "analytical-engine").await;
    sqlx::query("update sessions set expires_at = now() - interval '1 minute'")
        .execute(&db)
        .await
        .unwrap();
    let reply = call(&router, "account/overview", "", Some(&cookie)).await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    assert!(reply.session_cookie().unwrap().contains("Max-Age=0"));
}

#[sqlx::test(migrations = "../migrations")]
async fn an_idle_session_is_renewed_and_its_cookie_reissued(db: PgPool) {
    let router = router(db.clone(), &config());
    let cookie = register(&router, "ada", "analytical-engine").await;
    sqlx::query("update sessions set updated_at = now() - interval '2 hours', expires_at = now() + interval '1 day'")
        .execute(&db)
        .await
        .unwrap();
    let reply = call(&router, "auth/me", "", Some(&cookie)).await;
    let reissued = reply.session_cookie().expect("renewed cookie");
    assert!(
        reissued.starts_with(&format!("{cookie};")),
        "same token, new lifetime: {reissued}"
    );
    assert!(!reissued.contains("Max-Age=0"));
}

#[sqlx::test(migrations = "../migrations")]
async fn too_many_failures_get_429_with_retry_after(db: PgPool) {
    let mut config = config();
    config.login_max_failures_per_account = 3;
    let router = router(db, &config);
    register(&router, "ada", "analytical-engine").await;
    for _ in 0..3 {
        let reply = call(
            &router,
            "auth/login",
            &login_body("ada", "wrong-password"),
            None,
        )
        .await;
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    }
    let reply = call(
        &router,
        "auth/login",
        &login_body("ada", "analytical-engine"),
        None,
    )
    .await;
    assert_eq!(reply.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(reply.json()["kind"], "too_many_requests");
    let retry_after: u64 = reply.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=900).contains(&retry_after), "{retry_after}");
}

#[sqlx::test(migrations = "../migrations")]
async fn the_per_address_limit_uses_the_forwarded_address_only_behind_a_trusted_proxy(db: PgPool) {
    let mut config = config();
    config.trust_proxy = true;
    let router = router(db.clone(), &config);
    let request = Request::post("/api/auth/login")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header("x-forwarded-for", "203.0.113.99, 192.0.2.44")
        .body(Body::from(login_body("nobody", "wrong-password")))
        .unwrap();
    assert_eq!(
        send(&router, request).await.status,
        StatusCode::UNAUTHORIZED
    );
    let ip: String = sqlx::query_scalar("select host(ip) from login_attempts")
        .fetch_one(&db)
        .await
        .unwrap();
    assert_eq!(
        ip, "192.0.2.44",
        "the proxy's own entry (the last) is the client"
    );

    let untrusting = router_for_untrusted(db.clone());
    let request = Request::post("/api/auth/login")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header("x-forwarded-for", "203.0.113.99")
        .body(Body::from(login_body("nobody", "wrong-password")))
        .unwrap();
    send(&untrusting, request).await;
    let ips: Vec<String> = sqlx::query_scalar("select host(ip) from login_attempts order by id")
        .fetch_all(&db)
        .await
        .unwrap();
    assert_eq!(
        ips[1], "198.51.100.7",
        "without trust, the socket's peer counts"
    );
}

fn router_for_untrusted(db: PgPool) -> axum::Router {
    router(db, &config())
}

#[sqlx::test(migrations = "../migrations")]
async fn cookies_are_secure_over_https(db: PgPool) {
    let mut config = config();
    config.trust_proxy = true;
    let router = router(db.clone(), &config);
    let request = Request::post("/api/auth/register")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header("x-forwarded-proto", "https")
        .body(Body::from(register_body("ada", "analytical-engine")))
        .unwrap();
    let reply = send(&router, request).await;
    assert!(reply.session_cookie().unwrap().contains("; Secure"));

    let mut config = support::config();
    config.public_url = Some("https://easel.example.com".into());
    let router = support::router(db, &config);
    let reply = call(
        &router,
        "auth/register",
        &register_body("grace", "compilers-rock"),
        None,
    )
    .await;
    assert!(reply.session_cookie().unwrap().contains("; Secure"));
}

#[sqlx::test(migrations = "../migrations")]
async fn closed_registration_is_403_after_the_first_account(db: PgPool) {
    let mut config = config();
    config.registration = easel_server::config::Registration::Closed;
    let router = router(db, &config);
    register(&router, "owner", "first-in-line").await;
    let reply = call(
        &router,
        "auth/register",
        &register_body("stranger", "let-me-in-pls"),
        None,
    )
    .await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    assert_eq!(reply.json()["kind"], "registration_closed");
}
