//! What a provider gets while it runs a job: the request, progress
//! reporting, the remote handle, and cancellation.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

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
    cancelled: AtomicBool,
    notify: Notify,
}

impl CancelToken {
    /// A fresh, uncancelled token.
    pub fn new() -> Self {
        Self::default()
    }

    /// Cancels; wakes every waiter.
    pub fn cancel(&self) {
        self.inner.cancelled.store(true, Ordering::SeqCst);
        self.inner.notify.notify_waiters();
    }

    /// Whether [`Self::cancel`] was called.
    pub fn is_cancelled(&self) -> bool {
        self.inner.cancelled.load(Ordering::SeqCst)
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
    /// The mask, decoded (inpainting): white repaints.
    pub mask: Option<Arc<image::GrayImage>>,
    /// Cancellation.
    pub cancel: CancelToken,
    /// Progress reporting.
    pub progress: Arc<dyn ProgressSink>,
}
