//! The prompt worker (`main.py`'s `prompt_worker` and `execution.py`'s
//! `PromptExecutor`): one prompt at a time, lowest number first, nodes in
//! [`ExecutionList`] order, cached nodes skipped (output nodes among them
//! re-send `executed`), then the history entry, the queue status and
//! `executing {node: null}` last.
//!
//! Routing follows `add_message`: per-prompt messages go to the prompt's
//! `client_id`; for a prompt without one, `execution_start`, `_cached`,
//! `_success` and `_error` (and `executing`, `executed`) are not sent at
//! all, while `execution_interrupted`, `progress`, `progress_state` and
//! previews go to every socket. "Broadcast" in PROVIDERS.md means exactly
//! this: `execution_interrupted` is sent even without a client.

mod nodes;
mod progress;

use std::collections::{HashMap, HashSet};

use tokio::sync::watch;

use super::evaluate::{Raised, Value};
use super::graph::{ExecutionList, Graph, signatures};
use super::json::{J, jobj, strings};
use super::nodes::{NodeDef, lookup};
use super::state::{Cached, QueueItem, State};
use progress::Progress;

/// Runs queued prompts until `stop`'s sender is dropped.
pub async fn worker(state: State, mut stop: watch::Receiver<()>) {
    loop {
        let item = loop {
            if let Some(item) = state.dequeue() {
                break item;
            }
            tokio::select! {
                () = state.queued() => {}
                _ = stop.changed() => return,
            }
        };
        let client = item.client_id();
        let Some(result) = Run::new(&state, &item, &mut stop).execute().await else {
            return;
        };
        state.finish(&item.prompt_id, history_entry(&item, result));
        if let Some(client) = client.as_deref() {
            let data = jobj! {"node" => J::Null, "prompt_id" => item.prompt_id.as_str()};
            state.send_json("executing", data, Some(client));
        }
    }
}

/// Why a prompt stopped early.
enum Failure {
    /// A node raised.
    Error {
        node: String,
        raised: Raised,
        inputs: J,
    },
    /// `POST /interrupt` stopped it at this node.
    Interrupted { node: String },
    /// The stand-in itself is going away.
    Stopped,
}

/// What a finished prompt leaves for its history entry.
struct RunResult {
    success: bool,
    messages: Vec<J>,
    outputs: Vec<(String, J)>,
}

struct Run<'a> {
    state: &'a State,
    item: &'a QueueItem,
    stop: &'a mut watch::Receiver<()>,
    graph: Graph,
    defs: HashMap<String, NodeDef>,
    keys: HashMap<String, u64>,
    client: Option<String>,
    progress: Progress,
    messages: Vec<J>,
    executed: Vec<String>,
    results: HashMap<String, Vec<Value>>,
    outputs: Vec<(String, J)>,
}

impl<'a> Run<'a> {
    fn new(state: &'a State, item: &'a QueueItem, stop: &'a mut watch::Receiver<()>) -> Self {
        let graph = Graph::from_json(&item.prompt);
        let lists = state.lists();
        let defs = graph
            .nodes
            .iter()
            .filter_map(|n| Some((n.id.clone(), lookup(&n.class_type, &lists)?)))
            .collect();
        let client = item.client_id();
        Self {
            state,
            item,
            stop,
            keys: HashMap::new(),
            defs,
            progress: Progress::new(state.clone(), &item.prompt_id, client.clone()),
            client,
            graph,
            messages: Vec::new(),
            executed: Vec::new(),
            results: HashMap::new(),
            outputs: Vec::new(),
        }
    }

    /// `execute`; `None` when the stand-in stopped meanwhile.
    async fn execute(mut self) -> Option<RunResult> {
        {
            let mut core = self.state.core();
            core.interrupt = false;
            core.client_id = self.client.clone();
            core.last_node_id = None;
        }
        let id = self.item.prompt_id.clone();
        self.add_message("execution_start", jobj! {"prompt_id" => id.as_str()}, false);
        let cached = self.prepare_cache();
        let cached_list: Vec<&str> = self
            .graph
            .nodes
            .iter()
            .filter(|n| cached.contains(&n.id))
            .map(|n| n.id.as_str())
            .collect();
        self.add_message(
            "execution_cached",
            jobj! {"nodes" => strings(&cached_list), "prompt_id" => id.as_str()},
            false,
        );
        let outcome = self.run_nodes(&cached).await;
        let success = match outcome {
            Ok(()) => {
                self.add_message(
                    "execution_success",
                    jobj! {"prompt_id" => id.as_str()},
                    false,
                );
                true
            }
            Err(Failure::Stopped) => return None,
            Err(failure) => {
                self.report_failure(failure);
                false
            }
        };
        self.state.core().last_node_id = None;
        Some(RunResult {
            success,
            messages: self.messages,
            outputs: self.outputs,
        })
    }

    /// Keys every node, keeps only the cache entries this prompt uses
    /// (`clean_unused`), and returns the ids served from the cache.
    fn prepare_cache(&mut self) -> HashSet<String> {
        let files = self.state.files().clone();
        let is_changed = move |node: &super::graph::Node| match node.class_type.as_str() {
            "LoadImage" | "LoadImageMask" => {
                let name = node.input("image").map(super::validate::py_str)?;
                let file = files.read(&super::evaluate::input_path(&name))?;
                Some(super::files::content_hash(&file.bytes))
            }
            _ => None,
        };
        self.keys = signatures(&self.graph, &is_changed);
        let used: HashSet<u64> = self.keys.values().copied().collect();
        let mut core = self.state.core();
        core.cache.retain(|key, _| used.contains(key));
        self.keys
            .iter()
            .filter(|(_, key)| core.cache.contains_key(key))
            .map(|(id, _)| id.clone())
            .collect()
    }

    fn add_message(&mut self, event: &str, mut data: J, broadcast: bool) {
        data.insert("timestamp", J::from(chrono::Utc::now().timestamp_millis()));
        self.messages
            .push(J::Arr(vec![J::from(event), data.clone()]));
        if self.client.is_some() || broadcast {
            self.state.send_json(event, data, self.client.as_deref());
        }
    }

    async fn run_nodes(&mut self, cached: &HashSet<String>) -> Result<(), Failure> {
        let order = {
            let is_output = |id: &str| self.defs.get(id).is_some_and(|d| d.output_node);
            let is_cached = |id: &str| cached.contains(id);
            let mut list = ExecutionList::new(&self.graph, &is_output, &is_cached);
            for output in &self.item.outputs {
                list.add_node(output);
            }
            let mut order = Vec::new();
            while let Some(next) = list.next() {
                list.complete(&next);
                order.push(next);
            }
            if !list.is_empty() {
                order.push(String::new());
            }
            order
        };
        let fail_at = self
            .item
            .fail
            .then(|| self.fault_node(&order, cached))
            .flatten();
        for id in order {
            if id.is_empty() {
                return Err(Failure::Error {
                    node: self.item.outputs.first().cloned().unwrap_or_default(),
                    raised: Raised::new(
                        "comfy_execution.graph.DependencyCycleError",
                        "Dependency cycle detected",
                    ),
                    inputs: J::Obj(Vec::new()),
                });
            }
            self.run_node(&id, fail_at.as_deref() == Some(id.as_str()))
                .await?;
        }
        Ok(())
    }

    /// Where an injected runtime fault strikes: the first sampler, else the
    /// first node that really runs.
    fn fault_node(&self, order: &[String], cached: &HashSet<String>) -> Option<String> {
        let runs = |id: &&String| {
            !cached.contains(*id) || self.defs.get(*id).is_some_and(|d| d.output_node)
        };
        order
            .iter()
            .filter(runs)
            .find(|id| {
                self.graph
                    .get(id)
                    .is_some_and(|n| n.class_type == "KSampler")
            })
            .or_else(|| order.iter().find(runs))
            .cloned()
    }

    async fn run_node(&mut self, id: &str, fail: bool) -> Result<(), Failure> {
        let key = self.keys.get(id).copied().unwrap_or_default();
        let cached = self.state.core().cache.get(&key).cloned();
        if let Some(cached) = cached {
            self.serve_cached(id, cached);
            return Ok(());
        }
        self.progress.start(id);
        if let Some(client) = self.client.clone() {
            self.state.core().last_node_id = Some(id.to_owned());
            let data = jobj! {"node" => id, "display_node" => id, "prompt_id" => self.item.prompt_id.as_str()};
            self.state.send_json("executing", data, Some(&client));
        }
        let node = self.graph.get(id).cloned().ok_or(Failure::Stopped)?;
        let inputs = self.resolve_inputs(&node);
        let current_inputs = self.current_inputs(&node, &inputs);
        if self.state.take_interrupt() {
            return Err(Failure::Interrupted {
                node: id.to_owned(),
            });
        }
        let fail_with = |raised| Failure::Error {
            node: id.to_owned(),
            raised,
            inputs: current_inputs.clone(),
        };
        if fail {
            return Err(fail_with(out_of_memory()));
        }
        let (values, ui) = match self.compute(&node, &inputs).await {
            Ok(done) => done,
            Err(nodes::Halt::Raised(raised)) => return Err(fail_with(raised)),
            Err(nodes::Halt::Interrupted) => {
                return Err(Failure::Interrupted {
                    node: id.to_owned(),
                });
            }
            Err(nodes::Halt::Stopped) => return Err(Failure::Stopped),
        };
        self.state.core().cache.insert(
            key,
            Cached {
                outputs: values.clone(),
                ui: ui.clone(),
            },
        );
        self.results.insert(id.to_owned(), values);
        if let Some(ui) = ui {
            self.show_output(id, ui);
        }
        self.progress.finish(id);
        self.executed.push(id.to_owned());
        Ok(())
    }

    fn serve_cached(&mut self, id: &str, cached: Cached) {
        if let Some(client) = self.client.clone() {
            let data = jobj! {
                "node" => id, "display_node" => id,
                "output" => cached.ui.clone().unwrap_or(J::Null), "prompt_id" => self.item.prompt_id.as_str(),
            };
            self.state.send_json("executed", data, Some(&client));
        }
        if let Some(ui) = cached.ui {
            self.outputs.push((id.to_owned(), ui));
        }
        self.results.insert(id.to_owned(), cached.outputs);
        self.progress.finish(id);
    }

    fn show_output(&mut self, id: &str, ui: J) {
        self.outputs.push((id.to_owned(), ui.clone()));
        if let Some(client) = self.client.clone() {
            let data = jobj! {"node" => id, "display_node" => id, "output" => ui, "prompt_id" => self.item.prompt_id.as_str()};
            self.state.send_json("executed", data, Some(&client));
        }
    }

    fn report_failure(&mut self, failure: Failure) {
        let prompt_id = self.item.prompt_id.clone();
        let executed = strings(&self.executed);
        let node_type = |node: &str| {
            self.graph
                .get(node)
                .map(|n| n.class_type.clone())
                .unwrap_or_default()
        };
        match failure {
            Failure::Interrupted { node } => {
                let data = jobj! {"prompt_id" => prompt_id, "node_id" => node.as_str(), "node_type" => node_type(&node), "executed" => executed};
                self.add_message("execution_interrupted", data, true);
            }
            Failure::Error {
                node,
                raised,
                inputs,
            } => {
                let all: Vec<&str> = self.graph.nodes.iter().map(|n| n.id.as_str()).collect();
                let data = jobj! {
                    "prompt_id" => prompt_id, "node_id" => node.as_str(), "node_type" => node_type(&node),
                    "executed" => executed,
                    "exception_message" => format!("{}\n{}", raised.message, tips(&raised)),
                    "exception_type" => raised.kind.as_str(),
                    "traceback" => traceback(&node_type(&node)),
                    "current_inputs" => inputs,
                    "current_outputs" => strings(&all),
                };
                self.add_message("execution_error", data, false);
            }
            Failure::Stopped => {}
        }
    }
}

fn out_of_memory() -> Raised {
    Raised::new("torch.OutOfMemoryError", "Allocation on device ")
}

fn tips(raised: &Raised) -> &'static str {
    if raised.kind == "torch.OutOfMemoryError" {
        "This error means you ran out of memory on your GPU.\n\nTIPS: If the workflow worked before you might have accidentally set the batch_size to a large number."
    } else {
        ""
    }
}

/// A plausible Python traceback (the frames ComfyUI's executor shows).
fn traceback(node_type: &str) -> J {
    strings(&[
        "  File \"/srv/ComfyUI/execution.py\", line 518, in execute\n    output_data, output_ui, has_subgraph, has_pending_tasks = await get_output_data(prompt_id, unique_id, obj, input_data_all, execution_block_cb=execution_block_cb, pre_execute_cb=pre_execute_cb, v3_data=v3_data)\n".to_owned(),
        "  File \"/srv/ComfyUI/execution.py\", line 329, in get_output_data\n    return_values = await _async_map_node_over_list(prompt_id, unique_id, obj, input_data_all, obj.FUNCTION, allow_interrupt=True, execution_block_cb=execution_block_cb, pre_execute_cb=pre_execute_cb, v3_data=v3_data)\n".to_owned(),
        format!("  File \"/srv/ComfyUI/nodes.py\", line 1, in {node_type}\n"),
    ])
}

fn history_entry(item: &QueueItem, result: RunResult) -> J {
    let meta = result
        .outputs
        .iter()
        .map(|(id, _)| {
            let entry = jobj! {"node_id" => id.as_str(), "display_node" => id.as_str(), "parent_node" => J::Null, "real_node_id" => id.as_str()};
            (id.clone(), entry)
        })
        .collect();
    jobj! {
        "prompt" => item.public(),
        "outputs" => J::Obj(result.outputs),
        "status" => jobj! {
            "status_str" => if result.success { "success" } else { "error" },
            "completed" => result.success,
            "messages" => J::Arr(result.messages),
        },
        "meta" => J::Obj(meta),
    }
}
