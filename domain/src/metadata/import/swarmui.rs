//! SwarmUI: a JSON `parameters` text (PNG) or UserComment (JPEG) whose
//! `sui_image_params` object holds the settings under SwarmUI's parameter
//! ids (`prompt`, `negativeprompt`, `cfgscale` ...).

use serde_json::{Map, Value};

use super::values::{self, str_member};
use super::{Entries, ImportedParameters, MetadataSource};

/// Parameter ids mapped to a field.
const MAPPED: &[&str] = &[
    "prompt",
    "negativeprompt",
    "seed",
    "steps",
    "cfgscale",
    "sampler",
    "scheduler",
    "width",
    "height",
    "model",
    "initimagecreativity",
];

/// Reads the first parameters text holding `sui_image_params`.
pub(super) fn read(entries: &Entries<'_>) -> Option<ImportedParameters> {
    entries.parameter_texts().find_map(|text| {
        let json = values::json_object(text)?;
        let params = json.get("sui_image_params")?.as_object()?;
        Some(from_params(params))
    })
}

/// Maps `sui_image_params`.
fn from_params(params: &Map<String, Value>) -> ImportedParameters {
    let mut result = ImportedParameters::new(MetadataSource::SwarmUI);
    let text = |key| {
        str_member(params, key)
            .map(values::prompt)
            .unwrap_or_default()
    };
    let int = |key| params.get(key).and_then(values::int_from_json);
    let float = |key| params.get(key).and_then(values::float_from_json);
    result.prompt = text("prompt");
    result.negative_prompt = text("negativeprompt");
    result.seed = int("seed");
    result.steps = values::steps(int("steps"));
    result.cfg_scale = values::cfg(float("cfgscale"));
    result.sampler = str_member(params, "sampler").and_then(values::name);
    result.scheduler = str_member(params, "scheduler").and_then(values::name);
    result.width = values::side(int("width"));
    result.height = values::side(int("height"));
    result.model = params.get("model").and_then(values::name_from_json);
    // SwarmUI's "Init Image Creativity" is the img2img denoising strength.
    result.strength = values::strength(float("initimagecreativity"));
    result.extra = values::extra_from_object(params, MAPPED);
    result
}
