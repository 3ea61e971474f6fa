//! What a provider gets while it runs a job: the request, progress
//! reporting, the remote handle, and cancellation.

use std::sync::Arc;
use std::sync::atomic::{AtomicU8, Ordering};

use async_trait::async_trait;
use easel_domain::generation::GenerationRequest;
use tokio::sync::Notify;
use uuid::Uuid;

/// Cancellation shared between the queue and a running provider.
#[derive(Debug, Clone, Default)]
pub struct CancelToken {
    inner: Arc<CancelInner>,
}

#[derive(Debug, Default)]
struct CancelInner {
    /// 0 while running, else a [`CancelReason`] + 1 (the first one wins).
    reason: AtomicU8,
    notify: Notify,
}

/// Why a job's run was stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CancelReason {
    /// Its owner cancelled it: the backend is told to stop too.
    User,
    /// This process is shutting down, or lost the job's lease: the job
    /// goes back to the queue and a later run re-attaches to the backend.
    Released,
}

impl CancelToken {
    /// A fresh, uncancelled token.
    pub fn new() -> Self {
        Self::default()
    }

    /// Cancels because the owner asked; wakes every waiter.
    pub fn cancel(&self) {
        self.cancel_for(CancelReason::User);
    }

    /// Cancels for `reason` (the first reason given sticks); wakes every
    /// waiter.
    pub fn cancel_for(&self, reason: CancelReason) {
        let code = match reason {
            CancelReason::User => 1,
            CancelReason::Released => 2,
        };
        let _ = self
            .inner
            .reason
            .compare_exchange(0, code, Ordering::SeqCst, Ordering::SeqCst);
        self.inner.notify.notify_waiters();
    }

    /// Whether the token was cancelled, for any reason.
    pub fn is_cancelled(&self) -> bool {
        self.inner.reason.load(Ordering::SeqCst) != 0
    }

    /// Why it was cancelled, if it was.
    pub fn reason(&self) -> Option<CancelReason> {
        match self.inner.reason.load(Ordering::SeqCst) {
            1 => Some(CancelReason::User),
            2 => Some(CancelReason::Released),
            _ => None,
        }
    }

    /// Resolves once cancelled.
    pub async fn cancelled(&self) {
        loop {
            let notified = self.inner.notify.notified();
            if self.is_cancelled() {
                return;
            }
            notified.await;
        }
    }
}

/// Where progress goes: the queue records it and fans it out.
#[async_trait]
pub trait ProgressSink: Send + Sync + std::fmt::Debug {
    /// Step `step` of `total` is done; `preview_jpeg` is a small JPEG.
    async fn step(&self, step: u32, total: u32, preview_jpeg: Option<Vec<u8>>);
    /// Saves the backend's handle for the remote job before waiting on it.
    async fn save_remote_handle(&self, handle: serde_json::Value);
}

/// The image a job starts from, as stored in the gallery.
#[derive(Debug, Clone)]
pub struct SourceImage {
    /// Its id.
    pub id: Uuid,
    /// The stored PNG.
    pub png: Vec<u8>,
    /// Its model's id (`"<provider>:<model>"`).
    pub model: String,
    /// What the backend that made it recorded (`metadata.provider` on the
    /// image row), e.g. a Midjourney task id and grid index.
    pub provider_metadata: serde_json::Value,
}

/// One job, as a provider sees it.
#[derive(Debug, Clone)]
pub struct JobContext {
    /// The job's id.
    pub job_id: Uuid,
    /// Its owner.
    pub user_id: Uuid,
    /// The request, with its seed resolved.
    pub request: GenerationRequest,
    /// The model part of the model id (after the colon).
    pub model: String,
    /// The first image's seed.
    pub seed: i64,
    /// Which try this is (1 for the first).
    pub attempt: u32,
    /// The handle an earlier attempt saved, if any: re-attach to it.
    pub remote_handle: Option<serde_json::Value>,
    /// The init image, decoded (img2img and inpainting).
    pub init_image: Option<Arc<image::RgbImage>>,
    /// The source image as stored (its PNG bytes and what its backend
    /// recorded about it), for img2img, inpainting, variations and upscales.
    pub source: Option<Arc<SourceImage>>,
    /// The mask, decoded (inpainting): white repaints.
    pub mask: Option<Arc<image::GrayImage>>,
    /// Cancellation.
    pub cancel: CancelToken,
    /// Progress reporting.
    pub progress: Arc<dyn ProgressSink>,
}
