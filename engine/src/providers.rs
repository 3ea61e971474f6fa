//! The provider trait every backend implements, and the registry the
//! queue and the Studio read models from.
//!
//! A provider turns one claimed job into images. It reports progress and
//! its remote handle through the [`JobContext`], honours cancellation, and
//! classes its errors as [`ProviderError::Retryable`] or
//! [`ProviderError::Fatal`] so the queue knows what happens next.

pub mod a1111;
pub mod builtin;
pub mod comfyui;
pub mod context;
pub mod health;
pub mod http;
pub mod instant;
pub mod midjourney;
pub mod openai;
pub mod stability;
pub mod testing;

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use easel_domain::generation::{BackendStatus, ModelInfo};

pub use context::{CancelReason, CancelToken, JobContext, ProgressSink, SourceImage};
pub use health::Health;

/// One image a provider made.
#[derive(Debug, Clone)]
pub struct Generated {
    /// The pixels, or the bytes the backend sent (decoded with limits later).
    pub image: GeneratedImage,
    /// The seed that made it, if the backend says.
    pub seed: Option<i64>,
    /// Backend-specific facts to keep (e.g. a revised prompt), as JSON.
    pub metadata: serde_json::Value,
}

/// A result image, decoded or not.
#[derive(Debug, Clone)]
pub enum GeneratedImage {
    /// Already pixels (the built-in engine).
    Pixels(image::RgbImage),
    /// Encoded bytes from a backend (PNG, JPEG, WebP).
    Encoded(Vec<u8>),
}

/// Why a provider run did not produce images.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ProviderError {
    /// Worth another try later: timeouts, 429, 5xx, connection errors.
    #[error("{message}")]
    Retryable {
        /// Shown to the user while the job waits.
        message: String,
        /// The backend's advice on when to retry.
        retry_after: Option<Duration>,
    },
    /// Will not succeed on retry: invalid request, content policy. The
    /// message is shown to the user as it is.
    #[error("{0}")]
    Fatal(String),
    /// The backend's safety system refused the prompt or the result. Not
    /// retried; the message (the backend's reason) is shown as a refusal.
    #[error("Refused by {backend}'s safety system: {message}")]
    Refused {
        /// The backend's display name.
        backend: String,
        /// Its reason, in its words.
        message: String,
    },
    /// Stopped because the job was cancelled.
    #[error("cancelled")]
    Cancelled,
}

impl ProviderError {
    /// A retryable error without backend advice.
    pub fn retryable(message: impl Into<String>) -> Self {
        Self::Retryable {
            message: message.into(),
            retry_after: None,
        }
    }
}

/// A backend: one module per backend implements this.
#[async_trait]
pub trait Provider: Send + Sync + std::fmt::Debug {
    /// The backend's id, the part of model ids before the colon.
    fn id(&self) -> &str;
    /// The backend's display name.
    fn label(&self) -> &str;
    /// The models it offers, with their capabilities.
    fn models(&self) -> Vec<ModelInfo>;
    /// How many jobs this process runs on it at once.
    fn concurrency(&self) -> usize;
    /// Runs a job from the start (or re-attaches, when the context carries
    /// a remote handle saved by an earlier attempt).
    ///
    /// The future may be dropped at any await point (the owner cancelled,
    /// or the server is shutting down): keep no state that a drop would
    /// corrupt. Remote backends save their handle with
    /// [`ProgressSink::save_remote_handle`] before they wait.
    async fn run(&self, cx: &JobContext) -> Result<Vec<Generated>, ProviderError>;

    /// Asks the backend to stop the remote job behind `handle` (the last
    /// one the job saved), after its owner cancelled it. Best effort: the
    /// job is cancelled either way. Not called on shutdown, so that a
    /// restarted server can re-attach.
    async fn interrupt(&self, handle: &serde_json::Value) {
        let _ = handle;
    }

    /// Checks the backend now (reachability, its model list) and updates
    /// what [`Self::models`] and [`Self::status`] report.
    async fn probe(&self) {}

    /// How the backend is doing, as of the last probe or job.
    fn status(&self) -> BackendStatus {
        BackendStatus {
            id: self.id().to_owned(),
            label: self.label().to_owned(),
            endpoint: None,
            reachable: true,
            has_credentials: false,
            concurrency: self.concurrency() as u32,
            models: self.models().into_iter().map(|m| m.label).collect(),
            last_error: None,
            checked_at: None,
        }
    }
}

/// The stand-in entry for a backend with no models to list.
fn placeholder(provider: &dyn Provider) -> ModelInfo {
    let status = provider.status();
    let reason = status.last_error.unwrap_or_else(|| {
        if status.checked_at.is_some() {
            "It lists no models.".to_owned()
        } else {
            "Not reached yet; its models appear once it answers.".to_owned()
        }
    });
    ModelInfo {
        id: format!("{}:unavailable", provider.id()),
        provider: provider.id().to_owned(),
        provider_label: provider.label().to_owned(),
        label: "No models".to_owned(),
        description: reason.clone(),
        available: false,
        unavailable_reason: Some(reason),
        capabilities: easel_domain::generation::Capabilities::default(),
    }
}

/// The configured backends, by id.
#[derive(Debug, Clone, Default)]
pub struct ProviderRegistry {
    providers: BTreeMap<String, Arc<dyn Provider>>,
    order: Vec<String>,
}

impl ProviderRegistry {
    /// An empty registry.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a backend (the first added is the default).
    pub fn with(mut self, provider: Arc<dyn Provider>) -> Self {
        let id = provider.id().to_owned();
        if !self.providers.contains_key(&id) {
            self.order.push(id.clone());
        }
        self.providers.insert(id, provider);
        self
    }

    /// A backend by id.
    pub fn get(&self, id: &str) -> Option<&Arc<dyn Provider>> {
        self.providers.get(id)
    }

    /// All backends, in the order they were added.
    pub fn iter(&self) -> impl Iterator<Item = &Arc<dyn Provider>> {
        self.order.iter().filter_map(|id| self.providers.get(id))
    }

    /// Every model of every backend, default first. A backend that lists
    /// its models but has not been reached yet shows as one unavailable
    /// placeholder, with the reason, so the picker says why it is missing.
    pub fn models(&self) -> Vec<ModelInfo> {
        self.iter()
            .flat_map(|provider| {
                let models = provider.models();
                if models.is_empty() {
                    vec![placeholder(provider.as_ref())]
                } else {
                    models
                }
            })
            .collect()
    }

    /// Every backend's status.
    pub fn statuses(&self) -> Vec<BackendStatus> {
        self.iter().map(|p| p.status()).collect()
    }

    /// Probes every backend at once.
    pub async fn probe_all(&self) {
        futures::future::join_all(self.iter().map(|p| p.probe())).await;
    }

    /// A model by its full id.
    pub fn model(&self, model_id: &str) -> Option<ModelInfo> {
        let provider = model_id.split(':').next()?;
        self.get(provider)?
            .models()
            .into_iter()
            .find(|m| m.id == model_id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug)]
    struct Silent;

    #[async_trait]
    impl Provider for Silent {
        fn id(&self) -> &str {
            "silent"
        }
        fn label(&self) -> &str {
            "Silent"
        }
        fn models(&self) -> Vec<ModelInfo> {
            Vec::new()
        }
        fn concurrency(&self) -> usize {
            1
        }
        async fn run(&self, _cx: &JobContext) -> Result<Vec<Generated>, ProviderError> {
            Err(ProviderError::Fatal("never".into()))
        }
    }

    #[test]
    fn a_backend_without_models_shows_as_unavailable_with_a_reason() {
        let registry = ProviderRegistry::new()
            .with(Arc::new(instant::InstantProvider::new(1)))
            .with(Arc::new(Silent));
        let models = registry.models();
        let silent = models
            .iter()
            .find(|m| m.provider == "silent")
            .expect("listed");
        assert!(!silent.available);
        assert_eq!(silent.provider_label, "Silent");
        assert!(silent.unavailable_reason.is_some());
        assert!(
            registry.model(&silent.id).is_none(),
            "the placeholder cannot be submitted to"
        );
        assert!(
            models
                .iter()
                .filter(|m| m.provider == "instant")
                .all(|m| m.available)
        );
    }
}
