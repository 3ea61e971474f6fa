//! Placing things: on the ground in perspective (far ones higher and
//! smaller), on the water, in the air, and abstract shapes in a row.

use super::Layout;
use crate::imaging::builtin::color::{Rgb, hex};
use crate::imaging::builtin::draw::water::Island;
use crate::imaging::builtin::draw::{Ctx, Thing};
use crate::imaging::builtin::rng::Rng;
use crate::imaging::builtin::scene::{
    Depth, Horizontal, ObjectKind, Placement, Region, SceneObject, Season, Setting, Vertical,
};
use crate::imaging::builtin::sdf::{V2, v2};

/// Where things of one kind may go.
struct Frame {
    band: (f32, f32),
    floating: bool,
    rock: bool,
    island: Option<(V2, f32, f32)>,
    on_water: bool,
}

/// Where one thing stands and how near it is (0 far, 1 near).
#[derive(Debug, Clone, Copy)]
struct Spot {
    base: V2,
    t: f32,
}

/// A horizontal position as a fraction of the width: inside the hinted
/// third, else in `low..high`.
pub(super) fn pick_x(rng: &mut Rng, hint: Option<Horizontal>, low: f32, high: f32) -> f32 {
    match hint {
        Some(Horizontal::Left) => rng.range(0.16, 0.3),
        Some(Horizontal::Center) => rng.range(0.46, 0.54),
        Some(Horizontal::Right) => rng.range(0.7, 0.84),
        None => rng.range(low, high),
    }
}

/// The span of the width a hint allows for several things.
fn x_span(hint: Option<Horizontal>) -> (f32, f32) {
    match hint {
        Some(Horizontal::Left) => (0.04, 0.42),
        Some(Horizontal::Center) => (0.3, 0.7),
        Some(Horizontal::Right) => (0.58, 0.96),
        None => (0.04, 0.96),
    }
}

/// Height at full nearness, as a fraction of the shorter side.
fn base_size(kind: ObjectKind) -> f32 {
    use ObjectKind::*;
    match kind {
        Tree => 0.42,
        PineTree => 0.45,
        PalmTree => 0.5,
        Cactus => 0.32,
        Flower => 0.09,
        Grass => 0.06,
        House => 0.32,
        Tower => 0.55,
        Castle => 0.5,
        Lighthouse => 0.6,
        Tent => 0.22,
        Boat => 0.22,
        Car => 0.14,
        Cat => 0.26,
        Fish => 0.12,
        Snowman => 0.3,
        _ => 0.25,
    }
}

/// How near (0 far .. 1 near) a thing may stand.
fn depth_range(kind: ObjectKind, placement: Placement, hero: bool) -> (f32, f32) {
    use ObjectKind::*;
    match (placement.depth, placement.vertical) {
        (Some(Depth::Foreground), _) => return (0.7, 0.95),
        (Some(Depth::Background), _) => return (0.02, 0.18),
        (_, Some(Vertical::Top)) => return (0.02, 0.22),
        (_, Some(Vertical::Bottom)) => return (0.72, 0.97),
        (_, Some(Vertical::Middle)) => return (0.35, 0.55),
        _ => {}
    }
    if hero {
        return (0.45, 0.62);
    }
    match kind {
        Flower => (0.55, 1.0),
        Grass => (0.3, 1.0),
        Car => (0.5, 0.85),
        Cat | Snowman => (0.55, 0.85),
        House | Castle | Tower | Lighthouse | Tent => (0.12, 0.55),
        Tree | PineTree | PalmTree | Cactus => (0.05, 0.85),
        Boat => (0.12, 0.6),
        _ => (0.2, 0.8),
    }
}

impl Layout<'_> {
    /// Picks one of `choices`.
    pub(super) fn choose(&mut self, choices: &[u32]) -> Rgb {
        hex(choices[self.rng.int(0, choices.len() as u32 - 1) as usize])
    }

    /// A thing's main and secondary colours.
    pub(super) fn thing_colors(&mut self, ctx: &Ctx, object: &SceneObject) -> (Rgb, Rgb) {
        use ObjectKind::*;
        let named = object.color.as_ref().map(|c| Rgb::from_bytes(c.rgb));
        let p = &ctx.palette;
        let (main, accent) = match object.kind {
            Tree if self.scene.season == Some(Season::Autumn) => (
                self.choose(&[0xd9822b, 0xc0392b, 0xe3b23c, 0xb5562a, 0x8a9a3b]),
                p.trunk,
            ),
            Tree | PalmTree => (p.foliage, p.trunk),
            PineTree => (p.foliage.darken(0.15), p.trunk),
            Cactus => (hex(0x4f9a5a), hex(0xf28ab2)),
            Grass if self.scene.setting == Setting::Underwater => {
                (self.choose(&[0x3f9a6a, 0x2e8b74, 0x5aa05a]), p.foliage)
            }
            Grass => (p.foliage.mix(p.ground[1], 0.3), p.foliage),
            Flower => {
                let petals = self.choose(&[0xe94f64, 0xf7c548, 0xf28ab2, 0xfaf7f0, 0x9b6dd6]);
                (petals, hex(0xf7c548))
            }
            House => (
                self.choose(&[0xf3e9d2, 0xf6d8c4, 0xdfe9f0, 0xf2e3a0, 0xe8d5c4]),
                self.choose(&[0xc0504d, 0x8c4a3c, 0x3d5a80, 0x5b8c5a]),
            ),
            Tower if self.scene.setting == Setting::City => (hex(0x6f8fb0), hex(0x3d5a80)),
            Tower | Castle => (hex(0xcfc6b6), self.choose(&[0x3d5a80, 0xb5443c, 0x5b5f97])),
            Lighthouse => (hex(0xd1495b), hex(0xf5f2ea)),
            Tent => (hex(0xf28c28), hex(0x2d3047)),
            Boat => (self.choose(&[0xb5443c, 0x2d3047, 0x2e86ab]), hex(0xf6f1e7)),
            Cat => (
                self.choose(&[0xe0913a, 0x7d7f86, 0x2b2b30, 0xf2efe8]),
                hex(0xe88a9a),
            ),
            Fish => (
                self.choose(&[0xf28c28, 0xf7c548, 0xe94f64, 0x4fb3d9]),
                hex(0xfaf7f0),
            ),
            Snowman => (hex(0xd1495b), hex(0xd1495b)),
            Bird => (
                if p.night > 0.5 {
                    hex(0xcfd6e6)
                } else {
                    hex(0x2b2d42)
                },
                hex(0x2b2d42),
            ),
            Butterfly => (hex(0xf28c28), hex(0x2b2d42)),
            Rocket => (hex(0xd1495b), hex(0xeef0f2)),
            Star => (hex(0xf7d44c), hex(0xf7d44c)),
            _ => {
                let accent = self.color_or_accent(ctx, None);
                let second = self.color_or_accent(ctx, None);
                (accent, second)
            }
        };
        let main = named.unwrap_or(main);
        (ctx.palette.fix(main), ctx.palette.fix(accent))
    }

    /// Places every thing: ground and water things back to front, then
    /// things in the air, then abstract shapes.
    pub(super) fn things(&mut self, ctx: &Ctx) {
        let objects: Vec<SceneObject> = self.scene.objects.clone();
        let hero = objects.iter().position(|o| {
            !o.implied
                && o.count == 1
                && matches!(o.kind.region(), Region::Ground | Region::Water)
                && o.kind != ObjectKind::Grass
        });
        let mut placed = std::mem::take(&mut self.extra_things);
        let mut flying = Vec::new();
        let mut shapes = Vec::new();
        // The hero goes first so the others can keep out of its way.
        let order = hero
            .into_iter()
            .chain((0..objects.len()).filter(|&i| Some(i) != hero));
        for index in order {
            let object = &objects[index];
            let star_shape = object.kind == ObjectKind::Star
                && self.scene.setting == Setting::Abstract
                && object.count <= 12;
            match object.kind.region() {
                Region::Ground | Region::Water => {
                    self.ground_things(ctx, object, hero == Some(index), &mut placed)
                }
                Region::Sky if !star_shape => self.flying(ctx, object, &mut flying),
                Region::Shape | Region::Sky => {
                    for _ in 0..object.count.clamp(1, 12) {
                        let (color, accent) = self.thing_colors(ctx, object);
                        shapes.push((object.clone(), color, accent));
                    }
                }
                Region::Terrain => {}
            }
        }
        placed.sort_by(|a, b| a.base.y.total_cmp(&b.base.y));
        self.layers.extend(
            placed
                .into_iter()
                .map(|t| Box::new(t) as Box<dyn crate::imaging::builtin::draw::Draw>),
        );
        self.layers.extend(
            flying
                .into_iter()
                .map(|t| Box::new(t) as Box<dyn crate::imaging::builtin::draw::Draw>),
        );
        self.shapes(shapes);
    }

    /// Where things of a kind go: the rows they stand in, whether they
    /// float (no perspective), need a rock to stand on, or an island.
    fn frame_for(&self, object: &SceneObject) -> Frame {
        let on_water = matches!(object.kind, ObjectKind::Boat | ObjectKind::Fish);
        let underwater = self.scene.setting == Setting::Underwater;
        let island = self.islands.first().copied().filter(|_| !on_water);
        let (band, floating) = match (on_water, self.water, self.ground) {
            _ if underwater && object.kind == ObjectKind::Fish => {
                ((self.h * 0.12, self.h * 0.75), true)
            }
            (true, Some(water), _) => (water, false),
            (_, _, Some(ground)) => (ground, false),
            (false, Some(water), None) => (water, false),
            _ => ((self.h * 0.5, self.h * 0.85), true),
        };
        let rock = !on_water && self.ground.is_none() && self.water.is_some() && island.is_none();
        Frame {
            band,
            floating,
            rock,
            island,
            on_water,
        }
    }

    /// Where the `i`-th of `n` things stands.
    fn spot(&mut self, object: &SceneObject, frame: &Frame, hero: bool, i: u32, n: u32) -> Spot {
        let (t_low, t_high) = depth_range(object.kind, object.placement, hero);
        let (x_low, x_high) = if hero && object.placement.horizontal.is_none() {
            (0.4, 0.6)
        } else {
            x_span(object.placement.horizontal)
        };
        let mut x = if n == 1 {
            pick_x(self.rng, object.placement.horizontal, x_low, x_high)
        } else {
            x_low + (x_high - x_low) * (i as f32 + self.rng.range(0.1, 0.9)) / n as f32
        } * self.w;
        let mut t = self.rng.range(t_low, t_high);
        // Big things near the hero stand behind it, not in front.
        if let Some((hero_x, hero_half, hero_t)) = self.hero
            && base_size(object.kind) >= 0.2
            && !frame.floating
            && (x - hero_x).abs() < hero_half + base_size(object.kind) * self.unit() * 0.3
            && t > hero_t - 0.08
        {
            t = self.rng.range(0.0, (hero_t - 0.12).max(0.01));
        }
        let (top, bottom) = frame.band;
        let mut y = top + t * (bottom - top);
        if let Some((centre, rx, ry)) = frame.island {
            let spread = if n > 1 { 0.45 } else { 0.12 };
            x = centre.x + self.rng.range(-spread, spread) * rx;
            y = centre.y - ry * 0.5;
        } else if let (true, Some((centre, half, foot, height))) = (hero, self.hill) {
            x = centre + self.rng.range(-0.04, 0.04) * self.w;
            let d = (x - centre) / half;
            y = foot - height * (1.0 - d * d).max(0.0) + self.h * 0.012;
        } else if let Some((centre, rx, ry)) = self.lake {
            let inside = ((x - centre.x) / (rx * 1.15)).powi(2)
                + ((y - centre.y) / (ry * 1.5)).powi(2)
                < 1.0;
            if frame.on_water {
                x = centre.x + self.rng.range(-0.55, 0.55) * rx;
                y = centre.y + self.rng.range(-0.2, 0.5) * ry;
            } else if inside {
                y = centre.y + ry * 1.5 + self.rng.range(0.0, 0.15) * (bottom - centre.y);
            }
        }
        let t = if frame.floating {
            t
        } else {
            ((y - top) / (bottom - top).max(1.0)).clamp(0.0, 1.0)
        };
        Spot { base: v2(x, y), t }
    }

    /// Things standing on the ground or floating on the water.
    fn ground_things(&mut self, ctx: &Ctx, object: &SceneObject, hero: bool, out: &mut Vec<Thing>) {
        let frame = self.frame_for(object);
        let kelp = self.scene.setting == Setting::Underwater && object.kind == ObjectKind::Grass;
        let n = object.count.clamp(1, 60);
        for i in 0..n {
            let spot = self.spot(object, &frame, hero, i, n);
            let perspective = if frame.floating {
                1.0
            } else {
                0.5 + 0.7 * spot.t
            };
            let base = if kelp { 0.3 } else { base_size(object.kind) };
            let boost = if hero { 1.3 } else { 1.0 };
            let mut size =
                base * self.unit() * perspective * object.scale * boost * self.rng.range(0.88, 1.1);
            if let Some((_, _, ry)) = frame.island {
                size = size.min(ry * 4.0);
            }
            if hero {
                let half = size
                    * if object.kind == ObjectKind::Castle {
                        0.65
                    } else {
                        0.5
                    };
                self.hero = Some((spot.base.x, half, spot.t));
            }
            if frame.rock {
                let (rx, ry) = (size * 0.55, size * 0.12);
                self.layers.push(Box::new(Island {
                    centre: spot.base + v2(0.0, ry * 0.7),
                    rx,
                    ry,
                    sand: hex(0x8f8a84),
                    grass: ctx.palette.fix(ctx.palette.foliage),
                    foam: hex(0xf4f8fb),
                }));
            }
            let thing = self.thing(ctx, object, spot, size, hero || frame.floating);
            out.push(thing);
        }
    }

    /// One thing with its colours: trees vary a little, far things fade
    /// into the haze, spring trees blossom.
    fn thing(
        &mut self,
        ctx: &Ctx,
        object: &SceneObject,
        spot: Spot,
        size: f32,
        crisp: bool,
    ) -> Thing {
        let (mut color, mut accent) = self.thing_colors(ctx, object);
        let tree = matches!(
            object.kind,
            ObjectKind::Tree | ObjectKind::PineTree | ObjectKind::PalmTree
        );
        if tree && object.color.is_none() {
            let jitter = self.rng.range(-0.08, 0.08);
            color = if jitter > 0.0 {
                color.lighten(jitter)
            } else {
                color.darken(-jitter)
            };
        }
        let spring = self.scene.season == Some(Season::Spring) && object.kind == ObjectKind::Tree;
        let dots = spring.then(|| self.choose(&[0xf7c6d9, 0xf4a7c0, 0xfff0f5]));
        if !crisp {
            let haze = 0.4 * (1.0 - spot.t).powi(2);
            color = color.mix(ctx.palette.haze, haze);
            accent = accent.mix(ctx.palette.haze, haze);
        }
        Thing {
            kind: object.kind,
            base: spot.base,
            size,
            color,
            accent,
            flip: self.rng.chance(0.5),
            variant: self.rng.int(0, 1000),
            setting: self.scene.setting,
            snowy: self.scene.snowy,
            dots: dots.map(|d| ctx.palette.fix(d)),
        }
    }
}
