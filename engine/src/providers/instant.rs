//! A provider that answers at once, for benchmarks and queue tests:
//! `instant:noop` makes no image, `instant:image` one small image per job.
//! Not registered by the production server.

use async_trait::async_trait;
use easel_domain::generation::{Capabilities, ModelInfo, Operation, SizeRule};

use super::{Generated, GeneratedImage, JobContext, Provider, ProviderError};

/// An instant provider.
#[derive(Debug, Clone)]
pub struct InstantProvider {
    concurrency: usize,
}

impl InstantProvider {
    /// Runs up to `concurrency` jobs at once.
    pub fn new(concurrency: usize) -> Self {
        Self {
            concurrency: concurrency.max(1),
        }
    }
}

#[async_trait]
impl Provider for InstantProvider {
    fn id(&self) -> &str {
        "instant"
    }

    fn label(&self) -> &str {
        "Instant (benchmarks)"
    }

    fn models(&self) -> Vec<ModelInfo> {
        let caps = Capabilities {
            operations: vec![Operation::Txt2img],
            negative_prompt: true,
            seed: true,
            steps: None,
            sizes: SizeRule::Free {
                min: 8,
                max: 2048,
                multiple_of: 1,
            },
            max_count: 8,
            max_prompt_chars: 2000,
            ..Capabilities::default()
        };
        ["noop", "image"]
            .iter()
            .map(|model| ModelInfo {
                id: format!("instant:{model}"),
                provider: "instant".into(),
                provider_label: self.label().into(),
                label: (*model).into(),
                description: "Answers at once.".into(),
                available: true,
                unavailable_reason: None,
                capabilities: caps.clone(),
            })
            .collect()
    }

    fn concurrency(&self) -> usize {
        self.concurrency
    }

    async fn run(&self, cx: &JobContext) -> Result<Vec<Generated>, ProviderError> {
        if cx.model == "noop" {
            return Ok(Vec::new());
        }
        let request = &cx.request;
        let shade = (cx.seed % 251) as u8;
        let pixels = image::RgbImage::from_fn(request.width, request.height, |x, y| {
            image::Rgb([shade, (x % 256) as u8, (y % 256) as u8])
        });
        Ok((0..request.count)
            .map(|i| Generated {
                image: GeneratedImage::Pixels(pixels.clone()),
                seed: Some(cx.seed + i64::from(i)),
                metadata: serde_json::json!({}),
            })
            .collect())
    }
}
