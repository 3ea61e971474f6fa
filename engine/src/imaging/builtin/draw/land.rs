//! The land: mountain ranges, rolling hills and dunes, the ground plane.

use super::{Ctx, Draw};
use crate::imaging::builtin::canvas::Canvas;
use crate::imaging::builtin::color::{Rgb, hex};
use crate::imaging::builtin::sdf::{V2, v2};

fn smoothstep(edge0: f32, edge1: f32, x: f32) -> f32 {
    let t = ((x - edge0) / (edge1 - edge0)).clamp(0.0, 1.0);
    t * t * (3.0 - 2.0 * t)
}

/// A mountain range: a ridge line per column, faceted shading (the faces
/// turned to the light are lighter), optional snow caps, haze at the foot.
#[derive(Debug)]
pub(crate) struct Mountains {
    /// The ridge's row for each column.
    pub(crate) ridge: Vec<f32>,
    /// The slope of the smooth underlying ridge per column, for shading.
    pub(crate) slope: Vec<f32>,
    pub(crate) color: Rgb,
    /// The row where the range meets the ground.
    pub(crate) base: f32,
    /// The snow line (a row) and the snow's colour.
    pub(crate) snow: Option<(f32, Rgb)>,
    /// How much the foot fades into the haze colour.
    pub(crate) haze: f32,
}

impl Draw for Mountains {
    fn draw(&self, canvas: &mut Canvas, ctx: &Ctx) {
        let top = self.ridge.iter().copied().fold(f32::MAX, f32::min);
        let last = self.ridge.len().saturating_sub(1);
        let haze = ctx.palette.haze;
        canvas.paint_rows(top - 1.0, self.base + 2.0, |p, current| {
            let x = (p.x as usize).min(last);
            let ridge = self.ridge[x];
            let slope = (self.ridge[(x + 1).min(last)] - self.ridge[x.saturating_sub(1)]) / 2.0;
            let distance = (ridge - p.y) / (1.0 + slope * slope).sqrt();
            let coverage =
                (0.5 - distance).clamp(0.0, 1.0) * ((self.base + 2.0 - p.y) / 2.0).clamp(0.0, 1.0);
            if coverage <= 0.0 {
                return current;
            }
            let facet = self.slope[x];
            let normal = v2(facet, -1.0) * (1.0 / (1.0 + facet * facet).sqrt());
            let facing = smoothstep(-0.08, 0.08, normal.dot(ctx.light));
            let mut color = self.color.darken(0.28).mix(self.color.lighten(0.1), facing);
            if let Some((line, snow)) = self.snow {
                let wobble = (ctx.noise_at(p, 14.0) - 0.5) * ctx.unit * 0.05;
                let snowy = smoothstep(1.0, -1.0, p.y - (line + wobble));
                let snow = snow.darken(0.22 * (1.0 - facing));
                color = color.mix(snow, snowy);
            }
            let depth = ((p.y - top) / (self.base - top).max(1.0)).clamp(0.0, 1.0);
            color = color.mix(haze, self.haze * depth * depth);
            if !ctx.flat {
                let grain = ctx.noise_at(p, 40.0) - 0.5;
                color = color.lighten(grain * 0.05);
            }
            current.mix(ctx.palette.lit(color), coverage)
        });
    }
}

/// Rolling hills (or dunes): a smooth crest per column, lighter at the top.
#[derive(Debug)]
pub(crate) struct Hills {
    pub(crate) crest: Vec<f32>,
    pub(crate) top_color: Rgb,
    pub(crate) bottom_color: Rgb,
    /// Where the gradient ends.
    pub(crate) bottom: f32,
    /// Dunes get a sharp shadowed lee side and ripples.
    pub(crate) dunes: bool,
}

impl Draw for Hills {
    fn draw(&self, canvas: &mut Canvas, ctx: &Ctx) {
        let top = self.crest.iter().copied().fold(f32::MAX, f32::min);
        let last = self.crest.len().saturating_sub(1);
        let height = canvas.height as f32;
        canvas.paint_rows(top - 1.0, height, |p, current| {
            let x = (p.x as usize).min(last);
            let crest = self.crest[x];
            let slope = (self.crest[(x + 1).min(last)] - self.crest[x.saturating_sub(1)]) / 2.0;
            let distance = (crest - p.y) / (1.0 + slope * slope).sqrt();
            let coverage = (0.5 - distance).clamp(0.0, 1.0);
            if coverage <= 0.0 {
                return current;
            }
            let t = ((p.y - crest) / (self.bottom - crest).max(1.0)).clamp(0.0, 1.0);
            let mut color = self.top_color.mix(self.bottom_color, t.sqrt());
            let rim = smoothstep(ctx.unit * 0.012, 0.0, p.y - crest);
            color = color.lighten(rim * 0.12);
            if self.dunes {
                let normal = v2(slope, -1.0) * (1.0 / (1.0 + slope * slope).sqrt());
                let lee = smoothstep(0.05, -0.1, normal.dot(ctx.light));
                color = color.darken(lee * 0.18 * (1.0 - t));
                if !ctx.flat {
                    let ripple = ((p.y / ctx.unit * 90.0) + ctx.noise_at(p, 8.0) * 6.0).sin();
                    color = color.darken((ripple * 0.5 + 0.5) * 0.04);
                }
            } else if !ctx.flat {
                let tuft = ctx
                    .noise
                    .fbm(p.x / ctx.unit * 18.0, p.y / ctx.unit * 30.0, 2)
                    - 0.5;
                color = color.lighten(tuft * 0.08);
            }
            current.mix(ctx.palette.lit(color), coverage)
        });
    }
}

/// What the ground is made of.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum GroundKind {
    Grass,
    Sand,
    Snow,
    Pavement,
}

/// The ground plane from the horizon to the bottom edge.
#[derive(Debug)]
pub(crate) struct Ground {
    pub(crate) top: f32,
    pub(crate) far: Rgb,
    pub(crate) near: Rgb,
    pub(crate) kind: GroundKind,
}

impl Draw for Ground {
    fn draw(&self, canvas: &mut Canvas, ctx: &Ctx) {
        let height = canvas.height as f32;
        let span = (height - self.top).max(1.0);
        canvas.paint_rows(self.top, height, |p, current| {
            let coverage = (p.y - self.top + 0.5).clamp(0.0, 1.0);
            let t = ((p.y - self.top) / span).clamp(0.0, 1.0);
            let mut color = self.far.mix(self.near, t.powf(0.8));
            if !ctx.flat {
                color = texture(self.kind, color, p, t, ctx);
            }
            current.mix(ctx.palette.lit(color), coverage)
        });
    }
}

/// Surface detail, stretched horizontally for perspective.
fn texture(kind: GroundKind, color: Rgb, p: V2, t: f32, ctx: &Ctx) -> Rgb {
    let depth = 0.25 + t * 2.0;
    let n = ctx.noise.fbm(
        p.x / ctx.unit * 6.0 / depth,
        p.y / ctx.unit * 22.0 / depth,
        3,
    ) - 0.5;
    match kind {
        GroundKind::Grass => color.mix(color.lighten(0.2).rotate_hue(-8.0), (n * 1.6).max(0.0)),
        GroundKind::Sand => color.lighten(n * 0.08),
        GroundKind::Snow => color.mix(hex(0xbccde3), (-n * 1.4).max(0.0)),
        GroundKind::Pavement => color.darken(n.abs() * 0.12),
    }
}

/// A rolling crest line: a few sine waves around `base` with the given
/// amplitude (pixels), one value per column.
pub(crate) fn rolling_crest(
    width: u32,
    base: f32,
    amplitude: f32,
    phases: [f32; 3],
    unit: f32,
) -> Vec<f32> {
    (0..width)
        .map(|x| {
            let u = x as f32 / unit;
            let wave = (u * 2.1 + phases[0]).sin() * 0.55
                + (u * 4.3 + phases[1]).sin() * 0.3
                + (u * 7.9 + phases[2]).sin() * 0.15;
            base - amplitude * (0.5 + 0.5 * wave)
        })
        .collect()
}
