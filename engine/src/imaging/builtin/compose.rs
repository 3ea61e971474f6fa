//! The layout: from a [`Scene`], a seed and a size to an ordered list of
//! layers with concrete positions, sizes and colours.
//!
//! Every random choice is made in units of the canvas (fractions of the
//! width, height or shorter side), never in pixels, so the same scene and
//! seed lay out the same way at any resolution: the low-resolution preview
//! pass and the full render agree.

mod air;
mod ranges;
mod sky;
mod terrain;
mod things;

use super::color::{Rgb, hex};
use super::draw::atmosphere::{Finish, Fog, Precipitation};
use super::draw::{Ctx, Draw};
use super::palette::Palette;
use super::rng::{Noise, Rng, combine};
use super::scene::{ObjectKind, Scene, Setting, Style, Weather};
use super::sdf::v2;
use super::style::{Filter, Tone};

/// Everything needed to paint a scene at one size.
#[derive(Debug)]
pub(crate) struct Plan {
    /// Shared painting context.
    pub(crate) ctx: Ctx,
    /// Layers, back to front; each paints per band of rows.
    pub(crate) layers: Vec<Box<dyn Draw>>,
    /// Whole-image style passes run after all layers.
    pub(crate) filters: Vec<Filter>,
}

/// Abstract backdrops (top, bottom), picked by the variation hash.
const BACKDROPS: [(u32, u32); 6] = [
    (0xf6e7d7, 0xe8b4a0),
    (0xe3eef7, 0xa9c6e3),
    (0xf4efe1, 0xcdbf9f),
    (0x24304f, 0x47598a),
    (0xf1e4f3, 0xc7a8d9),
    (0xe4f2e7, 0xa7d3b4),
];

/// The horizon as a fraction of the height, before seeded jitter.
fn horizon_fraction(scene: &Scene) -> f32 {
    let mountains = scene.has(ObjectKind::Mountain);
    match scene.setting {
        Setting::Meadow | Setting::Forest | Setting::Winter if mountains => 0.64,
        Setting::Meadow | Setting::Winter => 0.6,
        Setting::Forest => 0.58,
        Setting::Beach => 0.5,
        Setting::Sea => 0.56,
        Setting::Desert => 0.62,
        Setting::City => 0.68,
        Setting::Underwater => 0.86,
        Setting::Space | Setting::Abstract => 1.0,
    }
}

/// Lays out `scene` for a `width` × `height` canvas.
pub(crate) fn plan(scene: &Scene, seed: u64, width: u32, height: u32) -> Plan {
    let mut rng = Rng::new(combine(seed, scene.variation));
    let mut palette = Palette::for_scene(scene);
    if scene.setting == Setting::Abstract && scene.sky_color.is_none() {
        let (top, bottom) =
            BACKDROPS[(combine(scene.variation, seed % 3) % BACKDROPS.len() as u64) as usize];
        let (top, bottom) = (hex(top), hex(bottom));
        palette.sky = [
            palette.fix(top),
            palette.fix(top.mix(bottom, 0.5)),
            palette.fix(bottom),
        ];
    }
    let (w, h) = (width as f32, height as f32);
    let fraction = horizon_fraction(scene);
    let horizon = if fraction >= 1.0 {
        h
    } else {
        (fraction + rng.range(-0.03, 0.03)) * h
    };
    let flat = scene.has_style(Style::Flat) || scene.has_style(Style::PixelArt);
    let mut ctx = Ctx {
        palette,
        noise: Noise::new(combine(seed, 0x6e_6f69_7365)),
        unit: w.min(h),
        horizon,
        light: v2(-0.6, -0.8),
        flat,
    };
    let mut layout = Layout {
        scene,
        rng: &mut rng,
        w,
        h,
        horizon,
        layers: Vec::new(),
        light_source: None,
        glints: Vec::new(),
        accent_index: 0,
        ground: None,
        water: None,
        extra_things: Vec::new(),
        hero: None,
        hill: None,
        lake: None,
        islands: Vec::new(),
    };
    layout.sky(&ctx);
    if let Some(source) = layout.light_source {
        let d = source - v2(w / 2.0, horizon.min(h * 0.8));
        let length = d.length().max(1.0);
        ctx.light = d * (1.0 / length);
    } else if layout.rng.chance(0.5) {
        ctx.light = v2(0.6, -0.8);
    }
    layout.terrain(&ctx);
    layout.things(&ctx);
    layout.weather(&ctx);
    let mut layers = layout.layers;
    let seed_grain = combine(seed, 0x67_7261_696e);
    layers.push(Box::new(Finish {
        seed: seed_grain,
        grain: if flat { 0.0 } else { 0.022 },
        vignette: if flat { 0.05 } else { 0.16 },
    }));
    let tones: Vec<Tone> = scene
        .styles
        .iter()
        .filter_map(|&s| Tone::for_style(s))
        .collect();
    if !tones.is_empty() {
        layers.push(Box::new(super::style::Tones { tones }));
    }
    let filters = scene
        .styles
        .iter()
        .filter_map(|&s| Filter::for_style(s))
        .collect();
    Plan {
        ctx,
        layers,
        filters,
    }
}

/// The layout in progress.
struct Layout<'a> {
    scene: &'a Scene,
    rng: &'a mut Rng,
    w: f32,
    h: f32,
    horizon: f32,
    layers: Vec<Box<dyn Draw>>,
    /// Where the sun (or moon) is, for lighting.
    light_source: Option<super::sdf::V2>,
    /// Reflections for water.
    glints: Vec<super::draw::water::Glint>,
    /// The next palette accent to hand out.
    accent_index: usize,
    /// The rows where the ground is, if there is ground.
    ground: Option<(f32, f32)>,
    /// The rows where open water is, if any.
    water: Option<(f32, f32)>,
    /// Things the terrain added (a palm on an island).
    extra_things: Vec<super::draw::Thing>,
    /// The main subject's column, half width and depth, once placed.
    hero: Option<(f32, f32, f32)>,
    /// A single named hill: centre column, half width, foot row, height.
    hill: Option<(f32, f32, f32, f32)>,
    /// A lake: centre and radii.
    lake: Option<(super::sdf::V2, f32, f32)>,
    /// Islands: centre and radii.
    islands: Vec<(super::sdf::V2, f32, f32)>,
}

impl Layout<'_> {
    /// The shorter side.
    fn unit(&self) -> f32 {
        self.w.min(self.h)
    }

    /// A colour for a thing: the named one, else the next palette accent.
    fn color_or_accent(&mut self, ctx: &Ctx, named: Option<&super::scene::NamedColor>) -> Rgb {
        match named {
            Some(color) => Rgb::from_bytes(color.rgb),
            None => {
                let accents = &ctx.palette.accents;
                let color = accents[self.accent_index % accents.len()];
                self.accent_index += 1;
                color
            }
        }
    }

    /// The named colour of the first object of `kind`, if any.
    fn named(&self, kind: ObjectKind) -> Option<Rgb> {
        self.scene
            .object(kind)
            .and_then(|o| o.color.as_ref())
            .map(|c| Rgb::from_bytes(c.rgb))
    }

    /// Fog, rain and snow.
    fn weather(&mut self, ctx: &Ctx) {
        let unit = self.unit();
        match self.scene.weather {
            Weather::Fog => self.layers.push(Box::new(Fog {
                color: ctx.palette.haze.lighten(0.35),
                density: 0.38,
            })),
            Weather::Rain => {
                let particles = (0..420)
                    .map(|_| {
                        (
                            v2(
                                self.rng.range(0.0, self.w * 1.05),
                                self.rng.range(-0.05, 1.0) * self.h,
                            ),
                            unit * self.rng.range(0.03, 0.06),
                        )
                    })
                    .collect();
                self.layers.push(Box::new(Precipitation {
                    particles,
                    color: hex(0xd5dee9),
                    rain: true,
                }));
            }
            Weather::Snow => {
                let particles = (0..380)
                    .map(|_| {
                        (
                            v2(self.rng.range(0.0, self.w), self.rng.range(0.0, self.h)),
                            unit * self.rng.range(0.003, 0.009),
                        )
                    })
                    .collect();
                self.layers.push(Box::new(Precipitation {
                    particles,
                    color: hex(0xfbfdff),
                    rain: false,
                }));
            }
            Weather::Clear | Weather::Cloudy => {}
        }
    }
}
