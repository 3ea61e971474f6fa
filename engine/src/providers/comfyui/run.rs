//! One job: open the websocket under a fresh client id, queue the graph
//! with that `client_id`, save the handle, wait, then fetch the outputs.
//! Or re-attach to a saved handle. And stopping a job on the server.

use std::time::Duration;

use serde_json::{Value, json};

use super::api::{OutputImage, Queued};
use super::errors::{self, LOST};
use super::socket::Socket;
use super::wait::Waiter;
use super::{ComfyUiProvider, LABEL, plan};
use crate::providers::{Generated, GeneratedImage, JobContext, ProviderError};

/// How long to wait for the feature-flag reply before queueing.
const NEGOTIATION_WAIT: Duration = Duration::from_secs(2);

/// Runs `cx` (or re-attaches to its saved handle).
pub(super) async fn run(
    provider: &ComfyUiProvider,
    cx: &JobContext,
) -> Result<Vec<Generated>, ProviderError> {
    if let Some(handle) = &cx.remote_handle {
        return reattach(provider, cx, handle).await;
    }
    let graph = plan::graph(provider, cx).await?;
    let client_id = fresh_id();
    let socket = open_socket(provider, &client_id).await;
    let mut extra_data = json!({});
    if let Some(method) = &provider.settings.preview_method {
        extra_data["preview_method"] = json!(method);
    }
    let body = json!({"prompt": graph, "client_id": client_id, "extra_data": extra_data});
    let submitted = provider.api.submit(&body).await?;
    if submitted
        .node_errors
        .as_object()
        .is_some_and(|e| !e.is_empty())
    {
        tracing::warn!(node_errors = %submitted.node_errors, "ComfyUI dropped some outputs of the workflow");
    }
    let prompt_id = submitted.prompt_id;
    cx.progress
        .save_remote_handle(json!({"prompt_id": prompt_id, "client_id": client_id}))
        .await;
    let entry = Waiter::new(provider, cx, &prompt_id, socket).wait().await?;
    collect(provider, cx, &prompt_id, &entry).await
}

/// Picks up a prompt an earlier run queued: its history when it is done;
/// else, when ComfyUI still has it queued or running, the websocket again
/// under the same client id (ComfyUI re-sends `executing`) until it ends.
async fn reattach(
    provider: &ComfyUiProvider,
    cx: &JobContext,
    handle: &Value,
) -> Result<Vec<Generated>, ProviderError> {
    let prompt_id = handle["prompt_id"].as_str().ok_or_else(|| {
        ProviderError::Fatal(format!(
            "Easel's saved {LABEL} job handle is unreadable; submit the job again"
        ))
    })?;
    let client_id = handle["client_id"]
        .as_str()
        .map_or_else(fresh_id, str::to_owned);
    // Connect before looking, so nothing sent after the look is missed.
    let socket = open_socket(provider, &client_id).await;
    if let Some(entry) = provider.api.history(prompt_id).await? {
        return collect(provider, cx, prompt_id, &entry).await;
    }
    if provider.api.queued(prompt_id).await? == Queued::Absent {
        return match provider.api.history(prompt_id).await? {
            Some(entry) => collect(provider, cx, prompt_id, &entry).await,
            None => Err(ProviderError::Fatal(LOST.into())),
        };
    }
    tracing::info!(
        prompt_id,
        "re-attached to a ComfyUI prompt still in its queue"
    );
    let entry = Waiter::new(provider, cx, prompt_id, socket).wait().await?;
    collect(provider, cx, prompt_id, &entry).await
}

/// Opens and negotiates the websocket; `None` (poll instead) if it fails.
async fn open_socket(provider: &ComfyUiProvider, client_id: &str) -> Option<Socket> {
    let mut socket = match Socket::connect(provider.api.remote(), client_id).await {
        Ok(socket) => socket,
        Err(err) => {
            tracing::warn!(error = %err, "no ComfyUI websocket; following the job by polling");
            return None;
        }
    };
    if provider.settings.preview_metadata {
        let wait = if provider.flags_ignored() {
            Duration::ZERO
        } else {
            NEGOTIATION_WAIT
        };
        match socket.negotiate(wait).await {
            Ok(true) => {}
            Ok(false) => provider.note_flags_ignored(),
            Err(err) => {
                tracing::warn!(error = %err, "the ComfyUI websocket failed at once; following the job by polling");
                return None;
            }
        }
    }
    Some(socket)
}

/// A client id like ComfyUI's own (32 hex digits).
fn fresh_id() -> String {
    uuid::Builder::from_random_bytes(rand::random())
        .into_uuid()
        .simple()
        .to_string()
}

/// The images of a finished prompt, fetched with `/view`: those saved to
/// `output/`, or (for workflows that only preview) those in `temp/`.
async fn collect(
    provider: &ComfyUiProvider,
    cx: &JobContext,
    prompt_id: &str,
    entry: &Value,
) -> Result<Vec<Generated>, ProviderError> {
    if let Some(err) = errors::from_history(entry) {
        return Err(err);
    }
    let mut found: Vec<(String, usize, OutputImage)> = Vec::new();
    for (node, output) in entry["outputs"].as_object().into_iter().flatten() {
        let listed: Vec<OutputImage> = output["images"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|image| serde_json::from_value(image.clone()).ok())
            .collect();
        found.extend(
            listed
                .into_iter()
                .enumerate()
                .map(|(i, image)| (node.clone(), i, image)),
        );
    }
    found.sort_by_key(|(node, index, _)| {
        (
            node.parse::<u64>().unwrap_or(u64::MAX),
            node.clone(),
            *index,
        )
    });
    if found.iter().any(|(_, _, image)| image.kind == "output") {
        found.retain(|(_, _, image)| image.kind == "output");
    }
    if found.is_empty() {
        return Err(ProviderError::Fatal(format!(
            "{LABEL} finished the job but it produced no images"
        )));
    }
    let seed = seeded(provider, cx).then_some(cx.seed);
    let graph = entry["prompt"].get(2).cloned().unwrap_or(Value::Null);
    let mut generated = Vec::with_capacity(found.len());
    for (node, index, image) in found {
        let bytes = provider.api.view(&image).await?;
        generated.push(Generated {
            image: GeneratedImage::Encoded(bytes),
            seed,
            metadata: json!({
                "prompt_id": prompt_id,
                "node_id": node,
                "batch_index": index,
                "filename": image.filename,
                "subfolder": image.subfolder,
                "type": image.kind,
                "graph": graph,
            }),
        });
    }
    Ok(generated)
}

/// Whether the job's seed reached the graph (Easel's graphs, or a
/// workflow that maps it). In a batch ComfyUI draws every image's noise
/// from that one seed; `batch_index` in the metadata says which one it is.
fn seeded(provider: &ComfyUiProvider, cx: &JobContext) -> bool {
    match plan::workflow(provider, cx) {
        Ok(Some(workflow)) => workflow.inputs.seed.is_some(),
        Ok(None) => cx.request.operation() != easel_domain::generation::Operation::Upscale,
        Err(_) => false,
    }
}

/// Stops a prompt on the server: removes it from the queue if it is still
/// waiting, then interrupts it if it is running (targeted by id, so another
/// user's prompt is never stopped). Best effort.
pub(super) async fn stop_remote(provider: &ComfyUiProvider, prompt_id: &str) {
    for (path, body) in [
        ("/queue", json!({"delete": [prompt_id]})),
        ("/interrupt", json!({"prompt_id": prompt_id})),
    ] {
        if let Err(err) = provider.api.post_quiet(path, &body).await {
            tracing::warn!(error = %err, path, "could not stop the ComfyUI prompt");
        }
    }
}

/// [`crate::providers::Provider::interrupt`] for a saved handle.
pub(super) async fn interrupt(provider: &ComfyUiProvider, handle: &Value) {
    if let Some(prompt_id) = handle["prompt_id"].as_str() {
        stop_remote(provider, prompt_id).await;
    }
}
