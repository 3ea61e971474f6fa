//! `POST /sdapi/v1/txt2img` and `POST /sdapi/v1/img2img`: check the
//! request, decide the plan, queue on the global lock, sample, answer
//! `{images, parameters, info}` (written in `answer`).

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use image::imageops::FilterType;
use serde_json::Value;

mod answer;

use super::catalog::{self, Checkpoint, Sampler, Scheduler};
use super::errors::{ApiError, render_fault};
use super::pngtext;
use super::simulate::{self, Plan};
use super::state::Shared;
use super::validate::{self, Checked, Model};
use crate::common::{Fault, SplitMix};

/// The error A1111 raises when the sampler produced NaNs.
const NANS: &str = "A tensor with all NaNs was produced in Unet. This could be either because there's not enough precision to represent the picture, or because your video card does not support half type. Try setting the \"Upcast cross attention layer to float32\" option in Settings > Stable Diffusion or using the --no-half commandline argument to fix this. Use --disable-nan-check commandline argument to disable this check.";

/// The most images one request may ask for before the simulated GPU runs
/// out of memory.
const MAX_IMAGES: i64 = 64;

/// The version infotexts and `info` report.
pub const VERSION: &str = "v1.10.1";

/// `POST /sdapi/v1/txt2img`.
pub async fn txt2img(State(shared): State<Arc<Shared>>, body: Bytes) -> Response {
    generate(&shared, Model::Txt2img, &body).await
}

/// `POST /sdapi/v1/img2img`.
pub async fn img2img(State(shared): State<Arc<Shared>>, body: Bytes) -> Response {
    generate(&shared, Model::Img2img, &body).await
}

/// A plan plus what the answer needs.
struct Job {
    plan: Plan,
    sampler: &'static Sampler,
    scheduler: &'static Scheduler,
    cfg: f64,
    negative: String,
    fault: Option<Fault>,
}

async fn generate(shared: &Arc<Shared>, model: Model, body: &[u8]) -> Response {
    let path = match model {
        Model::Img2img => "/sdapi/v1/img2img",
        _ => "/sdapi/v1/txt2img",
    };
    let fault = shared.common.faults.take(path);
    if let Some(fault) = &fault
        && let Some(response) = render_fault(&shared.common, fault).await
    {
        return response;
    }
    let checked = match validate::check(model, body) {
        Ok(checked) => checked,
        Err(invalid) => return invalid.into_response(),
    };
    shared.record_body(path, &checked.raw);
    let job = match plan(model, &checked, fault) {
        Ok(job) => job,
        Err(err) => return err.into_response(),
    };
    // A1111 runs the job in a worker thread: a client that hangs up does
    // not stop it (nor take it out of the queue).
    let shared = Arc::clone(shared);
    let work = tokio::spawn(async move {
        let turn = shared.queue.lock().await;
        let (checkpoint, previous) = apply_override(&shared, &checked);
        let outcome = simulate::run(&shared, &job.plan, salt(&checkpoint)).await;
        if let Some(previous) = previous {
            shared.load_checkpoint(&previous);
        }
        drop(turn);
        if outcome.killed {
            return StatusCode::SERVICE_UNAVAILABLE.into_response();
        }
        if outcome.failed {
            return ApiError::exception("NansException", NANS).into_response();
        }
        answer::respond(model, &checked, &job, &checkpoint, outcome)
    });
    work.await
        .unwrap_or_else(|_| StatusCode::INTERNAL_SERVER_ERROR.into_response())
}

/// Checks what A1111 checks before queueing: the sampler, the init images
/// and the mask; resolves seeds and the task id.
fn plan(model: Model, checked: &Checked, fault: Option<Fault>) -> Result<Job, ApiError> {
    let sampler_name = checked
        .str("sampler_name")
        .or_else(|| checked.str("sampler_index"))
        .unwrap_or("Euler");
    let (sampler, scheduler) = catalog::resolve_sampler(sampler_name, checked.str("scheduler"));
    let sampler = sampler.ok_or_else(|| ApiError::http(400, "Sampler not found"))?;
    let scheduler = match (scheduler.name, sampler.default_scheduler()) {
        ("automatic", Some(default)) => catalog::find_scheduler(default).unwrap_or(scheduler),
        _ => scheduler,
    };
    let width = checked.int("width").unwrap_or(512).clamp(8, 8192) as u32;
    let height = checked.int("height").unwrap_or(512).clamp(8, 8192) as u32;
    let batch_size = checked.int("batch_size").unwrap_or(1).max(1);
    let n_iter = checked.int("n_iter").unwrap_or(1).max(1);
    if batch_size * n_iter > MAX_IMAGES || u64::from(width) * u64::from(height) > 16_777_216 {
        return Err(ApiError::exception(
            "OutOfMemoryError",
            "CUDA out of memory. Tried to allocate 24.00 GiB.",
        ));
    }
    let (init, mask) = match model {
        Model::Img2img => init_and_mask(checked, width, height)?,
        _ => (None, None),
    };
    let seed = match checked.int("seed") {
        None | Some(-1) => simulate::random_seed(),
        Some(seed) => seed,
    };
    let task_id = checked.str("force_task_id").map_or_else(
        || {
            let kind = if model == Model::Img2img {
                "img2img"
            } else {
                "txt2img"
            };
            generated_task_id(kind)
        },
        str::to_owned,
    );
    let plan = Plan {
        task_id,
        job: if model == Model::Img2img {
            "scripts_img2img"
        } else {
            "scripts_txt2img"
        },
        prompt: checked.text("prompt"),
        seed,
        batch_size: batch_size as u32,
        n_iter: n_iter as u32,
        steps: checked.int("steps").unwrap_or(50).clamp(1, 10_000) as u32,
        width,
        height,
        init,
        mask,
        denoising: checked.float("denoising_strength").unwrap_or(0.75),
        fail_halfway: fault == Some(Fault::RuntimeError),
    };
    Ok(Job {
        plan,
        sampler,
        scheduler,
        cfg: checked.float("cfg_scale").unwrap_or(7.0),
        negative: checked.text("negative_prompt"),
        fault,
    })
}

type Inputs = (Option<image::RgbImage>, Option<image::GrayImage>);

/// Decodes the first init image and the mask, resized to the output size
/// (`resize_mode` 0, "just resize"); the mask is binarised, white repaints
/// (alpha, when the mask has one), inverted when `inpainting_mask_invert`.
fn init_and_mask(checked: &Checked, width: u32, height: u32) -> Result<Inputs, ApiError> {
    let images = checked
        .fields
        .get("init_images")
        .and_then(Value::as_array)
        .ok_or_else(|| ApiError::http(404, "Init image not found"))?;
    let first = images
        .first()
        .ok_or_else(|| ApiError::exception("IndexError", "list index out of range"))?;
    let decode = |text: &Value| {
        text.as_str()
            .and_then(pngtext::decode_b64)
            .map(|(_, image)| image)
            .ok_or_else(|| ApiError::http(500, "Invalid encoded image"))
    };
    let init = decode(first)?.to_rgb8();
    let init = image::imageops::resize(&init, width, height, FilterType::Lanczos3);
    let mask = match checked.fields.get("mask") {
        Some(Value::String(text)) if !text.is_empty() => {
            let mask = decode(&Value::String(text.clone()))?;
            let gray = if mask.color().has_alpha() {
                let rgba = mask.to_rgba8();
                image::GrayImage::from_fn(rgba.width(), rgba.height(), |x, y| {
                    image::Luma([rgba.get_pixel(x, y)[3]])
                })
            } else {
                mask.to_luma8()
            };
            let invert = checked.int("inpainting_mask_invert") == Some(1);
            let resized = image::imageops::resize(&gray, width, height, FilterType::Nearest);
            Some(image::GrayImage::from_fn(width, height, |x, y| {
                let white = (resized.get_pixel(x, y)[0] >= 128) != invert;
                image::Luma([if white { 255 } else { 0 }])
            }))
        }
        _ => None,
    };
    Ok((Some(init), mask))
}

/// `task(<kind>-xxxxxxx)`, as `create_task_id` makes them.
fn generated_task_id(kind: &str) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    let mut rng = SplitMix(rand::random());
    let id: String = (0..7)
        .map(|_| ALPHABET[(rng.next_u64() % ALPHABET.len() as u64) as usize] as char)
        .collect();
    format!("task({kind}-{id})")
}

/// Applies `override_settings.sd_model_checkpoint` for this job (an
/// unknown one is silently dropped, as `process_images` does). Returns the
/// checkpoint used and, when it must be restored afterwards, the previous.
fn apply_override(shared: &Shared, checked: &Checked) -> (Checkpoint, Option<Checkpoint>) {
    let current = shared.current_checkpoint();
    let wanted = checked
        .fields
        .get("override_settings")
        .and_then(|o| o.get("sd_model_checkpoint"))
        .and_then(Value::as_str)
        .and_then(|name| shared.checkpoint(name));
    match wanted {
        Some(checkpoint) if checkpoint != current => {
            shared.load_checkpoint(&checkpoint);
            let restore = checked
                .bool("override_settings_restore_afterwards")
                .unwrap_or(true);
            (checkpoint, restore.then_some(current))
        }
        _ => (current, None),
    }
}

/// How the checkpoint changes the pictures.
fn salt(checkpoint: &Checkpoint) -> u64 {
    u64::from_str_radix(&checkpoint.hash, 16).unwrap_or(0)
}
