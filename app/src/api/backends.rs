//! The backends' health, for admins (the Settings page).

use easel_domain::generation::BackendStatus;
use leptos::prelude::*;

use crate::AppError;

/// Every configured backend: reachable or not, its models, its last error.
/// Admins only; never carries a key.
#[server(endpoint = "backends/status")]
pub async fn list_backends() -> Result<Vec<BackendStatus>, AppError> {
    use crate::ssr;
    let user = ssr::require_user().await?;
    if !user.is_admin() {
        return Err(AppError::Forbidden);
    }
    let state = ssr::app_state()?;
    Ok(state.engine.generation.backends())
}

/// Checks every backend now (reachability and model lists), then returns
/// their status. Admins only.
#[server(endpoint = "backends/check")]
pub async fn check_backends() -> Result<Vec<BackendStatus>, AppError> {
    use crate::ssr;
    let user = ssr::require_user().await?;
    if !user.is_admin() {
        return Err(AppError::Forbidden);
    }
    let state = ssr::app_state()?;
    state.engine.generation.probe_backends().await;
    Ok(state.engine.generation.backends())
}
