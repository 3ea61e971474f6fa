//! A stand-in for the self-hosted Midjourney proxy protocol
//! (`midjourney-proxy`, PROVIDERS.md §5.1), in trueai's flavour by default
//! or novicezk's open-source one.
//!
//! Routes: `POST /mj/submit/imagine`, `/mj/submit/change`,
//! `/mj/submit/simple-change`, `/mj/submit/action` (trueai),
//! `GET /mj/task/{id}/fetch`, `POST /mj/task/list-by-condition`,
//! `POST /mj/task/{id}/cancel` (trueai), and `GET /_cdn/{file}`, which
//! serves the images the way Discord's CDN would (no auth).
//!
//! Behaviour: HTTP 200 with a `code` for submit failures; tasks run
//! through `NOT_START` → `SUBMITTED` → `IN_PROGRESS` (string progress,
//! including free text) → `SUCCESS` | `FAILURE` | `CANCEL`, at most
//! `max_concurrent` at once with a wait queue of `queue_size`; grids are
//! one PNG twice the quadrant size on each side, `--ar W:H` sets their
//! shape; buttons carry `MJ::JOB::…::<hash>` custom ids (trueai); unknown
//! tasks fetch as an empty body (trueai 204, novicezk 200); an optional
//! `notifyHook` receives every change (de-duplicated).
//!
//! Triggers: the word "forbidden" in a prompt (or `Fault::Moderation` on
//! the submit route) is a banned prompt (code 24); the word "filtered", or
//! `Fault::RuntimeError` on the submit route, makes the task end in
//! `FAILURE`; image faults apply to `/_cdn/...` (`/_cdn/progress/…` for
//! intermediate images, `/_cdn/final/…` for results).

mod driver;
mod errors;
mod images;
mod query;
mod store;
mod submit;
mod task;
mod webhook;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::middleware;
use axum::routing::{get, post};

use crate::common::{Common, Faults, RequestLog, Server};

/// The secret the stand-in accepts.
pub const STANDIN_SECRET: &str = "mj-standin";

/// Which implementation of the protocol to imitate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flavour {
    /// `trueai-org/midjourney-proxy` (C#): buttons, `/submit/action`,
    /// cancel, `botType`, 204 for unknown tasks.
    TrueAi,
    /// `novicezk/midjourney-proxy` 2.6 (Java): no buttons, no action or
    /// cancel routes, 200 with an empty body for unknown tasks.
    Novicezk,
}

/// How requests authenticate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthMode {
    /// `mj-api-secret` must equal the secret; else 401, empty body.
    ApiSecret,
    /// trueai's user tokens: `Authorization: <token>` (raw, no "Bearer")
    /// or `mj-api-secret: <token>`; an unknown one is 403 with a text body.
    Token,
}

/// How the stand-in runs.
#[derive(Debug, Clone)]
pub struct Options {
    /// Where to listen (port 0: any free port).
    pub bind: SocketAddr,
    /// How long one task state lasts.
    pub step: Duration,
    /// The flavour.
    pub flavour: Flavour,
    /// The secret or token (`None`: open, as novicezk without `mj.api-secret`).
    pub secret: Option<String>,
    /// How the secret is checked.
    pub auth: AuthMode,
    /// Jobs the Discord account runs at once (novicezk default 3).
    pub max_concurrent: usize,
    /// Tasks that may wait for a slot (novicezk default 10).
    pub queue_size: usize,
    /// The percentages shown while a grid is drawn.
    pub progress_steps: Vec<u32>,
    /// A free-text progress shown before the first percentage.
    pub free_text: Option<String>,
    /// Quadrant sizes are Midjourney's nominal ones divided by this (tests
    /// use 8 to keep images small).
    pub size_divisor: u32,
    /// A global `notifyHook`, for tasks submitted without one.
    pub notify_hook: Option<String>,
    /// Test aid, not a proxy behaviour: each state change also waits until
    /// a task has been fetched since the previous one, so a polling client
    /// sees every state.
    pub step_on_poll: bool,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            bind: SocketAddr::from(([127, 0, 0, 1], 0)),
            step: Duration::from_millis(20),
            flavour: Flavour::TrueAi,
            secret: Some(STANDIN_SECRET.into()),
            auth: AuthMode::ApiSecret,
            max_concurrent: 3,
            queue_size: 10,
            progress_steps: vec![15, 31, 46, 62, 78, 93],
            free_text: Some("Waiting to start".into()),
            size_divisor: 1,
            notify_hook: None,
            step_on_poll: false,
        }
    }
}

/// A running Midjourney proxy stand-in.
#[derive(Debug)]
pub struct MidjourneyStandIn {
    server: Server,
    shared: Arc<store::Shared>,
}

impl MidjourneyStandIn {
    /// Starts the stand-in.
    pub async fn start(options: Options) -> std::io::Result<Self> {
        let common = Common::default();
        let shared = Arc::new(store::Shared::new(common.clone(), options.clone()));
        let server = Server::start(options.bind, router(Arc::clone(&shared)), common).await?;
        let _ = shared.public_url.set(server.url());
        Ok(Self { server, shared })
    }

    /// The base URL to configure in Easel (the server root; routes are
    /// under `/mj`).
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

    /// The JSON bodies received on a submit route (e.g.
    /// `/mj/submit/imagine`), in order.
    pub fn bodies(&self, path: &str) -> Vec<serde_json::Value> {
        self.shared
            .record()
            .bodies
            .iter()
            .filter(|(p, _)| p == path)
            .map(|(_, b)| b.clone())
            .collect()
    }

    /// A task as `fetch` would send it.
    pub fn task(&self, id: &str) -> Option<serde_json::Value> {
        self.shared
            .task(id)
            .map(|t| t.json(self.shared.settings.flavour))
    }

    /// The ids of every task it knows.
    pub fn task_ids(&self) -> Vec<String> {
        self.shared.tasks().into_iter().map(|t| t.id).collect()
    }

    /// A finished grid task's grid.
    pub fn grid(&self, id: &str) -> Option<image::RgbImage> {
        self.shared.grid(id)
    }

    /// The progress strings `fetch` returned, per task, in order.
    pub fn served_progress(&self, id: &str) -> Vec<Option<String>> {
        self.shared
            .record()
            .served
            .iter()
            .filter(|(task, _)| task == id)
            .map(|(_, p)| p.clone())
            .collect()
    }

    /// Task ids cancelled through the cancel route.
    pub fn cancels(&self) -> Vec<String> {
        self.shared.record().cancels.clone()
    }

    /// The next submit answers `code` (e.g. 9, 23, 4; 21 still creates
    /// the task and returns its id).
    pub fn fail_next_submit(&self, code: i64, description: &str) {
        self.shared.force_code(code, description.to_owned());
    }

    /// Forgets every task, as a proxy that keeps tasks in memory does
    /// when it restarts.
    pub fn forget_tasks(&self) {
        self.shared.forget();
    }

    /// Stops like a crash.
    pub async fn kill(self) {
        self.server.kill().await;
    }

    /// Stops gracefully.
    pub async fn stop(self) {
        self.server.stop().await;
    }
}

fn router(shared: Arc<store::Shared>) -> Router {
    let mj = Router::new()
        .route("/mj/submit/imagine", post(submit::imagine))
        .route("/mj/submit/change", post(submit::change))
        .route("/mj/submit/simple-change", post(submit::simple_change))
        .route("/mj/submit/action", post(submit::action))
        .route("/mj/task/{id}/fetch", get(query::fetch))
        .route("/mj/task/{id}/cancel", post(query::cancel))
        .route("/mj/task/list-by-condition", post(query::list_by_condition))
        .route_layer(middleware::from_fn_with_state(
            Arc::clone(&shared),
            errors::authenticate,
        ));
    mj.route("/_cdn/{*file}", get(query::cdn))
        .with_state(shared)
}
