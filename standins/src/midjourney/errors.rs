//! Auth, HTTP-level errors and faults.
//!
//! novicezk is a Spring Boot application: its HTTP errors carry Spring's
//! `{"timestamp", "status", "error", "path"}` body; an API secret mismatch
//! is a 401 with an empty body. trueai looks the raw token of
//! `Authorization` or `mj-api-secret` up among its users and answers an
//! unknown one with 403 and a text body.

use std::sync::Arc;
use std::time::Duration;

use axum::Json;
use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::json;

use super::AuthMode;
use super::store::Shared;
use crate::common::{self, Common, Fault};

/// Spring's error body for `status` on `path`.
pub fn spring_error(status: StatusCode, path: &str) -> Response {
    let body = json!({
        "timestamp": chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        "status": status.as_u16(),
        "error": status.canonical_reason().unwrap_or("Error"),
        "path": path,
    });
    (status, Json(body)).into_response()
}

/// Takes the fault for `path`: `Err` with the answer for faults that
/// replace it (statuses, 429, hangs, broken JSON, HTML), `Ok` with the
/// fault for those the handler plays out itself (moderation, run-time
/// failure, image faults), after any delay.
pub async fn fault_response_for(common: &Common, path: &str) -> Result<Option<Fault>, Response> {
    let Some(fault) = common.faults.take(path) else {
        return Ok(None);
    };
    match fault {
        Fault::Status { status } => {
            let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            Err(spring_error(status, path))
        }
        Fault::RateLimited { retry_after_secs } => {
            let mut response = spring_error(StatusCode::TOO_MANY_REQUESTS, path);
            if let Ok(value) = retry_after_secs.to_string().parse() {
                response.headers_mut().insert(header::RETRY_AFTER, value);
            }
            Err(response)
        }
        Fault::Hang => {
            common.hang().await;
            Err(StatusCode::SERVICE_UNAVAILABLE.into_response())
        }
        Fault::Delay { millis } => {
            common.sleep(Duration::from_millis(millis)).await;
            Ok(None)
        }
        Fault::MalformedJson => Err(common::malformed_json()),
        Fault::WrongContentType => Err(common::wrong_content_type()),
        other => Ok(Some(other)),
    }
}

/// Checks the secret or token on every `/mj/*` route.
pub async fn authenticate(
    State(shared): State<Arc<Shared>>,
    request: Request,
    next: Next,
) -> Response {
    let Some(secret) = shared.settings.secret.as_deref() else {
        return next.run(request).await;
    };
    let ok = {
        let header_value = |name: &str| {
            request
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::trim)
        };
        match shared.settings.auth {
            AuthMode::ApiSecret => header_value("mj-api-secret") == Some(secret),
            AuthMode::Token => {
                header_value("authorization") == Some(secret)
                    || header_value("mj-api-secret") == Some(secret)
            }
        }
    };
    if ok {
        return next.run(request).await;
    }
    match shared.settings.auth {
        AuthMode::ApiSecret => StatusCode::UNAUTHORIZED.into_response(),
        AuthMode::Token => (
            StatusCode::FORBIDDEN,
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            "Forbidden: unknown token",
        )
            .into_response(),
    }
}
