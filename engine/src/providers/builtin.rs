//! The built-in offline engine as a provider: no network, no weights, no
//! GPU. It is the default model on a fresh install.

use std::sync::Arc;

use async_trait::async_trait;
use easel_domain::generation::{Capabilities, ModelInfo, Operation, RangeSpec, SizeRule};
use tokio::sync::mpsc;

use super::{Generated, GeneratedImage, JobContext, Provider, ProviderError};
use crate::imaging::{self, builtin};

/// The provider id.
pub const PROVIDER_ID: &str = "builtin";
/// The one model's id.
pub const MODEL_ID: &str = "builtin:easel-sketch";

/// The built-in engine.
#[derive(Debug, Clone)]
pub struct BuiltinProvider {
    concurrency: usize,
}

impl BuiltinProvider {
    /// Runs up to `concurrency` jobs at once (each uses one core).
    pub fn new(concurrency: usize) -> Self {
        Self {
            concurrency: concurrency.max(1),
        }
    }

    /// The model's capabilities.
    pub fn capabilities() -> Capabilities {
        Capabilities {
            operations: vec![Operation::Txt2img, Operation::Img2img, Operation::Inpaint],
            negative_prompt: true,
            seed: true,
            steps: Some(RangeSpec {
                min: 1.0,
                max: f64::from(builtin::MAX_STEPS),
                default: 20.0,
            }),
            sizes: SizeRule::Free {
                min: builtin::MIN_SIDE,
                max: builtin::MAX_SIDE,
                multiple_of: 8,
            },
            max_count: 8,
            max_prompt_chars: 2000,
            strength: Some(RangeSpec {
                min: 0.0,
                max: 1.0,
                default: 0.75,
            }),
            ..Capabilities::default()
        }
    }
}

#[async_trait]
impl Provider for BuiltinProvider {
    fn id(&self) -> &str {
        PROVIDER_ID
    }

    fn label(&self) -> &str {
        "Built-in, offline"
    }

    fn models(&self) -> Vec<ModelInfo> {
        vec![ModelInfo {
            id: MODEL_ID.into(),
            provider: PROVIDER_ID.into(),
            provider_label: self.label().into(),
            label: "Easel Sketch".into(),
            description: "Flat illustrations drawn on this machine's CPU from the words of the prompt. No network, weights or GPU.".into(),
            available: true,
            unavailable_reason: None,
            capabilities: Self::capabilities(),
        }]
    }

    fn concurrency(&self) -> usize {
        self.concurrency
    }

    async fn run(&self, cx: &JobContext) -> Result<Vec<Generated>, ProviderError> {
        let request = &cx.request;
        let steps = request.steps.unwrap_or(20).clamp(1, builtin::MAX_STEPS);
        let count = request.count.max(1);
        let mut images = Vec::with_capacity(count as usize);
        for index in 0..count {
            let seed = cx.seed + i64::from(index);
            let render = builtin::RenderRequest {
                prompt: request.prompt.clone(),
                negative_prompt: request.negative_prompt.clone(),
                width: request.width,
                height: request.height,
                seed: seed as u64,
                steps,
                init_image: cx.init_image.as_deref().cloned(),
                strength: request.strength.unwrap_or(0.75),
                mask: cx.mask.as_deref().cloned(),
            };
            let pixels = render_one(cx, render, index * steps, count * steps).await?;
            images.push(Generated {
                image: GeneratedImage::Pixels(pixels),
                seed: Some(seed),
                metadata: serde_json::json!({}),
            });
        }
        Ok(images)
    }
}

/// Renders one image on a blocking thread, forwarding its steps (offset
/// within the batch) to the job's progress.
async fn render_one(
    cx: &JobContext,
    render: builtin::RenderRequest,
    offset: u32,
    batch_total: u32,
) -> Result<image::RgbImage, ProviderError> {
    let (tx, mut rx) = mpsc::unbounded_channel::<(u32, Option<Vec<u8>>)>();
    let cancel = cx.cancel.clone();
    let worker = tokio::task::spawn_blocking(move || {
        builtin::render(&render, |step, total, preview| {
            // Previews for the last step of each image and then every few
            // steps: encoding is cheap, but the browser only needs ~10/s.
            let wants_preview = step == total || step % 2 == 0 || total <= 10;
            let jpeg = wants_preview
                .then(|| imaging::encode_jpeg(preview, 70).ok())
                .flatten();
            let _ = tx.send((step, jpeg));
            !cancel.is_cancelled()
        })
    });
    let progress = Arc::clone(&cx.progress);
    let forward = async move {
        while let Some((step, jpeg)) = rx.recv().await {
            progress.step(offset + step, batch_total, jpeg).await;
        }
    };
    let (result, ()) = tokio::join!(worker, forward);
    match result {
        Ok(Some(image)) => Ok(image),
        Ok(None) => Err(ProviderError::Cancelled),
        Err(err) => {
            tracing::error!(error = %err, "the built-in renderer panicked");
            Err(ProviderError::Fatal(
                "The built-in engine failed on this request.".into(),
            ))
        }
    }
}
