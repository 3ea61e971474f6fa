//! Water: the open sea with sun glints, lakes, rivers, roads (drawn like a
//! river, in perspective), beaches and islands.

use super::{Ctx, Draw};
use crate::imaging::builtin::canvas::{Canvas, Rect};
use crate::imaging::builtin::color::Rgb;
use crate::imaging::builtin::sdf::{V2, ellipse, v2};

fn smoothstep(edge0: f32, edge1: f32, x: f32) -> f32 {
    let t = ((x - edge0) / (edge1 - edge0)).clamp(0.0, 1.0);
    t * t * (3.0 - 2.0 * t)
}

/// A reflected light on water: its column and colour.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Glint {
    pub(crate) x: f32,
    pub(crate) half_width: f32,
    pub(crate) color: Rgb,
}

/// Wave highlights and the broken reflection column of any glints.
fn water_color(base: Rgb, p: V2, t: f32, glints: &[Glint], ctx: &Ctx) -> Rgb {
    let mut color = base;
    if !ctx.flat {
        let stretch = 0.35 + t * 1.5;
        let n = ctx.noise.fbm(
            p.x / ctx.unit * 5.0 / stretch,
            p.y / ctx.unit * 45.0 / stretch,
            2,
        );
        color = color
            .lighten(smoothstep(0.58, 0.8, n) * 0.18)
            .darken(smoothstep(0.35, 0.15, n) * 0.08);
    }
    for glint in glints {
        let width = glint.half_width * (0.5 + 1.6 * t);
        let across = smoothstep(width, width * 0.3, (p.x - glint.x).abs());
        if across <= 0.0 {
            continue;
        }
        let dash = ctx
            .noise
            .sample(p.x / ctx.unit * 9.0, p.y / ctx.unit * 70.0 / (0.4 + t));
        let on = smoothstep(0.42, 0.6, dash);
        color = color.mix(glint.color, across * on * (0.85 - 0.45 * t));
    }
    color
}

/// Open water from the horizon down to `bottom`.
#[derive(Debug)]
pub(crate) struct Sea {
    pub(crate) top: f32,
    pub(crate) bottom: f32,
    pub(crate) far: Rgb,
    pub(crate) near: Rgb,
    pub(crate) glints: Vec<Glint>,
}

impl Draw for Sea {
    fn draw(&self, canvas: &mut Canvas, ctx: &Ctx) {
        let span = (self.bottom - self.top).max(1.0);
        canvas.paint_rows(self.top, self.bottom, |p, current| {
            let coverage = (p.y - self.top + 0.5).clamp(0.0, 1.0);
            let t = ((p.y - self.top) / span).clamp(0.0, 1.0);
            let base = self.far.mix(self.near, t.powf(0.6));
            let base = base.lighten(smoothstep(3.0, 0.0, p.y - self.top) * 0.25);
            current.mix(water_color(base, p, t, &self.glints, ctx), coverage)
        });
    }
}

/// A sandy shore in front of the sea, with a wavy waterline and foam.
#[derive(Debug)]
pub(crate) struct Shore {
    /// The waterline's mean row.
    pub(crate) line: f32,
    pub(crate) amplitude: f32,
    pub(crate) phase: f32,
    pub(crate) far: Rgb,
    pub(crate) near: Rgb,
    pub(crate) foam: Rgb,
}

impl Draw for Shore {
    fn draw(&self, canvas: &mut Canvas, ctx: &Ctx) {
        let height = canvas.height as f32;
        let top = self.line - self.amplitude * 1.5;
        canvas.paint_rows(top, height, |p, current| {
            let u = p.x / ctx.unit;
            let edge = self.line
                + self.amplitude
                    * ((u * 3.1 + self.phase).sin() * 0.7
                        + (u * 7.3 + self.phase * 2.0).sin() * 0.3);
            let d = p.y - edge;
            let foam = smoothstep(ctx.unit * 0.012, 0.0, (d + ctx.unit * 0.008).abs())
                * (d > -ctx.unit * 0.02) as u8 as f32;
            let t = ((p.y - edge) / (height - edge).max(1.0)).clamp(0.0, 1.0);
            let mut sand = self.far.mix(self.near, t);
            let wet = smoothstep(ctx.unit * 0.05, 0.0, d);
            sand = sand.darken(wet * 0.15);
            if !ctx.flat {
                sand = sand.lighten((ctx.noise_at(p, 60.0) - 0.5) * 0.06);
            }
            let sand = ctx.palette.lit(sand);
            let with_sand = current.mix(sand, (d + 0.5).clamp(0.0, 1.0));
            with_sand.mix(ctx.palette.lit(self.foam), foam * 0.85)
        });
    }
}

/// An oval lake set in the ground, with a darker bank.
#[derive(Debug)]
pub(crate) struct Lake {
    pub(crate) centre: V2,
    pub(crate) rx: f32,
    pub(crate) ry: f32,
    pub(crate) far: Rgb,
    pub(crate) near: Rgb,
    pub(crate) bank: Rgb,
    pub(crate) glints: Vec<Glint>,
}

impl Draw for Lake {
    fn draw(&self, canvas: &mut Canvas, ctx: &Ctx) {
        let (c, rx, ry) = (self.centre, self.rx, self.ry);
        let bank = ctx.palette.lit(self.bank);
        canvas.fill(
            Rect::around(c, rx * 1.05, ry * 1.15),
            1.0,
            |p| ellipse(p, c, rx * 1.03, ry * 1.12),
            |_| bank,
        );
        canvas.fill(
            Rect::around(c, rx, ry),
            1.0,
            |p| ellipse(p, c, rx, ry),
            |p| {
                let t = ((p.y - (c.y - ry)) / (2.0 * ry)).clamp(0.0, 1.0);
                water_color(
                    self.far.mix(self.near, t),
                    p,
                    0.3 + t * 0.4,
                    &self.glints,
                    ctx,
                )
            },
        );
    }
}

/// A band narrowing toward the horizon: a river (meandering water) or a
/// road (straight, grey, dashed centre line).
#[derive(Debug)]
pub(crate) struct Band {
    pub(crate) top: f32,
    pub(crate) bottom: f32,
    pub(crate) x_top: f32,
    pub(crate) x_bottom: f32,
    pub(crate) width_top: f32,
    pub(crate) width_bottom: f32,
    pub(crate) meander: f32,
    pub(crate) phase: f32,
    pub(crate) far: Rgb,
    pub(crate) near: Rgb,
    /// A road's centre line colour; `None` for a river.
    pub(crate) line: Option<Rgb>,
}

impl Draw for Band {
    fn draw(&self, canvas: &mut Canvas, ctx: &Ctx) {
        let span = (self.bottom - self.top).max(1.0);
        canvas.paint_rows(self.top, self.bottom, |p, current| {
            let t = ((p.y - self.top) / span).clamp(0.0, 1.0);
            let depth = t.powf(1.4);
            let centre = self.x_top
                + (self.x_bottom - self.x_top) * depth
                + self.meander * (depth * std::f32::consts::TAU * 0.8 + self.phase).sin() * depth;
            let half = (self.width_top + (self.width_bottom - self.width_top) * depth) / 2.0;
            let distance = (p.x - centre).abs() - half;
            let coverage =
                (0.5 - distance).clamp(0.0, 1.0) * (p.y - self.top + 0.5).clamp(0.0, 1.0);
            if coverage <= 0.0 {
                return current;
            }
            let base = self.far.mix(self.near, t);
            let color = match self.line {
                None => water_color(base, p, t, &[], ctx),
                Some(line) => {
                    let dash = ((1.0 / (t + 0.08)) * 3.0).fract() < 0.5;
                    let on_line = (p.x - centre).abs() < half * 0.035 + 0.5 && dash;
                    let edge = smoothstep(half * 0.9, half, (p.x - centre).abs());
                    let road = if on_line { line } else { base };
                    ctx.palette.lit(road.lighten(edge * 0.25))
                }
            };
            current.mix(color, coverage)
        });
    }
}

/// An island: a green mound with a sandy rim and a foam ring.
#[derive(Debug)]
pub(crate) struct Island {
    pub(crate) centre: V2,
    pub(crate) rx: f32,
    pub(crate) ry: f32,
    pub(crate) sand: Rgb,
    pub(crate) grass: Rgb,
    pub(crate) foam: Rgb,
}

impl Draw for Island {
    fn draw(&self, canvas: &mut Canvas, ctx: &Ctx) {
        let (c, rx, ry) = (self.centre, self.rx, self.ry);
        let foam = ctx.palette.lit(self.foam);
        canvas.fill_soft(
            Rect::around(c, rx * 1.12, ry * 0.4),
            0.7,
            2.0,
            |p| ellipse(p, c, rx * 1.1, ry * 0.28).max(-ellipse(p, c, rx * 0.98, ry * 0.2)),
            |_| foam,
        );
        let sand = ctx.palette.lit(self.sand);
        canvas.fill(
            Rect::around(c, rx, ry),
            1.0,
            |p| ellipse(p, c, rx, ry).max(p.y - c.y),
            |_| sand,
        );
        let top = v2(c.x, c.y + ry * 0.1);
        canvas.fill(
            Rect::around(top, rx * 0.8, ry * 0.9),
            1.0,
            |p| ellipse(p, top, rx * 0.8, ry * 0.85).max(p.y - c.y + ry * 0.12),
            |p| {
                let t = ((p.y - (top.y - ry * 0.85)) / (ry * 0.85)).clamp(0.0, 1.0);
                ctx.palette.lit(self.grass.lighten(0.15 * (1.0 - t)))
            },
        );
    }
}
