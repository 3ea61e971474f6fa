//! A stand-in for Stability AI's REST v2beta (PROVIDERS.md §2).
//!
//! - `POST /v2beta/stable-image/generate/{ultra,core,sd3}`,
//!   `POST /v2beta/stable-image/upscale/{fast,conservative,creative}`,
//!   `POST /v2beta/stable-image/edit/inpaint`; `GET /v2beta/results/{id}`
//!   (and the older `/v2beta/stable-image/upscale/creative/result/{id}`);
//!   `GET /v1/user/account` **(unverified)**: the account endpoint of
//!   Stability's v1 API, which Easel uses as a cheap authenticated probe.
//! - Bodies must be `multipart/form-data` (JSON → 400 in Stability's
//!   shape), at most 10 MiB (413). `accept: image/*` (the default) answers
//!   with the bytes and `finish-reason`/`seed`/`x-request-id` headers;
//!   `accept: application/json` with `{image, finish_reason, seed}`.
//! - Errors are `{id: <32 hex>, name, errors: [...]}`; moderation is 403
//!   `content_moderation` ([`Fault::Moderation`](crate::Fault::Moderation),
//!   or a prompt with the word "forbidden"). A prompt with the word
//!   "filtered" succeeds with `finish-reason: CONTENT_FILTERED` and a
//!   blurred picture, as the real content filter does.
//! - Creative upscales are asynchronous: 200 `{id}`, then `GET
//!   /v2beta/results/{id}` answers 202 `{id, status: "in-progress"}` until
//!   [`Options::async_steps`] steps have passed, then 200 with the image;
//!   unknown ids 404. Results are kept for the stand-in's lifetime and
//!   survive [`StabilityStandIn::restart`] (the real service keeps them 24 h
//!   on its side).
//!
//! Faults: `status` → that status in Stability's shape; `rate_limited` →
//! 429 (with a `retry-after`, which Stability does not document);
//! `hang`, `delay`; `malformed_json`, `wrong_content_type`;
//! `truncated_image`, `oversized_image` replace the image bytes;
//! `runtime_error` → 500 `internal_error` (for a creative upscale, its
//! result fails that way when polled).

mod errors;
mod handlers;
mod render;
mod validate;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};

use crate::common::{Common, Faults, RequestLog, Server, SplitMix};
pub use crate::openai::form::{ReceivedFile, ReceivedRequest};
pub use validate::{ASPECT_RATIOS, SD3_MODELS, STYLE_PRESETS};

/// The key the stand-in accepts.
pub const STANDIN_KEY: &str = "sk-standin";

/// The word that makes the moderation system refuse a prompt (403).
pub const FORBIDDEN_WORD: &str = "forbidden";

/// The word that makes the content filter blur the result (200,
/// `CONTENT_FILTERED`).
pub const FILTERED_WORD: &str = "filtered";

/// Largest accepted request body.
pub const MAX_BODY_BYTES: usize = 10 * 1024 * 1024;

/// How the stand-in runs.
#[derive(Debug, Clone)]
pub struct Options {
    /// Where to listen (port 0: any free port).
    pub bind: SocketAddr,
    /// How long one simulated step takes.
    pub step: Duration,
    /// Simulated steps of a synchronous request.
    pub steps: u32,
    /// Simulated steps before a creative upscale's result is ready.
    pub async_steps: u32,
    /// The key accepted as `authorization: Bearer <key>`.
    pub key: String,
    /// Pixels of a creative upscale's output (about 4 MP by default;
    /// tests may lower it).
    pub creative_pixels: u64,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            bind: SocketAddr::from(([127, 0, 0, 1], 0)),
            step: Duration::from_millis(20),
            steps: 3,
            async_steps: 5,
            key: STANDIN_KEY.to_owned(),
            creative_pixels: 4 * 1024 * 1024,
        }
    }
}

/// State that outlives a restart.
#[derive(Debug)]
struct Shared {
    options: Options,
    received: Mutex<Vec<ReceivedRequest>>,
    results: Mutex<HashMap<String, StoredResult>>,
    abandoned: AtomicUsize,
    completed: AtomicUsize,
    random: Mutex<SplitMix>,
}

/// An asynchronous result.
#[derive(Debug, Clone)]
struct StoredResult {
    ready_at: Instant,
    outcome: Result<Finished, ()>,
}

/// A finished image, as the endpoint will send it.
#[derive(Debug, Clone)]
struct Finished {
    bytes: Vec<u8>,
    format: &'static str,
    seed: u64,
    finish_reason: &'static str,
}

/// What handlers get: the shared state and this run's [`Common`].
#[derive(Debug, Clone)]
struct AppState {
    shared: Arc<Shared>,
    common: Common,
}

impl AppState {
    fn record(&self, received: ReceivedRequest) {
        lock(&self.shared.received).push(received);
    }

    fn random_seed(&self) -> u64 {
        lock(&self.shared.random).next_u64() % validate::MAX_SEED + 1
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Counts a request whose client went away before the answer was sent,
/// unless [`Attempt::finish`] was called.
#[derive(Debug)]
struct Attempt {
    shared: Arc<Shared>,
    finished: bool,
}

impl Attempt {
    fn new(state: &AppState) -> Self {
        Self {
            shared: Arc::clone(&state.shared),
            finished: false,
        }
    }

    fn finish(mut self) {
        self.finished = true;
        self.shared.completed.fetch_add(1, Ordering::SeqCst);
    }
}

impl Drop for Attempt {
    fn drop(&mut self) {
        if !self.finished {
            self.shared.abandoned.fetch_add(1, Ordering::SeqCst);
        }
    }
}

/// A running Stability stand-in.
#[derive(Debug)]
pub struct StabilityStandIn {
    server: Option<Server>,
    shared: Arc<Shared>,
    faults: Faults,
    log: RequestLog,
    addr: SocketAddr,
}

impl StabilityStandIn {
    /// Starts the stand-in.
    pub async fn start(options: Options) -> std::io::Result<Self> {
        let common = Common::default();
        let shared = Arc::new(Shared {
            options: options.clone(),
            received: Mutex::new(Vec::new()),
            results: Mutex::new(HashMap::new()),
            abandoned: AtomicUsize::new(0),
            completed: AtomicUsize::new(0),
            random: Mutex::new(SplitMix(42)),
        });
        let (faults, log) = (common.faults.clone(), common.log.clone());
        let server = serve(options.bind, &shared, common).await?;
        Ok(Self {
            addr: server.addr(),
            server: Some(server),
            shared,
            faults,
            log,
        })
    }

    /// Stops like a crash and serves again on the same address, keeping
    /// the results, faults and logs (as the real service keeps results).
    pub async fn restart(&mut self) -> std::io::Result<()> {
        if let Some(server) = self.server.take() {
            server.kill().await;
        }
        let mut common = Common::default();
        common.faults = self.faults.clone();
        common.log = self.log.clone();
        self.server = Some(serve(self.addr, &self.shared, common).await?);
        Ok(())
    }

    /// The base URL to configure in Easel.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Its faults.
    pub fn faults(&self) -> &Faults {
        &self.faults
    }

    /// Its request log.
    pub fn log(&self) -> &RequestLog {
        &self.log
    }

    /// Every request body received (parsed), in order.
    pub fn requests(&self) -> Vec<ReceivedRequest> {
        lock(&self.shared.received).clone()
    }

    /// The last request body received.
    pub fn last_request(&self) -> Option<ReceivedRequest> {
        lock(&self.shared.received).last().cloned()
    }

    /// Requests whose client went away before the answer was sent.
    pub fn abandoned(&self) -> usize {
        self.shared.abandoned.load(Ordering::SeqCst)
    }

    /// Synchronous requests answered in full.
    pub fn completed(&self) -> usize {
        self.shared.completed.load(Ordering::SeqCst)
    }

    /// How many asynchronous results it holds.
    pub fn results(&self) -> usize {
        lock(&self.shared.results).len()
    }

    /// Stops like a crash (results are lost with the process).
    pub async fn kill(mut self) {
        if let Some(server) = self.server.take() {
            server.kill().await;
        }
    }

    /// Stops gracefully.
    pub async fn stop(mut self) {
        if let Some(server) = self.server.take() {
            server.stop().await;
        }
    }
}

async fn serve(bind: SocketAddr, shared: &Arc<Shared>, common: Common) -> std::io::Result<Server> {
    let state = AppState {
        shared: Arc::clone(shared),
        common: common.clone(),
    };
    Server::start(bind, router(state), common).await
}

fn router(state: AppState) -> Router {
    Router::new()
        .route(
            "/v2beta/stable-image/generate/{service}",
            post(handlers::create),
        )
        .route(
            "/v2beta/stable-image/upscale/{service}",
            post(handlers::create),
        )
        .route(
            "/v2beta/stable-image/edit/{service}",
            post(handlers::create),
        )
        .route("/v2beta/results/{id}", get(handlers::result))
        .route(
            "/v2beta/stable-image/upscale/creative/result/{id}",
            get(handlers::result),
        )
        .route("/v1/user/account", get(handlers::account))
        .fallback(handlers::no_route)
        .layer(middleware::from_fn_with_state(state.clone(), api_layer))
        .with_state(state)
}

/// Bearer check, then `x-request-id` on every answer.
async fn api_layer(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let given = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim);
    let mut response = if given == Some(state.shared.options.key.as_str()) {
        next.run(request).await
    } else if request.uri().path().starts_with("/v1/") {
        handlers::v1_unauthorized()
    } else {
        errors::StabilityError::unauthorized().into_response()
    };
    let id = uuid::Uuid::new_v4().simple().to_string();
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert("x-request-id", value);
    }
    response
}
