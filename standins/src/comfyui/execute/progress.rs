//! The per-prompt progress registry (`comfy_execution/progress.py`) and
//! the messages it sends: a `progress_state` snapshot of every non-pending
//! node at each start, update and finish, and for sampler steps the
//! `progress` message with its preview frame in either framing.

use super::super::json::{J, jobj};
use super::super::state::State;

/// Binary event: a preview for clients without preview metadata.
pub const PREVIEW_IMAGE: u32 = 1;
/// Binary event: a preview with its metadata (after negotiation).
pub const PREVIEW_IMAGE_WITH_METADATA: u32 = 4;
/// The image-format word of a legacy preview: JPEG.
const FORMAT_JPEG: u32 = 1;

#[derive(Debug, Clone, PartialEq)]
enum NodeState {
    Pending,
    Running,
    Finished,
}

#[derive(Debug, Clone)]
struct Entry {
    state: NodeState,
    value: J,
    max: J,
}

/// Progress of one prompt's nodes, in the order they were first seen.
#[derive(Debug)]
pub struct Progress {
    state: State,
    prompt_id: String,
    client: Option<String>,
    nodes: Vec<(String, Entry)>,
}

impl Progress {
    /// A registry for `prompt_id`, reporting to `client`.
    pub fn new(state: State, prompt_id: &str, client: Option<String>) -> Self {
        Self {
            state,
            prompt_id: prompt_id.to_owned(),
            client,
            nodes: Vec::new(),
        }
    }

    fn entry(&mut self, node: &str) -> &mut Entry {
        let index = match self.nodes.iter().position(|(id, _)| id == node) {
            Some(index) => index,
            None => {
                let entry = Entry {
                    state: NodeState::Pending,
                    value: J::Int(0),
                    max: J::Int(1),
                };
                self.nodes.push((node.to_owned(), entry));
                self.nodes.len() - 1
            }
        };
        &mut self.nodes[index].1
    }

    /// `start_progress`: running at 0.0 of 1.0.
    pub fn start(&mut self, node: &str) {
        let entry = self.entry(node);
        entry.state = NodeState::Running;
        entry.value = J::Float(0.0);
        entry.max = J::Float(1.0);
        self.send_state();
    }

    /// `update_progress` for a sampler step.
    pub fn update(&mut self, node: &str, value: u32, max: u32) {
        let entry = self.entry(node);
        entry.state = NodeState::Running;
        entry.value = J::from(value);
        entry.max = J::from(max);
        self.send_state();
    }

    /// `finish_progress`: the value becomes the max.
    pub fn finish(&mut self, node: &str) {
        let entry = self.entry(node);
        entry.state = NodeState::Finished;
        entry.value = entry.max.clone();
        self.send_state();
    }

    fn send_state(&self) {
        let nodes = self
            .nodes
            .iter()
            .filter(|(_, e)| e.state != NodeState::Pending)
            .map(|(id, e)| {
                let state = match e.state {
                    NodeState::Running => "running",
                    _ => "finished",
                };
                let entry = jobj! {
                    "value" => e.value.clone(), "max" => e.max.clone(), "state" => state,
                    "node_id" => id.as_str(), "prompt_id" => self.prompt_id.as_str(),
                    "display_node_id" => id.as_str(), "parent_node_id" => J::Null, "real_node_id" => id.as_str(),
                };
                (id.clone(), entry)
            })
            .collect();
        let data = jobj! {"prompt_id" => self.prompt_id.as_str(), "nodes" => J::Obj(nodes)};
        self.state
            .send_json("progress_state", data, self.client.as_deref());
    }

    /// One sampler step: the state snapshot, the type-4 preview (for a
    /// client that negotiated it), `progress`, then the type-1 preview
    /// (for one that did not), as `main.py`'s progress hook orders them.
    pub fn step(&mut self, node: &str, value: u32, max: u32, jpeg: Option<Vec<u8>>) {
        self.update(node, value, max);
        let client = self.client.as_deref();
        let with_metadata = self.state.supports_preview_metadata(client);
        if let (Some(jpeg), true) = (&jpeg, with_metadata) {
            let meta = jobj! {
                "node_id" => node, "prompt_id" => self.prompt_id.as_str(), "display_node_id" => node,
                "parent_node_id" => J::Null, "real_node_id" => node, "image_type" => "image/jpeg",
            }
            .to_string();
            let mut payload = (meta.len() as u32).to_be_bytes().to_vec();
            payload.extend_from_slice(meta.as_bytes());
            payload.extend_from_slice(jpeg);
            self.state
                .send_binary(PREVIEW_IMAGE_WITH_METADATA, &payload, client);
        }
        let data = jobj! {"value" => value, "max" => max, "prompt_id" => self.prompt_id.as_str(), "node" => node};
        self.state.send_json("progress", data, client);
        if let (Some(jpeg), false) = (&jpeg, with_metadata) {
            let mut payload = FORMAT_JPEG.to_be_bytes().to_vec();
            payload.extend_from_slice(jpeg);
            self.state.send_binary(PREVIEW_IMAGE, &payload, client);
        }
    }
}
