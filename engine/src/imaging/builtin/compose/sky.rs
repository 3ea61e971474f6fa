//! Laying out the sky: backdrop, stars, rainbow, sun, moon, planets, clouds.

use super::Layout;
use super::things::pick_x;
use crate::imaging::builtin::color::{Rgb, hex};
use crate::imaging::builtin::draw::Ctx;
use crate::imaging::builtin::draw::sky::{
    BigStar, Cloud, Moon, Planet, Rainbow, SkyKind, SkyLayer, StarField, Sun,
};
use crate::imaging::builtin::draw::water::Glint;
use crate::imaging::builtin::scene::{
    Depth, ObjectKind, SceneObject, Setting, TimeOfDay, Vertical,
};
use crate::imaging::builtin::sdf::{V2, v2};

impl Layout<'_> {
    /// Adds the sky layers in painting order.
    pub(super) fn sky(&mut self, ctx: &Ctx) {
        let (kind, bottom) = match self.scene.setting {
            Setting::Space => (SkyKind::Space, self.h),
            Setting::Underwater => (SkyKind::Underwater, self.h),
            _ => (SkyKind::Open, self.horizon),
        };
        self.layers.push(Box::new(SkyLayer { kind, bottom }));
        let objects: Vec<SceneObject> = self.scene.objects.clone();
        let abstract_scene = self.scene.setting == Setting::Abstract;
        // In an abstract picture a few stars are shapes, laid out with the others.
        for object in objects
            .iter()
            .filter(|o| o.kind == ObjectKind::Star && !(abstract_scene && o.count <= 12))
        {
            self.stars(ctx, object);
        }
        if let Some(object) = objects.iter().find(|o| o.kind == ObjectKind::Rainbow) {
            let radius = (self.horizon * 0.85).min(self.w * 0.45) * object.scale.min(1.3);
            let x = pick_x(self.rng, object.placement.horizontal, 0.3, 0.7) * self.w;
            self.layers.push(Box::new(Rainbow {
                centre: v2(x, self.horizon),
                radius,
                width: radius * 0.16,
                opacity: 0.6,
            }));
        }
        for object in objects.iter().filter(|o| {
            matches!(
                o.kind,
                ObjectKind::Sun | ObjectKind::Moon | ObjectKind::Planet
            )
        }) {
            for i in 0..object.count.min(4) {
                self.celestial(ctx, object, i);
            }
        }
        for object in objects.iter().filter(|o| o.kind == ObjectKind::Cloud) {
            self.clouds(ctx, object);
        }
    }

    /// The row of a sky thing of `radius` given its placement.
    fn sky_row(&mut self, object: &SceneObject, radius: f32, low_by_default: bool) -> f32 {
        let low = low_by_default
            || object.placement.depth == Some(Depth::Background)
            || object.placement.vertical == Some(Vertical::Bottom);
        let sky = self.horizon.min(self.h);
        let row = if low && sky < self.h {
            self.horizon - radius * 0.3
        } else {
            match object.placement.vertical {
                Some(Vertical::Top) => sky * 0.2,
                Some(Vertical::Middle) => sky * 0.5,
                _ => sky * self.rng.range(0.22, 0.42),
            }
        };
        if low {
            row
        } else {
            row.clamp(radius * 1.2, (sky - radius * 1.3).max(radius * 1.2))
        }
    }

    /// A sun, moon or planet.
    fn celestial(&mut self, ctx: &Ctx, object: &SceneObject, index: u32) {
        let unit = self.unit();
        let named = object.color.as_ref().map(|c| Rgb::from_bytes(c.rgb));
        let x_range = if index == 0 { (0.2, 0.8) } else { (0.1, 0.9) };
        let mut x = pick_x(self.rng, object.placement.horizontal, x_range.0, x_range.1) * self.w;
        if index > 0 {
            x = (x + self.w * 0.35 * index as f32) % self.w;
        }
        match object.kind {
            ObjectKind::Sun => {
                let low = matches!(self.scene.time, TimeOfDay::Sunset | TimeOfDay::Sunrise);
                let radius = unit * if low { 0.1 } else { 0.075 } * object.scale;
                let centre = v2(x, self.sky_row(object, radius, low));
                let color = ctx.palette.fix(named.unwrap_or(ctx.palette.sun));
                self.light_source.get_or_insert(centre);
                self.glints.push(Glint {
                    x,
                    half_width: radius * 0.9,
                    color: color.lighten(0.3),
                });
                self.layers.push(Box::new(Sun {
                    centre,
                    radius,
                    color,
                }));
            }
            ObjectKind::Moon => {
                let radius = unit * 0.075 * object.scale;
                let centre = v2(x, self.sky_row(object, radius, false));
                let color = ctx.palette.fix(named.unwrap_or(ctx.palette.moon));
                let crescent = self.rng.chance(0.55).then(|| {
                    let side = if self.rng.chance(0.5) { 1.0 } else { -1.0 };
                    v2(side * 0.8, -0.6)
                });
                let craters = (0..4)
                    .map(|_| {
                        (
                            v2(self.rng.range(-0.5, 0.5), self.rng.range(-0.5, 0.5)),
                            self.rng.range(0.08, 0.18),
                        )
                    })
                    .collect();
                if self.scene.object(ObjectKind::Sun).is_none() {
                    self.light_source.get_or_insert(centre);
                }
                self.glints.push(Glint {
                    x,
                    half_width: radius * 0.6,
                    color: color.lighten(0.2),
                });
                self.layers.push(Box::new(Moon {
                    centre,
                    radius,
                    color,
                    crescent,
                    craters,
                }));
            }
            _ => {
                let space = self.scene.setting == Setting::Space;
                let radius = unit * if space { 0.17 } else { 0.06 } * object.scale;
                let centre = if space {
                    let x = pick_x(self.rng, object.placement.horizontal, 0.55, 0.7) * self.w;
                    v2(x, self.h * self.rng.range(0.35, 0.5))
                } else {
                    v2(x, self.sky_row(object, radius, false))
                };
                let choices = [hex(0xe0a96d), hex(0xc4704f), hex(0x7fa7c9), hex(0xb58fd1)];
                let color = ctx
                    .palette
                    .fix(named.unwrap_or(choices[self.rng.int(0, 3) as usize]));
                let ring = self.rng.chance(0.7);
                let tilt = self.rng.range(-0.45, 0.45);
                self.layers.push(Box::new(Planet {
                    centre,
                    radius,
                    color,
                    ring,
                    tilt,
                }));
            }
        }
    }

    /// A starfield, or a few big stars.
    fn stars(&mut self, ctx: &Ctx, object: &SceneObject) {
        let unit = self.unit();
        let named = object.color.as_ref().map(|c| Rgb::from_bytes(c.rgb));
        let sky = self.horizon.min(self.h);
        if object.count > 12 {
            let color = ctx.palette.fix(named.unwrap_or(hex(0xfffbe8)));
            let stars = (0..object.count.min(400))
                .map(|_| {
                    let p = v2(
                        self.rng.range(0.0, self.w),
                        sky * 0.95 * self.rng.unit().powf(1.3),
                    );
                    (
                        p,
                        unit * self.rng.range(0.0012, 0.0034) * object.scale,
                        self.rng.range(0.35, 1.0),
                    )
                })
                .collect();
            self.layers.push(Box::new(StarField { stars, color }));
            return;
        }
        let color = ctx.palette.fix(named.unwrap_or(hex(0xf7d44c)));
        let count = object.count.max(1);
        for i in 0..count {
            let slot = (i as f32 + self.rng.range(0.25, 0.75)) / count as f32;
            let x = match object.placement.horizontal {
                Some(_) if count == 1 => pick_x(self.rng, object.placement.horizontal, 0.2, 0.8),
                _ => 0.1 + 0.8 * slot,
            } * self.w;
            let radius = unit * 0.055 * object.scale * if count > 1 { 0.7 } else { 1.0 };
            let y = self.sky_row(object, radius, false);
            self.layers.push(Box::new(BigStar {
                centre: v2(x, y),
                radius,
                color,
            }));
        }
    }

    /// Clouds spread across the sky.
    fn clouds(&mut self, ctx: &Ctx, object: &SceneObject) {
        let sky = self.horizon.min(self.h);
        if sky < self.h * 0.3
            || self.scene.setting == Setting::Space
            || self.scene.setting == Setting::Underwater
        {
            return;
        }
        let named = object.color.as_ref().map(|c| Rgb::from_bytes(c.rgb));
        let color = ctx.palette.fix(named.unwrap_or(ctx.palette.cloud));
        let shadow = color.mix(ctx.palette.sky[1], 0.45).darken(0.08);
        let count = object.count.clamp(1, 10);
        for i in 0..count {
            let width = self.w.min(self.h * 1.6) * self.rng.range(0.18, 0.32) * object.scale;
            let slot = (i as f32 + self.rng.range(0.1, 0.9)) / count as f32;
            let x = match object.placement.horizontal {
                Some(_) if count <= 2 => pick_x(self.rng, object.placement.horizontal, 0.2, 0.8),
                _ => slot,
            } * self.w;
            let y = sky * self.rng.range(0.18, 0.62);
            let puffs = self.puffs(width);
            self.layers.push(Box::new(Cloud {
                base: v2(x, y),
                puffs,
                color,
                shadow,
                opacity: if ctx.palette.night > 0.5 { 0.92 } else { 0.97 },
            }));
        }
    }

    /// The puffs of a cloud `width` wide: bigger in the middle.
    fn puffs(&mut self, width: f32) -> Vec<(V2, f32)> {
        let n = self.rng.int(4, 6);
        (0..n)
            .map(|j| {
                let u = j as f32 / (n - 1) as f32 - 0.5;
                let r = width * (0.12 + 0.14 * (1.0 - u.abs() * 2.0)) * self.rng.range(0.85, 1.15);
                let ox = u * width * 0.72;
                (v2(ox, -r * 0.55 + self.rng.range(-0.03, 0.03) * width), r)
            })
            .collect()
    }
}
