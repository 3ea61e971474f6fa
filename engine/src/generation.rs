//! The generation service the web layer calls: models, submit, cancel, and
//! the user's jobs. Thin over [`crate::jobs`], with the checks that belong
//! before a job exists.

use std::sync::Arc;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use easel_domain::ValidationError;
use easel_domain::generation::{
    BackendStatus, GenerationRequest, JobView, ModelInfo, ProgressEvent, ProgressKind,
    random_seed_from,
};
use sqlx::PgPool;
use uuid::Uuid;

use easel_domain::library::expand;
use easel_domain::library::{Expansion, Submission};
use easel_domain::prompt::WildcardLists;

use crate::hub::ProgressHub;
use crate::imaging::{self, DecodeLimits};
use crate::jobs::storage::{self, CancelOutcome, NewJob};
use crate::jobs::{QueueSettings, views};
use crate::library::{Library, LibraryError, NewHistory};
use crate::providers::ProviderRegistry;

/// Why a generation call failed.
#[derive(Debug, thiserror::Error)]
pub enum GenerationError {
    /// The request breaks the model's rules; every problem is listed.
    #[error("invalid request")]
    Invalid(Vec<ValidationError>),
    /// The user has too many jobs waiting.
    #[error("too many active jobs")]
    TooManyActiveJobs {
        /// The limit.
        limit: u32,
    },
    /// No such job (or not the user's).
    #[error("job not found")]
    NotFound,
    /// The database failed.
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

impl GenerationError {
    fn field(field: &str, message: impl Into<String>) -> Self {
        Self::Invalid(vec![ValidationError::new(field, message)])
    }
}

/// What a submission queued.
#[derive(Debug, Clone)]
pub struct SubmitOutcome {
    /// The new jobs, one per expanded prompt.
    pub jobs: Vec<JobView>,
    /// The history entry (absent if it could not be recorded).
    pub history_id: Option<Uuid>,
}

fn library_error(err: LibraryError) -> GenerationError {
    match err {
        LibraryError::Database(err) => GenerationError::Database(err),
        other => {
            tracing::error!(error = %other, "unexpected prompt library error during submit");
            GenerationError::Database(sqlx::Error::Protocol(other.to_string()))
        }
    }
}

/// Per-user limits.
#[derive(Debug, Clone, Copy)]
pub struct GenerationLimits {
    /// Most queued or running jobs per user.
    pub max_active_jobs: u32,
}

impl Default for GenerationLimits {
    fn default() -> Self {
        Self {
            max_active_jobs: 500,
        }
    }
}

/// The service. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Generation {
    db: PgPool,
    library: Library,
    hub: ProgressHub,
    providers: Arc<ProviderRegistry>,
    queue: QueueSettings,
    limits: GenerationLimits,
}

impl Generation {
    /// Builds the service.
    pub fn new(
        db: PgPool,
        hub: ProgressHub,
        providers: Arc<ProviderRegistry>,
        queue: QueueSettings,
        limits: GenerationLimits,
    ) -> Self {
        Self {
            library: Library::new(db.clone()),
            db,
            hub,
            providers,
            queue,
            limits,
        }
    }

    /// Every model, default first.
    pub fn models(&self) -> Vec<ModelInfo> {
        self.providers.models()
    }

    /// Every backend's status, for the admin's Settings page.
    pub fn backends(&self) -> Vec<BackendStatus> {
        self.providers.statuses()
    }

    /// Checks every backend now.
    pub async fn probe_backends(&self) {
        self.providers.probe_all().await;
    }

    /// Validates and queues a plain request (no styles, one prompt);
    /// returns the new job.
    pub async fn submit(
        &self,
        user_id: Uuid,
        request: GenerationRequest,
    ) -> Result<JobView, GenerationError> {
        let submission = Submission {
            request,
            styles: Vec::new(),
            variables: Default::default(),
            expansion: Expansion::Random,
            prompts: 1,
        };
        let outcome = self.submit_batch(user_id, submission).await?;
        outcome
            .jobs
            .into_iter()
            .next()
            .ok_or(GenerationError::NotFound)
    }

    /// Expands a submission (variables, choices, wildcards, styles), checks
    /// every resulting request against the model, and queues one job per
    /// prompt in one transaction; records it in the user's history.
    pub async fn submit_batch(
        &self,
        user_id: Uuid,
        submission: Submission,
    ) -> Result<SubmitOutcome, GenerationError> {
        let model = self
            .providers
            .model(&submission.request.model)
            .ok_or_else(|| {
                GenerationError::field("model", "That model is not available on this server.")
            })?;
        if !model.available {
            let reason = model
                .unavailable_reason
                .unwrap_or_else(|| "It is switched off.".into());
            return Err(GenerationError::field(
                "model",
                format!("{} is unavailable: {reason}", model.label),
            ));
        }
        let own_styles = self
            .library
            .styles_by_id(user_id, &expand::user_style_ids(&submission.styles))
            .await
            .map_err(library_error)?;
        let styles = expand::resolve_styles(&submission.styles, &own_styles)
            .map_err(|err| GenerationError::Invalid(vec![err]))?;
        let wildcards: WildcardLists = self
            .library
            .list_wildcards(user_id)
            .await
            .map_err(library_error)?
            .into_iter()
            .map(|list| (list.name, list.entries))
            .collect();
        let requests = expand::expand_submission(
            &submission,
            &model.capabilities,
            &styles,
            &wildcards,
            random_seed_from(rand::random()),
        )
        .map_err(GenerationError::Invalid)?;
        self.check_inputs(user_id, &submission.request).await?;
        let active: i64 = sqlx::query_scalar(
            "select count(*) from generation_jobs where user_id = $1 and status in ('queued', 'running')",
        )
        .bind(user_id)
        .fetch_one(&self.db)
        .await?;
        if active + requests.len() as i64 > i64::from(self.limits.max_active_jobs) {
            return Err(GenerationError::TooManyActiveJobs {
                limit: self.limits.max_active_jobs,
            });
        }
        let queued = self.enqueue_all(user_id, &model, &requests).await?;
        self.hub.wake(&model.provider);
        let job_ids: Vec<Uuid> = queued.iter().map(|(id, _)| *id).collect();
        for (job_id, enqueued) in &queued {
            tracing::info!(job_id = %job_id, model = %model.id, "job queued");
            self.hub.publish(
                user_id,
                ProgressEvent {
                    job_id: *job_id,
                    seq: enqueued.seq,
                    kind: ProgressKind::Queued {
                        position: enqueued.position.clamp(0, i64::from(u32::MAX)) as u32,
                    },
                },
            );
        }
        let history_id = self
            .library
            .record_history(
                user_id,
                NewHistory {
                    expanded: requests.iter().map(|r| r.prompt.clone()).collect(),
                    job_ids: job_ids.clone(),
                    submission,
                },
            )
            .await
            .map_err(|err| {
                tracing::warn!(error = %err, "could not record a prompt in the history");
            })
            .ok();
        let mut jobs = Vec::with_capacity(job_ids.len());
        for id in job_ids {
            if let Some(view) = views::job_view(&self.db, user_id, id).await? {
                jobs.push(view);
            }
        }
        Ok(SubmitOutcome { jobs, history_id })
    }

    /// Inserts one job per request in one transaction.
    async fn enqueue_all(
        &self,
        user_id: Uuid,
        model: &ModelInfo,
        requests: &[GenerationRequest],
    ) -> Result<Vec<(Uuid, storage::Enqueued)>, GenerationError> {
        let mut tx = self.db.begin().await?;
        let mut queued = Vec::with_capacity(requests.len());
        for request in requests {
            let job = NewJob {
                id: Uuid::now_v7(),
                user_id,
                provider: model.provider.clone(),
                model: model.id.clone(),
                request: serde_json::to_value(request)
                    .map_err(|err| sqlx::Error::Encode(Box::new(err)))?,
                priority: 0,
                max_attempts: self.queue.max_attempts,
            };
            let enqueued = storage::enqueue(&mut *tx, &job).await?;
            queued.push((job.id, enqueued));
        }
        tx.commit().await?;
        Ok(queued)
    }

    /// Checks that an init image is the user's own and the mask decodes.
    async fn check_inputs(
        &self,
        user_id: Uuid,
        request: &GenerationRequest,
    ) -> Result<(), GenerationError> {
        if let Some(init) = request.init_image {
            let exists: bool = sqlx::query_scalar(
                "select exists(select 1 from generated_images where id = $1 and user_id = $2)",
            )
            .bind(init)
            .bind(user_id)
            .fetch_one(&self.db)
            .await?;
            if !exists {
                return Err(GenerationError::field(
                    "init_image",
                    "That init image was not found.",
                ));
            }
        }
        if let Some(mask) = &request.mask_png_base64 {
            let bytes = STANDARD
                .decode(mask.trim())
                .map_err(|_| GenerationError::field("mask", "The mask is not valid base64."))?;
            imaging::decode(&bytes, &DecodeLimits::default()).map_err(|err| {
                GenerationError::field("mask", format!("The mask is not a usable image: {err}"))
            })?;
        }
        Ok(())
    }

    /// Cancels one of the user's jobs; returns its state afterwards.
    pub async fn cancel(&self, user_id: Uuid, job_id: Uuid) -> Result<JobView, GenerationError> {
        match storage::cancel(&self.db, self.hub.instance(), user_id, job_id).await? {
            CancelOutcome::Cancelled(event) => {
                tracing::info!(%job_id, "queued job cancelled");
                self.hub.publish(
                    user_id,
                    ProgressEvent {
                        job_id,
                        seq: event.seq,
                        kind: ProgressKind::Cancelled,
                    },
                );
            }
            CancelOutcome::Requested => {
                tracing::info!(%job_id, "cancel requested for a running job");
                self.hub.request_cancel(job_id);
            }
            CancelOutcome::NotActive => {}
        }
        views::job_view(&self.db, user_id, job_id)
            .await?
            .ok_or(GenerationError::NotFound)
    }

    /// The user's active jobs and up to `limit` recent finished ones.
    pub async fn recent_jobs(
        &self,
        user_id: Uuid,
        limit: i64,
    ) -> Result<Vec<JobView>, GenerationError> {
        Ok(views::recent_jobs(&self.db, user_id, limit).await?)
    }

    /// The snapshot for a (re)connecting progress socket.
    pub async fn snapshot(
        &self,
        user_id: Uuid,
        known: &[(Uuid, i64)],
    ) -> Result<Vec<JobView>, GenerationError> {
        Ok(views::changed_jobs(&self.db, user_id, known).await?)
    }
}
