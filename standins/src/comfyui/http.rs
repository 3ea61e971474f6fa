//! The aiohttp side: routes (each also under `/api`), the Host/Origin
//! check, aiohttp's plain-text error pages, JSON written by `json.dumps`,
//! and how injected faults look on this server.

use axum::Router;
use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};

use super::json::J;
use super::state::State;
use super::{api, media, ws};
use crate::common::{self, Common, Fault};

/// The `Server` header aiohttp sends (as in the traces).
const SERVER: &str = "Python/3.11 aiohttp/3.14.5";

/// What every handler shares.
#[derive(Debug, Clone)]
pub struct App {
    /// The simulated process.
    pub state: State,
    /// Faults, the request log, the kill signal.
    pub common: Common,
}

/// The whole router, with its middleware.
pub fn router(app: App) -> Router {
    Router::new()
        .merge(routes())
        .nest("/api", routes())
        .fallback(not_found)
        .layer(middleware::from_fn(origin_only))
        .with_state(app)
}

fn routes() -> Router<App> {
    Router::new()
        .route("/ws", get(ws::handler))
        .route("/prompt", get(api::get_prompt).post(api::post_prompt))
        .route("/queue", get(api::get_queue).post(api::post_queue))
        .route("/interrupt", post(api::post_interrupt))
        .route("/history", get(api::get_history).post(api::post_history))
        .route("/history/{prompt_id}", get(api::get_history_entry))
        .route("/object_info", get(api::object_info))
        .route("/object_info/{class}", get(api::object_info_class))
        .route("/models", get(api::models))
        .route("/models/{folder}", get(api::models_folder))
        .route("/embeddings", get(api::embeddings))
        .route("/system_stats", get(api::system_stats))
        .route("/features", get(api::features))
        .route("/free", post(api::free))
        .route("/view", get(media::view))
        .route("/upload/image", post(media::upload_image))
        .route("/upload/mask", post(media::upload_mask))
}

/// `json.dumps(value)` as `application/json; charset=utf-8`.
pub fn json(status: StatusCode, value: &J) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "application/json; charset=utf-8")],
        value.to_string(),
    )
        .into_response()
}

/// `web.Response(status=...)`: an empty body.
pub fn empty(status: StatusCode) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "application/octet-stream")],
        Body::empty(),
    )
        .into_response()
}

/// aiohttp's text page for an HTTP error (`404: Not Found`).
pub fn error_page(status: StatusCode) -> Response {
    let text = if status == StatusCode::INTERNAL_SERVER_ERROR {
        "500 Internal Server Error\n\nServer got itself in trouble".to_owned()
    } else {
        format!(
            "{}: {}",
            status.as_u16(),
            status.canonical_reason().unwrap_or("Error")
        )
    };
    (
        status,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        text,
    )
        .into_response()
}

async fn not_found() -> Response {
    error_page(StatusCode::NOT_FOUND)
}

/// `create_origin_only_middleware`: 403 when `Host` is a loopback name and
/// `Origin` names another host. Also adds the `Server` header.
async fn origin_only(request: Request, next: Next) -> Response {
    if forbidden_origin(request.headers()) {
        return with_server(empty(StatusCode::FORBIDDEN));
    }
    with_server(next.run(request).await)
}

fn forbidden_origin(headers: &axum::http::HeaderMap) -> bool {
    let value = |name: header::HeaderName| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_lowercase)
    };
    match (value(header::HOST), value(header::ORIGIN)) {
        (Some(host), Some(origin)) => origin_mismatch(&host, &origin),
        _ => false,
    }
}

fn with_server(mut response: Response) -> Response {
    response
        .headers_mut()
        .insert(header::SERVER, HeaderValue::from_static(SERVER));
    response
}

/// `(hostname, port)` of `host[:port]` (brackets allowed for IPv6).
fn split_host(authority: &str) -> (String, Option<String>) {
    if let Some(rest) = authority.strip_prefix('[') {
        let (name, after) = rest.split_once(']').unwrap_or((rest, ""));
        let port = after.strip_prefix(':').map(str::to_owned);
        return (name.to_owned(), port);
    }
    match authority.rsplit_once(':') {
        Some((name, port)) if !name.contains(':') => (name.to_owned(), Some(port.to_owned())),
        _ => (authority.to_owned(), None),
    }
}

fn is_loopback(name: &str) -> bool {
    name == "localhost"
        || name
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

fn origin_mismatch(host: &str, origin: &str) -> bool {
    let origin_authority = origin
        .split_once("://")
        .map_or("", |(_, rest)| rest.split('/').next().unwrap_or(""));
    let (host_name, host_port) = split_host(host);
    let (origin_name, origin_port) = split_host(origin_authority);
    if !is_loopback(&host_name) || host_name.is_empty() || origin_name.is_empty() {
        return false;
    }
    // Without a port on one side, ComfyUI compares host names only.
    let host_cmp = if origin_port.is_none() {
        host_name.clone()
    } else {
        host.to_owned()
    };
    let origin_cmp = if host_port.is_none() {
        origin_name
    } else {
        origin_authority.to_owned()
    };
    host_cmp != origin_cmp
}

/// What a handler does about an injected fault.
pub enum FaultAction {
    /// Answer with this instead.
    Respond(Response),
    /// Carry on normally.
    Continue,
    /// Carry on, with this fault for the handler to act out (images at
    /// `/view`, runtime errors at `/prompt`).
    Special(Fault),
}

/// Takes the fault queued for `path`, if any, and acts it out the way a
/// ComfyUI server (or the reverse proxy in front of it) would. There is no
/// moderation in ComfyUI: a `Moderation` fault is ignored.
pub async fn apply_fault(app: &App, path: &str) -> FaultAction {
    let Some(fault) = app.common.faults.take(path) else {
        return FaultAction::Continue;
    };
    match fault {
        Fault::Status { status } => {
            let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            FaultAction::Respond(error_page(status))
        }
        Fault::RateLimited { retry_after_secs } => {
            let mut response = error_page(StatusCode::TOO_MANY_REQUESTS);
            if let Ok(value) = HeaderValue::from_str(&retry_after_secs.to_string()) {
                response.headers_mut().insert(header::RETRY_AFTER, value);
            }
            FaultAction::Respond(response)
        }
        Fault::Hang => {
            app.common.hang().await;
            FaultAction::Respond(error_page(StatusCode::SERVICE_UNAVAILABLE))
        }
        Fault::Delay { millis } => {
            app.common
                .sleep(std::time::Duration::from_millis(millis))
                .await;
            FaultAction::Continue
        }
        Fault::MalformedJson => FaultAction::Respond(common::malformed_json()),
        Fault::WrongContentType => FaultAction::Respond(common::wrong_content_type()),
        Fault::Moderation => FaultAction::Continue,
        special => FaultAction::Special(special),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_must_match_loopback_hosts() {
        assert!(origin_mismatch("127.0.0.1:8188", "http://evil.example"));
        assert!(origin_mismatch("localhost:8188", "http://localhost:9999"));
        assert!(!origin_mismatch("127.0.0.1:8188", "http://127.0.0.1:8188"));
        assert!(!origin_mismatch("localhost:8188", "http://localhost"));
        assert!(!origin_mismatch("comfy.lan:8188", "http://evil.example"));
    }
}
