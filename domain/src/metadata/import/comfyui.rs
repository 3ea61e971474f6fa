//! ComfyUI: the API-format graph in the `prompt` entry (or, when only the
//! UI workflow is there, the graph rebuilt from it). The settings are the
//! sampler node's; the prompts, model and size are found by following its
//! links.

mod graph;
mod trace;
mod workflow;

use std::collections::BTreeSet;

use serde_json::{Map, Value};

use self::graph::{Graph, Node};
use super::values::{self, push_extra};
use super::{Entries, ImportedParameters, MetadataSource};

/// Sampler inputs mapped to a field (the other literal inputs are extra).
const MAPPED: &[&str] = &[
    "seed",
    "noise_seed",
    "steps",
    "cfg",
    "sampler_name",
    "scheduler",
    "denoise",
];

/// Nodes a custom sampler takes its settings from: the noise source, the
/// guider (CFG, prompts, model), the sampler choice and the sigmas (steps,
/// scheduler, denoise).
const HELPER_INPUTS: &[&str] = &["noise", "guider", "sampler", "sigmas"];

/// Reads the `prompt` graph, or else the `workflow`.
pub(super) fn read(entries: &Entries<'_>) -> Option<ImportedParameters> {
    if let Some(graph) = entries.get("prompt").and_then(values::json_object) {
        return from_graph(&graph);
    }
    let workflow = values::json_object(entries.get("workflow")?)?;
    from_graph(&workflow::to_api_graph(&workflow)?)
}

/// Maps an API-format graph; `None` when it has no sampler.
fn from_graph(nodes: &Map<String, Value>) -> Option<ImportedParameters> {
    let graph = Graph::new(nodes);
    let sampler = pick_sampler(&graph)?;
    let mut result = ImportedParameters::new(MetadataSource::ComfyUI);
    let first_setting = |keys: &[&str]| keys.iter().find_map(|key| setting(&graph, sampler, key));
    result.seed = first_setting(&["seed", "noise_seed"]).and_then(values::int_from_json);
    result.steps = values::steps(first_setting(&["steps"]).and_then(values::int_from_json));
    result.cfg_scale = values::cfg(first_setting(&["cfg"]).and_then(values::float_from_json));
    result.sampler = first_setting(&["sampler_name"])
        .and_then(Value::as_str)
        .and_then(values::name);
    result.scheduler = first_setting(&["scheduler"])
        .and_then(Value::as_str)
        .and_then(values::name);
    let prompt = |side| trace::prompt(&graph, sampler, side).map(|t| values::prompt(&t));
    result.prompt = prompt("positive").unwrap_or_default();
    result.negative_prompt = prompt("negative").unwrap_or_default();
    result.model = trace::model(&graph, sampler, &mut result.extra);
    let latent = trace::latent(&graph, sampler);
    (result.width, result.height) = (latent.width, latent.height);
    if let Some(batch) = latent.batch_size {
        push_extra(&mut result.extra, "batch_size", &batch.to_string());
    }
    // A sampler starting from an empty latent draws from noise; its denoise
    // is not an img2img strength.
    if !latent.empty {
        result.strength =
            values::strength(first_setting(&["denoise"]).and_then(values::float_from_json));
    }
    add_sampler_extras(sampler, &mut result.extra);
    Some(result)
}

/// The sampler whose result is saved (through a VAE decode), else the first
/// sampler by node id.
fn pick_sampler<'a>(graph: &Graph<'a>) -> Option<Node<'a>> {
    let nodes = graph.nodes_by_id();
    let saved = saved_latents(graph, &nodes);
    let mut samplers = nodes.iter().filter(|node| is_sampler(node));
    let first = samplers.clone().next().copied();
    samplers
        .find(|node| saved.contains(node.id))
        .copied()
        .or(first)
}

/// The ids of the nodes whose latents are decoded into a saved or
/// previewed image.
fn saved_latents(graph: &Graph<'_>, nodes: &[Node<'_>]) -> BTreeSet<String> {
    nodes
        .iter()
        .filter(|node| is_output(node.class))
        .filter_map(|node| graph.linked(node.input("images")?))
        .filter(|decode| decode.class.starts_with("VAEDecode"))
        .filter_map(|decode| graph::link_target(decode.input("samples")?))
        .collect()
}

/// Whether a node samples: a core sampler, or a custom `KSampler…` that
/// takes a latent (not the KSamplerSelect helper).
fn is_sampler(node: &Node<'_>) -> bool {
    matches!(
        node.class,
        "KSampler" | "KSamplerAdvanced" | "SamplerCustom" | "SamplerCustomAdvanced"
    ) || (node.class.starts_with("KSampler") && node.input("latent_image").is_some())
}

/// Whether a node class writes or shows an image.
fn is_output(class: &str) -> bool {
    class.contains("SaveImage") || class.contains("PreviewImage") || class.starts_with("Save")
}

/// A sampler setting: on the sampler, else on one of its helper nodes.
fn setting<'a>(graph: &Graph<'a>, sampler: Node<'a>, key: &str) -> Option<&'a Value> {
    graph.literal_input(sampler, key).or_else(|| {
        HELPER_INPUTS.iter().find_map(|helper| {
            let node = graph.linked(sampler.input(helper)?)?;
            graph.literal_input(node, key)
        })
    })
}

/// The sampler's other literal settings (KSamplerAdvanced's steps range,
/// add_noise ...).
fn add_sampler_extras(sampler: Node<'_>, extra: &mut Vec<(String, String)>) {
    for (key, value) in sampler.inputs() {
        if MAPPED.contains(&key.as_str()) || graph::link_target(value).is_some() {
            continue;
        }
        if let Some(text) = values::display_json(value) {
            push_extra(extra, key, &text);
        }
    }
}
