//! The three image endpoints: faults first, then the body (JSON or
//! multipart), the validation matrix, moderation, the simulated work, and
//! the `ImagesResponse` (or a stream).

use std::sync::Arc;
use std::time::Duration;

use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use serde_json::{Value, json};

use super::errors::ApiError;
use super::form::{self, ReceivedRequest};
use super::params::{self, Endpoint};
use super::validate::{self, Delivery, Family, Job};
use super::{AppState, Attempt, FORBIDDEN_WORD, images, lifecycle, stream};
use crate::common::{self, Fault};

/// `POST /v1/images/generations`.
pub(super) async fn generations(State(state): State<AppState>, request: Request) -> Response {
    serve(state, Endpoint::Generations, request)
        .await
        .unwrap_or_else(IntoResponse::into_response)
}

/// `POST /v1/images/edits`.
pub(super) async fn edits(State(state): State<AppState>, request: Request) -> Response {
    serve(state, Endpoint::Edits, request)
        .await
        .unwrap_or_else(IntoResponse::into_response)
}

/// `POST /v1/images/variations`.
pub(super) async fn variations(State(state): State<AppState>, request: Request) -> Response {
    serve(state, Endpoint::Variations, request)
        .await
        .unwrap_or_else(IntoResponse::into_response)
}

async fn serve(
    state: AppState,
    endpoint: Endpoint,
    request: Request,
) -> Result<Response, ApiError> {
    let path = request.uri().path().to_owned();
    let fault = state.0.common.faults.take(&path);
    if let Some(response) = early_fault(&state, fault.as_ref()).await {
        return response;
    }
    let host = request
        .headers()
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("127.0.0.1")
        .to_owned();
    let body = read_body(endpoint, &path, request).await?;
    state.record(body.clone());
    let is_json = body.json.is_some();
    let params = params::read(endpoint, &body)?;
    let job = validate::validate(endpoint, params, &state.0.options.models)?;
    if endpoint == Endpoint::Edits && is_json && job.family != Family::GptImage {
        return Err(ApiError::invalid(
            "model",
            Some("invalid_value"),
            "JSON edit requests are supported for GPT image models only; use multipart/form-data.",
        ));
    }
    if fault == Some(Fault::Moderation) {
        return Err(refusal(job.family, "output"));
    }
    if mentions_forbidden(&job.prompt) {
        return Err(refusal(job.family, "input"));
    }
    if job.stream {
        return Ok(stream::respond(state, job, fault));
    }
    let attempt = Attempt::new(&state);
    for _ in 0..state.0.options.steps {
        state.0.common.sleep(state.0.options.step).await;
    }
    if lifecycle::is_killed(&state.0.common) {
        return Ok(lifecycle::crashed());
    }
    if fault == Some(Fault::RuntimeError) {
        return Err(ApiError::for_status(500));
    }
    let response = respond(&state, Arc::new(job), fault, &host).await;
    attempt.finish();
    Ok(response)
}

/// The faults that replace the whole answer (or delay it).
async fn early_fault(
    state: &AppState,
    fault: Option<&Fault>,
) -> Option<Result<Response, ApiError>> {
    match fault? {
        Fault::Status { status } => Some(Err(ApiError::for_status(*status))),
        Fault::RateLimited { retry_after_secs } => {
            Some(Err(ApiError::rate_limited(*retry_after_secs)))
        }
        Fault::Hang => {
            state.0.common.hang().await;
            Some(Ok(lifecycle::crashed()))
        }
        Fault::Delay { millis } => {
            state.0.common.sleep(Duration::from_millis(*millis)).await;
            None
        }
        Fault::MalformedJson => Some(Ok(common::malformed_json())),
        Fault::WrongContentType => Some(Ok(common::wrong_content_type())),
        _ => None,
    }
}

fn refusal(family: Family, stage: &str) -> ApiError {
    match family {
        Family::GptImage => ApiError::moderation_blocked(stage),
        Family::DallE2 | Family::DallE3 => ApiError::content_policy(),
    }
}

/// Whether the prompt holds the word that the stand-in's safety system
/// refuses (whole word, any case).
fn mentions_forbidden(prompt: &str) -> bool {
    prompt
        .split(|c: char| !c.is_alphanumeric())
        .any(|word| word.eq_ignore_ascii_case(FORBIDDEN_WORD))
}

async fn read_body(
    endpoint: Endpoint,
    path: &str,
    request: Request,
) -> Result<ReceivedRequest, ApiError> {
    let content_type = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let multipart = form::is_multipart(content_type.as_deref());
    match (endpoint, multipart) {
        (Endpoint::Generations, _) | (Endpoint::Edits, false) => read_json(path, request).await,
        (_, true) => form::read_multipart(path, request).await.map_err(|err| {
            ApiError::invalid(
                "body",
                None,
                format!("Could not parse multipart form: {}", err.0),
            )
        }),
        (Endpoint::Variations, false) => Err(ApiError::invalid(
            "body",
            None,
            "Invalid Content-Type header (expected multipart/form-data).",
        )),
    }
}

async fn read_json(path: &str, request: Request) -> Result<ReceivedRequest, ApiError> {
    let bytes = axum::body::to_bytes(request.into_body(), usize::MAX)
        .await
        .map_err(|_| unparseable())?;
    let json: Value = serde_json::from_slice(&bytes).map_err(|_| unparseable())?;
    Ok(ReceivedRequest {
        path: path.to_owned(),
        json: Some(json),
        ..ReceivedRequest::default()
    })
}

fn unparseable() -> ApiError {
    let mut error = ApiError::invalid(
        "body",
        None,
        "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON.)",
    );
    error.param = None;
    error
}

/// Renders every image and builds the `ImagesResponse`.
async fn respond(state: &AppState, job: Arc<Job>, fault: Option<Fault>, host: &str) -> Response {
    let rendered = {
        let job = Arc::clone(&job);
        tokio::task::spawn_blocking(move || render_all(&job, fault.as_ref())).await
    };
    let Ok(encoded) = rendered else {
        return ApiError::for_status(500).into_response();
    };
    let data: Vec<Value> = encoded
        .into_iter()
        .map(|bytes| entry(state, &job, bytes, host))
        .collect();
    let mut body = json!({"created": chrono::Utc::now().timestamp(), "data": data});
    if job.family == Family::GptImage {
        merge(&mut body, images::gpt_extras(&job));
        merge(&mut body, json!({"usage": images::usage(&job)}));
    }
    (StatusCode::OK, axum::Json(body)).into_response()
}

fn render_all(job: &Job, fault: Option<&Fault>) -> Vec<Vec<u8>> {
    (0..job.n)
        .map(|index| match fault {
            Some(Fault::TruncatedImage) => common::truncated_png(&common::paint(
                &job.prompt,
                u64::from(index),
                job.width,
                job.height,
            )),
            Some(Fault::OversizedImage) => common::oversized_png(),
            _ => images::encode(&images::render(job, index), job.format),
        })
        .collect()
}

/// One `data[]` item: a link or base64, plus dall-e-3's revised prompt.
fn entry(state: &AppState, job: &Job, bytes: Vec<u8>, host: &str) -> Value {
    let mut item = match job.delivery {
        Delivery::B64Json => {
            json!({"b64_json": base64::engine::general_purpose::STANDARD.encode(&bytes)})
        }
        Delivery::Url => {
            let id = state.store_file(bytes, images::content_type(job.format));
            json!({"url": file_url(host, &id, state.0.options.url_ttl)})
        }
    };
    if job.family == Family::DallE3 {
        merge(
            &mut item,
            json!({"revised_prompt": images::revised_prompt(&job.prompt)}),
        );
    }
    item
}

/// A link shaped like the real service's signed blob links.
fn file_url(host: &str, id: &str, ttl: Duration) -> String {
    let now = chrono::Utc::now();
    let expires =
        now + chrono::Duration::from_std(ttl).unwrap_or_else(|_| chrono::Duration::hours(1));
    let format = "%Y-%m-%dT%H%%3A%M%%3A%SZ";
    format!(
        "http://{host}/_files/{id}.png?st={}&se={}&sp=r&sv=2021-08-06&sr=b&sig={}",
        now.format(format),
        expires.format(format),
        uuid::Uuid::new_v4().simple()
    )
}

fn merge(target: &mut Value, extra: Value) {
    if let (Some(target), Value::Object(extra)) = (target.as_object_mut(), extra) {
        target.extend(extra);
    }
}
