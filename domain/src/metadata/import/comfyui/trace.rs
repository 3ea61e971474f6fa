//! Following a sampler's links back to what fed it: the prompt texts, the
//! checkpoint, and the latent's size. Each walk stops after
//! [`MAX_HOPS`] links.

use serde_json::Value;

use super::graph::{Graph, MAX_HOPS, Node, link_target};
use crate::metadata::import::values::{self, push_extra};

/// Inputs of text-encoding nodes that hold prompt text (CLIPTextEncode's
/// `text`, the SDXL encoder's `text_g` and `text_l`, Flux's `clip_l` and
/// `t5xxl`).
const TEXT_KEYS: &[&str] = &["text", "text_g", "text_l", "clip_l", "t5xxl"];
/// Inputs of loader nodes that name the model.
const MODEL_KEYS: &[&str] = &["ckpt_name", "unet_name", "model_name"];

/// What the sampler's `latent_image` says about the picture.
#[derive(Default)]
pub(super) struct Latent {
    /// Width, when the latent was made at a known size.
    pub(super) width: Option<u32>,
    /// Height, when the latent was made at a known size.
    pub(super) height: Option<u32>,
    /// The batch size, when given.
    pub(super) batch_size: Option<i64>,
    /// Whether the latent is an empty one (txt2img), not an encoded image.
    pub(super) empty: bool,
}

/// The prompt text reaching the sampler's `side` (`positive` or
/// `negative`), through pass-through conditioning nodes.
pub(super) fn prompt<'a>(graph: &Graph<'a>, sampler: Node<'a>, side: &str) -> Option<String> {
    let mut node = graph.linked(conditioning_input(graph, sampler, side)?)?;
    for _ in 0..MAX_HOPS {
        if TEXT_KEYS.iter().any(|key| node.input(key).is_some()) {
            return Some(node_text(graph, node));
        }
        node = graph.linked(next_conditioning(node, side)?)?;
    }
    None
}

/// The sampler's conditioning input for `side`, or its guider's (a
/// BasicGuider has one `conditioning`, the positive).
fn conditioning_input<'a>(graph: &Graph<'a>, sampler: Node<'a>, side: &str) -> Option<&'a Value> {
    sampler.input(side).or_else(|| {
        let guider = graph.linked(sampler.input("guider")?)?;
        guider.input(side).or_else(|| {
            (side == "positive")
                .then(|| guider.input("conditioning"))
                .flatten()
        })
    })
}

/// The text of an encoding node: its distinct non-empty texts, one a line.
fn node_text<'a>(graph: &Graph<'a>, node: Node<'a>) -> String {
    let mut texts: Vec<&str> = Vec::new();
    for key in TEXT_KEYS {
        let text = graph
            .literal_input(node, key)
            .and_then(Value::as_str)
            .map(str::trim)
            .unwrap_or_default();
        if !text.is_empty() && !texts.contains(&text) {
            texts.push(text);
        }
    }
    texts.join("\n")
}

/// Where a pass-through conditioning node (ConditioningCombine,
/// ConditioningSetArea, a ControlNet apply ...) takes its conditioning:
/// the input named like the side, else the first `conditioning…` input.
fn next_conditioning<'a>(node: Node<'a>, side: &str) -> Option<&'a Value> {
    node.input(side)
        .filter(|value| link_target(value).is_some())
        .or_else(|| {
            node.inputs()
                .find(|(key, value)| {
                    key.starts_with("conditioning") && link_target(value).is_some()
                })
                .map(|(_, value)| value)
        })
}

/// The checkpoint (or diffusion model) feeding the sampler, through LoRA
/// and other model-patching nodes; the LoRAs passed are added to `extra`.
pub(super) fn model<'a>(
    graph: &Graph<'a>,
    sampler: Node<'a>,
    extra: &mut Vec<(String, String)>,
) -> Option<String> {
    let start = sampler.input("model").or_else(|| {
        let guider = graph.linked(sampler.input("guider")?)?;
        guider.input("model")
    })?;
    let mut node = graph.linked(start)?;
    for _ in 0..MAX_HOPS {
        let name = MODEL_KEYS
            .iter()
            .find_map(|key| graph.literal_input(node, key)?.as_str());
        if let Some(name) = name {
            return values::name(name);
        }
        add_lora(graph, node, extra);
        node = graph.linked(node.input("model")?)?;
    }
    None
}

/// Adds a LoRA loader's LoRA and model strength to `extra`.
fn add_lora<'a>(graph: &Graph<'a>, node: Node<'a>, extra: &mut Vec<(String, String)>) {
    let Some(name) = graph
        .literal_input(node, "lora_name")
        .and_then(Value::as_str)
    else {
        return;
    };
    let text = match graph
        .literal_input(node, "strength_model")
        .and_then(values::float_from_json)
    {
        Some(strength) => format!("{name}: {strength}"),
        None => name.to_owned(),
    };
    push_extra(extra, "lora", &text);
}

/// The latent the sampler starts from: an empty latent's size and batch,
/// or nothing known for an encoded image (img2img).
pub(super) fn latent<'a>(graph: &Graph<'a>, sampler: Node<'a>) -> Latent {
    let Some(node) = sampler
        .input("latent_image")
        .and_then(|value| graph.linked(value))
    else {
        return Latent::default();
    };
    let int = |key| {
        graph
            .literal_input(node, key)
            .and_then(values::int_from_json)
    };
    Latent {
        width: values::side(int("width")),
        height: values::side(int("height")),
        batch_size: int("batch_size"),
        empty: node.class.starts_with("Empty"),
    }
}
