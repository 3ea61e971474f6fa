//! Creatures: birds, butterflies, cats, fish and snowmen.

use super::{Ctx, Thing, ground_shadow};
use crate::imaging::builtin::canvas::{Canvas, Rect};
use crate::imaging::builtin::color::{Rgb, hex};
use crate::imaging::builtin::sdf::{
    V2, capsule, circle, ellipse, polygon, rounded_box, smooth_union, tapered, v2,
};

/// A bird in flight seen from afar: two bent wings. `base` is its body.
pub(crate) fn bird(canvas: &mut Canvas, ctx: &Ctx, t: &Thing) {
    let s = t.size;
    let color = ctx.palette.lit(t.color);
    let flap = 0.12 + (t.variant % 4) as f32 * 0.06;
    let body = t.at(0.0, 0.0);
    let wing = |side: f32| (t.at(side * 0.22, flap), t.at(side * 0.5, flap * 0.4));
    let (l_elbow, l_tip) = wing(-1.0);
    let (r_elbow, r_tip) = wing(1.0);
    let shape = |p: V2| {
        let left = tapered(p, body, l_elbow, s * 0.05, s * 0.035).min(tapered(
            p,
            l_elbow,
            l_tip,
            s * 0.035,
            s * 0.004,
        ));
        let right = tapered(p, body, r_elbow, s * 0.05, s * 0.035).min(tapered(
            p,
            r_elbow,
            r_tip,
            s * 0.035,
            s * 0.004,
        ));
        smooth_union(left, right, s * 0.03)
    };
    canvas.fill(Rect::around(body, s * 0.55, s * 0.4), 1.0, shape, |_| color);
}

/// A butterfly: four wings and a body. `base` is its body.
pub(crate) fn butterfly(canvas: &mut Canvas, ctx: &Ctx, t: &Thing) {
    let s = t.size;
    let c = t.at(0.0, 0.0);
    let wings = ctx.palette.lit(t.color);
    let spots = ctx.palette.lit(t.accent);
    for (dx, dy, rx, ry, angle) in [
        (0.22, 0.15, 0.22, 0.15, -0.6),
        (0.17, -0.12, 0.15, 0.1, 0.5),
    ] {
        for side in [-1.0f32, 1.0] {
            let wc = t.at(dx * side, dy);
            let a = angle * side;
            canvas.fill(
                Rect::around(wc, s * rx * 1.1, s * rx * 1.1),
                1.0,
                |p| ellipse((p - wc).rotate(-a), v2(0.0, 0.0), s * rx, s * ry),
                |p| {
                    let d = (p - wc).length() / (s * rx);
                    if d < 0.35 {
                        spots
                    } else {
                        wings.darken((d - 0.6).max(0.0) * 0.6)
                    }
                },
            );
        }
    }
    let body = ctx.palette.lit(hex(0x2b2d42));
    canvas.fill(
        Rect::around(c, s * 0.05, s * 0.3),
        1.0,
        |p| capsule(p, t.at(0.0, -0.25), t.at(0.0, 0.25), s * 0.035),
        |_| body,
    );
}

/// A sitting cat with a curled tail.
pub(crate) fn cat(canvas: &mut Canvas, ctx: &Ctx, t: &Thing) {
    let s = t.size;
    ground_shadow(canvas, ctx, t.base, s * 0.4);
    let fur = ctx.palette.lit(t.color);
    let tail = [t.at(0.22, 0.06), t.at(0.42, 0.12), t.at(0.46, 0.35)];
    canvas.fill(
        t.bounds(0.52, 0.45),
        1.0,
        |p| capsule(p, tail[0], tail[1], s * 0.045).min(capsule(p, tail[1], tail[2], s * 0.04)),
        |_| fur.darken(0.1),
    );
    let body = t.at(0.0, 0.3);
    let head = t.at(-0.04, 0.72);
    let ears = [
        [t.at(-0.22, 0.78), t.at(-0.14, 0.98), t.at(-0.04, 0.86)],
        [t.at(0.0, 0.86), t.at(0.1, 0.98), t.at(0.15, 0.78)],
    ];
    let shape = |p: V2| {
        let trunk = ellipse(p, body, s * 0.27, s * 0.31);
        let skull = circle(p, head, s * 0.19);
        let ear = polygon(p, &ears[0]).min(polygon(p, &ears[1]));
        smooth_union(trunk, skull, s * 0.06)
            .min(ear - s * 0.01)
            .max(p.y - t.base.y)
    };
    canvas.fill(t.bounds(0.35, 1.0), 1.0, shape, |p| {
        let n = (p - body) * (1.0 / (s * 0.4));
        ctx.shade(fur, n, 0.3)
    });
    let eye = ctx
        .palette
        .lit(hex(0x9bd16a))
        .mix(hex(0xd8f27a), ctx.palette.night);
    let pupil = hex(0x1b1b1f);
    for x in [-0.12, 0.04] {
        let c = t.at(x, 0.74);
        canvas.fill(
            Rect::around(c, s * 0.05, s * 0.05),
            1.0,
            |p| ellipse(p, c, s * 0.04, s * 0.032),
            |_| eye,
        );
        canvas.fill(
            Rect::around(c, s * 0.02, s * 0.04),
            1.0,
            |p| ellipse(p, c, s * 0.012, s * 0.028),
            |_| pupil,
        );
    }
    let nose = t.at(-0.04, 0.66);
    canvas.fill(
        Rect::around(nose, s * 0.03, s * 0.03),
        1.0,
        |p| circle(p, nose, s * 0.018),
        |_| hex(0xe88a9a),
    );
}

/// A fish swimming sideways, striped. `base` is its middle.
pub(crate) fn fish(canvas: &mut Canvas, ctx: &Ctx, t: &Thing) {
    let s = t.size;
    let c = t.at(0.0, 0.0);
    let scales = ctx.palette.lit(t.color);
    let fin = ctx.palette.lit(t.accent);
    let tail = [t.at(-0.38, 0.0), t.at(-0.62, 0.2), t.at(-0.62, -0.2)];
    canvas.fill(
        Rect::around(c, s * 0.65, s * 0.3),
        1.0,
        |p| polygon(p, &tail) - s * 0.02,
        |_| fin,
    );
    canvas.fill(
        Rect::around(c, s * 0.45, s * 0.3),
        1.0,
        |p| ellipse(p, c, s * 0.42, s * 0.24),
        |p| {
            let u = (p.x - c.x) / s * if t.flip { -1.0 } else { 1.0 };
            let stripe = ((u * 14.0).sin() > 0.6) && t.variant.is_multiple_of(2);
            let n = (p - c) * (1.0 / (s * 0.3));
            ctx.shade(if stripe { fin.lighten(0.3) } else { scales }, n, 0.3)
        },
    );
    let eye = t.at(0.22, 0.05);
    canvas.fill(
        Rect::around(eye, s * 0.06, s * 0.06),
        1.0,
        |p| circle(p, eye, s * 0.045),
        |_| Rgb::WHITE,
    );
    canvas.fill(
        Rect::around(eye, s * 0.03, s * 0.03),
        1.0,
        |p| circle(p, eye, s * 0.022),
        |_| hex(0x1b1b1f),
    );
}

/// A snowman: three balls, a hat, a carrot nose and a scarf.
pub(crate) fn snowman(canvas: &mut Canvas, ctx: &Ctx, t: &Thing) {
    let s = t.size;
    ground_shadow(canvas, ctx, t.base, s * 0.3);
    let snow = ctx.palette.lit(hex(0xf7fafc));
    for (y, r) in [(0.2, 0.2), (0.52, 0.15), (0.76, 0.11)] {
        let c = t.at(0.0, y);
        canvas.fill(
            Rect::around(c, s * r, s * r),
            1.0,
            |p| circle(p, c, s * r),
            |p| ctx.shade(snow, (p - c) * (1.0 / (s * r)), 0.25),
        );
    }
    let scarf = ctx.palette.lit(t.color);
    let knot = t.at(0.0, 0.65);
    canvas.fill(
        Rect::around(knot, s * 0.16, s * 0.12),
        1.0,
        |p| {
            rounded_box(p, knot, v2(s * 0.13, s * 0.03), s * 0.02).min(rounded_box(
                p,
                t.at(0.08, 0.57),
                v2(s * 0.03, s * 0.08),
                s * 0.02,
            ))
        },
        |_| scarf,
    );
    let coal = hex(0x22242a);
    for x in [-0.04, 0.04] {
        let c = t.at(x, 0.79);
        canvas.fill(
            Rect::around(c, s * 0.02, s * 0.02),
            1.0,
            |p| circle(p, c, s * 0.014),
            |_| coal,
        );
    }
    let nose = [t.at(0.0, 0.76), t.at(0.0, 0.73), t.at(0.14, 0.745)];
    canvas.fill(
        t.bounds(0.16, 0.8),
        1.0,
        |p| polygon(p, &nose),
        |_| hex(0xf28c28),
    );
    canvas.fill(
        t.bounds(0.16, 1.05),
        1.0,
        |p| {
            rounded_box(p, t.at(0.0, 0.86), v2(s * 0.13, s * 0.012), 0.0).min(rounded_box(
                p,
                t.at(0.0, 0.93),
                v2(s * 0.08, s * 0.07),
                0.0,
            ))
        },
        |_| coal,
    );
}
