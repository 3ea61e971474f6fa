//! What the simulated ComfyUI process holds in memory: the prompt queue
//! (`PromptQueue`), the history, the output cache, the interrupt flag, the
//! websockets, and what the tests inspect. A crash-like restart replaces
//! it; the files (see [`super::files`]) survive.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use tokio::sync::Notify;

mod sockets;

use super::evaluate::Value;
use super::files::{Files, Folder};
use super::json::{J, jobj};
use super::nodes::Lists;

pub use sockets::{Outgoing, Socket};

/// History entries kept (`MAXIMUM_HISTORY_SIZE`).
pub const MAX_HISTORY: usize = 10_000;

/// `extra_data` keys never stored (`SENSITIVE_EXTRA_DATA_KEYS`).
pub const SENSITIVE_KEYS: &[&str] = &["auth_token_comfy_org", "api_key_comfy_org"];

/// One queued prompt: `(number, prompt_id, prompt, extra_data,
/// outputs_to_execute)`; the secrets ComfyUI keeps aside are dropped.
#[derive(Debug, Clone)]
pub struct QueueItem {
    /// Its priority number (lower runs first).
    pub number: J,
    /// Its id.
    pub prompt_id: String,
    /// The validated graph.
    pub prompt: J,
    /// `extra_data` with `client_id` and `create_time`, secrets removed.
    pub extra_data: J,
    /// Output nodes to run.
    pub outputs: Vec<String>,
    /// Whether an injected `RuntimeError` fault makes it fail.
    pub fail: bool,
}

impl QueueItem {
    /// The five public fields, as `/queue` and history show them.
    pub fn public(&self) -> J {
        J::Arr(vec![
            self.number.clone(),
            J::from(self.prompt_id.as_str()),
            self.prompt.clone(),
            self.extra_data.clone(),
            J::Arr(self.outputs.iter().map(|o| J::from(o.as_str())).collect()),
        ])
    }

    fn order(&self) -> f64 {
        self.number.as_f64().unwrap_or(0.0)
    }

    /// The client the prompt's messages go to.
    pub fn client_id(&self) -> Option<String> {
        self.extra_data
            .get("client_id")
            .and_then(J::as_str)
            .map(str::to_owned)
    }
}

/// A node's cached result.
#[derive(Debug, Clone)]
pub struct Cached {
    /// Its outputs.
    pub outputs: Vec<Value>,
    /// What it showed (`{"images": [...]}`), for output nodes.
    pub ui: Option<J>,
}

/// An upload the stand-in received.
#[derive(Debug, Clone, PartialEq)]
pub struct Upload {
    /// `/upload/image` or `/upload/mask`.
    pub endpoint: String,
    /// The name it was stored under.
    pub name: String,
    /// Its subfolder.
    pub subfolder: String,
    /// `input`, `temp` or `output`.
    pub kind: String,
    /// The bytes sent.
    pub bytes: Vec<u8>,
}

/// What the tests can read back.
#[derive(Debug, Clone, Default)]
pub struct Records {
    /// `POST /prompt` bodies, in order.
    pub prompts: Vec<J>,
    /// `POST /interrupt` calls: the `prompt_id` given, if any.
    pub interrupts: Vec<Option<String>>,
    /// Ids named in `POST /queue {"delete": [...]}`.
    pub deletes: Vec<String>,
    /// Uploads.
    pub uploads: Vec<Upload>,
    /// Client ids that negotiated `feature_flags`.
    pub negotiated: Vec<String>,
}

/// The mutable part.
#[derive(Debug, Default)]
pub struct Core {
    /// The next queue number.
    pub number: i128,
    /// Waiting prompts.
    pub pending: Vec<QueueItem>,
    /// The prompt executing, if any.
    pub running: Option<QueueItem>,
    /// Finished prompts, oldest first.
    pub history: Vec<(String, J)>,
    /// Node results by cache key.
    pub cache: HashMap<u64, Cached>,
    /// `interrupt_processing` was requested.
    pub interrupt: bool,
    /// The executing prompt's client (`server.client_id`).
    pub client_id: Option<String>,
    /// The node executing (`server.last_node_id`).
    pub last_node_id: Option<String>,
    /// Model lists.
    pub checkpoints: Vec<String>,
    /// Upscale model files.
    pub upscale_models: Vec<String>,
    /// Sampling waits while set (a test control).
    pub paused: bool,
    /// What tests read back.
    pub records: Records,
}

/// Settings the server runs with.
#[derive(Debug, Clone)]
pub struct Config {
    /// One sampling step.
    pub step: Duration,
    /// `--preview-method` (`None` = `none`).
    pub preview_method: Option<String>,
    /// `--max-upload-size` in bytes.
    pub max_upload_size: usize,
}

/// The server's memory. Clones share it.
#[derive(Debug, Clone)]
pub struct State {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    core: Mutex<Core>,
    sockets: Mutex<(u64, HashMap<String, Socket>)>,
    files: Files,
    config: Config,
    /// A prompt was queued.
    queued: Notify,
    /// Sampling was resumed or interrupted.
    nudged: Notify,
}

impl State {
    /// A fresh process over `files` (whose `temp/` it empties, as ComfyUI
    /// does at start).
    pub fn new(
        config: Config,
        files: Files,
        checkpoints: Vec<String>,
        upscale: Vec<String>,
    ) -> Self {
        files.clear(Folder::Temp);
        let core = Core {
            checkpoints,
            upscale_models: upscale,
            ..Core::default()
        };
        Self {
            inner: Arc::new(Inner {
                core: Mutex::new(core),
                sockets: Mutex::new((0, HashMap::new())),
                files,
                config,
                queued: Notify::new(),
                nudged: Notify::new(),
            }),
        }
    }

    /// The mutable part, locked (never across an await).
    pub fn core(&self) -> MutexGuard<'_, Core> {
        self.inner
            .core
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// The files.
    pub fn files(&self) -> &Files {
        &self.inner.files
    }

    /// The settings.
    pub fn config(&self) -> &Config {
        &self.inner.config
    }

    /// The lists `/object_info` shows now.
    pub fn lists(&self) -> Lists {
        let (checkpoints, upscale_models) = {
            let core = self.core();
            (core.checkpoints.clone(), core.upscale_models.clone())
        };
        let mut input_images: Vec<String> = self
            .files()
            .list(&Folder::Input.path())
            .into_iter()
            .filter(|name| super::files::is_image_name(name))
            .collect();
        input_images.sort();
        Lists {
            checkpoints,
            upscale_models,
            input_images,
        }
    }

    /// `{"exec_info": {"queue_remaining": n}}`.
    pub fn queue_info(&self) -> J {
        let core = self.core();
        let remaining = core.pending.len() + usize::from(core.running.is_some());
        jobj! {"exec_info" => jobj! {"queue_remaining" => remaining}}
    }

    /// Queues a prompt and tells every socket (`queue_updated`).
    pub fn enqueue(&self, item: QueueItem) {
        {
            let mut core = self.core();
            core.pending.push(item);
        }
        self.status_changed();
        self.inner.queued.notify_one();
    }

    /// Takes the next prompt to run (lowest number) and marks it running.
    pub fn dequeue(&self) -> Option<QueueItem> {
        let item = {
            let mut core = self.core();
            let index = (0..core.pending.len()).min_by(|a, b| {
                core.pending[*a]
                    .order()
                    .total_cmp(&core.pending[*b].order())
                    .then_with(|| core.pending[*a].prompt_id.cmp(&core.pending[*b].prompt_id))
            })?;
            let item = core.pending.remove(index);
            core.running = Some(item.clone());
            item
        };
        self.status_changed();
        Some(item)
    }

    /// Resolves when a prompt may have been queued.
    pub async fn queued(&self) {
        self.inner.queued.notified().await;
    }

    /// Records a finished prompt (`task_done`) and tells every socket.
    pub fn finish(&self, prompt_id: &str, entry: J) {
        {
            let mut core = self.core();
            core.running = None;
            if core.history.len() > MAX_HISTORY {
                core.history.remove(0);
            }
            core.history.retain(|(id, _)| id != prompt_id);
            core.history.push((prompt_id.to_owned(), entry));
        }
        self.status_changed();
    }

    /// Broadcasts the queue size (`queue_updated`).
    pub fn status_changed(&self) {
        let data = jobj! {"status" => self.queue_info()};
        self.send_json("status", data, None);
    }

    /// Asks the running prompt to stop (`nodes.interrupt_processing`).
    pub fn interrupt(&self) {
        self.core().interrupt = true;
        self.inner.nudged.notify_waiters();
    }

    /// Pauses or resumes sampling (a test control).
    pub fn set_paused(&self, paused: bool) {
        self.core().paused = paused;
        self.inner.nudged.notify_waiters();
    }

    /// Waits while sampling is paused and no interrupt is pending.
    pub async fn wait_unpaused(&self) {
        loop {
            let nudged = self.inner.nudged.notified();
            {
                let core = self.core();
                if !core.paused || core.interrupt {
                    return;
                }
            }
            nudged.await;
        }
    }

    /// Takes a pending interrupt (`throw_exception_if_processing_interrupted`).
    pub fn take_interrupt(&self) -> bool {
        std::mem::take(&mut self.core().interrupt)
    }
}
