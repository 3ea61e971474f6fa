//! What a workflow offers (its capabilities follow the mapped inputs)
//! and the graph with a job's values filled in.

use easel_domain::generation::{Capabilities, Operation, RangeSpec, SizeRule};
use serde_json::Value;

use super::{InputRef, WorkflowTemplate, is_link};
use crate::providers::comfyui::models::{
    Catalog, MAX_CFG, MAX_COUNT, MAX_PROMPT_CHARS, MAX_SIDE, MAX_STEPS,
};

impl WorkflowTemplate {
    /// The workflow's own value of a mapped input.
    pub(in crate::providers::comfyui) fn value(&self, target: &InputRef) -> Option<&Value> {
        self.graph
            .get(target.node())?
            .get("inputs")?
            .get(target.input())
    }

    fn number(&self, target: &Option<InputRef>) -> Option<f64> {
        target
            .as_ref()
            .and_then(|t| self.value(t))
            .and_then(Value::as_f64)
    }

    fn text(&self, target: &Option<InputRef>) -> Option<&str> {
        target
            .as_ref()
            .and_then(|t| self.value(t))
            .and_then(Value::as_str)
    }

    /// Whether the graph uses the mask output of the init image's node.
    pub(in crate::providers::comfyui) fn uses_mask(&self) -> bool {
        let Some(init) = &self.inputs.init_image else {
            return false;
        };
        self.graph
            .as_object()
            .into_iter()
            .flatten()
            .any(|(_, node)| {
                node["inputs"]
                    .as_object()
                    .into_iter()
                    .flatten()
                    .any(|(_, value)| {
                        is_link(value) && value[0] == init.node() && value[1].as_u64() == Some(1)
                    })
            })
    }

    /// The checkpoint it names, when the server does not list it.
    pub(in crate::providers::comfyui) fn missing_checkpoint(
        &self,
        catalog: &Catalog,
    ) -> Option<String> {
        let name = self.text(&self.inputs.checkpoint)?;
        (catalog.probed && !catalog.checkpoints.iter().any(|c| c == name)).then(|| name.to_owned())
    }

    /// What the Studio may set on this workflow.
    pub(in crate::providers::comfyui) fn capabilities(&self, catalog: &Catalog) -> Capabilities {
        let i = &self.inputs;
        let operations = match (&i.init_image, self.uses_mask()) {
            (None, _) => vec![Operation::Txt2img],
            (Some(_), false) => vec![Operation::Img2img],
            (Some(_), true) => vec![Operation::Inpaint],
        };
        let range = |target: &Option<InputRef>, min, max, fallback: f64| {
            target.as_ref().map(|_| RangeSpec {
                min,
                max,
                default: self.number(target).unwrap_or(fallback).clamp(min, max),
            })
        };
        Capabilities {
            operations,
            negative_prompt: i.negative_prompt.is_some(),
            seed: i.seed.is_some(),
            steps: range(&i.steps, 1.0, MAX_STEPS, catalog.default_steps),
            sizes: self.sizes(),
            max_count: if i.batch_size.is_some() { MAX_COUNT } else { 1 },
            max_prompt_chars: MAX_PROMPT_CHARS,
            prompt_weighting: true,
            cfg: range(&i.cfg, 0.0, MAX_CFG, catalog.default_cfg),
            sampler: i
                .sampler
                .as_ref()
                .map(|_| catalog.sampler_spec(self.text(&i.sampler))),
            scheduler: i
                .scheduler
                .as_ref()
                .map(|_| catalog.scheduler_spec(self.text(&i.scheduler))),
            strength: range(&i.denoise, 0.0, 1.0, 0.75),
            ..Capabilities::default()
        }
    }

    /// Free sizes when width and height are mapped, else the graph's own
    /// size when it has one (a node with literal `width` and `height`).
    fn sizes(&self) -> SizeRule {
        let free = SizeRule::Free {
            min: 64,
            max: MAX_SIDE,
            multiple_of: 8,
        };
        if self.inputs.width.is_some() && self.inputs.height.is_some() {
            return free;
        }
        let own = self
            .graph
            .as_object()
            .into_iter()
            .flatten()
            .find_map(|(_, node)| {
                let inputs = &node["inputs"];
                let side = |key: &str| {
                    inputs
                        .get(key)
                        .and_then(Value::as_u64)
                        .and_then(|v| u32::try_from(v).ok())
                };
                Some((side("width")?, side("height")?))
            });
        match own {
            Some(size) => SizeRule::Fixed { sizes: vec![size] },
            None => free,
        }
    }

    /// The graph with `values` set (parameters without a value keep the
    /// workflow's own).
    pub(in crate::providers::comfyui) fn fill(&self, values: &[(&'static str, Value)]) -> Value {
        let mut graph = self.graph.clone();
        for (parameter, target) in self.inputs.mapped() {
            let Some((_, value)) = values.iter().find(|(p, _)| *p == parameter) else {
                continue;
            };
            if let Some(slot) = graph
                .get_mut(target.node())
                .and_then(|node| node.get_mut("inputs"))
                .and_then(|inputs| inputs.get_mut(target.input()))
            {
                *slot = value.clone();
            }
        }
        graph
    }
}
