//! Midjourney, through a self-hosted `midjourney-proxy` (PROVIDERS.md
//! §5.1, §5.3): trueai-org's flavour, with fallbacks for novicezk's
//! open-source build (no buttons, no `/submit/action`, no cancel).
//!
//! Midjourney has no public API; the proxy drives its Discord bot with a
//! user account (which breaks Midjourney's terms; the admin decides).
//!
//! - One job is one `/imagine`: a 2×2 grid, which Easel splits into four
//!   gallery images (quadrant 1 top-left, 2 top-right, 3 bottom-left,
//!   4 bottom-right), each remembering its task id, index and buttons so
//!   that Upscale and Variations work on it later.
//! - Sizes are aspect ratios, sent as `--ar W:H`; the negative prompt is
//!   sent as `--no a, b`, a fixed seed as `--seed N`.
//! - The task id is saved before polling `/mj/task/{id}/fetch`, so a run
//!   cut off by a restart re-attaches by polling it again.

mod api;
mod models;
mod operations;
mod poll;
mod results;

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use easel_domain::generation::{BackendStatus, ModelInfo, Operation};

use super::http::RemoteSettings;
use super::{Generated, Health, JobContext, Provider, ProviderError};

/// The backend id.
pub const PROVIDER_ID: &str = "midjourney";
/// The backend's display name.
pub const LABEL: &str = "Midjourney (proxy)";

/// How to reach a midjourney-proxy.
#[derive(Debug, Clone)]
pub struct MidjourneySettings {
    /// Base URL (the proxy's root, without `/mj`, e.g.
    /// `http://127.0.0.1:8080`; `http://host/mj-fast` for trueai's speed
    /// prefixes), timeouts, and `api_key`: the `mj-api-secret`.
    pub remote: RemoteSettings,
    /// How often a running task is fetched.
    pub poll_interval: Duration,
    /// Least time between two downloads of intermediate images (previews).
    pub preview_interval: Duration,
    /// Longest a task may take from submit to its end before the job fails.
    pub job_timeout: Duration,
}

impl MidjourneySettings {
    /// Settings for `base_url` with the defaults: polls every 2 s, a
    /// preview at most every 6 s, 15 minutes per task, 3 jobs at once (a
    /// Discord account's concurrency).
    pub fn new(base_url: impl Into<String>) -> Self {
        let mut remote = RemoteSettings::new(base_url);
        remote.timeout = Duration::from_secs(60);
        remote.concurrency = 3;
        Self {
            remote,
            poll_interval: Duration::from_secs(2),
            preview_interval: Duration::from_secs(6),
            job_timeout: Duration::from_secs(15 * 60),
        }
    }
}

/// The Midjourney connector.
#[derive(Debug, Clone)]
pub struct MidjourneyProvider {
    api: api::Api,
    settings: Arc<MidjourneySettings>,
    health: Health,
}

impl MidjourneyProvider {
    /// A connector with these settings (nothing is contacted until a probe
    /// or a job).
    pub fn new(settings: MidjourneySettings) -> Self {
        let settings = Arc::new(settings);
        let health = Health::new();
        Self {
            api: api::Api::new(Arc::clone(&settings), health.clone()),
            settings,
            health,
        }
    }

    async fn run_job(&self, cx: &JobContext) -> Result<Vec<Generated>, ProviderError> {
        let started = match &cx.remote_handle {
            Some(handle) => operations::Started::from_handle(handle)?,
            None => match cx.request.operation() {
                Operation::Txt2img => operations::imagine(&self.api, cx).await?,
                Operation::Upscale | Operation::Variations => {
                    operations::change(&self.api, cx).await?
                }
                other => {
                    return Err(ProviderError::Fatal(format!(
                        "{LABEL} cannot do {}",
                        other.label().to_lowercase()
                    )));
                }
            },
        };
        if cx.remote_handle.is_none() {
            cx.progress.save_remote_handle(started.handle()).await;
        }
        let task = poll::wait(&self.api, &self.settings, cx, &started.task_id).await?;
        results::collect(&self.api, cx, &started, task).await
    }
}

#[async_trait]
impl Provider for MidjourneyProvider {
    fn id(&self) -> &str {
        PROVIDER_ID
    }

    fn label(&self) -> &str {
        LABEL
    }

    fn models(&self) -> Vec<ModelInfo> {
        self.health.apply(models::models())
    }

    fn concurrency(&self) -> usize {
        self.settings.remote.concurrency.max(1)
    }

    async fn run(&self, cx: &JobContext) -> Result<Vec<Generated>, ProviderError> {
        let result = self.run_job(cx).await;
        match &result {
            Ok(_) => self.health.reached(None),
            Err(ProviderError::Cancelled) => {}
            Err(err) => self.health.job_failed(err.to_string()),
        }
        result
    }

    async fn interrupt(&self, handle: &serde_json::Value) {
        if let Some(task_id) = handle.get("task_id").and_then(serde_json::Value::as_str) {
            self.api.cancel(task_id).await;
        }
    }

    async fn probe(&self) {
        match self.api.probe().await {
            Ok(()) => self.health.reached(None),
            Err(err) => self.health.unreachable(err.to_string()),
        }
    }

    fn status(&self) -> BackendStatus {
        let remote = &self.settings.remote;
        self.health
            .remote_status(self, remote, remote.api_key.is_some())
    }
}
