//! Style preview thumbnails, drawn by the built-in engine and cached on
//! disk: one small JPEG per distinct prompt, made on first request (each
//! at most once at a time, however many pages ask together).

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use sha2::{Digest, Sha256};
use tokio::sync::Mutex;

use super::builtin::{self, RenderRequest};
use super::{ImagingError, encode_jpeg};

/// Bump when the renderer changes, so stale previews are redrawn.
const RENDER_VERSION: &str = "1";
/// Preview side, in pixels.
pub const PREVIEW_SIDE: u32 = 256;

/// A rendered preview.
#[derive(Debug, Clone)]
pub struct Preview {
    /// The JPEG.
    pub jpeg: Vec<u8>,
    /// A strong ETag (the prompt's hash).
    pub etag: String,
}

/// The preview cache. Cheap to clone.
#[derive(Debug, Clone)]
pub struct StylePreviews {
    dir: PathBuf,
    inflight: Arc<Mutex<HashMap<String, Arc<Mutex<()>>>>>,
}

impl StylePreviews {
    /// A cache in `dir` (created on first write).
    pub fn new(dir: PathBuf) -> Self {
        Self {
            dir,
            inflight: Arc::default(),
        }
    }

    /// The preview of `prompt`: from disk, or drawn now (on a blocking
    /// thread) and stored.
    pub async fn preview(&self, prompt: &str) -> Result<Preview, ImagingError> {
        let key = hex::encode(Sha256::digest(format!("{RENDER_VERSION}\n{prompt}")));
        let path = self.dir.join(format!("{key}.jpg"));
        let etag = format!("\"{}\"", &key[..32]);
        if let Ok(jpeg) = tokio::fs::read(&path).await {
            return Ok(Preview { jpeg, etag });
        }
        let gate = {
            let mut inflight = self.inflight.lock().await;
            Arc::clone(inflight.entry(key.clone()).or_default())
        };
        let _drawing = gate.lock().await;
        if let Ok(jpeg) = tokio::fs::read(&path).await {
            return Ok(Preview { jpeg, etag });
        }
        let request = RenderRequest::new(prompt, PREVIEW_SIDE, PREVIEW_SIDE, 7, 1);
        let jpeg = tokio::task::spawn_blocking(move || {
            let image = builtin::render(&request, |_, _, _| true)
                .ok_or_else(|| ImagingError::Encode("the preview render stopped".into()))?;
            encode_jpeg(&image, 84)
        })
        .await
        .map_err(|_| ImagingError::Encode("the preview renderer panicked".into()))??;
        if let Err(err) = self.write(&path, &jpeg).await {
            tracing::warn!(error = %err, "could not cache a style preview");
        }
        self.inflight.lock().await.remove(&key);
        Ok(Preview { jpeg, etag })
    }

    async fn write(&self, path: &std::path::Path, jpeg: &[u8]) -> std::io::Result<()> {
        tokio::fs::create_dir_all(&self.dir).await?;
        let temp = path.with_extension(format!("tmp-{}", uuid::Uuid::new_v4().simple()));
        tokio::fs::write(&temp, jpeg).await?;
        tokio::fs::rename(&temp, path).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn previews_are_drawn_once_then_read_from_disk() {
        let dir = tempfile::tempdir().expect("temp dir");
        let previews = StylePreviews::new(dir.path().join("previews"));
        let first = previews
            .preview("a lighthouse by the sea at sunset, watercolor")
            .await
            .expect("drawn");
        let decoded = image::load_from_memory(&first.jpeg).expect("a JPEG");
        assert_eq!(
            (decoded.width(), decoded.height()),
            (PREVIEW_SIDE, PREVIEW_SIDE)
        );
        let files: Vec<_> = std::fs::read_dir(dir.path().join("previews"))
            .expect("cache dir")
            .collect();
        assert_eq!(files.len(), 1);
        let again = previews
            .preview("a lighthouse by the sea at sunset, watercolor")
            .await
            .expect("cached");
        assert_eq!(again.jpeg, first.jpeg);
        assert_eq!(again.etag, first.etag);
        let other = previews
            .preview("a lighthouse by the sea at sunset, neon")
            .await
            .expect("drawn");
        assert_ne!(other.jpeg, first.jpeg);
        assert_ne!(other.etag, first.etag);
    }
}
