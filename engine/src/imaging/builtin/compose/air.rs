//! Placing things in the air (birds, balloons, butterflies, rockets) and
//! abstract shapes.

use super::Layout;
use super::things::pick_x;
use crate::imaging::builtin::color::Rgb;
use crate::imaging::builtin::draw::{Ctx, Thing};
use crate::imaging::builtin::rng::Rng;
use crate::imaging::builtin::scene::{ObjectKind, SceneObject, Setting, Vertical};
use crate::imaging::builtin::sdf::v2;

impl Layout<'_> {
    /// Birds, balloons, butterflies and rockets.
    pub(super) fn flying(&mut self, ctx: &Ctx, object: &SceneObject, out: &mut Vec<Thing>) {
        use ObjectKind::*;
        let unit = self.unit();
        let sky = self.horizon.min(self.h);
        let n = match object.kind {
            Bird | Balloon | Butterfly | Rocket => object.count.clamp(1, 40),
            _ => return,
        };
        let centre_x = pick_x(self.rng, object.placement.horizontal, 0.25, 0.75) * self.w;
        let row = |rng: &mut Rng, low: f32, high: f32| match object.placement.vertical {
            Some(Vertical::Top) => sky * rng.range(0.1, 0.2),
            Some(Vertical::Bottom) => sky * rng.range(0.6, 0.75),
            _ => sky * rng.range(low, high),
        };
        let flock_y = row(self.rng, 0.2, 0.42);
        for i in 0..n {
            let (base, size) = match object.kind {
                Bird => {
                    let spread = self.w * 0.16 * (n as f32).sqrt() / 2.0;
                    let offset = v2(
                        self.rng.range(-1.0, 1.0) * spread,
                        self.rng.range(-0.5, 0.5) * spread * 0.6,
                    );
                    (
                        v2(centre_x, flock_y) + offset,
                        unit * 0.06 * object.scale * self.rng.range(0.7, 1.1),
                    )
                }
                Balloon => {
                    let x = if n == 1 {
                        centre_x
                    } else {
                        self.w * (0.1 + 0.8 * (i as f32 + self.rng.range(0.2, 0.8)) / n as f32)
                    };
                    (
                        v2(x, row(self.rng, 0.25, 0.55)),
                        unit * 0.26 * object.scale * self.rng.range(0.7, 1.0),
                    )
                }
                Butterfly => {
                    let (low, high) = self.ground.unwrap_or((sky * 0.5, self.h * 0.9));
                    let x = self.w * self.rng.range(0.1, 0.9);
                    (
                        v2(
                            if n == 1 { centre_x } else { x },
                            self.rng.range(low, high.min(self.h * 0.92)),
                        ),
                        unit * if n == 1 { 0.13 } else { 0.09 } * object.scale,
                    )
                }
                _ => {
                    let space = self.scene.setting == Setting::Space;
                    let x = pick_x(self.rng, object.placement.horizontal, 0.3, 0.45) * self.w;
                    let y = if space { self.h * 0.55 } else { sky * 0.4 };
                    (
                        v2(x + i as f32 * unit * 0.2, y),
                        unit * if space { 0.38 } else { 0.25 } * object.scale,
                    )
                }
            };
            let (color, accent) = self.thing_colors(ctx, object);
            let accent = if object.kind == Balloon {
                self.color_or_accent(ctx, None)
            } else {
                accent
            };
            out.push(Thing {
                kind: object.kind,
                base,
                size,
                color,
                accent: ctx.palette.fix(accent),
                flip: self.rng.chance(0.5),
                variant: self.rng.int(0, 1000),
                setting: self.scene.setting,
                snowy: self.scene.snowy,
                dots: None,
            });
        }
    }

    /// Abstract shapes: big and centred when alone, else in a row.
    pub(super) fn shapes(&mut self, shapes: Vec<(SceneObject, Rgb, Rgb)>) {
        let n = shapes.len();
        if n == 0 {
            return;
        }
        let unit = self.unit();
        let abstract_scene = self.scene.setting == Setting::Abstract;
        let centre_y = if abstract_scene {
            self.h * 0.5
        } else {
            self.horizon.min(self.h) * 0.45
        };
        let base = if abstract_scene { 0.56 } else { 0.3 };
        let size = unit * (base / (n as f32).sqrt() * if n > 1 { 1.15 } else { 1.0 }).max(0.12);
        for (i, (object, color, accent)) in shapes.into_iter().enumerate() {
            let slot = (i as f32 + 0.5) / n as f32;
            let x = match object.placement.horizontal {
                Some(_) => pick_x(self.rng, object.placement.horizontal, 0.2, 0.8),
                None if n == 1 => 0.5 + self.rng.range(-0.04, 0.04),
                None => slot + self.rng.range(-0.15, 0.15) / n as f32,
            } * self.w;
            let y = match object.placement.vertical {
                Some(Vertical::Top) => self.h * 0.28,
                Some(Vertical::Bottom) => self.h * 0.72,
                _ if n == 1 => centre_y,
                _ => centre_y + self.rng.range(-0.1, 0.1) * self.h,
            };
            self.layers.push(Box::new(Thing {
                kind: object.kind,
                base: v2(x, y),
                size: size * object.scale,
                color,
                accent,
                flip: false,
                variant: self.rng.int(0, 1000),
                setting: self.scene.setting,
                snowy: self.scene.snowy,
                dots: None,
            }));
        }
    }
}
