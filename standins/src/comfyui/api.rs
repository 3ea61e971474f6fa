//! The JSON endpoints of `server.py`: prompts, the queue, interrupts,
//! history, node definitions, model lists, system facts.

use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::{Path, Query, State as AxumState};
use axum::http::{StatusCode, Uri};
use axum::response::Response;

use super::http::{App, FaultAction, apply_fault, empty, error_page, json};
use super::json::{J, jobj, strings};
use super::nodes::catalog;
use super::state::{QueueItem, SENSITIVE_KEYS};
use super::validate::{Verdict, error_body, validate_prompt};
use super::ws::server_features;
use crate::common::Fault;

/// The model folders `/models` lists (as observed).
const MODEL_FOLDERS: &[&str] = &[
    "checkpoints",
    "configs",
    "loras",
    "vae",
    "text_encoders",
    "diffusion_models",
    "clip_vision",
    "style_models",
    "embeddings",
    "diffusers",
    "vae_approx",
    "controlnet",
    "gligen",
    "upscale_models",
    "latent_upscale_models",
    "custom_nodes",
    "hypernetworks",
    "photomaker",
    "classifiers",
    "model_patches",
    "audio_encoders",
];

macro_rules! fault_gate {
    ($app:expr, $uri:expr) => {
        match apply_fault(&$app, $uri.path()).await {
            FaultAction::Respond(response) => return response,
            FaultAction::Continue => None,
            FaultAction::Special(fault) => Some(fault),
        }
    };
}

/// `POST /prompt`.
pub async fn post_prompt(AxumState(app): AxumState<App>, uri: Uri, body: Bytes) -> Response {
    let special = fault_gate!(app, uri);
    let Ok(mut request) = J::parse(&body) else {
        return error_page(StatusCode::INTERNAL_SERVER_ERROR);
    };
    app.state.core().records.prompts.push(request.clone());
    let number = match request.get("number").and_then(J::as_f64) {
        Some(number) => J::Float(number),
        None => {
            let mut core = app.state.core();
            let number = core.number;
            core.number += 1;
            let front = request.get("front").is_some_and(J::truthy);
            J::Int(if front { -number } else { number })
        }
    };
    let Some(mut prompt) = request.remove("prompt") else {
        let error = error_body("no_prompt", "No prompt provided", "No prompt provided");
        return json(
            StatusCode::BAD_REQUEST,
            &jobj! {"error" => error, "node_errors" => J::Obj(Vec::new())},
        );
    };
    if prompt.pairs().is_none() {
        return error_page(StatusCode::INTERNAL_SERVER_ERROR);
    }
    let prompt_id = match request.get("prompt_id") {
        Some(J::Str(id)) => id.clone(),
        Some(other) if *other != J::Null => super::validate::py_str(other),
        _ => uuid::Uuid::new_v4().to_string(),
    };
    let partial: Option<Vec<String>> = request
        .get("partial_execution_targets")
        .and_then(J::items)
        .map(|ids| ids.iter().map(super::validate::py_str).collect());
    let lists = app.state.lists();
    let files = app.state.files().clone();
    let exists = |name: &str| files.is_file(&super::evaluate::input_path(name));
    let verdict = validate_prompt(&mut prompt, &lists, &exists, partial.as_deref());
    let (outputs, node_errors) = match verdict {
        Verdict::Valid {
            outputs,
            node_errors,
        } => (outputs, node_errors),
        Verdict::Invalid { error, node_errors } => {
            return json(
                StatusCode::BAD_REQUEST,
                &jobj! {"error" => error, "node_errors" => node_errors},
            );
        }
    };
    let mut extra_data = request
        .remove("extra_data")
        .filter(|e| e.pairs().is_some())
        .unwrap_or(J::Obj(Vec::new()));
    if let Some(client_id) = request.get("client_id") {
        extra_data.insert("client_id", client_id.clone());
    }
    for key in SENSITIVE_KEYS {
        extra_data.remove(key);
    }
    extra_data.insert(
        "create_time",
        J::from(chrono::Utc::now().timestamp_millis()),
    );
    app.state.enqueue(QueueItem {
        number: number.clone(),
        prompt_id: prompt_id.clone(),
        prompt,
        extra_data,
        outputs,
        fail: special == Some(Fault::RuntimeError),
    });
    json(
        StatusCode::OK,
        &jobj! {"prompt_id" => prompt_id, "number" => number, "node_errors" => node_errors},
    )
}

/// `GET /prompt`.
pub async fn get_prompt(AxumState(app): AxumState<App>, uri: Uri) -> Response {
    fault_gate!(app, uri);
    json(StatusCode::OK, &app.state.queue_info())
}

/// `GET /queue`.
pub async fn get_queue(AxumState(app): AxumState<App>, uri: Uri) -> Response {
    fault_gate!(app, uri);
    let body = {
        let core = app.state.core();
        let running: Vec<J> = core.running.iter().map(QueueItem::public).collect();
        let mut pending: Vec<&QueueItem> = core.pending.iter().collect();
        pending.sort_by(|a, b| {
            let key = |i: &QueueItem| i.number.as_f64().unwrap_or(0.0);
            key(a).total_cmp(&key(b))
        });
        let pending: Vec<J> = pending.into_iter().map(QueueItem::public).collect();
        jobj! {"queue_running" => J::Arr(running), "queue_pending" => J::Arr(pending)}
    };
    json(StatusCode::OK, &body)
}

/// `POST /queue`: `{"clear": true}` and/or `{"delete": [ids]}` (pending
/// prompts only).
pub async fn post_queue(AxumState(app): AxumState<App>, uri: Uri, body: Bytes) -> Response {
    fault_gate!(app, uri);
    let Ok(request) = J::parse(&body) else {
        return error_page(StatusCode::INTERNAL_SERVER_ERROR);
    };
    let mut changed = false;
    if request.get("clear").is_some_and(J::truthy) {
        app.state.core().pending.clear();
        changed = true;
    }
    for id in request.get("delete").and_then(J::items).unwrap_or_default() {
        let id = super::validate::py_str(id);
        let mut core = app.state.core();
        core.records.deletes.push(id.clone());
        let before = core.pending.len();
        core.pending.retain(|item| item.prompt_id != id);
        changed |= core.pending.len() != before;
    }
    if changed {
        app.state.status_changed();
    }
    empty(StatusCode::OK)
}

/// `POST /interrupt`: stops the running prompt (only if it is the one
/// named, when a `prompt_id` is given).
pub async fn post_interrupt(AxumState(app): AxumState<App>, uri: Uri, body: Bytes) -> Response {
    fault_gate!(app, uri);
    let request = J::parse(&body).unwrap_or(J::Obj(Vec::new()));
    let target = request
        .get("prompt_id")
        .filter(|id| id.truthy())
        .map(super::validate::py_str);
    let should = {
        let mut core = app.state.core();
        core.records.interrupts.push(target.clone());
        match &target {
            Some(id) => core.running.as_ref().is_some_and(|r| &r.prompt_id == id),
            None => true,
        }
    };
    if should {
        app.state.interrupt();
    }
    empty(StatusCode::OK)
}

/// `GET /history?max_items=&offset=`.
pub async fn get_history(
    AxumState(app): AxumState<App>,
    uri: Uri,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    fault_gate!(app, uri);
    let max_items = query.get("max_items").and_then(|v| v.parse::<usize>().ok());
    let offset = query
        .get("offset")
        .and_then(|v| v.parse::<i64>().ok())
        .unwrap_or(-1);
    let core = app.state.core();
    let len = core.history.len() as i64;
    let start = match (offset, max_items) {
        (o, Some(max)) if o < 0 => (len - max as i64).max(0),
        (o, _) => o.max(0),
    } as usize;
    let entries: Vec<(String, J)> = core
        .history
        .iter()
        .skip(start)
        .take(max_items.unwrap_or(usize::MAX))
        .cloned()
        .collect();
    json(StatusCode::OK, &J::Obj(entries))
}

/// `GET /history/{prompt_id}`: `{id: entry}`, or `{}` if unknown or not
/// finished.
pub async fn get_history_entry(
    AxumState(app): AxumState<App>,
    uri: Uri,
    Path(prompt_id): Path<String>,
) -> Response {
    fault_gate!(app, uri);
    let core = app.state.core();
    let entry: Vec<(String, J)> = core
        .history
        .iter()
        .filter(|(id, _)| *id == prompt_id)
        .cloned()
        .collect();
    json(StatusCode::OK, &J::Obj(entry))
}

/// `POST /history`: `{"clear": true}` / `{"delete": [ids]}`.
pub async fn post_history(AxumState(app): AxumState<App>, uri: Uri, body: Bytes) -> Response {
    fault_gate!(app, uri);
    let Ok(request) = J::parse(&body) else {
        return error_page(StatusCode::INTERNAL_SERVER_ERROR);
    };
    let mut core = app.state.core();
    if request.get("clear").is_some_and(J::truthy) {
        core.history.clear();
    }
    for id in request.get("delete").and_then(J::items).unwrap_or_default() {
        let id = super::validate::py_str(id);
        core.history.retain(|(key, _)| *key != id);
    }
    empty(StatusCode::OK)
}

/// `GET /object_info`.
pub async fn object_info(AxumState(app): AxumState<App>, uri: Uri) -> Response {
    fault_gate!(app, uri);
    let nodes = catalog(&app.state.lists())
        .iter()
        .map(|n| (n.name.to_owned(), n.object_info()))
        .collect();
    json(StatusCode::OK, &J::Obj(nodes))
}

/// `GET /object_info/{class}`: `{class: info}`, or `{}`.
pub async fn object_info_class(
    AxumState(app): AxumState<App>,
    uri: Uri,
    Path(class): Path<String>,
) -> Response {
    fault_gate!(app, uri);
    let nodes = catalog(&app.state.lists())
        .iter()
        .filter(|n| n.name == class)
        .map(|n| (n.name.to_owned(), n.object_info()))
        .collect();
    json(StatusCode::OK, &J::Obj(nodes))
}

/// `GET /models`.
pub async fn models(AxumState(app): AxumState<App>, uri: Uri) -> Response {
    fault_gate!(app, uri);
    json(StatusCode::OK, &strings(MODEL_FOLDERS))
}

/// `GET /models/{folder}`: its files, 404 for an unknown folder.
pub async fn models_folder(
    AxumState(app): AxumState<App>,
    uri: Uri,
    Path(folder): Path<String>,
) -> Response {
    fault_gate!(app, uri);
    let core = app.state.core();
    let files = match folder.as_str() {
        "checkpoints" => core.checkpoints.clone(),
        "upscale_models" => core.upscale_models.clone(),
        other if MODEL_FOLDERS.contains(&other) => Vec::new(),
        _ => return error_page(StatusCode::NOT_FOUND),
    };
    json(StatusCode::OK, &strings(&files))
}

/// `GET /embeddings`.
pub async fn embeddings(AxumState(app): AxumState<App>, uri: Uri) -> Response {
    fault_gate!(app, uri);
    json(StatusCode::OK, &J::Arr(Vec::new()))
}

/// `GET /system_stats` (figures are the stand-in's own; the shape follows
/// `server.py`, **unverified** in detail).
pub async fn system_stats(AxumState(app): AxumState<App>, uri: Uri) -> Response {
    fault_gate!(app, uri);
    let gib = 1024i64 * 1024 * 1024;
    let body = jobj! {
        "system" => jobj! {
            "os" => "posix", "ram_total" => 16 * gib, "ram_free" => 12 * gib,
            "comfyui_version" => "0.8.0", "required_frontend_version" => "1.35.9",
            "installed_templates_version" => "0.7.65",
            "python_version" => "3.11.14 (main) [GCC 12.2.0]", "pytorch_version" => "2.9.1+cpu",
            "embedded_python" => false, "argv" => strings(&["main.py", "--listen", "127.0.0.1", "--cpu"]),
        },
        "devices" => J::Arr(vec![jobj! {
            "name" => "cpu", "type" => "cpu", "index" => J::Null,
            "vram_total" => 16 * gib, "vram_free" => 12 * gib,
            "torch_vram_total" => 16 * gib, "torch_vram_free" => 12 * gib,
        }]),
    };
    json(StatusCode::OK, &body)
}

/// `GET /features`.
pub async fn features(AxumState(app): AxumState<App>, uri: Uri) -> Response {
    fault_gate!(app, uri);
    json(
        StatusCode::OK,
        &server_features(app.state.config().max_upload_size),
    )
}

/// `POST /free`: accepted, nothing to free here.
pub async fn free(AxumState(app): AxumState<App>, uri: Uri) -> Response {
    fault_gate!(app, uri);
    empty(StatusCode::OK)
}
