//! `GET /sdapi/v1/progress`, `POST /sdapi/v1/interrupt`, `POST /sdapi/v1/skip`.
//! They never wait for the global lock.

use std::collections::HashMap;
use std::sync::Arc;

use axum::Json;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::errors::{FieldError, Invalid, fault_response};
use super::state::Shared;

/// `GET /sdapi/v1/progress?skip_current_image=false`.
///
/// Idle (`job_count == 0`): progress 0, eta 0, no image, no task. Else
/// `progress = min(1, 0.01 + job_no/job_count + (sampling_step/sampling_steps)/job_count)`
/// and `eta_relative = elapsed/progress - elapsed`. `current_image` is
/// `null` when skipped or when no preview was made yet.
pub async fn progress(
    State(shared): State<Arc<Shared>>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    if let Some(response) = fault_response(&shared.common, "/sdapi/v1/progress").await {
        return response;
    }
    let skip_image = match query.get("skip_current_image").map(|v| v.to_lowercase()) {
        None => false,
        Some(v) if ["true", "1", "yes", "on", "t", "y"].contains(&v.as_str()) => true,
        Some(v) if ["false", "0", "no", "off", "f", "n"].contains(&v.as_str()) => false,
        Some(_) => {
            return Invalid(vec![FieldError {
                loc: vec![json!("query"), json!("skip_current_image")],
                msg: "value could not be parsed to a boolean".into(),
                kind: "type_error.bool".into(),
            }])
            .into_response();
        }
    };
    let body = {
        let state = shared.job();
        if state.job_count == 0 {
            json!({
                "progress": 0.0,
                "eta_relative": 0.0,
                "state": state.dict(),
                "current_image": null,
                "textinfo": null,
                "current_task": null,
            })
        } else {
            let count = state.job_count as f64;
            let mut progress = 0.01 + state.job_no as f64 / count;
            if state.sampling_steps > 0 {
                progress += state.sampling_step as f64 / state.sampling_steps as f64 / count;
            }
            let elapsed = state.time_start.elapsed().as_secs_f64();
            let eta_relative = elapsed / progress - elapsed;
            let image = if skip_image {
                Value::Null
            } else {
                state.current_image.clone().map_or(Value::Null, Value::from)
            };
            json!({
                "progress": progress.min(1.0),
                "eta_relative": eta_relative,
                "state": state.dict(),
                "current_image": image,
                "textinfo": null,
                "current_task": state.current_task,
            })
        }
    };
    shared.poke();
    Json(body).into_response()
}

/// `POST /sdapi/v1/interrupt`: flags the whole job to stop; answers `{}`.
pub async fn interrupt(State(shared): State<Arc<Shared>>) -> Response {
    if let Some(response) = fault_response(&shared.common, "/sdapi/v1/interrupt").await {
        return response;
    }
    let current = {
        let mut state = shared.job();
        state.interrupted = true;
        state.current_task.clone()
    };
    shared.record().interrupted.push(current);
    shared.poke();
    Json(json!({})).into_response()
}

/// `POST /sdapi/v1/skip`: abandons the current iteration; answers `null`.
pub async fn skip(State(shared): State<Arc<Shared>>) -> Response {
    if let Some(response) = fault_response(&shared.common, "/sdapi/v1/skip").await {
        return response;
    }
    shared.job().skipped = true;
    shared.record().skips += 1;
    shared.poke();
    Json(Value::Null).into_response()
}
