//! Workers: claim jobs, run them on their provider, store the results, and
//! report every step to the progress hub.
//!
//! One [`WorkerPool`] per process. For each backend it runs a claim loop
//! with as many slots as the backend's concurrency; a claim takes as many
//! jobs as there are free slots, in one statement. Besides the loops:
//! - a heartbeat renews the leases of running jobs and picks up cancel
//!   requests made on other instances;
//! - a reaper re-queues jobs whose lease ran out (their worker died);
//! - a committer group-commits finished jobs, so many jobs that finish
//!   together cost one transaction.

mod commit;
mod results;
mod run;

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use sqlx::PgPool;
use tokio::sync::{Semaphore, mpsc};
use tokio::task::JoinSet;
use tracing::Instrument;
use uuid::Uuid;

use crate::hub::ProgressHub;
use crate::jobs::{QueueSettings, storage};
use crate::providers::{CancelReason, CancelToken, Provider, ProviderRegistry};
use crate::store::ImageStore;

pub use results::{ResultSettings, store_results};

/// Everything a worker needs. Cheap to clone.
#[derive(Debug, Clone)]
pub struct WorkerPool {
    inner: Arc<PoolInner>,
}

#[derive(Debug)]
struct PoolInner {
    db: PgPool,
    hub: ProgressHub,
    providers: ProviderRegistry,
    store: Arc<dyn ImageStore>,
    settings: QueueSettings,
    results: ResultSettings,
    worker_id: String,
    running: Mutex<HashMap<Uuid, RunningJob>>,
    commits: mpsc::Sender<commit::Pending>,
    commit_rx: Mutex<Option<mpsc::Receiver<commit::Pending>>>,
}

#[derive(Debug, Clone)]
struct RunningJob {
    token: Uuid,
    cancel: CancelToken,
}

impl WorkerPool {
    /// A pool over the given backends; nothing runs until [`Self::run`].
    pub fn new(
        db: PgPool,
        hub: ProgressHub,
        providers: ProviderRegistry,
        store: Arc<dyn ImageStore>,
        settings: QueueSettings,
    ) -> Self {
        let (commits, commit_rx) = mpsc::channel(1024);
        let worker_id = format!("{}-{}", hostname(), std::process::id());
        Self {
            inner: Arc::new(PoolInner {
                db,
                hub,
                providers,
                store,
                settings,
                results: ResultSettings::default(),
                worker_id,
                running: Mutex::new(HashMap::new()),
                commits,
                commit_rx: Mutex::new(Some(commit_rx)),
            }),
        }
    }

    /// This worker's id, as recorded on the jobs it claims.
    pub fn worker_id(&self) -> &str {
        &self.inner.worker_id
    }

    /// Runs every loop until `shutdown` is cancelled, then hands running
    /// jobs back to the queue (a restart picks them up at once).
    pub async fn run(self, shutdown: CancelToken) {
        let mut tasks = JoinSet::new();
        for provider in self.inner.providers.iter() {
            tasks.spawn(
                self.clone()
                    .claim_loop(Arc::clone(provider), shutdown.clone()),
            );
        }
        tasks.spawn(self.clone().heartbeat_loop(shutdown.clone()));
        tasks.spawn(self.clone().reaper_loop(shutdown.clone()));
        tasks.spawn(self.clone().cancel_loop(shutdown.clone()));
        let receiver = self
            .inner
            .commit_rx
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        if let Some(receiver) = receiver {
            tasks.spawn(commit::run(
                self.inner.db.clone(),
                self.inner.hub.clone(),
                receiver,
            ));
        }
        shutdown.cancelled().await;
        self.release_running().await;
        tasks.abort_all();
        while tasks.join_next().await.is_some() {}
    }

    async fn claim_loop(self, provider: Arc<dyn Provider>, shutdown: CancelToken) {
        let slots = Arc::new(Semaphore::new(provider.concurrency()));
        let wakeup = self.inner.hub.wakeup(provider.id());
        while !shutdown.is_cancelled() {
            let Ok(first) = Arc::clone(&slots).acquire_owned().await else {
                return;
            };
            let notified = wakeup.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            let free = slots.available_permits() + 1;
            let claimed = storage::claim(
                &self.inner.db,
                provider.id(),
                &self.inner.worker_id,
                self.inner.hub.instance(),
                free as i64,
                self.inner.settings.lease,
            )
            .await;
            let jobs = match claimed {
                Ok(jobs) => jobs,
                Err(err) => {
                    tracing::warn!(error = %err, provider = provider.id(), "claim failed");
                    Vec::new()
                }
            };
            if jobs.is_empty() {
                drop(first);
                tokio::select! {
                    () = &mut notified => {}
                    () = tokio::time::sleep(self.inner.settings.poll_interval) => {}
                    () = shutdown.cancelled() => return,
                }
                continue;
            }
            let mut permit = Some(first);
            for job in jobs {
                let permit = match permit.take() {
                    Some(permit) => permit,
                    None => match Arc::clone(&slots).acquire_owned().await {
                        Ok(permit) => permit,
                        Err(_) => return,
                    },
                };
                let cancel = CancelToken::new();
                self.track(job.id, job.lease_token, cancel.clone());
                let pool = self.clone();
                let provider = Arc::clone(&provider);
                let span = tracing::info_span!("job", job_id = %job.id, attempt = job.attempt, model = %job.model);
                tokio::spawn(
                    async move {
                        let id = job.id;
                        pool.run_job(provider, job, cancel).await;
                        pool.untrack(id);
                        drop(permit);
                    }
                    .instrument(span),
                );
            }
        }
    }

    fn track(&self, id: Uuid, token: Uuid, cancel: CancelToken) {
        self.running().insert(id, RunningJob { token, cancel });
    }

    fn untrack(&self, id: Uuid) {
        self.running().remove(&id);
    }

    fn running(&self) -> std::sync::MutexGuard<'_, HashMap<Uuid, RunningJob>> {
        self.inner
            .running
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    fn held(&self) -> Vec<(Uuid, Uuid)> {
        self.running()
            .iter()
            .map(|(id, job)| (*id, job.token))
            .collect()
    }

    /// Stops a running job because its owner cancelled it.
    fn cancel_local(&self, id: Uuid) {
        if let Some(job) = self.running().get(&id) {
            job.cancel.cancel_for(CancelReason::User);
        }
    }

    /// Stops a running job that this process no longer holds; the backend
    /// keeps going, so a later run can re-attach.
    fn release_local(&self, id: Uuid) {
        if let Some(job) = self.running().get(&id) {
            job.cancel.cancel_for(CancelReason::Released);
        }
    }

    async fn heartbeat_loop(self, shutdown: CancelToken) {
        let mut ticker = tokio::time::interval(self.inner.settings.heartbeat);
        loop {
            tokio::select! {
                _ = ticker.tick() => {}
                () = shutdown.cancelled() => return,
            }
            let held = self.held();
            if held.is_empty() {
                continue;
            }
            match storage::heartbeat(&self.inner.db, &held, self.inner.settings.lease).await {
                Ok(alive) => {
                    let alive: HashMap<Uuid, bool> = alive.into_iter().collect();
                    for (id, _) in held {
                        match alive.get(&id) {
                            Some(true) => self.cancel_local(id),
                            Some(false) => {}
                            // Not held any more: either it finished while the
                            // heartbeat ran (no longer tracked), or its lease
                            // was taken over.
                            None if self.running().contains_key(&id) => {
                                tracing::warn!(job_id = %id, "lost the lease of a running job; stopping it");
                                self.release_local(id);
                            }
                            None => {}
                        }
                    }
                }
                Err(err) => tracing::warn!(error = %err, "heartbeat failed"),
            }
        }
    }

    async fn reaper_loop(self, shutdown: CancelToken) {
        let period = (self.inner.settings.lease / 2).max(std::time::Duration::from_millis(200));
        let mut ticker = tokio::time::interval(period);
        loop {
            tokio::select! {
                _ = ticker.tick() => {}
                () = shutdown.cancelled() => return,
            }
            match storage::reap_expired(&self.inner.db, self.inner.hub.instance()).await {
                Ok(events) => {
                    for event in events {
                        tracing::warn!(job_id = %event.job_id, status = event.status.as_str(), "reaped a job whose lease expired");
                        self.inner
                            .hub
                            .publish_current(event.user_id, event.job_id)
                            .await;
                    }
                }
                Err(err) => tracing::warn!(error = %err, "reaping expired jobs failed"),
            }
        }
    }

    async fn cancel_loop(self, shutdown: CancelToken) {
        let mut requests = self.inner.hub.cancellations();
        loop {
            tokio::select! {
                request = requests.recv() => match request {
                    Ok(id) => self.cancel_local(id),
                    Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {}
                    Err(_) => return,
                },
                () = shutdown.cancelled() => return,
            }
        }
    }

    async fn release_running(&self) {
        let held = self.held();
        if held.is_empty() {
            return;
        }
        // Hand the jobs back first: that voids their claims, so the tasks
        // stopped below cannot record them as cancelled.
        let released =
            storage::release_worker(&self.inner.db, self.inner.hub.instance(), &held).await;
        for job in self.running().values() {
            job.cancel.cancel_for(CancelReason::Released);
        }
        match released {
            Ok(events) => {
                tracing::info!(jobs = events.len(), "handed running jobs back to the queue");
                for event in events {
                    self.inner
                        .hub
                        .publish_current(event.user_id, event.job_id)
                        .await;
                }
            }
            Err(err) => {
                tracing::warn!(error = %err, "could not hand running jobs back; their leases will expire")
            }
        }
    }
}

fn hostname() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|name| name.trim().to_owned())
        .unwrap_or_else(|_| "easel".into())
}
