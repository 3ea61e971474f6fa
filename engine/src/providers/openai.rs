//! The OpenAI Images API as a provider (PROVIDERS.md §1): DALL-E 2,
//! DALL-E 3 and the gpt-image models, on reqwest directly.
//!
//! - Text to image: `POST /images/generations` (JSON). DALL-E is asked for
//!   `b64_json` by default ([`ResponseFormat`]); a `url` answer is
//!   downloaded at once with the same client (size-limited, without the
//!   key), because OpenAI's links expire after 60 minutes.
//! - gpt-image with one image streams (`stream: true`,
//!   `partial_images`): the partial images become JPEG progress previews.
//! - Image to image (gpt-image) and inpainting (dall-e-2, gpt-image):
//!   `POST /images/edits` (multipart). Easel's mask (grey, white =
//!   repaint) becomes the RGBA PNG OpenAI wants, at the image's size, with
//!   alpha 0 where to repaint.
//! - Variations (dall-e-2): `POST /images/variations` (multipart).
//! - Refusals (`content_policy_violation`, `moderation_blocked`) are
//!   [`ProviderError::Refused`]; other errors follow the shared retry rules
//!   of [`super::http`] (408/409/429/5xx, `x-should-retry`,
//!   `retry-after-ms`, `retry-after`). Easel does not retry inside the
//!   connector: the queue retries Retryable errors with its own backoff
//!   and honours `retry_after`.
//! - The probe is `GET /models`, OpenAI's standard models endpoint: it
//!   shows which configured models the key can use.
//!
//! OpenAI runs no remote jobs that could be re-attached or stopped: a
//! request is answered on its own connection, so a cancelled run simply
//! drops it (and [`Provider::interrupt`] has nothing to do), and a run
//! after a restart submits again.

mod edits;
mod generate;
mod models;
mod stream;
mod wire;

use std::sync::{PoisonError, RwLock};

use async_trait::async_trait;
use easel_domain::generation::{BackendStatus, ModelInfo, Operation};
use reqwest::{Method, RequestBuilder, Response};

use super::http::{self, ApiKey, RemoteSettings};
use super::{Generated, Health, JobContext, Provider, ProviderError};
use models::Family;

/// The provider id.
pub const PROVIDER_ID: &str = "openai";
/// The display name.
pub const LABEL: &str = "OpenAI";
/// The public API's base URL.
pub const DEFAULT_BASE_URL: &str = "https://api.openai.com/v1";
/// The models offered when none are configured.
pub const DEFAULT_MODELS: &[&str] = &["dall-e-3", "dall-e-2", "gpt-image-1", "gpt-image-1-mini"];

/// How DALL-E results should travel (gpt-image always sends base64).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ResponseFormat {
    /// Base64 inside the JSON (the default: nothing to download later).
    #[default]
    B64Json,
    /// A link, valid for 60 minutes, which Easel downloads at once.
    Url,
}

/// How to reach OpenAI, and what to offer.
#[derive(Debug, Clone)]
pub struct OpenAiSettings {
    /// Base URL (default [`DEFAULT_BASE_URL`]), key, timeouts (default
    /// 300 s per request: high-quality gpt-image results take minutes),
    /// concurrency, response size limit.
    pub remote: RemoteSettings,
    /// Sent as `OpenAI-Organization`, when set.
    pub organization: Option<String>,
    /// Sent as `OpenAI-Project`, when set.
    pub project: Option<String>,
    /// The models to offer (default [`DEFAULT_MODELS`]). Names starting
    /// with `gpt-image-` get the gpt-image capabilities; other unknown
    /// names are skipped with a warning.
    pub models: Vec<String>,
    /// How DALL-E results travel (default base64).
    pub response_format: ResponseFormat,
    /// Partial images streamed as previews by gpt-image (2 or 3; 0 turns
    /// streaming off). Default 2.
    pub partial_images: u32,
}

impl Default for OpenAiSettings {
    fn default() -> Self {
        let mut remote = RemoteSettings::new(DEFAULT_BASE_URL);
        remote.timeout = std::time::Duration::from_secs(300);
        Self {
            remote,
            organization: None,
            project: None,
            models: DEFAULT_MODELS.iter().map(|m| (*m).to_owned()).collect(),
            response_format: ResponseFormat::default(),
            partial_images: 2,
        }
    }
}

impl OpenAiSettings {
    /// The defaults, for `base_url` and `api_key`.
    pub fn new(base_url: impl Into<String>, api_key: Option<ApiKey>) -> Self {
        let mut settings = Self::default();
        let timeout = settings.remote.timeout;
        settings.remote = RemoteSettings::new(base_url);
        settings.remote.timeout = timeout;
        settings.remote.api_key = api_key;
        settings
    }
}

/// The OpenAI backend.
#[derive(Debug)]
pub struct OpenAiProvider {
    settings: OpenAiSettings,
    client: reqwest::Client,
    health: Health,
    /// Set when OpenAI answered but refused the key (401).
    key_rejected: RwLock<Option<String>>,
}

impl OpenAiProvider {
    /// A provider with `settings`.
    pub fn new(settings: OpenAiSettings) -> Self {
        Self {
            client: settings.remote.client(),
            settings,
            health: Health::new(),
            key_rejected: RwLock::new(None),
        }
    }

    /// A request to `path` (under the base URL) with the auth headers.
    fn request(&self, method: Method, path: &str) -> RequestBuilder {
        let mut builder = self.client.request(method, self.settings.remote.url(path));
        if let Some(key) = &self.settings.remote.api_key {
            builder = builder.bearer_auth(key.expose());
        }
        if let Some(organization) = &self.settings.organization {
            builder = builder.header("OpenAI-Organization", organization);
        }
        if let Some(project) = &self.settings.project {
            builder = builder.header("OpenAI-Project", project);
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
            return Ok(response);
        }
        let status = response.status();
        let headers = response.headers().clone();
        let body = http::read_body(LABEL, &self.settings.remote, response)
            .await
            .unwrap_or_default();
        Err(wire::error_from_response(
            status,
            &headers,
            &body,
            self.settings.remote.api_key.as_ref(),
        ))
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

    /// The configured models, as the last listing saw them.
    fn configured_models(&self) -> Vec<ModelInfo> {
        self.settings
            .models
            .iter()
            .filter_map(|name| models::model_info(name))
            .collect()
    }

    async fn run_job(&self, cx: &JobContext) -> Result<Vec<Generated>, ProviderError> {
        if !self.settings.models.contains(&cx.model) {
            return Err(ProviderError::Fatal(format!(
                "The OpenAI model \"{}\" is not enabled on this server.",
                cx.model
            )));
        }
        let family = Family::of(&cx.model).ok_or_else(|| {
            ProviderError::Fatal(format!(
                "Easel cannot use the OpenAI model \"{}\".",
                cx.model
            ))
        })?;
        match (cx.request.operation(), family) {
            (Operation::Txt2img, _) => generate::generate(self, cx, family).await,
            (Operation::Img2img, Family::GptImage) => edits::edit(self, cx, family, false).await,
            (Operation::Inpaint, Family::GptImage | Family::DallE2) => {
                edits::edit(self, cx, family, true).await
            }
            (Operation::Variations, Family::DallE2) => edits::variations(self, cx).await,
            (operation, _) => Err(ProviderError::Fatal(format!(
                "OpenAI's {} cannot do {}.",
                family.label(&cx.model),
                operation.label().to_lowercase()
            ))),
        }
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
impl Provider for OpenAiProvider {
    fn id(&self) -> &str {
        PROVIDER_ID
    }

    fn label(&self) -> &str {
        LABEL
    }

    fn models(&self) -> Vec<ModelInfo> {
        let mut listed = self
            .health
            .listed()
            .unwrap_or_else(|| self.configured_models());
        if let Some(reason) = self.key_rejected() {
            for model in &mut listed {
                model.available = false;
                model.unavailable_reason = Some(reason.clone());
            }
        }
        self.health.apply(listed)
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
        let response = match self.transmit(self.request(Method::GET, "/models")).await {
            Ok(response) => response,
            Err(err) => return self.health.unreachable(err.to_string()),
        };
        let unauthorized = response.status() == reqwest::StatusCode::UNAUTHORIZED;
        let listing = match self.check(response).await {
            Ok(response) => wire::read_model_ids(&self.settings.remote, response).await,
            Err(err) => Err(err),
        };
        match listing {
            Ok(ids) => {
                self.set_key_rejected(None);
                let listed = models::with_access(self.configured_models(), &ids);
                self.health.reached(Some(listed));
            }
            Err(err) if unauthorized => {
                // OpenAI answered: it is up, but it will not take this key.
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
