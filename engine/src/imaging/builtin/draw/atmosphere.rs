//! What hangs in the air and what lies over everything: fog, rain, falling
//! snow, birds' distance haze, and the final grain and vignette.

use super::{Ctx, Draw};
use crate::imaging::builtin::canvas::{Canvas, Rect};
use crate::imaging::builtin::color::Rgb;
use crate::imaging::builtin::rng::lattice;
use crate::imaging::builtin::sdf::{V2, capsule, circle};

fn smoothstep(edge0: f32, edge1: f32, x: f32) -> f32 {
    let t = ((x - edge0) / (edge1 - edge0)).clamp(0.0, 1.0);
    t * t * (3.0 - 2.0 * t)
}

/// Fog: banks of haze, thickest at the horizon.
#[derive(Debug)]
pub(crate) struct Fog {
    pub(crate) color: Rgb,
    pub(crate) density: f32,
}

impl Draw for Fog {
    fn draw(&self, canvas: &mut Canvas, ctx: &Ctx) {
        let height = canvas.height as f32;
        let horizon = ctx.horizon;
        canvas.paint_rows(0.0, height, |p, current| {
            let near_horizon = 1.0 - ((p.y - horizon).abs() / (height * 0.45)).min(1.0);
            let banks = ctx.noise.fbm(p.x / ctx.unit * 2.0, p.y / ctx.unit * 7.0, 3);
            let amount =
                self.density * (0.25 + 0.75 * near_horizon * near_horizon) * (0.6 + 0.8 * banks);
            current.mix(self.color, amount.min(0.9))
        });
    }
}

/// Falling particles: rain streaks or snowflakes.
#[derive(Debug)]
pub(crate) struct Precipitation {
    /// Each particle's position and size in pixels.
    pub(crate) particles: Vec<(V2, f32)>,
    pub(crate) color: Rgb,
    /// Rain streaks slant and stretch; snow is round.
    pub(crate) rain: bool,
}

impl Draw for Precipitation {
    fn draw(&self, canvas: &mut Canvas, _ctx: &Ctx) {
        for &(c, size) in &self.particles {
            if self.rain {
                let end = c + V2 {
                    x: -size * 0.25,
                    y: size,
                };
                let bounds = Rect::new(end.x, c.y, c.x, end.y).grow(2.0);
                canvas.fill(bounds, 0.35, |p| capsule(p, c, end, 0.6), |_| self.color);
            } else {
                canvas.fill_soft(
                    Rect::around(c, size, size),
                    0.9,
                    size * 0.6,
                    |p| circle(p, c, size * 0.7),
                    |_| self.color,
                );
            }
        }
    }
}

/// The finish: fine grain, a gentle vignette, and (for dreamy scenes) a
/// soft lift of the highlights.
#[derive(Debug)]
pub(crate) struct Finish {
    pub(crate) seed: u64,
    pub(crate) grain: f32,
    pub(crate) vignette: f32,
}

impl Draw for Finish {
    fn draw(&self, canvas: &mut Canvas, _ctx: &Ctx) {
        let (w, h) = (canvas.width as f32, canvas.height as f32);
        canvas.paint_rows(0.0, h, |p, current| {
            let dx = (p.x / w - 0.5) * 2.0;
            let dy = (p.y / h - 0.5) * 2.0;
            let edge = smoothstep(0.55, 1.45, (dx * dx + dy * dy).sqrt());
            let noise = lattice(self.seed, p.x as i64, p.y as i64) - 0.5;
            let c = current.darken(edge * self.vignette);
            c + Rgb {
                r: noise,
                g: noise,
                b: noise,
            } * self.grain
        });
    }
}
