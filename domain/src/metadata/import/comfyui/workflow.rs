//! ComfyUI's UI workflow (`{"nodes": [...], "links": [...]}`) rebuilt as
//! an API-format graph, for files that carry only the workflow. A node's
//! settings there are positional `widgets_values`, so only the common core
//! nodes are named (samplers, text encoders, loaders, empty latents); other
//! nodes keep their links, enough to pass through. Reroute nodes are
//! followed; subgraphs are not.

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

use super::graph::{MAX_HOPS, MAX_NODES};

/// Stands for the `control_after_generate` widget a seed widget brings,
/// when it is there.
const CONTROL: &str = "";
/// The values the `control_after_generate` widget takes.
const CONTROL_VALUES: &[&str] = &["fixed", "increment", "decrement", "randomize"];

/// A link's origin: the node id and output index.
type Origin = (i64, i64);

/// The API-format graph of a UI workflow; `None` when it has no nodes.
pub(super) fn to_api_graph(workflow: &Map<String, Value>) -> Option<Map<String, Value>> {
    let nodes: BTreeMap<i64, &Map<String, Value>> = workflow
        .get("nodes")?
        .as_array()?
        .iter()
        .take(MAX_NODES)
        .filter_map(|node| {
            let node = node.as_object()?;
            Some((node.get("id")?.as_i64()?, node))
        })
        .collect();
    let links = link_table(workflow.get("links"));
    let mut graph = Map::new();
    for (id, node) in &nodes {
        let Some(class) = node.get("type").and_then(Value::as_str) else {
            continue;
        };
        let mut inputs = widget_inputs(class, node.get("widgets_values"));
        for (name, link) in linked_inputs(node) {
            if let Some((origin, slot)) = resolve_origin(&nodes, &links, link) {
                inputs.insert(name.to_owned(), json!([origin.to_string(), slot]));
            }
        }
        graph.insert(
            id.to_string(),
            json!({ "class_type": class, "inputs": inputs }),
        );
    }
    (!graph.is_empty()).then_some(graph)
}

/// Links by id, from `[id, origin, slot, target, slot, type]` arrays or
/// `{"id", "origin_id", "origin_slot"}` objects.
fn link_table(links: Option<&Value>) -> BTreeMap<i64, Origin> {
    let Some(links) = links.and_then(Value::as_array) else {
        return BTreeMap::new();
    };
    links
        .iter()
        .take(MAX_NODES.saturating_mul(4))
        .filter_map(|link| match link {
            Value::Array(parts) => Some((
                parts.first()?.as_i64()?,
                (parts.get(1)?.as_i64()?, parts.get(2)?.as_i64()?),
            )),
            Value::Object(link) => Some((
                link.get("id")?.as_i64()?,
                (
                    link.get("origin_id")?.as_i64()?,
                    link.get("origin_slot")?.as_i64()?,
                ),
            )),
            _ => None,
        })
        .collect()
}

/// A node's inputs that are connected: name and link id.
fn linked_inputs(node: &Map<String, Value>) -> impl Iterator<Item = (&str, i64)> {
    node.get("inputs")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|input| Some((input.get("name")?.as_str()?, input.get("link")?.as_i64()?)))
}

/// Where a link comes from, past any Reroute nodes.
fn resolve_origin(
    nodes: &BTreeMap<i64, &Map<String, Value>>,
    links: &BTreeMap<i64, Origin>,
    link: i64,
) -> Option<Origin> {
    let mut origin = *links.get(&link)?;
    for _ in 0..MAX_HOPS {
        let node = nodes.get(&origin.0)?;
        if node.get("type").and_then(Value::as_str) != Some("Reroute") {
            return Some(origin);
        }
        let (_, upstream) = linked_inputs(node).next()?;
        origin = *links.get(&upstream)?;
    }
    None
}

/// A node's widget values, named for the known classes.
fn widget_inputs(class: &str, widgets: Option<&Value>) -> Map<String, Value> {
    let mut inputs = Map::new();
    let Some(widgets) = widgets.and_then(Value::as_array) else {
        return inputs;
    };
    let mut values = widgets.iter().peekable();
    for &name in widget_names(class) {
        if name == CONTROL {
            let is_control = values
                .peek()
                .and_then(|v| v.as_str())
                .is_some_and(|v| CONTROL_VALUES.contains(&v));
            if is_control {
                values.next();
            }
            continue;
        }
        let Some(value) = values.next() else {
            break;
        };
        inputs.insert(name.to_owned(), value.clone());
    }
    inputs
}

/// The names of a core node class's widgets, in order.
fn widget_names(class: &str) -> &'static [&'static str] {
    match class {
        "KSampler" => &[
            "seed",
            CONTROL,
            "steps",
            "cfg",
            "sampler_name",
            "scheduler",
            "denoise",
        ],
        "KSamplerAdvanced" => &[
            "add_noise",
            "noise_seed",
            CONTROL,
            "steps",
            "cfg",
            "sampler_name",
            "scheduler",
            "start_at_step",
            "end_at_step",
            "return_with_leftover_noise",
        ],
        "CLIPTextEncode" => &["text"],
        "CheckpointLoaderSimple" => &["ckpt_name"],
        "UNETLoader" => &["unet_name", "weight_dtype"],
        "LoraLoader" => &["lora_name", "strength_model", "strength_clip"],
        "LoraLoaderModelOnly" => &["lora_name", "strength_model"],
        "EmptyLatentImage" | "EmptySD3LatentImage" => &["width", "height", "batch_size"],
        "RandomNoise" => &["noise_seed", CONTROL],
        "KSamplerSelect" => &["sampler_name"],
        "BasicScheduler" => &["scheduler", "steps", "denoise"],
        "CFGGuider" => &["cfg"],
        "PrimitiveNode" => &["value", CONTROL],
        _ => &[],
    }
}
