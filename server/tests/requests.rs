//! Malformed and hostile requests, pages rendered on the server, and the
//! operational endpoints.

mod support;

use std::time::Duration;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use sqlx::PgPool;
use support::*;

#[sqlx::test(migrations = "../migrations")]
async fn oversized_bodies_get_413_whether_declared_or_streamed(db: PgPool) {
    let mut config = config();
    config.max_request_bytes = 4096;
    let router = router(db, &config);
    let big = format!(
        "{}&pad={}",
        login_body("ada", "whatever-pass"),
        "x".repeat(10_000)
    );

    let declared = call(&router, "auth/login", &big, None).await;
    assert_eq!(declared.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(declared.json()["kind"], "payload_too_large");

    // No Content-Length: the body arrives as a stream and is cut off.
    let chunks: Vec<Result<String, std::io::Error>> = big
        .as_bytes()
        .chunks(1000)
        .map(|c| Ok(String::from_utf8(c.to_vec()).unwrap()))
        .collect();
    let request = Request::post("/api/auth/login")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from_stream(futures_stream(chunks)))
        .unwrap();
    let streamed = send(&router, request).await;
    assert_eq!(streamed.status, StatusCode::PAYLOAD_TOO_LARGE);
}

fn futures_stream(
    items: Vec<Result<String, std::io::Error>>,
) -> impl futures::Stream<Item = Result<String, std::io::Error>> {
    futures::stream::iter(items)
}

#[sqlx::test(migrations = "../migrations")]
async fn malformed_server_fn_bodies_get_400(db: PgPool) {
    let router = router(db, &config());
    for body in ["", "form=notastruct", "%%%", "form%5Busername%5D=ada"] {
        let reply = call(&router, "auth/login", body, None).await;
        assert_eq!(
            reply.status,
            StatusCode::BAD_REQUEST,
            "{body:?}: {}",
            reply.body
        );
        assert_eq!(reply.json()["kind"], "bad_request", "{body:?}");
    }
    let unknown = call(&router, "auth/no-such-function", "", None).await;
    assert!(unknown.status.is_client_error(), "{:?}", unknown.status);
}

#[sqlx::test(migrations = "../migrations")]
async fn cross_site_posts_are_refused(db: PgPool) {
    let router = router(db, &config());
    let request = Request::post("/api/auth/login")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header("sec-fetch-site", "cross-site")
        .body(Body::from(login_body("ada", "analytical-engine")))
        .unwrap();
    let reply = send(&router, request).await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    assert_eq!(reply.json()["kind"], "forbidden");
}

#[sqlx::test(migrations = "../migrations")]
async fn protected_pages_redirect_anonymous_visitors_to_log_in(db: PgPool) {
    let router = router(db, &config());
    let home = get_page(&router, "/", None).await;
    assert_eq!(home.status, StatusCode::FOUND, "{}", home.body);
    assert_eq!(home.header("location").as_deref(), Some("/login"));
    let gallery = get_page(&router, "/gallery", None).await;
    assert_eq!(gallery.status, StatusCode::FOUND);
    assert_eq!(
        gallery.header("location").as_deref(),
        Some("/login?next=/gallery")
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn the_login_page_renders_with_its_form_and_bundle(db: PgPool) {
    let router = router(db, &config());
    let page = get_page(&router, "/login", None).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Welcome back"));
    assert!(page.body.contains(r#"name="form[username]""#));
    assert!(
        page.body.contains(r#"action="/api/auth/login""#),
        "the form works without JavaScript"
    );
    assert!(
        page.body.contains("/pkg/easel.js"),
        "the hydration script is linked"
    );
    assert!(page.body.contains("/pkg/easel.css"));
    assert!(
        page.body.contains("<title>Log in · Easel</title>"),
        "{}",
        page.body
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn logged_in_visitors_see_the_shell_and_skip_the_login_page(db: PgPool) {
    let router = router(db, &config());
    let cookie = register(&router, "ada", "analytical-engine").await;
    let home = get_page(&router, "/", Some(&cookie)).await;
    assert_eq!(home.status, StatusCode::OK, "{}", home.body);
    for section in ["Studio", "Gallery", "Templates", "History", "Settings"] {
        assert!(home.body.contains(section), "nav lacks {section}");
    }
    assert!(home.body.contains("Welcome, ada"));
    let login = get_page(&router, "/login", Some(&cookie)).await;
    assert_eq!(login.status, StatusCode::FOUND);
    assert_eq!(login.header("location").as_deref(), Some("/"));
}

#[sqlx::test(migrations = "../migrations")]
async fn unknown_paths_get_the_404_page(db: PgPool) {
    let router = router(db, &config());
    let page = get_page(&router, "/no/such/page", None).await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    assert!(page.body.contains("This page does not exist"));
}

#[sqlx::test(migrations = "../migrations")]
async fn health_and_readiness(db: PgPool) {
    let router = router(db.clone(), &config());
    let health = send(
        &router,
        Request::get("/healthz").body(Body::empty()).unwrap(),
    )
    .await;
    assert_eq!(
        (health.status, health.body.as_str()),
        (StatusCode::OK, "ok")
    );
    let ready = send(
        &router,
        Request::get("/readyz").body(Body::empty()).unwrap(),
    )
    .await;
    assert_eq!(ready.status, StatusCode::OK);
    assert_eq!(ready.json()["status"], "ready");

    // With the database gone, the process is alive but not ready.
    db.close().await;
    let ready = tokio::time::timeout(
        Duration::from_secs(10),
        send(
            &router,
            Request::get("/readyz").body(Body::empty()).unwrap(),
        ),
    )
    .await
    .unwrap();
    assert_eq!(ready.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(ready.json()["status"], "unavailable");
    let health = send(
        &router,
        Request::get("/healthz").body(Body::empty()).unwrap(),
    )
    .await;
    assert_eq!(health.status, StatusCode::OK);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_database_outage_is_503_not_a_crash_or_a_log_out(db: PgPool) {
    let router = router(db.clone(), &config());
    let cookie = register(&router, "ada", "analytical-engine").await;
    db.close().await;
    let reply = call(&router, "account/overview", "", Some(&cookie)).await;
    assert_eq!(
        reply.status,
        StatusCode::SERVICE_UNAVAILABLE,
        "{}",
        reply.body
    );
    assert_eq!(reply.json()["kind"], "unavailable");
    assert!(
        reply.session_cookie().is_none(),
        "the cookie is kept: the session may be fine"
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn every_response_carries_a_request_id(db: PgPool) {
    let router = router(db, &config());
    let generated = send(
        &router,
        Request::get("/healthz").body(Body::empty()).unwrap(),
    )
    .await;
    let id = generated
        .header("x-request-id")
        .expect("an id is generated");
    assert_eq!(id.len(), 36, "a UUID: {id}");
    let given = send(
        &router,
        Request::get("/healthz")
            .header("x-request-id", "trace-me-42")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(given.header("x-request-id").as_deref(), Some("trace-me-42"));
}
