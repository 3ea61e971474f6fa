//! txt2img, img2img and inpainting: build the request, save the handle,
//! post it while following `/progress`, and read the images and `info`.

use std::io::Cursor;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use easel_domain::generation::{Operation, Seed};
use serde::Deserialize;
use serde_json::{Value, json};
use uuid::Uuid;

use super::api::{Api, Context};
use super::catalog::{Catalog, Checkpoint};
use super::{A1111Settings, LABEL, interrupt, progress};
use crate::providers::http::malformed;
use crate::providers::{Generated, GeneratedImage, JobContext, ProviderError};

/// Whether a saved handle says its request already ended (so a later
/// attempt starts afresh instead of treating it as cut off by a restart).
pub fn finished(handle: &Value) -> bool {
    handle.get("finished").and_then(Value::as_bool) == Some(true)
}

#[derive(Debug, Deserialize)]
struct GenerationResponse {
    #[serde(default)]
    images: Vec<String>,
    #[serde(default)]
    info: Value,
}

/// The parts of `info` Easel uses.
#[derive(Debug, Default, Deserialize)]
struct Info {
    #[serde(default)]
    all_seeds: Vec<i64>,
    #[serde(default)]
    infotexts: Vec<String>,
    #[serde(default)]
    index_of_first_image: usize,
    #[serde(default)]
    sd_model_name: Option<String>,
    #[serde(default)]
    sd_model_hash: Option<String>,
    #[serde(default)]
    sampler_name: Option<String>,
}

/// Runs a generation for `cx` on the checkpoint its model names.
pub async fn run(
    api: &Api,
    settings: &A1111Settings,
    catalog: &Catalog,
    cx: &JobContext,
) -> Result<Vec<Generated>, ProviderError> {
    let checkpoint = catalog.checkpoint(&cx.model).ok_or_else(|| {
        ProviderError::Fatal(format!(
            "{LABEL} has no checkpoint named \"{}\" any more; pick another model",
            cx.model
        ))
    })?;
    let task_id = format!("task(easel-{})", Uuid::now_v7().simple());
    let (path, body) = request_body(cx, catalog, checkpoint, &task_id)?;
    cx.progress
        .save_remote_handle(json!({ "task_id": task_id }))
        .await;
    let sampler = body["sampler_name"].as_str().unwrap_or_default().to_owned();
    let context = Context {
        sampler: Some(&sampler),
    };
    let post = api.post::<GenerationResponse>(path, &body, settings.remote.timeout, &context);
    let follow = progress::follow(api, settings, cx, &task_id);
    let result = tokio::select! {
        biased;
        () = cx.cancel.cancelled() => return Err(ProviderError::Cancelled),
        result = post => result,
        never = follow => match never {},
    };
    cx.progress
        .save_remote_handle(json!({ "task_id": task_id, "finished": true }))
        .await;
    if let Err(ProviderError::Retryable { .. }) = &result {
        // A timed-out or dropped request may still be sampling: free the
        // GPU for the retry (only if it is still ours).
        interrupt::if_ours(api, &task_id).await;
    }
    read_images(result?, checkpoint, &task_id)
}

/// The endpoint and JSON body for `cx`.
fn request_body(
    cx: &JobContext,
    catalog: &Catalog,
    checkpoint: &Checkpoint,
    task_id: &str,
) -> Result<(&'static str, Value), ProviderError> {
    let request = &cx.request;
    let seed = match request.seed {
        Seed::Fixed(_) => cx.seed,
        Seed::Random => -1,
    };
    let mut body = json!({
        "prompt": request.prompt,
        "negative_prompt": request.negative_prompt,
        "seed": seed,
        "sampler_name": request.sampler.clone().unwrap_or_else(|| catalog.default_sampler()),
        "steps": request.steps.unwrap_or(20),
        "cfg_scale": rounded(request.cfg.unwrap_or(7.0)),
        "width": request.width,
        "height": request.height,
        "batch_size": request.count.max(1),
        "n_iter": 1,
        "override_settings": { "sd_model_checkpoint": checkpoint.title },
        "override_settings_restore_afterwards": true,
        "force_task_id": task_id,
        "send_images": true,
        "save_images": false,
    });
    if let Some(scheduler) = &request.scheduler {
        body["scheduler"] = scheduler.clone().into();
    }
    let operation = request.operation();
    match operation {
        Operation::Txt2img => Ok(("/sdapi/v1/txt2img", body)),
        Operation::Img2img | Operation::Inpaint => {
            body["init_images"] = json!([init_image(cx)?]);
            body["denoising_strength"] = rounded(request.strength.unwrap_or(0.75)).into();
            body["resize_mode"] = 0.into();
            if operation == Operation::Inpaint {
                body["mask"] = mask(cx)?.into();
                body["inpainting_fill"] = 1.into();
                body["inpaint_full_res"] = false.into();
                body["mask_blur"] = 4.into();
                body["inpainting_mask_invert"] = 0.into();
            }
            Ok(("/sdapi/v1/img2img", body))
        }
        other => Err(ProviderError::Fatal(format!(
            "{LABEL} cannot do {}",
            other.label().to_lowercase()
        ))),
    }
}

/// `7.1f32` as `7.1`, not `7.099999904632568`.
fn rounded(value: f32) -> f64 {
    (f64::from(value) * 1000.0).round() / 1000.0
}

/// The init image as base64: the stored PNG as it is, else the decoded
/// pixels re-encoded.
fn init_image(cx: &JobContext) -> Result<String, ProviderError> {
    if let Some(source) = &cx.source {
        return Ok(STANDARD.encode(&source.png));
    }
    let image = cx
        .init_image
        .as_ref()
        .ok_or_else(|| ProviderError::Fatal("Image to image needs a source image.".into()))?;
    encode_png(|out| image.write_to(out, image::ImageFormat::Png))
}

/// The mask as a base64 PNG (white repaints, which is A1111's convention
/// too).
fn mask(cx: &JobContext) -> Result<String, ProviderError> {
    if let Some(mask) = &cx.mask {
        return encode_png(|out| mask.write_to(out, image::ImageFormat::Png));
    }
    cx.request
        .mask_png_base64
        .as_ref()
        .map(|m| m.trim().to_owned())
        .ok_or_else(|| ProviderError::Fatal("Inpainting needs a mask.".into()))
}

fn encode_png(
    write: impl FnOnce(&mut Cursor<Vec<u8>>) -> image::ImageResult<()>,
) -> Result<String, ProviderError> {
    let mut out = Cursor::new(Vec::new());
    write(&mut out)
        .map_err(|err| ProviderError::Fatal(format!("Encoding an input image failed: {err}")))?;
    Ok(STANDARD.encode(out.into_inner()))
}

/// The images of a response, with their seeds (`info.all_seeds`) and
/// infotexts; a grid at the front (`index_of_first_image`) is skipped.
fn read_images(
    response: GenerationResponse,
    checkpoint: &Checkpoint,
    task_id: &str,
) -> Result<Vec<Generated>, ProviderError> {
    let info = parse_info(&response.info);
    if let Some(used) = &info.sd_model_name
        && *used != checkpoint.model_name
    {
        return Err(ProviderError::Fatal(format!(
            "{LABEL} generated with {used} instead of {}: it no longer has that checkpoint; pick another model",
            checkpoint.model_name
        )));
    }
    let first = info.index_of_first_image.min(response.images.len());
    let images: Vec<Generated> = response.images[first..]
        .iter()
        .enumerate()
        .map(|(i, b64)| {
            let bytes = decode_image(b64)?;
            Ok(Generated {
                image: GeneratedImage::Encoded(bytes),
                seed: info.all_seeds.get(i).copied(),
                metadata: json!({
                    "task_id": task_id,
                    "infotext": info.infotexts.get(first + i),
                    "checkpoint": checkpoint.title,
                    "model_hash": info.sd_model_hash,
                    "sampler": info.sampler_name,
                }),
            })
        })
        .collect::<Result<_, ProviderError>>()?;
    if images.is_empty() {
        return Err(ProviderError::Fatal(format!(
            "{LABEL} returned no images (the job may have been interrupted on the server)"
        )));
    }
    Ok(images)
}

/// `info` is a JSON string (some forks send the object itself).
fn parse_info(info: &Value) -> Info {
    let parsed = match info {
        Value::String(text) => serde_json::from_str(text),
        Value::Object(_) => serde_json::from_value(info.clone()),
        _ => return Info::default(),
    };
    parsed.unwrap_or_else(|err| {
        tracing::warn!(error = %err, "AUTOMATIC1111 sent an info string Easel cannot read");
        Info::default()
    })
}

/// A base64 image (a `data:` prefix is tolerated).
pub fn decode_image(text: &str) -> Result<Vec<u8>, ProviderError> {
    let payload = text
        .split_once(";base64,")
        .map_or(text, |(_, data)| data)
        .trim();
    STANDARD
        .decode(payload)
        .map_err(|_| malformed(LABEL, "an image is not valid base64"))
}
