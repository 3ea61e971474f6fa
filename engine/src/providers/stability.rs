//! Stability AI's REST v2beta as a provider (PROVIDERS.md §2).
//!
//! - Text to image: `generate/core` (style presets), `generate/ultra`,
//!   `generate/sd3` (SD 3.5 Large, Large Turbo, Medium; CFG scale). Sizes
//!   are the nine aspect ratios, each with its nominal output size.
//! - Image to image: ultra (`image` + `strength`) and sd3 (`mode:
//!   image-to-image`); inpainting: `edit/inpaint` (Stability's mask, like
//!   Easel's, is white where to repaint).
//! - Upscales: `upscale/fast` (4x, synchronous) and `upscale/creative`
//!   (asynchronous: the result id is saved as the remote handle
//!   `{"result_id": id}` before polling `GET /v2beta/results/{id}`; a run
//!   with that handle polls again instead of submitting, since Stability
//!   keeps results for 24 hours).
//! - One image per request: a job for `count` images makes `count`
//!   requests in turn, with seeds `seed + i`, and reports a step per image.
//!   If one fails, the job fails (and a retry makes them all again).
//! - Every request is multipart (even without files) with `accept:
//!   image/*`; the `seed` and `finish-reason` headers are read.
//!   `CONTENT_FILTERED` (a 200 with a blurred image) and 403
//!   `content_moderation` are refusals; `{id, name, errors}` bodies become
//!   errors with the messages joined.
//! - Stability reports no progress: while a creative upscale runs, steps
//!   are the elapsed share of [`StabilitySettings::upscale_nominal`] (in
//!   percent, never reaching 100 before the result arrives).
//! - The probe calls `GET /v1/user/account` **(unverified)**: PROVIDERS.md
//!   documents no listing endpoint, and this one is cheap and needs the
//!   key. A 401 means Stability is reachable but rejects the key.
//! - Stability has no way to stop a request or an asynchronous job:
//!   cancelling drops the connection (synchronous requests) or stops
//!   polling; [`Provider::interrupt`] has nothing to call.

mod forms;
mod models;
mod response;
mod upscale;

use std::sync::{PoisonError, RwLock};
use std::time::Duration;

use async_trait::async_trait;
use easel_domain::generation::{BackendStatus, ModelInfo, Operation};
use reqwest::multipart::Form;
use reqwest::{Method, RequestBuilder, Response};

use super::http::{self, ApiKey, RemoteSettings};
use super::{Generated, Health, JobContext, Provider, ProviderError};
use models::Service;

/// The provider id.
pub const PROVIDER_ID: &str = "stability";
/// The display name.
pub const LABEL: &str = "Stability AI";
/// The public API's base URL.
pub const DEFAULT_BASE_URL: &str = "https://api.stability.ai";

/// How to reach Stability.
#[derive(Debug, Clone)]
pub struct StabilitySettings {
    /// Base URL (default [`DEFAULT_BASE_URL`]), key, timeouts, concurrency
    /// and response size limit.
    pub remote: RemoteSettings,
    /// Sent as `stability-client-id` (default `"easel"`).
    pub client_id: Option<String>,
    /// Sent as `stability-client-version` (default Easel's version).
    pub client_version: Option<String>,
    /// How often a creative upscale's result is polled (default 5 s).
    pub poll_interval: Duration,
    /// How long a creative upscale usually takes, for the progress
    /// estimate (default 60 s).
    pub upscale_nominal: Duration,
    /// How long to wait for a creative upscale before giving up (default
    /// 15 minutes).
    pub max_wait: Duration,
}

impl Default for StabilitySettings {
    fn default() -> Self {
        Self {
            remote: RemoteSettings::new(DEFAULT_BASE_URL),
            client_id: Some("easel".into()),
            client_version: Some(env!("CARGO_PKG_VERSION").into()),
            poll_interval: Duration::from_secs(5),
            upscale_nominal: Duration::from_secs(60),
            max_wait: Duration::from_secs(15 * 60),
        }
    }
}

impl StabilitySettings {
    /// The defaults, for `base_url` and `api_key`.
    pub fn new(base_url: impl Into<String>, api_key: Option<ApiKey>) -> Self {
        let mut remote = RemoteSettings::new(base_url);
        remote.api_key = api_key;
        Self {
            remote,
            ..Self::default()
        }
    }
}

/// The Stability backend.
#[derive(Debug)]
pub struct StabilityProvider {
    settings: StabilitySettings,
    client: reqwest::Client,
    health: Health,
    /// Set when Stability answered but refused the key (401).
    key_rejected: RwLock<Option<String>>,
}

impl StabilityProvider {
    /// A provider with `settings`.
    pub fn new(settings: StabilitySettings) -> Self {
        Self {
            client: settings.remote.client(),
            settings,
            health: Health::new(),
            key_rejected: RwLock::new(None),
        }
    }

    /// A request to `path` with the key and client headers.
    fn request(&self, method: Method, path: &str, accept: &str) -> RequestBuilder {
        let mut builder = self
            .client
            .request(method, self.settings.remote.url(path))
            .header(reqwest::header::ACCEPT, accept);
        if let Some(key) = &self.settings.remote.api_key {
            builder = builder.bearer_auth(key.expose());
        }
        if let Some(id) = &self.settings.client_id {
            builder = builder.header("stability-client-id", id);
        }
        if let Some(version) = &self.settings.client_version {
            builder = builder.header("stability-client-version", version);
        }
        builder
    }

    /// Sends, turning transport failures and error statuses into errors.
    async fn send(&self, builder: RequestBuilder) -> Result<Response, ProviderError> {
        let response = self.transmit(builder).await?;
        self.check(response).await
    }

    /// Sends, turning transport failures into errors (and noting a backend
    /// that cannot be reached).
    async fn transmit(&self, builder: RequestBuilder) -> Result<Response, ProviderError> {
        builder
            .send()
            .await
            .map_err(|err| http::connection_error(LABEL, &self.settings.remote, &self.health, &err))
    }

    /// Passes a success through; turns an error status into its error.
    async fn check(&self, response: Response) -> Result<Response, ProviderError> {
        if response.status().is_success() {
            Ok(response)
        } else {
            Err(response::error_from(&self.settings.remote, response).await)
        }
    }

    /// Posts `form` to `service` and reads the one image it answers with.
    async fn post_image(
        &self,
        service: Service,
        form: Form,
    ) -> Result<response::Image, ProviderError> {
        let builder = self
            .request(Method::POST, service.path(), "image/*")
            .multipart(form);
        let answer = self.send(builder).await?;
        response::read_image(&self.settings.remote, answer).await
    }

    fn set_key_rejected(&self, reason: Option<String>) {
        *self
            .key_rejected
            .write()
            .unwrap_or_else(PoisonError::into_inner) = reason;
    }

    fn key_rejected(&self) -> Option<String> {
        self.key_rejected
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    async fn run_job(&self, cx: &JobContext) -> Result<Vec<Generated>, ProviderError> {
        if let Some(result_id) = upscale::saved_result_id(cx) {
            return upscale::poll(self, cx, &result_id).await;
        }
        let service = models::service_of(&cx.model).ok_or_else(|| {
            ProviderError::Fatal(format!(
                "Stability AI has no model \"{}\" in Easel.",
                cx.model
            ))
        })?;
        let operation = cx.request.operation();
        match (service, operation) {
            (Service::Ultra | Service::Core | Service::Sd3(_), Operation::Txt2img)
            | (Service::Ultra | Service::Sd3(_), Operation::Img2img)
            | (Service::Inpaint, Operation::Inpaint)
            | (Service::UpscaleFast, Operation::Upscale) => self.one_by_one(cx, service).await,
            (Service::UpscaleCreative, Operation::Upscale) => upscale::creative(self, cx).await,
            _ => Err(ProviderError::Fatal(format!(
                "Stability AI's {} cannot do {}.",
                cx.model,
                operation.label().to_lowercase()
            ))),
        }
    }

    /// `count` synchronous requests in turn, seeds `seed + i`, a step each.
    async fn one_by_one(
        &self,
        cx: &JobContext,
        service: Service,
    ) -> Result<Vec<Generated>, ProviderError> {
        let count = if service == Service::UpscaleFast {
            1
        } else {
            cx.request.count.clamp(1, models::MAX_COUNT)
        };
        let inputs = forms::Inputs::load(cx, service).await?;
        let mut images = Vec::with_capacity(count as usize);
        for index in 0..count {
            let seed = forms::seed_for(cx.seed, index);
            let form = forms::build(cx, service, &inputs, seed)?;
            let image = self.post_image(service, form).await?;
            images.push(image.into_generated(forms::metadata(cx, service)));
            cx.progress.step(index + 1, count, None).await;
        }
        Ok(images)
    }

    /// Records what a run says about the backend's health.
    fn note(&self, result: &Result<Vec<Generated>, ProviderError>) {
        match result {
            Ok(_) => {
                // A job went through: the backend is up and takes the key.
                self.set_key_rejected(None);
                self.health.reached(None);
            }
            Err(ProviderError::Cancelled) => {}
            Err(err) => {
                if !self.health.is_down() {
                    self.health.job_failed(err.to_string());
                }
            }
        }
    }
}

#[async_trait]
impl Provider for StabilityProvider {
    fn id(&self) -> &str {
        PROVIDER_ID
    }

    fn label(&self) -> &str {
        LABEL
    }

    fn models(&self) -> Vec<ModelInfo> {
        let mut models = models::all();
        if let Some(reason) = self.key_rejected() {
            for model in &mut models {
                model.available = false;
                model.unavailable_reason = Some(reason.clone());
            }
        }
        self.health.apply(models)
    }

    fn concurrency(&self) -> usize {
        self.settings.remote.concurrency.max(1)
    }

    async fn run(&self, cx: &JobContext) -> Result<Vec<Generated>, ProviderError> {
        let result = tokio::select! {
            result = self.run_job(cx) => result,
            () = cx.cancel.cancelled() => Err(ProviderError::Cancelled),
        };
        self.note(&result);
        result
    }

    async fn probe(&self) {
        let builder = self.request(Method::GET, "/v1/user/account", "application/json");
        let response = match self.transmit(builder).await {
            Ok(response) => response,
            Err(err) => return self.health.unreachable(err.to_string()),
        };
        let unauthorized = response.status() == reqwest::StatusCode::UNAUTHORIZED;
        match self.check(response).await {
            Ok(_) => {
                self.set_key_rejected(None);
                self.health.reached(None);
            }
            Err(err) if unauthorized => {
                // Stability answered: it is up, but it will not take this key.
                self.set_key_rejected(Some(err.to_string()));
                self.health.reached(None);
                self.health.job_failed(err.to_string());
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
