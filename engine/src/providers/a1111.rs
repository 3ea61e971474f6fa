//! AUTOMATIC1111's stable-diffusion-webui, through its `--api`
//! (PROVIDERS.md §3).
//!
//! - Models are the server's checkpoints (`/sdapi/v1/sd-models`), listed
//!   as `a1111:<model_name>`; the chosen one travels with each request as
//!   `override_settings.sd_model_checkpoint` (its title), restored
//!   afterwards, so Easel never changes the server's own selection.
//! - Samplers and (v1.9+) schedulers come from the server's lists.
//! - Text to image, image to image, inpainting (A1111's mask convention is
//!   Easel's: white repaints) and upscaling through `extra-single-image`.
//! - Generation calls block until done, so progress is polled from
//!   `/sdapi/v1/progress` meanwhile; only progress whose `current_task` is
//!   this request's `force_task_id` is trusted (servers are often shared),
//!   and `current_image` becomes the JPEG preview.
//! - Interrupts are sent only while `/progress` shows Easel's own task:
//!   never someone else's job.
//! - A1111 returns images only in the HTTP response, so a run cut off by an
//!   Easel restart cannot be re-attached: the next attempt fails with a
//!   clear message (and stops the orphaned generation if it still runs).

mod api;
mod catalog;
mod generate;
mod interrupt;
mod progress;
mod upscale;

use std::sync::{Arc, PoisonError, RwLock};
use std::time::Duration;

use async_trait::async_trait;
use easel_domain::generation::{BackendStatus, ModelInfo, Operation};

use super::http::RemoteSettings;
use super::{Generated, Health, JobContext, Provider, ProviderError};

/// The backend id.
pub const PROVIDER_ID: &str = "a1111";
/// The backend's display name.
pub const LABEL: &str = "AUTOMATIC1111";

/// How to reach an AUTOMATIC1111 server.
#[derive(Debug, Clone)]
pub struct A1111Settings {
    /// Base URL (the server root, e.g. `http://127.0.0.1:7860`), timeouts,
    /// and `api_key`: the `--api-auth` password. The request timeout bounds
    /// a whole blocking generation, so keep it long.
    pub remote: RemoteSettings,
    /// The `--api-auth` user name (`None`: no auth, unless a password is
    /// set, then an empty user name).
    pub username: Option<String>,
    /// How often `/sdapi/v1/progress` is polled during a generation.
    pub poll_interval: Duration,
    /// The upscaler for upscales (one of `/sdapi/v1/upscalers`); `None`
    /// (or one the server lacks): "Lanczos", which needs no model file.
    pub default_upscaler: Option<String>,
    /// How long, after a cancel, Easel keeps watching for its request to
    /// come out of A1111's queue so it can be interrupted then.
    pub interrupt_watch: Duration,
}

impl A1111Settings {
    /// Settings for `base_url` with the defaults: 10 minutes per request,
    /// one job at a time (A1111 runs one anyway), progress every 300 ms,
    /// Lanczos upscales, 10 minutes of interrupt watch.
    pub fn new(base_url: impl Into<String>) -> Self {
        let mut remote = RemoteSettings::new(base_url);
        remote.timeout = Duration::from_secs(600);
        remote.concurrency = 1;
        Self {
            remote,
            username: None,
            poll_interval: Duration::from_millis(300),
            default_upscaler: None,
            interrupt_watch: Duration::from_secs(600),
        }
    }
}

/// The AUTOMATIC1111 connector.
#[derive(Debug, Clone)]
pub struct A1111Provider {
    api: api::Api,
    settings: Arc<A1111Settings>,
    health: Health,
    catalog: Arc<RwLock<Option<catalog::Catalog>>>,
}

impl A1111Provider {
    /// A connector with these settings (nothing is contacted until a probe
    /// or a job).
    pub fn new(settings: A1111Settings) -> Self {
        let settings = Arc::new(settings);
        let health = Health::new();
        Self {
            api: api::Api::new(Arc::clone(&settings), health.clone()),
            settings,
            health,
            catalog: Arc::new(RwLock::new(None)),
        }
    }

    fn cached_catalog(&self) -> Option<catalog::Catalog> {
        self.catalog
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Reads the server's lists and records its health.
    async fn refresh(&self) -> Result<catalog::Catalog, ProviderError> {
        match catalog::Catalog::fetch(&self.api).await {
            Ok(catalog) => {
                self.health.reached(Some(catalog.models()));
                *self.catalog.write().unwrap_or_else(PoisonError::into_inner) =
                    Some(catalog.clone());
                Ok(catalog)
            }
            Err(err) => {
                self.health.unreachable(err.to_string());
                Err(err)
            }
        }
    }

    /// The catalog, reading it first if this process has not yet.
    async fn catalog(&self) -> Result<catalog::Catalog, ProviderError> {
        match self.cached_catalog() {
            Some(catalog) => Ok(catalog),
            None => self.refresh().await,
        }
    }

    async fn run_job(&self, cx: &JobContext) -> Result<Vec<Generated>, ProviderError> {
        if cx.request.operation() == Operation::Upscale {
            let catalog = self.cached_catalog();
            return upscale::run(&self.api, &self.settings, catalog.as_ref(), cx).await;
        }
        if let Some(handle) = &cx.remote_handle
            && !generate::finished(handle)
        {
            return Err(interrupt::after_restart(&self.api, &self.settings, handle).await);
        }
        let mut catalog = self.catalog().await?;
        if catalog.checkpoint(&cx.model).is_none() {
            // The list may be stale (a checkpoint added since): read it again.
            catalog = self.refresh().await?;
        }
        generate::run(&self.api, &self.settings, &catalog, cx).await
    }

    fn record(&self, result: &Result<Vec<Generated>, ProviderError>) {
        match result {
            Ok(_) => self.health.reached(None),
            Err(ProviderError::Cancelled) => {}
            // Unreachable servers were recorded as such where it was known.
            Err(err) => self.health.job_failed(err.to_string()),
        }
    }
}

#[async_trait]
impl Provider for A1111Provider {
    fn id(&self) -> &str {
        PROVIDER_ID
    }

    fn label(&self) -> &str {
        LABEL
    }

    fn models(&self) -> Vec<ModelInfo> {
        self.health.apply(self.health.listed().unwrap_or_default())
    }

    fn concurrency(&self) -> usize {
        self.settings.remote.concurrency.max(1)
    }

    async fn run(&self, cx: &JobContext) -> Result<Vec<Generated>, ProviderError> {
        let result = self.run_job(cx).await;
        self.record(&result);
        result
    }

    async fn interrupt(&self, handle: &serde_json::Value) {
        interrupt::interrupt(&self.api, &self.settings, handle).await;
    }

    async fn probe(&self) {
        let _ = self.refresh().await;
    }

    fn status(&self) -> BackendStatus {
        let settings = &self.settings;
        let has_credentials = settings.username.is_some() || settings.remote.api_key.is_some();
        self.health
            .remote_status(self, &settings.remote, has_credentials)
    }
}
