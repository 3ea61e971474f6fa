//! From a job to the graph to queue: Easel's templates per operation, or a
//! user workflow with the request's parameters filled in; uploads first.

use easel_domain::generation::Operation;
use serde_json::{Value, json};

use super::templates::{self, Sampling, Upscale, hundredths};
use super::{ComfyUiProvider, LABEL, WorkflowTemplate, images};
use crate::imaging::DecodeLimits;
use crate::providers::{JobContext, ProviderError};

/// Default img2img strength (A1111's default denoising strength; ComfyUI's
/// KSampler defaults to 1.0, which ignores the init image).
pub(super) const DEFAULT_STRENGTH: f64 = 0.75;

/// The workflow a job's model names, if it is one.
pub(super) fn workflow<'p>(
    provider: &'p ComfyUiProvider,
    cx: &JobContext,
) -> Result<Option<&'p WorkflowTemplate>, ProviderError> {
    let Some(name) = cx.model.strip_prefix("workflow/") else {
        return Ok(None);
    };
    let found = provider.settings.workflows.iter().find(|w| w.name == name);
    // A checkpoint may live in a folder named "workflow".
    if found.is_none() && provider.catalog().checkpoints.contains(&cx.model) {
        return Ok(None);
    }
    found.map(Some).ok_or_else(|| {
        ProviderError::Fatal(format!(
            "No {LABEL} workflow named \"{name}\" is configured in Easel"
        ))
    })
}

/// The graph for `cx`, after uploading what it loads.
pub(super) async fn graph(
    provider: &ComfyUiProvider,
    cx: &JobContext,
) -> Result<Value, ProviderError> {
    if let Some(workflow) = workflow(provider, cx)? {
        return workflow_graph(provider, cx, workflow).await;
    }
    let sampling = sampling(provider, cx);
    match cx.request.operation() {
        Operation::Txt2img => Ok(templates::txt2img(&sampling)),
        Operation::Img2img => {
            let name = upload(provider, cx, "", images::init_png(cx).await?).await?;
            let strength = cx.request.strength.map_or(DEFAULT_STRENGTH, f64::from);
            Ok(templates::img2img(&sampling, &name, strength))
        }
        Operation::Inpaint => {
            let name = upload(provider, cx, "-inpaint", images::inpaint_png(cx).await?).await?;
            Ok(templates::inpaint(&sampling, &name))
        }
        Operation::Upscale => upscale_graph(provider, cx).await,
        Operation::Variations => Err(ProviderError::Fatal(format!(
            "{LABEL} models in Easel do not make variations; use image to image instead"
        ))),
    }
}

fn sampling(provider: &ComfyUiProvider, cx: &JobContext) -> Sampling {
    let request = &cx.request;
    let catalog = provider.catalog();
    Sampling {
        checkpoint: cx.model.clone(),
        prompt: request.prompt.clone(),
        negative: request.negative_prompt.clone(),
        seed: seed(cx),
        steps: request.steps.unwrap_or(catalog.default_steps as u32).max(1),
        cfg: request.cfg.map_or(catalog.default_cfg, f64::from),
        sampler: request
            .sampler
            .clone()
            .unwrap_or_else(|| catalog.default_sampler()),
        scheduler: request
            .scheduler
            .clone()
            .unwrap_or_else(|| catalog.default_scheduler()),
        width: request.width,
        height: request.height,
        batch: request.count.max(1),
        prefix: provider.settings.filename_prefix.clone(),
    }
}

/// The first image's seed (ComfyUI seeds are unsigned).
pub(super) fn seed(cx: &JobContext) -> u64 {
    u64::try_from(cx.seed).unwrap_or(0)
}

/// Uploads `png` as `easel-<job id><suffix>.png`; identical bytes (a retry)
/// reuse the file ComfyUI already has.
async fn upload(
    provider: &ComfyUiProvider,
    cx: &JobContext,
    suffix: &str,
    png: Vec<u8>,
) -> Result<String, ProviderError> {
    let filename = format!("easel-{}{suffix}.png", cx.job_id);
    provider.api.upload(&filename, png).await
}

async fn upscale_graph(
    provider: &ComfyUiProvider,
    cx: &JobContext,
) -> Result<Value, ProviderError> {
    let factor = cx.request.upscale_factor.unwrap_or(2);
    let (width, height) = images::source_size(cx)?;
    let limits = DecodeLimits::default();
    let (out_w, out_h) = (
        u64::from(width) * u64::from(factor),
        u64::from(height) * u64::from(factor),
    );
    if out_w > u64::from(limits.max_width)
        || out_h > u64::from(limits.max_height)
        || out_w * out_h > limits.max_pixels
    {
        return Err(ProviderError::Fatal(format!(
            "Upscaling {width}x{height} by {factor}x would make {out_w}x{out_h}, larger than Easel accepts"
        )));
    }
    let image = upload(provider, cx, "-upscale", images::source_png(cx).await?).await?;
    let settings = &provider.settings;
    let model = settings.upscale_model.clone().map(|name| {
        let scale = settings
            .upscale_model_scale
            .unwrap_or_else(|| scale_of(&name));
        (name, scale)
    });
    Ok(templates::upscale(&Upscale {
        image,
        factor,
        model,
        prefix: settings.filename_prefix.clone(),
    }))
}

/// The scale an upscale model's name announces (`4x-…`, `…_x2plus`), else 4.
fn scale_of(name: &str) -> u32 {
    let lower = name.to_ascii_lowercase();
    let digit_next_to_x = |i: usize| {
        let bytes = lower.as_bytes();
        let before = i.checked_sub(1).map(|j| bytes[j]);
        let after = bytes.get(i + 1).copied();
        before
            .filter(u8::is_ascii_digit)
            .or(after.filter(u8::is_ascii_digit))
    };
    lower
        .char_indices()
        .filter(|(_, c)| *c == 'x')
        .find_map(|(i, _)| digit_next_to_x(i))
        .map_or(4, |d| u32::from(d - b'0').max(1))
}

async fn workflow_graph(
    provider: &ComfyUiProvider,
    cx: &JobContext,
    workflow: &WorkflowTemplate,
) -> Result<Value, ProviderError> {
    let request = &cx.request;
    let mut values: Vec<(&'static str, Value)> = vec![
        ("prompt", json!(request.prompt)),
        ("negative_prompt", json!(request.negative_prompt)),
        ("seed", json!(seed(cx))),
        ("width", json!(request.width)),
        ("height", json!(request.height)),
        ("batch_size", json!(request.count.max(1))),
    ];
    let optional = [
        ("steps", request.steps.map(|s| json!(s))),
        ("cfg", request.cfg.map(|c| json!(hundredths(f64::from(c))))),
        ("sampler", request.sampler.as_ref().map(|s| json!(s))),
        ("scheduler", request.scheduler.as_ref().map(|s| json!(s))),
        (
            "denoise",
            request.strength.map(|s| json!(hundredths(f64::from(s)))),
        ),
    ];
    values.extend(optional.into_iter().filter_map(|(k, v)| v.map(|v| (k, v))));
    if workflow.inputs.init_image.is_some() {
        let png = if workflow.uses_mask() {
            images::inpaint_png(cx).await?
        } else {
            images::init_png(cx).await?
        };
        values.push(("init_image", json!(upload(provider, cx, "", png).await?)));
    }
    Ok(workflow.fill(&values))
}

#[cfg(test)]
mod tests {
    use super::scale_of;

    #[test]
    fn upscale_model_names_announce_their_scale() {
        assert_eq!(scale_of("4x-UltraSharp.pth"), 4);
        assert_eq!(scale_of("RealESRGAN_x2plus.pth"), 2);
        assert_eq!(scale_of("model.pth"), 4);
    }
}
