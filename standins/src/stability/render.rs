//! The pictures the Stability stand-in returns: painted from the prompt
//! and seed at the aspect ratio's size, blended with the input for
//! image-to-image, repainted under the mask for inpainting, enlarged for
//! upscales, blurred when the content filter "fires".

use image::imageops::FilterType;
use image::{DynamicImage, Rgb, RgbImage};

use super::validate::{ASPECT_RATIOS, Service, Spec};
use crate::common;
use crate::openai::codec;

/// The output image for `spec` with the resolved `seed`.
pub fn render(spec: &Spec, seed: u64, creative_pixels: u64) -> RgbImage {
    let Some(input) = spec.image.as_ref() else {
        return common::paint(&spec.prompt, seed, spec.size.0, spec.size.1);
    };
    match spec.service {
        Service::Ultra | Service::Sd3 if spec.img2img => {
            let (w, h) = nearest_aspect(input.width(), input.height());
            let painted = common::paint(&spec.prompt, seed, w, h);
            blend(&resize(input, w, h), &painted, spec.strength)
        }
        Service::Inpaint => inpaint(spec, input, seed),
        Service::UpscaleFast => resize(input, input.width() * 4, input.height() * 4),
        Service::UpscaleConservative => {
            let (w, h) = scaled_to(input, 4 * 1024 * 1024);
            resize(input, w, h)
        }
        Service::UpscaleCreative => {
            let (w, h) = scaled_to(input, creative_pixels);
            let painted = common::paint(&spec.prompt, seed, w, h);
            blend(&resize(input, w, h), &painted, spec.strength * 0.5)
        }
        _ => common::paint(&spec.prompt, seed, spec.size.0, spec.size.1),
    }
}

/// The ratio's size nearest to the input's shape (image-to-image keeps
/// the input's aspect at about one megapixel).
pub fn nearest_aspect(width: u32, height: u32) -> (u32, u32) {
    let shape = (width.max(1) as f32 / height.max(1) as f32).ln();
    ASPECT_RATIOS
        .iter()
        .min_by(|a, b| {
            let da = ((a.1 as f32 / a.2 as f32).ln() - shape).abs();
            let db = ((b.1 as f32 / b.2 as f32).ln() - shape).abs();
            da.total_cmp(&db)
        })
        .map_or((1024, 1024), |(_, w, h)| (*w, *h))
}

/// The input's size scaled to about `pixels` pixels (aspect kept).
fn scaled_to(input: &DynamicImage, pixels: u64) -> (u32, u32) {
    let area = f64::from(input.width()) * f64::from(input.height());
    let factor = (pixels as f64 / area.max(1.0)).sqrt();
    let side = |s: u32| ((f64::from(s) * factor).round() as u32).max(1);
    (side(input.width()), side(input.height()))
}

fn resize(input: &DynamicImage, width: u32, height: u32) -> RgbImage {
    // Nearest keeps unoptimised test builds quick; a stand-in needs the
    // size right, not the look.
    image::imageops::resize(&input.to_rgb8(), width, height, FilterType::Nearest)
}

fn blend(base: &RgbImage, painted: &RgbImage, amount: f32) -> RgbImage {
    let amount = amount.clamp(0.0, 1.0);
    RgbImage::from_fn(base.width(), base.height(), |x, y| {
        let (a, b) = (base.get_pixel(x, y), painted.get_pixel(x, y));
        Rgb([0, 1, 2].map(|i| (f32::from(a[i]) * (1.0 - amount) + f32::from(b[i]) * amount) as u8))
    })
}

/// The input, repainted where the mask is white (or, without a mask,
/// where the input is transparent).
fn inpaint(spec: &Spec, input: &DynamicImage, seed: u64) -> RgbImage {
    let (w, h) = (input.width(), input.height());
    let painted = common::paint(&spec.prompt, seed, w, h);
    let base = input.to_rgba8();
    let mask = spec
        .mask
        .as_ref()
        .map(|m| image::imageops::resize(m, w, h, FilterType::Nearest));
    RgbImage::from_fn(w, h, |x, y| {
        let repaint = match &mask {
            Some(mask) => mask.get_pixel(x, y)[0] >= 128,
            None => base.get_pixel(x, y)[3] == 0,
        };
        if repaint {
            *painted.get_pixel(x, y)
        } else {
            let p = base.get_pixel(x, y);
            Rgb([p[0], p[1], p[2]])
        }
    })
}

/// What the content filter leaves: the picture blurred beyond recognition.
pub fn blurred(image: &RgbImage) -> RgbImage {
    let small = image::imageops::resize(image, 8, 8, FilterType::Triangle);
    image::imageops::resize(&small, image.width(), image.height(), FilterType::Triangle)
}

/// `image` encoded as `format`.
pub fn encode(image: &RgbImage, format: &str) -> Vec<u8> {
    match format {
        "jpeg" => common::jpeg(image, 90),
        "webp" => common::webp(image),
        _ => codec::png_rgb(image),
    }
}
