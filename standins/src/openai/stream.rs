//! gpt-image streaming (PROVIDERS.md §1.4): `text/event-stream` with an
//! `event:` line equal to the JSON `type`, `partial_images` partial events,
//! then the completed event (and `data: [DONE]` when
//! [`Options::done_marker`](super::Options::done_marker) is set). A
//! `runtime_error` fault sends an `error` event after the first partial.

use std::convert::Infallible;
use std::sync::Arc;

use axum::response::sse::{Event, Sse};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use futures::SinkExt;
use futures::channel::mpsc;
use serde_json::{Value, json};

use super::errors::ApiError;
use super::params::Endpoint;
use super::validate::Job;
use super::{AppState, Attempt, images, lifecycle};
use crate::common::{self, Fault};

type Sender = mpsc::Sender<Result<Event, Infallible>>;

/// Answers with the event stream; the events are produced by a task that
/// notices when the client goes away.
pub(super) fn respond(state: AppState, job: Job, fault: Option<Fault>) -> Response {
    let (tx, rx) = mpsc::channel(1);
    tokio::spawn(produce(state, Arc::new(job), fault, tx));
    Sse::new(rx).into_response()
}

async fn produce(state: AppState, job: Arc<Job>, fault: Option<Fault>, mut tx: Sender) {
    let attempt = Attempt::new(&state);
    let prefix = match job.endpoint {
        Endpoint::Edits => "image_edit",
        _ => "image_generation",
    };
    let Some(final_image) = blocking(&job, |job| images::render(job, 0)).await else {
        return;
    };
    let total = job.partial_images + 1;
    for index in 0..job.partial_images {
        state.0.common.sleep(state.0.options.step).await;
        if lifecycle::is_killed(&state.0.common) {
            return;
        }
        let partial = {
            let final_image = final_image.clone();
            blocking(&job, move |job| {
                images::encode(
                    &images::partial(job, &final_image, index + 1, total),
                    job.format,
                )
            })
            .await
        };
        let Some(bytes) = partial else {
            return;
        };
        let mut payload = event_payload(&job, &format!("{prefix}.partial_image"), &bytes);
        payload["partial_image_index"] = json!(index);
        if send(&mut tx, &payload).await.is_err() {
            return;
        }
        if index == 0 && fault == Some(Fault::RuntimeError) {
            let error = ApiError::server(
                axum::http::StatusCode::INTERNAL_SERVER_ERROR,
                "The image generation failed. Please try again.",
            );
            let _ = send(&mut tx, &json!({"type": "error", "error": error.body()})).await;
            attempt.finish();
            return;
        }
    }
    state.0.common.sleep(state.0.options.step).await;
    if lifecycle::is_killed(&state.0.common) {
        return;
    }
    let bytes = match fault {
        Some(Fault::TruncatedImage) => common::truncated_png(&final_image.to_rgb8()),
        Some(Fault::OversizedImage) => common::oversized_png(),
        _ => {
            let Some(bytes) =
                blocking(&job, move |job| images::encode(&final_image, job.format)).await
            else {
                return;
            };
            bytes
        }
    };
    let mut payload = event_payload(&job, &format!("{prefix}.completed"), &bytes);
    payload["usage"] = images::usage(&job);
    if send(&mut tx, &payload).await.is_err() {
        return;
    }
    if state.0.options.done_marker && tx.send(Ok(Event::default().data("[DONE]"))).await.is_err() {
        return;
    }
    attempt.finish();
}

/// The fields every image event carries.
fn event_payload(job: &Job, kind: &str, bytes: &[u8]) -> Value {
    let mut payload = json!({
        "type": kind,
        "b64_json": base64::engine::general_purpose::STANDARD.encode(bytes),
        "created_at": chrono::Utc::now().timestamp(),
    });
    if let (Some(map), Value::Object(extra)) = (payload.as_object_mut(), images::gpt_extras(job)) {
        map.extend(extra);
    }
    payload
}

async fn send(tx: &mut Sender, payload: &Value) -> Result<(), mpsc::SendError> {
    let kind = payload["type"].as_str().unwrap_or("message").to_owned();
    let event = Event::default().event(kind).data(payload.to_string());
    tx.send(Ok(event)).await
}

async fn blocking<T: Send + 'static>(
    job: &Arc<Job>,
    work: impl FnOnce(&Job) -> T + Send + 'static,
) -> Option<T> {
    let job = Arc::clone(job);
    tokio::task::spawn_blocking(move || work(&job)).await.ok()
}
