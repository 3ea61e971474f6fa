//! `/healthz` (the process answers) and `/readyz` (it can do work: the
//! database answers).

use std::time::Duration;

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use easel_app::ssr::AppState;
use serde_json::json;

/// Liveness: always 200 while the process serves requests.
pub async fn healthz() -> &'static str {
    "ok"
}

/// Readiness: 200 when the database answers within two seconds, else 503.
pub async fn readyz(State(state): State<AppState>) -> Response {
    match easel_engine::db::ping(&state.engine.db, Duration::from_secs(2)).await {
        Ok(()) => Json(json!({ "status": "ready" })).into_response(),
        Err(err) => {
            tracing::warn!(error = %err, "not ready: the database does not answer");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(json!({ "status": "unavailable", "reason": "database unreachable" })),
            )
                .into_response()
        }
    }
}
