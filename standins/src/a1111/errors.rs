//! Error bodies, faults, and the two middlewares (HTTP Basic on the API
//! routes, `X-Process-Time` everywhere).

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::Json;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Value, json};

use super::state::Shared;
use crate::common::{self, Common, Fault};

/// An exception, as A1111's `api_middleware` handler renders it:
/// `{"error": <class>, "detail": …, "body": "", "errors": str(e)}` with the
/// exception's status code (500 when it has none).
#[derive(Debug, Clone)]
pub struct ApiError {
    status: StatusCode,
    class: String,
    detail: String,
    errors: String,
    headers: Vec<(header::HeaderName, String)>,
}

impl ApiError {
    /// `HTTPException(status_code, detail)`; `str(e)` is `"<code>: <detail>"`.
    pub fn http(status: u16, detail: &str) -> Self {
        Self {
            status: StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            class: "HTTPException".into(),
            detail: detail.into(),
            errors: format!("{status}: {detail}"),
            headers: Vec::new(),
        }
    }

    /// Any other exception: 500, empty `detail`, `errors` = its message.
    pub fn exception(class: &str, message: &str) -> Self {
        Self {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            class: class.into(),
            detail: String::new(),
            errors: message.into(),
            headers: Vec::new(),
        }
    }

    /// Adds a response header.
    pub fn with_header(mut self, name: header::HeaderName, value: impl Into<String>) -> Self {
        self.headers.push((name, value.into()));
        self
    }

    /// The 401 of `--api-auth`.
    pub fn unauthorized() -> Self {
        Self::http(401, "Incorrect username or password")
            .with_header(header::WWW_AUTHENTICATE, "Basic")
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = json!({
            "error": self.class,
            "detail": self.detail,
            "body": "",
            "errors": self.errors,
        });
        let mut response = (self.status, Json(body)).into_response();
        for (name, value) in self.headers {
            if let Ok(value) = HeaderValue::from_str(&value) {
                response.headers_mut().insert(name, value);
            }
        }
        response
    }
}

/// One pydantic v1 error: `loc`, `msg`, `type`.
#[derive(Debug, Clone)]
pub struct FieldError {
    /// Where, e.g. `["body", "steps"]`.
    pub loc: Vec<Value>,
    /// `"value is not a valid integer"`.
    pub msg: String,
    /// `"type_error.integer"`.
    pub kind: String,
}

/// A request that failed validation: FastAPI's 422
/// `{"detail": [{loc, msg, type}, …]}`.
#[derive(Debug, Clone)]
pub struct Invalid(pub Vec<FieldError>);

impl IntoResponse for Invalid {
    fn into_response(self) -> Response {
        let detail: Vec<Value> = self
            .0
            .into_iter()
            .map(|e| json!({"loc": e.loc, "msg": e.msg, "type": e.kind}))
            .collect();
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            Json(json!({ "detail": detail })),
        )
            .into_response()
    }
}

/// The answer a fault gives before any work, if it is one of those; the
/// others (image faults, `RuntimeError`) are the generation's business.
pub async fn render_fault(common: &Common, fault: &Fault) -> Option<Response> {
    match fault {
        Fault::Status { status } => Some(status_fault(*status)),
        Fault::RateLimited { retry_after_secs } => Some(
            ApiError::http(429, "Too Many Requests")
                .with_header(header::RETRY_AFTER, retry_after_secs.to_string())
                .into_response(),
        ),
        Fault::Hang => {
            common.hang().await;
            Some(StatusCode::SERVICE_UNAVAILABLE.into_response())
        }
        Fault::Delay { millis } => {
            common.sleep(Duration::from_millis(*millis)).await;
            None
        }
        Fault::MalformedJson => Some(common::malformed_json()),
        Fault::WrongContentType => Some(common::wrong_content_type()),
        Fault::TruncatedImage | Fault::OversizedImage | Fault::Moderation | Fault::RuntimeError => {
            None
        }
    }
}

/// Takes the fault for `path` and renders it, for routes without images.
pub async fn fault_response(common: &Common, path: &str) -> Option<Response> {
    let fault = common.faults.take(path)?;
    render_fault(common, &fault).await
}

/// A status fault in A1111's shape: 401 as `--api-auth` answers, 422 as
/// FastAPI's validation error, 500 as a CUDA out-of-memory error, the rest
/// as an `HTTPException`.
fn status_fault(status: u16) -> Response {
    match status {
        401 => ApiError::unauthorized().into_response(),
        422 => Invalid(vec![FieldError {
            loc: vec![json!("body"), json!("steps")],
            msg: "value is not a valid integer".into(),
            kind: "type_error.integer".into(),
        }])
        .into_response(),
        500 => ApiError::exception(
            "OutOfMemoryError",
            "CUDA out of memory. Tried to allocate 2.00 GiB. GPU 0 has a total capacity of 8.00 GiB of which 1.12 GiB is free.",
        )
        .into_response(),
        code => {
            let reason = StatusCode::from_u16(code)
                .ok()
                .and_then(|s| s.canonical_reason())
                .unwrap_or("Error");
            ApiError::http(code, reason).into_response()
        }
    }
}

/// `--api-auth`: HTTP Basic on every `/sdapi/v1/*` route.
pub async fn basic_auth(
    State(shared): State<Arc<Shared>>,
    request: Request,
    next: Next,
) -> Response {
    let Some((user, password)) = &shared.settings.api_auth else {
        return next.run(request).await;
    };
    let expected = STANDARD.encode(format!("{user}:{password}"));
    let given = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Basic "))
        .map(str::trim);
    if given == Some(expected.as_str()) {
        next.run(request).await
    } else {
        ApiError::unauthorized().into_response()
    }
}

/// Adds `X-Process-Time` (seconds, as a decimal string) to every response.
pub async fn process_time(request: Request, next: Next) -> Response {
    let started = Instant::now();
    let mut response = next.run(request).await;
    let elapsed = started.elapsed().as_secs_f64().to_string();
    if let Ok(value) = HeaderValue::from_str(&elapsed) {
        response.headers_mut().insert("x-process-time", value);
    }
    response
}

/// Starlette's 404 for unknown routes.
pub async fn not_found() -> Response {
    (StatusCode::NOT_FOUND, Json(json!({"detail": "Not Found"}))).into_response()
}
