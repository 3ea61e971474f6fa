//! The gpt-image-only fields: output format, compression, background,
//! moderation, streaming and input fidelity, with their cross-field rules.

use super::{Family, Format};
use crate::openai::errors::ApiError;
use crate::openai::params::{Endpoint, Params};

/// `output_format`, `output_compression`, `background`, `moderation`:
/// gpt-image only, with their cross-field rules.
pub(super) fn check_output(
    family: Family,
    model: &str,
    params: &Params,
) -> Result<(Format, bool), ApiError> {
    if family != Family::GptImage {
        for (name, given) in [
            ("output_format", params.output_format.is_some()),
            ("output_compression", params.output_compression.is_some()),
            ("background", params.background.is_some()),
            ("moderation", params.moderation.is_some()),
        ] {
            if given {
                return Err(ApiError::unknown_parameter(name, model));
            }
        }
        return Ok((Format::Png, false));
    }
    let format = match params.output_format.as_deref().unwrap_or("png") {
        "png" => Format::Png,
        "jpeg" => Format::Jpeg,
        "webp" => Format::Webp,
        other => {
            return Err(ApiError::invalid_value(
                "output_format",
                other,
                &["png", "jpeg", "webp"],
            ));
        }
    };
    if let Some(compression) = params.output_compression {
        if !(0..=100).contains(&compression) {
            return Err(ApiError::invalid(
                "output_compression",
                Some("invalid_value"),
                "output_compression must be between 0 and 100.",
            ));
        }
        if format == Format::Png && compression != 100 {
            return Err(ApiError::invalid(
                "output_compression",
                Some("invalid_value"),
                "Compression less than 100 is not supported for PNG output format.",
            ));
        }
    }
    let transparent = match params.background.as_deref().unwrap_or("auto") {
        "transparent" => true,
        "opaque" | "auto" => false,
        other => {
            return Err(ApiError::invalid_value(
                "background",
                other,
                &["transparent", "opaque", "auto"],
            ));
        }
    };
    if transparent && format == Format::Jpeg {
        return Err(ApiError::invalid(
            "background",
            Some("invalid_value"),
            "Transparent background is not supported for the jpeg output format; use png or webp.",
        ));
    }
    if let Some(moderation) = params
        .moderation
        .as_deref()
        .filter(|m| !matches!(*m, "low" | "auto"))
    {
        return Err(ApiError::invalid_value(
            "moderation",
            moderation,
            &["low", "auto"],
        ));
    }
    Ok((format, transparent))
}

/// `stream` and `partial_images`: gpt-image only, one image per stream.
pub(super) fn check_stream(
    family: Family,
    model: &str,
    params: &Params,
    n: u32,
) -> Result<(bool, u32), ApiError> {
    let stream = params.stream.unwrap_or(false);
    if family != Family::GptImage {
        if params.stream.is_some() {
            return Err(ApiError::unknown_parameter("stream", model));
        }
        if params.partial_images.is_some() {
            return Err(ApiError::unknown_parameter("partial_images", model));
        }
        return Ok((false, 0));
    }
    let partial = params.partial_images.unwrap_or(0);
    if !(0..=3).contains(&partial) {
        return Err(ApiError::invalid(
            "partial_images",
            Some("invalid_value"),
            format!(
                "Invalid 'partial_images': expected a value between 0 and 3, but got {partial} instead."
            ),
        ));
    }
    // (unverified) One image per stream: the completed event carries no index.
    if stream && n > 1 {
        return Err(ApiError::invalid(
            "n",
            Some("invalid_value"),
            "Streaming supports n=1 only.",
        ));
    }
    Ok((stream, partial as u32))
}

/// `input_fidelity`: gpt-image edits, not on gpt-image-1-mini.
pub(super) fn check_input_fidelity(
    endpoint: Endpoint,
    model: &str,
    fidelity: Option<&str>,
) -> Result<(), ApiError> {
    let Some(fidelity) = fidelity else {
        return Ok(());
    };
    if endpoint != Endpoint::Edits
        || !model.starts_with("gpt-image-")
        || model == "gpt-image-1-mini"
    {
        return Err(ApiError::unknown_parameter("input_fidelity", model));
    }
    if !matches!(fidelity, "high" | "low") {
        return Err(ApiError::invalid_value(
            "input_fidelity",
            fidelity,
            &["high", "low"],
        ));
    }
    Ok(())
}
