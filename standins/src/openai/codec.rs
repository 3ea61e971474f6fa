//! Fast PNG encoding for the stand-ins' results: the lightest compression
//! level, so that megapixel answers stay quick in unoptimised test builds
//! (the bytes are valid PNGs either way). Shared with the Stability
//! stand-in.

use image::{RgbImage, RgbaImage};

/// An RGB PNG, lightly compressed.
pub fn png_rgb(image: &RgbImage) -> Vec<u8> {
    encode(
        image.as_raw(),
        image.width(),
        image.height(),
        png::ColorType::Rgb,
    )
}

/// An RGBA PNG, lightly compressed.
pub fn png_rgba(image: &RgbaImage) -> Vec<u8> {
    encode(
        image.as_raw(),
        image.width(),
        image.height(),
        png::ColorType::Rgba,
    )
}

fn encode(raw: &[u8], width: u32, height: u32, color: png::ColorType) -> Vec<u8> {
    let mut out = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut out, width, height);
        encoder.set_color(color);
        encoder.set_depth(png::BitDepth::Eight);
        encoder.set_compression(png::Compression::Fastest);
        match encoder.write_header() {
            Ok(mut writer) => {
                if let Err(err) = writer.write_image_data(raw) {
                    tracing::warn!(error = %err, "the stand-in could not encode a PNG");
                }
            }
            Err(err) => tracing::warn!(error = %err, "the stand-in could not encode a PNG"),
        }
    }
    out
}
