//! The durable job queue, in Postgres.
//!
//! - [`storage`]: every SQL statement of the queue, one documented
//!   function each (enqueue, claim, heartbeat, progress, complete, fail,
//!   cancel, reap).
//! - [`views`]: the jobs as the UI sees them (snapshots, queue positions).
//!
//! Life of a job: `queued` → (claim) `running` → `succeeded` | `failed` |
//! `cancelled`; a retryable failure or an expired lease puts it back to
//! `queued` with a later `run_at`. Finished rows stay: history reads them.

pub mod storage;
pub mod views;

use std::time::Duration;

use easel_domain::generation::JobStatus;
use uuid::Uuid;

/// The Postgres channel the queue and the progress hub talk on. Payloads
/// carry ids only, never images.
pub const CHANNEL: &str = "easel_jobs";

/// Queue timing and retry settings.
#[derive(Debug, Clone, Copy)]
pub struct QueueSettings {
    /// How long a claim lasts without a heartbeat.
    pub lease: Duration,
    /// How often running jobs' leases are renewed (and cancellation checked).
    pub heartbeat: Duration,
    /// How often the queue is polled when no notification arrives.
    pub poll_interval: Duration,
    /// Tries before a retryable failure becomes final.
    pub max_attempts: u32,
    /// First retry delay; doubles per attempt.
    pub backoff_base: Duration,
    /// Longest retry delay.
    pub backoff_max: Duration,
}

impl Default for QueueSettings {
    fn default() -> Self {
        Self {
            lease: Duration::from_secs(30),
            heartbeat: Duration::from_secs(10),
            poll_interval: Duration::from_secs(2),
            max_attempts: 3,
            backoff_base: Duration::from_secs(2),
            backoff_max: Duration::from_secs(300),
        }
    }
}

impl QueueSettings {
    /// The delay before retry number `attempt` (1-based), exponential with
    /// up to 20 % jitter from `jitter` (0..1), and at least `advice`.
    pub fn backoff(&self, attempt: u32, jitter: f64, advice: Option<Duration>) -> Duration {
        let exponent = attempt.saturating_sub(1).min(20);
        let base = self.backoff_base.saturating_mul(1u32 << exponent);
        let capped = base.min(self.backoff_max);
        let jittered = capped.mul_f64(1.0 + 0.2 * jitter.clamp(0.0, 1.0));
        advice.map_or(jittered, |advice| {
            jittered.max(advice.min(self.backoff_max))
        })
    }
}

/// A job a worker claimed.
#[derive(Debug, Clone)]
pub struct ClaimedJob {
    /// The job.
    pub id: Uuid,
    /// Its owner.
    pub user_id: Uuid,
    /// The full model id.
    pub model: String,
    /// The request (JSON of `GenerationRequest`).
    pub request: serde_json::Value,
    /// This try's number (1 for the first).
    pub attempt: u32,
    /// Tries allowed.
    pub max_attempts: u32,
    /// The claim's token: every later write must present it.
    pub lease_token: Uuid,
    /// A remote handle saved by an earlier try.
    pub remote_handle: Option<serde_json::Value>,
    /// The event sequence after the claim.
    pub seq: i64,
}

/// An event a statement produced: fan it out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct JobEvent {
    /// The job.
    pub job_id: Uuid,
    /// Its owner.
    pub user_id: Uuid,
    /// The event's sequence number.
    pub seq: i64,
    /// The job's state after it.
    pub status: JobStatus,
}

/// Parses a status read as text.
pub(crate) fn parse_status(text: &str) -> JobStatus {
    match text {
        "queued" => JobStatus::Queued,
        "running" => JobStatus::Running,
        "succeeded" => JobStatus::Succeeded,
        "cancelled" => JobStatus::Cancelled,
        _ => JobStatus::Failed,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_caps_and_respects_advice() {
        let settings = QueueSettings::default();
        assert_eq!(settings.backoff(1, 0.0, None), Duration::from_secs(2));
        assert_eq!(settings.backoff(3, 0.0, None), Duration::from_secs(8));
        assert_eq!(settings.backoff(30, 0.0, None), Duration::from_secs(300));
        assert_eq!(settings.backoff(1, 1.0, None), Duration::from_millis(2400));
        assert_eq!(
            settings.backoff(1, 0.0, Some(Duration::from_secs(60))),
            Duration::from_secs(60)
        );
    }
}
