//! Laying out the land and water: mountains, skyline, sea and shore,
//! ground, hills, lakes, rivers, roads and islands.

use super::Layout;
use super::things::pick_x;
use crate::imaging::builtin::color::{Rgb, hex};
use crate::imaging::builtin::draw::land::{Ground, GroundKind, Hills, rolling_crest};
use crate::imaging::builtin::draw::water::{Band, Island, Lake, Sea, Shore};
use crate::imaging::builtin::draw::{Ctx, Thing};
use crate::imaging::builtin::scene::{ObjectKind, SceneObject, Setting, TimeOfDay};
use crate::imaging::builtin::sdf::v2;

impl Layout<'_> {
    /// Adds the terrain layers in painting order and records where the
    /// ground and the water are for placing things.
    pub(super) fn terrain(&mut self, ctx: &Ctx) {
        let objects: Vec<SceneObject> = self.scene.objects.clone();
        let find = |kind| objects.iter().find(|o: &&SceneObject| o.kind == kind);
        let setting = self.scene.setting;
        if let Some(object) = find(ObjectKind::Mountain)
            && self.horizon < self.h
        {
            self.mountains(ctx, object);
        }
        if let Some(object) = find(ObjectKind::Building)
            && self.horizon < self.h
        {
            self.skyline(ctx, object);
        }
        let open_water = matches!(setting, Setting::Sea | Setting::Beach);
        if open_water {
            self.sea(ctx);
        } else if matches!(setting, Setting::Space | Setting::Abstract) {
            self.ground = None;
        } else {
            self.land(ctx, objects.iter().find(|o| o.kind == ObjectKind::Hill));
        }
        for object in &objects {
            match object.kind {
                ObjectKind::Lake => self.lake(ctx, object),
                ObjectKind::Water if !open_water && self.ground.is_some() => self.lake(ctx, object),
                ObjectKind::River if self.ground.is_some() => self.band(ctx, object, false),
                ObjectKind::Road if self.ground.is_some() => self.band(ctx, object, true),
                ObjectKind::Island if open_water => self.island(ctx, object),
                _ => {}
            }
        }
        if setting == Setting::Beach {
            let line = self.horizon + (self.h - self.horizon) * 0.5;
            self.layers.push(Box::new(Shore {
                line,
                amplitude: self.h * 0.015,
                phase: self.rng.range(0.0, 6.0),
                far: ctx.palette.ground[0],
                near: ctx.palette.ground[1],
                foam: hex(0xf4f8fb),
            }));
            self.ground = Some((line + self.h * 0.03, self.h));
        }
    }

    /// The water's far and near colours: named, else the palette's.
    fn water_colors(&self, ctx: &Ctx) -> [Rgb; 2] {
        let named = self
            .named(ObjectKind::Water)
            .or_else(|| self.named(ObjectKind::Lake));
        match named {
            Some(c) => [
                ctx.palette.fix(c.lighten(0.2)),
                ctx.palette.fix(c.darken(0.15)),
            ],
            None => ctx.palette.water,
        }
    }

    /// Glints for water, dimmer by day.
    fn water_glints(&self) -> Vec<crate::imaging::builtin::draw::water::Glint> {
        let day = self.scene.time == TimeOfDay::Day;
        self.glints
            .iter()
            .map(|g| {
                let mut g = *g;
                if day {
                    g.half_width *= 0.6;
                    g.color = g.color.lighten(0.5);
                }
                g
            })
            .collect()
    }

    /// The sea from the horizon to the bottom (or to the beach).
    fn sea(&mut self, ctx: &Ctx) {
        let [far, near] = self.water_colors(ctx);
        let beach = self.scene.setting == Setting::Beach;
        let bottom = if beach {
            self.horizon + (self.h - self.horizon) * 0.62
        } else {
            self.h
        };
        self.water = Some((self.horizon, bottom));
        self.ground = None;
        let glints = self.water_glints();
        self.layers.push(Box::new(Sea {
            top: self.horizon,
            bottom,
            far,
            near,
            glints,
        }));
    }

    /// The ground plane and the hills on it.
    fn land(&mut self, ctx: &Ctx, hill: Option<&SceneObject>) {
        let setting = self.scene.setting;
        let kind = match setting {
            Setting::Desert | Setting::Underwater => GroundKind::Sand,
            Setting::Winter => GroundKind::Snow,
            Setting::City => GroundKind::Pavement,
            _ if self.scene.snowy => GroundKind::Snow,
            _ => GroundKind::Grass,
        };
        let [mut far, mut near] = ctx.palette.ground;
        if kind == GroundKind::Snow
            && setting != Setting::Winter
            && self.scene.ground_color.is_none()
        {
            far = ctx.palette.fix(hex(0xf1f5fa));
            near = ctx.palette.fix(hex(0xcfdcec));
        }
        self.ground = Some((self.horizon, self.h));
        self.layers.push(Box::new(Ground {
            top: self.horizon,
            far,
            near,
            kind,
        }));
        let Some(hill) = hill else {
            return;
        };
        let unit = self.unit();
        let dunes = setting == Setting::Desert;
        let amplitude = match setting {
            Setting::Underwater => 0.025,
            Setting::Desert => 0.11,
            _ => 0.07,
        } * self.h
            * hill.scale;
        if hill.count == 1 && !hill.implied {
            let centre = pick_x(self.rng, hill.placement.horizontal, 0.3, 0.7) * self.w;
            let base = self.horizon + (self.h - self.horizon) * 0.2;
            let height = self.h * 0.2 * hill.scale;
            self.hill = Some((centre, self.w * 0.45, base, height));
            let crest = (0..self.w as u32)
                .map(|x| {
                    let d = (x as f32 - centre) / (self.w * 0.45);
                    base - height * (1.0 - d * d).max(0.0)
                })
                .collect();
            self.layers.push(Box::new(Hills {
                crest,
                top_color: far.lighten(0.05),
                bottom_color: near,
                bottom: self.h,
                dunes,
            }));
            return;
        }
        for layer in 0..2 {
            let phases = [
                self.rng.range(0.0, 6.3),
                self.rng.range(0.0, 6.3),
                self.rng.range(0.0, 6.3),
            ];
            let front = layer == 1;
            let base = self.horizon
                + if front {
                    (self.h - self.horizon) * 0.22
                } else {
                    self.h * 0.01
                };
            let crest = rolling_crest(
                self.w as u32,
                base,
                amplitude * if front { 0.9 } else { 1.0 },
                phases,
                unit,
            );
            let (top_color, bottom_color) = if front {
                (far.mix(near, 0.35), near)
            } else {
                (far.lighten(0.04), far.mix(near, 0.5))
            };
            self.layers.push(Box::new(Hills {
                crest,
                top_color,
                bottom_color,
                bottom: self.h,
                dunes,
            }));
        }
    }

    /// A lake on the ground.
    fn lake(&mut self, ctx: &Ctx, object: &SceneObject) {
        let [far, near] = self.water_colors(ctx);
        let x = pick_x(self.rng, object.placement.horizontal, 0.35, 0.65) * self.w;
        let depth = self.h - self.horizon;
        let centre = v2(x, self.horizon + depth * 0.32);
        let (rx, ry) = (self.w * 0.3 * object.scale, depth * 0.13 * object.scale);
        self.water = Some((centre.y - ry, centre.y + ry));
        self.lake = Some((centre, rx, ry));
        let glints = self.water_glints();
        let bank = ctx.palette.ground[0].darken(0.2);
        self.layers.push(Box::new(Lake {
            centre,
            rx,
            ry,
            far,
            near,
            bank,
            glints,
        }));
    }

    /// A river or a road running from the horizon to the bottom edge.
    fn band(&mut self, ctx: &Ctx, object: &SceneObject, road: bool) {
        let x_top = pick_x(self.rng, object.placement.horizontal, 0.35, 0.65) * self.w;
        let x_bottom = self.w * (0.5 + self.rng.range(-0.15, 0.15));
        let named = object.color.as_ref().map(|c| Rgb::from_bytes(c.rgb));
        let (far, near, line) = if road {
            let base = named.unwrap_or(hex(0x6b6f78));
            (base.lighten(0.1), base.darken(0.15), Some(hex(0xf2efe6)))
        } else {
            let [far, near] = self.water_colors(ctx);
            let far = named.map_or(far, |c| c.lighten(0.2));
            (far, named.unwrap_or(near), None)
        };
        self.layers.push(Box::new(Band {
            top: self.horizon,
            bottom: self.h,
            x_top,
            x_bottom,
            width_top: self.w * if road { 0.008 } else { 0.015 },
            width_bottom: self.w * if road { 0.8 } else { 0.42 } * object.scale,
            meander: if road { 0.0 } else { self.w * 0.12 },
            phase: self.rng.range(0.0, 6.3),
            far: ctx.palette.fix(far),
            near: ctx.palette.fix(near),
            line,
        }));
    }

    /// An island in the sea, with a palm unless palms are excluded.
    fn island(&mut self, ctx: &Ctx, object: &SceneObject) {
        let depth = self.h - self.horizon;
        let x = pick_x(self.rng, object.placement.horizontal, 0.3, 0.7) * self.w;
        let t = self.rng.range(0.15, 0.3);
        let centre = v2(x, self.horizon + depth * t);
        let rx = self.w * 0.22 * object.scale * (0.6 + t);
        let ry = rx * 0.32;
        let grass = object
            .color
            .as_ref()
            .map_or(ctx.palette.foliage, |c| Rgb::from_bytes(c.rgb));
        self.layers.push(Box::new(Island {
            centre,
            rx,
            ry,
            sand: hex(0xead2a0),
            grass: ctx.palette.fix(grass),
            foam: hex(0xf4f8fb),
        }));
        self.islands.push((centre, rx, ry));
        let named_ground = self.scene.objects.iter().any(|o| {
            !o.implied && o.kind.region() == crate::imaging::builtin::scene::Region::Ground
        });
        if !named_ground && !self.scene.excluded_objects.contains(&ObjectKind::PalmTree) {
            let color = ctx.palette.fix(ctx.palette.foliage);
            self.extra_things.push(Thing {
                kind: ObjectKind::PalmTree,
                base: v2(centre.x + rx * 0.15, centre.y - ry * 0.6),
                size: ry * 3.6,
                color,
                accent: color,
                flip: self.rng.chance(0.5),
                variant: self.rng.int(0, 9),
                setting: self.scene.setting,
                snowy: self.scene.snowy,
                dots: None,
            });
        }
    }
}
