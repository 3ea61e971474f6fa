//! What a remote backend's connector knows about the backend's health: the
//! last check, the last error, and the models it listed. Shared by every
//! connector, read by the Settings page and the Studio's model picker.

use std::sync::{Arc, PoisonError, RwLock};

use chrono::{DateTime, Utc};
use easel_domain::generation::{BackendStatus, ModelInfo};

/// A backend's health. Cheap to clone; clones share the state.
#[derive(Debug, Clone, Default)]
pub struct Health {
    inner: Arc<RwLock<HealthState>>,
}

#[derive(Debug, Default)]
struct HealthState {
    /// `None` until the first check.
    reachable: Option<bool>,
    checked_at: Option<DateTime<Utc>>,
    last_error: Option<String>,
    /// The models from the last successful listing, if the backend lists
    /// them (else the connector's fixed list is used).
    listed: Option<Vec<ModelInfo>>,
}

impl Health {
    /// A backend not yet checked.
    pub fn new() -> Self {
        Self::default()
    }

    /// Records a successful check, with the models it listed (if any).
    pub fn reached(&self, listed: Option<Vec<ModelInfo>>) {
        let mut state = self.write();
        state.reachable = Some(true);
        state.checked_at = Some(Utc::now());
        state.last_error = None;
        if listed.is_some() {
            state.listed = listed;
        }
    }

    /// Records a failed check: the backend could not be reached or answered
    /// nonsense. `error` is shown to people, so it holds no secrets.
    pub fn unreachable(&self, error: impl Into<String>) {
        let mut state = self.write();
        state.reachable = Some(false);
        state.checked_at = Some(Utc::now());
        state.last_error = Some(error.into());
    }

    /// Records a job's error without changing reachability (a refused
    /// prompt says nothing about the backend being up).
    pub fn job_failed(&self, error: impl Into<String>) {
        self.write().last_error = Some(error.into());
    }

    /// Whether the last check failed (unchecked counts as reachable, so a
    /// fresh server does not refuse jobs before its first check).
    pub fn is_down(&self) -> bool {
        self.read().reachable == Some(false)
    }

    /// The last error, if any.
    pub fn last_error(&self) -> Option<String> {
        self.read().last_error.clone()
    }

    /// The listed models, if the backend listed any.
    pub fn listed(&self) -> Option<Vec<ModelInfo>> {
        self.read().listed.clone()
    }

    /// Marks `models` unavailable, with the reason, while the backend is down.
    pub fn apply(&self, mut models: Vec<ModelInfo>) -> Vec<ModelInfo> {
        let state = self.read();
        if state.reachable == Some(false) {
            let reason = state
                .last_error
                .clone()
                .unwrap_or_else(|| "The backend cannot be reached.".into());
            for model in &mut models {
                model.available = false;
                model.unavailable_reason = Some(reason.clone());
            }
        }
        models
    }

    /// The Settings-page status of a remote backend.
    pub fn remote_status(
        &self,
        provider: &dyn super::Provider,
        remote: &super::http::RemoteSettings,
        has_credentials: bool,
    ) -> BackendStatus {
        self.status(BackendStatus {
            id: provider.id().to_owned(),
            label: provider.label().to_owned(),
            endpoint: Some(remote.endpoint()),
            reachable: false,
            has_credentials,
            concurrency: provider.concurrency() as u32,
            models: provider.models().into_iter().map(|m| m.label).collect(),
            last_error: None,
            checked_at: None,
        })
    }

    /// The status for the Settings page.
    pub fn status(&self, base: BackendStatus) -> BackendStatus {
        let state = self.read();
        BackendStatus {
            reachable: state.reachable.unwrap_or(false),
            last_error: state.last_error.clone(),
            checked_at: state.checked_at,
            ..base
        }
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, HealthState> {
        self.inner.read().unwrap_or_else(PoisonError::into_inner)
    }

    fn write(&self) -> std::sync::RwLockWriteGuard<'_, HealthState> {
        self.inner.write().unwrap_or_else(PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use easel_domain::generation::{Capabilities, SizeRule};

    fn model() -> ModelInfo {
        ModelInfo {
            id: "x:y".into(),
            provider: "x".into(),
            provider_label: "X".into(),
            label: "Y".into(),
            description: String::new(),
            available: true,
            unavailable_reason: None,
            capabilities: Capabilities::txt2img(SizeRule::default(), 1, 100),
        }
    }

    #[test]
    fn a_down_backend_marks_its_models_unavailable_with_the_reason() {
        let health = Health::new();
        assert!(health.apply(vec![model()])[0].available);
        health.unreachable("connection refused");
        let models = health.apply(vec![model()]);
        assert!(!models[0].available);
        assert_eq!(
            models[0].unavailable_reason.as_deref(),
            Some("connection refused")
        );
        health.reached(None);
        assert!(health.apply(vec![model()])[0].available);
        assert_eq!(health.last_error(), None);
    }

    #[test]
    fn job_errors_do_not_change_reachability() {
        let health = Health::new();
        health.reached(Some(vec![model()]));
        health.job_failed("refused");
        assert!(!health.is_down());
        assert_eq!(health.last_error().as_deref(), Some("refused"));
        assert_eq!(health.listed().map(|m| m.len()), Some(1));
    }
}
