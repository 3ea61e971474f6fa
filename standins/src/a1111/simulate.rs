//! The simulated sampling loop, run under the global lock.
//!
//! A job has `n_iter` iterations of `batch_size` images each; every
//! iteration samples its whole batch together over `steps` steps (so
//! `/progress` shows `job_no` of `job_count` = `n_iter`, and
//! `sampling_step` of `sampling_steps`).
//!
//! "The images made so far" after `/interrupt`, as A1111's k-diffusion
//! samplers do it: the iteration that was sampling stops at the current
//! step and its whole batch is decoded from the half-denoised latents (here:
//! the target blended with noise at that step); earlier iterations are
//! complete; later ones never start. `/skip` ends only the current
//! iteration that way, and the next one starts. Inpainting keeps the
//! original pixels outside the mask in every case, as A1111's overlay does.

use std::time::Instant;

use image::{GrayImage, RgbImage};

use super::pngtext;
use super::state::Shared;
use crate::common::{self, SplitMix};

/// What one generation will do (decided before it queues).
#[derive(Debug, Clone)]
pub struct Plan {
    /// `force_task_id`, or a generated `task(...)` id.
    pub task_id: String,
    /// `scripts_txt2img` or `scripts_img2img`.
    pub job: &'static str,
    /// The prompt.
    pub prompt: String,
    /// The first image's seed (resolved from -1).
    pub seed: i64,
    /// Images per iteration.
    pub batch_size: u32,
    /// Iterations.
    pub n_iter: u32,
    /// Steps per iteration.
    pub steps: u32,
    /// Output width.
    pub width: u32,
    /// Output height.
    pub height: u32,
    /// The init image, resized to the output size (img2img).
    pub init: Option<RgbImage>,
    /// The mask, resized and binarised, white = repaint (inpainting).
    pub mask: Option<GrayImage>,
    /// How far to move from the init image.
    pub denoising: f64,
    /// Fail with a `NansException` half-way (the `RuntimeError` fault).
    pub fail_halfway: bool,
}

/// How a run ended.
#[derive(Debug, Default)]
pub struct Outcome {
    /// The images made, in order.
    pub images: Vec<RgbImage>,
    /// The sampler gave NaNs half-way.
    pub failed: bool,
    /// The stand-in was killed while it ran.
    pub killed: bool,
}

/// Runs `plan` with the model salt `salt`, updating `shared.state`.
pub async fn run(shared: &Shared, plan: &Plan, salt: u64) -> Outcome {
    begin(shared, plan);
    let mut outcome = Outcome::default();
    for iteration in 0..plan.n_iter {
        {
            let mut state = shared.job();
            if state.interrupted {
                break;
            }
            state.skipped = false;
            state.job_no = i64::from(iteration);
            state.sampling_step = 0;
            state.sampling_steps = i64::from(plan.steps);
        }
        let first = u64::from(iteration) * u64::from(plan.batch_size);
        let seeds: Vec<i64> = (0..u64::from(plan.batch_size))
            .map(|b| plan.seed + (first + b) as i64)
            .collect();
        let targets: Vec<RgbImage> = seeds.iter().map(|&s| target(plan, s, salt)).collect();
        let done = match sample(shared, plan, &targets, &seeds).await {
            Sampled::Steps(done) => done,
            Sampled::Failed => {
                outcome.failed = true;
                break;
            }
            Sampled::Killed => {
                outcome.killed = true;
                break;
            }
        };
        for (raw, &seed) in targets.iter().zip(&seeds) {
            outcome.images.push(finish(plan, raw, seed, done));
        }
    }
    end(shared);
    outcome
}

enum Sampled {
    Steps(u32),
    Failed,
    Killed,
}

/// Samples one iteration; returns the steps done.
async fn sample(shared: &Shared, plan: &Plan, targets: &[RgbImage], seeds: &[i64]) -> Sampled {
    let mut pokes = shared.pokes.subscribe();
    let mut done = 0;
    for step in 1..=plan.steps {
        pokes.borrow_and_update();
        tokio::select! {
            () = tokio::time::sleep(shared.settings.step) => {}
            () = shared.common.killed() => return Sampled::Killed,
        }
        if shared.settings.step_on_poll && !stopping(shared) && !pokes.has_changed().unwrap_or(true)
        {
            tokio::select! {
                _ = pokes.changed() => {}
                () = shared.common.killed() => return Sampled::Killed,
            }
        }
        if stopping(shared) {
            break;
        }
        if plan.fail_halfway && step > plan.steps / 2 {
            return Sampled::Failed;
        }
        done = step;
        let preview =
            wants_preview(shared, step).then(|| live_preview(targets, seeds, step, plan.steps));
        let mut state = shared.job();
        state.sampling_step = i64::from(step);
        if let Some(preview) = preview {
            state.current_image = Some(preview);
        }
    }
    Sampled::Steps(done)
}

fn stopping(shared: &Shared) -> bool {
    let state = shared.job();
    state.interrupted || state.skipped
}

fn wants_preview(shared: &Shared, step: u32) -> bool {
    let every = shared
        .option_int("show_progress_every_n_steps")
        .unwrap_or(10);
    shared.option_bool("live_previews_enable") && every > 0 && i64::from(step) % every == 0
}

/// `shared.state.begin(job)` plus `start_task(task_id)`.
fn begin(shared: &Shared, plan: &Plan) {
    let mut state = shared.job();
    state.job = plan.job.to_owned();
    state.job_count = i64::from(plan.n_iter);
    state.job_no = 0;
    state.job_timestamp = chrono::Local::now().format("%Y%m%d%H%M%S").to_string();
    state.sampling_step = 0;
    state.sampling_steps = i64::from(plan.steps);
    state.skipped = false;
    state.interrupted = false;
    state.current_task = Some(plan.task_id.clone());
    state.current_image = None;
    state.time_start = Instant::now();
}

/// `finish_task` plus `shared.state.end()`.
fn end(shared: &Shared) {
    let mut state = shared.job();
    state.job.clear();
    state.job_count = 0;
    state.current_task = None;
}

/// The fully denoised image for `seed`: the painting, pulled towards the
/// init image for img2img (by `1 - denoising`).
fn target(plan: &Plan, seed: i64, salt: u64) -> RgbImage {
    let painted = common::paint(&plan.prompt, (seed as u64) ^ salt, plan.width, plan.height);
    match &plan.init {
        Some(init) => blend(init, &painted, plan.denoising),
        None => painted,
    }
}

/// The image as decoded after `done` of the plan's steps, with the
/// original kept outside the mask.
fn finish(plan: &Plan, raw: &RgbImage, seed: i64, done: u32) -> RgbImage {
    let image = if done >= plan.steps {
        raw.clone()
    } else {
        common::preview(raw, done, plan.steps, seed as u64)
    };
    match (&plan.init, &plan.mask) {
        (Some(init), Some(mask)) => overlay(init, &image, mask),
        _ => image,
    }
}

/// A live preview: the batch's previews in a grid, as a base64 PNG.
fn live_preview(targets: &[RgbImage], seeds: &[i64], step: u32, steps: u32) -> String {
    let previews: Vec<RgbImage> = targets
        .iter()
        .zip(seeds)
        .map(|(t, &s)| common::preview(t, step, steps, s as u64))
        .collect();
    pngtext::encode_b64(&grid(&previews), &[])
}

/// Images side by side in rows (A1111's `image_grid` for batches).
pub fn grid(images: &[RgbImage]) -> RgbImage {
    let Some(first) = images.first() else {
        return RgbImage::new(1, 1);
    };
    if images.len() == 1 {
        return first.clone();
    }
    let cols = (images.len() as f64).sqrt().ceil() as u32;
    let rows = (images.len() as u32).div_ceil(cols);
    let (w, h) = first.dimensions();
    let mut out = RgbImage::new(w * cols, h * rows);
    for (index, image) in images.iter().enumerate() {
        let (col, row) = (index as u32 % cols, index as u32 / cols);
        image::imageops::overlay(&mut out, image, i64::from(col * w), i64::from(row * h));
    }
    out
}

fn blend(init: &RgbImage, painted: &RgbImage, amount: f64) -> RgbImage {
    let amount = amount.clamp(0.0, 1.0) as f32;
    RgbImage::from_fn(painted.width(), painted.height(), |x, y| {
        let (a, b) = (init.get_pixel(x, y), painted.get_pixel(x, y));
        image::Rgb([0, 1, 2].map(|i| (a[i] as f32 * (1.0 - amount) + b[i] as f32 * amount) as u8))
    })
}

fn overlay(init: &RgbImage, generated: &RgbImage, mask: &GrayImage) -> RgbImage {
    RgbImage::from_fn(generated.width(), generated.height(), |x, y| {
        if mask.get_pixel(x, y)[0] >= 128 {
            *generated.get_pixel(x, y)
        } else {
            *init.get_pixel(x, y)
        }
    })
}

/// A random seed as `get_fixed_seed(-1)` picks one.
pub fn random_seed() -> i64 {
    let mut rng = SplitMix(rand::random());
    (rng.next_u64() % 4_294_967_294) as i64
}
