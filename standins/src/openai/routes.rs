//! The routes besides the image endpoints: `GET /v1/models` (OpenAI's
//! standard models endpoint, listing the account's models) and the
//! expiring result links under `/_files/`.

use std::time::Instant;

use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use super::{AppState, errors, lock};

/// Creation dates the real service reports for its models.
fn model_created(id: &str) -> i64 {
    match id {
        "dall-e-3" => 1_698_785_189,
        "dall-e-2" => 1_698_798_177,
        "gpt-image-1" => 1_745_517_030,
        "gpt-image-1-mini" => 1_758_845_821,
        "gpt-4o" => 1_715_367_049,
        _ => 1_700_000_000,
    }
}

fn model_object(id: &str) -> serde_json::Value {
    json!({"id": id, "object": "model", "created": model_created(id), "owned_by": "system"})
}

/// `GET /v1/models`.
pub(super) async fn list_models(State(state): State<AppState>) -> Response {
    let data: Vec<_> = state
        .0
        .options
        .models
        .iter()
        .map(|m| model_object(m))
        .collect();
    axum::Json(json!({"object": "list", "data": data})).into_response()
}

/// `GET /v1/models/{id}`.
pub(super) async fn get_model(State(state): State<AppState>, Path(id): Path<String>) -> Response {
    if state.0.options.models.contains(&id) {
        axum::Json(model_object(&id)).into_response()
    } else {
        errors::ApiError::model_not_found(&id).into_response()
    }
}

/// `GET /_files/<id>.png?st=…&se=…`: a result link, like the blob storage
/// links the real service returns (no key needed, 403 once expired).
pub(super) async fn download(State(state): State<AppState>, Path(name): Path<String>) -> Response {
    let id = name.split('.').next().unwrap_or_default();
    let file = lock(&state.0.files).get(id).cloned();
    match file {
        Some(file) if file.expires > Instant::now() => {
            ([(header::CONTENT_TYPE, file.content_type)], file.bytes).into_response()
        }
        Some(_) => blob_error(
            StatusCode::FORBIDDEN,
            "AuthenticationFailed",
            "Server failed to authenticate the request. Signed expiry time has passed.",
        ),
        None => blob_error(
            StatusCode::NOT_FOUND,
            "BlobNotFound",
            "The specified blob does not exist.",
        ),
    }
}

fn blob_error(status: StatusCode, code: &str, message: &str) -> Response {
    let body = format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?><Error><Code>{code}</Code><Message>{message}</Message></Error>"
    );
    (status, [(header::CONTENT_TYPE, "application/xml")], body).into_response()
}
