//! Field rules per endpoint (PROVIDERS.md §2.1–§2.3): required fields,
//! aspect ratios, output formats, seed and strength ranges, sd3 model names
//! and modes, input image limits. Every problem is reported at once, as
//! `"field: problem"` strings.

use image::{DynamicImage, GrayImage};

use crate::openai::form::ReceivedRequest;

/// The endpoints the stand-in serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Service {
    /// `generate/ultra`.
    Ultra,
    /// `generate/core`.
    Core,
    /// `generate/sd3`.
    Sd3,
    /// `upscale/fast` (4x, synchronous).
    UpscaleFast,
    /// `upscale/conservative` (synchronous, about 4 MP).
    UpscaleConservative,
    /// `upscale/creative` (asynchronous).
    UpscaleCreative,
    /// `edit/inpaint`.
    Inpaint,
}

impl Service {
    /// The service behind a `/v2beta/stable-image/…` path.
    pub fn from_path(path: &str) -> Option<Self> {
        let rest = path.strip_prefix("/v2beta/stable-image/")?;
        Some(match rest {
            "generate/ultra" => Service::Ultra,
            "generate/core" => Service::Core,
            "generate/sd3" => Service::Sd3,
            "upscale/fast" => Service::UpscaleFast,
            "upscale/conservative" => Service::UpscaleConservative,
            "upscale/creative" => Service::UpscaleCreative,
            "edit/inpaint" => Service::Inpaint,
            _ => return None,
        })
    }

    fn formats(self) -> &'static [&'static str] {
        match self {
            Service::Sd3 => &["png", "jpeg"],
            _ => &["png", "jpeg", "webp"],
        }
    }

    fn needs_prompt(self) -> bool {
        self != Service::UpscaleFast
    }

    fn takes_aspect_ratio(self) -> bool {
        matches!(self, Service::Ultra | Service::Core | Service::Sd3)
    }
}

/// The aspect ratios and the size each produces.
pub const ASPECT_RATIOS: &[(&str, u32, u32)] = &[
    ("21:9", 1536, 640),
    ("16:9", 1344, 768),
    ("3:2", 1216, 832),
    ("5:4", 1088, 896),
    ("1:1", 1024, 1024),
    ("4:5", 896, 1088),
    ("2:3", 832, 1216),
    ("9:16", 768, 1344),
    ("9:21", 640, 1536),
];

/// The sd3 endpoint's models.
pub const SD3_MODELS: &[&str] = &[
    "sd3.5-large",
    "sd3.5-large-turbo",
    "sd3.5-medium",
    "sd3-large",
    "sd3-large-turbo",
    "sd3-medium",
];

/// Core's style presets.
pub const STYLE_PRESETS: &[&str] = &[
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

/// Largest seed.
pub const MAX_SEED: u64 = 4_294_967_294;

/// A validated request.
#[derive(Debug, Clone)]
pub struct Spec {
    /// The endpoint.
    pub service: Service,
    /// The prompt (empty for fast upscales).
    pub prompt: String,
    /// The seed, 0 for random.
    pub seed: u64,
    /// The output size of a text-to-image request.
    pub size: (u32, u32),
    /// `png`, `jpeg` or `webp`.
    pub format: &'static str,
    /// The input image.
    pub image: Option<DynamicImage>,
    /// The inpainting mask (white = repaint).
    pub mask: Option<GrayImage>,
    /// Image-to-image strength, or an upscale's creativity.
    pub strength: f32,
    /// Whether this is image-to-image (ultra with an image, sd3's mode).
    pub img2img: bool,
}

/// Checks a request for `service`.
pub fn validate(service: Service, body: &ReceivedRequest) -> Result<Spec, Vec<String>> {
    let mut errors = Vec::new();
    let prompt = check_prompt(service, body, &mut errors);
    let seed = check_seed(body, &mut errors);
    let size = check_aspect(service, body, &mut errors);
    let format = check_format(service, body, &mut errors);
    let image = check_image(service, body, &mut errors);
    let img2img = match service {
        Service::Ultra => image.is_some(),
        Service::Sd3 => body.field("mode").as_deref() == Some("image-to-image"),
        _ => false,
    };
    let strength = check_strength(service, body, img2img, &mut errors);
    check_service_fields(service, body, image.is_some(), &mut errors);
    let mask = read_mask(service, body, &mut errors);
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(Spec {
        service,
        prompt,
        seed,
        size,
        format,
        image,
        mask,
        strength,
        img2img,
    })
}

fn check_prompt(service: Service, body: &ReceivedRequest, errors: &mut Vec<String>) -> String {
    let prompt = body.field("prompt").unwrap_or_default();
    if service.needs_prompt() && prompt.trim().is_empty() {
        errors.push("prompt: is required".into());
    }
    for (name, value) in [
        ("prompt", &prompt),
        (
            "negative_prompt",
            &body.field("negative_prompt").unwrap_or_default(),
        ),
    ] {
        if value.chars().count() > 10_000 {
            errors.push(format!("{name}: must be at most 10000 characters"));
        }
    }
    prompt
}

fn check_seed(body: &ReceivedRequest, errors: &mut Vec<String>) -> u64 {
    let Some(text) = body.field("seed") else {
        return 0;
    };
    match text.trim().parse::<u64>() {
        Ok(seed) if seed <= MAX_SEED => seed,
        _ => {
            errors.push(format!("seed: must be an integer between 0 and {MAX_SEED}"));
            0
        }
    }
}

fn check_aspect(service: Service, body: &ReceivedRequest, errors: &mut Vec<String>) -> (u32, u32) {
    let label = body.field("aspect_ratio");
    if !service.takes_aspect_ratio() {
        return (1024, 1024);
    }
    let label = label.unwrap_or_else(|| "1:1".into());
    match ASPECT_RATIOS.iter().find(|(l, _, _)| *l == label) {
        Some((_, w, h)) => (*w, *h),
        None => {
            let list: Vec<&str> = ASPECT_RATIOS.iter().map(|(l, _, _)| *l).collect();
            errors.push(format!("aspect_ratio: must be one of {}", list.join(", ")));
            (1024, 1024)
        }
    }
}

fn check_format(
    service: Service,
    body: &ReceivedRequest,
    errors: &mut Vec<String>,
) -> &'static str {
    let given = body.field("output_format").unwrap_or_else(|| "png".into());
    match service.formats().iter().find(|f| **f == given) {
        Some(format) => format,
        None => {
            errors.push(format!(
                "output_format: must be one of {}",
                service.formats().join(", ")
            ));
            "png"
        }
    }
}

/// Pixel limits per endpoint: (min side, max side, min pixels, max pixels).
fn image_limits(service: Service) -> (u32, u32, u64, u64) {
    match service {
        Service::Ultra => (64, 16_384, 4_096, u64::MAX),
        Service::UpscaleFast => (32, 1_536, 1_024, 1_048_576),
        Service::UpscaleConservative => (64, u32::MAX, 4_096, 9_437_184),
        Service::UpscaleCreative => (64, u32::MAX, 4_096, 1_048_576),
        Service::Inpaint => (64, u32::MAX, 4_096, 9_437_184),
        Service::Sd3 | Service::Core => (64, u32::MAX, 0, u64::MAX),
    }
}

fn check_image(
    service: Service,
    body: &ReceivedRequest,
    errors: &mut Vec<String>,
) -> Option<DynamicImage> {
    let required = matches!(
        service,
        Service::UpscaleFast
            | Service::UpscaleConservative
            | Service::UpscaleCreative
            | Service::Inpaint
    );
    let Some(file) = body.file("image") else {
        if required {
            errors.push("image: is required".into());
        }
        return None;
    };
    if service == Service::Core {
        return None;
    }
    let Ok(image) = image::load_from_memory(&file.bytes) else {
        errors.push("image: could not be decoded (send a PNG, JPEG or WebP)".into());
        return None;
    };
    let (min_side, max_side, min_px, max_px) = image_limits(service);
    let (w, h) = (image.width(), image.height());
    let pixels = u64::from(w) * u64::from(h);
    if w.min(h) < min_side || w.max(h) > max_side {
        errors.push(format!(
            "image: each side must be between {min_side} and {max_side} pixels, got {w}x{h}"
        ));
    } else if pixels < min_px || pixels > max_px {
        errors.push(format!(
            "image: must have between {min_px} and {max_px} pixels in total, got {pixels}"
        ));
    } else if service == Service::UpscaleConservative && (w.max(h) as f32 / w.min(h) as f32) > 2.5 {
        errors.push("image: aspect ratio must be between 1:2.5 and 2.5:1".into());
    }
    Some(image)
}

fn check_strength(
    service: Service,
    body: &ReceivedRequest,
    img2img: bool,
    errors: &mut Vec<String>,
) -> f32 {
    let (name, default) = match service {
        Service::UpscaleCreative => ("creativity", 0.3),
        Service::UpscaleConservative => ("creativity", 0.35),
        _ => ("strength", 0.0),
    };
    let value = body.field(name).map(|t| t.trim().parse::<f32>());
    match value {
        None if img2img => {
            errors.push("strength: is required when an image is provided".into());
            default
        }
        None => default,
        Some(Ok(v)) if (0.0..=1.0).contains(&v) => v,
        Some(_) => {
            errors.push(format!("{name}: must be a number between 0 and 1"));
            default
        }
    }
}

/// sd3's `mode`, `model` and `cfg_scale`; core's `style_preset`.
fn check_service_fields(
    service: Service,
    body: &ReceivedRequest,
    has_image: bool,
    errors: &mut Vec<String>,
) {
    if service == Service::Sd3 {
        match body.field("mode").as_deref().unwrap_or("text-to-image") {
            "text-to-image" => {}
            "image-to-image" if !has_image && body.file("image").is_none() => {
                errors.push("image: is required when mode is image-to-image".into());
            }
            "image-to-image" => {}
            _ => errors.push("mode: must be one of text-to-image, image-to-image".into()),
        }
        if let Some(model) = body
            .field("model")
            .filter(|m| !SD3_MODELS.contains(&m.as_str()))
        {
            errors.push(format!(
                "model: must be one of {} (got {model})",
                SD3_MODELS.join(", ")
            ));
        }
        // (unverified) The documented range of cfg_scale is 1 to 10.
        if let Some(cfg) = body.field("cfg_scale")
            && !cfg
                .trim()
                .parse::<f32>()
                .is_ok_and(|v| (1.0..=10.0).contains(&v))
        {
            errors.push("cfg_scale: must be a number between 1 and 10".into());
        }
    }
    if let Some(preset) = body.field("style_preset")
        && (service != Service::Core || !STYLE_PRESETS.contains(&preset.as_str()))
    {
        errors.push(format!(
            "style_preset: must be one of {}",
            STYLE_PRESETS.join(", ")
        ));
    }
}

fn read_mask(
    service: Service,
    body: &ReceivedRequest,
    errors: &mut Vec<String>,
) -> Option<GrayImage> {
    if service != Service::Inpaint {
        return None;
    }
    let file = body.file("mask")?;
    match image::load_from_memory(&file.bytes) {
        Ok(mask) => Some(mask.to_luma8()),
        Err(_) => {
            errors.push("mask: could not be decoded".into());
            None
        }
    }
}
