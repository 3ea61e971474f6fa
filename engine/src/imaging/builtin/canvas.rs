//! The float canvas the renderer paints on, and the few operations every
//! drawing is built from: filling a signed-distance shape with
//! anti-aliased edges, glows, and whole-row passes. Every operation is
//! limited to the canvas's current band of rows, so a render can be split
//! into steps that each paint a share of the rows.

use std::ops::Range;

use super::color::Rgb;
use super::sdf::{V2, v2};

/// An axis-aligned rectangle in pixels.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Rect {
    pub(crate) x0: f32,
    pub(crate) y0: f32,
    pub(crate) x1: f32,
    pub(crate) y1: f32,
}

impl Rect {
    /// The rectangle `centre ± (rx, ry)`.
    pub(crate) fn around(centre: V2, rx: f32, ry: f32) -> Rect {
        Rect {
            x0: centre.x - rx,
            y0: centre.y - ry,
            x1: centre.x + rx,
            y1: centre.y + ry,
        }
    }

    /// The rectangle spanning two corners.
    pub(crate) fn new(x0: f32, y0: f32, x1: f32, y1: f32) -> Rect {
        Rect { x0, y0, x1, y1 }
    }

    /// The smallest rectangle holding every point.
    pub(crate) fn spanning(points: &[V2]) -> Rect {
        let mut rect = Rect::new(f32::MAX, f32::MAX, f32::MIN, f32::MIN);
        for p in points {
            rect.x0 = rect.x0.min(p.x);
            rect.y0 = rect.y0.min(p.y);
            rect.x1 = rect.x1.max(p.x);
            rect.y1 = rect.y1.max(p.y);
        }
        rect
    }

    /// Grown by `margin` on every side.
    pub(crate) fn grow(self, margin: f32) -> Rect {
        Rect {
            x0: self.x0 - margin,
            y0: self.y0 - margin,
            x1: self.x1 + margin,
            y1: self.y1 + margin,
        }
    }
}

/// An RGB float image with a band of rows that drawing is limited to.
#[derive(Debug, Clone)]
pub(crate) struct Canvas {
    pub(crate) width: u32,
    pub(crate) height: u32,
    pub(crate) pixels: Vec<Rgb>,
    band: Range<u32>,
}

impl Canvas {
    /// A canvas filled with `color`, drawing allowed on every row.
    pub(crate) fn new(width: u32, height: u32, color: Rgb) -> Self {
        Self {
            width,
            height,
            pixels: vec![color; width as usize * height as usize],
            band: 0..height,
        }
    }

    /// Limits drawing to `rows`.
    pub(crate) fn set_band(&mut self, rows: Range<u32>) {
        self.band = rows.start.min(self.height)..rows.end.min(self.height);
    }

    /// The integer rows of `y0..y1` inside the band.
    fn rows(&self, y0: f32, y1: f32) -> Range<u32> {
        let start = (y0.floor().max(0.0) as u32).max(self.band.start);
        let end = (y1.ceil().max(0.0) as u32).min(self.band.end);
        start..end.max(start)
    }

    /// The integer columns of `x0..x1` inside the canvas.
    fn columns(&self, x0: f32, x1: f32) -> Range<u32> {
        let start = x0.floor().max(0.0) as u32;
        let end = (x1.ceil().max(0.0) as u32).min(self.width);
        start.min(end)..end
    }

    /// Fills a shape with a one-pixel anti-aliased edge.
    pub(crate) fn fill(
        &mut self,
        bounds: Rect,
        opacity: f32,
        shape: impl Fn(V2) -> f32,
        paint: impl Fn(V2) -> Rgb,
    ) {
        self.fill_soft(bounds, opacity, 1.0, shape, paint);
    }

    /// Fills a shape whose edge fades over `softness` pixels. `shape` is a
    /// signed distance (negative inside), `paint` the colour at a point.
    pub(crate) fn fill_soft(
        &mut self,
        bounds: Rect,
        opacity: f32,
        softness: f32,
        shape: impl Fn(V2) -> f32,
        paint: impl Fn(V2) -> Rgb,
    ) {
        if opacity <= 0.0 {
            return;
        }
        let softness = softness.max(0.5);
        let bounds = bounds.grow(softness);
        let columns = self.columns(bounds.x0, bounds.x1);
        for y in self.rows(bounds.y0, bounds.y1) {
            let row = y as usize * self.width as usize;
            for x in columns.clone() {
                let p = v2(x as f32 + 0.5, y as f32 + 0.5);
                let distance = shape(p);
                let coverage = (0.5 - distance / softness).clamp(0.0, 1.0);
                if coverage <= 0.0 {
                    continue;
                }
                let pixel = &mut self.pixels[row + x as usize];
                *pixel = pixel.mix(paint(p), coverage * opacity);
            }
        }
    }

    /// Brightens a round area with a soft falloff (screen blend), strongest
    /// at `centre`, gone at `radius`.
    pub(crate) fn glow(&mut self, centre: V2, radius: f32, color: Rgb, strength: f32) {
        let bounds = Rect::around(centre, radius, radius);
        let columns = self.columns(bounds.x0, bounds.x1);
        for y in self.rows(bounds.y0, bounds.y1) {
            let row = y as usize * self.width as usize;
            for x in columns.clone() {
                let p = v2(x as f32 + 0.5, y as f32 + 0.5);
                let t = 1.0 - (p - centre).length() / radius;
                if t <= 0.0 {
                    continue;
                }
                let pixel = &mut self.pixels[row + x as usize];
                *pixel = pixel.screen(color * (t * t * strength));
            }
        }
    }

    /// Calls `paint` for every pixel of the rows `y0..y1` in the band with
    /// the point and the current colour; its result replaces the pixel.
    pub(crate) fn paint_rows(&mut self, y0: f32, y1: f32, paint: impl Fn(V2, Rgb) -> Rgb) {
        for y in self.rows(y0, y1) {
            let row = y as usize * self.width as usize;
            for x in 0..self.width {
                let p = v2(x as f32 + 0.5, y as f32 + 0.5);
                let pixel = &mut self.pixels[row + x as usize];
                *pixel = paint(p, *pixel);
            }
        }
    }

    /// The colour at a pixel, clamped to the canvas.
    pub(crate) fn at(&self, x: i64, y: i64) -> Rgb {
        let x = x.clamp(0, i64::from(self.width) - 1) as usize;
        let y = y.clamp(0, i64::from(self.height) - 1) as usize;
        self.pixels[y * self.width as usize + x]
    }
}
