//! The colours of a scene: sky, ground, water and the rest, chosen from the
//! setting and the time of day, then adjusted by the prompt's colours (a
//! named sky, unattached tints), by the variation hash, and finally kept
//! away from the colours the negative prompt excludes.

use super::color::{Rgb, hex, hue_delta};
use super::scene::{Scene, Season, Setting, Style, TimeOfDay, Weather};

/// The colours a scene is painted with.
#[derive(Debug, Clone)]
pub(crate) struct Palette {
    /// Sky gradient: zenith, middle, horizon.
    pub(crate) sky: [Rgb; 3],
    /// Ground: at the horizon, at the bottom edge.
    pub(crate) ground: [Rgb; 2],
    /// Water: at the horizon, near the viewer.
    pub(crate) water: [Rgb; 2],
    /// Mountains: far range, near range.
    pub(crate) mountain: [Rgb; 2],
    /// Leaves and grass.
    pub(crate) foliage: Rgb,
    /// Wood.
    pub(crate) trunk: Rgb,
    /// The sun's disc.
    pub(crate) sun: Rgb,
    /// The moon's disc.
    pub(crate) moon: Rgb,
    /// Clouds.
    pub(crate) cloud: Rgb,
    /// The colour distance fades toward.
    pub(crate) haze: Rgb,
    /// The light's tint and how strongly it tints lit things.
    pub(crate) light: (Rgb, f32),
    /// How dark it is: 0 at noon, 1 at midnight.
    pub(crate) night: f32,
    /// Colours for things the prompt gave none (houses, cars, balloons).
    pub(crate) accents: Vec<Rgb>,
    /// Colours to keep out of the picture.
    excluded: Vec<Rgb>,
}

/// Accent sets; the variation hash picks one.
const ACCENT_SETS: [[u32; 5]; 4] = [
    [0xe4572e, 0xf3a712, 0x2e86ab, 0xf6f0e4, 0x8c4a3c],
    [0xd1495b, 0xedae49, 0x00798c, 0xf4e9cd, 0x30638e],
    [0xc8553d, 0xf28f3b, 0x588b8b, 0xffd5c2, 0x2d3047],
    [0xb5446e, 0xf2c14e, 0x4d9078, 0xf7f3e3, 0x5b5f97],
];

impl Palette {
    /// The palette for a scene.
    pub(crate) fn for_scene(scene: &Scene) -> Palette {
        let mut palette = base(scene.setting, scene.time);
        weather(&mut palette, scene.weather);
        match scene.season {
            Some(Season::Autumn) => {
                palette.ground = palette.ground.map(|c| c.mix(hex(0xc9a04e), 0.35));
                palette.foliage = palette.foliage.mix(hex(0xd9822b), 0.45);
            }
            Some(Season::Spring) => {
                palette.ground = palette.ground.map(|c| c.lighten(0.08).saturate(1.1))
            }
            Some(Season::Summer) => palette.foliage = palette.foliage.saturate(1.15),
            None => {}
        }
        if let Some(sky) = &scene.sky_color {
            let c = Rgb::from_bytes(sky.rgb);
            palette.sky = [c.darken(0.25).saturate(1.1), c, c.lighten(0.45)];
        }
        let ground = scene.ground_color.as_ref().or_else(|| {
            scene
                .objects
                .iter()
                .find(|o| o.kind == super::scene::ObjectKind::Grass)
                .and_then(|o| o.color.as_ref())
        });
        if let Some(ground) = ground {
            let c = Rgb::from_bytes(ground.rgb);
            palette.ground = [c.lighten(0.15), c.darken(0.15)];
        }
        tint(&mut palette, scene);
        if scene.variation != 0 {
            let degrees = (scene.variation % 31) as f32 - 15.0;
            palette.map(|c| c.rotate_hue(degrees));
        }
        if scene.has_style(Style::Vibrant) {
            palette.map(|c| c.saturate(1.35));
        }
        if scene.has_style(Style::Moody) {
            palette.map(|c| c.darken(0.25).saturate(0.8));
        }
        palette.accents = ACCENT_SETS[(scene.variation % 4) as usize]
            .iter()
            .map(|&v| hex(v))
            .collect();
        palette.excluded = scene
            .excluded_colors
            .iter()
            .map(|c| Rgb::from_bytes(c.rgb))
            .collect();
        let fixed: Vec<Rgb> = palette.accents.iter().map(|&c| palette.fix(c)).collect();
        palette.accents = fixed;
        for i in 0..3 {
            palette.sky[i] = palette.fix(palette.sky[i]);
        }
        for i in 0..2 {
            palette.ground[i] = palette.fix(palette.ground[i]);
            palette.water[i] = palette.fix(palette.water[i]);
            palette.mountain[i] = palette.fix(palette.mountain[i]);
        }
        palette.foliage = palette.fix(palette.foliage);
        palette.trunk = palette.fix(palette.trunk);
        palette.sun = palette.fix(palette.sun);
        palette.moon = palette.fix(palette.moon);
        palette.cloud = palette.fix(palette.cloud);
        palette
    }

    /// Applies `f` to the scenery colours.
    fn map(&mut self, f: impl Fn(Rgb) -> Rgb) {
        self.sky = self.sky.map(&f);
        self.ground = self.ground.map(&f);
        self.water = self.water.map(&f);
        self.mountain = self.mountain.map(&f);
        self.foliage = f(self.foliage);
        self.haze = f(self.haze);
    }

    /// The colour moved away from every excluded colour it is close to:
    /// hues are rotated at least 45° away, greys pushed in lightness.
    pub(crate) fn fix(&self, color: Rgb) -> Rgb {
        let mut c = color;
        for _ in 0..3 {
            let Some(&e) = self.excluded.iter().find(|&&e| too_close(c, e)) else {
                return c;
            };
            let (h, s, l) = c.to_hsl();
            let (eh, es, el) = e.to_hsl();
            c = if es < 0.2 {
                let direction = if l >= el { 1.0 } else { -1.0 };
                let moved = (el + direction * 0.35).clamp(0.08, 0.92);
                Rgb::from_hsl(h, s.max(0.25), moved)
            } else {
                let delta = hue_delta(h, eh);
                let direction = if delta >= 0.0 { 1.0 } else { -1.0 };
                Rgb::from_hsl(eh + direction * 50.0, s, l)
            };
        }
        c
    }

    /// A thing's colour under the scene's light: tinted at sunset, darker
    /// and bluer at night.
    pub(crate) fn lit(&self, color: Rgb) -> Rgb {
        let (tint, amount) = self.light;
        let c = color.mix(color * tint, amount);
        // Light colours keep more of themselves, so a white cat at night
        // still reads as white.
        let keep = 1.0 - 0.45 * self.night * (1.0 - 0.5 * c.luma().clamp(0.0, 1.0));
        let dark = c * keep + hex(0x1b2650) * (0.12 * self.night);
        dark.saturate(1.0 - 0.25 * self.night)
    }
}

/// Whether two colours read as the same colour word.
fn too_close(c: Rgb, e: Rgb) -> bool {
    let (h, s, l) = c.to_hsl();
    let (eh, es, el) = e.to_hsl();
    if es < 0.2 {
        s < 0.25 && (l - el).abs() < 0.22
    } else {
        s > 0.2 && l > 0.12 && l < 0.92 && hue_delta(h, eh).abs() < 35.0
    }
}

/// The palette of a setting at a time of day.
fn base(setting: Setting, time: TimeOfDay) -> Palette {
    let sky = match time {
        TimeOfDay::Day => [hex(0x3f86d9), hex(0x82b9ea), hex(0xd4ecf6)],
        TimeOfDay::Sunrise => [hex(0x5a78c4), hex(0xe8a6b8), hex(0xffd9a3)],
        TimeOfDay::Sunset => [hex(0x2c2f78), hex(0xb8497a), hex(0xffa152)],
        TimeOfDay::Dusk => [hex(0x141a42), hex(0x4b3f7c), hex(0xc4768c)],
        TimeOfDay::Night => [hex(0x050914), hex(0x0e1a3b), hex(0x25375f)],
    };
    let (light, night) = match time {
        TimeOfDay::Day => ((Rgb::WHITE, 0.0), 0.0),
        TimeOfDay::Sunrise => ((hex(0xffc9a8), 0.25), 0.1),
        TimeOfDay::Sunset => ((hex(0xff9a5c), 0.35), 0.2),
        TimeOfDay::Dusk => ((hex(0x9d7cc0), 0.35), 0.5),
        TimeOfDay::Night => ((hex(0x7f9cd6), 0.3), 1.0),
    };
    let (ground, foliage) = match setting {
        Setting::Beach => ([hex(0xf1d9a6), hex(0xe0b877)], hex(0x3f9a55)),
        Setting::Desert => ([hex(0xf2cd8d), hex(0xd5944f)], hex(0x4f9a5a)),
        Setting::Forest => ([hex(0x6d9b52), hex(0x2f5e34)], hex(0x2f6d45)),
        Setting::City => ([hex(0x8d929b), hex(0x4d5159)], hex(0x3f8a4a)),
        Setting::Winter => ([hex(0xf1f5fa), hex(0xcfdcec)], hex(0x2f5f52)),
        Setting::Underwater => ([hex(0xe3cf9c), hex(0xb9955c)], hex(0x3f9a6a)),
        _ => ([hex(0xa6cc6c), hex(0x4c8c3e)], hex(0x3d8a40)),
    };
    let mut palette = Palette {
        sky,
        ground,
        water: [
            sky[2].mix(hex(0x3b7fb5), 0.45),
            hex(0x1d5a92).mix(sky[0], 0.3),
        ],
        mountain: [
            sky[2].mix(hex(0x6f7fa8), 0.55),
            sky[1].mix(hex(0x4a5678), 0.6),
        ],
        foliage,
        trunk: hex(0x7a5034),
        sun: match time {
            TimeOfDay::Sunset => hex(0xff8a3d),
            TimeOfDay::Sunrise => hex(0xffb347),
            _ => hex(0xffd84a),
        },
        moon: hex(0xf4efd8),
        cloud: match time {
            TimeOfDay::Day => hex(0xfbfcff),
            TimeOfDay::Sunrise => hex(0xffe3d6),
            TimeOfDay::Sunset => hex(0xf7a98a),
            TimeOfDay::Dusk => hex(0x8f7aa8),
            TimeOfDay::Night => hex(0x3a4668),
        },
        haze: sky[2],
        light,
        night,
        accents: Vec::new(),
        excluded: Vec::new(),
    };
    match setting {
        Setting::Space => {
            palette.sky = [hex(0x03040b), hex(0x0a0c24), hex(0x1a1240)];
            palette.night = 1.0;
        }
        Setting::Underwater => {
            palette.sky = [hex(0x49d0dc), hex(0x1387a6), hex(0x0b3a5e)];
            palette.haze = hex(0x1a7f9c);
            palette.light = (hex(0x9fe3e8), 0.3);
        }
        Setting::Winter => palette.mountain[1] = palette.mountain[1].lighten(0.2),
        Setting::Desert => palette.mountain = palette.mountain.map(|c| c.mix(hex(0xc98a5a), 0.45)),
        _ => {}
    }
    palette
}

/// Weather greys and darkens.
fn weather(palette: &mut Palette, weather: Weather) {
    let (grey, amount, dim) = match weather {
        Weather::Clear => return,
        Weather::Cloudy => (hex(0xb8bfc8), 0.45, 0.9),
        Weather::Fog => (hex(0xd6dadf), 0.5, 1.0),
        Weather::Rain => (hex(0x7d8794), 0.65, 0.75),
        Weather::Snow => (hex(0xdfe5ee), 0.45, 0.95),
    };
    palette.sky = palette.sky.map(|c| c.mix(grey, amount) * dim);
    palette.haze = palette.haze.mix(grey, amount);
    palette.cloud = palette.cloud.mix(grey, amount * 0.8) * dim;
    palette.water = palette.water.map(|c| c.mix(grey, amount * 0.5));
}

/// Colours named without a thing tint the scenery: the first mostly the
/// sky, the second mostly the ground.
fn tint(palette: &mut Palette, scene: &Scene) {
    let tints: Vec<Rgb> = scene.tints.iter().map(|c| Rgb::from_bytes(c.rgb)).collect();
    let Some(&first) = tints.first() else {
        return;
    };
    let second = tints.get(1).copied().unwrap_or(first);
    if scene.sky_color.is_none() {
        palette.sky = [
            palette.sky[0].mix(first.darken(0.2), 0.5),
            palette.sky[1].mix(first, 0.55),
            palette.sky[2].mix(first.lighten(0.4), 0.45),
        ];
    }
    if scene.ground_color.is_none() {
        palette.ground = palette.ground.map(|c| c.mix(second, 0.3));
    }
    palette.water = palette.water.map(|c| c.mix(first, 0.3));
    palette.mountain = palette.mountain.map(|c| c.mix(second, 0.25));
    palette.haze = palette.haze.mix(first, 0.3);
    palette.cloud = palette.cloud.mix(first.lighten(0.5), 0.25);
    if let Some(&third) = tints.get(2) {
        palette.foliage = palette.foliage.mix(third, 0.4);
    }
}
