//! The server-function endpoint, wrapped so that:
//!
//! - bodies over the limit get `413` with an `AppError`, not a cryptic 500;
//! - cross-site form posts are refused (SameSite=Lax keeps the session
//!   cookie off them, but a cross-site log-in form could still log a
//!   victim into an attacker's account);
//! - every `AppError` gets its proper status code (server functions answer
//!   errors with 500; the error body says what it really was) and
//!   `Retry-After` when it is a rate limit.

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use easel_app::AppError;
use easel_app::ssr::AppState;
use http_body_util::{BodyExt, LengthLimitError, Limited};
use leptos::prelude::provide_context;

/// The largest error body we read back to find its status.
const MAX_ERROR_BODY: usize = 64 * 1024;

/// Runs a server function.
pub async fn handle(State(state): State<AppState>, request: Request) -> Response {
    if request
        .headers()
        .get("sec-fetch-site")
        .is_some_and(|site| site == "cross-site")
    {
        tracing::warn!("refused a cross-site server function call");
        return error_response(&AppError::Forbidden);
    }
    let request = match buffer_body(request, state.web.max_request_bytes).await {
        Ok(request) => request,
        Err(err) => return error_response(&err),
    };
    let context_state = state.clone();
    let response = leptos_axum::handle_server_fns_with_context(
        move || provide_context(context_state.clone()),
        request,
    )
    .await
    .into_response();
    with_error_status(response).await
}

/// Reads the body up to `limit` bytes.
async fn buffer_body(request: Request, limit: usize) -> Result<Request, AppError> {
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|length| length > limit as u64) {
        return Err(AppError::PayloadTooLarge);
    }
    let (parts, body) = request.into_parts();
    let bytes = match Limited::new(body, limit).collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(err) if err.downcast_ref::<LengthLimitError>().is_some() => {
            return Err(AppError::PayloadTooLarge);
        }
        Err(err) => {
            let message = format!("could not read the request body: {err}");
            return Err(AppError::BadRequest { message });
        }
    };
    Ok(Request::from_parts(parts, Body::from(bytes)))
}

/// Gives a server function's error response its real status.
async fn with_error_status(response: Response) -> Response {
    if response.status() != StatusCode::INTERNAL_SERVER_ERROR {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let bytes = match Limited::new(body, MAX_ERROR_BODY).collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(_) => return (StatusCode::INTERNAL_SERVER_ERROR, "internal error").into_response(),
    };
    if let Ok(err) = serde_json::from_slice::<AppError>(&bytes) {
        parts.status =
            StatusCode::from_u16(err.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        if let Some(secs) = err.retry_after_secs() {
            parts
                .headers
                .insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
    }
    Response::from_parts(parts, Body::from(bytes))
}

/// An `AppError` as a server function would have answered it.
fn error_response(err: &AppError) -> Response {
    err.clone().into_response()
}
