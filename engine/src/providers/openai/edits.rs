//! Edits (`POST /images/edits`: image to image and inpainting) and
//! variations (`POST /images/variations`), both multipart. Easel's mask
//! (grey, white = repaint) becomes OpenAI's: an RGBA PNG of the image's
//! size, alpha 0 where to repaint.

use std::sync::Arc;

use image::{GrayImage, ImageEncoder, Rgba, RgbaImage};
use reqwest::Method;
use reqwest::multipart::{Form, Part};

use super::generate::{self, collect, family_fields};
use super::models::Family;
use super::{LABEL, OpenAiProvider};
use crate::imaging::{self, DecodeLimits};
use crate::providers::{Generated, JobContext, ProviderError, SourceImage};

/// DALL-E 2's limit on input images and masks.
const DALL_E_2_MAX_BYTES: usize = 4 * 1024 * 1024;

/// Mask values at or above this repaint (Easel masks are white = repaint).
const REPAINT_THRESHOLD: u8 = 128;

/// An edit of the source image, with the mask when `with_mask`.
pub(super) async fn edit(
    provider: &OpenAiProvider,
    cx: &JobContext,
    family: Family,
    with_mask: bool,
) -> Result<Vec<Generated>, ProviderError> {
    let input = input_image(cx, family).await?;
    let streamed = generate::wants_stream(provider, cx, family);
    let mut form = Form::new()
        .text("model", cx.model.clone())
        .text("prompt", cx.request.prompt.clone())
        .text("n", cx.request.count.max(1).to_string())
        .text("size", generate::size(cx));
    for (name, value) in family_fields(provider, cx, family, streamed) {
        form = form.text(name, value);
    }
    form = form.part("image", png_part(input.png, "image.png")?);
    if with_mask {
        let mask = cx
            .mask
            .clone()
            .ok_or_else(|| ProviderError::Fatal("Inpainting needs a mask.".into()))?;
        let png = blocking(move || openai_mask(&mask, input.width, input.height)).await??;
        form = form.part("mask", png_part(png, "mask.png")?);
    }
    let builder = provider
        .request(Method::POST, "/images/edits")
        .multipart(form);
    let response = provider.send(builder).await?;
    collect(provider, cx, family, response, streamed).await
}

/// Variations of the source image (dall-e-2).
pub(super) async fn variations(
    provider: &OpenAiProvider,
    cx: &JobContext,
) -> Result<Vec<Generated>, ProviderError> {
    let input = input_image(cx, Family::DallE2).await?;
    let form = Form::new()
        .text("model", cx.model.clone())
        .text("n", cx.request.count.max(1).to_string())
        .text("size", generate::size(cx))
        .text(
            "response_format",
            generate::response_format(provider).to_owned(),
        )
        .part("image", png_part(input.png, "image.png")?);
    let builder = provider
        .request(Method::POST, "/images/variations")
        .multipart(form);
    let response = provider.send(builder).await?;
    collect(provider, cx, Family::DallE2, response, false).await
}

/// The image to upload, and its size.
#[derive(Debug)]
struct Input {
    png: Vec<u8>,
    width: u32,
    height: u32,
}

/// The source image as OpenAI takes it: for gpt-image the stored PNG as
/// it is; for dall-e-2 a square RGBA PNG under 4 MB.
async fn input_image(cx: &JobContext, family: Family) -> Result<Input, ProviderError> {
    let source: Arc<SourceImage> = cx.source.clone().ok_or_else(|| {
        ProviderError::Fatal(format!(
            "{} needs a source image.",
            cx.request.operation().label()
        ))
    })?;
    let decoded = cx.init_image.clone();
    blocking(move || {
        let image = match decoded {
            Some(image) => image,
            None => Arc::new(
                imaging::decode(&source.png, &DecodeLimits::default())
                    .map_err(|err| {
                        ProviderError::Fatal(format!("The source image cannot be read: {err}"))
                    })?
                    .to_rgb8(),
            ),
        };
        let (width, height) = image.dimensions();
        if family != Family::DallE2 {
            return Ok(Input {
                png: source.png.clone(),
                width,
                height,
            });
        }
        if width != height {
            return Err(ProviderError::Fatal(format!(
                "DALL·E 2 only edits square images; this one is {width}×{height}."
            )));
        }
        let rgba = image::DynamicImage::ImageRgb8((*image).clone()).to_rgba8();
        let png = encode_rgba_png(&rgba)?;
        if png.len() >= DALL_E_2_MAX_BYTES {
            return Err(ProviderError::Fatal(
                "DALL·E 2 takes images under 4 MB; this one is larger as a PNG.".into(),
            ));
        }
        Ok(Input { png, width, height })
    })
    .await?
}

/// Easel's mask as OpenAI's: an RGBA PNG of `width` × `height`, alpha 0
/// where Easel's mask is white (repaint), opaque black elsewhere.
pub(super) fn openai_mask(
    mask: &GrayImage,
    width: u32,
    height: u32,
) -> Result<Vec<u8>, ProviderError> {
    let resized;
    let mask = if mask.dimensions() == (width, height) {
        mask
    } else {
        resized =
            image::imageops::resize(mask, width, height, image::imageops::FilterType::Nearest);
        &resized
    };
    let rgba = RgbaImage::from_fn(width, height, |x, y| {
        if mask.get_pixel(x, y)[0] >= REPAINT_THRESHOLD {
            Rgba([0, 0, 0, 0])
        } else {
            Rgba([0, 0, 0, 255])
        }
    });
    encode_rgba_png(&rgba)
}

fn encode_rgba_png(image: &RgbaImage) -> Result<Vec<u8>, ProviderError> {
    let mut out = Vec::new();
    image::codecs::png::PngEncoder::new(&mut out)
        .write_image(
            image.as_raw(),
            image.width(),
            image.height(),
            image::ExtendedColorType::Rgba8,
        )
        .map_err(|err| {
            ProviderError::Fatal(format!(
                "Easel could not prepare the image for {LABEL}: {err}"
            ))
        })?;
    Ok(out)
}

fn png_part(bytes: Vec<u8>, name: &'static str) -> Result<Part, ProviderError> {
    Part::bytes(bytes)
        .file_name(name)
        .mime_str("image/png")
        .map_err(|_| ProviderError::Fatal("Easel could not build the upload.".into()))
}

/// Runs CPU work (decoding, encoding) off the async threads.
async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, ProviderError> {
    tokio::task::spawn_blocking(work).await.map_err(|err| {
        tracing::error!(error = %err, "an image task failed");
        ProviderError::Fatal("Easel failed while preparing the images.".into())
    })
}
