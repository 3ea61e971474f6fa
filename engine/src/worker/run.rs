//! Running one claimed job, from start event to final state.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use async_trait::async_trait;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use easel_domain::generation::{GenerationRequest, ProgressEvent, ProgressKind, Seed};
use uuid::Uuid;

use super::{WorkerPool, results};
use crate::jobs::{ClaimedJob, JobEvent, storage};
use crate::providers::{
    CancelReason, CancelToken, JobContext, ProgressSink, Provider, ProviderError,
};

/// Least time between two step events of one job (the last step always
/// goes out): the browser needs no more, and each is a database write.
const STEP_INTERVAL: Duration = Duration::from_millis(80);

impl WorkerPool {
    pub(super) async fn run_job(
        &self,
        provider: Arc<dyn Provider>,
        job: ClaimedJob,
        cancel: CancelToken,
    ) {
        let hub = &self.inner.hub;
        hub.publish(
            job.user_id,
            ProgressEvent {
                job_id: job.id,
                seq: job.seq,
                kind: ProgressKind::Started {
                    attempt: job.attempt,
                },
            },
        );
        let outcome = match self.context(&job, cancel.clone()).await {
            Ok((cx, progress)) => {
                let started = Instant::now();
                let result = tokio::select! {
                    result = provider.run(&cx) => result,
                    () = cancel.cancelled() => Err(ProviderError::Cancelled),
                };
                if matches!(result, Err(ProviderError::Cancelled))
                    && cancel.reason() == Some(CancelReason::User)
                {
                    interrupt_remote(provider.as_ref(), &progress).await;
                }
                tracing::debug!(
                    elapsed_ms = started.elapsed().as_millis() as u64,
                    ok = result.is_ok(),
                    "provider finished"
                );
                match result {
                    Ok(generated) => self.finish(&job, &cx, generated).await,
                    Err(err) => Err(err),
                }
            }
            Err(err) => Err(err),
        };
        if let Err(err) = outcome {
            self.end_without_images(&job, err).await;
        }
    }

    async fn context(
        &self,
        job: &ClaimedJob,
        cancel: CancelToken,
    ) -> Result<(JobContext, Arc<QueueProgress>), ProviderError> {
        let request: GenerationRequest =
            serde_json::from_value(job.request.clone()).map_err(|err| {
                tracing::error!(error = %err, "a queued job's request does not parse");
                ProviderError::Fatal("This job's request could not be read.".into())
            })?;
        let seed = match request.seed {
            Seed::Fixed(seed) => seed,
            Seed::Random => 0,
        };
        let (source, init_image, mask) = results::load_inputs(
            &self.inner.db,
            self.inner.store.as_ref(),
            job.user_id,
            &request,
        )
        .await?;
        let progress = Arc::new(QueueProgress {
            pool: self.clone(),
            job_id: job.id,
            user_id: job.user_id,
            token: job.lease_token,
            last: Mutex::new(None),
            handle: Mutex::new(job.remote_handle.clone()),
        });
        let cx = JobContext {
            job_id: job.id,
            user_id: job.user_id,
            model: job.model.split_once(':').map_or("", |(_, m)| m).to_owned(),
            request,
            seed,
            attempt: job.attempt,
            remote_handle: job.remote_handle.clone(),
            init_image,
            source,
            mask,
            cancel,
            progress: Arc::clone(&progress) as Arc<dyn ProgressSink>,
        };
        Ok((cx, progress))
    }

    async fn finish(
        &self,
        job: &ClaimedJob,
        cx: &JobContext,
        generated: Vec<crate::providers::Generated>,
    ) -> Result<(), ProviderError> {
        let images = results::store_results(
            self.inner.store.as_ref(),
            &self.inner.results,
            cx,
            generated,
        )
        .await?;
        let image_ids: Vec<Uuid> = images.iter().map(|i| i.id).collect();
        let completion = storage::Completion {
            job_id: job.id,
            lease_token: job.lease_token,
            images,
        };
        match super::commit::submit(&self.inner.commits, completion).await {
            Ok(Some(event)) => {
                self.inner.hub.publish(
                    event.user_id,
                    ProgressEvent {
                        job_id: job.id,
                        seq: event.seq,
                        kind: ProgressKind::Succeeded { image_ids },
                    },
                );
                tracing::info!(job_id = %job.id, "job succeeded");
                Ok(())
            }
            Ok(None) => {
                tracing::warn!(job_id = %job.id, "finished a job whose claim was lost; discarding its result");
                Ok(())
            }
            Err(err) => {
                tracing::error!(error = %err, "could not record a finished job");
                Err(ProviderError::retryable(
                    "The database did not record the result; retrying.",
                ))
            }
        }
    }

    async fn end_without_images(&self, job: &ClaimedJob, err: ProviderError) {
        let db = &self.inner.db;
        let instance = self.inner.hub.instance();
        let result = match &err {
            ProviderError::Cancelled => {
                storage::mark_cancelled(db, instance, job.id, job.lease_token).await
            }
            ProviderError::Fatal(_) | ProviderError::Refused { .. } => {
                let message = err.to_string();
                storage::fail(db, instance, job.id, job.lease_token, &message, None).await
            }
            ProviderError::Retryable {
                message,
                retry_after,
            } => {
                let delay =
                    self.inner
                        .settings
                        .backoff(job.attempt, rand::random::<f64>(), *retry_after);
                storage::fail(db, instance, job.id, job.lease_token, message, Some(delay)).await
            }
        };
        match result {
            Ok(Some(event)) => self.publish_end(job, &err, event),
            Ok(None) => {
                tracing::info!(job_id = %job.id, "the job's claim was lost before it ended")
            }
            Err(db_err) => {
                tracing::error!(error = %db_err, job_id = %job.id, "could not record a job's end; its lease will expire")
            }
        }
    }

    fn publish_end(&self, job: &ClaimedJob, err: &ProviderError, event: JobEvent) {
        use easel_domain::generation::JobStatus;
        let kind = match (event.status, err) {
            (JobStatus::Queued, _) => ProgressKind::Retrying {
                reason: err.to_string(),
                attempt: job.attempt,
            },
            (JobStatus::Cancelled, _) => ProgressKind::Cancelled,
            _ => ProgressKind::Failed {
                reason: err.to_string(),
            },
        };
        tracing::info!(job_id = %job.id, status = event.status.as_str(), reason = %err, "job ended without images");
        if event.status == JobStatus::Queued {
            self.inner
                .hub
                .wake(job.model.split(':').next().unwrap_or_default());
        }
        self.inner.hub.publish(
            event.user_id,
            ProgressEvent {
                job_id: job.id,
                seq: event.seq,
                kind,
            },
        );
    }
}

/// How long a backend gets to acknowledge an interrupt.
const INTERRUPT_TIMEOUT: Duration = Duration::from_secs(10);

/// Tells the backend to stop the job's remote work, if it saved a handle.
async fn interrupt_remote(provider: &dyn Provider, progress: &QueueProgress) {
    let handle = progress
        .handle
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .clone();
    let Some(handle) = handle else { return };
    if tokio::time::timeout(INTERRUPT_TIMEOUT, provider.interrupt(&handle))
        .await
        .is_err()
    {
        tracing::warn!(
            provider = provider.id(),
            "the backend did not acknowledge the interrupt in time"
        );
    } else {
        tracing::info!(
            provider = provider.id(),
            "asked the backend to stop the cancelled job"
        );
    }
}

/// Progress of one running job: recorded on its row, then fanned out.
#[derive(Debug)]
struct QueueProgress {
    pool: WorkerPool,
    job_id: Uuid,
    user_id: Uuid,
    token: Uuid,
    last: Mutex<Option<Instant>>,
    /// The latest remote handle (saved by this run or an earlier one).
    handle: Mutex<Option<serde_json::Value>>,
}

#[async_trait]
impl ProgressSink for QueueProgress {
    async fn step(&self, step: u32, total: u32, preview_jpeg: Option<Vec<u8>>) {
        {
            let mut last = self.last.lock().unwrap_or_else(PoisonError::into_inner);
            let now = Instant::now();
            if step < total && last.is_some_and(|at| now.duration_since(at) < STEP_INTERVAL) {
                return;
            }
            *last = Some(now);
        }
        let inner = &self.pool.inner;
        let recorded = storage::record_progress(
            &inner.db,
            inner.hub.instance(),
            self.job_id,
            self.token,
            step,
            total,
            preview_jpeg.as_deref(),
        )
        .await;
        match recorded {
            Ok(Some(event)) => inner.hub.publish(
                self.user_id,
                ProgressEvent {
                    job_id: self.job_id,
                    seq: event.seq,
                    kind: ProgressKind::Step {
                        step,
                        total,
                        preview_jpeg: preview_jpeg.map(|bytes| STANDARD.encode(bytes)),
                    },
                },
            ),
            Ok(None) => {}
            Err(err) => tracing::warn!(error = %err, "could not record progress"),
        }
    }

    async fn save_remote_handle(&self, handle: serde_json::Value) {
        *self.handle.lock().unwrap_or_else(PoisonError::into_inner) = Some(handle.clone());
        let inner = &self.pool.inner;
        if let Err(err) =
            storage::save_remote_handle(&inner.db, self.job_id, self.token, &handle).await
        {
            tracing::warn!(error = %err, "could not save a remote handle");
        }
    }
}
