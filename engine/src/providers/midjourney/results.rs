//! A finished task's images: a grid split into four gallery images, or an
//! upscale as it was sent.

use easel_domain::generation::{Operation, Seed};
use image::RgbImage;
use serde_json::{Value, json};

use super::LABEL;
use super::api::{Api, Task};
use super::operations::Started;
use crate::imaging::{self, DecodeLimits};
use crate::providers::{Generated, GeneratedImage, JobContext, ProviderError};

/// The images of a `SUCCESS` task.
pub async fn collect(
    api: &Api,
    cx: &JobContext,
    started: &Started,
    task: Task,
) -> Result<Vec<Generated>, ProviderError> {
    let url = task
        .image_url
        .clone()
        .filter(|u| !u.is_empty())
        .ok_or_else(|| {
            ProviderError::Fatal(format!("{LABEL} finished the task without an image"))
        })?;
    let bytes = api.download(&url).await?;
    let action = task
        .action
        .clone()
        .unwrap_or_else(|| started.action.clone());
    let seed = seed(cx, &task);
    let base = json!({
        "task_id": started.task_id,
        "action": action,
        "buttons": task.buttons.clone().unwrap_or_default(),
        "final_prompt": task.properties.as_ref().and_then(|p| p.get("finalPrompt")).cloned(),
        "image_url": url,
    });
    if action == "UPSCALE" {
        let mut metadata = base;
        let (parent, index) = started.parent.clone().unwrap_or_default();
        metadata["index"] = index.max(1).into();
        metadata["parent_task_id"] = parent.into();
        cx.progress.step(100, 100, None).await;
        return Ok(vec![Generated {
            image: GeneratedImage::Encoded(bytes),
            seed,
            metadata,
        }]);
    }
    let quadrants = split(bytes).await?;
    cx.progress.step(100, 100, None).await;
    Ok(quadrants
        .into_iter()
        .enumerate()
        .map(|(i, pixels)| {
            let mut metadata = base.clone();
            metadata["index"] = (i + 1).into();
            Generated {
                image: GeneratedImage::Pixels(pixels),
                seed,
                metadata,
            }
        })
        .collect())
}

/// The grid's seed: the one Easel sent with `--seed` (text to image), else
/// the one trueai reports, if any.
fn seed(cx: &JobContext, task: &Task) -> Option<i64> {
    let imagine = cx.request.operation() == Operation::Txt2img;
    if imagine && let Seed::Fixed(_) = cx.request.seed {
        return Some(cx.seed);
    }
    match &task.seed {
        Some(Value::Number(n)) => n.as_i64(),
        Some(Value::String(s)) => s.trim().parse().ok(),
        _ => None,
    }
}

/// Decodes a grid (with limits) and cuts it into its quadrants: 1
/// top-left, 2 top-right, 3 bottom-left, 4 bottom-right.
async fn split(bytes: Vec<u8>) -> Result<Vec<RgbImage>, ProviderError> {
    tokio::task::spawn_blocking(move || {
        let grid = imaging::decode(&bytes, &DecodeLimits::default())
            .map_err(|err| {
                ProviderError::Fatal(format!("{LABEL} sent a grid image Easel cannot use: {err}"))
            })?
            .to_rgb8();
        Ok(quadrants(&grid))
    })
    .await
    .map_err(|_| ProviderError::Fatal("Splitting the Midjourney grid failed.".into()))?
}

/// The four quadrants of a grid.
pub fn quadrants(grid: &RgbImage) -> Vec<RgbImage> {
    let (w, h) = (grid.width() / 2, grid.height() / 2);
    (0..4)
        .map(|k| {
            image::imageops::crop_imm(grid, k % 2 * w, k / 2 * h, w.max(1), h.max(1)).to_image()
        })
        .collect()
}
