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

impl Operation {
    /// The lowercase name, as stored on images (`txt2img`, `inpaint` ...).
    pub fn as_str(self) -> &'static str {
        match self {
            Operation::Txt2img => "txt2img",
            Operation::Img2img => "img2img",
            Operation::Inpaint => "inpaint",
            Operation::Variations => "variations",
            Operation::Upscale => "upscale",
        }
    }

    /// A label for people ("Image to image" ...).
    pub fn label(self) -> &'static str {
        match self {
            Operation::Txt2img => "Text to image",
            Operation::Img2img => "Image to image",
            Operation::Inpaint => "Inpainting",
            Operation::Variations => "Variations",
            Operation::Upscale => "Upscale",
        }
    }

    /// Whether the operation starts from an existing image.
    pub fn needs_source_image(self) -> bool {
        !matches!(self, Operation::Txt2img)
    }
}

/// One value of a [`ChoiceSpec`]: what is sent, and what people read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Choice {
    /// The value sent to the backend, e.g. `"hd"`.
    pub value: String,
    /// The label shown, e.g. "HD".
    pub label: String,
}

/// A closed set of values for one parameter (sampler, quality, style ...).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChoiceSpec {
    /// The accepted values, in the order the Studio lists them.
    pub options: Vec<Choice>,
    /// The value the Studio starts with (one of `options`).
    pub default: String,
}

impl ChoiceSpec {
    /// A spec whose labels are the values themselves.
    pub fn plain(values: &[&str], default: &str) -> Self {
        Self {
            options: values
                .iter()
                .map(|v| Choice {
                    value: (*v).to_owned(),
                    label: (*v).to_owned(),
                })
                .collect(),
            default: default.to_owned(),
        }
    }

    /// A spec from `(value, label)` pairs.
    pub fn labelled(pairs: &[(&str, &str)], default: &str) -> Self {
        Self {
            options: pairs
                .iter()
                .map(|(value, label)| Choice {
                    value: (*value).to_owned(),
                    label: (*label).to_owned(),
                })
                .collect(),
            default: default.to_owned(),
        }
    }

    /// Whether `value` is one of the options.
    pub fn accepts(&self, value: &str) -> bool {
        self.options.iter().any(|c| c.value == value)
    }

    /// The values, for error messages.
    pub fn describe(&self) -> String {
        let values: Vec<&str> = self.options.iter().map(|c| c.value.as_str()).collect();
        values.join(", ")
    }
}

/// An aspect ratio a backend takes instead of a pixel size, with the size
/// it produces (so the gallery and the Studio can show the shape).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AspectRatio {
    /// The ratio as the backend spells it, e.g. `"16:9"`.
    pub label: String,
    /// Width of the output, in pixels.
    pub width: u32,
    /// Height of the output, in pixels.
    pub height: u32,
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
    /// Aspect ratios: the request's width and height pick one (by their
    /// exact nominal size), and the backend decides the pixels.
    Aspect {
        /// The accepted ratios.
        ratios: Vec<AspectRatio>,
    },
}

impl Default for SizeRule {
    fn default() -> Self {
        SizeRule::Free {
            min: 256,
            max: 2048,
            multiple_of: 8,
        }
    }
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
            SizeRule::Aspect { ratios } => ratios
                .iter()
                .any(|r| r.width == width && r.height == height),
        }
    }

    /// The aspect ratio label for `width` x `height`, under an
    /// [`SizeRule::Aspect`] rule.
    pub fn aspect_label(&self, width: u32, height: u32) -> Option<&str> {
        match self {
            SizeRule::Aspect { ratios } => ratios
                .iter()
                .find(|r| r.width == width && r.height == height)
                .map(|r| r.label.as_str()),
            _ => None,
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
            SizeRule::Aspect { ratios } => {
                let list: Vec<&str> = ratios.iter().map(|r| r.label.as_str()).collect();
                format!("an aspect ratio of {}", list.join(", "))
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
            SizeRule::Aspect { ratios } => ratios
                .iter()
                .map(|r| (r.label.clone(), r.width, r.height))
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

/// Everything a model supports. Optional parameters are `None` (or empty)
/// when the model does not take them; the Studio then hides the control.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
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
    /// Whether AUTOMATIC1111 weighting (`(word:1.2)`, `[word]`) is
    /// understood; if not, weights are turned into plain text.
    #[serde(default)]
    pub prompt_weighting: bool,
    /// The prompt-adherence (CFG) range, if the model takes one.
    #[serde(default)]
    pub cfg: Option<RangeSpec>,
    /// The samplers, if the model lets one be chosen.
    #[serde(default)]
    pub sampler: Option<ChoiceSpec>,
    /// The noise schedules, if the model lets one be chosen.
    #[serde(default)]
    pub scheduler: Option<ChoiceSpec>,
    /// Quality levels (`standard`/`hd`, `low`..`high`), if any.
    #[serde(default)]
    pub quality: Option<ChoiceSpec>,
    /// The backend's own styles (`vivid`/`natural`, Stability's presets).
    #[serde(default)]
    pub style: Option<ChoiceSpec>,
    /// Background choices (`transparent`, `opaque`, `auto`), if any.
    #[serde(default)]
    pub background: Option<ChoiceSpec>,
    /// Output file formats the backend can send, if it lets one be chosen.
    #[serde(default)]
    pub output_format: Option<ChoiceSpec>,
    /// How far img2img may move from the init image (0..1), when the model
    /// does img2img.
    #[serde(default)]
    pub strength: Option<RangeSpec>,
    /// Upscale factors offered, when the model upscales.
    #[serde(default)]
    pub upscale_factors: Vec<u32>,
}

impl Capabilities {
    /// Text to image only, with nothing optional: a base to build on.
    pub fn txt2img(sizes: SizeRule, max_count: u32, max_prompt_chars: u32) -> Self {
        Self {
            operations: vec![Operation::Txt2img],
            sizes,
            max_count,
            max_prompt_chars,
            ..Self::default()
        }
    }

    /// Whether the model can do `operation`.
    pub fn supports(&self, operation: Operation) -> bool {
        self.operations.contains(&operation)
    }
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

/// How a backend is doing, for the admin's Settings page. Never holds a
/// key: only what is safe to show.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BackendStatus {
    /// The backend's id, e.g. `"comfyui"`.
    pub id: String,
    /// Its display name.
    pub label: String,
    /// Where it is reached (credentials removed), if it is remote.
    pub endpoint: Option<String>,
    /// Whether the last check reached it.
    pub reachable: bool,
    /// Whether a key or password is configured (never the key itself).
    pub has_credentials: bool,
    /// How many jobs this process runs on it at once.
    pub concurrency: u32,
    /// The models it lists.
    pub models: Vec<String>,
    /// The last error (from a check or a job), in words.
    pub last_error: Option<String>,
    /// When it was last checked, if ever.
    pub checked_at: Option<chrono::DateTime<chrono::Utc>>,
}
