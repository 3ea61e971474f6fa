//! Houses, towers, castles, lighthouses, tents and the city skyline.

use super::{Ctx, Draw, Thing, ground_shadow};
use crate::imaging::builtin::canvas::{Canvas, Rect};
use crate::imaging::builtin::color::{Rgb, hex};
use crate::imaging::builtin::rng::lattice;
use crate::imaging::builtin::scene::Setting;
use crate::imaging::builtin::sdf::{V2, circle, polygon, rounded_box, v2};

/// Window glass: sky-blue by day, warm and glowing by night.
fn window(ctx: &Ctx) -> Rgb {
    let day = hex(0xbfe1f2);
    let night = hex(0xffd27a);
    ctx.palette.lit(day).mix(night, ctx.palette.night.powf(0.7))
}

/// A filled box in thing units: centre `(x, y)`, half extents `(w, h)`.
fn block(
    canvas: &mut Canvas,
    t: &Thing,
    (x, y): (f32, f32),
    (w, h): (f32, f32),
    radius: f32,
    color: impl Fn(V2) -> Rgb,
) {
    let c = t.at(x, y);
    let half = v2(w * t.size, h * t.size);
    canvas.fill(
        Rect::around(c, half.x + 1.0, half.y + 1.0),
        1.0,
        |p| rounded_box(p, c, half, radius * t.size),
        color,
    );
}

/// Lights a window at night with a soft glow.
fn glow_window(canvas: &mut Canvas, ctx: &Ctx, c: V2, radius: f32) {
    if ctx.palette.night > 0.4 {
        canvas.glow(c, radius, hex(0xffb347), 0.35 * ctx.palette.night);
    }
}

/// A gabled house with a door, two windows and a chimney.
pub(crate) fn house(canvas: &mut Canvas, ctx: &Ctx, t: &Thing) {
    let s = t.size;
    ground_shadow(canvas, ctx, t.base, s * 0.55);
    let wall = ctx.palette.lit(t.color);
    let roof = ctx.palette.lit(t.accent);
    block(canvas, t, (0.3, 0.78), (0.05, 0.12), 0.0, |_| {
        roof.darken(0.2)
    });
    block(canvas, t, (0.0, 0.28), (0.42, 0.28), 0.01, |p| {
        let side = ((p.x - t.base.x) / (s * 0.42)).clamp(-1.0, 1.0);
        ctx.shade(wall, v2(side * 0.4, -1.0), 0.25)
    });
    let eave = [t.at(-0.5, 0.53), t.at(0.5, 0.53), t.at(0.0, 0.95)];
    let apex = eave[2];
    canvas.fill(
        t.bounds(0.52, 0.97),
        1.0,
        |p| polygon(p, &eave) - s * 0.01,
        |p| {
            let side = if p.x < apex.x { -1.0 } else { 1.0 };
            ctx.shade(roof, v2(side, -0.6), 0.3)
        },
    );
    let door = ctx.palette.lit(t.accent.darken(0.35));
    let door_x = if t.variant.is_multiple_of(2) {
        -0.16
    } else {
        0.16
    };
    block(canvas, t, (door_x, 0.15), (0.08, 0.15), 0.03, |_| door);
    let glass = window(ctx);
    let frame = wall.darken(0.3);
    for x in [-door_x, 0.0] {
        if x == 0.0 && !t.variant.is_multiple_of(3) {
            continue;
        }
        let c = t.at(x, 0.33);
        glow_window(canvas, ctx, c, s * 0.18);
        block(canvas, t, (x, 0.33), (0.085, 0.085), 0.01, |_| frame);
        block(canvas, t, (x, 0.33), (0.07, 0.07), 0.005, |p| {
            let cross = (p.x - c.x).abs() < s * 0.008 || (p.y - c.y).abs() < s * 0.008;
            if cross { frame } else { glass }
        });
    }
}

/// A stone tower with battlements, or a glass skyscraper in a city.
pub(crate) fn tower(canvas: &mut Canvas, ctx: &Ctx, t: &Thing) {
    let s = t.size;
    ground_shadow(canvas, ctx, t.base, s * 0.18);
    let wall = ctx.palette.lit(t.color);
    if t.setting == Setting::City {
        let glass = window(ctx);
        block(canvas, t, (0.0, 0.5), (0.16, 0.5), 0.0, |p| {
            let (u, v) = ((p.x - t.base.x) / s, (t.base.y - p.y) / s);
            let on = (u * 40.0).rem_euclid(1.0) < 0.55 && (v * 28.0).rem_euclid(1.0) < 0.6;
            let side = ctx.shade(wall, v2((u / 0.16).clamp(-1.0, 1.0) * 0.5, -1.0), 0.25);
            if on && u.abs() < 0.14 {
                side.mix(glass, 0.6)
            } else {
                side
            }
        });
        block(canvas, t, (0.0, 1.02), (0.01, 0.05), 0.0, |_| {
            wall.darken(0.3)
        });
        return;
    }
    block(canvas, t, (0.0, 0.4), (0.13, 0.4), 0.0, |p| {
        let side = ((p.x - t.base.x) / (s * 0.13)).clamp(-1.0, 1.0);
        ctx.shade(wall, v2(side, -0.3), 0.3)
    });
    for i in 0..3 {
        block(
            canvas,
            t,
            (-0.1 + i as f32 * 0.1, 0.83),
            (0.035, 0.04),
            0.0,
            |_| wall.darken(0.05),
        );
    }
    if t.variant.is_multiple_of(2) {
        let roof = ctx.palette.lit(t.accent);
        let cone = [t.at(-0.16, 0.8), t.at(0.16, 0.8), t.at(0.0, 1.1)];
        canvas.fill(
            t.bounds(0.17, 1.12),
            1.0,
            |p| polygon(p, &cone),
            |p| {
                let side = if p.x < cone[2].x { -1.0 } else { 1.0 };
                ctx.shade(roof, v2(side, -0.5), 0.3)
            },
        );
    }
    let dark = wall.darken(0.55);
    for y in [0.35, 0.6] {
        glow_window(canvas, ctx, t.at(0.0, y), s * 0.1);
        block(canvas, t, (0.0, y), (0.025, 0.05), 0.02, |_| {
            dark.mix(window(ctx), ctx.palette.night)
        });
    }
    block(canvas, t, (0.0, 0.08), (0.05, 0.08), 0.04, |_| dark);
}

/// A castle: a keep between two round-roofed towers, a wall and a gate.
pub(crate) fn castle(canvas: &mut Canvas, ctx: &Ctx, t: &Thing) {
    let s = t.size;
    ground_shadow(canvas, ctx, t.base, s * 0.75);
    let stone = ctx.palette.lit(t.color);
    let roof = ctx.palette.lit(t.accent);
    let shaded = |p: V2, centre: f32, half: f32| {
        let side = ((p.x - t.at(centre, 0.0).x) / (s * half)).clamp(-1.0, 1.0);
        ctx.shade(stone, v2(side * 0.6, -1.0), 0.3)
    };
    block(canvas, t, (0.0, 0.5), (0.17, 0.5), 0.0, |p| {
        shaded(p, 0.0, 0.17)
    });
    for i in 0..4 {
        block(
            canvas,
            t,
            (-0.13 + i as f32 * 0.087, 1.02),
            (0.025, 0.04),
            0.0,
            |_| stone,
        );
    }
    block(canvas, t, (0.0, 0.22), (0.55, 0.22), 0.0, |p| {
        shaded(p, 0.0, 0.55).darken(0.05)
    });
    for i in 0..12 {
        let x = -0.52 + i as f32 * 0.095;
        if x.abs() < 0.2 {
            continue;
        }
        block(canvas, t, (x, 0.46), (0.025, 0.03), 0.0, |_| {
            stone.darken(0.05)
        });
    }
    for side in [-1.0f32, 1.0] {
        let x = side * 0.52;
        block(canvas, t, (x, 0.38), (0.1, 0.38), 0.0, |p| {
            shaded(p, x, 0.1)
        });
        let cone = [t.at(x - 0.13, 0.74), t.at(x + 0.13, 0.74), t.at(x, 1.05)];
        canvas.fill(
            Rect::spanning(&cone).grow(2.0),
            1.0,
            |p| polygon(p, &cone),
            |p| {
                let side = if p.x < cone[2].x { -1.0 } else { 1.0 };
                ctx.shade(roof, v2(side, -0.5), 0.3)
            },
        );
        let pole = t.at(x, 1.05);
        let flag = [pole, t.at(x + 0.1, 1.09), t.at(x, 1.13)];
        canvas.fill(
            Rect::spanning(&flag).grow(2.0),
            1.0,
            |p| polygon(p, &flag),
            |_| roof.lighten(0.15),
        );
        glow_window(canvas, ctx, t.at(x, 0.5), s * 0.1);
        block(canvas, t, (x, 0.5), (0.022, 0.05), 0.02, |_| {
            stone.darken(0.55).mix(window(ctx), ctx.palette.night)
        });
    }
    let gate = stone.darken(0.6);
    let arch = t.at(0.0, 0.16);
    canvas.fill(
        t.bounds(0.1, 0.26),
        1.0,
        |p| {
            let body = rounded_box(p, t.at(0.0, 0.08), v2(s * 0.08, s * 0.08), 0.0);
            body.min(circle(p, arch, s * 0.08)).max(p.y - t.base.y)
        },
        |_| gate,
    );
    glow_window(canvas, ctx, t.at(0.0, 0.75), s * 0.12);
    block(canvas, t, (0.0, 0.75), (0.03, 0.06), 0.025, |_| {
        stone.darken(0.55).mix(window(ctx), ctx.palette.night)
    });
}

/// A striped lighthouse; at night its lamp glows and throws a beam.
pub(crate) fn lighthouse(canvas: &mut Canvas, ctx: &Ctx, t: &Thing) {
    let s = t.size;
    ground_shadow(canvas, ctx, t.base, s * 0.16);
    let white = ctx.palette.lit(hex(0xf5f2ea));
    let stripe = ctx.palette.lit(t.color);
    let body = [
        t.at(-0.12, 0.0),
        t.at(0.12, 0.0),
        t.at(0.075, 0.72),
        t.at(-0.075, 0.72),
    ];
    canvas.fill(
        t.bounds(0.13, 0.73),
        1.0,
        |p| polygon(p, &body),
        |p| {
            let v = (t.base.y - p.y) / s;
            let band = ((v / 0.72) * 5.0) as u32 % 2 == 1;
            let side = ((p.x - t.base.x) / (s * 0.1)).clamp(-1.0, 1.0);
            ctx.shade(if band { stripe } else { white }, v2(side, -0.2), 0.3)
        },
    );
    let dark = ctx.palette.lit(hex(0x2d3142));
    block(canvas, t, (0.0, 0.74), (0.11, 0.02), 0.0, |_| dark);
    let lamp = t.at(0.0, 0.8);
    let lit = ctx.palette.night > 0.3;
    let glass = if lit { hex(0xfff1b8) } else { window(ctx) };
    block(canvas, t, (0.0, 0.8), (0.06, 0.05), 0.0, |_| glass);
    let cap = [t.at(-0.08, 0.85), t.at(0.08, 0.85), t.at(0.0, 0.95)];
    canvas.fill(
        t.bounds(0.09, 0.96),
        1.0,
        |p| polygon(p, &cap),
        |_| stripe.darken(0.1),
    );
    if lit {
        canvas.glow(lamp, s * 0.35, hex(0xffe08a), 0.7 * ctx.palette.night);
        let direction = if t.flip { -1.0 } else { 1.0 };
        let far = lamp.x + direction * s * 2.2;
        let beam = [lamp, v2(far, lamp.y - s * 0.25), v2(far, lamp.y + s * 0.15)];
        canvas.fill_soft(
            Rect::new(
                lamp.x.min(far),
                lamp.y - s * 0.3,
                lamp.x.max(far),
                lamp.y + s * 0.2,
            ),
            0.22 * ctx.palette.night,
            s * 0.08,
            |p| polygon(p, &beam),
            |p| {
                hex(0xfff3c4).mix(
                    ctx.palette.sky[1],
                    ((p.x - lamp.x).abs() / (s * 2.2)).min(1.0),
                )
            },
        );
    }
}

/// A ridge tent with an open flap.
pub(crate) fn tent(canvas: &mut Canvas, ctx: &Ctx, t: &Thing) {
    let s = t.size;
    ground_shadow(canvas, ctx, t.base, s * 0.6);
    let cloth = ctx.palette.lit(t.color);
    let body = [t.at(-0.6, 0.0), t.at(0.6, 0.0), t.at(0.0, 0.75)];
    canvas.fill(
        t.bounds(0.62, 0.77),
        1.0,
        |p| polygon(p, &body),
        |p| {
            let side = if p.x < body[2].x { -1.0 } else { 1.0 };
            ctx.shade(cloth, v2(side, -0.4), 0.3)
        },
    );
    let opening = [t.at(-0.16, 0.0), t.at(0.16, 0.0), t.at(0.0, 0.55)];
    let inside = cloth
        .darken(0.6)
        .mix(hex(0xffb347), ctx.palette.night * 0.6);
    canvas.fill(
        t.bounds(0.2, 0.56),
        1.0,
        |p| polygon(p, &opening),
        |_| inside,
    );
}

/// A row of city buildings along the horizon, with lit windows at night.
#[derive(Debug)]
pub(crate) struct Skyline {
    /// Left edge, right edge, roof row, colour and a window seed.
    pub(crate) buildings: Vec<(f32, f32, f32, Rgb, u64)>,
    /// The street row.
    pub(crate) base: f32,
    /// Size of a window cell in pixels.
    pub(crate) cell: f32,
}

impl Draw for Skyline {
    fn draw(&self, canvas: &mut Canvas, ctx: &Ctx) {
        let glass = window(ctx);
        for &(x0, x1, top, color, seed) in &self.buildings {
            let body = ctx.palette.lit(color);
            let centre = v2((x0 + x1) / 2.0, (top + self.base) / 2.0);
            let half = v2((x1 - x0) / 2.0, (self.base - top) / 2.0);
            let cell = self.cell;
            canvas.fill(
                Rect::new(x0, top, x1, self.base).grow(1.0),
                1.0,
                |p| rounded_box(p, centre, half, 0.0),
                |p| {
                    let (u, v) = ((p.x - x0) / cell, (p.y - top) / cell);
                    let inside_x = p.x > x0 + cell * 0.6 && p.x < x1 - cell * 0.6;
                    let inside_y = v > 0.8;
                    let on = u.fract() < 0.5 && v.fract() < 0.55 && inside_x && inside_y;
                    let lit = lattice(seed, u as i64, v as i64) < 0.25 + 0.4 * ctx.palette.night;
                    let side = if p.x > centre.x { -1.0 } else { 1.0 };
                    let wall = ctx.shade(body, v2(side * ctx.light.x.signum(), 0.0), 0.12);
                    if on && lit {
                        glass
                    } else if on {
                        wall.darken(0.2)
                    } else {
                        wall
                    }
                },
            );
        }
    }
}
