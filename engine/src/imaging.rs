//! Imaging: decoding with limits, PNG metadata, thumbnails, and the built-in renderer.
//!
//! - [`decode`] reads untrusted uploads, refusing oversized images from their
//!   header before any pixel buffer is allocated.
//! - [`encode_png`] and [`read_png_metadata`] write and read the text chunks
//!   that carry generation parameters (see [`png_meta`]).
//! - [`encode_jpeg`] and [`thumbnail`] make the gallery's smaller copies.
//! - [`builtin`] is the offline renderer.

pub mod builtin;
pub mod png_meta;
pub mod previews;
mod resample;
pub mod strip;

use std::io::Cursor;

use image::{DynamicImage, ImageError, ImageReader, RgbImage};

pub use png_meta::{PngMetadata, encode_png, encode_png_rgba, read_png_metadata, strip_png_text};
pub use strip::strip_metadata;

/// What can go wrong reading or writing images.
#[derive(Debug, thiserror::Error)]
pub enum ImagingError {
    /// The image is over a limit: its dimensions or pixel count, or (with
    /// `width` and `height` 0) its size in bytes.
    #[error("the image is too large: {width}x{height} (at most {max_pixels} pixels)")]
    TooLarge {
        /// The declared width, 0 when only the byte size was known.
        width: u32,
        /// The declared height, 0 when only the byte size was known.
        height: u32,
        /// The pixel limit in force.
        max_pixels: u64,
    },
    /// The bytes are not a valid image of their format.
    #[error("the image is corrupt: {0}")]
    Corrupt(String),
    /// The format (or a feature of it) is not supported.
    #[error("unsupported image: {0}")]
    Unsupported(String),
    /// Encoding failed.
    #[error("could not encode the image: {0}")]
    Encode(String),
}

/// Limits for decoding untrusted images.
#[derive(Debug, Clone, Copy)]
pub struct DecodeLimits {
    /// Largest accepted input, in bytes.
    pub max_bytes: usize,
    /// Widest accepted image, in pixels.
    pub max_width: u32,
    /// Tallest accepted image, in pixels.
    pub max_height: u32,
    /// Most pixels accepted (width × height).
    pub max_pixels: u64,
}

impl Default for DecodeLimits {
    /// 50 MiB, 8192 × 8192, 40 megapixels.
    fn default() -> Self {
        Self {
            max_bytes: 50 * 1024 * 1024,
            max_width: 8192,
            max_height: 8192,
            max_pixels: 40_000_000,
        }
    }
}

/// Headroom for a decoder's own buffers on top of the output image.
const DECODER_OVERHEAD_BYTES: u64 = 64 * 1024 * 1024;

/// Largest output bytes per pixel: 16-bit RGBA.
const MAX_BYTES_PER_PIXEL: u64 = 8;

/// Decodes a PNG or JPEG, guessing the format from its bytes. The byte size
/// is checked first, then the dimensions from the header, and only then are
/// pixels decoded, under `image`'s own limits; a small file that declares a
/// huge image is refused without allocating for it.
pub fn decode(bytes: &[u8], limits: &DecodeLimits) -> Result<DynamicImage, ImagingError> {
    let too_large = |width, height| ImagingError::TooLarge {
        width,
        height,
        max_pixels: limits.max_pixels,
    };
    if bytes.len() > limits.max_bytes {
        return Err(too_large(0, 0));
    }
    let mut header = reader(bytes)?;
    let mut header_limits = image::Limits::default();
    header_limits.max_alloc = Some(DECODER_OVERHEAD_BYTES);
    header.limits(header_limits);
    let (width, height) = header
        .into_dimensions()
        .map_err(|e| map_error(e, too_large(0, 0)))?;
    if width == 0 || height == 0 {
        return Err(ImagingError::Corrupt(format!(
            "empty image {width}x{height}"
        )));
    }
    let pixels = u64::from(width) * u64::from(height);
    if width > limits.max_width || height > limits.max_height || pixels > limits.max_pixels {
        return Err(too_large(width, height));
    }
    let mut full = reader(bytes)?;
    let mut decode_limits = image::Limits::default();
    decode_limits.max_image_width = Some(limits.max_width);
    decode_limits.max_image_height = Some(limits.max_height);
    decode_limits.max_alloc = Some(
        limits
            .max_pixels
            .saturating_mul(MAX_BYTES_PER_PIXEL)
            .saturating_add(DECODER_OVERHEAD_BYTES),
    );
    full.limits(decode_limits);
    full.decode()
        .map_err(|e| map_error(e, too_large(width, height)))
}

/// A reader over `bytes` with its format guessed from the content.
fn reader(bytes: &[u8]) -> Result<ImageReader<Cursor<&[u8]>>, ImagingError> {
    let reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| ImagingError::Corrupt(e.to_string()))?;
    // Bytes no decoder recognises are not an image at all; a recognised
    // format without a decoder here (GIF, WebP) is `Unsupported` below.
    if reader.format().is_none() {
        return Err(ImagingError::Corrupt(
            "not a recognised image format".to_owned(),
        ));
    }
    Ok(reader)
}

/// Maps `image`'s errors onto ours; `too_large` stands for a limit error.
fn map_error(error: ImageError, too_large: ImagingError) -> ImagingError {
    match error {
        ImageError::Limits(_) => too_large,
        ImageError::Unsupported(e) => ImagingError::Unsupported(e.to_string()),
        ImageError::Encoding(e) => ImagingError::Encode(e.to_string()),
        other => ImagingError::Corrupt(other.to_string()),
    }
}

/// Encodes a JPEG at `quality` (clamped to 1..=100).
pub fn encode_jpeg(image: &RgbImage, quality: u8) -> Result<Vec<u8>, ImagingError> {
    let mut out = Vec::new();
    let encoder =
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, quality.clamp(1, 100));
    image
        .write_with_encoder(encoder)
        .map_err(|e| ImagingError::Encode(e.to_string()))?;
    Ok(out)
}

/// `image` flattened onto a solid background (for JPEG thumbnails of
/// transparent images).
pub fn flatten(image: &image::RgbaImage, background: [u8; 3]) -> RgbImage {
    RgbImage::from_fn(image.width(), image.height(), |x, y| {
        let [r, g, b, a] = image.get_pixel(x, y).0;
        let alpha = u16::from(a);
        let mix =
            |c: u8, bg: u8| ((u16::from(c) * alpha + u16::from(bg) * (255 - alpha)) / 255) as u8;
        image::Rgb([
            mix(r, background[0]),
            mix(g, background[1]),
            mix(b, background[2]),
        ])
    })
}

/// Whether any pixel of `image` is not fully opaque.
pub fn has_transparency(image: &image::RgbaImage) -> bool {
    image.pixels().any(|p| p.0[3] < 255)
}

/// Downscales so the longest side is at most `max_side` (at least 1),
/// keeping the aspect ratio; an image that already fits is returned as is,
/// never upscaled. Uses a triangle filter whose support widens with the
/// scale factor (like `image`'s `Triangle`), so it does not alias.
pub fn thumbnail(image: &RgbImage, max_side: u32) -> RgbImage {
    let (width, height) = fit_within(image.width(), image.height(), max_side);
    if (width, height) == image.dimensions() {
        return image.clone();
    }
    resample::downscale(image, width, height)
}

/// The size of a `width` × `height` image scaled down so its longest side is
/// at most `max_side`, rounded, each side at least 1.
pub fn fit_within(width: u32, height: u32, max_side: u32) -> (u32, u32) {
    let max_side = max_side.max(1);
    let longest = width.max(height);
    if longest <= max_side {
        return (width, height);
    }
    let scale = |side: u32| {
        let scaled =
            (u64::from(side) * u64::from(max_side) + u64::from(longest) / 2) / u64::from(longest);
        u32::try_from(scaled).unwrap_or(max_side).clamp(1, max_side)
    };
    (scale(width), scale(height))
}

#[cfg(test)]
mod tests;
