//! The progress hub: fans job events out to the websocket subscribers of
//! each job's owner, wakes workers when jobs are queued, and routes
//! cancellations to the worker running the job.
//!
//! Within a process, events go through per-user broadcast channels,
//! serialized once. Across processes, every state change already issued a
//! `NOTIFY easel_jobs` carrying ids only (see `jobs::storage`); the
//! [`ProgressHub::listen`] task of each other instance re-reads the job row
//! and sends its subscribers a snapshot of it.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use easel_domain::generation::{ProgressEvent, ServerMessage};
use sqlx::PgPool;
use sqlx::postgres::PgListener;
use tokio::sync::{Notify, broadcast};
use uuid::Uuid;

use crate::jobs::{self, CHANNEL};

/// One message for a user's subscribers, serialized once for all of them.
#[derive(Debug, Clone)]
pub struct Delivery {
    /// The job it is about.
    pub job_id: Uuid,
    /// The job's sequence after it.
    pub seq: i64,
    /// The `ServerMessage` as JSON text.
    pub json: Arc<str>,
}

/// The hub. Cheap to clone.
#[derive(Debug, Clone)]
pub struct ProgressHub {
    inner: Arc<HubInner>,
}

#[derive(Debug)]
struct HubInner {
    instance: Uuid,
    db: PgPool,
    users: Mutex<HashMap<Uuid, broadcast::Sender<Delivery>>>,
    wakeups: Mutex<HashMap<String, Arc<Notify>>>,
    cancels: broadcast::Sender<Uuid>,
}

/// How many messages a slow subscriber may fall behind before it skips
/// (it then resumes from a snapshot).
const SUBSCRIBER_BUFFER: usize = 256;

impl ProgressHub {
    /// A hub for this process; `instance` tells its own notifications apart.
    pub fn new(db: PgPool) -> Self {
        let (cancels, _) = broadcast::channel(1024);
        Self {
            inner: Arc::new(HubInner {
                instance: Uuid::now_v7(),
                db,
                users: Mutex::new(HashMap::new()),
                wakeups: Mutex::new(HashMap::new()),
                cancels,
            }),
        }
    }

    /// This process's id in notifications.
    pub fn instance(&self) -> Uuid {
        self.inner.instance
    }

    /// The database the hub reads snapshots from.
    pub fn db(&self) -> &PgPool {
        &self.inner.db
    }

    /// Subscribes to a user's events.
    pub fn subscribe(&self, user_id: Uuid) -> broadcast::Receiver<Delivery> {
        let mut users = self
            .inner
            .users
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        users
            .entry(user_id)
            .or_insert_with(|| broadcast::channel(SUBSCRIBER_BUFFER).0)
            .subscribe()
    }

    fn sender(&self, user_id: Uuid) -> Option<broadcast::Sender<Delivery>> {
        let mut users = self
            .inner
            .users
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let sender = users.get(&user_id)?;
        if sender.receiver_count() == 0 {
            users.remove(&user_id);
            return None;
        }
        Some(sender.clone())
    }

    /// Sends a live event to the owner's subscribers in this process.
    pub fn publish(&self, user_id: Uuid, event: ProgressEvent) {
        let Some(sender) = self.sender(user_id) else {
            return;
        };
        let (job_id, seq) = (event.job_id, event.seq);
        match serde_json::to_string(&ServerMessage::Event(event)) {
            Ok(json) => {
                let _ = sender.send(Delivery {
                    job_id,
                    seq,
                    json: json.into(),
                });
            }
            Err(err) => tracing::error!(error = %err, "could not serialize a progress event"),
        }
    }

    /// The notifier workers of `provider` wait on.
    pub fn wakeup(&self, provider: &str) -> Arc<Notify> {
        let mut wakeups = self
            .inner
            .wakeups
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        Arc::clone(wakeups.entry(provider.to_owned()).or_default())
    }

    /// Wakes the workers of `provider` in this process.
    pub fn wake(&self, provider: &str) {
        self.wakeup(provider).notify_waiters();
    }

    /// Cancellation requests for running jobs (from any instance).
    pub fn cancellations(&self) -> broadcast::Receiver<Uuid> {
        self.inner.cancels.subscribe()
    }

    /// Asks this process's workers to stop a job.
    pub fn request_cancel(&self, job_id: Uuid) {
        let _ = self.inner.cancels.send(job_id);
    }

    /// Listens on `easel_jobs` until the process ends: wakes workers, routes
    /// cancellations, and relays other instances' events as snapshots.
    /// Reconnects after a lost connection (workers poll meanwhile).
    pub async fn listen(self) {
        loop {
            if let Err(err) = self.listen_once().await {
                tracing::warn!(error = %err, "job notifications interrupted; reconnecting");
            }
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
    }

    async fn listen_once(&self) -> sqlx::Result<()> {
        let mut listener = PgListener::connect_with(&self.inner.db).await?;
        listener.listen(CHANNEL).await?;
        loop {
            let notification = listener.recv().await?;
            self.dispatch(notification.payload()).await;
        }
    }

    async fn dispatch(&self, payload: &str) {
        let mut parts = payload.split(' ');
        match (parts.next(), parts.next()) {
            (Some("q"), Some(provider)) => self.wake(provider),
            (Some("c"), Some(job)) => {
                if let Ok(job) = job.parse() {
                    self.request_cancel(job);
                }
            }
            (Some("e"), Some(instance)) if instance != self.inner.instance.to_string() => {
                let ids: Vec<&str> = parts.collect();
                if let [job, user, _seq] = ids.as_slice()
                    && let (Ok(job), Ok(user)) = (job.parse(), user.parse())
                {
                    self.publish_current(user, job).await;
                }
            }
            _ => {}
        }
    }

    /// Sends the owner's subscribers a snapshot of a job's current state,
    /// read from the database (for changes made elsewhere, or without a
    /// precise event at hand).
    pub async fn publish_current(&self, user_id: Uuid, job_id: Uuid) {
        let Some(sender) = self.sender(user_id) else {
            return;
        };
        match jobs::views::job_view(&self.inner.db, user_id, job_id).await {
            Ok(Some(view)) => {
                let seq = view.seq;
                let message = ServerMessage::Snapshot { jobs: vec![view] };
                if let Ok(json) = serde_json::to_string(&message) {
                    let _ = sender.send(Delivery {
                        job_id,
                        seq,
                        json: json.into(),
                    });
                }
            }
            Ok(None) => {}
            Err(err) => tracing::warn!(error = %err, %job_id, "could not read a relayed job"),
        }
    }
}
