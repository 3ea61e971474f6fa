//! Vehicles: hot-air balloons, rockets, sailing boats and cars.

use super::{Ctx, Thing, ground_shadow};
use crate::imaging::builtin::canvas::{Canvas, Rect};
use crate::imaging::builtin::color::hex;
use crate::imaging::builtin::sdf::{
    V2, capsule, circle, ellipse, polygon, rounded_box, smooth_union, tapered, v2,
};

/// A striped hot-air balloon with its basket. `base` is the envelope's centre.
pub(crate) fn balloon(canvas: &mut Canvas, ctx: &Ctx, t: &Thing) {
    let s = t.size;
    let c = t.at(0.0, 0.0);
    let (main, stripe) = (ctx.palette.lit(t.color), ctx.palette.lit(t.accent));
    let neck = t.at(0.0, -0.48);
    let shape = |p: V2| {
        smooth_union(
            circle(p, c, s * 0.32),
            tapered(p, c, neck, s * 0.2, s * 0.07),
            s * 0.12,
        )
    };
    canvas.fill(Rect::around(c, s * 0.36, s * 0.52), 1.0, shape, |p| {
        let u = (p.x - c.x) / (s * 0.32);
        let band = ((u.clamp(-1.0, 1.0).asin() / std::f32::consts::PI * 6.0 + 3.0).floor() as i32)
            .rem_euclid(2)
            == 0;
        let color = if band { main } else { stripe };
        ctx.shade(color, v2(u, -0.4), 0.35)
    });
    let rope = ctx.palette.lit(hex(0x5a4632));
    let basket_top = t.at(0.0, -0.6);
    for side in [-1.0f32, 1.0] {
        let a = t.at(side * 0.07, -0.48);
        let b = t.at(side * 0.06, -0.6);
        canvas.fill(
            Rect::around(c, s * 0.4, s * 0.7),
            1.0,
            |p| capsule(p, a, b, s * 0.006),
            |_| rope,
        );
    }
    let basket = ctx.palette.lit(hex(0x9a6b3f));
    let bc = basket_top + v2(0.0, s * 0.05);
    canvas.fill(
        Rect::around(bc, s * 0.08, s * 0.06),
        1.0,
        |p| rounded_box(p, bc, v2(s * 0.065, s * 0.05), s * 0.01),
        |_| basket,
    );
}

/// A rocket pointing up with a flame. `base` is its middle.
pub(crate) fn rocket(canvas: &mut Canvas, ctx: &Ctx, t: &Thing) {
    let s = t.size;
    let c = t.at(0.0, 0.0);
    let hull = ctx.palette.lit(hex(0xeef0f2));
    let trim = ctx.palette.lit(t.color);
    let flame = t.at(0.0, -0.5);
    canvas.glow(flame, s * 0.35, hex(0xffa347), 0.8);
    canvas.fill(
        Rect::around(flame, s * 0.1, s * 0.2),
        1.0,
        |p| tapered(p, t.at(0.0, -0.38), t.at(0.0, -0.62), s * 0.08, s * 0.0),
        |p| {
            hex(0xffe27a).mix(
                hex(0xff6a3d),
                ((p.y - t.at(0.0, -0.38).y) / (s * 0.24)).clamp(0.0, 1.0),
            )
        },
    );
    for side in [-1.0f32, 1.0] {
        let fin = [
            t.at(side * 0.09, -0.1),
            t.at(side * 0.22, -0.38),
            t.at(side * 0.09, -0.32),
        ];
        canvas.fill(
            Rect::around(c, s * 0.25, s * 0.45),
            1.0,
            |p| polygon(p, &fin) - s * 0.01,
            |_| trim,
        );
    }
    let shape = |p: V2| {
        tapered(p, t.at(0.0, -0.32), t.at(0.0, 0.22), s * 0.1, s * 0.09).min(tapered(
            p,
            t.at(0.0, 0.22),
            t.at(0.0, 0.45),
            s * 0.09,
            s * 0.0,
        ))
    };
    canvas.fill(Rect::around(c, s * 0.12, s * 0.5), 1.0, shape, |p| {
        let u = (p.x - c.x) / (s * 0.1);
        let nose = (c.y - p.y) / s > 0.25;
        ctx.shade(if nose { trim } else { hull }, v2(u, -0.2), 0.4)
    });
    let porthole = t.at(0.0, 0.08);
    let glass = ctx.palette.lit(hex(0x5fb3d9));
    canvas.fill(
        Rect::around(porthole, s * 0.07, s * 0.07),
        1.0,
        |p| circle(p, porthole, s * 0.055),
        |_| trim.darken(0.2),
    );
    canvas.fill(
        Rect::around(porthole, s * 0.05, s * 0.05),
        1.0,
        |p| circle(p, porthole, s * 0.04),
        |_| glass,
    );
}

/// A sailing boat on the water. `base` is the waterline's middle.
pub(crate) fn boat(canvas: &mut Canvas, ctx: &Ctx, t: &Thing) {
    let s = t.size;
    let hull = ctx.palette.lit(t.color);
    let sail = ctx.palette.lit(t.accent);
    let wake = ctx.palette.lit(hex(0xf2f7fa));
    let w = t.base;
    canvas.fill_soft(
        Rect::around(w, s * 0.7, s * 0.06),
        0.5,
        s * 0.03,
        |p| ellipse(p, w, s * 0.62, s * 0.035),
        |_| wake,
    );
    let body = [
        t.at(-0.5, 0.16),
        t.at(0.55, 0.16),
        t.at(0.36, -0.02),
        t.at(-0.38, -0.02),
    ];
    canvas.fill(
        t.bounds(0.56, 0.17),
        1.0,
        |p| polygon(p, &body),
        |p| {
            let v = (w.y - p.y) / s;
            if v > 0.11 { hull.lighten(0.2) } else { hull }
        },
    );
    let mast = ctx.palette.lit(hex(0x5a4632));
    let (foot, top) = (t.at(0.0, 0.16), t.at(0.0, 0.95));
    canvas.fill(
        t.bounds(0.03, 0.96),
        1.0,
        |p| capsule(p, foot, top, s * 0.012),
        |_| mast,
    );
    let main = [t.at(-0.03, 0.22), t.at(-0.03, 0.92), t.at(-0.4, 0.22)];
    let jib = [t.at(0.03, 0.24), t.at(0.03, 0.85), t.at(0.36, 0.24)];
    canvas.fill(
        t.bounds(0.42, 0.93),
        1.0,
        |p| polygon(p, &main) - s * 0.008,
        |p| sail.darken(((foot.x - p.x).abs() / s) * 0.25),
    );
    canvas.fill(
        t.bounds(0.42, 0.93),
        1.0,
        |p| polygon(p, &jib) - s * 0.008,
        |_| sail.darken(0.08),
    );
}

/// A small car seen from the side. `base` is between its wheels.
pub(crate) fn car(canvas: &mut Canvas, ctx: &Ctx, t: &Thing) {
    let s = t.size;
    ground_shadow(canvas, ctx, t.base, s * 0.9);
    let paint = ctx.palette.lit(t.color);
    let glass = ctx.palette.lit(hex(0xbfe1f2));
    let cabin = [
        t.at(-0.45, 0.5),
        t.at(0.35, 0.5),
        t.at(0.15, 0.85),
        t.at(-0.3, 0.85),
    ];
    canvas.fill(
        t.bounds(0.5, 0.9),
        1.0,
        |p| polygon(p, &cabin) - s * 0.04,
        |_| paint,
    );
    let pane = [
        t.at(-0.36, 0.52),
        t.at(0.27, 0.52),
        t.at(0.11, 0.78),
        t.at(-0.25, 0.78),
    ];
    canvas.fill(
        t.bounds(0.5, 0.9),
        1.0,
        |p| polygon(p, &pane).max(-(p.x - t.at(-0.05, 0.0).x).abs() + s * 0.02),
        |_| glass,
    );
    let body = t.at(0.0, 0.32);
    canvas.fill(
        t.bounds(0.92, 0.55),
        1.0,
        |p| rounded_box(p, body, v2(s * 0.88, s * 0.2), s * 0.12),
        |p| {
            let v = (body.y - p.y) / (s * 0.2);
            paint
                .lighten((v * 0.15).max(0.0))
                .darken((-v * 0.15).max(0.0))
        },
    );
    let light = hex(0xfff1b8);
    let lamp = t.at(0.84, 0.36);
    if ctx.palette.night > 0.4 {
        canvas.glow(lamp, s * 0.5, light, 0.5 * ctx.palette.night);
    }
    canvas.fill(
        Rect::around(lamp, s * 0.06, s * 0.06),
        1.0,
        |p| circle(p, lamp, s * 0.045),
        |_| light,
    );
    let tyre = ctx.palette.lit(hex(0x23252b));
    let hub = ctx.palette.lit(hex(0xb9bfc7));
    for x in [-0.52, 0.52] {
        let c = t.at(x, 0.14);
        canvas.fill(
            Rect::around(c, s * 0.17, s * 0.17),
            1.0,
            |p| circle(p, c, s * 0.15),
            |_| tyre,
        );
        canvas.fill(
            Rect::around(c, s * 0.08, s * 0.08),
            1.0,
            |p| circle(p, c, s * 0.065),
            |_| hub,
        );
    }
}
