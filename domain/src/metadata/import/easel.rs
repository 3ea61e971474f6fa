//! Easel's own `easel` JSON: `{"version": 1, "job_id", "model", "seed",
//! "request": <GenerationRequest>, "provider": {...}}`, written by the
//! worker beside an AUTOMATIC1111 `parameters` infotext. The JSON is read
//! as loose JSON so files from older and newer Easels read too; settings it
//! lacks are taken from the infotext.

use serde_json::{Map, Value};

use super::values::{self, push_extra, str_member};
use super::{Entries, ImportedParameters, MetadataSource, a1111};

/// The request's members mapped to a field (the rest are shown as extra).
const MAPPED: &[&str] = &[
    "prompt",
    "negative_prompt",
    "seed",
    "steps",
    "cfg",
    "sampler",
    "scheduler",
    "width",
    "height",
    "model",
    "strength",
    // Not settings: an inpainting mask is a whole image, an init image is
    // one of the user's own.
    "mask_png_base64",
    "init_image",
];

/// Reads the `easel` entry, completed from `parameters`.
pub(super) fn read(entries: &Entries<'_>) -> Option<ImportedParameters> {
    let json = values::json_object(entries.get("easel")?)?;
    let request = json.get("request")?.as_object()?;
    let mut result = from_request(&json, request);
    if let Some(text) = entries.get("parameters") {
        fill_missing(&mut result, a1111::parse(text, MetadataSource::Easel));
    }
    Some(result)
}

/// Maps the JSON's request (and the seed and model actually used).
fn from_request(json: &Map<String, Value>, request: &Map<String, Value>) -> ImportedParameters {
    let mut result = ImportedParameters::new(MetadataSource::Easel);
    let text = |key| {
        str_member(request, key)
            .map(values::prompt)
            .unwrap_or_default()
    };
    result.prompt = text("prompt");
    result.negative_prompt = text("negative_prompt");
    let int = |key| request.get(key).and_then(values::int_from_json);
    let float = |key| request.get(key).and_then(values::float_from_json);
    result.seed = json
        .get("seed")
        .and_then(values::int_from_json)
        .or_else(|| request.get("seed").and_then(fixed_seed));
    result.steps = values::steps(int("steps"));
    result.cfg_scale = values::cfg(float("cfg"));
    result.sampler = str_member(request, "sampler").and_then(values::name);
    result.scheduler = str_member(request, "scheduler").and_then(values::name);
    result.width = values::side(int("width"));
    result.height = values::side(int("height"));
    result.model = str_member(json, "model")
        .or_else(|| str_member(request, "model"))
        .and_then(values::name);
    result.strength = values::strength(float("strength"));
    result.extra = values::extra_from_object(request, MAPPED);
    if let Some(job) = json.get("job_id").and_then(values::display_json) {
        push_extra(&mut result.extra, "job_id", &job);
    }
    result
}

/// The request's seed when it was fixed: `{"kind": "fixed", "value": 42}`.
fn fixed_seed(seed: &Value) -> Option<i64> {
    values::int_from_json(seed.as_object()?.get("value")?)
}

/// Fills the fields Easel's JSON left empty from the infotext.
fn fill_missing(result: &mut ImportedParameters, infotext: ImportedParameters) {
    if result.prompt.is_empty() {
        result.prompt = infotext.prompt;
    }
    if result.negative_prompt.is_empty() {
        result.negative_prompt = infotext.negative_prompt;
    }
    result.seed = result.seed.or(infotext.seed);
    result.steps = result.steps.or(infotext.steps);
    result.cfg_scale = result.cfg_scale.or(infotext.cfg_scale);
    result.sampler = result.sampler.take().or(infotext.sampler);
    result.scheduler = result.scheduler.take().or(infotext.scheduler);
    if result.width.is_none() || result.height.is_none() {
        (result.width, result.height) = (infotext.width, infotext.height);
    }
    result.model = result.model.take().or(infotext.model);
    result.strength = result.strength.or(infotext.strength);
}
