//! Jobs as the UI sees them, and the live progress protocol spoken over
//! the `/ws/progress` websocket.
//!
//! Every event carries the job's sequence number. A client that reconnects
//! sends the last sequence it saw per job ([`ClientMessage::Resume`]); the
//! server answers with a [`ServerMessage::Snapshot`] of every job that
//! changed since, read from the database, then live events. A client drops
//! any event whose sequence is not above what it already has.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Where a job is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum JobStatus {
    /// Waiting for a worker (or for its retry time).
    Queued,
    /// A worker is on it.
    Running,
    /// Done; its images are in the gallery.
    Succeeded,
    /// Gave up; `error` says why.
    Failed,
    /// Stopped by its owner.
    Cancelled,
}

impl JobStatus {
    /// Whether the job can still change.
    pub fn is_active(self) -> bool {
        matches!(self, JobStatus::Queued | JobStatus::Running)
    }

    /// The lowercase name, as stored in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            JobStatus::Queued => "queued",
            JobStatus::Running => "running",
            JobStatus::Succeeded => "succeeded",
            JobStatus::Failed => "failed",
            JobStatus::Cancelled => "cancelled",
        }
    }
}

/// A job, as the Studio's queue panel shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JobView {
    /// The job's id.
    pub id: Uuid,
    /// Its state.
    pub status: JobStatus,
    /// The model's id.
    pub model: String,
    /// The prompt.
    pub prompt: String,
    /// The negative prompt.
    pub negative_prompt: String,
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// Images asked for.
    pub count: u32,
    /// The seed of the first image (resolved at submit time).
    pub seed: i64,
    /// Steps, when the model takes them.
    pub steps: Option<u32>,
    /// When it was submitted.
    pub created_at: DateTime<Utc>,
    /// Jobs ahead of it, while queued.
    pub position: Option<u32>,
    /// Current step, while running.
    pub step: u32,
    /// Total steps, while running (0 when unknown).
    pub total: u32,
    /// The latest preview, a base64 JPEG.
    pub preview_jpeg: Option<String>,
    /// Why it failed (or the last retryable error, while queued).
    pub error: Option<String>,
    /// Its images, once succeeded.
    pub image_ids: Vec<Uuid>,
    /// Tries so far.
    pub attempts: u32,
    /// The sequence number of the last event applied to this view.
    pub seq: i64,
    /// The whole request (every parameter), for "Reuse".
    #[serde(default)]
    pub request: Option<super::GenerationRequest>,
}

impl JobView {
    /// Applies a live event to this view, if it is newer. Returns whether
    /// it changed anything.
    pub fn apply(&mut self, event: &ProgressEvent) -> bool {
        if event.job_id != self.id || event.seq <= self.seq {
            return false;
        }
        self.seq = event.seq;
        match &event.kind {
            ProgressKind::Queued { position } => {
                self.status = JobStatus::Queued;
                self.position = Some(*position);
            }
            ProgressKind::Retrying { reason, attempt } => {
                self.status = JobStatus::Queued;
                self.error = Some(reason.clone());
                self.attempts = *attempt;
                self.step = 0;
            }
            ProgressKind::Started { attempt } => {
                self.status = JobStatus::Running;
                self.position = None;
                self.attempts = *attempt;
            }
            ProgressKind::Step {
                step,
                total,
                preview_jpeg,
            } => {
                self.status = JobStatus::Running;
                self.step = *step;
                self.total = *total;
                if preview_jpeg.is_some() {
                    self.preview_jpeg = preview_jpeg.clone();
                }
            }
            ProgressKind::Succeeded { image_ids } => {
                self.status = JobStatus::Succeeded;
                self.image_ids = image_ids.clone();
                self.error = None;
                self.step = self.total;
            }
            ProgressKind::Failed { reason } => {
                self.status = JobStatus::Failed;
                self.error = Some(reason.clone());
            }
            ProgressKind::Cancelled => self.status = JobStatus::Cancelled,
        }
        true
    }
}

/// What happened to a job.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ProgressKind {
    /// Submitted; `position` jobs are ahead of it.
    Queued {
        /// Jobs ahead.
        position: u32,
    },
    /// A try failed in a way worth retrying; it waits for its next try.
    Retrying {
        /// What went wrong.
        reason: String,
        /// Tries so far.
        attempt: u32,
    },
    /// A worker picked it up.
    Started {
        /// Which try this is (1 for the first).
        attempt: u32,
    },
    /// One step done.
    Step {
        /// Steps done.
        step: u32,
        /// Steps in all.
        total: u32,
        /// A small preview of the current state, a base64 JPEG.
        preview_jpeg: Option<String>,
    },
    /// Done; its images are stored.
    Succeeded {
        /// The new images, in order.
        image_ids: Vec<Uuid>,
    },
    /// Gave up.
    Failed {
        /// Why, in words for the user.
        reason: String,
    },
    /// Stopped by its owner.
    Cancelled,
}

/// One live event of one job.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProgressEvent {
    /// The job.
    pub job_id: Uuid,
    /// Its sequence number: increases by one per event of this job.
    pub seq: i64,
    /// What happened.
    pub kind: ProgressKind,
}

/// A message from the server on the progress websocket.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", content = "data", rename_all = "snake_case")]
pub enum ServerMessage {
    /// The current state of jobs, from the database: sent first, and after
    /// every [`ClientMessage::Resume`].
    Snapshot {
        /// The jobs.
        jobs: Vec<JobView>,
    },
    /// A live event.
    Event(ProgressEvent),
}

/// A message from the browser on the progress websocket.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", content = "data", rename_all = "snake_case")]
pub enum ClientMessage {
    /// "I have seen these jobs up to these sequence numbers": the server
    /// sends a snapshot of the active jobs and of any job that changed since.
    Resume {
        /// `(job id, last sequence seen)` pairs.
        known: Vec<(Uuid, i64)>,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    fn view() -> JobView {
        JobView {
            id: Uuid::from_u128(1),
            status: JobStatus::Queued,
            model: "builtin:sketch".into(),
            prompt: "p".into(),
            negative_prompt: String::new(),
            width: 512,
            height: 512,
            count: 1,
            seed: 1,
            steps: Some(20),
            created_at: DateTime::UNIX_EPOCH,
            position: Some(3),
            step: 0,
            total: 0,
            preview_jpeg: None,
            error: None,
            image_ids: vec![],
            attempts: 0,
            seq: 1,
            request: None,
        }
    }

    #[test]
    fn stale_and_foreign_events_are_ignored() {
        let mut job = view();
        let stale = ProgressEvent {
            job_id: job.id,
            seq: 1,
            kind: ProgressKind::Cancelled,
        };
        assert!(!job.apply(&stale));
        let foreign = ProgressEvent {
            job_id: Uuid::from_u128(2),
            seq: 9,
            kind: ProgressKind::Cancelled,
        };
        assert!(!job.apply(&foreign));
        assert_eq!(job.status, JobStatus::Queued);
    }

    #[test]
    fn events_move_the_view_forward() {
        let mut job = view();
        let id = job.id;
        let events = [
            ProgressKind::Started { attempt: 1 },
            ProgressKind::Step {
                step: 5,
                total: 20,
                preview_jpeg: Some("x".into()),
            },
            ProgressKind::Succeeded {
                image_ids: vec![Uuid::from_u128(9)],
            },
        ];
        for (i, kind) in events.into_iter().enumerate() {
            assert!(job.apply(&ProgressEvent {
                job_id: id,
                seq: 2 + i as i64,
                kind
            }));
        }
        assert_eq!(job.status, JobStatus::Succeeded);
        assert_eq!(job.position, None);
        assert_eq!(job.preview_jpeg.as_deref(), Some("x"));
        assert_eq!(job.image_ids, vec![Uuid::from_u128(9)]);
        assert_eq!(job.seq, 4);
    }

    #[test]
    fn messages_have_a_stable_wire_form() {
        let event = ServerMessage::Event(ProgressEvent {
            job_id: Uuid::nil(),
            seq: 3,
            kind: ProgressKind::Queued { position: 2 },
        });
        let json = serde_json::to_string(&event).unwrap_or_default();
        assert_eq!(
            json,
            r#"{"type":"event","data":{"job_id":"00000000-0000-0000-0000-000000000000","seq":3,"kind":{"kind":"queued","position":2}}}"#
        );
        let back: ServerMessage =
            serde_json::from_str(&json).unwrap_or(ServerMessage::Snapshot { jobs: vec![] });
        assert_eq!(back, event);
    }
}
