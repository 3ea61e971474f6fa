//! The node functions, one per class the stand-in runs.

use std::sync::Arc;

use image::imageops::{self, FilterType};
use image::{GrayImage, Luma, Rgb, RgbImage};

use super::{Inputs, Latent, Raised, Value, not_a};
use crate::comfyui::files::{self, Files, Folder};
use crate::comfyui::nodes::upscale_model_scale;
use crate::common;

/// `CheckpointLoaderSimple`.
pub fn checkpoint(inputs: &Inputs) -> Result<Vec<Value>, Raised> {
    let name = inputs.text("ckpt_name")?;
    Ok(vec![
        Value::Model(name.clone()),
        Value::Clip(name.clone()),
        Value::Vae(name),
    ])
}

/// `CLIPTextEncode`.
pub fn clip_text_encode(inputs: &Inputs) -> Result<Vec<Value>, Raised> {
    match inputs.get("clip")? {
        Value::Clip(_) => Ok(vec![Value::Conditioning(inputs.text("text")?)]),
        other => Err(not_a(other, "tokenize")),
    }
}

/// `EmptyLatentImage`.
pub fn empty_latent(inputs: &Inputs) -> Result<Vec<Value>, Raised> {
    let width = side(inputs.int("width")?) / 8 * 8;
    let height = side(inputs.int("height")?) / 8 * 8;
    let batch = inputs.int("batch_size")?.clamp(1, 4096) as usize;
    Ok(vec![Value::Latent(Latent {
        width,
        height,
        batch,
        pixels: None,
        noise_mask: None,
    })])
}

fn side(value: i128) -> u32 {
    value.clamp(1, 16384) as u32
}

/// `EmptyImage`.
pub fn empty_image(inputs: &Inputs) -> Result<Vec<Value>, Raised> {
    let (width, height) = (side(inputs.int("width")?), side(inputs.int("height")?));
    let batch = inputs.int("batch_size")?.clamp(1, 4096) as usize;
    let color = inputs.int("color")?.clamp(0, 0xff_ffff) as u32;
    let rgb = Rgb([(color >> 16) as u8, (color >> 8) as u8, color as u8]);
    let image = RgbImage::from_pixel(width, height, rgb);
    Ok(vec![Value::Image(Arc::new(vec![image; batch]))])
}

/// `VAEDecode`.
pub fn vae_decode(inputs: &Inputs) -> Result<Vec<Value>, Raised> {
    let latent = inputs.latent("samples")?;
    let images = match &latent.pixels {
        Some(pixels) => pixels.as_ref().clone(),
        None => vec![
            RgbImage::from_pixel(latent.width, latent.height, Rgb([128, 128, 128]));
            latent.batch
        ],
    };
    Ok(vec![Value::Image(Arc::new(images))])
}

/// `VAEEncode`: the image, cropped to multiples of 8.
pub fn vae_encode(inputs: &Inputs) -> Result<Vec<Value>, Raised> {
    let images: Vec<RgbImage> = inputs.images("pixels")?.iter().map(crop8).collect();
    Ok(vec![Value::Latent(latent_of(images, None))])
}

fn crop8(image: &RgbImage) -> RgbImage {
    let (w, h) = (image.width() / 8 * 8, image.height() / 8 * 8);
    imageops::crop_imm(image, 0, 0, w.max(8), h.max(8)).to_image()
}

fn latent_of(images: Vec<RgbImage>, noise_mask: Option<Vec<GrayImage>>) -> Latent {
    let (width, height) = images.first().map_or((8, 8), RgbImage::dimensions);
    Latent {
        width,
        height,
        batch: images.len(),
        pixels: Some(Arc::new(images)),
        noise_mask: noise_mask.map(Arc::new),
    }
}

/// `VAEEncodeForInpaint`: masked pixels go grey, the mask grows by
/// `grow_mask_by` and becomes the latent's noise mask.
pub fn vae_encode_for_inpaint(inputs: &Inputs) -> Result<Vec<Value>, Raised> {
    let masks = inputs.masks("mask")?;
    let grow = inputs.int("grow_mask_by")?.clamp(0, 64) as u32;
    let mut images = Vec::new();
    let mut noise = Vec::new();
    for (i, image) in inputs.images("pixels")?.iter().enumerate() {
        let mut image = crop8(image);
        let mask = fit_mask(&masks[i % masks.len().max(1)], image.dimensions());
        for (pixel, m) in image.pixels_mut().zip(mask.pixels()) {
            if m[0] >= 128 {
                *pixel = Rgb([128, 128, 128]);
            }
        }
        noise.push(dilate(&mask, grow));
        images.push(image);
    }
    Ok(vec![Value::Latent(latent_of(images, Some(noise)))])
}

/// `SetLatentNoiseMask`.
pub fn set_latent_noise_mask(inputs: &Inputs) -> Result<Vec<Value>, Raised> {
    let mut latent = inputs.latent("samples")?;
    let masks = inputs.masks("mask")?;
    let fitted = masks
        .iter()
        .map(|m| fit_mask(m, (latent.width, latent.height)))
        .collect();
    latent.noise_mask = Some(Arc::new(fitted));
    Ok(vec![Value::Latent(latent)])
}

/// `RepeatLatentBatch`: the batch (and its noise mask) `amount` times.
pub fn repeat_latent_batch(inputs: &Inputs) -> Result<Vec<Value>, Raised> {
    let mut latent = inputs.latent("samples")?;
    let amount = inputs.int("amount")?.clamp(1, 64) as usize;
    let repeat = |items: &Arc<Vec<_>>| {
        Arc::new(
            items
                .iter()
                .cycle()
                .take(items.len() * amount)
                .cloned()
                .collect::<Vec<_>>(),
        )
    };
    latent.pixels = latent.pixels.as_ref().map(repeat);
    latent.noise_mask = latent.noise_mask.as_ref().map(|m| {
        Arc::new(
            m.iter()
                .cycle()
                .take(m.len() * amount)
                .cloned()
                .collect::<Vec<_>>(),
        )
    });
    latent.batch *= amount;
    Ok(vec![Value::Latent(latent)])
}

fn fit_mask(mask: &GrayImage, size: (u32, u32)) -> GrayImage {
    if mask.dimensions() == size {
        mask.clone()
    } else {
        imageops::resize(mask, size.0, size.1, FilterType::Triangle)
    }
}

/// Grows a mask by a `size` × `size` box (a max filter, rows then columns).
fn dilate(mask: &GrayImage, size: u32) -> GrayImage {
    if size <= 1 {
        return mask.clone();
    }
    let reach = i64::from(size / 2);
    let pass = |src: &GrayImage, horizontal: bool| {
        let (w, h) = src.dimensions();
        GrayImage::from_fn(w, h, |x, y| {
            let mut best = 0u8;
            for d in -reach..=reach {
                let (sx, sy) = if horizontal {
                    (i64::from(x) + d, i64::from(y))
                } else {
                    (i64::from(x), i64::from(y) + d)
                };
                if sx >= 0 && sy >= 0 && sx < i64::from(w) && sy < i64::from(h) {
                    best = best.max(src.get_pixel(sx as u32, sy as u32)[0]);
                }
            }
            Luma([best])
        })
    };
    pass(&pass(mask, true), false)
}

/// The picture `KSampler` converges to for batch item `index`.
pub fn sampler_target(positive: &str, seed: u64, latent: &Latent, index: usize) -> RgbImage {
    common::paint(
        positive,
        seed.wrapping_add(index as u64),
        latent.width,
        latent.height,
    )
}

/// `KSampler`'s result: the targets, blended into the latent's pixels by
/// `denoise` (and only where its noise mask allows).
pub fn sampler_result(latent: &Latent, targets: Vec<RgbImage>, denoise: f64) -> Latent {
    let Some(sources) = &latent.pixels else {
        return Latent {
            pixels: Some(Arc::new(targets)),
            noise_mask: None,
            ..latent.clone()
        };
    };
    let images = targets
        .into_iter()
        .enumerate()
        .map(|(i, mut target)| {
            let source = &sources[i % sources.len().max(1)];
            let mask = latent.noise_mask.as_ref().map(|m| &m[i % m.len().max(1)]);
            for (x, y, pixel) in target.enumerate_pixels_mut() {
                let weight =
                    mask.map_or(1.0, |m| f64::from(m.get_pixel(x, y)[0]) / 255.0) * denoise;
                let s = source.get_pixel(x.min(source.width() - 1), y.min(source.height() - 1));
                for c in 0..3 {
                    let mixed = f64::from(s[c]) * (1.0 - weight) + f64::from(pixel[c]) * weight;
                    pixel[c] = mixed.round().clamp(0.0, 255.0) as u8;
                }
            }
            target
        })
        .collect();
    Latent {
        pixels: Some(Arc::new(images)),
        ..latent.clone()
    }
}

/// A preview frame's JPEG: the target behind fading noise, shrunk to fit
/// 512 px, with the JFIF 1.1 header Pillow writes (`ff d8 ff e0 00 10 4a
/// 46 49 46 00 01 01 00 00 01`). ComfyUI's `ImageOps.contain` also
/// enlarges small previews to 512 px; the stand-in keeps them at their own
/// size, which keeps debug-build tests fast and changes no header byte.
pub fn preview_jpeg(target: &RgbImage, step: u32, total: u32, seed: u64) -> Vec<u8> {
    let frame = common::preview(target, step, total, seed);
    let (w, h) = frame.dimensions();
    let frame = if w.max(h) > 512 {
        let scale = 512.0 / f64::from(w.max(h));
        let size = (
            ((f64::from(w) * scale).round() as u32).max(1),
            ((f64::from(h) * scale).round() as u32).max(1),
        );
        imageops::thumbnail(&frame, size.0, size.1)
    } else {
        frame
    };
    let mut jpeg = common::jpeg(&frame, 95);
    if jpeg.get(6..11) == Some(b"JFIF\0") && jpeg.len() > 12 {
        jpeg[12] = 0x01;
    }
    jpeg
}

/// `LoadImage`: the picture and `1 - alpha` as its mask (64×64 zeros when
/// it has no alpha).
pub fn load_image(files: &Files, name: &str) -> Result<Vec<Value>, Raised> {
    let image = read_input(files, name)?;
    let rgb = image.to_rgb8();
    let mask = if image.color().has_alpha() {
        let rgba = image.to_rgba8();
        GrayImage::from_fn(rgba.width(), rgba.height(), |x, y| {
            Luma([255 - rgba.get_pixel(x, y)[3]])
        })
    } else {
        GrayImage::new(64, 64)
    };
    Ok(vec![
        Value::Image(Arc::new(vec![rgb])),
        Value::Mask(Arc::new(vec![mask])),
    ])
}

/// `LoadImageMask`: one channel as a mask (alpha inverted).
pub fn load_image_mask(files: &Files, name: &str, channel: &str) -> Result<Vec<Value>, Raised> {
    let rgba = read_input(files, name)?.to_rgba8();
    let (index, invert) = match channel {
        "red" => (0, false),
        "green" => (1, false),
        "blue" => (2, false),
        _ => (3, true),
    };
    let mask = GrayImage::from_fn(rgba.width(), rgba.height(), |x, y| {
        let v = rgba.get_pixel(x, y)[index];
        Luma([if invert { 255 - v } else { v }])
    });
    Ok(vec![Value::Mask(Arc::new(vec![mask]))])
}

/// The absolute path of an input image (`get_annotated_filepath`).
pub fn input_path(name: &str) -> String {
    let (name, folder) = files::annotated(name);
    files::join(&folder.unwrap_or(Folder::Input).path(), name)
}

fn read_input(files: &Files, name: &str) -> Result<image::DynamicImage, Raised> {
    let path = input_path(name);
    let file = files.read(&path).ok_or_else(|| {
        Raised::new(
            "FileNotFoundError",
            format!("[Errno 2] No such file or directory: '{path}'"),
        )
    })?;
    image::load_from_memory(&file.bytes).map_err(|e| {
        Raised::new(
            "PIL.UnidentifiedImageError",
            format!("cannot identify image file '{path}': {e}"),
        )
    })
}

/// `ImageScaleBy`.
pub fn image_scale_by(inputs: &Inputs) -> Result<Vec<Value>, Raised> {
    let scale = inputs.float("scale_by")?;
    let filter = match inputs.text("upscale_method")?.as_str() {
        "nearest-exact" => FilterType::Nearest,
        "bicubic" => FilterType::CatmullRom,
        "lanczos" => FilterType::Lanczos3,
        _ => FilterType::Triangle,
    };
    let images = inputs
        .images("image")?
        .iter()
        .map(|image| {
            let w = ((f64::from(image.width()) * scale).round() as u32).max(1);
            let h = ((f64::from(image.height()) * scale).round() as u32).max(1);
            imageops::resize(image, w, h, filter)
        })
        .collect();
    Ok(vec![Value::Image(Arc::new(images))])
}

/// `UpscaleModelLoader`.
pub fn upscale_model_loader(inputs: &Inputs) -> Result<Vec<Value>, Raised> {
    let name = inputs.text("model_name")?;
    let scale = upscale_model_scale(&name);
    Ok(vec![Value::UpscaleModel { name, scale }])
}

/// `ImageUpscaleWithModel`'s result, and how many tiles it reports.
pub fn upscale_with_model(inputs: &Inputs) -> Result<(Vec<Value>, u32), Raised> {
    let scale = match inputs.get("upscale_model")? {
        Value::UpscaleModel { scale, .. } => *scale,
        other => return Err(not_a(other, "scale")),
    };
    let images = inputs.images("image")?;
    let tiles = images
        .first()
        .map_or(1, |i| i.width().div_ceil(480) * i.height().div_ceil(480));
    let scaled = images
        .iter()
        .map(|i| {
            imageops::resize(
                i,
                i.width() * scale,
                i.height() * scale,
                FilterType::Lanczos3,
            )
        })
        .collect();
    Ok((vec![Value::Image(Arc::new(scaled))], tiles.max(1)))
}
