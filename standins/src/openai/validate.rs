//! The per-model validation matrix of PROVIDERS.md §1.3, §1.5 and §1.6:
//! which model takes which sizes, counts, qualities and fields on which
//! endpoint. A request that passes becomes a [`Job`] with every default
//! resolved.

mod gpt;
mod inputs;

use image::DynamicImage;

use super::errors::ApiError;
use super::params::{Endpoint, Params};

/// Model families, which decide the rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    /// `dall-e-2`.
    DallE2,
    /// `dall-e-3`.
    DallE3,
    /// `gpt-image-*`.
    GptImage,
}

/// How results are returned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Delivery {
    /// A link to a stand-in route that expires.
    Url,
    /// Base64 in the JSON.
    B64Json,
}

/// The file format of results.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// PNG.
    Png,
    /// JPEG.
    Jpeg,
    /// WebP.
    Webp,
}

impl Format {
    /// The value in responses.
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Png => "png",
            Format::Jpeg => "jpeg",
            Format::Webp => "webp",
        }
    }
}

/// A validated request with its defaults resolved.
#[derive(Debug, Clone)]
pub struct Job {
    /// Which endpoint.
    pub endpoint: Endpoint,
    /// Its family.
    pub family: Family,
    /// The prompt (empty for variations).
    pub prompt: String,
    /// How many images.
    pub n: u32,
    /// Output width.
    pub width: u32,
    /// Output height.
    pub height: u32,
    /// Resolved quality (`standard`, `hd`, `low`, `medium`, `high`).
    pub quality: String,
    /// How results travel.
    pub delivery: Delivery,
    /// The file format.
    pub format: Format,
    /// Whether the background is transparent.
    pub transparent: bool,
    /// Whether to stream (gpt-image).
    pub stream: bool,
    /// Partial images to stream.
    pub partial_images: u32,
    /// Input images (edits, variations).
    pub images: Vec<DynamicImage>,
    /// The mask, if sent (alpha 0 = repaint).
    pub mask: Option<image::RgbaImage>,
}

const DALL_E_2_SIZES: &[&str] = &["256x256", "512x512", "1024x1024"];
const DALL_E_3_SIZES: &[&str] = &["1024x1024", "1792x1024", "1024x1792"];
const GPT_SIZES: &[&str] = &["1024x1024", "1536x1024", "1024x1536", "auto"];
const GPT_QUALITIES: &[&str] = &["low", "medium", "high", "auto"];

/// The family of a model name, if it makes images.
pub fn family_of(model: &str) -> Option<Family> {
    match model {
        "dall-e-2" => Some(Family::DallE2),
        "dall-e-3" => Some(Family::DallE3),
        m if m.starts_with("gpt-image-") => Some(Family::GptImage),
        _ => None,
    }
}

/// Checks `params` for `endpoint` against the models the account has.
pub fn validate(endpoint: Endpoint, params: Params, account: &[String]) -> Result<Job, ApiError> {
    let model = params.model.clone().unwrap_or_else(|| match endpoint {
        Endpoint::Edits => "gpt-image-1.5".into(),
        _ => "dall-e-2".into(),
    });
    if !account.contains(&model) {
        return Err(ApiError::model_not_found(&model));
    }
    let family = family_of(&model).ok_or_else(|| image_models_only(&model))?;
    check_endpoint(endpoint, family, &model)?;
    let prompt = check_prompt(endpoint, family, &params)?;
    let n = check_n(family, params.n)?;
    let (width, height) = check_size(endpoint, family, params.size.as_deref())?;
    let quality = check_quality(family, params.quality.as_deref())?;
    check_style(family, &model, params.style.as_deref())?;
    let delivery = check_delivery(family, &model, params.response_format.as_deref())?;
    let (format, transparent) = gpt::check_output(family, &model, &params)?;
    let (stream, partial_images) = gpt::check_stream(family, &model, &params, n)?;
    gpt::check_input_fidelity(endpoint, &model, params.input_fidelity.as_deref())?;
    let (images, mask) = inputs::check_images(endpoint, family, &params)?;
    Ok(Job {
        endpoint,
        family,
        prompt,
        n,
        width,
        height,
        quality,
        delivery,
        format,
        transparent,
        stream,
        partial_images,
        images,
        mask,
    })
}

fn image_models_only(model: &str) -> ApiError {
    ApiError::invalid(
        "model",
        Some("invalid_value"),
        format!(
            "Invalid value: '{model}'. Value must be 'dall-e-2', 'dall-e-3' or a GPT image model."
        ),
    )
}

fn check_endpoint(endpoint: Endpoint, family: Family, model: &str) -> Result<(), ApiError> {
    let allowed = match endpoint {
        Endpoint::Generations => true,
        Endpoint::Edits => family != Family::DallE3,
        Endpoint::Variations => family == Family::DallE2,
    };
    if allowed {
        return Ok(());
    }
    let what = if endpoint == Endpoint::Edits {
        "'dall-e-2' or a GPT image model"
    } else {
        "'dall-e-2'"
    };
    Err(ApiError::invalid(
        "model",
        Some("invalid_value"),
        format!("Invalid value: '{model}'. Value must be {what} for this endpoint."),
    ))
}

fn check_prompt(endpoint: Endpoint, family: Family, params: &Params) -> Result<String, ApiError> {
    if endpoint == Endpoint::Variations {
        return Ok(String::new());
    }
    let prompt = params.prompt.clone().unwrap_or_default();
    if prompt.is_empty() {
        return Err(ApiError::missing("prompt"));
    }
    let max = match family {
        Family::DallE2 => 1000,
        Family::DallE3 => 4000,
        Family::GptImage => 32000,
    };
    let length = prompt.chars().count();
    if length > max {
        return Err(ApiError::invalid(
            "prompt",
            Some("string_above_max_length"),
            format!(
                "Invalid 'prompt': string too long. Expected a string with maximum length {max}, but got a string with length {length} instead."
            ),
        ));
    }
    Ok(prompt)
}

fn check_n(family: Family, n: Option<i64>) -> Result<u32, ApiError> {
    let n = n.unwrap_or(1);
    let max = if family == Family::DallE3 { 1 } else { 10 };
    if n < 1 {
        return Err(ApiError::invalid(
            "n",
            Some("integer_below_min_value"),
            format!(
                "Invalid 'n': integer below minimum value. Expected a value >= 1, but got {n} instead."
            ),
        ));
    }
    if n > max {
        return Err(ApiError::invalid(
            "n",
            Some("integer_above_max_value"),
            format!(
                "Invalid 'n': integer above maximum value. Expected a value <= {max}, but got {n} instead."
            ),
        ));
    }
    Ok(n as u32)
}

fn check_size(
    endpoint: Endpoint,
    family: Family,
    size: Option<&str>,
) -> Result<(u32, u32), ApiError> {
    let allowed = match family {
        Family::DallE2 => DALL_E_2_SIZES,
        Family::DallE3 => DALL_E_3_SIZES,
        Family::GptImage => GPT_SIZES,
    };
    let size = size.unwrap_or(match (family, endpoint) {
        (Family::GptImage, Endpoint::Generations) => "auto",
        _ => "1024x1024",
    });
    if !allowed.contains(&size) {
        return Err(ApiError::invalid_value("size", size, allowed));
    }
    if size == "auto" {
        return Ok((1024, 1024));
    }
    let parsed = size
        .split_once('x')
        .and_then(|(w, h)| Some((w.parse().ok()?, h.parse().ok()?)));
    parsed.ok_or_else(|| ApiError::invalid_value("size", size, allowed))
}

fn check_quality(family: Family, quality: Option<&str>) -> Result<String, ApiError> {
    let (allowed, default): (&[&str], &str) = match family {
        Family::DallE2 => (&["standard"], "standard"),
        Family::DallE3 => (&["standard", "hd"], "standard"),
        Family::GptImage => (GPT_QUALITIES, "auto"),
    };
    let quality = quality.unwrap_or(default);
    if !allowed.contains(&quality) {
        return Err(ApiError::invalid_value("quality", quality, allowed));
    }
    // `auto` lets the model choose; responses report a concrete level.
    Ok(if quality == "auto" { "medium" } else { quality }.to_owned())
}

fn check_style(family: Family, model: &str, style: Option<&str>) -> Result<(), ApiError> {
    match (style, family) {
        (None, _) => Ok(()),
        (Some(_), Family::DallE2 | Family::GptImage) => {
            Err(ApiError::unknown_parameter("style", model))
        }
        (Some("vivid" | "natural"), Family::DallE3) => Ok(()),
        (Some(other), Family::DallE3) => Err(ApiError::invalid_value(
            "style",
            other,
            &["vivid", "natural"],
        )),
    }
}

fn check_delivery(family: Family, model: &str, format: Option<&str>) -> Result<Delivery, ApiError> {
    match (format, family) {
        (None, Family::GptImage) => Ok(Delivery::B64Json),
        (Some(_), Family::GptImage) => Err(ApiError::unknown_parameter("response_format", model)),
        (None | Some("url"), _) => Ok(Delivery::Url),
        (Some("b64_json"), _) => Ok(Delivery::B64Json),
        (Some(other), _) => Err(ApiError::invalid_value(
            "response_format",
            other,
            &["url", "b64_json"],
        )),
    }
}
