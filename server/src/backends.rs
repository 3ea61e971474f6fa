//! Builds the provider registry from the configuration: the built-in
//! engine first (the default on a fresh install), then every remote
//! backend that is switched on.

use std::path::Path;
use std::sync::Arc;

use easel_engine::providers::ProviderRegistry;
use easel_engine::providers::a1111::{A1111Provider, A1111Settings};
use easel_engine::providers::builtin::BuiltinProvider;
use easel_engine::providers::comfyui::{ComfyUiProvider, ComfyUiSettings, WorkflowTemplate};
use easel_engine::providers::http::{ApiKey, RemoteSettings};
use easel_engine::providers::midjourney::{MidjourneyProvider, MidjourneySettings};
use easel_engine::providers::openai::{OpenAiProvider, OpenAiSettings};
use easel_engine::providers::stability::{StabilityProvider, StabilitySettings};

use crate::config::Config;
use crate::config::backends::Remote;

/// The registry for `config`.
pub fn registry(config: &Config) -> ProviderRegistry {
    let mut registry = ProviderRegistry::new().with(Arc::new(BuiltinProvider::new(
        config.builtin_concurrency as usize,
    )));
    let backends = &config.backends;
    if let Some(openai) = &backends.openai {
        let mut settings = OpenAiSettings {
            remote: remote(&openai.remote),
            organization: openai.organization.clone(),
            project: openai.project.clone(),
            ..OpenAiSettings::default()
        };
        if !openai.models.is_empty() {
            settings.models = openai.models.clone();
        }
        tracing::info!(endpoint = %settings.remote.endpoint(), "OpenAI is switched on");
        registry = registry.with(Arc::new(OpenAiProvider::new(settings)));
    }
    if let Some(stability) = &backends.stability {
        let settings = StabilitySettings {
            remote: remote(stability),
            ..StabilitySettings::default()
        };
        tracing::info!(endpoint = %settings.remote.endpoint(), "Stability AI is switched on");
        registry = registry.with(Arc::new(StabilityProvider::new(settings)));
    }
    if let Some(a1111) = &backends.a1111 {
        let mut settings = A1111Settings::new(a1111.remote.base_url.clone());
        settings.remote = remote(&a1111.remote);
        settings.username = a1111.username.clone();
        settings.default_upscaler = a1111.upscaler.clone();
        tracing::info!(endpoint = %settings.remote.endpoint(), "AUTOMATIC1111 is switched on");
        registry = registry.with(Arc::new(A1111Provider::new(settings)));
    }
    if let Some(comfyui) = &backends.comfyui {
        let mut settings = ComfyUiSettings::new(comfyui.remote.base_url.clone());
        settings.remote = remote(&comfyui.remote);
        if let Some(dir) = &comfyui.workflows_dir {
            settings.workflows = load_workflows(dir);
        }
        tracing::info!(
            endpoint = %settings.remote.endpoint(),
            workflows = settings.workflows.len(),
            "ComfyUI is switched on"
        );
        registry = registry.with(Arc::new(ComfyUiProvider::new(settings)));
    }
    if let Some(midjourney) = &backends.midjourney {
        let mut settings = MidjourneySettings::new(midjourney.remote.base_url.clone());
        settings.remote = remote(&midjourney.remote);
        settings.poll_interval = midjourney.poll_interval;
        tracing::info!(endpoint = %settings.remote.endpoint(), "the Midjourney proxy is switched on");
        registry = registry.with(Arc::new(MidjourneyProvider::new(settings)));
    }
    registry
}

/// The workflow files (`*.json`) in `dir`, by name; a file that does not
/// load is skipped with a warning that says why.
fn load_workflows(dir: &Path) -> Vec<WorkflowTemplate> {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(err) => {
            tracing::warn!(dir = %dir.display(), error = %err, "cannot read the ComfyUI workflows folder");
            return Vec::new();
        }
    };
    let mut paths: Vec<_> = entries
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .collect();
    paths.sort();
    paths
        .into_iter()
        .filter_map(|path| match WorkflowTemplate::from_file(&path) {
            Ok(workflow) => Some(workflow),
            Err(err) => {
                tracing::warn!(file = %path.display(), error = %err, "skipping a ComfyUI workflow");
                None
            }
        })
        .collect()
}

/// Connection settings for a connector.
fn remote(remote: &Remote) -> RemoteSettings {
    let mut settings = RemoteSettings::new(remote.base_url.clone());
    settings.api_key = remote.api_key.as_ref().map(|key| ApiKey::new(key.expose()));
    settings.timeout = remote.timeout;
    settings.concurrency = remote.concurrency as usize;
    settings
}
