//! The multipart form of each service (PROVIDERS.md §2.2–§2.3): text parts
//! only for text to image, plus the image (and mask) files for the rest.

use image::{GrayImage, ImageEncoder};
use reqwest::multipart::{Form, Part};
use serde_json::{Map, Value, json};

use super::LABEL;
use super::models::{self, Service};
use crate::imaging::{self, DecodeLimits};
use crate::providers::{JobContext, ProviderError};
use easel_domain::generation::Operation;

/// Largest seed Stability takes (0 means random).
const MAX_SEED: u64 = 4_294_967_294;

/// The files a job sends, prepared once for all of its requests.
#[derive(Debug, Default)]
pub(super) struct Inputs {
    image: Option<Vec<u8>>,
    mask: Option<Vec<u8>>,
}

impl Inputs {
    /// The source image (as stored) and, for inpainting, the mask as a
    /// grey PNG of the image's size (white = repaint, as Stability reads it).
    pub(super) async fn load(cx: &JobContext, service: Service) -> Result<Self, ProviderError> {
        let needs_image = match service {
            Service::Ultra | Service::Sd3(_) => cx.request.operation() == Operation::Img2img,
            Service::Core => false,
            Service::Inpaint | Service::UpscaleFast | Service::UpscaleCreative => true,
        };
        if !needs_image {
            return Ok(Self::default());
        }
        let source = cx.source.clone().ok_or_else(|| {
            ProviderError::Fatal(format!(
                "{} needs a source image.",
                cx.request.operation().label()
            ))
        })?;
        let mask = if service == Service::Inpaint {
            let mask = cx
                .mask
                .clone()
                .ok_or_else(|| ProviderError::Fatal("Inpainting needs a mask.".into()))?;
            let decoded = cx.init_image.clone();
            let png = source.png.clone();
            let work = move || {
                let (width, height) = match decoded {
                    Some(image) => image.dimensions(),
                    None => imaging::decode(&png, &DecodeLimits::default())
                        .map(|i| (i.width(), i.height()))
                        .map_err(|err| {
                            ProviderError::Fatal(format!("The source image cannot be read: {err}"))
                        })?,
                };
                mask_png(&mask, width, height)
            };
            Some(tokio::task::spawn_blocking(work).await.map_err(|_| {
                ProviderError::Fatal("Easel failed while preparing the mask.".into())
            })??)
        } else {
            None
        };
        Ok(Self {
            image: Some(source.png.clone()),
            mask,
        })
    }
}

/// The seed of image `index`: `seed + index`, kept in Stability's range.
pub(super) fn seed_for(seed: i64, index: u32) -> u64 {
    (seed.max(0) as u64 + u64::from(index)) % (MAX_SEED + 1)
}

/// The form for one request.
pub(super) fn build(
    cx: &JobContext,
    service: Service,
    inputs: &Inputs,
    seed: u64,
) -> Result<Form, ProviderError> {
    let request = &cx.request;
    let mut fields: Vec<(&str, String)> = Vec::new();
    if service != Service::UpscaleFast {
        fields.push(("prompt", request.prompt.clone()));
        if !request.negative_prompt.trim().is_empty() {
            fields.push(("negative_prompt", request.negative_prompt.clone()));
        }
        fields.push(("seed", seed.to_string()));
    }
    let img2img = request.operation() == Operation::Img2img;
    let strength = request.strength.unwrap_or(models::DEFAULT_STRENGTH);
    match service {
        Service::Ultra | Service::Core | Service::Sd3(_) if !img2img => {
            fields.push(("aspect_ratio", aspect_ratio(cx)?.to_owned()));
        }
        Service::Ultra | Service::Sd3(_) => fields.push(("strength", strength.to_string())),
        Service::UpscaleCreative => {
            if let Some(creativity) = request.strength {
                fields.push(("creativity", creativity.to_string()));
            }
        }
        _ => {}
    }
    if let Service::Sd3(model) = service {
        fields.push(("model", model.to_owned()));
        let mode = if img2img {
            "image-to-image"
        } else {
            "text-to-image"
        };
        fields.push(("mode", mode.to_owned()));
        if let Some(cfg) = request.cfg {
            fields.push(("cfg_scale", cfg.to_string()));
        }
    }
    if let Some(style) = request
        .style
        .as_ref()
        .filter(|s| !s.is_empty() && *s != models::NO_STYLE)
    {
        fields.push(("style_preset", style.clone()));
    }
    if let Some(format) = &request.output_format {
        fields.push(("output_format", format.clone()));
    }
    let mut form = Form::new();
    for (name, value) in fields {
        form = form.text(name, value);
    }
    if let Some(image) = &inputs.image {
        form = form.part("image", png_part(image.clone(), "image.png")?);
    }
    if let Some(mask) = &inputs.mask {
        form = form.part("mask", png_part(mask.clone(), "mask.png")?);
    }
    Ok(form)
}

/// The aspect ratio whose nominal size the request names.
fn aspect_ratio(cx: &JobContext) -> Result<&'static str, ProviderError> {
    let (width, height) = (cx.request.width, cx.request.height);
    models::ASPECT_RATIOS
        .iter()
        .find(|(_, w, h)| *w == width && *h == height)
        .map(|(label, ..)| *label)
        .ok_or_else(|| {
            ProviderError::Fatal(format!(
                "{width}×{height} is not one of {LABEL}'s sizes; pick an aspect ratio."
            ))
        })
}

/// What every result of the job records.
pub(super) fn metadata(cx: &JobContext, service: Service) -> Map<String, Value> {
    let mut metadata = Map::new();
    metadata.insert(
        "service".into(),
        json!(service.path().trim_start_matches("/v2beta/stable-image/")),
    );
    if let Service::Sd3(model) = service {
        metadata.insert("model".into(), json!(model));
    }
    let request = &cx.request;
    if matches!(service, Service::Ultra | Service::Core | Service::Sd3(_))
        && request.operation() == Operation::Txt2img
        && let Ok(label) = aspect_ratio(cx)
    {
        metadata.insert("aspect_ratio".into(), json!(label));
    }
    if let Some(style) = request.style.as_ref().filter(|s| *s != models::NO_STYLE) {
        metadata.insert("style_preset".into(), json!(style));
    }
    metadata
}

/// Easel's mask at the image's size, as a grey PNG (white = repaint).
fn mask_png(mask: &GrayImage, width: u32, height: u32) -> Result<Vec<u8>, ProviderError> {
    let resized;
    let mask = if mask.dimensions() == (width, height) {
        mask
    } else {
        resized =
            image::imageops::resize(mask, width, height, image::imageops::FilterType::Nearest);
        &resized
    };
    let mut out = Vec::new();
    image::codecs::png::PngEncoder::new(&mut out)
        .write_image(mask.as_raw(), width, height, image::ExtendedColorType::L8)
        .map_err(|err| ProviderError::Fatal(format!("Easel could not prepare the mask: {err}")))?;
    Ok(out)
}

fn png_part(bytes: Vec<u8>, name: &'static str) -> Result<Part, ProviderError> {
    Part::bytes(bytes)
        .file_name(name)
        .mime_str("image/png")
        .map_err(|_| ProviderError::Fatal("Easel could not build the upload.".into()))
}
