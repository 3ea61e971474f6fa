//! Stability's services as Easel models (PROVIDERS.md §2.2–§2.3): Stable
//! Image Ultra and Core, the SD 3.5 family, inpainting, and two upscalers,
//! with the nine aspect ratios and their nominal output sizes.

use easel_domain::generation::{
    AspectRatio, Capabilities, ChoiceSpec, ModelInfo, Operation, RangeSpec, SizeRule,
};

use super::{LABEL, PROVIDER_ID};

/// The service behind a model.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Service {
    /// `generate/ultra`.
    Ultra,
    /// `generate/core`.
    Core,
    /// `generate/sd3` with this `model`.
    Sd3(&'static str),
    /// `edit/inpaint`.
    Inpaint,
    /// `upscale/fast`: 4x, synchronous.
    UpscaleFast,
    /// `upscale/creative`: asynchronous.
    UpscaleCreative,
}

impl Service {
    /// The endpoint path.
    pub(super) fn path(self) -> &'static str {
        match self {
            Service::Ultra => "/v2beta/stable-image/generate/ultra",
            Service::Core => "/v2beta/stable-image/generate/core",
            Service::Sd3(_) => "/v2beta/stable-image/generate/sd3",
            Service::Inpaint => "/v2beta/stable-image/edit/inpaint",
            Service::UpscaleFast => "/v2beta/stable-image/upscale/fast",
            Service::UpscaleCreative => "/v2beta/stable-image/upscale/creative",
        }
    }
}

/// Every model: (model id after the colon, service, label, description).
const MODELS: &[(&str, Service, &str, &str)] = &[
    (
        "core",
        Service::Core,
        "Stable Image Core",
        "Fast, inexpensive images with style presets.",
    ),
    (
        "ultra",
        Service::Ultra,
        "Stable Image Ultra",
        "Stability's most detailed images; also image to image.",
    ),
    (
        "sd3.5-large",
        Service::Sd3("sd3.5-large"),
        "Stable Diffusion 3.5 Large",
        "The 8B SD 3.5 model, with CFG and image to image.",
    ),
    (
        "sd3.5-large-turbo",
        Service::Sd3("sd3.5-large-turbo"),
        "Stable Diffusion 3.5 Large Turbo",
        "SD 3.5 Large distilled for speed.",
    ),
    (
        "sd3.5-medium",
        Service::Sd3("sd3.5-medium"),
        "Stable Diffusion 3.5 Medium",
        "The 2.5B SD 3.5 model.",
    ),
    (
        "inpaint",
        Service::Inpaint,
        "Stable Image Inpaint",
        "Repaints the masked part of an image.",
    ),
    (
        "upscale-fast",
        Service::UpscaleFast,
        "Fast Upscaler",
        "Enlarges an image 4x in about a second.",
    ),
    (
        "upscale-creative",
        Service::UpscaleCreative,
        "Creative Upscaler",
        "Re-imagines a small image at about 4 megapixels; takes a minute or more.",
    ),
];

/// The aspect ratios and the size each produces.
pub(super) const ASPECT_RATIOS: &[(&str, u32, u32)] = &[
    ("1:1", 1024, 1024),
    ("16:9", 1344, 768),
    ("21:9", 1536, 640),
    ("3:2", 1216, 832),
    ("5:4", 1088, 896),
    ("4:5", 896, 1088),
    ("2:3", 832, 1216),
    ("9:16", 768, 1344),
    ("9:21", 640, 1536),
];

/// Core's style presets.
const STYLE_PRESETS: &[&str] = &[
    "enhance",
    "anime",
    "photographic",
    "digital-art",
    "comic-book",
    "fantasy-art",
    "line-art",
    "analog-film",
    "neon-punk",
    "isometric",
    "low-poly",
    "origami",
    "modeling-compound",
    "cinematic",
    "3d-model",
    "pixel-art",
    "tile-texture",
];

/// The style value that sends no `style_preset`.
pub(super) const NO_STYLE: &str = "none";

/// Most images per job: one request each, run one after another.
pub(super) const MAX_COUNT: u32 = 4;

/// The default image-to-image strength (Stability has none: it must be
/// sent with every image).
pub(super) const DEFAULT_STRENGTH: f32 = 0.5;

/// The service of a model id (after the colon).
pub(super) fn service_of(model: &str) -> Option<Service> {
    MODELS
        .iter()
        .find(|(id, ..)| *id == model)
        .map(|(_, service, ..)| *service)
}

/// Every model, for the Studio.
pub(super) fn all() -> Vec<ModelInfo> {
    MODELS
        .iter()
        .map(|(id, service, label, description)| ModelInfo {
            id: format!("{PROVIDER_ID}:{id}"),
            provider: PROVIDER_ID.into(),
            provider_label: LABEL.into(),
            label: (*label).into(),
            description: (*description).into(),
            available: true,
            unavailable_reason: None,
            capabilities: capabilities(*service),
        })
        .collect()
}

/// The aspect-ratio rule every generate endpoint follows.
pub(super) fn aspect_rule() -> SizeRule {
    SizeRule::Aspect {
        ratios: ASPECT_RATIOS
            .iter()
            .map(|(label, width, height)| AspectRatio {
                label: (*label).into(),
                width: *width,
                height: *height,
            })
            .collect(),
    }
}

fn formats(webp: bool) -> ChoiceSpec {
    let mut pairs = vec![("png", "PNG"), ("jpeg", "JPEG")];
    if webp {
        pairs.push(("webp", "WebP"));
    }
    ChoiceSpec::labelled(&pairs, "png")
}

fn strength() -> Option<RangeSpec> {
    Some(RangeSpec {
        min: 0.0,
        max: 1.0,
        default: f64::from(DEFAULT_STRENGTH),
    })
}

/// The shared base: prompt weighting, seeds, 10 000 characters.
fn base(sizes: SizeRule, max_count: u32, operations: Vec<Operation>) -> Capabilities {
    Capabilities {
        operations,
        negative_prompt: true,
        seed: true,
        prompt_weighting: true,
        output_format: Some(formats(true)),
        ..Capabilities::txt2img(sizes, max_count, 10_000)
    }
}

/// The capabilities of a service.
pub(super) fn capabilities(service: Service) -> Capabilities {
    match service {
        Service::Ultra => Capabilities {
            strength: strength(),
            ..base(
                aspect_rule(),
                MAX_COUNT,
                vec![Operation::Txt2img, Operation::Img2img],
            )
        },
        Service::Core => {
            let mut styles = vec![NO_STYLE];
            styles.extend_from_slice(STYLE_PRESETS);
            Capabilities {
                style: Some(ChoiceSpec::plain(&styles, NO_STYLE)),
                ..base(aspect_rule(), MAX_COUNT, vec![Operation::Txt2img])
            }
        }
        Service::Sd3(model) => Capabilities {
            strength: strength(),
            // (unverified) cfg_scale takes 1 to 10; the default is 4, and
            // 1 for the turbo model.
            cfg: Some(RangeSpec {
                min: 1.0,
                max: 10.0,
                default: if model.contains("turbo") { 1.0 } else { 4.0 },
            }),
            output_format: Some(formats(false)),
            ..base(
                aspect_rule(),
                MAX_COUNT,
                vec![Operation::Txt2img, Operation::Img2img],
            )
        },
        Service::Inpaint => base(
            SizeRule::Free {
                min: 64,
                max: 4096,
                multiple_of: 1,
            },
            MAX_COUNT,
            vec![Operation::Inpaint],
        ),
        Service::UpscaleFast => Capabilities {
            negative_prompt: false,
            seed: false,
            upscale_factors: vec![4],
            ..base(
                SizeRule::Free {
                    min: 32,
                    max: 1536,
                    multiple_of: 1,
                },
                1,
                vec![Operation::Upscale],
            )
        },
        Service::UpscaleCreative => Capabilities {
            // (unverified) `creativity` takes 0.1 to 0.5, default 0.3.
            strength: Some(RangeSpec {
                min: 0.1,
                max: 0.5,
                default: 0.3,
            }),
            ..base(
                SizeRule::Free {
                    min: 64,
                    max: 1024,
                    multiple_of: 1,
                },
                1,
                vec![Operation::Upscale],
            )
        },
    }
}
