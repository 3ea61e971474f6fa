//! ComfyUI's API-format graph: `{"<id>": {"class_type": ..., "inputs":
//! {...}}}`, where an input is a literal or a link `["<node id>", <output
//! index>]`. Every walk along links is cut after [`MAX_HOPS`] steps, so a
//! cycle in a hostile graph ends.

use std::cmp::Ordering;

use serde_json::{Map, Value};

/// The most links followed in one walk.
pub(super) const MAX_HOPS: usize = 32;
/// The most nodes looked at in one graph.
pub(super) const MAX_NODES: usize = 10_000;

/// Inputs under which value-holding nodes (primitives, seed and text
/// nodes) keep their value, tried when a setting is a link to one.
const VALUE_KEYS: &[&str] = &[
    "value",
    "seed",
    "noise_seed",
    "text",
    "string",
    "int",
    "float",
    "number",
];

/// A graph: nodes by id.
pub(super) struct Graph<'a> {
    nodes: &'a Map<String, Value>,
}

/// One node: its id, class and inputs.
#[derive(Clone, Copy)]
pub(super) struct Node<'a> {
    /// The node's id in the graph.
    pub(super) id: &'a str,
    /// The node's `class_type`.
    pub(super) class: &'a str,
    inputs: Option<&'a Map<String, Value>>,
}

impl<'a> Node<'a> {
    /// An input, literal or link.
    pub(super) fn input(&self, key: &str) -> Option<&'a Value> {
        self.inputs?.get(key)
    }

    /// The inputs, in key order.
    pub(super) fn inputs(&self) -> impl Iterator<Item = (&'a String, &'a Value)> {
        self.inputs.into_iter().flatten()
    }
}

impl<'a> Graph<'a> {
    /// A graph over the API-format JSON object.
    pub(super) fn new(nodes: &'a Map<String, Value>) -> Self {
        Self { nodes }
    }

    /// The node with this id.
    pub(super) fn node(&self, id: &str) -> Option<Node<'a>> {
        let (id, value) = self.nodes.get_key_value(id)?;
        let object = value.as_object()?;
        Some(Node {
            id,
            class: object.get("class_type")?.as_str()?,
            inputs: object.get("inputs").and_then(Value::as_object),
        })
    }

    /// The nodes (at most [`MAX_NODES`]) in id order, numeric ids by value.
    pub(super) fn nodes_by_id(&self) -> Vec<Node<'a>> {
        let mut nodes: Vec<Node<'a>> = self
            .nodes
            .keys()
            .take(MAX_NODES)
            .filter_map(|id| self.node(id))
            .collect();
        nodes.sort_by(|a, b| compare_ids(a.id, b.id));
        nodes
    }

    /// The node a link points at.
    pub(super) fn linked(&self, value: &Value) -> Option<Node<'a>> {
        self.node(&link_target(value)?)
    }

    /// A setting's literal value: the value itself, or, when it is a link,
    /// the value held by the node it points at (a primitive, a seed node),
    /// under `key` or a usual value input.
    pub(super) fn literal(&self, value: &'a Value, key: &str) -> Option<&'a Value> {
        let mut current = value;
        for _ in 0..MAX_HOPS {
            if link_target(current).is_none() {
                return (!current.is_null()).then_some(current);
            }
            let node = self.linked(current)?;
            current = node
                .input(key)
                .or_else(|| VALUE_KEYS.iter().find_map(|k| node.input(k)))?;
        }
        None
    }

    /// A node input's literal value, resolved through links.
    pub(super) fn literal_input(&self, node: Node<'a>, key: &str) -> Option<&'a Value> {
        self.literal(node.input(key)?, key)
    }
}

/// The node id of a link, `["4", 0]` (or `[4, 0]`).
pub(super) fn link_target(value: &Value) -> Option<String> {
    match value.as_array()?.as_slice() {
        [Value::String(id), Value::Number(_)] => Some(id.clone()),
        [Value::Number(id), Value::Number(_)] => Some(id.to_string()),
        _ => None,
    }
}

/// Orders node ids: numeric ids by value first, then the rest as text.
fn compare_ids(a: &str, b: &str) -> Ordering {
    match (a.parse::<u64>(), b.parse::<u64>()) {
        (Ok(a), Ok(b)) => a.cmp(&b),
        (Ok(_), Err(_)) => Ordering::Less,
        (Err(_), Ok(_)) => Ordering::Greater,
        (Err(_), Err(_)) => a.cmp(b),
    }
}
