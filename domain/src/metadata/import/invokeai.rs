//! InvokeAI: the `invokeai_metadata` JSON of versions 3 and later
//! (`positive_prompt`, `cfg_scale`, `model: {"name"}` ...), and the older
//! `sd-metadata` JSON of version 2 (`model_weights`, `image: {...}`).

use serde_json::{Map, Value};

use super::values::{self, str_member};
use super::{Entries, ImportedParameters, MetadataSource};

/// The keys InvokeAI has stored its JSON under, newest first.
const KEYS: &[&str] = &["invokeai_metadata", "sd-metadata", "invokeai"];

/// Members of the current format mapped to a field.
const MAPPED: &[&str] = &[
    "positive_prompt",
    "negative_prompt",
    "seed",
    "steps",
    "cfg_scale",
    "scheduler",
    "width",
    "height",
    "model",
    "strength",
];

/// Members of the version 2 `image` object mapped to a field.
const MAPPED_V2: &[&str] = &[
    "prompt",
    "seed",
    "steps",
    "cfg_scale",
    "sampler",
    "width",
    "height",
    "strength",
];

/// Reads the first InvokeAI entry that holds a JSON object.
pub(super) fn read(entries: &Entries<'_>) -> Option<ImportedParameters> {
    KEYS.iter()
        .filter_map(|key| values::json_object(entries.get(key)?))
        .find_map(|json| match json.get("image") {
            Some(Value::Object(image)) => Some(from_version2(&json, image)),
            _ => json
                .contains_key("positive_prompt")
                .then(|| from_current(&json)),
        })
}

/// The current format.
fn from_current(json: &Map<String, Value>) -> ImportedParameters {
    let mut result = ImportedParameters::new(MetadataSource::InvokeAI);
    let text = |key| {
        str_member(json, key)
            .map(values::prompt)
            .unwrap_or_default()
    };
    result.prompt = text("positive_prompt");
    result.negative_prompt = text("negative_prompt");
    fill_numbers(&mut result, json);
    result.scheduler = str_member(json, "scheduler").and_then(values::name);
    result.model = json.get("model").and_then(values::name_from_json);
    result.extra = values::extra_from_object(json, MAPPED);
    result
}

/// Version 2: the settings sit in `image`; the prompt is a string or a
/// list of weighted `{"prompt": ...}` parts.
fn from_version2(json: &Map<String, Value>, image: &Map<String, Value>) -> ImportedParameters {
    let mut result = ImportedParameters::new(MetadataSource::InvokeAI);
    result.prompt = image.get("prompt").map(version2_prompt).unwrap_or_default();
    fill_numbers(&mut result, image);
    result.sampler = str_member(image, "sampler").and_then(values::name);
    result.model = str_member(json, "model_weights").and_then(values::name);
    result.extra = values::extra_from_object(image, MAPPED_V2);
    result
}

/// The members both formats name alike.
fn fill_numbers(result: &mut ImportedParameters, object: &Map<String, Value>) {
    let int = |key| object.get(key).and_then(values::int_from_json);
    let float = |key| object.get(key).and_then(values::float_from_json);
    result.seed = int("seed");
    result.steps = values::steps(int("steps"));
    result.cfg_scale = values::cfg(float("cfg_scale"));
    result.width = values::side(int("width"));
    result.height = values::side(int("height"));
    result.strength = values::strength(float("strength"));
}

/// A version 2 prompt: the string, or the first part of the list.
fn version2_prompt(prompt: &Value) -> String {
    match prompt {
        Value::String(text) => values::prompt(text),
        Value::Array(parts) => parts
            .first()
            .and_then(|part| part.get("prompt")?.as_str())
            .map(values::prompt)
            .unwrap_or_default(),
        _ => String::new(),
    }
}
