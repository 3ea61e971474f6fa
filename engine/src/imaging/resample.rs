//! Downscaling with a triangle (tent) filter whose support widens with the
//! scale factor, so every source pixel contributes and nothing aliases.
//!
//! The filter is separable and can be fed a few source rows at a time: the
//! renderer's previews update only the rows a step changed, and give the
//! same bytes as downscaling the finished image in one go.

use std::ops::Range;

use image::RgbImage;

/// The source taps of one output pixel along one axis.
#[derive(Debug, Clone)]
struct Taps {
    /// First source index.
    start: usize,
    /// Normalised weights of `start..start + weights.len()`.
    weights: Vec<f32>,
}

/// Triangle-filter taps mapping `source` samples onto `target` samples.
fn taps(source: u32, target: u32) -> Vec<Taps> {
    let ratio = f64::from(source) / f64::from(target);
    let support = ratio.max(1.0);
    (0..target)
        .map(|o| {
            let centre = (f64::from(o) + 0.5) * ratio;
            let first = (centre - support).floor().max(0.0) as usize;
            let last = ((centre + support).ceil() as usize).min(source as usize);
            let mut weights: Vec<f32> = (first..last)
                .map(|i| {
                    let distance = ((i as f64 + 0.5 - centre) / support).abs();
                    (1.0 - distance).max(0.0) as f32
                })
                .collect();
            let sum: f32 = weights.iter().sum();
            if sum > 0.0 {
                weights.iter_mut().for_each(|w| *w /= sum);
            }
            Taps {
                start: first,
                weights,
            }
        })
        .collect()
}

/// An incremental triangle-filter downscaler from a fixed source size to a
/// fixed target size.
#[derive(Debug, Clone)]
pub struct Downscaler {
    source_width: u32,
    source_height: u32,
    target_width: u32,
    columns: Vec<Taps>,
    rows: Vec<Taps>,
    /// Source rows filtered horizontally: `source_height × target_width`.
    filtered: Vec<[f32; 3]>,
    /// Which source rows have been supplied.
    supplied: Vec<bool>,
    /// Which target rows are up to date.
    ready: Vec<bool>,
    output: RgbImage,
}

impl Downscaler {
    /// A downscaler from `source` to `target` (width, height); a target side
    /// of 0 is taken as 1.
    pub fn new(source: (u32, u32), target: (u32, u32)) -> Self {
        let target = (target.0.max(1), target.1.max(1));
        Self {
            source_width: source.0,
            source_height: source.1,
            target_width: target.0,
            columns: taps(source.0, target.0),
            rows: taps(source.1, target.1),
            filtered: vec![[0.0; 3]; source.1 as usize * target.0 as usize],
            supplied: vec![false; source.1 as usize],
            ready: vec![false; target.1 as usize],
            output: RgbImage::new(target.0, target.1),
        }
    }

    /// Takes new contents of `rows` of `source` (which must have the source
    /// size) and recomputes every target row all of whose source rows have
    /// been supplied.
    pub fn update(&mut self, source: &RgbImage, rows: Range<u32>) {
        debug_assert_eq!(source.dimensions(), (self.source_width, self.source_height));
        let rows = rows.start.min(self.source_height)..rows.end.min(self.source_height);
        if rows.is_empty() {
            return;
        }
        let stride = self.source_width as usize * 3;
        let raw = source.as_raw();
        let width = self.target_width as usize;
        for y in rows.clone() {
            let line = &raw[y as usize * stride..(y as usize + 1) * stride];
            let out = &mut self.filtered[y as usize * width..(y as usize + 1) * width];
            for (slot, tap) in out.iter_mut().zip(&self.columns) {
                let mut sum = [0.0f32; 3];
                for (k, weight) in tap.weights.iter().enumerate() {
                    let p = (tap.start + k) * 3;
                    sum[0] += weight * f32::from(line[p]);
                    sum[1] += weight * f32::from(line[p + 1]);
                    sum[2] += weight * f32::from(line[p + 2]);
                }
                *slot = sum;
            }
            self.supplied[y as usize] = true;
        }
        for o in 0..self.rows.len() {
            let (start, end) = (
                self.rows[o].start,
                self.rows[o].start + self.rows[o].weights.len(),
            );
            let touched = start < rows.end as usize && end > rows.start as usize;
            if touched && self.supplied[start..end].iter().all(|&s| s) {
                self.compute_row(o);
            }
        }
    }

    /// Filters target row `o` vertically from the horizontally filtered rows.
    fn compute_row(&mut self, o: usize) {
        let width = self.target_width as usize;
        let tap = &self.rows[o];
        let out = &mut self.output.as_mut()[o * width * 3..(o + 1) * width * 3];
        for x in 0..width {
            let mut sum = [0.0f32; 3];
            for (k, weight) in tap.weights.iter().enumerate() {
                let p = self.filtered[(tap.start + k) * width + x];
                sum[0] += weight * p[0];
                sum[1] += weight * p[1];
                sum[2] += weight * p[2];
            }
            for c in 0..3 {
                out[x * 3 + c] = sum[c].round().clamp(0.0, 255.0) as u8;
            }
        }
        self.ready[o] = true;
    }

    /// Whether target row `row` has been computed.
    pub fn is_ready(&self, row: u32) -> bool {
        self.ready.get(row as usize).copied().unwrap_or(false)
    }

    /// The downscaled image so far; rows not yet ready are black.
    pub fn output(&self) -> &RgbImage {
        &self.output
    }

    /// The downscaled image, once every source row has been supplied.
    pub fn into_output(self) -> RgbImage {
        self.output
    }
}

/// Downscales `image` to exactly `width` × `height` with the triangle filter.
pub fn downscale(image: &RgbImage, width: u32, height: u32) -> RgbImage {
    let mut scaler = Downscaler::new(image.dimensions(), (width, height));
    scaler.update(image, 0..image.height());
    scaler.into_output()
}
