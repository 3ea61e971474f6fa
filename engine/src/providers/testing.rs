//! Support for testing connectors without the queue: a [`JobContext`]
//! builder and a [`ProgressSink`] that records what the provider reported.
//! Used by the connector tests against the stand-in servers.

use std::sync::{Arc, Mutex, PoisonError};

use async_trait::async_trait;
use easel_domain::generation::{GenerationRequest, Seed};
use uuid::Uuid;

use super::{CancelToken, JobContext, ProgressSink, SourceImage};

/// Everything a provider reported during a run.
#[derive(Debug, Default)]
pub struct RecordedProgress {
    /// `(step, total, had a preview)` per step event.
    pub steps: Vec<(u32, u32, bool)>,
    /// The previews, in order.
    pub previews: Vec<Vec<u8>>,
    /// The remote handles saved, in order.
    pub handles: Vec<serde_json::Value>,
}

/// A [`ProgressSink`] that records. Clones share the record.
#[derive(Debug, Clone, Default)]
pub struct RecordingProgress {
    record: Arc<Mutex<RecordedProgress>>,
}

impl RecordingProgress {
    /// A fresh, empty record.
    pub fn new() -> Self {
        Self::default()
    }

    /// Reads the record.
    pub fn with<T>(&self, f: impl FnOnce(&RecordedProgress) -> T) -> T {
        f(&self.record.lock().unwrap_or_else(PoisonError::into_inner))
    }

    /// The last saved remote handle.
    pub fn last_handle(&self) -> Option<serde_json::Value> {
        self.with(|r| r.handles.last().cloned())
    }
}

#[async_trait]
impl ProgressSink for RecordingProgress {
    async fn step(&self, step: u32, total: u32, preview_jpeg: Option<Vec<u8>>) {
        let mut record = self.record.lock().unwrap_or_else(PoisonError::into_inner);
        record.steps.push((step, total, preview_jpeg.is_some()));
        if let Some(preview) = preview_jpeg {
            record.previews.push(preview);
        }
    }

    async fn save_remote_handle(&self, handle: serde_json::Value) {
        self.record
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .handles
            .push(handle);
    }
}

/// A job context for `request`, with a fresh recorder and cancel token.
/// Set `remote_handle`, `source` or `init_image` on the result as needed.
pub fn context(request: GenerationRequest) -> (JobContext, RecordingProgress) {
    let progress = RecordingProgress::new();
    let seed = match request.seed {
        Seed::Fixed(seed) => seed,
        Seed::Random => 1,
    };
    let model = request
        .model
        .split_once(':')
        .map_or("", |(_, m)| m)
        .to_owned();
    let cx = JobContext {
        job_id: Uuid::now_v7(),
        user_id: Uuid::now_v7(),
        request,
        model,
        seed,
        attempt: 1,
        remote_handle: None,
        init_image: None,
        source: None,
        mask: None,
        cancel: CancelToken::new(),
        progress: Arc::new(progress.clone()),
    };
    (cx, progress)
}

/// Gives a context a source image (decoded into `init_image` too).
pub fn with_source(
    mut cx: JobContext,
    png: Vec<u8>,
    provider_metadata: serde_json::Value,
) -> JobContext {
    let decoded = image::load_from_memory(&png).map(|img| img.to_rgb8()).ok();
    cx.init_image = decoded.map(Arc::new);
    cx.source = Some(Arc::new(SourceImage {
        id: Uuid::now_v7(),
        png,
        model: cx.request.model.clone(),
        provider_metadata,
    }));
    cx
}
