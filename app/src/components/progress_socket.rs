//! The user's jobs, kept live: loaded once with `list_jobs`, then moved
//! forward by the `/ws/progress` websocket (in the browser only).
//!
//! [`provide_job_store`] creates the store, puts it in context and (after
//! hydration) opens the socket; anything below reads it with
//! `expect_context::<JobStore>()`.

#[cfg(feature = "hydrate")]
mod connection;

use easel_domain::generation::{JobView, ProgressEvent};
use leptos::prelude::*;
use uuid::Uuid;

use crate::AppError;
use crate::api::generation::list_jobs;

/// The state of the progress websocket.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkState {
    /// Not opened yet (also during server rendering).
    Connecting,
    /// Open: events arrive as they happen.
    Live,
    /// Closed; a new attempt is scheduled.
    Reconnecting,
}

/// The user's jobs, newest first, and how fresh they are. `Copy`: every
/// field is a signal.
#[derive(Clone, Copy)]
pub struct JobStore {
    jobs: RwSignal<Vec<JobView>>,
    /// Whether the first `list_jobs` answer has arrived.
    pub loaded: RwSignal<bool>,
    /// Why the jobs could not be loaded, if they could not.
    pub load_error: RwSignal<Option<AppError>>,
    /// The websocket's state.
    pub link: RwSignal<LinkState>,
}

impl JobStore {
    fn new() -> Self {
        Self {
            jobs: RwSignal::new(Vec::new()),
            loaded: RwSignal::new(false),
            load_error: RwSignal::new(None),
            link: RwSignal::new(LinkState::Connecting),
        }
    }

    /// The jobs, newest first (tracked).
    pub fn jobs(&self) -> Vec<JobView> {
        self.jobs.get()
    }

    /// The ids of the jobs, newest first (tracked).
    pub fn ids(&self) -> Vec<Uuid> {
        self.jobs
            .with(|jobs| jobs.iter().map(|job| job.id).collect())
    }

    /// One job (tracked).
    pub fn job(&self, id: Uuid) -> Option<JobView> {
        self.jobs
            .with(|jobs| jobs.iter().find(|job| job.id == id).cloned())
    }

    /// One job, without tracking.
    pub fn job_untracked(&self, id: Uuid) -> Option<JobView> {
        self.jobs
            .with_untracked(|jobs| jobs.iter().find(|job| job.id == id).cloned())
    }

    /// Takes in a fresh view of a job (from a server function or a
    /// snapshot), unless the one held is newer.
    pub fn upsert(&self, job: JobView) {
        self.jobs.try_update(|jobs| upsert(jobs, job));
    }

    /// [`Self::upsert`] for many jobs at once (one notification).
    pub fn merge(&self, incoming: Vec<JobView>) {
        self.jobs.try_update(|jobs| {
            for job in incoming {
                upsert(jobs, job);
            }
        });
    }

    /// Applies a live event. Returns `false` when the job is unknown (it
    /// was submitted elsewhere, so a snapshot is needed).
    pub fn apply(&self, event: &ProgressEvent) -> bool {
        let mut known = false;
        self.jobs.try_update(|jobs| {
            if let Some(job) = jobs.iter_mut().find(|job| job.id == event.job_id) {
                known = true;
                job.apply(event);
            }
        });
        known
    }

    /// `(job id, last sequence seen)` for every job held, for a resume.
    pub fn known(&self) -> Vec<(Uuid, i64)> {
        self.jobs
            .with_untracked(|jobs| jobs.iter().map(|job| (job.id, job.seq)).collect())
    }

    /// How many jobs are queued or running (tracked).
    pub fn active_count(&self) -> usize {
        self.jobs
            .with(|jobs| jobs.iter().filter(|job| job.status.is_active()).count())
    }
}

/// Puts `job` in `jobs` (kept newest first), replacing the held view of the
/// same job unless that one has a higher sequence number.
fn upsert(jobs: &mut Vec<JobView>, job: JobView) {
    if let Some(held) = jobs.iter_mut().find(|held| held.id == job.id) {
        if job.seq >= held.seq {
            *held = job;
        }
        return;
    }
    let at = jobs
        .iter()
        .position(|held| (held.created_at, held.id) < (job.created_at, job.id))
        .unwrap_or(jobs.len());
    jobs.insert(at, job);
}

/// Creates the job store, provides it as context, loads the jobs and, in
/// the browser, keeps them live over the progress websocket until the
/// calling component goes away.
pub fn provide_job_store() -> JobStore {
    let store = JobStore::new();
    provide_context(store);
    // Client-only (effects do not run on the server): the panel renders
    // its loading state on both sides, so hydration matches.
    Effect::new(move |_| {
        leptos::task::spawn_local(async move {
            match list_jobs().await {
                Ok(jobs) => store.merge(jobs),
                Err(err) => {
                    store.load_error.try_set(Some(err));
                }
            }
            store.loaded.try_set(true);
        });
    });
    #[cfg(feature = "hydrate")]
    {
        // Dropped, and so closed, with the component that provided it.
        let socket = StoredValue::new_local(None::<connection::ProgressSocket>);
        Effect::new(move |_| {
            socket.set_value(Some(connection::ProgressSocket::open(store)));
        });
    }
    store
}

#[cfg(test)]
mod tests {
    use chrono::{DateTime, Duration, Utc};
    use easel_domain::generation::JobStatus;

    use super::*;

    fn job(n: u128, minutes: i64, seq: i64) -> JobView {
        JobView {
            id: Uuid::from_u128(n),
            status: JobStatus::Queued,
            model: "builtin:easel-sketch".into(),
            prompt: format!("job {n}"),
            negative_prompt: String::new(),
            width: 512,
            height: 512,
            count: 1,
            seed: 1,
            steps: Some(20),
            created_at: DateTime::<Utc>::UNIX_EPOCH + Duration::minutes(minutes),
            position: None,
            step: 0,
            total: 0,
            preview_jpeg: None,
            error: None,
            image_ids: vec![],
            attempts: 0,
            seq,
            request: None,
        }
    }

    #[test]
    fn jobs_stay_newest_first() {
        let mut jobs = Vec::new();
        upsert(&mut jobs, job(1, 1, 1));
        upsert(&mut jobs, job(3, 3, 1));
        upsert(&mut jobs, job(2, 2, 1));
        let order: Vec<u128> = jobs.iter().map(|job| job.id.as_u128()).collect();
        assert_eq!(order, [3, 2, 1]);
    }

    #[test]
    fn an_older_view_never_replaces_a_newer_one() {
        let mut jobs = vec![job(1, 1, 5)];
        let mut stale = job(1, 1, 4);
        stale.status = JobStatus::Running;
        upsert(&mut jobs, stale);
        assert_eq!(jobs[0].status, JobStatus::Queued);
        let mut fresh = job(1, 1, 5);
        fresh.status = JobStatus::Succeeded;
        upsert(&mut jobs, fresh);
        assert_eq!(jobs[0].status, JobStatus::Succeeded);
        assert_eq!(jobs.len(), 1);
    }
}
