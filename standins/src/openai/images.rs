//! The pictures the OpenAI stand-in returns, and the `ImagesResponse` JSON
//! around them: painted from the prompt (generations), composited over the
//! input where the mask's alpha is 0 (edits), or derived from the input
//! (variations). Transparent backgrounds are real alpha.

use std::hash::{Hash, Hasher};
use std::io::Cursor;

use image::{DynamicImage, Rgb, RgbImage, Rgba, RgbaImage, imageops::FilterType};
use serde_json::{Value, json};

use super::codec;
use super::params::Endpoint;
use super::validate::{Family, Format, Job};
use crate::common;

/// The picture for image `index` of `job`, with an alpha channel when the
/// background is transparent.
pub fn render(job: &Job, index: u32) -> DynamicImage {
    let (w, h) = (job.width, job.height);
    let rgb = match job.endpoint {
        Endpoint::Generations => common::paint(&job.prompt, u64::from(index), w, h),
        Endpoint::Edits => edit(job, index),
        Endpoint::Variations => variation(job, index),
    };
    if job.transparent {
        DynamicImage::ImageRgba8(cut_out(&rgb))
    } else {
        DynamicImage::ImageRgb8(rgb)
    }
}

/// A partial image: the final picture blended with noise.
pub fn partial(job: &Job, final_image: &DynamicImage, step: u32, total: u32) -> DynamicImage {
    let blended = common::preview(&final_image.to_rgb8(), step, total, u64::from(step));
    if job.transparent {
        DynamicImage::ImageRgba8(cut_out(&blended))
    } else {
        DynamicImage::ImageRgb8(blended)
    }
}

/// The input, repainted where the mask (or, for dall-e-2 without a mask,
/// the input's own alpha) is transparent; without either, a blend of the
/// input and the prompt's painting (gpt-image edits).
fn edit(job: &Job, index: u32) -> RgbImage {
    let (w, h) = (job.width, job.height);
    let painted = common::paint(&job.prompt, u64::from(index), w, h);
    let Some(input) = job.images.first() else {
        return painted;
    };
    let base = input.resize_exact(w, h, FilterType::Nearest).to_rgba8();
    let alpha = match &job.mask {
        Some(mask) => Some(image::imageops::resize(mask, w, h, FilterType::Nearest)),
        None if job.family == Family::DallE2 => Some(base.clone()),
        None => None,
    };
    RgbImage::from_fn(w, h, |x, y| {
        let keep = base.get_pixel(x, y);
        let new = painted.get_pixel(x, y);
        match &alpha {
            Some(alpha) if alpha.get_pixel(x, y)[3] == 0 => *new,
            Some(_) => Rgb([keep[0], keep[1], keep[2]]),
            None => Rgb([0, 1, 2].map(|i| ((u16::from(keep[i]) + u16::from(new[i])) / 2) as u8)),
        }
    })
}

/// A variation: a painting seeded by the input's content, tinted by it.
fn variation(job: &Job, index: u32) -> RgbImage {
    let (w, h) = (job.width, job.height);
    let Some(input) = job.images.first() else {
        return common::paint("variation", u64::from(index), w, h);
    };
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    input.as_bytes().hash(&mut hasher);
    let seed = hasher.finish();
    let painted = common::paint(&format!("variation {seed:x}"), u64::from(index), w, h);
    let base = input.resize_exact(w, h, FilterType::Nearest).to_rgb8();
    RgbImage::from_fn(w, h, |x, y| {
        let (a, b) = (base.get_pixel(x, y), painted.get_pixel(x, y));
        Rgb([0, 1, 2].map(|i| ((u16::from(a[i]) * 3 + u16::from(b[i])) / 4) as u8))
    })
}

/// The subject (a centred ellipse) kept, the background fully transparent.
fn cut_out(rgb: &RgbImage) -> RgbaImage {
    let (w, h) = (rgb.width() as f32, rgb.height() as f32);
    RgbaImage::from_fn(rgb.width(), rgb.height(), |x, y| {
        let dx = (x as f32 + 0.5 - w / 2.0) / (w * 0.35);
        let dy = (y as f32 + 0.5 - h / 2.0) / (h * 0.35);
        let p = rgb.get_pixel(x, y);
        let alpha = if dx * dx + dy * dy <= 1.0 { 255 } else { 0 };
        Rgba([p[0], p[1], p[2], alpha])
    })
}

/// `image` encoded as `format` (with alpha where the format has it).
pub fn encode(image: &DynamicImage, format: Format) -> Vec<u8> {
    match (format, image) {
        (Format::Jpeg, _) => common::jpeg(&image.to_rgb8(), 90),
        (Format::Png, DynamicImage::ImageRgb8(rgb)) => codec::png_rgb(rgb),
        (Format::Png, other) => codec::png_rgba(&other.to_rgba8()),
        (Format::Webp, DynamicImage::ImageRgb8(rgb)) => common::webp(rgb),
        (Format::Webp, other) => write(other, image::ImageFormat::WebP),
    }
}

fn write(image: &DynamicImage, format: image::ImageFormat) -> Vec<u8> {
    let mut out = Cursor::new(Vec::new());
    if let Err(err) = image.write_to(&mut out, format) {
        tracing::warn!(error = %err, "the stand-in could not encode an image");
    }
    out.into_inner()
}

/// The content type for `format`.
pub fn content_type(format: Format) -> &'static str {
    match format {
        Format::Png => "image/png",
        Format::Jpeg => "image/jpeg",
        Format::Webp => "image/webp",
    }
}

/// What dall-e-3 says it drew instead of the prompt.
pub fn revised_prompt(prompt: &str) -> String {
    format!(
        "{prompt}, rendered in rich detail with soft natural light, a balanced composition and a gentle depth of field."
    )
}

/// gpt-image's token accounting, roughly as the real service counts.
pub fn usage(job: &Job) -> Value {
    let text_tokens = (job.prompt.chars().count() as u64).div_ceil(4).max(1);
    let image_tokens = 323 * job.images.len() as u64;
    let per_image = match job.quality.as_str() {
        "low" => 272,
        "high" => 4160,
        _ => 1056,
    };
    let scale = if job.width == job.height { 1.0 } else { 1.5 };
    let output_tokens = (per_image as f64 * scale) as u64 * u64::from(job.n);
    json!({
        "input_tokens": text_tokens + image_tokens,
        "output_tokens": output_tokens,
        "total_tokens": text_tokens + image_tokens + output_tokens,
        "input_tokens_details": {"text_tokens": text_tokens, "image_tokens": image_tokens},
        "output_tokens_details": {"image_tokens": output_tokens, "text_tokens": 0},
    })
}

/// The gpt-image fields shared by responses and stream events.
pub fn gpt_extras(job: &Job) -> Value {
    json!({
        "background": if job.transparent { "transparent" } else { "opaque" },
        "output_format": job.format.as_str(),
        "size": format!("{}x{}", job.width, job.height),
        "quality": job.quality,
    })
}
