//! The step loop. A render's work is a sequence of phases (paint every
//! layer, then each pass of each style filter), each over every row; the
//! steps split that sequence evenly, so each step does a real share of the
//! painting. Step one also paints the whole scene small: that coarse image
//! stands in, blurred and noisy, for rows the full-size painting has not
//! reached yet, much as a diffusion model's early steps show a noisy blur.
//! Noise and blur fade with every step, and finished rows replace the stand-in,
//! so previews converge on the final image; the last preview is the
//! downscaled final image itself.

use std::ops::Range;

use image::{GrayImage, RgbImage, imageops};

use super::canvas::Canvas;
use super::color::Rgb;
use super::compose::{Plan, plan};
use super::rng::{combine, lattice};
use super::scene::Scene;
use super::style::Buffers;
use crate::imaging::resample::{Downscaler, downscale};
use crate::imaging::{fit_within, thumbnail};

/// Longest side of a preview.
pub(crate) const PREVIEW_SIDE: u32 = 256;

/// How far a finished render moves from the init image, per pixel.
#[derive(Debug)]
struct Blend {
    init: RgbImage,
    mask: Option<GrayImage>,
    strength: f32,
}

impl Blend {
    /// The final bytes of a pixel: the target moved from the init image.
    fn pixel(&self, x: u32, y: u32, target: Rgb) -> [u8; 3] {
        let init = self.init.get_pixel(x, y).0;
        let amount = self.strength
            * self
                .mask
                .as_ref()
                .map_or(1.0, |m| f32::from(m.get_pixel(x, y).0[0]) / 255.0);
        if amount <= 0.0 {
            return init;
        }
        if amount >= 1.0 {
            return target.to_bytes();
        }
        Rgb::from_bytes(init).mix(target, amount).to_bytes()
    }

    /// The same blend for a smaller image.
    fn resized(&self, width: u32, height: u32) -> Blend {
        Blend {
            init: downscale(&self.init, width, height),
            mask: self
                .mask
                .as_ref()
                .map(|m| imageops::resize(m, width, height, imageops::FilterType::Triangle)),
            strength: self.strength,
        }
    }
}

/// The inputs of a render, validated.
#[derive(Debug)]
pub(crate) struct Job<'a> {
    pub(crate) scene: &'a Scene,
    pub(crate) seed: u64,
    pub(crate) width: u32,
    pub(crate) height: u32,
    pub(crate) steps: u32,
    pub(crate) init: Option<&'a RgbImage>,
    pub(crate) mask: Option<&'a GrayImage>,
    pub(crate) strength: f32,
}

/// The image to start from, resized to the render's size.
fn blend_for(job: &Job<'_>) -> Option<Blend> {
    let init = job.init?;
    let (w, h) = (job.width, job.height);
    let init = if init.dimensions() == (w, h) {
        init.clone()
    } else {
        imageops::resize(init, w, h, imageops::FilterType::Triangle)
    };
    let mask = job.mask.map(|m| {
        if m.dimensions() == (w, h) {
            m.clone()
        } else {
            imageops::resize(m, w, h, imageops::FilterType::Triangle)
        }
    });
    let strength = if job.strength.is_nan() {
        1.0
    } else {
        job.strength.clamp(0.0, 1.0)
    };
    Some(Blend {
        init,
        mask,
        strength,
    })
}

/// Runs one phase (0: the layers; then filter passes) over `rows`.
fn run_phase(
    plan: &Plan,
    phase: usize,
    rows: Range<u32>,
    canvas: &mut Canvas,
    buffers: &mut Buffers,
) {
    if phase == 0 {
        canvas.set_band(rows);
        for layer in &plan.layers {
            layer.draw(canvas, &plan.ctx);
        }
        return;
    }
    let mut index = phase - 1;
    for filter in &plan.filters {
        if index < filter.passes() {
            filter.run(index, rows, canvas, buffers, &plan.ctx);
            return;
        }
        index -= filter.passes();
    }
}

/// Writes finished canvas rows into the output, blended with the init image.
fn finish_rows(canvas: &Canvas, rows: Range<u32>, blend: Option<&Blend>, output: &mut RgbImage) {
    for y in rows {
        for x in 0..canvas.width {
            let target = canvas.pixels[(y * canvas.width + x) as usize];
            let bytes = match blend {
                Some(blend) => blend.pixel(x, y, target),
                None => target.to_bytes(),
            };
            output.put_pixel(x, y, image::Rgb(bytes));
        }
    }
}

/// Paints a whole scene at once (used for the small stand-in image).
fn paint_at_once(
    scene: &Scene,
    seed: u64,
    width: u32,
    height: u32,
    blend: Option<&Blend>,
) -> RgbImage {
    let plan = plan(scene, seed, width, height);
    let mut canvas = Canvas::new(width, height, Rgb::BLACK);
    let mut buffers = Buffers::default();
    let phases = 1 + plan.filters.iter().map(|f| f.passes()).sum::<usize>();
    for phase in 0..phases {
        run_phase(&plan, phase, 0..height, &mut canvas, &mut buffers);
    }
    let mut output = RgbImage::new(width, height);
    finish_rows(&canvas, 0..height, blend, &mut output);
    output
}

/// Renders a job, calling `on_step` after every step; `None` if cancelled.
pub(crate) fn run(
    job: &Job<'_>,
    mut on_step: impl FnMut(u32, u32, &RgbImage) -> bool,
) -> Option<RgbImage> {
    let (width, height, steps) = (job.width, job.height, job.steps);
    let blend = blend_for(job);
    let (pw, ph) = fit_within(width, height, PREVIEW_SIDE);
    let small_blend = blend.as_ref().map(|b| b.resized(pw, ph));
    let coarse = paint_at_once(job.scene, job.seed, pw, ph, small_blend.as_ref());
    let plan = plan(job.scene, job.seed, width, height);
    let mut canvas = Canvas::new(width, height, Rgb::BLACK);
    let mut buffers = Buffers::default();
    let phases = 1 + plan.filters.iter().map(|f| f.passes()).sum::<usize>();
    let total = u64::from(height) * phases as u64;
    let mut output = RgbImage::new(width, height);
    let mut scaler = Downscaler::new((width, height), (pw, ph));
    let noise_seed = combine(job.seed, 0x7072_6576);
    for step in 1..=steps {
        let start = total * u64::from(step - 1) / u64::from(steps);
        let end = total * u64::from(step) / u64::from(steps);
        let mut unit = start;
        while unit < end {
            let phase = (unit / u64::from(height)) as usize;
            let row = (unit % u64::from(height)) as u32;
            let last_row = (u64::from(row) + (end - unit)).min(u64::from(height)) as u32;
            run_phase(&plan, phase, row..last_row, &mut canvas, &mut buffers);
            if phase + 1 == phases {
                finish_rows(&canvas, row..last_row, blend.as_ref(), &mut output);
                scaler.update(&output, row..last_row);
            }
            unit += u64::from(last_row - row);
        }
        let preview = if step == steps {
            thumbnail(&output, PREVIEW_SIDE)
        } else {
            noisy_preview(&scaler, &coarse, step as f32 / steps as f32, noise_seed)
        };
        if !on_step(step, steps, &preview) {
            return None;
        }
    }
    Some(output)
}

/// An intermediate preview: finished rows from the full render, the rest
/// from the blurred stand-in, all under noise that fades as `progress`
/// goes to 1.
fn noisy_preview(scaler: &Downscaler, coarse: &RgbImage, progress: f32, seed: u64) -> RgbImage {
    let remaining = 1.0 - progress;
    let radius = (remaining * remaining * 7.0).round() as u32;
    let blurred = if radius > 0 {
        imageops::blur(coarse, radius as f32 * 0.6)
    } else {
        coarse.clone()
    };
    let sigma = 110.0 * remaining.powf(1.6);
    let done = scaler.output();
    let mut preview = RgbImage::new(coarse.width(), coarse.height());
    for (x, y, pixel) in preview.enumerate_pixels_mut() {
        let source = if scaler.is_ready(y) {
            done.get_pixel(x, y)
        } else {
            blurred.get_pixel(x, y)
        };
        for c in 0..3 {
            let n = lattice(seed ^ c as u64, i64::from(x), i64::from(y)) - 0.5;
            pixel.0[c] = (f32::from(source.0[c]) + n * sigma)
                .round()
                .clamp(0.0, 255.0) as u8;
        }
    }
    preview
}
