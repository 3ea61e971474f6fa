//! The sky and what is in it: gradient, sun, moon, stars, clouds, rainbow,
//! planets.

use super::{Ctx, Draw};
use crate::imaging::builtin::canvas::{Canvas, Rect};
use crate::imaging::builtin::color::{Rgb, hex};
use crate::imaging::builtin::sdf::{V2, circle, ellipse, polygon, smooth_union, star_points, v2};

/// What kind of backdrop the sky layer paints.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum SkyKind {
    /// Open air over land or sea.
    Open,
    /// Black space with nebulae.
    Space,
    /// Water seen from below, with light shafts.
    Underwater,
}

/// The backdrop gradient, covering the whole canvas.
#[derive(Debug)]
pub(crate) struct SkyLayer {
    pub(crate) kind: SkyKind,
    /// Where the gradient reaches its last stop.
    pub(crate) bottom: f32,
}

fn smoothstep(edge0: f32, edge1: f32, x: f32) -> f32 {
    let t = ((x - edge0) / (edge1 - edge0)).clamp(0.0, 1.0);
    t * t * (3.0 - 2.0 * t)
}

impl Draw for SkyLayer {
    fn draw(&self, canvas: &mut Canvas, ctx: &Ctx) {
        let [top, middle, bottom] = ctx.palette.sky;
        let height = canvas.height as f32;
        let nebula = [hex(0x7b3fa0), hex(0x2a8fb0), hex(0xc04a7a)];
        canvas.paint_rows(0.0, height, |p, _| {
            let t = (p.y / self.bottom).clamp(0.0, 1.0);
            let mut c = if t < 0.55 {
                top.mix(middle, smoothstep(0.0, 0.55, t))
            } else {
                middle.mix(bottom, smoothstep(0.55, 1.0, t))
            };
            match self.kind {
                SkyKind::Open => {}
                SkyKind::Space => {
                    let n = ctx.noise.fbm(p.x / ctx.unit * 3.0, p.y / ctx.unit * 3.0, 4);
                    let hue = ctx
                        .noise
                        .sample(p.x / ctx.unit * 1.3 + 40.0, p.y / ctx.unit * 1.3);
                    let tint = if hue < 0.5 {
                        nebula[0].mix(nebula[1], hue * 2.0)
                    } else {
                        nebula[1].mix(nebula[2], hue * 2.0 - 1.0)
                    };
                    c = c.screen(tint * (smoothstep(0.42, 0.85, n) * 0.6));
                }
                SkyKind::Underwater => {
                    let wobble = ctx.noise_at(p, 3.0) * 2.0;
                    let ray = ((p.x + p.y * 0.35) / ctx.unit * 11.0 + wobble)
                        .sin()
                        .max(0.0)
                        .powi(6);
                    let fade = (1.0 - p.y / height).max(0.0).powf(1.5);
                    c = c.screen(hex(0xbff6ff) * (ray * fade * 0.3));
                }
            }
            c
        });
    }
}

/// The sun: a glowing disc.
#[derive(Debug)]
pub(crate) struct Sun {
    pub(crate) centre: V2,
    pub(crate) radius: f32,
    pub(crate) color: Rgb,
}

impl Draw for Sun {
    fn draw(&self, canvas: &mut Canvas, _ctx: &Ctx) {
        let (c, r) = (self.centre, self.radius);
        canvas.glow(c, r * 5.0, self.color.lighten(0.2), 0.45);
        canvas.glow(c, r * 2.2, self.color.lighten(0.45), 0.5);
        canvas.fill(
            Rect::around(c, r, r),
            1.0,
            |p| circle(p, c, r),
            |p| {
                self.color
                    .lighten(0.4 * (1.0 - (p - c).length() / r).max(0.0))
            },
        );
    }
}

/// The moon: a pale disc or crescent with a soft glow.
#[derive(Debug)]
pub(crate) struct Moon {
    pub(crate) centre: V2,
    pub(crate) radius: f32,
    pub(crate) color: Rgb,
    /// For a crescent, the direction of the shadowed part.
    pub(crate) crescent: Option<V2>,
    /// Craters on a full moon: offset (in radii) and radius (in radii).
    pub(crate) craters: Vec<(V2, f32)>,
}

impl Draw for Moon {
    fn draw(&self, canvas: &mut Canvas, _ctx: &Ctx) {
        let (c, r) = (self.centre, self.radius);
        canvas.glow(c, r * 4.5, self.color * 0.55, 0.4);
        let bite = self.crescent.map(|d| (c + d * (r * 0.62), r * 0.8));
        let shape = |p: V2| match bite {
            Some((bc, br)) => circle(p, c, r).max(-circle(p, bc, br)),
            None => circle(p, c, r),
        };
        canvas.fill(Rect::around(c, r, r), 1.0, shape, |p| {
            let rim = ((p - c).length() / r).min(1.0);
            self.color.darken(0.08 * rim * rim)
        });
        if bite.is_none() {
            for &(offset, size) in &self.craters {
                let cc = c + offset * r;
                let cr = size * r;
                canvas.fill_soft(
                    Rect::around(cc, cr, cr),
                    0.5,
                    cr * 0.3,
                    |p| circle(p, cc, cr),
                    |_| self.color.darken(0.12),
                );
            }
        }
    }
}

/// Many small stars.
#[derive(Debug)]
pub(crate) struct StarField {
    /// Position, radius in pixels and brightness in `0..=1`.
    pub(crate) stars: Vec<(V2, f32, f32)>,
    pub(crate) color: Rgb,
}

impl Draw for StarField {
    fn draw(&self, canvas: &mut Canvas, _ctx: &Ctx) {
        for &(c, r, brightness) in &self.stars {
            let color = self.color;
            canvas.fill_soft(
                Rect::around(c, r, r),
                brightness,
                r.max(1.0),
                |p| circle(p, c, r * 0.6),
                |_| color,
            );
            if brightness > 0.85 {
                canvas.glow(c, r * 5.0, color, 0.35);
                let (rx, ry) = (r * 4.0, r * 0.35);
                canvas.fill_soft(
                    Rect::around(c, rx, rx),
                    0.6,
                    ry.max(0.6),
                    |p| ellipse(p, c, rx, ry).min(ellipse(p, c, ry, rx)),
                    |_| color,
                );
            }
        }
    }
}

/// A large five-pointed star.
#[derive(Debug)]
pub(crate) struct BigStar {
    pub(crate) centre: V2,
    pub(crate) radius: f32,
    pub(crate) color: Rgb,
}

impl Draw for BigStar {
    fn draw(&self, canvas: &mut Canvas, _ctx: &Ctx) {
        let (c, r) = (self.centre, self.radius);
        let points = star_points(c, r, 0.45, 5);
        canvas.glow(c, r * 2.6, self.color.lighten(0.3), 0.45);
        canvas.fill(
            Rect::around(c, r, r),
            1.0,
            |p| polygon(p, &points) + r * 0.04,
            |p| {
                self.color
                    .lighten(0.35 * (1.0 - (p - c).length() / r).max(0.0))
            },
        );
    }
}

/// A cloud: overlapping puffs on a flat base, shaded toward the bottom.
#[derive(Debug)]
pub(crate) struct Cloud {
    /// Middle of the flat base.
    pub(crate) base: V2,
    /// Puffs: centre offset from `base` and radius.
    pub(crate) puffs: Vec<(V2, f32)>,
    pub(crate) color: Rgb,
    pub(crate) shadow: Rgb,
    pub(crate) opacity: f32,
}

impl Draw for Cloud {
    fn draw(&self, canvas: &mut Canvas, ctx: &Ctx) {
        let reach = self
            .puffs
            .iter()
            .map(|(o, r)| o.x.abs() + r)
            .fold(0.0, f32::max);
        let top = self.puffs.iter().map(|(o, r)| o.y - r).fold(0.0, f32::min);
        let blend = reach * 0.12;
        let base = self.base;
        let shape = |p: V2| {
            let puffs = self
                .puffs
                .iter()
                .map(|&(o, r)| circle(p, base + o, r))
                .reduce(|a, b| smooth_union(a, b, blend))
                .unwrap_or(f32::MAX);
            puffs.max(p.y - base.y)
        };
        let bounds = Rect::new(base.x - reach, base.y + top, base.x + reach, base.y);
        let softness = if ctx.flat { 1.0 } else { 1.5 };
        canvas.fill_soft(bounds, self.opacity, softness, shape, |p| {
            let t = ((p.y - (base.y + top)) / -top).clamp(0.0, 1.0);
            self.color.mix(self.shadow, t * t * 0.7)
        });
    }
}

/// A rainbow arc standing on the horizon.
#[derive(Debug)]
pub(crate) struct Rainbow {
    pub(crate) centre: V2,
    pub(crate) radius: f32,
    pub(crate) width: f32,
    pub(crate) opacity: f32,
}

/// The rainbow's bands, outside in.
const RAINBOW: [u32; 7] = [
    0xe8434b, 0xf5903d, 0xf7d44c, 0x5cb85c, 0x3f8fd6, 0x4b5bc4, 0x8a55c9,
];

impl Draw for Rainbow {
    fn draw(&self, canvas: &mut Canvas, _ctx: &Ctx) {
        let (c, r, w) = (self.centre, self.radius, self.width);
        let inner = r - w;
        let bounds = Rect::new(c.x - r, c.y - r, c.x + r, c.y);
        canvas.fill_soft(
            bounds,
            self.opacity,
            2.0,
            |p| {
                let d = (p - c).length();
                (d - r).max(inner - d).max(p.y - c.y)
            },
            |p| {
                let t = ((r - (p - c).length()) / w).clamp(0.0, 0.999) * RAINBOW.len() as f32;
                let i = t as usize;
                let next = (i + 1).min(RAINBOW.len() - 1);
                hex(RAINBOW[i]).mix(hex(RAINBOW[next]), smoothstep(0.6, 1.0, t - i as f32))
            },
        );
    }
}

/// A planet, optionally ringed.
#[derive(Debug)]
pub(crate) struct Planet {
    pub(crate) centre: V2,
    pub(crate) radius: f32,
    pub(crate) color: Rgb,
    pub(crate) ring: bool,
    pub(crate) tilt: f32,
}

impl Planet {
    fn ring(&self, canvas: &mut Canvas, front: bool) {
        let (c, r) = (self.centre, self.radius);
        let tilt = self.tilt;
        let ring = self.color.lighten(0.35).saturate(0.7);
        canvas.fill(
            Rect::around(c, r * 2.3, r * 2.3),
            0.85,
            |p| {
                let q = (p - c).rotate(-tilt);
                let band = ellipse(q, v2(0.0, 0.0), r * 2.1, r * 0.5).max(-ellipse(
                    q,
                    v2(0.0, 0.0),
                    r * 1.4,
                    r * 0.3,
                ));
                if front { band.max(-q.y) } else { band.max(q.y) }
            },
            |p| {
                let q = (p - c).rotate(-tilt);
                ring.darken(0.15 * ((q.x / r * 6.0).sin() * 0.5 + 0.5))
            },
        );
    }
}

impl Draw for Planet {
    fn draw(&self, canvas: &mut Canvas, ctx: &Ctx) {
        let (c, r) = (self.centre, self.radius);
        canvas.glow(c, r * 1.6, self.color * 0.5, 0.3);
        if self.ring {
            self.ring(canvas, false);
        }
        canvas.fill(
            Rect::around(c, r, r),
            1.0,
            |p| circle(p, c, r),
            |p| {
                let d = (p - c) * (1.0 / r);
                let q = (p - c).rotate(-self.tilt);
                let stripes = ((q.y / r) * 7.0 + ctx.noise_at(p, 6.0) * 2.5).sin() * 0.5 + 0.5;
                let base = self
                    .color
                    .mix(self.color.darken(0.3).rotate_hue(12.0), stripes * 0.6);
                let lit = d.dot(ctx.light).clamp(-1.0, 1.0);
                if lit >= 0.0 {
                    base.lighten(lit * 0.25)
                } else {
                    base.darken(-lit * 0.55)
                }
            },
        );
        if self.ring {
            self.ring(canvas, true);
        }
    }
}
