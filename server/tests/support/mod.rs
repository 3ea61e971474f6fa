//! Helpers for driving the real router in tests.

#![allow(dead_code, reason = "each test binary uses a different subset")]

use std::net::SocketAddr;

use axum::Router;
use axum::body::Body;
use axum::extract::connect_info::MockConnectInfo;
use axum::http::{Request, Response, StatusCode, header};
use easel_server::config::{Config, Settings};
use sqlx::PgPool;
use tower::ServiceExt;

/// A configuration for tests: defaults, with a site root that does not
/// exist (no static files) and strict limits where a test wants them.
pub fn config() -> Config {
    let mut config = Settings::default().finish().unwrap();
    config.site_root = "target/no-such-site".into();
    // Each test process gets its own data and image folders (removed at exit
    // by the OS temp cleaner; tests that look at files use `image_dir()`).
    // Never the default `./data`: that is inside the checkout, where caches
    // such as the style previews would end up committed.
    config.data_dir = std::env::temp_dir().join(format!("easel-test-data-{}", std::process::id()));
    config.image_dir =
        std::env::temp_dir().join(format!("easel-test-images-{}", std::process::id()));
    config.builtin_concurrency = 2;
    config
}

/// The router over `pool`, as if every request came from 198.51.100.7.
pub fn router(pool: PgPool, config: &Config) -> Router {
    let state = easel_server::app_state(config, pool);
    easel_server::router::build(state).layer(MockConnectInfo(SocketAddr::from((
        [198, 51, 100, 7],
        50_000,
    ))))
}

/// A response, read whole.
#[derive(Debug)]
pub struct Reply {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub body: String,
}

impl Reply {
    /// The JSON body.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body)
            .unwrap_or_else(|err| panic!("not JSON ({err}): {}", self.body))
    }

    /// The `easel_session=...` Set-Cookie header, if any.
    pub fn session_cookie(&self) -> Option<String> {
        self.headers
            .get_all(header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|v| v.starts_with("easel_session="))
            .map(str::to_string)
    }

    /// The cookie pair to send back (`easel_session=<token>`).
    pub fn cookie_pair(&self) -> String {
        let cookie = self.session_cookie().expect("a session cookie was set");
        cookie.split(';').next().unwrap().to_string()
    }

    /// A header's value.
    pub fn header(&self, name: &str) -> Option<String> {
        self.headers
            .get(name)
            .map(|v| v.to_str().unwrap().to_string())
    }
}

/// Sends a request through the router.
pub async fn send(router: &Router, request: Request<Body>) -> Reply {
    let response: Response<Body> = router.clone().oneshot(request).await.unwrap();
    let (parts, body) = response.into_parts();
    let bytes = axum::body::to_bytes(body, usize::MAX).await.unwrap();
    Reply {
        status: parts.status,
        headers: parts.headers,
        body: String::from_utf8_lossy(&bytes).into_owned(),
    }
}

/// Calls a server function the way the browser's server-fn client does: a
/// form-encoded POST that accepts JSON.
pub async fn call(router: &Router, endpoint: &str, form: &str, cookie: Option<&str>) -> Reply {
    let mut request = Request::post(format!("/api/{endpoint}"))
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::ACCEPT, "application/json");
    if let Some(cookie) = cookie {
        request = request.header(header::COOKIE, cookie);
    }
    send(router, request.body(Body::from(form.to_string())).unwrap()).await
}

/// GETs a page as a browser would.
pub async fn get_page(router: &Router, path: &str, cookie: Option<&str>) -> Reply {
    let mut request = Request::get(path).header(header::ACCEPT, "text/html");
    if let Some(cookie) = cookie {
        request = request.header(header::COOKIE, cookie);
    }
    send(router, request.body(Body::empty()).unwrap()).await
}

/// Percent-encodes a form value.
pub fn encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The register form body.
pub fn register_body(name: &str, password: &str) -> String {
    format!(
        "form%5Busername%5D={}&form%5Bpassword%5D={}&form%5Bconfirm%5D={}",
        encode(name),
        encode(password),
        encode(password)
    )
}

/// The log-in form body.
pub fn login_body(name: &str, password: &str) -> String {
    format!(
        "form%5Busername%5D={}&form%5Bpassword%5D={}",
        encode(name),
        encode(password)
    )
}

/// Registers and returns the cookie pair.
pub async fn register(router: &Router, name: &str, password: &str) -> String {
    let reply = call(
        router,
        "auth/register",
        &register_body(name, password),
        None,
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    reply.cookie_pair()
}

/// Calls a JSON-encoded server function.
pub async fn call_json(
    router: &Router,
    endpoint: &str,
    body: serde_json::Value,
    cookie: Option<&str>,
) -> Reply {
    let mut request = Request::post(format!("/api/{endpoint}"))
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::ACCEPT, "application/json");
    if let Some(cookie) = cookie {
        request = request.header(header::COOKIE, cookie);
    }
    send(router, request.body(Body::from(body.to_string())).unwrap()).await
}

/// GETs a path with an optional cookie, keeping the body as bytes.
pub async fn get_bytes(
    router: &Router,
    path: &str,
    cookie: Option<&str>,
    headers: &[(&str, &str)],
) -> (StatusCode, axum::http::HeaderMap, Vec<u8>) {
    let mut request = Request::get(path);
    if let Some(cookie) = cookie {
        request = request.header(header::COOKIE, cookie);
    }
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = router
        .clone()
        .oneshot(request.body(Body::empty()).unwrap())
        .await
        .unwrap();
    let (parts, body) = response.into_parts();
    let bytes = axum::body::to_bytes(body, usize::MAX).await.unwrap();
    (parts.status, parts.headers, bytes.to_vec())
}

/// A built-in engine request body for `generation/submit`.
pub fn builtin_request(prompt: &str, seed: i64) -> serde_json::Value {
    serde_json::json!({
        "submission": {"request": {
            "model": "builtin:easel-sketch",
            "prompt": prompt,
            "negative_prompt": "",
            "width": 256,
            "height": 256,
            "count": 1,
            "seed": {"kind": "fixed", "value": seed},
            "steps": 6
        }}
    })
}
