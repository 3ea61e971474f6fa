//! A stand-in for the AUTOMATIC1111 stable-diffusion-webui API
//! (PROVIDERS.md §3), as started with `--api` (and optionally
//! `--api-auth user:password`).
//!
//! What it reproduces:
//! - blocking `txt2img` / `img2img` / `extra-single-image` calls that run one
//!   at a time under a global, first-come-first-served lock;
//! - `GET /sdapi/v1/progress` with A1111's state dict, its progress formula,
//!   `eta_relative`, live `current_image` previews (PNG, base64, every
//!   `show_progress_every_n_steps` steps while `live_previews_enable` is on)
//!   and `current_task` (the request's `force_task_id`, else a generated
//!   `task(...)` id);
//! - `POST /interrupt` (the whole job stops; the blocked call returns what
//!   was made so far; see the `simulate` module) and `POST /skip`;
//! - the option, checkpoint, sampler, scheduler and upscaler lists, checkpoint
//!   switching through `POST /options`, `extra-single-image` (really scaled)
//!   and `png-info`;
//! - responses `{images, parameters, info}` where `info` is a JSON *string*
//!   written the way Python's `json.dumps` writes it, and every generated PNG
//!   carries a `parameters` text chunk in the exact infotext layout;
//! - A1111's own error body `{error, detail, body, errors}`, FastAPI's 422
//!   `{"detail": [{loc, msg, type}]}` (pydantic v1 messages), HTTP Basic with
//!   `WWW-Authenticate: Basic`, and `X-Process-Time` on every response.
//!
//! Faults ([`crate::Fault`]) are taken per request path and rendered the way
//! A1111 (or a reverse proxy in front of it) would: statuses with A1111's
//! error body, 429 with `Retry-After`, hangs, delays, broken JSON, an HTML
//! page, truncated or oversized PNGs in `images`, and `RuntimeError` as a
//! `NansException` half-way through sampling. `Moderation` has no meaning
//! here (A1111 has no safety system) and is ignored.

mod catalog;
mod errors;
mod extras;
mod generate;
mod infotext;
mod pngtext;
mod progress;
mod pyjson;
mod simulate;
mod state;
mod validate;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::middleware;
use axum::routing::{get, post};

use crate::common::{Common, Faults, RequestLog, Server};

pub use catalog::Checkpoint;
pub use infotext::parse_infotext;

/// How the stand-in runs.
#[derive(Debug, Clone)]
pub struct Options {
    /// Where to listen (port 0: any free port).
    pub bind: SocketAddr,
    /// How long one simulated sampling step takes.
    pub step: Duration,
    /// `--api-auth user:password`: HTTP Basic on every `/sdapi/v1/*` route.
    pub api_auth: Option<(String, String)>,
    /// The checkpoints it has; the first is loaded at start.
    pub checkpoints: Vec<Checkpoint>,
    /// `live_previews_enable` at start (A1111's default: on).
    pub live_previews: bool,
    /// `show_progress_every_n_steps` at start (A1111's default: 10).
    pub preview_every: u32,
    /// Whether `GET /sdapi/v1/schedulers` exists (v1.9 and later).
    pub schedulers_route: bool,
    /// Test aid, not an A1111 behaviour: each sampling step also waits until
    /// `/sdapi/v1/progress` has been read since the previous step (or an
    /// interrupt or skip arrives), so a polling client sees every step.
    pub step_on_poll: bool,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            bind: SocketAddr::from(([127, 0, 0, 1], 0)),
            step: Duration::from_millis(20),
            api_auth: None,
            checkpoints: catalog::default_checkpoints(),
            live_previews: true,
            preview_every: 10,
            schedulers_route: true,
            step_on_poll: false,
        }
    }
}

/// A running AUTOMATIC1111 stand-in.
#[derive(Debug)]
pub struct A1111StandIn {
    server: Server,
    shared: Arc<state::Shared>,
}

impl A1111StandIn {
    /// Starts the stand-in.
    pub async fn start(options: Options) -> std::io::Result<Self> {
        let common = Common::default();
        let shared = Arc::new(state::Shared::new(common.clone(), options.clone()));
        let server = Server::start(options.bind, router(Arc::clone(&shared)), common).await?;
        Ok(Self { server, shared })
    }

    /// The base URL to configure in Easel (the server root; the API lives
    /// under `/sdapi/v1`).
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

    /// How many `POST /sdapi/v1/interrupt` calls it received.
    pub fn interrupts(&self) -> usize {
        self.shared.record().interrupted.len()
    }

    /// For each interrupt received, the task that was current then (`None`
    /// when it was idle).
    pub fn interrupted_tasks(&self) -> Vec<Option<String>> {
        self.shared.record().interrupted.clone()
    }

    /// How many `POST /sdapi/v1/skip` calls it received.
    pub fn skips(&self) -> usize {
        self.shared.record().skips
    }

    /// The JSON bodies received on `path` (e.g. `/sdapi/v1/txt2img`), in
    /// order, as sent.
    pub fn bodies(&self, path: &str) -> Vec<serde_json::Value> {
        self.shared
            .record()
            .bodies
            .iter()
            .filter(|(p, _)| p == path)
            .map(|(_, body)| body.clone())
            .collect()
    }

    /// The last JSON body received on `path`.
    pub fn last_body(&self, path: &str) -> Option<serde_json::Value> {
        self.bodies(path).pop()
    }

    /// The title of the loaded checkpoint (`sd_model_checkpoint`).
    pub fn current_checkpoint(&self) -> String {
        self.shared.current_checkpoint().title
    }

    /// The task running now, if any (what `/progress` reports).
    pub fn current_task(&self) -> Option<String> {
        self.shared.job().current_task.clone()
    }

    /// Stops like a crash: blocked generations are dropped unanswered.
    pub async fn kill(self) {
        self.server.kill().await;
    }

    /// Stops gracefully.
    pub async fn stop(self) {
        self.server.stop().await;
    }
}

/// Every route, with the auth and `X-Process-Time` middlewares.
fn router(shared: Arc<state::Shared>) -> Router {
    let api = Router::new()
        .route("/sdapi/v1/txt2img", post(generate::txt2img))
        .route("/sdapi/v1/img2img", post(generate::img2img))
        .route("/sdapi/v1/progress", get(progress::progress))
        .route("/sdapi/v1/interrupt", post(progress::interrupt))
        .route("/sdapi/v1/skip", post(progress::skip))
        .route(
            "/sdapi/v1/options",
            get(catalog::get_options).post(catalog::set_options),
        )
        .route("/sdapi/v1/sd-models", get(catalog::sd_models))
        .route("/sdapi/v1/samplers", get(catalog::samplers))
        .route("/sdapi/v1/upscalers", get(catalog::upscalers))
        .route("/sdapi/v1/extra-single-image", post(extras::single_image))
        .route("/sdapi/v1/png-info", post(extras::png_info));
    let api = if shared.settings.schedulers_route {
        api.route("/sdapi/v1/schedulers", get(catalog::schedulers))
    } else {
        api
    };
    api.route_layer(middleware::from_fn_with_state(
        Arc::clone(&shared),
        errors::basic_auth,
    ))
    .fallback(errors::not_found)
    .with_state(shared)
    .layer(middleware::from_fn(errors::process_time))
}
