//! Style presets: a positive template wrapping the user's prompt and a
//! negative prompt, built in or defined by the user.

mod apply;
mod art;
mod design;
mod digital;
mod photography;

use serde::{Deserialize, Serialize};

pub use apply::{
    MAX_STYLE_NAME_CHARS, MAX_STYLE_PROMPT_CHARS, PROMPT_PLACEHOLDER, apply_styles, validate_style,
};

/// The categories of the built-in styles, in the order the UI lists them.
pub const STYLE_CATEGORIES: &[&str] = &[
    PHOTOGRAPHY,
    FILM,
    ILLUSTRATION,
    PAINTING,
    DRAWING,
    DIGITAL,
    THREE_D,
    GRAPHIC_DESIGN,
    CRAFT,
];

const PHOTOGRAPHY: &str = "Photography";
const FILM: &str = "Film";
const ILLUSTRATION: &str = "Illustration";
const PAINTING: &str = "Painting";
const DRAWING: &str = "Drawing";
const DIGITAL: &str = "Digital";
const THREE_D: &str = "3D";
const GRAPHIC_DESIGN: &str = "Graphic design";
const CRAFT: &str = "Craft";

/// A built-in style.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StylePreset {
    /// Stable id, kebab-case, e.g. `oil-painting`.
    pub id: &'static str,
    /// Name shown in the UI.
    pub name: &'static str,
    /// One of [`STYLE_CATEGORIES`].
    pub category: &'static str,
    /// The template; `{prompt}` (once) marks where the user's prompt goes.
    pub positive: &'static str,
    /// Added to the negative prompt.
    pub negative: &'static str,
    /// A short scene the built-in engine can draw, for the style's preview.
    pub preview_prompt: &'static str,
}

/// A style the user defined, or a built-in one, as owned data (for serde
/// over the wire).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StyleSpec {
    /// The style's id.
    pub id: String,
    /// Name shown in the UI.
    pub name: String,
    /// Category shown in the UI.
    pub category: String,
    /// The template; `{prompt}` marks where the prompt goes. Without it, the
    /// template is appended after `", "`.
    pub positive: String,
    /// Added to the negative prompt.
    pub negative: String,
}

impl From<&StylePreset> for StyleSpec {
    fn from(preset: &StylePreset) -> Self {
        Self {
            id: preset.id.to_owned(),
            name: preset.name.to_owned(),
            category: preset.category.to_owned(),
            positive: preset.positive.to_owned(),
            negative: preset.negative.to_owned(),
        }
    }
}

/// Every built-in style, grouped by category in [`STYLE_CATEGORIES`] order.
pub fn builtin_styles() -> &'static [StylePreset] {
    &BUILTIN
}

/// The built-in style with this id.
pub fn find_style(id: &str) -> Option<&'static StylePreset> {
    BUILTIN.iter().find(|style| style.id == id)
}

const BUILTIN_COUNT: usize =
    photography::STYLES.len() + art::STYLES.len() + digital::STYLES.len() + design::STYLES.len();

static BUILTIN: [StylePreset; BUILTIN_COUNT] = concat([
    photography::STYLES,
    art::STYLES,
    digital::STYLES,
    design::STYLES,
]);

/// Joins the per-file tables into one array at compile time, so that
/// [`builtin_styles`] can hand out a single `'static` slice.
const fn concat<const N: usize>(parts: [&[StylePreset]; 4]) -> [StylePreset; N] {
    const BLANK: StylePreset = StylePreset {
        id: "",
        name: "",
        category: "",
        positive: "",
        negative: "",
        preview_prompt: "",
    };
    let mut out = [BLANK; N];
    let mut filled = 0;
    let mut part = 0;
    while part < parts.len() {
        let mut i = 0;
        while i < parts[part].len() {
            out[filled] = parts[part][i];
            filled += 1;
            i += 1;
        }
        part += 1;
    }
    assert!(filled == N, "the style tables do not add up");
    out
}
