//! What the server offers: checkpoints, samplers, schedulers, upscalers;
//! and the capabilities each checkpoint is listed with.

use easel_domain::generation::{
    Capabilities, Choice, ChoiceSpec, ModelInfo, Operation, RangeSpec, SizeRule,
};
use futures::join;
use serde::Deserialize;

use super::api::Api;
use super::{LABEL, PROVIDER_ID};
use crate::providers::ProviderError;

/// Longest prompt Easel sends (A1111 itself has no limit; it chunks
/// prompts into 75-token pieces).
const MAX_PROMPT_CHARS: u32 = 8000;

/// One checkpoint.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Checkpoint {
    /// `"v1-5-pruned-emaonly.safetensors [6ce0161689]"`: what is sent.
    pub title: String,
    /// `"v1-5-pruned-emaonly"`: the model part of Easel's model id.
    pub model_name: String,
    /// The short hash.
    #[serde(default)]
    pub hash: Option<String>,
}

#[derive(Debug, Deserialize)]
struct NamedItem {
    name: String,
}

#[derive(Debug, Deserialize)]
struct SchedulerItem {
    name: String,
    #[serde(default)]
    label: Option<String>,
}

/// The server's lists, as of the last read.
#[derive(Debug, Clone, PartialEq)]
pub struct Catalog {
    /// Checkpoints.
    pub checkpoints: Vec<Checkpoint>,
    /// Sampler names, in the server's order.
    pub samplers: Vec<String>,
    /// `(name, label)` of each scheduler; `None` before v1.9.
    pub schedulers: Option<Vec<(String, String)>>,
    /// Upscaler names.
    pub upscalers: Vec<String>,
}

impl Catalog {
    /// Reads the lists. The checkpoints decide reachability; the other
    /// lists are optional (a missing `/schedulers` means an older server).
    pub async fn fetch(api: &Api) -> Result<Self, ProviderError> {
        let quick = api.quick();
        let (checkpoints, samplers, schedulers, upscalers) = join!(
            api.get::<Vec<Checkpoint>>("/sdapi/v1/sd-models", quick),
            api.get::<Vec<NamedItem>>("/sdapi/v1/samplers", quick),
            api.get::<Vec<SchedulerItem>>("/sdapi/v1/schedulers", quick),
            api.get::<Vec<NamedItem>>("/sdapi/v1/upscalers", quick),
        );
        let checkpoints = checkpoints?;
        let samplers = samplers?.into_iter().map(|s| s.name).collect();
        let schedulers = schedulers.ok().map(|list| {
            list.into_iter()
                .map(|s| {
                    let label = s.label.unwrap_or_else(|| s.name.clone());
                    (s.name, label)
                })
                .collect()
        });
        let upscalers = upscalers
            .map(|list| list.into_iter().map(|u| u.name).collect())
            .unwrap_or_default();
        Ok(Self {
            checkpoints,
            samplers,
            schedulers,
            upscalers,
        })
    }

    /// The checkpoint whose model name is `model`.
    pub fn checkpoint(&self, model: &str) -> Option<&Checkpoint> {
        self.checkpoints.iter().find(|c| c.model_name == model)
    }

    /// The sampler used when the request names none: "Euler a", else the
    /// server's first.
    pub fn default_sampler(&self) -> String {
        if self.samplers.iter().any(|s| s == "Euler a") {
            "Euler a".into()
        } else {
            self.samplers
                .first()
                .cloned()
                .unwrap_or_else(|| "Euler".into())
        }
    }

    /// One model per checkpoint.
    pub fn models(&self) -> Vec<ModelInfo> {
        let capabilities = self.capabilities();
        self.checkpoints
            .iter()
            .map(|c| ModelInfo {
                id: format!("{PROVIDER_ID}:{}", c.model_name),
                provider: PROVIDER_ID.into(),
                provider_label: LABEL.into(),
                label: c.title.clone(),
                description: format!(
                    "Stable Diffusion checkpoint {} on AUTOMATIC1111.",
                    c.model_name
                ),
                available: true,
                unavailable_reason: None,
                capabilities: capabilities.clone(),
            })
            .collect()
    }

    fn capabilities(&self) -> Capabilities {
        let sampler = (!self.samplers.is_empty()).then(|| ChoiceSpec {
            options: self
                .samplers
                .iter()
                .map(|s| Choice {
                    value: s.clone(),
                    label: s.clone(),
                })
                .collect(),
            default: self.default_sampler(),
        });
        let scheduler = self
            .schedulers
            .as_ref()
            .filter(|l| !l.is_empty())
            .map(|list| {
                let default = list
                    .iter()
                    .find(|(name, _)| name == "automatic")
                    .or_else(|| list.first())
                    .map(|(name, _)| name.clone())
                    .unwrap_or_default();
                ChoiceSpec {
                    options: list
                        .iter()
                        .map(|(value, label)| Choice {
                            value: value.clone(),
                            label: label.clone(),
                        })
                        .collect(),
                    default,
                }
            });
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
                max: 150.0,
                default: 20.0,
            }),
            sizes: SizeRule::Free {
                min: 64,
                max: 2048,
                multiple_of: 8,
            },
            max_count: 8,
            max_prompt_chars: MAX_PROMPT_CHARS,
            prompt_weighting: true,
            cfg: Some(RangeSpec {
                min: 1.0,
                max: 30.0,
                default: 7.0,
            }),
            sampler,
            scheduler,
            strength: Some(RangeSpec {
                min: 0.0,
                max: 1.0,
                default: 0.75,
            }),
            upscale_factors: vec![2, 4],
            ..Capabilities::default()
        }
    }
}
