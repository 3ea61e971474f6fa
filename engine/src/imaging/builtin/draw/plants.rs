//! Trees, palms, cacti, flowers and grass.

use super::{Ctx, Thing, ground_shadow};
use crate::imaging::builtin::canvas::{Canvas, Rect};
use crate::imaging::builtin::color::{Rgb, hex};
use crate::imaging::builtin::rng::lattice;
use crate::imaging::builtin::scene::Setting;
use crate::imaging::builtin::sdf::{
    V2, capsule, circle, ellipse, polygon, smooth_union, tapered, v2,
};

/// Cylinder shading across a vertical part: lighter on the lit side.
fn across(ctx: &Ctx, color: Rgb, offset: f32, half_width: f32) -> Rgb {
    let n = (offset / half_width.max(1e-3)).clamp(-1.0, 1.0);
    ctx.shade(color, v2(n, -0.3), 0.35)
}

/// A leafy tree: a trunk and a cloud of foliage, shaded toward the light.
pub(crate) fn tree(canvas: &mut Canvas, ctx: &Ctx, t: &Thing) {
    let s = t.size;
    ground_shadow(canvas, ctx, t.base, s * 0.32);
    let trunk = ctx.palette.lit(ctx.palette.trunk);
    let (bottom, top) = (t.at(0.0, 0.0), t.at(0.02, 0.55));
    canvas.fill(
        t.bounds(0.1, 0.6),
        1.0,
        |p| tapered(p, bottom, top, s * 0.055, s * 0.03),
        |p| across(ctx, trunk, p.x - t.base.x, s * 0.05),
    );
    let lobes = [
        (0.0, 0.62, 0.3),
        (-0.19, 0.5, 0.2),
        (0.2, 0.52, 0.21),
        (-0.08, 0.8, 0.2),
        (0.12, 0.76, 0.19),
    ];
    let centre = t.at(0.0, 0.62);
    let shape = |p: V2| {
        lobes
            .iter()
            .map(|&(x, y, r)| circle(p, t.at(x, y), r * s))
            .reduce(|a, b| smooth_union(a, b, s * 0.06))
            .unwrap_or(f32::MAX)
    };
    let leaves = ctx.palette.lit(t.color);
    canvas.fill(t.bounds(0.45, 1.0), 1.0, shape, |p| {
        let n = (p - centre) * (1.0 / (s * 0.4));
        let mut c = ctx.shade(leaves, n, 0.4);
        if !ctx.flat {
            let speckle = ctx.noise_at(p, 90.0);
            c = c.lighten((speckle - 0.55).max(0.0) * 0.35);
        }
        c
    });
    if let Some(dots) = t.dots {
        let blossom = ctx.palette.lit(dots);
        for k in 0..28 {
            let u = lattice(u64::from(t.variant), k, 0) * 2.0 - 1.0;
            let v = lattice(u64::from(t.variant), k, 1) * 2.0 - 1.0;
            let c = t.at(u * 0.38, 0.64 + v * 0.26);
            let r = s * (0.022 + 0.012 * lattice(u64::from(t.variant), k, 2));
            canvas.fill(
                Rect::around(c, r, r),
                1.0,
                |p| circle(p, c, r).max(shape(p)),
                |_| blossom,
            );
        }
    }
}

/// A conifer: stacked tiers, snowy in winter.
pub(crate) fn pine(canvas: &mut Canvas, ctx: &Ctx, t: &Thing) {
    let s = t.size;
    ground_shadow(canvas, ctx, t.base, s * 0.22);
    let trunk = ctx.palette.lit(ctx.palette.trunk.darken(0.3));
    let (bottom, top) = (t.at(0.0, 0.0), t.at(0.0, 0.15));
    canvas.fill(
        t.bounds(0.06, 0.2),
        1.0,
        |p| capsule(p, bottom, top, s * 0.03),
        |_| trunk,
    );
    let leaves = ctx.palette.lit(t.color);
    let snowy = t.snowy;
    let snow = ctx.palette.lit(hex(0xf4f8fc));
    let tiers = 3 + t.variant % 2;
    let slim = 0.85 + (t.variant % 5) as f32 * 0.06;
    let step = 0.75 / tiers as f32;
    for tier in 0..tiers {
        let y0 = 0.09 + tier as f32 * step;
        let half = (0.32 - tier as f32 * (0.22 / tiers as f32)) * slim;
        let points = [t.at(-half, y0), t.at(half, y0), t.at(0.0, y0 + step * 1.8)];
        let apex = points[2];
        canvas.fill(
            t.bounds(half + 0.02, y0 + step * 1.8 + 0.02),
            1.0,
            |p| polygon(p, &points) - s * 0.012,
            |p| {
                let side = if (p.x - apex.x) * ctx.light.x > 0.0 {
                    1.0
                } else {
                    -1.0
                };
                let mut c = ctx.shade(leaves, v2(side, -0.2), 0.35);
                if snowy {
                    let drift = (p.y - apex.y) / (s * step * 1.8);
                    let edge = 0.25 + 0.08 * ((p.x / s) * 40.0).sin();
                    if drift < edge {
                        c = ctx.shade(snow, v2(side, -0.4), 0.15);
                    }
                }
                c
            },
        );
    }
}

/// A palm: a curved ringed trunk and drooping fronds.
pub(crate) fn palm(canvas: &mut Canvas, ctx: &Ctx, t: &Thing) {
    let s = t.size;
    ground_shadow(canvas, ctx, t.base, s * 0.25);
    let lean = if t.variant.is_multiple_of(2) {
        0.18
    } else {
        -0.12
    };
    let trunk = ctx.palette.lit(hex(0x9a7150));
    let point = |k: f32| t.at(lean * k * k, 0.85 * k);
    let segments = 10;
    for i in 0..segments {
        let (a, b) = (
            point(i as f32 / segments as f32),
            point((i + 1) as f32 / segments as f32),
        );
        let r = s * (0.045 - 0.015 * i as f32 / segments as f32);
        let shade = if i % 2 == 0 { 0.0 } else { 0.12 };
        let bounds =
            Rect::new(a.x.min(b.x), a.y.min(b.y), a.x.max(b.x), a.y.max(b.y)).grow(r * 1.5);
        canvas.fill(
            bounds,
            1.0,
            |p| capsule(p, a, b, r),
            |p| across(ctx, trunk.darken(shade), p.x - (a.x + b.x) / 2.0, r),
        );
    }
    let crown = point(1.0);
    let leaves = ctx.palette.lit(t.color);
    for i in 0..7 {
        let angle = -2.9 + i as f32 * (2.6 / 6.0) + if i % 2 == 0 { 0.05 } else { -0.05 };
        let dir = v2(angle.cos(), angle.sin());
        let mid = crown + dir * (s * 0.22);
        let tip = crown + dir * (s * 0.42) + v2(0.0, s * 0.16);
        let bounds = Rect::new(
            crown.x.min(tip.x),
            crown.y.min(tip.y).min(mid.y),
            crown.x.max(tip.x),
            crown.y.max(tip.y),
        )
        .grow(s * 0.1);
        let shape = |p: V2| {
            smooth_union(
                tapered(p, crown, mid, s * 0.05, s * 0.045),
                tapered(p, mid, tip, s * 0.045, s * 0.005),
                s * 0.02,
            )
        };
        canvas.fill(bounds, 1.0, shape, |p| {
            let below = (p.y - crown.y) / (s * 0.3);
            leaves.darken((below * 0.25).clamp(0.0, 0.3))
        });
    }
    let nut = ctx.palette.lit(hex(0x6b4a2b));
    for dx in [-0.035, 0.035] {
        let c = crown + v2(dx * s, s * 0.05);
        canvas.fill(
            Rect::around(c, s * 0.04, s * 0.04),
            1.0,
            |p| circle(p, c, s * 0.032),
            |_| nut,
        );
    }
}

/// A saguaro cactus with two arms.
pub(crate) fn cactus(canvas: &mut Canvas, ctx: &Ctx, t: &Thing) {
    let s = t.size;
    ground_shadow(canvas, ctx, t.base, s * 0.2);
    let green = ctx.palette.lit(t.color);
    let r = s * 0.09;
    let parts = [
        (t.at(0.0, 0.0), t.at(0.0, 0.9), r),
        (t.at(0.0, 0.42), t.at(-0.24, 0.42), r * 0.75),
        (t.at(-0.24, 0.42), t.at(-0.24, 0.68), r * 0.75),
        (t.at(0.0, 0.52), t.at(0.22, 0.52), r * 0.7),
        (t.at(0.22, 0.52), t.at(0.22, 0.78), r * 0.7),
    ];
    let shape = |p: V2| {
        parts
            .iter()
            .map(|&(a, b, w)| capsule(p, a, b, w))
            .reduce(|x, y| smooth_union(x, y, s * 0.03))
            .unwrap_or(f32::MAX)
    };
    canvas.fill(t.bounds(0.35, 1.0), 1.0, shape, |p| {
        let nearest = parts
            .iter()
            .min_by(|a, b| capsule(p, a.0, a.1, a.2).total_cmp(&capsule(p, b.0, b.1, b.2)))
            .map_or(t.base.x, |part| part.0.x);
        let offset = p.x - nearest;
        let rib = ((offset / r) * 4.7).cos().abs();
        across(ctx, green, offset, r).darken((1.0 - rib) * 0.12)
    });
}

/// A flower: stem, leaf, petals round a centre.
pub(crate) fn flower(canvas: &mut Canvas, ctx: &Ctx, t: &Thing) {
    let s = t.size;
    let stem = ctx.palette.lit(ctx.palette.foliage.darken(0.15));
    let (bottom, head) = (t.at(0.0, 0.0), t.at(0.04, 0.72));
    canvas.fill(
        t.bounds(0.08, 0.75),
        1.0,
        |p| capsule(p, bottom, head, s * 0.025),
        |_| stem,
    );
    let leaf = t.at(0.1, 0.3);
    canvas.fill(
        Rect::around(leaf, s * 0.14, s * 0.1),
        1.0,
        |p| {
            let q = (p - leaf).rotate(-0.5);
            ellipse(q, v2(0.0, 0.0), s * 0.12, s * 0.045)
        },
        |_| stem,
    );
    let petals = ctx.palette.lit(t.color);
    let count = 5 + t.variant % 2;
    let spin = (t.variant % 7) as f32 * 0.4;
    let centres: Vec<V2> = (0..count)
        .map(|i| {
            let a = spin + i as f32 * std::f32::consts::TAU / count as f32;
            head + v2(a.cos(), a.sin()) * (s * 0.13)
        })
        .collect();
    canvas.fill(
        Rect::around(head, s * 0.3, s * 0.3),
        1.0,
        |p| {
            centres
                .iter()
                .map(|&c| circle(p, c, s * 0.1))
                .fold(f32::MAX, f32::min)
        },
        |p| petals.lighten(0.25 * (1.0 - (p - head).length() / (s * 0.23)).max(0.0)),
    );
    let middle = ctx.palette.lit(t.accent);
    canvas.fill(
        Rect::around(head, s * 0.08, s * 0.08),
        1.0,
        |p| circle(p, head, s * 0.07),
        |_| middle,
    );
}

/// A tuft of grass blades; under water, a swaying kelp strand.
pub(crate) fn grass(canvas: &mut Canvas, ctx: &Ctx, t: &Thing) {
    let s = t.size;
    let blade = ctx.palette.lit(t.color);
    if t.setting == Setting::Underwater {
        let sway = (t.variant % 5) as f32 * 0.7;
        let segments = 8;
        for i in 0..segments {
            let k0 = i as f32 / segments as f32;
            let k1 = (i + 1) as f32 / segments as f32;
            let a = t.at(0.08 * (k0 * 5.0 + sway).sin() * k0, k0);
            let b = t.at(0.08 * (k1 * 5.0 + sway).sin() * k1, k1);
            let r = s * 0.035 * (1.0 - 0.5 * k0);
            let bounds = Rect::new(a.x.min(b.x), b.y, a.x.max(b.x), a.y).grow(r * 2.0);
            canvas.fill(
                bounds,
                0.9,
                |p| capsule(p, a, b, r),
                |_| blade.darken(0.2 * k0),
            );
        }
        return;
    }
    for i in 0..5 {
        let lean = (i as f32 - 2.0) * 0.12 + (t.variant % 3) as f32 * 0.03;
        let height = 0.7 + 0.3 * ((i * 7 + t.variant as usize) % 4) as f32 / 3.0;
        let root = t.at((i as f32 - 2.0) * 0.05, 0.0);
        let tip = t.at((i as f32 - 2.0) * 0.05 + lean, height);
        let shade = if i % 2 == 0 { 0.0 } else { 0.15 };
        let bounds = Rect::new(root.x.min(tip.x), tip.y, root.x.max(tip.x), root.y).grow(s * 0.06);
        canvas.fill(
            bounds,
            1.0,
            |p| tapered(p, root, tip, s * 0.04, 0.0),
            |_| blade.darken(shade),
        );
    }
}
