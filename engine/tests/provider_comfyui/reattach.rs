//! Re-attaching through the saved handle (finished, running, forgotten
//! after a ComfyUI restart), cancelling, and interrupts.

use std::sync::Arc;

use easel_engine::providers::comfyui::ComfyUiProvider;
use easel_engine::providers::testing::RecordingProgress;
use easel_engine::providers::{CancelReason, JobContext, Provider, ProviderError};
use serde_json::{Value, json};

use crate::support::{
    context, eventually, painted, pixels, posted_prompts, provider, request, requests, run, standin,
};

const LOST: &str = "ComfyUI no longer knows this job (it may have restarted); submit it again";

/// Starts a run in the background; returns it with its context and record.
fn spawn(
    provider: &Arc<ComfyUiProvider>,
    prompt: &str,
) -> (
    tokio::task::JoinHandle<Result<Vec<easel_engine::providers::Generated>, ProviderError>>,
    JobContext,
    RecordingProgress,
) {
    let (cx, progress) = context(request(prompt));
    let task = {
        let (provider, cx) = (Arc::clone(provider), cx.clone());
        tokio::spawn(async move { provider.run(&cx).await })
    };
    (task, cx, progress)
}

async fn saved_handle(progress: &RecordingProgress) -> Value {
    eventually("the handle to be saved", || {
        progress.last_handle().is_some()
    })
    .await;
    progress.last_handle().unwrap_or_default()
}

fn with_handle(prompt: &str, handle: &Value) -> (JobContext, RecordingProgress) {
    let (mut cx, progress) = context(request(prompt));
    cx.remote_handle = Some(handle.clone());
    cx.attempt = 2;
    (cx, progress)
}

#[tokio::test]
async fn a_finished_job_is_collected_from_history_without_queueing_again() {
    let standin = standin().await;
    let provider = provider(&standin);
    let (cx, progress) = context(request("a red fox"));
    run(&provider, &cx).await.expect("first run");
    let handle = progress.last_handle().expect("handle");
    let (again, _) = with_handle("a red fox", &handle);
    let images = run(&provider, &again).await.expect("re-attached");
    assert_eq!(pixels(&images[0]), painted("a red fox", 7, 64, 48));
    assert_eq!(requests(&standin, "POST", "/prompt"), 1);
}

#[tokio::test]
async fn a_running_job_is_followed_again_on_the_same_client_id() {
    let standin = standin().await;
    let provider = provider(&standin);
    standin.pause_sampling(true);
    let (first, _, progress) = spawn(&provider, "a red fox");
    let handle = saved_handle(&progress).await;
    eventually("sampling to start", || standin.running_prompt().is_some()).await;
    first.abort();
    let _ = first.await;

    let (cx, resumed) = with_handle("a red fox", &handle);
    let second = {
        let provider = Arc::clone(&provider);
        tokio::spawn(async move { provider.run(&cx).await })
    };
    eventually("the re-attached run to look at the queue", || {
        requests(&standin, "GET", "/queue") >= 1
    })
    .await;
    assert_eq!(requests(&standin, "GET", "/ws"), 2);
    standin.pause_sampling(false);
    let images = second.await.expect("joined").expect("images");
    assert_eq!(pixels(&images[0]), painted("a red fox", 7, 64, 48));
    assert_eq!(requests(&standin, "POST", "/prompt"), 1);
    assert_eq!(
        resumed.with(|r| r.steps.iter().map(|s| (s.0, s.1)).collect::<Vec<_>>()),
        [(1, 3), (2, 3), (3, 3)]
    );
    assert_eq!(
        posted_prompts(&standin)[0]["client_id"],
        handle["client_id"]
    );
}

#[tokio::test]
async fn after_a_comfyui_restart_the_saved_job_fails_clearly() {
    let standin = standin().await;
    let provider = provider(&standin);
    let (cx, progress) = context(request("a red fox"));
    run(&provider, &cx).await.expect("first run");
    let handle = progress.last_handle().expect("handle");
    let standin = standin.restart().await.expect("restarted");
    let (again, _) = with_handle("a red fox", &handle);
    assert_eq!(
        run(&provider, &again).await.err(),
        Some(ProviderError::Fatal(LOST.into()))
    );
    assert_eq!(requests(&standin, "POST", "/prompt"), 1);
}

#[tokio::test]
async fn a_restart_while_waiting_ends_in_the_same_clear_error() {
    let standin = standin().await;
    let provider = provider(&standin);
    standin.pause_sampling(true);
    let (task, _, progress) = spawn(&provider, "a red fox");
    saved_handle(&progress).await;
    eventually("sampling to start", || standin.running_prompt().is_some()).await;
    let _standin = standin.restart().await.expect("restarted");
    let result = task.await.expect("joined");
    assert_eq!(result.err(), Some(ProviderError::Fatal(LOST.into())));
}

#[tokio::test]
async fn cancelling_interrupts_the_prompt_on_the_server() {
    let standin = standin().await;
    let provider = provider(&standin);
    standin.pause_sampling(true);
    let (task, cx, progress) = spawn(&provider, "a red fox");
    let handle = saved_handle(&progress).await;
    let prompt_id = handle["prompt_id"].as_str().expect("id").to_owned();
    eventually("sampling to start", || standin.running_prompt().is_some()).await;
    cx.cancel.cancel();
    assert_eq!(
        task.await.expect("joined").err(),
        Some(ProviderError::Cancelled)
    );
    assert!(standin.interrupts().contains(&Some(prompt_id.clone())));
    standin.pause_sampling(false);
    eventually("the interrupt to land", || {
        standin.history_entry(&prompt_id).is_some()
    })
    .await;
    let entry = standin.history_entry(&prompt_id).expect("history");
    let last = entry["status"]["messages"]
        .as_array()
        .and_then(|m| m.last())
        .cloned()
        .unwrap_or_default();
    assert_eq!(last[0], "execution_interrupted");
    assert_eq!(last[1]["node_type"], "KSampler");
}

#[tokio::test]
async fn a_released_job_is_left_running_for_the_next_attempt() {
    let standin = standin().await;
    let provider = provider(&standin);
    standin.pause_sampling(true);
    let (task, cx, progress) = spawn(&provider, "a red fox");
    let handle = saved_handle(&progress).await;
    cx.cancel.cancel_for(CancelReason::Released);
    assert_eq!(
        task.await.expect("joined").err(),
        Some(ProviderError::Cancelled)
    );
    assert!(standin.interrupts().is_empty());
    standin.pause_sampling(false);
    let (again, _) = with_handle("a red fox", &handle);
    assert_eq!(run(&provider, &again).await.expect("images").len(), 1);
}

#[tokio::test]
async fn interrupting_a_waiting_job_takes_it_out_of_the_queue() {
    let standin = standin().await;
    let provider = provider(&standin);
    standin.pause_sampling(true);
    let (blocker, _, blocker_progress) = spawn(&provider, "someone else's prompt");
    saved_handle(&blocker_progress).await;
    let (ours, _, progress) = spawn(&provider, "a red fox");
    let handle = saved_handle(&progress).await;
    let prompt_id = handle["prompt_id"].as_str().expect("id").to_owned();
    assert_eq!(standin.pending_prompts(), std::slice::from_ref(&prompt_id));
    ours.abort();
    provider.interrupt(&handle).await;
    assert!(standin.pending_prompts().is_empty());
    assert_eq!(standin.queue_deletes(), std::slice::from_ref(&prompt_id));
    assert_eq!(standin.interrupts(), [Some(prompt_id.clone())]);
    standin.pause_sampling(false);
    assert!(
        blocker.await.expect("joined").is_ok(),
        "the other prompt was not stopped"
    );
    assert_eq!(standin.history_entry(&prompt_id), None);
    provider.interrupt(&json!({"no": "id"})).await;
}
