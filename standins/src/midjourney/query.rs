//! Task queries, cancel, and the image "CDN".

use std::sync::Arc;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::Flavour;
use super::errors::{fault_response_for, spring_error};
use super::store::Shared;
use super::task::Status;
use crate::common::{self, Fault};

/// `GET /mj/task/{id}/fetch`: the task, or an empty body for an unknown id
/// (trueai: 204; novicezk: 200 with no body).
pub async fn fetch(State(shared): State<Arc<Shared>>, Path(id): Path<String>) -> Response {
    if let Err(response) = fault_response_for(&shared.common, &format!("/mj/task/{id}/fetch")).await
    {
        return response;
    }
    shared.polled();
    let Some(task) = shared.task(&id) else {
        return match shared.settings.flavour {
            Flavour::TrueAi => StatusCode::NO_CONTENT.into_response(),
            Flavour::Novicezk => StatusCode::OK.into_response(),
        };
    };
    shared.record().served.push((id, task.progress.clone()));
    Json(task.json(shared.settings.flavour)).into_response()
}

/// `POST /mj/task/list-by-condition` `{"ids": […]}`: the known ones.
pub async fn list_by_condition(State(shared): State<Arc<Shared>>, body: Bytes) -> Response {
    let path = "/mj/task/list-by-condition";
    if let Err(response) = fault_response_for(&shared.common, path).await {
        return response;
    }
    shared.polled();
    let Ok(body) = serde_json::from_slice::<Value>(&body) else {
        return spring_error(StatusCode::BAD_REQUEST, path);
    };
    let ids: Vec<&str> = body["ids"]
        .as_array()
        .map(|ids| ids.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let tasks: Vec<Value> = ids
        .iter()
        .filter_map(|id| shared.task(id))
        .map(|task| task.json(shared.settings.flavour))
        .collect();
    Json(tasks).into_response()
}

/// `POST /mj/task/{id}/cancel` (trueai): a waiting task is cancelled at
/// once, a running one at its next step.
pub async fn cancel(State(shared): State<Arc<Shared>>, Path(id): Path<String>) -> Response {
    if shared.settings.flavour == Flavour::Novicezk {
        return spring_error(StatusCode::NOT_FOUND, &format!("/mj/task/{id}/cancel"));
    }
    if let Err(response) =
        fault_response_for(&shared.common, &format!("/mj/task/{id}/cancel")).await
    {
        return response;
    }
    let Some(task) = shared.task(&id) else {
        return Json(json!({"code": 3, "description": "任务不存在", "result": null}))
            .into_response();
    };
    if task.status.is_final() {
        return Json(json!({"code": 4, "description": "任务已结束", "result": id})).into_response();
    }
    shared.record().cancels.push(id.clone());
    shared.update(&id, |t| {
        t.cancel_requested = true;
        if t.status == Status::NotStart {
            t.status = Status::Cancel;
            t.finish_time = Some(chrono::Utc::now().timestamp_millis());
        }
    });
    Json(json!({"code": 1, "description": "成功", "result": id})).into_response()
}

/// `GET /_cdn/{*file}`: the images, as Discord's CDN serves them (no auth).
pub async fn cdn(State(shared): State<Arc<Shared>>, Path(file): Path<String>) -> Response {
    let path = format!("/_cdn/{file}");
    let fault = match fault_response_for(&shared.common, &path).await {
        Ok(fault) => fault,
        Err(response) => return response,
    };
    let Some(bytes) = shared.file(&file) else {
        return (
            StatusCode::NOT_FOUND,
            "This content is no longer available.",
        )
            .into_response();
    };
    let bytes = match fault {
        Some(Fault::TruncatedImage) => bytes[..bytes.len() / 2].to_vec(),
        Some(Fault::OversizedImage) => common::oversized_png(),
        _ => bytes,
    };
    ([(header::CONTENT_TYPE, "image/png")], bytes).into_response()
}
