//! The pictures Easel sends (the init image, the RGBA image whose
//! transparency marks what to repaint) and the previews it passes on
//! (JPEG, at most 512 px).

use std::io::Cursor;
use std::sync::Arc;

use base64::Engine as _;
use image::imageops::{self, FilterType};
use image::{DynamicImage, GrayImage, ImageFormat, RgbImage, RgbaImage};

use crate::imaging::{self, DecodeLimits};
use crate::providers::{JobContext, ProviderError};

/// Longest preview side passed on.
const PREVIEW_SIDE: u32 = 512;

/// The source image's pixels (decoded by the queue, or from its PNG).
fn source_pixels(cx: &JobContext) -> Result<Arc<RgbImage>, ProviderError> {
    if let Some(image) = &cx.init_image {
        return Ok(Arc::clone(image));
    }
    let source = cx.source.as_ref().ok_or_else(|| {
        ProviderError::Fatal(format!(
            "{} needs a source image.",
            cx.request.operation().label()
        ))
    })?;
    imaging::decode(&source.png, &DecodeLimits::default())
        .map(|image| Arc::new(image.to_rgb8()))
        .map_err(|err| ProviderError::Fatal(format!("The source image cannot be read: {err}")))
}

/// The source image as stored, for upscales (sent unchanged).
pub(super) async fn source_png(cx: &JobContext) -> Result<Vec<u8>, ProviderError> {
    if let Some(source) = &cx.source {
        return Ok(source.png.clone());
    }
    let pixels = source_pixels(cx)?;
    blocking(move || encode(DynamicImage::ImageRgb8(pixels.as_ref().clone()))).await
}

/// The source's size, for upscale limits.
pub(super) fn source_size(cx: &JobContext) -> Result<(u32, u32), ProviderError> {
    Ok(source_pixels(cx)?.dimensions())
}

/// The init image at the requested size, as PNG.
pub(super) async fn init_png(cx: &JobContext) -> Result<Vec<u8>, ProviderError> {
    let pixels = source_pixels(cx)?;
    let size = (cx.request.width, cx.request.height);
    blocking(move || encode(DynamicImage::ImageRgb8(fit(&pixels, size)))).await
}

/// The init image at the requested size with alpha = 255 − mask: ComfyUI's
/// `LoadImage` reads `1 − alpha` as the mask, so Easel's white (repaint)
/// becomes transparent.
pub(super) async fn inpaint_png(cx: &JobContext) -> Result<Vec<u8>, ProviderError> {
    let pixels = source_pixels(cx)?;
    let mask = mask(cx)?;
    let size = (cx.request.width, cx.request.height);
    blocking(move || {
        let rgb = fit(&pixels, size);
        let mask = fit_mask(&mask, rgb.dimensions());
        let rgba = RgbaImage::from_fn(rgb.width(), rgb.height(), |x, y| {
            let p = rgb.get_pixel(x, y);
            image::Rgba([p[0], p[1], p[2], 255 - mask.get_pixel(x, y)[0]])
        });
        encode(DynamicImage::ImageRgba8(rgba))
    })
    .await
}

/// The mask: decoded by the queue, else from the request (white = repaint).
fn mask(cx: &JobContext) -> Result<Arc<GrayImage>, ProviderError> {
    if let Some(mask) = &cx.mask {
        return Ok(Arc::clone(mask));
    }
    let text = cx
        .request
        .mask_png_base64
        .as_deref()
        .ok_or_else(|| ProviderError::Fatal("Inpainting needs a mask.".into()))?;
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(text.trim())
        .map_err(|_| ProviderError::Fatal("The mask is not valid base64.".into()))?;
    imaging::decode(&bytes, &DecodeLimits::default())
        .map(|m| Arc::new(m.to_luma8()))
        .map_err(|err| ProviderError::Fatal(format!("The mask cannot be read: {err}")))
}

fn fit(image: &RgbImage, (width, height): (u32, u32)) -> RgbImage {
    if image.dimensions() == (width, height) || width == 0 || height == 0 {
        image.clone()
    } else {
        imageops::resize(image, width, height, FilterType::Lanczos3)
    }
}

fn fit_mask(mask: &GrayImage, (width, height): (u32, u32)) -> GrayImage {
    if mask.dimensions() == (width, height) {
        mask.clone()
    } else {
        imageops::resize(mask, width, height, FilterType::Triangle)
    }
}

fn encode(image: DynamicImage) -> Result<Vec<u8>, ProviderError> {
    let mut out = Cursor::new(Vec::new());
    image.write_to(&mut out, ImageFormat::Png).map_err(|err| {
        ProviderError::Fatal(format!("Easel could not encode the image to send: {err}"))
    })?;
    Ok(out.into_inner())
}

async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, ProviderError> + Send + 'static,
) -> Result<T, ProviderError> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|_| ProviderError::Fatal("Easel failed while preparing the image.".into()))?
}

/// A preview as a JPEG of at most 512 px: JPEGs that fit pass unchanged,
/// others are decoded, shrunk and re-encoded. `None` if unreadable.
pub(super) async fn preview_jpeg(bytes: Vec<u8>) -> Option<Vec<u8>> {
    let limits = DecodeLimits {
        max_bytes: 16 * 1024 * 1024,
        max_width: 4096,
        max_height: 4096,
        max_pixels: 16_000_000,
    };
    let is_jpeg = bytes.starts_with(&[0xff, 0xd8]);
    let fits = image::ImageReader::new(Cursor::new(&bytes))
        .with_guessed_format()
        .ok()
        .and_then(|r| r.into_dimensions().ok())
        .is_some_and(|(w, h)| w.max(h) <= PREVIEW_SIDE);
    if is_jpeg && fits {
        return Some(bytes);
    }
    tokio::task::spawn_blocking(move || {
        let decoded = imaging::decode(&bytes, &limits).ok()?.to_rgb8();
        imaging::encode_jpeg(&imaging::thumbnail(&decoded, PREVIEW_SIDE), 80).ok()
    })
    .await
    .ok()
    .flatten()
}
