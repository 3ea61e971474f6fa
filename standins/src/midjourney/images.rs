//! The pictures: 2×2 grids of four paintings, their blurred intermediate
//! states, and single quadrants (upscales).

use image::RgbImage;
use image::imageops::{self, FilterType};

use crate::common;

/// Midjourney v6's quadrant sizes for the usual aspect ratios.
const NOMINAL: &[(&str, u32, u32)] = &[
    ("1:1", 1024, 1024),
    ("4:3", 1232, 928),
    ("3:4", 928, 1232),
    ("16:9", 1456, 816),
    ("9:16", 816, 1456),
    ("3:2", 1344, 896),
    ("2:3", 896, 1344),
    ("21:9", 1680, 720),
    ("9:21", 720, 1680),
];

/// The quadrant size for `--ar <ratio>` (about one megapixel for ratios
/// not in the table), divided by `divisor` (tests use small images).
pub fn quadrant_size(ratio: Option<&str>, divisor: u32) -> (u32, u32) {
    let ratio = ratio.unwrap_or("1:1");
    let (w, h) = NOMINAL
        .iter()
        .find(|(label, _, _)| *label == ratio)
        .map(|&(_, w, h)| (w, h))
        .or_else(|| {
            let (a, b) = ratio.split_once(':')?;
            let (a, b): (f64, f64) = (a.trim().parse().ok()?, b.trim().parse().ok()?);
            if a <= 0.0 || b <= 0.0 {
                return None;
            }
            let r = (a / b).clamp(0.25, 4.0);
            let w = (1024.0 * 1024.0 * r).sqrt();
            let round8 = |v: f64| ((v / 8.0).round() as u32 * 8).max(8);
            Some((round8(w), round8(w / r)))
        })
        .unwrap_or((1024, 1024));
    let divisor = divisor.max(1);
    ((w / divisor).max(8), (h / divisor).max(8))
}

/// The final grid: quadrant `k` (1 top-left, 2 top-right, 3 bottom-left,
/// 4 bottom-right) painted from `seed + k - 1`.
pub fn grid(prompt: &str, seed: u64, quadrant: (u32, u32)) -> RgbImage {
    let (w, h) = quadrant;
    let mut out = RgbImage::new(w * 2, h * 2);
    for k in 0..4u32 {
        let painted = common::paint(prompt, seed + u64::from(k), w, h);
        let (x, y) = (k % 2 * w, k / 2 * h);
        imageops::overlay(&mut out, &painted, i64::from(x), i64::from(y));
    }
    out
}

/// Quadrant `index` (1..=4) of a grid.
pub fn quadrant(grid: &RgbImage, index: u32) -> RgbImage {
    let (w, h) = (grid.width() / 2, grid.height() / 2);
    let k = index.clamp(1, 4) - 1;
    imageops::crop_imm(grid, k % 2 * w, k / 2 * h, w, h).to_image()
}

/// The grid as Discord shows it while Midjourney draws: at half size,
/// blurred (shrunk to an eighth and enlarged again) and mixed with noise
/// that fades as the steps advance.
pub fn intermediate(grid: &RgbImage, step: u32, steps: u32, seed: u64) -> RgbImage {
    let (w, h) = grid.dimensions();
    let small = imageops::resize(grid, (w / 8).max(1), (h / 8).max(1), FilterType::Nearest);
    let blurred = imageops::resize(&small, (w / 2).max(1), (h / 2).max(1), FilterType::Triangle);
    common::preview(&blurred, step, steps + 1, seed)
}

/// A PNG of `image`, quickly compressed.
pub fn encode_png(image: &RgbImage) -> Vec<u8> {
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, image.width(), image.height());
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    encoder.set_compression(png::Compression::Fast);
    if let Ok(mut writer) = encoder.write_header() {
        let _ = writer.write_image_data(image.as_raw());
    }
    out
}
