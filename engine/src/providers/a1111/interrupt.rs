//! Stopping Easel's own generation, and only that: A1111 servers are often
//! shared, and `POST /sdapi/v1/interrupt` stops whatever job runs, so it is
//! sent only while `/progress` shows Easel's task as the current one.
//!
//! A cancelled request that still waits in A1111's queue (behind someone
//! else's job) would run later anyway, since dropping the HTTP request does
//! not dequeue it; a background watch then interrupts it once it starts. It
//! gives up when the server is seen idle twice in a row (the request is no
//! longer queued), or after `interrupt_watch`. The check and the interrupt
//! are two requests, so a job that starts in between could in principle be
//! hit; the window is one round trip.

use std::time::Instant;

use serde_json::Value;

use super::api::{Api, Context};
use super::generate::finished;
use super::progress;
use super::{A1111Settings, LABEL};
use crate::providers::ProviderError;

/// The saved handle's task id.
fn task_of(handle: &Value) -> Option<&str> {
    handle.get("task_id").and_then(Value::as_str)
}

/// Interrupts `task_id` if it is the job running now. Returns whether it
/// did.
pub async fn if_ours(api: &Api, task_id: &str) -> bool {
    match progress::read(api, false).await {
        Ok(progress) if progress.is_running(task_id) => send(api).await,
        Ok(_) => false,
        Err(err) => {
            tracing::warn!(error = %err, "could not check AUTOMATIC1111's current task");
            false
        }
    }
}

async fn send(api: &Api) -> bool {
    let sent = api
        .post::<Value>(
            "/sdapi/v1/interrupt",
            &Value::Object(Default::default()),
            api.quick(),
            &Context::default(),
        )
        .await;
    match sent {
        Ok(_) => {
            tracing::info!("interrupted Easel's generation on AUTOMATIC1111");
            true
        }
        Err(err) => {
            tracing::warn!(error = %err, "AUTOMATIC1111 did not take the interrupt");
            false
        }
    }
}

/// The owner cancelled: stop the handle's task if it runs; if another job
/// runs, watch in the background for ours to start.
pub async fn interrupt(api: &Api, settings: &A1111Settings, handle: &Value) {
    let Some(task_id) = task_of(handle) else {
        return;
    };
    if finished(handle) {
        return;
    }
    stop_or_watch(api, settings, task_id).await;
}

/// Interrupts `task_id` now if it runs, else watches for it; returns
/// whether it was running.
async fn stop_or_watch(api: &Api, settings: &A1111Settings, task_id: &str) -> bool {
    match progress::read(api, false).await {
        Ok(progress) if progress.is_running(task_id) => send(api).await,
        Ok(progress) => {
            if !progress.is_idle() {
                tracing::info!("AUTOMATIC1111 runs another client's job; not interrupting it");
                tokio::spawn(watch(api.clone(), settings.clone(), task_id.to_owned()));
            }
            false
        }
        Err(err) => {
            tracing::warn!(error = %err, "could not check AUTOMATIC1111's current task");
            false
        }
    }
}

/// Waits for `task_id` to start, then interrupts it.
async fn watch(api: Api, settings: A1111Settings, task_id: String) {
    let deadline = Instant::now() + settings.interrupt_watch;
    let mut idle = 0;
    while Instant::now() < deadline && idle < 2 {
        tokio::time::sleep(settings.poll_interval).await;
        let Ok(progress) = progress::read(&api, false).await else {
            continue;
        };
        if progress.is_running(&task_id) {
            send(&api).await;
            return;
        }
        idle = if progress.is_idle() { idle + 1 } else { 0 };
    }
}

/// A re-attach after an Easel restart: A1111 returns images only to the
/// request that asked for them, so the result is lost. If the orphaned
/// generation still runs it is interrupted, so the GPU is freed.
pub async fn after_restart(api: &Api, settings: &A1111Settings, handle: &Value) -> ProviderError {
    let stopped = match task_of(handle) {
        Some(task_id) => stop_or_watch(api, settings, task_id).await,
        None => false,
    };
    let tail = if stopped {
        " The unfinished generation was stopped."
    } else {
        ""
    };
    ProviderError::Fatal(format!(
        "Easel restarted while {LABEL} was generating; the result could not be recovered ({LABEL} returns images only to the request that asked for them). Generate again.{tail}"
    ))
}
