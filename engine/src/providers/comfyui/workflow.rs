//! User workflows: an API-format graph exported from ComfyUI plus a map
//! from Easel's parameters to the `(node id, input name)` each one sets.
//! Each becomes a model `comfyui:workflow/<name>` whose capabilities follow
//! what is mapped (no seed mapping, no seed control; an `init_image`
//! mapping makes it an img2img model, or an inpainting one when the
//! graph uses that `LoadImage`'s mask output).

use std::path::Path;

mod apply;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::PROVIDER_ID;

/// A `(node id, input name)` pair, written `["6", "text"]` in JSON.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InputRef(pub String, pub String);

impl InputRef {
    /// The node id.
    pub fn node(&self) -> &str {
        &self.0
    }

    /// The input's name.
    pub fn input(&self) -> &str {
        &self.1
    }
}

/// Which input each Easel parameter sets; unmapped parameters keep the
/// workflow's own values (and their controls are hidden in the Studio).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WorkflowInputs {
    /// The prompt text (e.g. a `CLIPTextEncode`'s `text`).
    #[serde(default)]
    pub prompt: Option<InputRef>,
    /// The negative prompt text.
    #[serde(default)]
    pub negative_prompt: Option<InputRef>,
    /// The seed (e.g. a `KSampler`'s `seed`).
    #[serde(default)]
    pub seed: Option<InputRef>,
    /// The step count.
    #[serde(default)]
    pub steps: Option<InputRef>,
    /// The CFG scale.
    #[serde(default)]
    pub cfg: Option<InputRef>,
    /// The width in pixels (e.g. an `EmptyLatentImage`'s `width`).
    #[serde(default)]
    pub width: Option<InputRef>,
    /// The height in pixels.
    #[serde(default)]
    pub height: Option<InputRef>,
    /// The number of images (`batch_size`).
    #[serde(default)]
    pub batch_size: Option<InputRef>,
    /// The sampler name.
    #[serde(default)]
    pub sampler: Option<InputRef>,
    /// The scheduler name.
    #[serde(default)]
    pub scheduler: Option<InputRef>,
    /// The checkpoint file: Easel checks it is installed (the request has
    /// no checkpoint of its own; configure one workflow per checkpoint).
    #[serde(default)]
    pub checkpoint: Option<InputRef>,
    /// The init image (a `LoadImage`'s `image`): Easel uploads the source
    /// and sets the uploaded name.
    #[serde(default)]
    pub init_image: Option<InputRef>,
    /// The denoise (img2img strength).
    #[serde(default)]
    pub denoise: Option<InputRef>,
}

impl WorkflowInputs {
    /// Every mapping, with its parameter's name.
    pub fn mapped(&self) -> Vec<(&'static str, &InputRef)> {
        [
            ("prompt", &self.prompt),
            ("negative_prompt", &self.negative_prompt),
            ("seed", &self.seed),
            ("steps", &self.steps),
            ("cfg", &self.cfg),
            ("width", &self.width),
            ("height", &self.height),
            ("batch_size", &self.batch_size),
            ("sampler", &self.sampler),
            ("scheduler", &self.scheduler),
            ("checkpoint", &self.checkpoint),
            ("init_image", &self.init_image),
            ("denoise", &self.denoise),
        ]
        .into_iter()
        .filter_map(|(name, input)| input.as_ref().map(|i| (name, i)))
        .collect()
    }
}

/// A user workflow, offered as the model `comfyui:workflow/<name>`.
#[derive(Debug, Clone, PartialEq)]
pub struct WorkflowTemplate {
    /// Its name in the model id (letters, digits, `-`, `_`, `.`).
    pub name: String,
    /// The name people see.
    pub label: String,
    /// The graph in ComfyUI's API format (`{"id": {"class_type", "inputs"}}`).
    pub graph: Value,
    /// Where Easel's parameters go.
    pub inputs: WorkflowInputs,
}

/// Why a workflow cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum WorkflowError {
    /// The file could not be read.
    #[error("cannot read the workflow file {path}: {source}")]
    Read {
        /// The file.
        path: String,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The file is not JSON of the expected shape.
    #[error("the workflow file {path} is not valid: {source}")]
    Json {
        /// The file.
        path: String,
        /// Why.
        #[source]
        source: serde_json::Error,
    },
    /// The workflow or its input map is wrong.
    #[error("{0}")]
    Invalid(String),
}

/// The file format of [`WorkflowTemplate::from_file`].
#[derive(Debug, Deserialize)]
struct WorkflowFile {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    label: Option<String>,
    workflow: Value,
    #[serde(default)]
    inputs: WorkflowInputs,
}

impl WorkflowTemplate {
    /// A checked workflow.
    pub fn new(
        name: impl Into<String>,
        label: impl Into<String>,
        graph: Value,
        inputs: WorkflowInputs,
    ) -> Result<Self, WorkflowError> {
        let template = Self {
            name: name.into(),
            label: label.into(),
            graph,
            inputs,
        };
        template.validate()?;
        Ok(template)
    }

    /// Reads `{"label": .., "workflow": {API graph}, "inputs": {"prompt":
    /// ["6", "text"], ...}}` (and an optional `"name"`, else the file's
    /// stem).
    pub fn from_file(path: impl AsRef<Path>) -> Result<Self, WorkflowError> {
        let path = path.as_ref();
        let shown = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|source| WorkflowError::Read {
            path: shown.clone(),
            source,
        })?;
        let file: WorkflowFile =
            serde_json::from_str(&text).map_err(|source| WorkflowError::Json {
                path: shown.clone(),
                source,
            })?;
        let stem = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let name = file.name.unwrap_or_else(|| sanitize(&stem));
        let label = file.label.unwrap_or_else(|| name.clone());
        Self::new(name, label, file.workflow, file.inputs)
            .map_err(|err| WorkflowError::Invalid(format!("{shown}: {err}")))
    }

    /// Checks the name, the graph's format and every mapping.
    pub fn validate(&self) -> Result<(), WorkflowError> {
        let invalid = |message: String| Err(WorkflowError::Invalid(message));
        if self.name.is_empty()
            || !self
                .name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
        {
            return invalid(format!(
                "the workflow name \"{}\" may only use letters, digits, '-', '_' and '.'",
                self.name
            ));
        }
        check_api_format(&self.graph)?;
        for (parameter, target) in self.inputs.mapped() {
            let Some(node) = self.graph.get(target.node()) else {
                return invalid(format!(
                    "input \"{parameter}\" points at node \"{}\", which the workflow does not have",
                    target.node()
                ));
            };
            let class_type = node["class_type"].as_str().unwrap_or_default();
            let Some(value) = node["inputs"].get(target.input()) else {
                return invalid(format!(
                    "input \"{parameter}\" points at node \"{}\" ({class_type}), which has no input \"{}\"",
                    target.node(),
                    target.input()
                ));
            };
            if is_link(value) {
                return invalid(format!(
                    "input \"{parameter}\" points at \"{}\" of node \"{}\" ({class_type}), which is a link to another node, not a value Easel can set",
                    target.input(),
                    target.node()
                ));
            }
        }
        Ok(())
    }

    /// `workflow/<name>`, the model part of its id.
    pub fn model_name(&self) -> String {
        format!("workflow/{}", self.name)
    }

    /// `comfyui:workflow/<name>`.
    pub fn model_id(&self) -> String {
        format!("{PROVIDER_ID}:{}", self.model_name())
    }
}

/// `[node_id, output_index]`.
fn is_link(value: &Value) -> bool {
    matches!(
        value.as_array().map(Vec::as_slice),
        Some([Value::String(_), Value::Number(_)])
    )
}

fn sanitize(stem: &str) -> String {
    stem.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "-_.".contains(c) {
                c
            } else {
                '-'
            }
        })
        .collect()
}

/// Refuses UI-format exports and anything else that is not
/// `{"id": {"class_type": .., "inputs": {..}}}`.
fn check_api_format(graph: &Value) -> Result<(), WorkflowError> {
    let invalid = |why: String| {
        Err(WorkflowError::Invalid(format!(
            "the workflow is not in ComfyUI's API format ({why}); in ComfyUI use Workflow → Export (API)"
        )))
    };
    let Some(nodes) = graph.as_object() else {
        return invalid("it is not a JSON object".into());
    };
    if nodes.contains_key("nodes") && nodes.contains_key("links") {
        return invalid("it is a UI workflow, with \"nodes\" and \"links\"".into());
    }
    if nodes.is_empty() {
        return invalid("it has no nodes".into());
    }
    for (id, node) in nodes {
        if !node["class_type"].is_string() {
            return invalid(format!("node \"{id}\" has no class_type"));
        }
        if !node["inputs"].is_object() {
            return invalid(format!("node \"{id}\" has no inputs object"));
        }
    }
    Ok(())
}
