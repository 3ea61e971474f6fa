//! What the server offers (`/object_info`: checkpoints, samplers,
//! schedulers, the KSampler ranges) and the models Easel lists for it.

use easel_domain::generation::{
    Capabilities, ChoiceSpec, ModelInfo, Operation, RangeSpec, SizeRule,
};
use serde_json::Value;

use super::api::Api;
use super::{ComfyUiSettings, LABEL, PROVIDER_ID, WorkflowTemplate};
use crate::providers::ProviderError;
use crate::providers::http::malformed;

/// Most steps Easel offers (ComfyUI takes up to 10000; more than 150 never
/// helps and makes the slider useless).
pub(super) const MAX_STEPS: f64 = 150.0;
/// The largest CFG scale Easel offers (ComfyUI takes up to 100).
pub(super) const MAX_CFG: f64 = 30.0;
/// Largest side Easel asks for (ComfyUI's latent goes to 16384, but Easel
/// refuses results over 8192 px a side and 40 megapixels).
pub(super) const MAX_SIDE: u32 = 4096;
/// Most images per job (ComfyUI's `batch_size` goes to 4096).
pub(super) const MAX_COUNT: u32 = 8;
/// Longest prompt accepted (ComfyUI has no limit; it chunks long prompts).
pub(super) const MAX_PROMPT_CHARS: u32 = 4000;

/// The server's lists, as last probed (ComfyUI 0.8.0's until then).
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Catalog {
    /// Checkpoint files.
    pub checkpoints: Vec<String>,
    /// Sampler names.
    pub samplers: Vec<String>,
    /// Scheduler names.
    pub schedulers: Vec<String>,
    /// KSampler's default steps.
    pub default_steps: f64,
    /// KSampler's default CFG scale.
    pub default_cfg: f64,
    /// Whether the lists come from the server (not the defaults).
    pub probed: bool,
}

const SAMPLERS: &[&str] = &[
    "euler",
    "euler_cfg_pp",
    "euler_ancestral",
    "euler_ancestral_cfg_pp",
    "heun",
    "heunpp2",
    "dpm_2",
    "dpm_2_ancestral",
    "lms",
    "dpm_fast",
    "dpm_adaptive",
    "dpmpp_2s_ancestral",
    "dpmpp_sde",
    "dpmpp_2m",
    "dpmpp_2m_sde",
    "dpmpp_3m_sde",
    "ddpm",
    "lcm",
    "ipndm",
    "deis",
    "res_multistep",
    "ddim",
    "uni_pc",
    "uni_pc_bh2",
];

const SCHEDULERS: &[&str] = &[
    "simple",
    "sgm_uniform",
    "karras",
    "exponential",
    "ddim_uniform",
    "beta",
    "normal",
    "linear_quadratic",
    "kl_optimal",
];

impl Default for Catalog {
    fn default() -> Self {
        let owned = |list: &[&str]| list.iter().map(|s| (*s).to_owned()).collect();
        Self {
            checkpoints: Vec::new(),
            samplers: owned(SAMPLERS),
            schedulers: owned(SCHEDULERS),
            default_steps: 20.0,
            default_cfg: 8.0,
            probed: false,
        }
    }
}

impl Catalog {
    /// The sampler choices, `default` first choice if offered.
    pub fn sampler_spec(&self, default: Option<&str>) -> ChoiceSpec {
        spec(&self.samplers, default.or(Some("euler")))
    }

    /// The scheduler choices (default `normal`, as ComfyUI's default
    /// workflow has it).
    pub fn scheduler_spec(&self, default: Option<&str>) -> ChoiceSpec {
        spec(&self.schedulers, default.or(Some("normal")))
    }

    /// The default sampler.
    pub fn default_sampler(&self) -> String {
        self.sampler_spec(None).default
    }

    /// The default scheduler.
    pub fn default_scheduler(&self) -> String {
        self.scheduler_spec(None).default
    }
}

fn spec(values: &[String], wanted: Option<&str>) -> ChoiceSpec {
    let refs: Vec<&str> = values.iter().map(String::as_str).collect();
    let default = wanted
        .filter(|w| refs.contains(w))
        .or(refs.first().copied())
        .unwrap_or_default();
    ChoiceSpec::plain(&refs, default)
}

/// Reads the lists: `/object_info/CheckpointLoaderSimple` (the check that
/// the server is up) and `/object_info/KSampler`.
pub(super) async fn refresh(api: &Api) -> Result<Catalog, ProviderError> {
    let loader: Value = api.get_json("/object_info/CheckpointLoaderSimple").await?;
    let checkpoints = combo(&loader, "CheckpointLoaderSimple", "ckpt_name")
        .ok_or_else(|| malformed(LABEL, "its checkpoint list is not in the documented shape"))?;
    let mut catalog = Catalog {
        checkpoints,
        probed: true,
        ..Catalog::default()
    };
    let sampler: Value = api.get_json("/object_info/KSampler").await?;
    if let Some(samplers) = combo(&sampler, "KSampler", "sampler_name") {
        catalog.samplers = samplers;
    }
    if let Some(schedulers) = combo(&sampler, "KSampler", "scheduler") {
        catalog.schedulers = schedulers;
    }
    let default =
        |input: &str| sampler["KSampler"]["input"]["required"][input][1]["default"].as_f64();
    catalog.default_steps = default("steps").unwrap_or(20.0).clamp(1.0, MAX_STEPS);
    catalog.default_cfg = default("cfg").unwrap_or(8.0).clamp(0.0, MAX_CFG);
    Ok(catalog)
}

/// A combo input's values, in either `/object_info` shape:
/// `[[values], {...}]` or `["COMBO", {"options": [values]}]`.
fn combo(info: &Value, class: &str, input: &str) -> Option<Vec<String>> {
    let entry = &info[class]["input"]["required"][input];
    let values = match &entry[0] {
        Value::Array(values) => values,
        Value::String(kind) if kind == "COMBO" => entry[1]["options"].as_array()?,
        _ => return None,
    };
    Some(
        values
            .iter()
            .filter_map(|v| v.as_str().map(str::to_owned))
            .collect(),
    )
}

/// Every model: one per checkpoint, then one per workflow.
pub(super) fn all(settings: &ComfyUiSettings, catalog: &Catalog) -> Vec<ModelInfo> {
    let checkpoints = catalog
        .checkpoints
        .iter()
        .map(|c| checkpoint_model(c, catalog));
    let workflows = settings
        .workflows
        .iter()
        .map(|w| workflow_model(w, catalog));
    checkpoints.chain(workflows).collect()
}

fn info(model: &str, label: String, description: String, capabilities: Capabilities) -> ModelInfo {
    ModelInfo {
        id: format!("{PROVIDER_ID}:{model}"),
        provider: PROVIDER_ID.to_owned(),
        provider_label: LABEL.to_owned(),
        label,
        description,
        available: true,
        unavailable_reason: None,
        capabilities,
    }
}

/// The capabilities of Easel's own graphs on one checkpoint.
pub(super) fn checkpoint_capabilities(catalog: &Catalog) -> Capabilities {
    Capabilities {
        operations: vec![
            Operation::Txt2img,
            Operation::Img2img,
            Operation::Inpaint,
            Operation::Upscale,
        ],
        negative_prompt: true,
        seed: true,
        steps: Some(RangeSpec {
            min: 1.0,
            max: MAX_STEPS,
            default: catalog.default_steps,
        }),
        sizes: SizeRule::Free {
            min: 64,
            max: MAX_SIDE,
            multiple_of: 8,
        },
        max_count: MAX_COUNT,
        max_prompt_chars: MAX_PROMPT_CHARS,
        prompt_weighting: true,
        cfg: Some(RangeSpec {
            min: 0.0,
            max: MAX_CFG,
            default: catalog.default_cfg,
        }),
        sampler: Some(catalog.sampler_spec(None)),
        scheduler: Some(catalog.scheduler_spec(None)),
        strength: Some(RangeSpec {
            min: 0.0,
            max: 1.0,
            default: 0.75,
        }),
        upscale_factors: vec![2, 4],
        ..Capabilities::default()
    }
}

fn checkpoint_model(checkpoint: &str, catalog: &Catalog) -> ModelInfo {
    let label = checkpoint
        .rsplit('/')
        .next()
        .unwrap_or(checkpoint)
        .trim_end_matches(".safetensors")
        .trim_end_matches(".ckpt")
        .to_owned();
    let description =
        format!("The checkpoint {checkpoint} on the ComfyUI server, run with Easel's own graphs.");
    info(
        checkpoint,
        label,
        description,
        checkpoint_capabilities(catalog),
    )
}

fn workflow_model(workflow: &WorkflowTemplate, catalog: &Catalog) -> ModelInfo {
    let description = format!(
        "Your ComfyUI workflow \"{}\", with Easel's parameters filled in.",
        workflow.label
    );
    let mut model = info(
        &workflow.model_name(),
        workflow.label.clone(),
        description,
        workflow.capabilities(catalog),
    );
    if let Some(missing) = workflow.missing_checkpoint(catalog) {
        model.available = false;
        model.unavailable_reason = Some(format!(
            "Checkpoint '{missing}' is not installed on the ComfyUI server"
        ));
    }
    model
}
