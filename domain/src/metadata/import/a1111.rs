//! AUTOMATIC1111 (and Forge) infotext, read with [`Infotext`]: the PNG
//! `parameters` chunk or the EXIF UserComment.

use super::values::{self, push_extra};
use super::{Entries, ImportedParameters, MetadataSource};
use crate::metadata::Infotext;

/// Reads an infotext from `parameters` or the UserComment. Text that is a
/// JSON object belongs to another tool; a blank `parameters` says nothing;
/// and a UserComment without any settings (a camera's, a person's note) is
/// not taken for a prompt.
pub(super) fn read(entries: &Entries<'_>) -> Option<ImportedParameters> {
    if let Some(text) = entries.get("parameters")
        && values::json_object(text).is_none()
        && !text.trim().is_empty()
    {
        return Some(parse(text, MetadataSource::Automatic1111));
    }
    let text = entries.get(super::container::USER_COMMENT_KEY)?;
    if values::json_object(text).is_some() {
        return None;
    }
    let parsed = parse(text, MetadataSource::Automatic1111);
    has_settings(&parsed).then_some(parsed)
}

/// Whether any setting besides the prompts was read.
fn has_settings(parsed: &ImportedParameters) -> bool {
    parsed.seed.is_some()
        || parsed.steps.is_some()
        || parsed.cfg_scale.is_some()
        || parsed.sampler.is_some()
        || parsed.width.is_some()
        || parsed.model.is_some()
        || !parsed.extra.is_empty()
}

/// Maps an infotext onto the parameters; a `Version` naming Fooocus marks
/// the result as Fooocus's.
pub(super) fn parse(text: &str, source: MetadataSource) -> ImportedParameters {
    let info = Infotext::parse(text);
    let mut result = ImportedParameters::new(source);
    result.prompt = values::prompt(&info.prompt);
    result.negative_prompt = values::prompt(&info.negative_prompt);
    for (key, value) in &info.settings {
        if !map_setting(&mut result, key, value) {
            push_extra(&mut result.extra, key, value);
        }
    }
    if info
        .get("Version")
        .is_some_and(|v| v.trim_start().starts_with("Fooocus"))
    {
        result.source = MetadataSource::Fooocus;
    }
    result
}

/// Sets the field a setting maps to; `false` when it maps to none (or the
/// field is already set, the first setting winning).
fn map_setting(result: &mut ImportedParameters, key: &str, value: &str) -> bool {
    match key.to_ascii_lowercase().as_str() {
        "steps" if result.steps.is_none() => {
            result.steps = values::steps(values::int_from_text(value));
        }
        "sampler" if result.sampler.is_none() => result.sampler = values::name(value),
        "schedule type" if result.scheduler.is_none() => result.scheduler = values::name(value),
        "cfg scale" if result.cfg_scale.is_none() => {
            result.cfg_scale = values::cfg(values::float_from_text(value));
        }
        "seed" if result.seed.is_none() => result.seed = values::int_from_text(value),
        "size" if result.width.is_none() => {
            (result.width, result.height) = values::size_from_text(value);
        }
        "model" if result.model.is_none() => result.model = values::name(value),
        "denoising strength" if result.strength.is_none() => {
            result.strength = values::strength(values::float_from_text(value));
        }
        _ => return false,
    }
    true
}
