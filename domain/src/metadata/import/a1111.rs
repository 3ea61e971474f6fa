//! AUTOMATIC1111 (and Forge) infotext, read with [`Infotext`]: the PNG
//! `parameters` chunk or the EXIF UserComment.

use super::values::{self, push_extra};
use super::{Entries, ImportedParameters, MetadataSource};
use crate::metadata::Infotext;

/// The most work the settings-line scan may do on one line, in character
/// steps. [`Infotext::parse`] retries a key at each character of a run of
/// key characters, so its cost grows with the square of such a run; a line
/// over this budget is read as prompt text, not settings.
const MAX_SETTINGS_SCAN: usize = 2_000_000;

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
    let info = parse_infotext(text);
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

/// [`Infotext::parse`], unless the last line would make its settings scan
/// too slow: then the text is prompt and negative prompt only.
fn parse_infotext(text: &str) -> Infotext {
    let last_line = text.trim().rsplit(['\n', '\r']).next().unwrap_or_default();
    if settings_scan_cost(last_line) <= MAX_SETTINGS_SCAN {
        return Infotext::parse(text);
    }
    let text = text.trim();
    match text.split_once("Negative prompt:") {
        Some((prompt, negative)) if prompt.is_empty() || prompt.ends_with(['\n', '\r']) => {
            Infotext::new(prompt.trim(), negative.trim())
        }
        _ => Infotext::new(text, ""),
    }
}

/// An upper bound on the settings scan's steps: for each character, the
/// length of the run of key characters (word characters, space, `-`, `/`)
/// starting there.
fn settings_scan_cost(line: &str) -> usize {
    let mut run = 0usize;
    let mut cost = 0usize;
    for c in line.chars().rev() {
        let key_char = c.is_alphanumeric() || matches!(c, '_' | ' ' | '-' | '/');
        run = if key_char { run.saturating_add(1) } else { 0 };
        cost = cost.saturating_add(run);
    }
    cost
}
