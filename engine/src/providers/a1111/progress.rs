//! Following a blocking generation through `GET /sdapi/v1/progress`.

use std::convert::Infallible;
use std::hash::{DefaultHasher, Hash, Hasher};

use serde::Deserialize;

use super::A1111Settings;
use super::api::Api;
use super::generate::decode_image;
use crate::imaging::{self, DecodeLimits};
use crate::providers::{JobContext, ProviderError};

/// Longest side of a preview sent to the browser.
const PREVIEW_SIDE: u32 = 512;

/// `shared.state` as `/progress` reports it.
#[derive(Debug, Default, Deserialize)]
pub struct State {
    /// Iterations in the running job; 0 when idle.
    #[serde(default)]
    pub job_count: i64,
    /// The iteration running.
    #[serde(default)]
    pub job_no: i64,
    /// Steps done in it.
    #[serde(default)]
    pub sampling_step: i64,
    /// Steps per iteration.
    #[serde(default)]
    pub sampling_steps: i64,
}

/// A `/progress` answer.
#[derive(Debug, Default, Deserialize)]
pub struct Progress {
    /// The job's state.
    #[serde(default)]
    pub state: State,
    /// The live preview, a base64 image.
    #[serde(default)]
    pub current_image: Option<String>,
    /// The running task's id (v1.6+).
    #[serde(default)]
    pub current_task: Option<String>,
}

impl Progress {
    /// Whether `task_id` is the job running now.
    pub fn is_running(&self, task_id: &str) -> bool {
        self.state.job_count > 0 && self.current_task.as_deref() == Some(task_id)
    }

    /// Whether nothing runs.
    pub fn is_idle(&self) -> bool {
        self.state.job_count <= 0
    }

    /// Steps done and the total, over every iteration of the job.
    pub fn steps(&self) -> (u32, u32) {
        let s = &self.state;
        let per = s.sampling_steps.max(0);
        let total = per * s.job_count.max(1);
        let done = per * s.job_no.max(0) + s.sampling_step.clamp(0, per);
        let clamp = |v: i64| u32::try_from(v.max(0)).unwrap_or(u32::MAX);
        (clamp(done.min(total)), clamp(total))
    }
}

/// Reads `/progress` (with the live preview, or without).
pub async fn read(api: &Api, with_image: bool) -> Result<Progress, ProviderError> {
    let path = format!(
        "/sdapi/v1/progress?skip_current_image={}",
        if with_image { "false" } else { "true" }
    );
    api.get(&path, api.quick()).await
}

/// Polls `/progress` every poll interval until dropped, reporting the
/// steps and previews of `task_id` (and nothing while another job runs or
/// ours waits in the server's queue).
pub async fn follow(
    api: &Api,
    settings: &A1111Settings,
    cx: &JobContext,
    task_id: &str,
) -> Infallible {
    let mut last_steps = None;
    let mut last_image = None;
    loop {
        tokio::time::sleep(settings.poll_interval).await;
        let progress = match read(api, true).await {
            Ok(progress) => progress,
            Err(err) => {
                tracing::debug!(error = %err, "reading AUTOMATIC1111's progress failed");
                continue;
            }
        };
        if !progress.is_running(task_id) {
            continue;
        }
        let steps = progress.steps();
        let mut preview = None;
        if let Some(image) = &progress.current_image {
            let hash = digest(image);
            if last_image != Some(hash) {
                last_image = Some(hash);
                preview = to_preview(image.clone()).await;
            }
        }
        if last_steps != Some(steps) || preview.is_some() {
            last_steps = Some(steps);
            cx.progress.step(steps.0, steps.1, preview).await;
        }
    }
}

fn digest(text: &str) -> u64 {
    let mut hasher = DefaultHasher::new();
    text.hash(&mut hasher);
    hasher.finish()
}

/// A live preview (base64 PNG, JPEG or WebP) as a JPEG of at most 512 px.
async fn to_preview(b64: String) -> Option<Vec<u8>> {
    tokio::task::spawn_blocking(move || {
        let bytes = decode_image(&b64).ok()?;
        let image = imaging::decode(&bytes, &DecodeLimits::default()).ok()?;
        let small = imaging::thumbnail(&image.to_rgb8(), PREVIEW_SIDE);
        imaging::encode_jpeg(&small, 80).ok()
    })
    .await
    .ok()
    .flatten()
}
