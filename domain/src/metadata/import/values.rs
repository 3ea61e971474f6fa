//! Tolerant value readers shared by the importers. A number that does not
//! parse, or is out of range, is `None`, never an error; texts are capped.

use serde_json::{Map, Value};

/// The longest prompt kept, in characters.
pub(super) const MAX_PROMPT_CHARS: usize = 100_000;
/// The most unmapped settings kept.
const MAX_EXTRA_ENTRIES: usize = 200;
/// The longest unmapped setting value kept, in characters.
const MAX_EXTRA_CHARS: usize = 10_000;
/// The most sampling steps taken as real.
const MAX_STEPS: i64 = 10_000;
/// The largest image side taken as real.
const MAX_SIDE: i64 = 65_535;
/// The largest CFG scale taken as real.
const MAX_CFG: f64 = 100.0;
/// Integers beyond this lose precision as `f64`, so a float is not trusted.
const MAX_EXACT_FLOAT_INT: f64 = 9_007_199_254_740_992.0;

/// `text` cut to at most `max` characters, on a character boundary.
pub(super) fn cap_chars(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((end, _)) => text.get(..end).unwrap_or_default().to_owned(),
        None => text.to_owned(),
    }
}

/// A prompt: trimmed and capped at [`MAX_PROMPT_CHARS`].
pub(super) fn prompt(text: &str) -> String {
    cap_chars(text.trim(), MAX_PROMPT_CHARS)
}

/// An integer written as text: `42`, or `42.0`.
pub(super) fn int_from_text(text: &str) -> Option<i64> {
    let text = text.trim();
    text.parse::<i64>()
        .ok()
        .or_else(|| exact_int(text.parse::<f64>().ok()?))
}

/// An integer from JSON: a number, or a string holding one.
pub(super) fn int_from_json(value: &Value) -> Option<i64> {
    match value {
        Value::Number(number) => number.as_i64().or_else(|| exact_int(number.as_f64()?)),
        Value::String(text) => int_from_text(text),
        _ => None,
    }
}

/// A float from JSON: a number, or a string holding one.
pub(super) fn float_from_json(value: &Value) -> Option<f64> {
    match value {
        Value::Number(number) => number.as_f64(),
        Value::String(text) => float_from_text(text),
        _ => None,
    }
}

/// A float written as text.
pub(super) fn float_from_text(text: &str) -> Option<f64> {
    text.trim().parse::<f64>().ok().filter(|v| v.is_finite())
}

/// A float that is a whole number small enough to be exact.
fn exact_int(value: f64) -> Option<i64> {
    let exact = value.is_finite() && value.fract() == 0.0 && value.abs() <= MAX_EXACT_FLOAT_INT;
    // In range and whole, so the cast is exact.
    exact.then_some(value as i64)
}

/// Sampling steps: 1 to 10,000.
pub(super) fn steps(value: Option<i64>) -> Option<u32> {
    value
        .filter(|v| (1..=MAX_STEPS).contains(v))
        .and_then(|v| u32::try_from(v).ok())
}

/// An image side: 1 to 65,535 pixels.
pub(super) fn side(value: Option<i64>) -> Option<u32> {
    value
        .filter(|v| (1..=MAX_SIDE).contains(v))
        .and_then(|v| u32::try_from(v).ok())
}

/// A CFG scale: finite, 0 to 100.
pub(super) fn cfg(value: Option<f64>) -> Option<f32> {
    value
        .filter(|v| v.is_finite() && (0.0..=MAX_CFG).contains(v))
        .map(|v| v as f32)
}

/// A denoising strength: finite, 0 to 1.
pub(super) fn strength(value: Option<f64>) -> Option<f32> {
    value
        .filter(|v| v.is_finite() && (0.0..=1.0).contains(v))
        .map(|v| v as f32)
}

/// A size written as text: `512x768`, `512×768`, `(1024, 1024)`, `1024*1024`.
pub(super) fn size_from_text(text: &str) -> (Option<u32>, Option<u32>) {
    let inner = text
        .trim()
        .trim_matches(|c| matches!(c, '(' | ')' | '[' | ']'));
    let mut parts = inner.split(['x', 'X', '×', ',', '*']);
    match (parts.next(), parts.next(), parts.next()) {
        (Some(width), Some(height), None) => {
            (side(int_from_text(width)), side(int_from_text(height)))
        }
        _ => (None, None),
    }
}

/// A short non-empty name (sampler, scheduler, model), trimmed.
pub(super) fn name(text: &str) -> Option<String> {
    let text = text.trim();
    (!text.is_empty()).then(|| cap_chars(text, MAX_EXTRA_CHARS))
}

/// A name from JSON: a string, or an object with a `name` or `model_name`.
pub(super) fn name_from_json(value: &Value) -> Option<String> {
    match value {
        Value::String(text) => name(text),
        Value::Object(object) => ["name", "model_name"]
            .iter()
            .find_map(|key| object.get(*key)?.as_str())
            .and_then(name),
        _ => None,
    }
}

/// A JSON value as display text: strings as they are, numbers and booleans
/// written out, objects naming a model by that name, the rest as compact
/// JSON. `None` for null.
pub(super) fn display_json(value: &Value) -> Option<String> {
    let text = match value {
        Value::Null => return None,
        Value::String(text) => text.clone(),
        Value::Bool(_) | Value::Number(_) | Value::Array(_) => value.to_string(),
        Value::Object(_) => name_from_json(value).unwrap_or_else(|| value.to_string()),
    };
    Some(cap_chars(&text, MAX_EXTRA_CHARS))
}

/// Adds an unmapped setting, within the caps.
pub(super) fn push_extra(extra: &mut Vec<(String, String)>, key: &str, value: &str) {
    if extra.len() < MAX_EXTRA_ENTRIES {
        extra.push((
            cap_chars(key, MAX_EXTRA_CHARS),
            cap_chars(value, MAX_EXTRA_CHARS),
        ));
    }
}

/// Every member of a JSON object except the `mapped` keys, as unmapped
/// settings.
pub(super) fn extra_from_object(
    object: &Map<String, Value>,
    mapped: &[&str],
) -> Vec<(String, String)> {
    let mut extra = Vec::new();
    for (key, value) in object {
        if mapped.contains(&key.as_str()) {
            continue;
        }
        if let Some(text) = display_json(value) {
            push_extra(&mut extra, key, &text);
        }
    }
    extra
}

/// A JSON object's member as a string.
pub(super) fn str_member<'a>(object: &'a Map<String, Value>, key: &str) -> Option<&'a str> {
    object.get(key)?.as_str()
}

/// Parses `text` as a JSON object; `None` for anything else.
pub(super) fn json_object(text: &str) -> Option<Map<String, Value>> {
    let text = text.trim();
    if !text.starts_with('{') {
        return None;
    }
    match serde_json::from_str(text) {
        Ok(Value::Object(object)) => Some(object),
        _ => None,
    }
}
