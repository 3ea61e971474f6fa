//! Generation: the models on offer, submitting, cancelling, and the
//! user's recent jobs. Live progress arrives over the `/ws/progress`
//! websocket (see `easel_domain::generation::ServerMessage`).

use easel_domain::generation::{JobView, ModelInfo};
use easel_domain::library::Submission;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use uuid::Uuid;

use crate::AppError;

/// The models the Studio can pick from, grouped by backend, each with its
/// capabilities and whether it can run now.
#[server(endpoint = "generation/models")]
pub async fn list_models() -> Result<Vec<ModelInfo>, AppError> {
    use crate::ssr;
    ssr::require_user().await?;
    let state = ssr::app_state()?;
    Ok(state.engine.generation.models())
}

/// Queues a generation: expands its prompt (variables, `{a|b}` choices,
/// `__wildcards__`), wraps it in the chosen styles, checks every resulting
/// request against the model's capabilities, and queues one job per
/// prompt. Returns the new jobs; the submission lands in the history.
#[server(endpoint = "generation/submit", input = Json)]
pub async fn submit_generation(submission: Submission) -> Result<Vec<JobView>, AppError> {
    use crate::ssr;
    let user = ssr::require_user().await?;
    let state = ssr::app_state()?;
    let outcome = state
        .engine
        .generation
        .submit_batch(user.id, submission)
        .await?;
    Ok(outcome.jobs)
}

/// Cancels one of the user's jobs: a queued job at once, a running one as
/// soon as its backend stops.
#[server(endpoint = "generation/cancel", input = Json)]
pub async fn cancel_job(job_id: Uuid) -> Result<JobView, AppError> {
    use crate::ssr;
    let user = ssr::require_user().await?;
    let state = ssr::app_state()?;
    Ok(state.engine.generation.cancel(user.id, job_id).await?)
}

/// The user's active jobs and their most recent finished ones, newest first.
#[server(endpoint = "generation/jobs")]
pub async fn list_jobs() -> Result<Vec<JobView>, AppError> {
    use crate::ssr;
    let user = ssr::require_user().await?;
    let state = ssr::app_state()?;
    Ok(state.engine.generation.recent_jobs(user.id, 30).await?)
}
