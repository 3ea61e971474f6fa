//! A stand-in for a ComfyUI 0.8.0 server (aiohttp), faithful to
//! PROVIDERS.md §4 and to the golden traces recorded from a real server
//! (`comfyui/traces/`): the HTTP API under `/` and `/api`, the Host/Origin
//! check, validation errors with their exact bodies, the queue with its
//! numbering, history, `/view` and the uploads with their path rules, and
//! the websocket with `client_id` routing, both preview framings, cached
//! re-runs, runtime errors and interrupts, in the traced message order.
//!
//! Graphs run on stand-in terms: `KSampler` "converges" to
//! [`crate::common::paint`] of its positive prompt, seed and latent size
//! (img2img keeps the source, blended by `denoise`; inpainting repaints
//! only the mask), one step per [`Options::step`].
//!
//! Faults ([`crate::Fault`]) are taken per request path: `Status`,
//! `RateLimited`, `Hang`, `Delay`, `MalformedJson` and `WrongContentType`
//! on any route (`/ws` too, which then refuses the upgrade);
//! `TruncatedImage` and `OversizedImage` on `/view`; `RuntimeError` on
//! `/prompt` makes that prompt fail during execution with a CUDA
//! out-of-memory error. ComfyUI has no safety system, so `Moderation` is
//! ignored.

mod api;
mod evaluate;
mod execute;
mod files;
mod graph;
mod http;
pub mod json;
mod media;
mod nodes;
mod save;
mod state;
mod validate;
mod ws;

#[cfg(test)]
mod tests;

use std::net::SocketAddr;
use std::time::Duration;

use tokio::sync::watch;

use crate::common::{Common, Faults, RequestLog, Server};
use files::{Files, Folder};
use state::{Config, State};

pub use state::Upload;

/// How the stand-in runs.
#[derive(Debug, Clone)]
pub struct Options {
    /// Where to listen (port 0: any free port).
    pub bind: SocketAddr,
    /// How long one simulated sampling step takes.
    pub step: Duration,
    /// The files in `models/checkpoints`.
    pub checkpoints: Vec<String>,
    /// The files in `models/upscale_models`.
    pub upscale_models: Vec<String>,
    /// `--preview-method` for prompts that do not name one in
    /// `extra_data.preview_method` (`None`: ComfyUI's default, no previews).
    pub preview_method: Option<String>,
    /// `--max-upload-size`, in bytes (ComfyUI's default is 100 MiB).
    pub max_upload_size: usize,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            bind: SocketAddr::from(([127, 0, 0, 1], 0)),
            step: Duration::from_millis(20),
            checkpoints: vec![
                "sd_xl_base_1.0.safetensors".into(),
                "v1-5-pruned-emaonly-fp16.safetensors".into(),
            ],
            upscale_models: vec!["4x-UltraSharp.pth".into(), "RealESRGAN_x2plus.pth".into()],
            preview_method: None,
            max_upload_size: 100 * 1024 * 1024,
        }
    }
}

/// A running ComfyUI stand-in.
#[derive(Debug)]
pub struct ComfyUiStandIn {
    server: Server,
    state: State,
    options: Options,
    common: Common,
    /// Dropping it stops the prompt worker.
    worker_stop: watch::Sender<()>,
}

impl ComfyUiStandIn {
    /// Starts the stand-in.
    pub async fn start(options: Options) -> std::io::Result<Self> {
        let files = Files::default();
        seed_input(&files);
        Self::launch(options, files, Common::default(), None).await
    }

    async fn launch(
        options: Options,
        files: Files,
        common: Common,
        state: Option<State>,
    ) -> std::io::Result<Self> {
        let (state, worker_stop) = match state {
            Some(state) => (state, None),
            None => {
                let config = Config {
                    step: options.step,
                    preview_method: options.preview_method.clone(),
                    max_upload_size: options.max_upload_size,
                };
                let state = State::new(
                    config,
                    files,
                    options.checkpoints.clone(),
                    options.upscale_models.clone(),
                );
                let (stop, stopped) = watch::channel(());
                tokio::spawn(execute::worker(state.clone(), stopped));
                (state, Some(stop))
            }
        };
        let app = http::App {
            state: state.clone(),
            common: common.clone(),
        };
        let server = Server::start(options.bind, http::router(app), common.clone()).await?;
        let worker_stop = worker_stop.unwrap_or_else(|| watch::channel(()).0);
        Ok(Self {
            server,
            state,
            options,
            common,
            worker_stop,
        })
    }

    /// The base URL to configure in Easel.
    pub fn base_url(&self) -> String {
        self.server.url()
    }

    /// Its faults.
    pub fn faults(&self) -> &Faults {
        self.server.faults()
    }

    /// Its request log.
    pub fn log(&self) -> &RequestLog {
        self.server.log()
    }

    /// Stops like a crash: sockets and hung requests drop, the port closes.
    pub async fn kill(self) {
        let Self {
            server,
            worker_stop,
            ..
        } = self;
        drop(worker_stop);
        server.kill().await;
    }

    /// A crash and a fresh start on the same port, as a real ComfyUI
    /// restart: the queue, the history and the cache are lost (they live in
    /// memory), the files in `input/` and `output/` stay. Faults and the
    /// request log carry over (they are the test's, not the server's).
    pub async fn restart(self) -> std::io::Result<Self> {
        let mut options = self.options.clone();
        options.bind = self.server.addr();
        let files = self.state.files().clone();
        let common = self.fresh_common();
        self.kill().await;
        Self::launch(options, files, common, None).await
    }

    /// Drops every connection and listens again on the same port while the
    /// process state (queue, running prompt, history) carries on. No real
    /// ComfyUI does this; it is for tests that need connections broken
    /// without losing jobs. (For Easel restarting while ComfyUI keeps
    /// running, simply keep the stand-in up.)
    pub async fn restart_keeping_history(self) -> std::io::Result<Self> {
        let mut options = self.options.clone();
        options.bind = self.server.addr();
        let common = self.fresh_common();
        let Self {
            server,
            state,
            worker_stop,
            ..
        } = self;
        state.close_sockets();
        server.kill().await;
        let mut next = Self::launch(options, state.files().clone(), common, Some(state)).await?;
        next.worker_stop = worker_stop;
        Ok(next)
    }

    fn fresh_common(&self) -> Common {
        let mut common = Common::default();
        common.faults = self.common.faults.clone();
        common.log = self.common.log.clone();
        common
    }

    /// Replaces the checkpoint list (what `/object_info` and validation see).
    pub fn set_checkpoints(&self, checkpoints: &[&str]) {
        self.state.core().checkpoints = checkpoints.iter().map(|c| (*c).to_owned()).collect();
    }

    /// Holds sampling before its next step (`true`) or lets it go on.
    pub fn pause_sampling(&self, paused: bool) {
        self.state.set_paused(paused);
    }

    /// The `POST /prompt` bodies received, in order.
    pub fn prompts_received(&self) -> Vec<serde_json::Value> {
        self.state
            .core()
            .records
            .prompts
            .iter()
            .map(json::J::to_value)
            .collect()
    }

    /// The `prompt_id` of each `POST /interrupt` (`None` when it named none).
    pub fn interrupts(&self) -> Vec<Option<String>> {
        self.state.core().records.interrupts.clone()
    }

    /// The ids named in `POST /queue {"delete": [...]}`.
    pub fn queue_deletes(&self) -> Vec<String> {
        self.state.core().records.deletes.clone()
    }

    /// The uploads received.
    pub fn uploads(&self) -> Vec<Upload> {
        self.state.core().records.uploads.clone()
    }

    /// The prompt executing now, if any.
    pub fn running_prompt(&self) -> Option<String> {
        self.state
            .core()
            .running
            .as_ref()
            .map(|r| r.prompt_id.clone())
    }

    /// The ids of the prompts waiting.
    pub fn pending_prompts(&self) -> Vec<String> {
        self.state
            .core()
            .pending
            .iter()
            .map(|p| p.prompt_id.clone())
            .collect()
    }

    /// A prompt's history entry, if it finished.
    pub fn history_entry(&self, prompt_id: &str) -> Option<serde_json::Value> {
        self.state
            .core()
            .history
            .iter()
            .find(|(id, _)| id == prompt_id)
            .map(|(_, entry)| entry.to_value())
    }

    /// The client ids that sent `feature_flags` as their first message.
    pub fn negotiated_clients(&self) -> Vec<String> {
        self.state.core().records.negotiated.clone()
    }

    /// The client ids with an open websocket.
    pub fn connected_clients(&self) -> Vec<String> {
        self.state.connected()
    }

    /// Closes every websocket (as a proxy timing them out would).
    pub fn drop_websockets(&self) {
        self.state.close_sockets();
    }

    /// A file's bytes: `folder` is `input`, `output` or `temp`.
    pub fn file(&self, folder: &str, subfolder: &str, name: &str) -> Option<Vec<u8>> {
        let folder = Folder::from_type(folder)?;
        let dir = files::join(&folder.path(), subfolder);
        let file = self.state.files().read(&files::join(&dir, name))?;
        Some(file.bytes.to_vec())
    }
}

/// ComfyUI ships `input/example.png`.
fn seed_input(files: &Files) {
    let example = crate::common::paint("example", 0, 64, 64);
    files.write(
        &files::join(&Folder::Input.path(), "example.png"),
        crate::common::png(&example, &[]),
    );
}
