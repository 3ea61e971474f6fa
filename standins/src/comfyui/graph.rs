//! A validated graph in API format, the order ComfyUI executes it in, and
//! the cache keys of its nodes.
//!
//! The order follows `comfy_execution/graph.py` (`ExecutionList`): output
//! nodes are added to a pending set by a depth-first walk that pushes each
//! node's linked inputs in input order onto a stack; then, among the nodes
//! whose inputs are done, an output node is picked first, then a node that
//! feeds an output node, then one two links away from an output node, else
//! the first pending one. Cached nodes are not walked into. For the graph
//! of §4.6 in the order the traces sent it, this gives 4, 5, 7, 6, 3, 8, 9.

use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};

use super::json::J;

/// One node of a graph.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// Its id (the key in the graph).
    pub id: String,
    /// Its class.
    pub class_type: String,
    /// Its inputs, in the order sent.
    pub inputs: Vec<(String, J)>,
}

impl Node {
    /// An input's value.
    pub fn input(&self, name: &str) -> Option<&J> {
        self.inputs.iter().find(|(n, _)| n == name).map(|(_, v)| v)
    }
}

/// A graph whose shape validation accepted.
#[derive(Debug, Clone, PartialEq)]
pub struct Graph {
    /// The nodes, in the order sent.
    pub nodes: Vec<Node>,
}

impl Graph {
    /// Reads a graph; nodes without a class or inputs object are skipped
    /// (validation has refused those already).
    pub fn from_json(prompt: &J) -> Graph {
        let nodes = prompt
            .pairs()
            .unwrap_or_default()
            .iter()
            .filter_map(|(id, node)| {
                Some(Node {
                    id: id.clone(),
                    class_type: node.get("class_type")?.as_str()?.to_owned(),
                    inputs: node
                        .get("inputs")
                        .and_then(J::pairs)
                        .map(<[_]>::to_vec)
                        .unwrap_or_default(),
                })
            })
            .collect();
        Graph { nodes }
    }

    /// A node by id.
    pub fn get(&self, id: &str) -> Option<&Node> {
        self.nodes.iter().find(|n| n.id == id)
    }
}

/// `[node_id, output_index]`, if `value` is a link (`execution.is_link`).
pub fn link(value: &J) -> Option<(&str, usize)> {
    let items = value.items()?;
    let [from, socket] = items else { return None };
    let socket = match socket {
        J::Int(i) => usize::try_from(*i).ok()?,
        J::Float(f) if *f >= 0.0 => *f as usize,
        _ => return None,
    };
    Some((from.as_str()?, socket))
}

/// The order in which nodes run, built as ComfyUI's `ExecutionList` does.
pub struct ExecutionList<'a> {
    graph: &'a Graph,
    is_output: &'a dyn Fn(&str) -> bool,
    is_cached: &'a dyn Fn(&str) -> bool,
    pending: Vec<String>,
    block_count: HashMap<String, usize>,
    blocking: HashMap<String, Vec<String>>,
}

impl<'a> ExecutionList<'a> {
    /// An empty list over `graph`.
    pub fn new(
        graph: &'a Graph,
        is_output: &'a dyn Fn(&str) -> bool,
        is_cached: &'a dyn Fn(&str) -> bool,
    ) -> Self {
        Self {
            graph,
            is_output,
            is_cached,
            pending: Vec::new(),
            block_count: HashMap::new(),
            blocking: HashMap::new(),
        }
    }

    /// Adds `id` and, depth first, every uncached node it needs.
    pub fn add_node(&mut self, id: &str) {
        let mut stack = vec![id.to_owned()];
        let mut links: Vec<(String, String)> = Vec::new();
        while let Some(current) = stack.pop() {
            if self.pending.contains(&current) {
                continue;
            }
            self.pending.push(current.clone());
            self.block_count.entry(current.clone()).or_insert(0);
            self.blocking.entry(current.clone()).or_default();
            let Some(node) = self.graph.get(&current) else {
                continue;
            };
            for (_, value) in &node.inputs {
                if let Some((from, _)) = link(value) {
                    if !(self.is_cached)(from) {
                        stack.push(from.to_owned());
                    }
                    links.push((from.to_owned(), current.clone()));
                }
            }
        }
        for (from, to) in links {
            self.add_strong_link(&from, &to);
        }
    }

    fn add_strong_link(&mut self, from: &str, to: &str) {
        if (self.is_cached)(from) {
            return;
        }
        self.add_node(from);
        let dependents = self.blocking.entry(from.to_owned()).or_default();
        if !dependents.iter().any(|d| d == to) {
            dependents.push(to.to_owned());
            *self.block_count.entry(to.to_owned()).or_insert(0) += 1;
        }
    }

    /// Whether every node ran.
    pub fn is_empty(&self) -> bool {
        self.pending.is_empty()
    }

    /// The next node to run (`ux_friendly_pick_node`); `None` when the
    /// remaining nodes wait on each other (a cycle).
    pub fn next(&self) -> Option<String> {
        let ready: Vec<&String> = self
            .pending
            .iter()
            .filter(|id| self.block_count.get(*id).copied().unwrap_or(0) == 0)
            .collect();
        let blocks = |id: &str| self.blocking.get(id).cloned().unwrap_or_default();
        let pick = ready
            .iter()
            .find(|id| (self.is_output)(id))
            .or_else(|| {
                ready
                    .iter()
                    .find(|id| blocks(id).iter().any(|b| (self.is_output)(b)))
            })
            .or_else(|| {
                ready.iter().find(|id| {
                    blocks(id)
                        .iter()
                        .any(|b| blocks(b).iter().any(|c| (self.is_output)(c)))
                })
            })
            .or_else(|| ready.first());
        pick.map(|id| (*id).clone())
    }

    /// Marks `id` done, unblocking what waited on it.
    pub fn complete(&mut self, id: &str) {
        self.pending.retain(|p| p != id);
        for dependent in self.blocking.remove(id).unwrap_or_default() {
            if let Some(count) = self.block_count.get_mut(&dependent) {
                *count = count.saturating_sub(1);
            }
        }
    }
}

/// Cache keys per node (`CacheKeySetInputSignature`): the class, the
/// node's `IS_CHANGED` value, and its inputs sorted by name, links
/// replaced by the key of the node they come from. Node ids do not take
/// part, so an identical sub-graph under other ids hits the cache.
pub fn signatures(
    graph: &Graph,
    is_changed: &dyn Fn(&Node) -> Option<u64>,
) -> HashMap<String, u64> {
    let mut keys = HashMap::new();
    for node in &graph.nodes {
        signature(graph, &node.id, is_changed, &mut keys, 0);
    }
    keys
}

fn signature(
    graph: &Graph,
    id: &str,
    is_changed: &dyn Fn(&Node) -> Option<u64>,
    keys: &mut HashMap<String, u64>,
    depth: usize,
) -> u64 {
    if let Some(key) = keys.get(id) {
        return *key;
    }
    let Some(node) = graph.get(id).filter(|_| depth < 1000) else {
        return 0;
    };
    let mut hasher = DefaultHasher::new();
    node.class_type.hash(&mut hasher);
    is_changed(node).hash(&mut hasher);
    let mut inputs: Vec<&(String, J)> = node.inputs.iter().collect();
    inputs.sort_by(|a, b| a.0.cmp(&b.0));
    for (name, value) in inputs {
        name.hash(&mut hasher);
        match link(value) {
            Some((from, socket)) => {
                let from = from.to_owned();
                signature(graph, &from, is_changed, keys, depth + 1).hash(&mut hasher);
                socket.hash(&mut hasher);
            }
            None => value.to_string().hash(&mut hasher),
        }
    }
    let key = hasher.finish();
    keys.insert(id.to_owned(), key);
    key
}

#[cfg(test)]
mod tests {
    use super::*;

    const TXT2IMG: &str = r#"{
     "4": {"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": "m"}},
     "6": {"class_type": "CLIPTextEncode", "inputs": {"text": "a", "clip": ["4", 1]}},
     "7": {"class_type": "CLIPTextEncode", "inputs": {"text": "b", "clip": ["4", 1]}},
     "5": {"class_type": "EmptyLatentImage", "inputs": {"width": 64, "height": 64, "batch_size": 1}},
     "3": {"class_type": "KSampler", "inputs": {"seed": 42, "steps": 4, "cfg": 7.0, "sampler_name": "euler",
            "scheduler": "normal", "denoise": 1.0, "model": ["4", 0], "positive": ["6", 0],
            "negative": ["7", 0], "latent_image": ["5", 0]}},
     "8": {"class_type": "VAEDecode", "inputs": {"samples": ["3", 0], "vae": ["4", 2]}},
     "9": {"class_type": "SaveImage", "inputs": {"filename_prefix": "tiny", "images": ["8", 0]}}
    }"#;

    fn order(graph: &Graph, cached: &[&str]) -> Vec<String> {
        let is_output = |id: &str| id == "9";
        let is_cached = |id: &str| cached.contains(&id);
        let mut list = ExecutionList::new(graph, &is_output, &is_cached);
        list.add_node("9");
        let mut order = Vec::new();
        while let Some(next) = list.next() {
            list.complete(&next);
            order.push(next);
        }
        order
    }

    #[test]
    fn the_traced_graph_runs_in_the_traced_order() {
        let graph = Graph::from_json(&J::parse(TXT2IMG.as_bytes()).expect("json"));
        assert_eq!(order(&graph, &[]), ["4", "5", "7", "6", "3", "8", "9"]);
        assert_eq!(order(&graph, &["4", "6", "7", "5"]), ["3", "8", "9"]);
    }

    #[test]
    fn signatures_ignore_ids_and_follow_inputs() {
        let graph = Graph::from_json(&J::parse(TXT2IMG.as_bytes()).expect("json"));
        let keys = signatures(&graph, &|_| None);
        assert_ne!(keys["6"], keys["7"]);
        let renamed = TXT2IMG.replace("\"7\"", "\"70\"");
        let other = Graph::from_json(&J::parse(renamed.as_bytes()).expect("json"));
        let other_keys = signatures(&other, &|_| None);
        assert_eq!(keys["7"], other_keys["70"]);
        assert_eq!(keys["3"], other_keys["3"]);
    }
}
