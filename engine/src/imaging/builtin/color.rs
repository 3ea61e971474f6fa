//! Colours: a small float RGB type (sRGB components in `0..=1`), HSL
//! conversions, and the named colours the prompt language knows.

use std::ops::{Add, Mul};

/// An sRGB colour with float components, nominally in `0..=1`.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub(crate) struct Rgb {
    pub(crate) r: f32,
    pub(crate) g: f32,
    pub(crate) b: f32,
}

/// Shorthand for a colour from `0xRRGGBB`.
pub(crate) const fn hex(value: u32) -> Rgb {
    Rgb {
        r: ((value >> 16) & 0xff) as f32 / 255.0,
        g: ((value >> 8) & 0xff) as f32 / 255.0,
        b: (value & 0xff) as f32 / 255.0,
    }
}

impl Rgb {
    /// White.
    pub(crate) const WHITE: Rgb = Rgb {
        r: 1.0,
        g: 1.0,
        b: 1.0,
    };
    /// Black.
    pub(crate) const BLACK: Rgb = Rgb {
        r: 0.0,
        g: 0.0,
        b: 0.0,
    };

    /// A colour from bytes.
    pub(crate) fn from_bytes(bytes: [u8; 3]) -> Rgb {
        Rgb {
            r: f32::from(bytes[0]) / 255.0,
            g: f32::from(bytes[1]) / 255.0,
            b: f32::from(bytes[2]) / 255.0,
        }
    }

    /// Rounded bytes, clamped.
    pub(crate) fn to_bytes(self) -> [u8; 3] {
        let byte = |v: f32| (v * 255.0).round().clamp(0.0, 255.0) as u8;
        [byte(self.r), byte(self.g), byte(self.b)]
    }

    /// Linear interpolation toward `other`: `t = 0` is `self`, `1` is `other`.
    pub(crate) fn mix(self, other: Rgb, t: f32) -> Rgb {
        Rgb {
            r: self.r + (other.r - self.r) * t,
            g: self.g + (other.g - self.g) * t,
            b: self.b + (other.b - self.b) * t,
        }
    }

    /// Relative luminance (Rec. 709 weights on the sRGB values).
    pub(crate) fn luma(self) -> f32 {
        0.2126 * self.r + 0.7152 * self.g + 0.0722 * self.b
    }

    /// Mixed toward white.
    pub(crate) fn lighten(self, t: f32) -> Rgb {
        self.mix(Rgb::WHITE, t)
    }

    /// Mixed toward black.
    pub(crate) fn darken(self, t: f32) -> Rgb {
        self.mix(Rgb::BLACK, t)
    }

    /// Saturation scaled by `factor` around the colour's luminance.
    pub(crate) fn saturate(self, factor: f32) -> Rgb {
        let grey = self.luma();
        let g = Rgb {
            r: grey,
            g: grey,
            b: grey,
        };
        g.mix(self, factor)
    }

    /// Each component clamped to `0..=1`.
    pub(crate) fn clamped(self) -> Rgb {
        Rgb {
            r: self.r.clamp(0.0, 1.0),
            g: self.g.clamp(0.0, 1.0),
            b: self.b.clamp(0.0, 1.0),
        }
    }

    /// Screen blend: brightens, never darkens.
    pub(crate) fn screen(self, other: Rgb) -> Rgb {
        Rgb {
            r: 1.0 - (1.0 - self.r) * (1.0 - other.r),
            g: 1.0 - (1.0 - self.g) * (1.0 - other.g),
            b: 1.0 - (1.0 - self.b) * (1.0 - other.b),
        }
    }

    /// Hue in degrees `0..360`, saturation and lightness in `0..=1`.
    pub(crate) fn to_hsl(self) -> (f32, f32, f32) {
        let c = self.clamped();
        let max = c.r.max(c.g).max(c.b);
        let min = c.r.min(c.g).min(c.b);
        let lightness = (max + min) / 2.0;
        let delta = max - min;
        if delta < 1e-6 {
            return (0.0, 0.0, lightness);
        }
        let saturation = delta / (1.0 - (2.0 * lightness - 1.0).abs()).max(1e-6);
        let hue = if max == c.r {
            60.0 * ((c.g - c.b) / delta).rem_euclid(6.0)
        } else if max == c.g {
            60.0 * ((c.b - c.r) / delta + 2.0)
        } else {
            60.0 * ((c.r - c.g) / delta + 4.0)
        };
        (hue.rem_euclid(360.0), saturation.min(1.0), lightness)
    }

    /// A colour from hue (degrees), saturation and lightness.
    pub(crate) fn from_hsl(hue: f32, saturation: f32, lightness: f32) -> Rgb {
        let (s, l) = (saturation.clamp(0.0, 1.0), lightness.clamp(0.0, 1.0));
        let c = (1.0 - (2.0 * l - 1.0).abs()) * s;
        let h = hue.rem_euclid(360.0) / 60.0;
        let x = c * (1.0 - (h.rem_euclid(2.0) - 1.0).abs());
        let (r, g, b) = match h as u32 {
            0 => (c, x, 0.0),
            1 => (x, c, 0.0),
            2 => (0.0, c, x),
            3 => (0.0, x, c),
            4 => (x, 0.0, c),
            _ => (c, 0.0, x),
        };
        let m = l - c / 2.0;
        Rgb {
            r: r + m,
            g: g + m,
            b: b + m,
        }
    }

    /// The same colour with its hue rotated by `degrees`.
    pub(crate) fn rotate_hue(self, degrees: f32) -> Rgb {
        let (h, s, l) = self.to_hsl();
        Rgb::from_hsl(h + degrees, s, l)
    }
}

impl Add for Rgb {
    type Output = Rgb;
    fn add(self, o: Rgb) -> Rgb {
        Rgb {
            r: self.r + o.r,
            g: self.g + o.g,
            b: self.b + o.b,
        }
    }
}

impl Mul<f32> for Rgb {
    type Output = Rgb;
    fn mul(self, k: f32) -> Rgb {
        Rgb {
            r: self.r * k,
            g: self.g * k,
            b: self.b * k,
        }
    }
}

impl Mul<Rgb> for Rgb {
    type Output = Rgb;
    fn mul(self, o: Rgb) -> Rgb {
        Rgb {
            r: self.r * o.r,
            g: self.g * o.g,
            b: self.b * o.b,
        }
    }
}

/// Signed hue difference `a - b` in degrees, in `-180..180`.
pub(crate) fn hue_delta(a: f32, b: f32) -> f32 {
    (a - b + 180.0).rem_euclid(360.0) - 180.0
}

/// The colour words, each with its sRGB value. Several spellings share one.
pub(crate) const NAMED_COLORS: &[(&str, u32)] = &[
    ("red", 0xd7263d),
    ("crimson", 0xb3122e),
    ("scarlet", 0xe0301e),
    ("maroon", 0x7a1f2b),
    ("burgundy", 0x7d1935),
    ("ruby", 0xc41e5a),
    ("orange", 0xf28c28),
    ("amber", 0xf5a623),
    ("tangerine", 0xf9812a),
    ("coral", 0xf2705e),
    ("peach", 0xf7b58c),
    ("salmon", 0xf08a75),
    ("yellow", 0xf7d842),
    ("lemon", 0xf4e04d),
    ("gold", 0xe6b422),
    ("golden", 0xe6b422),
    ("mustard", 0xd4a72c),
    ("lime", 0x9ccc3c),
    ("green", 0x3f9b4a),
    ("emerald", 0x1f9e6e),
    ("olive", 0x7d8a3a),
    ("mint", 0x98e2c6),
    ("jade", 0x3aa676),
    ("forestgreen", 0x2f6b3a),
    ("teal", 0x1f8a8a),
    ("cyan", 0x2cc6d8),
    ("turquoise", 0x3cc8c0),
    ("aqua", 0x4fd6d0),
    ("blue", 0x2f6fd6),
    ("azure", 0x3a8ee6),
    ("skyblue", 0x7cc4ee),
    ("cobalt", 0x1f4fb8),
    ("navy", 0x1b2a5c),
    ("sapphire", 0x1d4ea8),
    ("indigo", 0x3f3d9c),
    ("violet", 0x8a5cd6),
    ("purple", 0x7e3fb0),
    ("lavender", 0xb9a3e3),
    ("lilac", 0xc8a2d8),
    ("plum", 0x8e4585),
    ("magenta", 0xd6339a),
    ("fuchsia", 0xe04aa8),
    ("pink", 0xf28ab2),
    ("brown", 0x8a5a34),
    ("chocolate", 0x6b3d22),
    ("tan", 0xc9a27a),
    ("beige", 0xe6d5b0),
    ("cream", 0xf5ecd2),
    ("ivory", 0xf7f2e0),
    ("white", 0xf8f8f4),
    ("silver", 0xb9bfc7),
    ("grey", 0x8c9096),
    ("gray", 0x8c9096),
    ("charcoal", 0x3a3d42),
    ("black", 0x17181c),
];

/// The value of a colour word.
pub(crate) fn named_color(word: &str) -> Option<Rgb> {
    NAMED_COLORS
        .iter()
        .find(|(name, _)| *name == word)
        .map(|(_, value)| hex(*value))
}
