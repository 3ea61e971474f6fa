//! The submit routes: `/mj/submit/imagine`, `/change`, `/simple-change`
//! and (trueai) `/action`. They answer HTTP 200 with a `code` for most
//! failures: 1 submitted, 21 exists, 22 queued, 23 queue full, 24 banned
//! prompt, 3 not found, 4 validation error, 9 system error. The
//! descriptions are novicezk's (Chinese), as its clients see them.

use std::sync::Arc;
use std::sync::atomic::Ordering;

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::errors::{fault_response_for, spring_error};
use super::images;
use super::store::Shared;
use super::task::{Action, Ending, Status, Task, parameter};
use super::{Flavour, driver};
use crate::common::{Fault, SplitMix};

/// A `SubmitResultVO`.
fn result(code: i64, description: &str, id: Option<&str>, properties: Value) -> Response {
    Json(json!({
        "code": code,
        "description": description,
        "result": id,
        "properties": properties,
    }))
    .into_response()
}

fn failed(code: i64, description: &str) -> Response {
    result(code, description, None, json!({}))
}

/// The body as JSON (`None`: answer Spring's 400).
fn body_json(body: &[u8]) -> Option<Value> {
    serde_json::from_slice(body).ok()
}

/// `POST /mj/submit/imagine`.
pub async fn imagine(State(shared): State<Arc<Shared>>, body: Bytes) -> Response {
    let path = "/mj/submit/imagine";
    let fault = match fault_response_for(&shared.common, path).await {
        Ok(fault) => fault,
        Err(response) => return response,
    };
    let Some(body) = body_json(&body) else {
        return spring_error(StatusCode::BAD_REQUEST, path);
    };
    shared.record().bodies.push((path.into(), body.clone()));
    let prompt = body["prompt"]
        .as_str()
        .unwrap_or_default()
        .trim()
        .to_owned();
    if prompt.is_empty() {
        return failed(4, "prompt不能为空");
    }
    let banned = prompt
        .split(|c: char| !c.is_alphanumeric())
        .find(|w| w.eq_ignore_ascii_case("forbidden"));
    if banned.is_some() || fault == Some(Fault::Moderation) {
        let word = banned.unwrap_or("gore");
        return result(
            24,
            "可能包含敏感词",
            None,
            json!({"promptEn": prompt, "bannedWord": word}),
        );
    }
    let niji = shared.settings.flavour == Flavour::TrueAi
        && body["botType"].as_str() == Some("NIJI_JOURNEY");
    let mut task = new_task(&shared, &body, Action::Imagine, &prompt);
    task.description = format!("/imagine {prompt}");
    task.bot_type = if niji { "NIJI_JOURNEY" } else { "MID_JOURNEY" }.into();
    task.final_prompt = final_prompt(&prompt, niji);
    task.seed = parameter(&prompt, &["seed"])
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| rand::random::<u32>().into());
    task.quadrant = images::quadrant_size(
        parameter(&prompt, &["ar", "aspect"]),
        shared.settings.size_divisor,
    );
    task.ending = ending(&prompt, fault.as_ref());
    accept(&shared, task)
}

/// How a task will end: a `RuntimeError` fault or the word "filtered"
/// (Midjourney's image filters after the run) make it fail.
fn ending(prompt: &str, fault: Option<&Fault>) -> Ending {
    if fault == Some(&Fault::RuntimeError) {
        return Ending::Failure(
            "[Internal Error] There was an error processing your request. Please try again later."
                .into(),
        );
    }
    let filtered = prompt
        .split(|c: char| !c.is_alphanumeric())
        .any(|w| w.eq_ignore_ascii_case("filtered"));
    if filtered {
        Ending::Failure("Request cancelled due to image filters (banned content)".into())
    } else {
        Ending::Success
    }
}

fn final_prompt(prompt: &str, niji: bool) -> String {
    if prompt.contains("--v ") || prompt.contains("--niji") {
        prompt.to_owned()
    } else if niji {
        format!("{prompt} --niji 6")
    } else {
        format!("{prompt} --v 6.1")
    }
}

fn new_task(shared: &Shared, body: &Value, action: Action, prompt: &str) -> Task {
    let mut rng = SplitMix(rand::random());
    Task {
        id: shared.next_id(),
        action,
        status: Status::NotStart,
        progress: None,
        prompt: prompt.to_owned(),
        description: String::new(),
        state: body["state"].as_str().map(str::to_owned),
        submit_time: chrono::Utc::now().timestamp_millis(),
        start_time: None,
        finish_time: None,
        image_url: None,
        fail_reason: None,
        final_prompt: prompt.to_owned(),
        message_id: format!(
            "{}",
            1_100_000_000_000_000_000 + rng.next_u64() % 100_000_000_000_000_000
        ),
        message_hash: uuid::Uuid::new_v4().to_string(),
        notify_hook: body["notifyHook"].as_str().map(str::to_owned),
        bot_type: "MID_JOURNEY".into(),
        seed: 0,
        quadrant: (1024, 1024),
        parent: None,
        ending: Ending::Success,
        cancel_requested: false,
    }
}

/// Queues a task (code 1, or 22 behind busy slots, or 23 when the wait
/// queue is full; a forced code wins) and starts its driver.
fn accept(shared: &Arc<Shared>, task: Task) -> Response {
    let forced = shared.take_forced();
    if let Some((code, description)) = &forced
        && *code != 21
    {
        return failed(*code, description);
    }
    let busy = shared.slots.available_permits() == 0;
    let waiting = shared.waiting.load(Ordering::SeqCst);
    if busy && waiting >= shared.settings.queue_size {
        return failed(23, "队列已满，请稍后尝试");
    }
    let id = task.id.clone();
    shared.waiting.fetch_add(1, Ordering::SeqCst);
    shared.insert(task);
    tokio::spawn(driver::drive(Arc::clone(shared), id.clone()));
    let (code, description) = match forced {
        Some((code, description)) => (code, description),
        None if busy => (22, format!("排队中，前面还有{waiting}个任务")),
        None => (1, "提交成功".to_owned()),
    };
    result(
        code,
        &description,
        Some(&id),
        json!({"discordInstanceId": "1187245382123456789"}),
    )
}

/// `POST /mj/submit/change` `{taskId, action, index}`.
pub async fn change(State(shared): State<Arc<Shared>>, body: Bytes) -> Response {
    let path = "/mj/submit/change";
    let fault = match fault_response_for(&shared.common, path).await {
        Ok(fault) => fault,
        Err(response) => return response,
    };
    let Some(body) = body_json(&body) else {
        return spring_error(StatusCode::BAD_REQUEST, path);
    };
    shared.record().bodies.push((path.into(), body.clone()));
    let action = body["action"].as_str().and_then(Action::parse);
    let index = body["index"].as_u64().map(|i| i as u32);
    let task_id = body["taskId"].as_str().unwrap_or_default().to_owned();
    derive(&shared, &body, &task_id, action, index, fault)
}

/// `POST /mj/submit/simple-change` `{"content": "<taskId> U2"}`.
pub async fn simple_change(State(shared): State<Arc<Shared>>, body: Bytes) -> Response {
    let path = "/mj/submit/simple-change";
    let fault = match fault_response_for(&shared.common, path).await {
        Ok(fault) => fault,
        Err(response) => return response,
    };
    let Some(body) = body_json(&body) else {
        return spring_error(StatusCode::BAD_REQUEST, path);
    };
    shared.record().bodies.push((path.into(), body.clone()));
    let content = body["content"].as_str().unwrap_or_default();
    let mut words = content.split_whitespace();
    let (Some(task_id), Some(code), None) = (words.next(), words.next(), words.next()) else {
        return failed(4, "content参数错误");
    };
    let (action, index) = match code.split_at(1) {
        ("U", n) => (Some(Action::Upscale), n.parse().ok()),
        ("V", n) => (Some(Action::Variation), n.parse().ok()),
        ("R", "") => (Some(Action::Reroll), None),
        _ => (None, None),
    };
    derive(&shared, &body, task_id, action, index, fault)
}

/// `POST /mj/submit/action` `{taskId, customId}` (trueai; novicezk's
/// open-source build has no such route). An unknown parent task is HTTP
/// 404 with code 3.
pub async fn action(State(shared): State<Arc<Shared>>, body: Bytes) -> Response {
    let path = "/mj/submit/action";
    if shared.settings.flavour == Flavour::Novicezk {
        return spring_error(StatusCode::NOT_FOUND, path);
    }
    let fault = match fault_response_for(&shared.common, path).await {
        Ok(fault) => fault,
        Err(response) => return response,
    };
    let Some(body) = body_json(&body) else {
        return spring_error(StatusCode::BAD_REQUEST, path);
    };
    shared.record().bodies.push((path.into(), body.clone()));
    let task_id = body["taskId"].as_str().unwrap_or_default().to_owned();
    let Some(parent) = shared.task(&task_id) else {
        let mut response = failed(3, "关联任务不存在或已失效");
        *response.status_mut() = StatusCode::NOT_FOUND;
        return response;
    };
    let custom = body["customId"].as_str().unwrap_or_default();
    let parts: Vec<&str> = custom.split("::").collect();
    let (kind, index, hash) = match parts.as_slice() {
        ["MJ", "JOB", kind, index, hash, ..] => (*kind, index.parse::<u32>().ok(), *hash),
        _ => return failed(4, "customId参数错误"),
    };
    if hash != parent.message_hash {
        return failed(4, "customId与任务不匹配");
    }
    let (action, index) = match kind {
        "upsample" => (Some(Action::Upscale), index),
        "variation" => (Some(Action::Variation), index),
        "reroll" => (Some(Action::Reroll), None),
        // Vary (Subtle/Strong) under an upscale: a variation of the
        // quadrant it was cut from.
        "low_variation" | "high_variation" if parent.action == Action::Upscale => {
            let Some((grid, index)) = parent.parent.clone() else {
                return failed(4, "关联任务状态错误");
            };
            return derive(
                &shared,
                &body,
                &grid,
                Some(Action::Variation),
                Some(index),
                fault,
            );
        }
        _ => return failed(4, "该按钮暂不支持"),
    };
    derive(&shared, &body, &task_id, action, index, fault)
}

/// A task made from a finished grid: U (its quadrant), V (a new grid like
/// the quadrant), R (the prompt again).
fn derive(
    shared: &Arc<Shared>,
    body: &Value,
    parent_id: &str,
    action: Option<Action>,
    index: Option<u32>,
    fault: Option<Fault>,
) -> Response {
    let Some(action) = action.filter(|a| *a != Action::Imagine) else {
        return failed(4, "action参数错误");
    };
    let Some(parent) = shared.task(parent_id) else {
        return failed(3, "关联任务不存在或已失效");
    };
    if parent.status != Status::Success || !parent.action.makes_grid() {
        return failed(4, "关联任务状态错误");
    }
    let index = match (action, index) {
        (Action::Reroll, _) => 0,
        (_, Some(n @ 1..=4)) => n,
        _ => return failed(4, "index参数错误"),
    };
    let mut task = new_task(shared, body, action, &parent.prompt);
    let code = match action {
        Action::Reroll => "R".to_owned(),
        Action::Upscale => format!("U{index}"),
        _ => format!("V{index}"),
    };
    task.description = format!("/up {parent_id} {code}");
    task.final_prompt = parent.final_prompt.clone();
    task.bot_type = parent.bot_type.clone();
    task.quadrant = parent.quadrant;
    task.seed = match action {
        Action::Upscale => parent.seed,
        Action::Variation => (parent.seed ^ (u64::from(index) << 20) ^ 0x5bd1_e995) & 0xffff_ffff,
        _ => rand::random::<u32>().into(),
    };
    task.parent = Some((parent_id.to_owned(), index));
    task.ending = ending(&parent.prompt, fault.as_ref());
    accept(shared, task)
}
