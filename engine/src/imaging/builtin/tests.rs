mod img2img;
mod interpret;
mod pixels;
mod progress;
mod samples;

use image::RgbImage;

use super::{RenderRequest, render};

/// Renders a text-to-image request to the end.
fn draw(prompt: &str, negative: &str, width: u32, height: u32, seed: u64) -> RgbImage {
    let mut request = RenderRequest::new(prompt, width, height, seed, 8);
    request.negative_prompt = negative.to_owned();
    render(&request, |_, _, _| true).expect("not cancelled")
}

/// Mean absolute difference per channel, 0..=255.
fn mean_abs_diff(a: &RgbImage, b: &RgbImage) -> f64 {
    assert_eq!(a.dimensions(), b.dimensions());
    let total: u64 = a
        .as_raw()
        .iter()
        .zip(b.as_raw())
        .map(|(x, y)| u64::from(x.abs_diff(*y)))
        .sum();
    total as f64 / a.as_raw().len() as f64
}

/// Mean luma, 0..=255.
fn mean_luma(image: &RgbImage) -> f64 {
    let total: f64 = image
        .pixels()
        .map(|p| 0.2126 * f64::from(p[0]) + 0.7152 * f64::from(p[1]) + 0.0722 * f64::from(p[2]))
        .sum();
    total / f64::from(image.width() * image.height())
}

/// Hue in degrees, saturation and value of a pixel.
fn hsv(p: &image::Rgb<u8>) -> (f32, f32, f32) {
    let [r, g, b] = p.0.map(|c| f32::from(c) / 255.0);
    let max = r.max(g).max(b);
    let min = r.min(g).min(b);
    let delta = max - min;
    let hue = if delta == 0.0 {
        0.0
    } else if max == r {
        60.0 * ((g - b) / delta).rem_euclid(6.0)
    } else if max == g {
        60.0 * ((b - r) / delta + 2.0)
    } else {
        60.0 * ((r - g) / delta + 4.0)
    };
    (hue, if max == 0.0 { 0.0 } else { delta / max }, max)
}

/// Whether a pixel reads as strongly red.
fn is_red(p: &image::Rgb<u8>) -> bool {
    let (h, s, v) = hsv(p);
    !(15.0..=345.0).contains(&h) && s > 0.55 && v > 0.45
}

/// The fraction of pixels matching `test`.
fn fraction(image: &RgbImage, test: impl Fn(&image::Rgb<u8>) -> bool) -> f64 {
    image.pixels().filter(|p| test(p)).count() as f64 / f64::from(image.width() * image.height())
}
