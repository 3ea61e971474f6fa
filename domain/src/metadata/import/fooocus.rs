//! Fooocus: a `fooocus_scheme` entry naming the scheme, with `parameters`
//! holding either Fooocus's JSON (`guidance_scale`, `base_model`,
//! `resolution: "(1024, 1024)"` ...) or, for the `a1111` scheme, an
//! infotext. JPEGs carry the same text in the UserComment without a scheme
//! entry; the JSON's `version` (`"Fooocus v2.5.0"`) names the tool then.

use serde_json::{Map, Value};

use super::values::{self, str_member};
use super::{Entries, ImportedParameters, MetadataSource, a1111};

/// The entry naming the scheme, `fooocus` or `a1111`.
const SCHEME_KEY: &str = "fooocus_scheme";

/// Members mapped to a field. The full prompts are the prompts with the
/// styles expanded, already shown by the styles.
const MAPPED: &[&str] = &[
    "prompt",
    "negative_prompt",
    "seed",
    "steps",
    "guidance_scale",
    "sampler",
    "scheduler",
    "resolution",
    "base_model",
    "full_prompt",
    "full_negative_prompt",
];

/// Reads Fooocus metadata, by its scheme entry or its JSON's version.
pub(super) fn read(entries: &Entries<'_>) -> Option<ImportedParameters> {
    let scheme = entries.get(SCHEME_KEY).map(str::trim);
    if scheme == Some("a1111") {
        let text = entries.parameter_texts().next()?;
        return Some(a1111::parse(text, MetadataSource::Fooocus));
    }
    entries.parameter_texts().find_map(|text| {
        let json = values::json_object(text)?;
        let named = str_member(&json, "version").is_some_and(|v| v.starts_with("Fooocus"));
        (scheme.is_some() || named).then(|| from_json(&json))
    })
}

/// Maps Fooocus's JSON.
fn from_json(json: &Map<String, Value>) -> ImportedParameters {
    let mut result = ImportedParameters::new(MetadataSource::Fooocus);
    let text = |key| {
        str_member(json, key)
            .map(values::prompt)
            .unwrap_or_default()
    };
    let int = |key| json.get(key).and_then(values::int_from_json);
    result.prompt = text("prompt");
    result.negative_prompt = text("negative_prompt");
    result.seed = int("seed");
    result.steps = values::steps(int("steps"));
    result.cfg_scale = values::cfg(json.get("guidance_scale").and_then(values::float_from_json));
    result.sampler = str_member(json, "sampler").and_then(values::name);
    result.scheduler = str_member(json, "scheduler").and_then(values::name);
    if let Some(resolution) = str_member(json, "resolution") {
        (result.width, result.height) = values::size_from_text(resolution);
    }
    result.model = json.get("base_model").and_then(values::name_from_json);
    result.extra = values::extra_from_object(json, MAPPED);
    result
}
