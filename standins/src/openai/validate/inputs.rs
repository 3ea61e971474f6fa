//! The input images of edits and variations: how many, which formats and
//! sizes per family, and the mask (a PNG with alpha, the image's size).

use image::{DynamicImage, ImageFormat};

use super::Family;
use crate::openai::errors::ApiError;
use crate::openai::params::{Endpoint, Params};

const FOUR_MB: usize = 4 * 1024 * 1024;
const FIFTY_MB: usize = 50 * 1024 * 1024;

/// The decoded input images and mask.
pub(super) type Inputs = (Vec<DynamicImage>, Option<image::RgbaImage>);

/// Checks the input images and mask of an edit or variation.
pub(super) fn check_images(
    endpoint: Endpoint,
    family: Family,
    params: &Params,
) -> Result<Inputs, ApiError> {
    if endpoint == Endpoint::Generations {
        return Ok((Vec::new(), None));
    }
    let max_images = if family == Family::GptImage { 16 } else { 1 };
    if params.images.is_empty() {
        return Err(ApiError::missing("image"));
    }
    if params.images.len() > max_images {
        return Err(ApiError::invalid(
            "image",
            Some("invalid_value"),
            format!(
                "Expected at most {max_images} images, but got {}.",
                params.images.len()
            ),
        ));
    }
    let images = params
        .images
        .iter()
        .map(|bytes| read_input_image(family, bytes))
        .collect::<Result<Vec<_>, _>>()?;
    let mask = match (&params.mask, endpoint) {
        (Some(_), Endpoint::Variations) => {
            return Err(ApiError::unknown_parameter("mask", "dall-e-2"));
        }
        (Some(bytes), _) => Some(read_mask(bytes, &images[0])?),
        (None, _) => None,
    };
    if endpoint == Endpoint::Edits
        && family == Family::DallE2
        && mask.is_none()
        && !images[0].color().has_alpha()
    {
        return Err(ApiError::invalid(
            "image",
            Some("invalid_image_format"),
            "Invalid input image - format must be in ['RGBA', 'LA', 'L'], got RGB.",
        ));
    }
    Ok((images, mask))
}

fn read_input_image(family: Family, bytes: &[u8]) -> Result<DynamicImage, ApiError> {
    let format = image::guess_format(bytes).ok();
    let dall_e = family != Family::GptImage;
    let (limit, formats): (usize, &[ImageFormat]) = if dall_e {
        (FOUR_MB, &[ImageFormat::Png])
    } else {
        (
            FIFTY_MB,
            &[ImageFormat::Png, ImageFormat::Jpeg, ImageFormat::WebP],
        )
    };
    if bytes.len() >= limit {
        return Err(ApiError::invalid(
            "image",
            Some("image_too_large"),
            format!(
                "Invalid input image - image must be less than {} MB.",
                limit / (1024 * 1024)
            ),
        ));
    }
    if !format.is_some_and(|f| formats.contains(&f)) {
        let what = if dall_e {
            "a PNG"
        } else {
            "a PNG, JPEG or WebP image"
        };
        return Err(ApiError::invalid(
            "image",
            Some("invalid_image_format"),
            format!("Invalid input image - expected {what}."),
        ));
    }
    let image = image::load_from_memory(bytes).map_err(|_| {
        ApiError::invalid(
            "image",
            Some("invalid_image"),
            "Invalid input image - could not decode the image.",
        )
    })?;
    if dall_e && image.width() != image.height() {
        return Err(ApiError::invalid(
            "image",
            Some("invalid_image_format"),
            "Invalid input image - image must be square.",
        ));
    }
    Ok(image)
}

fn read_mask(bytes: &[u8], image: &DynamicImage) -> Result<image::RgbaImage, ApiError> {
    if bytes.len() >= FOUR_MB {
        return Err(ApiError::invalid(
            "mask",
            Some("image_too_large"),
            "Invalid mask image - image must be less than 4 MB.",
        ));
    }
    if image::guess_format(bytes).ok() != Some(ImageFormat::Png) {
        return Err(ApiError::invalid(
            "mask",
            Some("invalid_image_format"),
            "Invalid mask image - expected a PNG.",
        ));
    }
    let mask = image::load_from_memory(bytes).map_err(|_| {
        ApiError::invalid(
            "mask",
            Some("invalid_image"),
            "Invalid mask image - could not decode the image.",
        )
    })?;
    if !mask.color().has_alpha() {
        return Err(ApiError::invalid(
            "mask",
            Some("invalid_image_format"),
            "Invalid mask image - format must be in ['RGBA', 'LA'], got RGB.",
        ));
    }
    if mask.width() != image.width() || mask.height() != image.height() {
        return Err(ApiError::invalid(
            "mask",
            Some("invalid_image_format"),
            format!(
                "Invalid mask image - mask size {}x{} does not match image size {}x{}.",
                mask.width(),
                mask.height(),
                image.width(),
                image.height()
            ),
        ));
    }
    Ok(mask.to_rgba8())
}
