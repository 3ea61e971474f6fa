//! The endpoints: faults, the `accept` switch, multipart-only bodies up to
//! 10 MiB, validation, moderation, the simulated work, and the answer as
//! bytes or JSON; creative upscales and their results.

use std::time::{Duration, Instant};

use axum::body::Body;
use axum::extract::{Path, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use serde_json::json;

use super::errors::StabilityError;
use super::validate::{self, Service, Spec};
use super::{
    AppState, Attempt, FILTERED_WORD, FORBIDDEN_WORD, Finished, MAX_BODY_BYTES, StoredResult, lock,
    render,
};
use crate::common::{self, Fault};
use crate::openai::{form, lifecycle};

/// How the client wants a success.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Accept {
    /// `image/*`: the bytes, with headers.
    Image,
    /// `application/json`: `{image, finish_reason, seed}`.
    Json,
}

/// `POST` to any generate, upscale or edit endpoint.
pub(super) async fn create(State(state): State<AppState>, request: Request) -> Response {
    create_inner(state, request)
        .await
        .unwrap_or_else(IntoResponse::into_response)
}

/// Unknown paths.
pub(super) async fn no_route() -> Response {
    StabilityError::no_route().into_response()
}

/// `GET /v1/user/account` **(unverified)**: the v1 account details.
pub(super) async fn account(State(state): State<AppState>) -> Response {
    if let Some(response) = early_fault(
        &state,
        state.common.faults.take("/v1/user/account").as_ref(),
    )
    .await
    {
        return response.unwrap_or_else(IntoResponse::into_response);
    }
    axum::Json(json!({
        "id": "user-standin",
        "email": "standin@example.com",
        "profile_picture": "https://example.com/avatar.png",
        "organizations": [{"id": "org-standin", "name": "Stand-in", "role": "MEMBER", "is_default": true}],
    }))
    .into_response()
}

/// The v1 API's 401 body **(unverified)**: `{id, name, message}`.
pub(super) fn v1_unauthorized() -> Response {
    let body = json!({
        "id": uuid::Uuid::new_v4().simple().to_string(),
        "name": "unauthorized",
        "message": "Missing or invalid API key.",
    });
    (StatusCode::UNAUTHORIZED, axum::Json(body)).into_response()
}

async fn create_inner(state: AppState, request: Request) -> Result<Response, StabilityError> {
    let path = request.uri().path().to_owned();
    let service = Service::from_path(&path).ok_or_else(StabilityError::no_route)?;
    let fault = state.common.faults.take(&path);
    if let Some(response) = early_fault(&state, fault.as_ref()).await {
        return response;
    }
    let accept = accept(request.headers())?;
    let body = read_form(&path, request).await?;
    state.record(body.clone());
    let spec = validate::validate(service, &body).map_err(StabilityError::bad_request)?;
    if fault == Some(Fault::Moderation) || has_word(&spec.prompt, FORBIDDEN_WORD) {
        return Err(StabilityError::moderation());
    }
    let seed = if spec.seed == 0 {
        state.random_seed()
    } else {
        spec.seed
    };
    if service == Service::UpscaleCreative {
        return Ok(start_async(&state, spec, seed, fault).await);
    }
    let attempt = Attempt::new(&state);
    for _ in 0..state.shared.options.steps {
        state.common.sleep(state.shared.options.step).await;
    }
    if lifecycle::is_killed(&state.common) {
        return Ok(lifecycle::crashed());
    }
    if fault == Some(Fault::RuntimeError) {
        return Err(StabilityError::for_status(500));
    }
    let finished = finish(&state, spec, seed, fault).await?;
    attempt.finish();
    Ok(respond(accept, &finished))
}

/// The faults that replace the whole answer (or delay it).
async fn early_fault(
    state: &AppState,
    fault: Option<&Fault>,
) -> Option<Result<Response, StabilityError>> {
    match fault? {
        Fault::Status { status } => Some(Err(StabilityError::for_status(*status))),
        Fault::RateLimited { retry_after_secs } => {
            Some(Err(StabilityError::rate_limited(*retry_after_secs)))
        }
        Fault::Hang => {
            state.common.hang().await;
            Some(Ok(lifecycle::crashed()))
        }
        Fault::Delay { millis } => {
            state.common.sleep(Duration::from_millis(*millis)).await;
            None
        }
        Fault::MalformedJson => Some(Ok(common::malformed_json())),
        Fault::WrongContentType => Some(Ok(common::wrong_content_type())),
        _ => None,
    }
}

fn accept(headers: &HeaderMap) -> Result<Accept, StabilityError> {
    let value = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("image/*")
        .trim();
    match value {
        "" | "*/*" | "image/*" => Ok(Accept::Image),
        "application/json" => Ok(Accept::Json),
        _ => Err(StabilityError::bad_request(vec![
            "accept: must be image/* or application/json".into(),
        ])),
    }
}

/// The multipart body, refusing anything else and anything over 10 MiB.
async fn read_form(path: &str, request: Request) -> Result<form::ReceivedRequest, StabilityError> {
    let (parts, body) = request.into_parts();
    let declared = parts
        .headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|len| len > MAX_BODY_BYTES) {
        return Err(StabilityError::too_large());
    }
    let content_type = parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok());
    if !form::is_multipart(content_type) {
        return Err(StabilityError::bad_request(vec![
            "content-type: must be multipart/form-data".into(),
        ]));
    }
    let bytes = axum::body::to_bytes(body, MAX_BODY_BYTES)
        .await
        .map_err(|_| StabilityError::too_large())?;
    let request = Request::from_parts(parts, Body::from(bytes));
    form::read_multipart(path, request)
        .await
        .map_err(|err| StabilityError::bad_request(vec![format!("body: {}", err.0)]))
}

fn has_word(prompt: &str, word: &str) -> bool {
    prompt
        .split(|c: char| !c.is_alphanumeric())
        .any(|w| w.eq_ignore_ascii_case(word))
}

/// Renders and encodes the result (on a blocking thread).
async fn finish(
    state: &AppState,
    spec: Spec,
    seed: u64,
    fault: Option<Fault>,
) -> Result<Finished, StabilityError> {
    let creative_pixels = state.shared.options.creative_pixels;
    tokio::task::spawn_blocking(move || {
        let filtered = has_word(&spec.prompt, FILTERED_WORD);
        let mut image = render::render(&spec, seed, creative_pixels);
        if filtered {
            image = render::blurred(&image);
        }
        let bytes = match fault {
            Some(Fault::TruncatedImage) => common::truncated_png(&image),
            Some(Fault::OversizedImage) => common::oversized_png(),
            _ => render::encode(&image, spec.format),
        };
        Finished {
            bytes,
            format: spec.format,
            seed,
            finish_reason: if filtered {
                "CONTENT_FILTERED"
            } else {
                "SUCCESS"
            },
        }
    })
    .await
    .map_err(|_| StabilityError::for_status(500))
}

/// The image as the client asked for it.
fn respond(accept: Accept, finished: &Finished) -> Response {
    match accept {
        Accept::Json => {
            let body = json!({
                "image": base64::engine::general_purpose::STANDARD.encode(&finished.bytes),
                "finish_reason": finished.finish_reason,
                "seed": finished.seed,
            });
            axum::Json(body).into_response()
        }
        Accept::Image => {
            let content_type = format!("image/{}", finished.format);
            let mut response = finished.bytes.clone().into_response();
            let headers = response.headers_mut();
            for (name, value) in [
                ("content-type", content_type),
                ("finish-reason", finished.finish_reason.to_owned()),
                ("seed", finished.seed.to_string()),
            ] {
                if let Ok(value) = value.parse() {
                    headers.insert(name, value);
                }
            }
            response
        }
    }
}

/// Starts a creative upscale: 200 `{id}`, the result ready later.
async fn start_async(state: &AppState, spec: Spec, seed: u64, fault: Option<Fault>) -> Response {
    let options = &state.shared.options;
    let ready_at = Instant::now() + options.step * options.async_steps;
    let outcome = if fault == Some(Fault::RuntimeError) {
        Err(())
    } else {
        finish(state, spec, seed, fault).await.map_err(|_| ())
    };
    let id = format!(
        "{}{}",
        uuid::Uuid::new_v4().simple(),
        uuid::Uuid::new_v4().simple()
    );
    lock(&state.shared.results).insert(id.clone(), StoredResult { ready_at, outcome });
    axum::Json(json!({"id": id})).into_response()
}

/// `GET /v2beta/results/{id}`: 202 while running, then the image; 404
/// for unknown ids.
pub(super) async fn result(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    result_inner(&state, &id, &headers)
        .await
        .unwrap_or_else(IntoResponse::into_response)
}

async fn result_inner(
    state: &AppState,
    id: &str,
    headers: &HeaderMap,
) -> Result<Response, StabilityError> {
    let fault = state.common.faults.take(&format!("/v2beta/results/{id}"));
    if let Some(response) = early_fault(state, fault.as_ref()).await {
        return response;
    }
    let accept = accept(headers)?;
    let stored = lock(&state.shared.results).get(id).cloned();
    let stored = stored.ok_or_else(|| StabilityError::result_not_found(id))?;
    if Instant::now() < stored.ready_at {
        let body = json!({"id": id, "status": "in-progress"});
        return Ok((StatusCode::ACCEPTED, axum::Json(body)).into_response());
    }
    match stored.outcome {
        Ok(finished) => Ok(respond(accept, &finished)),
        Err(()) => Err(StabilityError::for_status(500)),
    }
}
