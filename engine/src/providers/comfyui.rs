//! ComfyUI as a backend (PROVIDERS.md §4): Easel builds API-format graphs
//! for txt2img, img2img, inpainting and upscales (or injects its
//! parameters into a user's own workflow), queues them with `POST /prompt`
//! under a fresh websocket `client_id`, follows the websocket's progress
//! and previews (both binary framings), then reads `/history/{id}` and
//! fetches each output with `/view`.
//!
//! - One model per checkpoint that `/object_info/CheckpointLoaderSimple`
//!   lists (`comfyui:<file name>`), one per configured workflow
//!   (`comfyui:workflow/<name>`).
//! - The remote handle `{prompt_id, client_id}` is saved before waiting; a
//!   later run re-attaches to it (history, else the queue and the
//!   websocket), or fails clearly when ComfyUI no longer knows the prompt.
//! - When the websocket drops, the job is followed by polling history and
//!   the queue until it ends or the job timeout passes.

mod api;
mod errors;
mod images;
mod models;
mod plan;
mod run;
mod socket;
mod templates;
mod wait;
mod workflow;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{PoisonError, RwLock};
use std::time::Duration;

use async_trait::async_trait;
use easel_domain::generation::{BackendStatus, ModelInfo};

use super::http::RemoteSettings;
use super::{Generated, Health, JobContext, Provider, ProviderError};
use api::Api;
use models::Catalog;

pub use workflow::{InputRef, WorkflowError, WorkflowInputs, WorkflowTemplate};

/// The backend id (the part of model ids before the colon).
pub const PROVIDER_ID: &str = "comfyui";

/// The backend's display name.
pub const LABEL: &str = "ComfyUI";

/// How to reach and use a ComfyUI server.
#[derive(Debug, Clone)]
pub struct ComfyUiSettings {
    /// Base URL (e.g. `http://127.0.0.1:8188`), timeouts, concurrency,
    /// response size limit. ComfyUI has no authentication; an `api_key`,
    /// when set, is sent as a bearer token for a reverse proxy in front of
    /// it (`user:password@` in the URL is sent as Basic auth).
    pub remote: RemoteSettings,
    /// `extra_data.preview_method` sent with each prompt (`auto`,
    /// `latent2rgb`, `taesd`, `none`); `None` leaves the server's
    /// `--preview-method`. Default `auto`.
    pub preview_method: Option<String>,
    /// Whether to negotiate `supports_preview_metadata` (type-4 preview
    /// frames). Legacy type-1 frames are understood either way. Default on.
    pub preview_metadata: bool,
    /// User workflows, each offered as a model `comfyui:workflow/<name>`.
    pub workflows: Vec<WorkflowTemplate>,
    /// An upscale model file (`models/upscale_models`) for upscales; without
    /// one, upscales use `ImageScaleBy` with Lanczos. Default none.
    pub upscale_model: Option<String>,
    /// How much `upscale_model` enlarges; `None` reads it from the file name
    /// (`4x-UltraSharp` → 4, `RealESRGAN_x2plus` → 2), else 4.
    pub upscale_model_scale: Option<u32>,
    /// `SaveImage`'s `filename_prefix` for Easel's graphs. Default `easel`.
    pub filename_prefix: String,
    /// Longest wait for one job, queueing included. Default 30 minutes.
    pub job_timeout: Duration,
    /// Polling interval when the websocket is unavailable. Default 1 s.
    pub poll_interval: Duration,
    /// While the websocket is quiet, how often history is checked anyway
    /// (a safety net for lost messages). Default 15 s.
    pub watchdog_interval: Duration,
}

impl ComfyUiSettings {
    /// Settings for the server at `base_url`, with the defaults above.
    pub fn new(base_url: impl Into<String>) -> Self {
        Self {
            remote: RemoteSettings::new(base_url),
            preview_method: Some("auto".to_owned()),
            preview_metadata: true,
            workflows: Vec::new(),
            upscale_model: None,
            upscale_model_scale: None,
            filename_prefix: "easel".to_owned(),
            job_timeout: Duration::from_secs(30 * 60),
            poll_interval: Duration::from_secs(1),
            watchdog_interval: Duration::from_secs(15),
        }
    }
}

/// The ComfyUI connector.
#[derive(Debug)]
pub struct ComfyUiProvider {
    settings: ComfyUiSettings,
    api: Api,
    health: Health,
    catalog: RwLock<Catalog>,
    /// Set once a server ignored the feature-flag message, so later jobs
    /// do not wait for a reply that never comes.
    flags_ignored: AtomicBool,
}

impl ComfyUiProvider {
    /// A connector with `settings` (nothing is contacted until used).
    pub fn new(settings: ComfyUiSettings) -> Self {
        let health = Health::new();
        Self {
            api: Api::new(settings.remote.clone(), health.clone()),
            settings,
            health,
            catalog: RwLock::new(Catalog::default()),
            flags_ignored: AtomicBool::new(false),
        }
    }

    fn catalog(&self) -> Catalog {
        self.catalog
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    fn flags_ignored(&self) -> bool {
        self.flags_ignored.load(Ordering::Relaxed)
    }

    fn note_flags_ignored(&self) {
        self.flags_ignored.store(true, Ordering::Relaxed);
    }

    /// Records a run's error on the health record (unreachability is
    /// recorded where the connection fails).
    fn note_error(&self, err: &ProviderError) {
        if !matches!(err, ProviderError::Cancelled) && !self.health.is_down() {
            self.health.job_failed(err.to_string());
        }
    }
}

#[async_trait]
impl Provider for ComfyUiProvider {
    fn id(&self) -> &str {
        PROVIDER_ID
    }

    fn label(&self) -> &str {
        LABEL
    }

    fn models(&self) -> Vec<ModelInfo> {
        let models = self
            .health
            .listed()
            .unwrap_or_else(|| models::all(&self.settings, &self.catalog()));
        self.health.apply(models)
    }

    fn concurrency(&self) -> usize {
        self.settings.remote.concurrency.max(1)
    }

    async fn run(&self, cx: &JobContext) -> Result<Vec<Generated>, ProviderError> {
        let result = run::run(self, cx).await;
        match &result {
            Ok(_) => {
                if self.health.is_down() {
                    self.health.reached(None);
                }
            }
            Err(err) => self.note_error(err),
        }
        result
    }

    async fn interrupt(&self, handle: &serde_json::Value) {
        run::interrupt(self, handle).await;
    }

    async fn probe(&self) {
        match models::refresh(&self.api).await {
            Ok(catalog) => {
                let listed = models::all(&self.settings, &catalog);
                *self.catalog.write().unwrap_or_else(PoisonError::into_inner) = catalog;
                self.health.reached(Some(listed));
            }
            Err(err) => self.health.unreachable(err.to_string()),
        }
    }

    fn status(&self) -> BackendStatus {
        let remote = &self.settings.remote;
        self.health
            .remote_status(self, remote, remote.api_key.is_some())
    }
}
