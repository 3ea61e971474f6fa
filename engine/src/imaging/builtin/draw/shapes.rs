//! Abstract shapes: circle, square, triangle, heart, star. `base` is the
//! centre and `size` the width.

use super::{Ctx, Thing};
use crate::imaging::builtin::canvas::{Canvas, Rect};
use crate::imaging::builtin::color::Rgb;
use crate::imaging::builtin::scene::ObjectKind;
use crate::imaging::builtin::sdf::{V2, circle, heart, polygon, rounded_box, star_points, v2};

/// The distance function of a shape centred at `c` with width `s`.
fn outline(kind: ObjectKind, c: V2, s: f32) -> impl Fn(V2) -> f32 {
    let r = s / 2.0;
    let points = match kind {
        ObjectKind::Triangle => vec![
            c + v2(0.0, -r * 1.05),
            c + v2(r, r * 0.75),
            c + v2(-r, r * 0.75),
        ],
        ObjectKind::Star => star_points(c + v2(0.0, r * 0.08), r * 1.05, 0.45, 5),
        _ => Vec::new(),
    };
    move |p: V2| match kind {
        ObjectKind::Square => rounded_box(p, c, v2(r * 0.9, r * 0.9), r * 0.08),
        ObjectKind::Triangle | ObjectKind::Star => polygon(p, &points) - r * 0.04,
        ObjectKind::Heart => heart(p, c, r * 0.95),
        _ => circle(p, c, r),
    }
}

/// Draws a shape with a soft drop shadow and a gentle light-to-dark sheen.
pub(crate) fn shape(canvas: &mut Canvas, ctx: &Ctx, t: &Thing) {
    let (c, s) = (t.base, t.size);
    let r = s / 2.0;
    let bounds = Rect::around(c, r * 1.15, r * 1.15);
    let distance = outline(t.kind, c, s);
    if !ctx.flat {
        let offset = v2(-ctx.light.x, -ctx.light.y) * (s * 0.04);
        let shadow = Rgb::BLACK.mix(ctx.palette.sky[2], 0.35);
        canvas.fill_soft(
            bounds.grow(s * 0.08),
            0.3,
            s * 0.06,
            |p| distance(p - offset),
            |_| shadow,
        );
    }
    let color = ctx.palette.lit(t.color);
    canvas.fill(bounds, 1.0, &distance, |p| {
        if ctx.flat {
            return color;
        }
        let n = (p - c) * (1.0 / s);
        color
            .lighten((n.dot(ctx.light) * 0.35).max(0.0))
            .darken((-n.dot(ctx.light) * 0.25).max(0.0))
    });
}
