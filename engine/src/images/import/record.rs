//! What an imported image's row says: its prompt, model, seed, the request
//! that "Remix" starts from, and the metadata JSON, from the settings read
//! out of the file (when there were any).

use easel_domain::gallery::upload::file_stem;
use easel_domain::generation::{GenerationRequest, Seed};
use easel_domain::metadata::Infotext;
use easel_domain::metadata::import::ImportedParameters;

/// The `model` column's width (`varchar(200)`), in characters.
const MODEL_COLUMN_CHARS: usize = 200;

/// The prefix of every imported image's model id.
const MODEL_PREFIX: &str = "import:";

/// The columns of an imported image that come from its metadata.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Record {
    /// The prompt read, or the file's name without its extension.
    pub prompt: String,
    /// The negative prompt read, or empty.
    pub negative_prompt: String,
    /// `import:<model>`, or `import:<tool>` when no model was named.
    pub model: String,
    /// The seed read, or 0.
    pub seed: i64,
    /// A `GenerationRequest`, as JSON.
    pub parameters: serde_json::Value,
    /// `{"import": {...}, "infotext": "..."}`.
    pub metadata: serde_json::Value,
    /// The tool's name, for the log.
    source: Option<&'static str>,
}

impl Record {
    /// The row of `file_name`, decoded as `width` × `height`, with the
    /// settings read from it.
    pub fn new(
        file_name: &str,
        width: u32,
        height: u32,
        parameters: Option<&ImportedParameters>,
    ) -> Self {
        let read_prompt = parameters.map_or("", |p| p.prompt.trim());
        let prompt = if read_prompt.is_empty() {
            file_stem(file_name).to_owned()
        } else {
            read_prompt.to_owned()
        };
        let negative_prompt = parameters.map_or_else(String::new, |p| p.negative_prompt.clone());
        let model = model_id(parameters);
        let seed = parameters.and_then(|p| p.seed).unwrap_or(0);
        let request = GenerationRequest {
            model: model.clone(),
            prompt: prompt.clone(),
            negative_prompt: negative_prompt.clone(),
            width: parameters.and_then(|p| p.width).unwrap_or(width),
            height: parameters.and_then(|p| p.height).unwrap_or(height),
            count: 1,
            seed: Seed::Fixed(seed),
            steps: parameters.and_then(|p| p.steps),
            cfg: parameters.and_then(|p| p.cfg_scale),
            sampler: parameters.and_then(|p| p.sampler.clone()),
            scheduler: parameters.and_then(|p| p.scheduler.clone()),
            strength: parameters.and_then(|p| p.strength),
            ..GenerationRequest::default()
        };
        let source = parameters.map(|p| p.source.label());
        let metadata = serde_json::json!({
            "import": {
                "file_name": file_name,
                "source": source,
                "parameters": parameters,
            },
            "infotext": parameters.map_or_else(String::new, |p| infotext(p, width, height)),
        });
        Self {
            prompt,
            negative_prompt,
            model,
            seed,
            parameters: serde_json::to_value(&request).unwrap_or_default(),
            metadata,
            source,
        }
    }

    /// The tool that wrote the file's settings, or `"unknown"`.
    pub fn source_label(&self) -> &'static str {
        self.source.unwrap_or("unknown")
    }
}

/// `import:<model name>`, or `import:<tool>` (lowercase) when the file
/// names no model, or `import:unknown`; cut to fit the column.
fn model_id(parameters: Option<&ImportedParameters>) -> String {
    let name = match parameters {
        Some(p) => match p.model.as_deref().map(str::trim) {
            Some(model) if !model.is_empty() => model.to_owned(),
            _ => p.source.label().to_lowercase(),
        },
        None => "unknown".to_owned(),
    };
    let room = MODEL_COLUMN_CHARS - MODEL_PREFIX.len();
    format!(
        "{MODEL_PREFIX}{}",
        name.chars().take(room).collect::<String>()
    )
}

/// AUTOMATIC1111 infotext of what was read, in its usual order of settings,
/// then the tool's other settings.
fn infotext(p: &ImportedParameters, width: u32, height: u32) -> String {
    let mut text = Infotext::new(p.prompt.clone(), p.negative_prompt.clone());
    if let Some(steps) = p.steps {
        text.set("Steps", steps);
    }
    if let Some(sampler) = &p.sampler {
        text.set("Sampler", sampler);
    }
    if let Some(scheduler) = &p.scheduler {
        text.set("Schedule type", scheduler);
    }
    if let Some(cfg) = p.cfg_scale {
        text.set("CFG scale", cfg);
    }
    if let Some(seed) = p.seed {
        text.set("Seed", seed);
    }
    let size = (p.width.unwrap_or(width), p.height.unwrap_or(height));
    text.set("Size", format!("{}x{}", size.0, size.1));
    if let Some(model) = &p.model {
        text.set("Model", model);
    }
    if let Some(strength) = p.strength {
        text.set("Denoising strength", strength);
    }
    for (key, value) in &p.extra {
        if !text.settings.iter().any(|(k, _)| k == key) {
            text.set(key.clone(), value);
        }
    }
    text.format()
}

#[cfg(test)]
mod tests {
    use easel_domain::metadata::import::MetadataSource;

    use super::*;

    fn a1111() -> ImportedParameters {
        ImportedParameters {
            prompt: "a lighthouse at dusk".into(),
            negative_prompt: "blurry".into(),
            seed: Some(1234),
            steps: Some(20),
            cfg_scale: Some(7.0),
            sampler: Some("Euler a".into()),
            model: Some("dreamshaper_8".into()),
            ..ImportedParameters::new(MetadataSource::Automatic1111)
        }
    }

    #[test]
    fn the_settings_read_fill_the_row() {
        let record = Record::new("x.png", 512, 768, Some(&a1111()));
        assert_eq!(record.prompt, "a lighthouse at dusk");
        assert_eq!(record.model, "import:dreamshaper_8");
        assert_eq!(record.seed, 1234);
        let request: GenerationRequest = serde_json::from_value(record.parameters).unwrap();
        assert_eq!(request.seed, Seed::Fixed(1234));
        assert_eq!(
            (request.width, request.height, request.count),
            (512, 768, 1)
        );
        let infotext = record.metadata["infotext"].as_str().unwrap();
        assert!(infotext.starts_with("a lighthouse at dusk\nNegative prompt: blurry\nSteps: 20"));
        assert!(infotext.contains("Model: dreamshaper_8"), "{infotext}");
        assert_eq!(record.metadata["import"]["source"], "AUTOMATIC1111");
    }

    #[test]
    fn without_settings_the_file_name_is_the_prompt() {
        let record = Record::new("holiday snap.jpg", 10, 10, None);
        assert_eq!(record.prompt, "holiday snap");
        assert_eq!(record.model, "import:unknown");
        assert_eq!(record.seed, 0);
        assert_eq!(record.metadata["infotext"], "");
        assert_eq!(record.source_label(), "unknown");
    }

    #[test]
    fn a_missing_model_names_the_tool_and_long_ones_are_cut() {
        let mut p = ImportedParameters::new(MetadataSource::ComfyUI);
        p.prompt = "fox".into();
        assert_eq!(model_id(Some(&p)), "import:comfyui");
        p.model = Some("m".repeat(500));
        assert_eq!(model_id(Some(&p)).chars().count(), MODEL_COLUMN_CHARS);
    }
}
