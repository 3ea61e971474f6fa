//! A stand-in for the OpenAI Images API (PROVIDERS.md §1): DALL-E 2,
//! DALL-E 3 and the gpt-image models, faithful to the parts Easel uses.
//!
//! - `POST /v1/images/generations` (JSON), `POST /v1/images/edits`
//!   (multipart with `image` or repeated `image[]` and `mask`, or the JSON
//!   encoding for gpt-image), `POST /v1/images/variations` (multipart,
//!   dall-e-2), `GET /v1/models` and `GET /v1/models/{id}` (the standard
//!   OpenAI models endpoint, listing [`Options::models`]).
//! - Bearer authentication with OpenAI's 401 bodies; the per-model
//!   validation matrix with 400 `invalid_request_error` bodies naming
//!   `param`; `created` and `data` always present; `url` results served
//!   from `/_files/<id>.png?st=…&se=…` until they expire
//!   ([`Options::url_ttl`], 60 minutes as on the real service);
//!   `revised_prompt` for dall-e-3 only; gpt-image extras (`background`,
//!   `output_format`, `size`, `quality`, `usage`); server-sent events with
//!   `event:` lines, partial images, then the completed image.
//! - `x-request-id` and the `x-ratelimit-*-requests` trio on every `/v1`
//!   response; 429 with `retry-after`, `retry-after-ms`, `x-should-retry`.
//! - Moderation: [`Fault::Moderation`](crate::Fault::Moderation), or any
//!   prompt containing the word "forbidden", is refused with the family's
//!   400 body (`content_policy_violation` for DALL-E, `moderation_blocked`
//!   with `moderation_details` for gpt-image).
//!
//! Faults are rendered in OpenAI's shapes: `status` → that status with an
//! OpenAI error body; `rate_limited` → 429 with the retry headers; `hang`,
//! `delay`; `malformed_json`, `wrong_content_type`; `truncated_image` and
//! `oversized_image` replace the image bytes; `runtime_error` → 500
//! `server_error`, or an `error` event in the middle of a stream.

pub(crate) mod codec;
mod errors;
pub mod form;
mod handlers;
mod images;
pub(crate) mod lifecycle;
mod params;
mod routes;
mod stream;
mod validate;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};

use crate::common::{Common, Faults, RequestLog, Server};
pub use form::{ReceivedFile, ReceivedRequest};

/// The key the stand-in accepts.
pub const STANDIN_KEY: &str = "sk-standin";

/// The word that makes the safety system refuse a prompt.
pub const FORBIDDEN_WORD: &str = "forbidden";

/// How the stand-in runs.
#[derive(Debug, Clone)]
pub struct Options {
    /// Where to listen (port 0: any free port).
    pub bind: SocketAddr,
    /// How long one simulated step takes.
    pub step: Duration,
    /// Simulated steps per request (a stream sends its partial images
    /// spread over them).
    pub steps: u32,
    /// The key accepted as `Authorization: Bearer <key>`.
    pub key: String,
    /// The models the account has (`GET /v1/models`); image requests for
    /// others answer 404 `model_not_found`.
    pub models: Vec<String>,
    /// How long `url` results stay downloadable.
    pub url_ttl: Duration,
    /// End streams with `data: [DONE]` after the completed event (some
    /// proxies do; the real image streams simply end).
    pub done_marker: bool,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            bind: SocketAddr::from(([127, 0, 0, 1], 0)),
            step: Duration::from_millis(20),
            steps: 3,
            key: STANDIN_KEY.to_owned(),
            models: [
                "gpt-4o",
                "gpt-4o-mini",
                "dall-e-3",
                "dall-e-2",
                "gpt-image-1",
                "gpt-image-1-mini",
                "gpt-image-1.5",
                "whisper-1",
                "tts-1",
                "text-embedding-3-small",
            ]
            .map(str::to_owned)
            .to_vec(),
            url_ttl: Duration::from_secs(60 * 60),
            done_marker: false,
        }
    }
}

/// What handlers share.
#[derive(Debug, Clone)]
struct AppState(Arc<Inner>);

#[derive(Debug)]
struct Inner {
    common: Common,
    options: Options,
    files: Mutex<HashMap<String, StoredFile>>,
    received: Mutex<Vec<ReceivedRequest>>,
    abandoned: AtomicUsize,
    completed: AtomicUsize,
    window: Mutex<(Instant, u32)>,
}

/// A `url` result, until it expires.
#[derive(Debug, Clone)]
struct StoredFile {
    bytes: Vec<u8>,
    content_type: &'static str,
    expires: Instant,
}

/// Requests per minute reported in `x-ratelimit-limit-requests`.
const RATE_LIMIT: u32 = 500;

impl AppState {
    fn record(&self, received: ReceivedRequest) {
        lock(&self.0.received).push(received);
    }

    /// Counts a request in the rate window; returns what remains of it
    /// and when the window resets.
    fn count_request(&self) -> (u32, Duration) {
        let mut window = lock(&self.0.window);
        if window.0.elapsed() >= Duration::from_secs(60) {
            *window = (Instant::now(), 0);
        }
        window.1 += 1;
        let reset = Duration::from_secs(60).saturating_sub(window.0.elapsed());
        (RATE_LIMIT.saturating_sub(window.1), reset)
    }

    /// Stores a `url` result; returns its id.
    fn store_file(&self, bytes: Vec<u8>, content_type: &'static str) -> String {
        let id = format!("img-{}", uuid::Uuid::new_v4().simple());
        let file = StoredFile {
            bytes,
            content_type,
            expires: Instant::now() + self.0.options.url_ttl,
        };
        lock(&self.0.files).insert(id.clone(), file);
        id
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Counts a generation that ended without its answer being delivered
/// (the client went away), unless [`Attempt::finish`] was called.
#[derive(Debug)]
struct Attempt {
    state: AppState,
    finished: bool,
}

impl Attempt {
    fn new(state: &AppState) -> Self {
        Self {
            state: state.clone(),
            finished: false,
        }
    }

    fn finish(mut self) {
        self.finished = true;
        self.state.0.completed.fetch_add(1, Ordering::SeqCst);
    }
}

impl Drop for Attempt {
    fn drop(&mut self) {
        if !self.finished {
            self.state.0.abandoned.fetch_add(1, Ordering::SeqCst);
        }
    }
}

/// A running OpenAI stand-in.
#[derive(Debug)]
pub struct OpenAiStandIn {
    server: Server,
    state: AppState,
}

impl OpenAiStandIn {
    /// Starts the stand-in.
    pub async fn start(options: Options) -> std::io::Result<Self> {
        let common = Common::default();
        let state = AppState(Arc::new(Inner {
            common: common.clone(),
            options: options.clone(),
            files: Mutex::new(HashMap::new()),
            received: Mutex::new(Vec::new()),
            abandoned: AtomicUsize::new(0),
            completed: AtomicUsize::new(0),
            window: Mutex::new((Instant::now(), 0)),
        }));
        let server = Server::start(options.bind, router(state.clone()), common).await?;
        Ok(Self { server, state })
    }

    /// The base URL to configure in Easel.
    pub fn base_url(&self) -> String {
        format!("{}/v1", self.server.url())
    }

    /// Its faults.
    pub fn faults(&self) -> &Faults {
        self.server.faults()
    }

    /// Its request log.
    pub fn log(&self) -> &RequestLog {
        self.server.log()
    }

    /// Every image request body received (parsed), in order.
    pub fn requests(&self) -> Vec<ReceivedRequest> {
        lock(&self.state.0.received).clone()
    }

    /// The last image request body received.
    pub fn last_request(&self) -> Option<ReceivedRequest> {
        lock(&self.state.0.received).last().cloned()
    }

    /// Generations whose client went away before the answer was sent.
    pub fn abandoned(&self) -> usize {
        self.state.0.abandoned.load(Ordering::SeqCst)
    }

    /// Generations answered in full.
    pub fn completed(&self) -> usize {
        self.state.0.completed.load(Ordering::SeqCst)
    }

    /// Makes every stored `url` result expire now.
    pub fn expire_urls(&self) {
        for file in lock(&self.state.0.files).values_mut() {
            file.expires = Instant::now();
        }
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

fn router(state: AppState) -> Router {
    let api = Router::new()
        .route("/v1/images/generations", post(handlers::generations))
        .route("/v1/images/edits", post(handlers::edits))
        .route("/v1/images/variations", post(handlers::variations))
        .route("/v1/models", get(routes::list_models))
        .route("/v1/models/{id}", get(routes::get_model))
        .layer(middleware::from_fn_with_state(state.clone(), api_layer));
    Router::new()
        .route("/_files/{name}", get(routes::download))
        .merge(api)
        .with_state(state)
}

/// Bearer check, then OpenAI's response headers.
async fn api_layer(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    let (remaining, reset) = state.count_request();
    let given = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .map(|v| v.strip_prefix("Bearer ").unwrap_or(v).trim().to_owned());
    let mut response = if given.as_deref() == Some(state.0.options.key.as_str()) {
        next.run(request).await
    } else {
        errors::ApiError::unauthorized(given.as_deref()).into_response()
    };
    let remaining = if response.status() == StatusCode::TOO_MANY_REQUESTS {
        0
    } else {
        remaining
    };
    let headers = [
        (
            "x-request-id",
            format!("req_{}", uuid::Uuid::new_v4().simple()),
        ),
        ("openai-version", "2020-10-01".to_owned()),
        (
            "openai-processing-ms",
            started.elapsed().as_millis().to_string(),
        ),
        ("x-ratelimit-limit-requests", RATE_LIMIT.to_string()),
        ("x-ratelimit-remaining-requests", remaining.to_string()),
        ("x-ratelimit-reset-requests", reset_text(reset)),
    ];
    for (name, value) in headers {
        if let Ok(value) = HeaderValue::from_str(&value) {
            response.headers_mut().insert(name, value);
        }
    }
    response
}

/// A duration as OpenAI writes resets: `1s`, `6m0s`, `120ms`.
fn reset_text(reset: Duration) -> String {
    let secs = reset.as_secs();
    match secs {
        0 => format!("{}ms", reset.as_millis()),
        1..60 => format!("{secs}s"),
        _ => format!("{}m{}s", secs / 60, secs % 60),
    }
}
