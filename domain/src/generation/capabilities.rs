//! What a model can do: its operations, the parameters it takes, and its
//! limits. The Studio draws only the controls a model supports.

use serde::{Deserialize, Serialize};

/// An operation a model may support.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Operation {
    /// Text to image.
    Txt2img,
    /// Image to image (an init image plus a strength).
    Img2img,
    /// Repaint the masked part of an init image.
    Inpaint,
    /// Variations of an existing image.
    Variations,
    /// Upscale an existing image.
    Upscale,
}

/// An inclusive numeric range with a default.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct RangeSpec {
    /// Smallest accepted value.
    pub min: f64,
    /// Largest accepted value.
    pub max: f64,
    /// What the Studio starts with.
    pub default: f64,
}

impl RangeSpec {
    /// Whether `value` lies within the range.
    pub fn contains(&self, value: f64) -> bool {
        value >= self.min && value <= self.max
    }
}

/// Which image sizes a model accepts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SizeRule {
    /// Any width and height in `min..=max` that are multiples of `multiple_of`.
    Free {
        /// Smallest side.
        min: u32,
        /// Largest side.
        max: u32,
        /// Both sides must be multiples of this.
        multiple_of: u32,
    },
    /// Only these `(width, height)` pairs.
    Fixed {
        /// The accepted sizes.
        sizes: Vec<(u32, u32)>,
    },
}

impl SizeRule {
    /// Whether `width` x `height` is accepted.
    pub fn accepts(&self, width: u32, height: u32) -> bool {
        match self {
            SizeRule::Free {
                min,
                max,
                multiple_of,
            } => [width, height]
                .iter()
                .all(|side| side >= min && side <= max && side % multiple_of.max(&1) == 0),
            SizeRule::Fixed { sizes } => sizes.contains(&(width, height)),
        }
    }

    /// A human description, for error messages.
    pub fn describe(&self) -> String {
        match self {
            SizeRule::Free {
                min,
                max,
                multiple_of,
            } => format!("each side between {min} and {max} px, a multiple of {multiple_of}"),
            SizeRule::Fixed { sizes } => {
                let list: Vec<String> = sizes.iter().map(|(w, h)| format!("{w}x{h}")).collect();
                format!("one of {}", list.join(", "))
            }
        }
    }

    /// Presets the Studio offers for this rule: `(label, width, height)`.
    pub fn presets(&self) -> Vec<(String, u32, u32)> {
        match self {
            SizeRule::Fixed { sizes } => sizes
                .iter()
                .map(|&(w, h)| (format!("{w}×{h}"), w, h))
                .collect(),
            SizeRule::Free { .. } => {
                let candidates = [
                    ("Square 512", 512, 512),
                    ("Square 768", 768, 768),
                    ("Square 1024", 1024, 1024),
                    ("Portrait 2:3", 512, 768),
                    ("Landscape 3:2", 768, 512),
                    ("Wide 16:9", 1024, 576),
                    ("Tall 9:16", 576, 1024),
                    ("Square 2048", 2048, 2048),
                    ("Small 256", 256, 256),
                ];
                candidates
                    .iter()
                    .filter(|(_, w, h)| self.accepts(*w, *h))
                    .map(|&(label, w, h)| (label.to_owned(), w, h))
                    .collect()
            }
        }
    }
}

/// Everything a model supports.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Capabilities {
    /// Supported operations.
    pub operations: Vec<Operation>,
    /// Whether a negative prompt is understood.
    pub negative_prompt: bool,
    /// Whether a seed can be fixed.
    pub seed: bool,
    /// The steps range, if the model takes a step count.
    pub steps: Option<RangeSpec>,
    /// Accepted sizes.
    pub sizes: SizeRule,
    /// Largest number of images per request.
    pub max_count: u32,
    /// Longest prompt, in characters.
    pub max_prompt_chars: u32,
}

/// A model the Studio can pick, with its backend and whether it can run now.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelInfo {
    /// Stable id, `"<provider>:<model>"`, e.g. `"builtin:sketch"`.
    pub id: String,
    /// The backend's id, e.g. `"builtin"`.
    pub provider: String,
    /// The backend's display name, e.g. "Built-in, offline".
    pub provider_label: String,
    /// The model's display name.
    pub label: String,
    /// One line about what it is.
    pub description: String,
    /// Whether jobs for it can run now.
    pub available: bool,
    /// Why not, when unavailable.
    pub unavailable_reason: Option<String>,
    /// What it supports.
    pub capabilities: Capabilities,
}
