//! Laying out what stands on the horizon: mountain ranges and the city
//! skyline.

use super::Layout;
use super::things::pick_x;
use crate::imaging::builtin::color::{Rgb, hex};
use crate::imaging::builtin::draw::Ctx;
use crate::imaging::builtin::draw::buildings::Skyline;
use crate::imaging::builtin::draw::land::Mountains;
use crate::imaging::builtin::scene::{SceneObject, Setting, Weather};

impl Layout<'_> {
    /// One or two mountain ranges.
    pub(super) fn mountains(&mut self, ctx: &Ctx, object: &SceneObject) {
        let ranges = if object.count > 1 { 2 } else { 1 };
        let named = object.color.as_ref().map(|c| Rgb::from_bytes(c.rgb));
        let snowy = self.scene.setting == Setting::Winter || self.scene.weather == Weather::Snow;
        for range in 0..ranges {
            let far = ranges == 2 && range == 0;
            let single = object.count == 1;
            let peaks = if single {
                1
            } else if far {
                self.rng.int(3, 5)
            } else {
                self.rng.int(2, 3)
            };
            let tallest = (if single {
                0.36
            } else if far {
                0.3
            } else {
                0.2
            }) * self.h
                * object.scale;
            let tallest = tallest.min(self.horizon * 0.8);
            let peaks: Vec<(f32, f32, f32)> = (0..peaks)
                .map(|i| {
                    let x = if single {
                        pick_x(self.rng, object.placement.horizontal, 0.35, 0.65)
                    } else {
                        -0.1 + 1.2 * (i as f32 + self.rng.range(0.2, 0.8)) / peaks as f32
                    };
                    let height = tallest
                        * if single {
                            1.0
                        } else {
                            self.rng.range(0.6, 1.0)
                        };
                    (x * self.w, height, self.rng.range(0.6, 1.05))
                })
                .collect();
            let base_row = self.horizon + self.h * 0.02;
            let smooth: Vec<f32> = (0..self.w as u32)
                .map(|x| {
                    let x = x as f32 + 0.5;
                    let top = peaks
                        .iter()
                        .map(|&(px, height, slope)| height - (x - px).abs() * slope)
                        .fold(self.h * 0.015, f32::max);
                    self.horizon + 2.0 - top
                })
                .collect();
            let unit = self.unit();
            let ridge: Vec<f32> = smooth
                .iter()
                .enumerate()
                .map(|(x, &y)| {
                    let rise = (self.horizon - y).max(0.0) / tallest.max(1.0);
                    let jag = ctx
                        .noise
                        .fbm(x as f32 / unit * 9.0, 3.0 + range as f32 * 11.0, 3)
                        - 0.5;
                    y + jag * self.h * 0.035 * rise.sqrt()
                })
                .collect();
            let last = smooth.len().saturating_sub(1);
            let slope = (0..smooth.len())
                .map(|x| (smooth[(x + 1).min(last)] - smooth[x.saturating_sub(1)]) / 2.0)
                .collect();
            let top = ridge.iter().copied().fold(f32::MAX, f32::min);
            let snow = (snowy || tallest > self.h * 0.22).then(|| {
                (
                    top + (self.horizon - top) * 0.32,
                    ctx.palette.fix(hex(0xf4f7fb)),
                )
            });
            let base_color =
                named.unwrap_or(ctx.palette.mountain[if far || single { 0 } else { 1 }]);
            let color = if far && named.is_some() {
                base_color.mix(ctx.palette.haze, 0.4)
            } else {
                base_color
            };
            let color = if single && named.is_none() {
                ctx.palette.mountain[0].mix(ctx.palette.mountain[1], 0.5)
            } else {
                color
            };
            self.layers.push(Box::new(Mountains {
                ridge,
                slope,
                color: ctx.palette.fix(color),
                base: base_row,
                snow,
                haze: if far { 0.55 } else { 0.35 },
            }));
        }
    }

    /// City buildings along the horizon: a hazy back row and a front row.
    pub(super) fn skyline(&mut self, ctx: &Ctx, object: &SceneObject) {
        let named = object.color.as_ref().map(|c| Rgb::from_bytes(c.rgb));
        let greys = [
            hex(0x5b6b86),
            hex(0x6f7d96),
            hex(0x4a5670),
            hex(0x7f8aa3),
            hex(0x8c7b9c),
        ];
        let unit = self.unit();
        for row in 0..2 {
            let back = row == 0;
            let n = object.count.clamp(4, 14) + if back { 3 } else { 0 };
            let mut buildings = Vec::new();
            for i in 0..n {
                let slot = self.w * 1.04 / n as f32;
                let centre =
                    -self.w * 0.02 + slot * (i as f32 + 0.5) + self.rng.range(-0.2, 0.2) * slot;
                let half = slot * self.rng.range(0.36, 0.6);
                let tall = if back {
                    self.rng.range(0.22, 0.5)
                } else {
                    self.rng.range(0.1, 0.32)
                };
                let top = self.horizon - self.horizon * tall * object.scale;
                let color = named.unwrap_or(greys[self.rng.int(0, 4) as usize]);
                let color = if back {
                    color.mix(ctx.palette.haze, 0.45)
                } else {
                    color
                };
                buildings.push((
                    centre - half,
                    centre + half,
                    top,
                    ctx.palette.fix(color),
                    self.rng.next_u64(),
                ));
            }
            self.layers.push(Box::new(Skyline {
                buildings,
                base: self.horizon + 1.0,
                cell: unit * 0.02,
            }));
        }
    }
}
