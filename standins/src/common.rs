//! What every stand-in shares: a server handle, fault injection, a request
//! log, and a painter for deterministic images.
//!
//! Faults are queued on the stand-in ([`Faults::inject`], or over HTTP with
//! `POST /_standin/faults`) and consumed by the next matching request; each
//! stand-in renders a fault in its own protocol's shape (OpenAI's error
//! body, Stability's `{id, name, errors}`, a Midjourney `code` ...).

use std::collections::VecDeque;
use std::io::Cursor;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, extract::DefaultBodyLimit};
use image::{Rgb, RgbImage};
use serde::{Deserialize, Serialize};
use tokio::sync::{oneshot, watch};
use tokio::task::JoinHandle;

/// A way for a stand-in to misbehave, as its real counterpart can.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Fault {
    /// Answer with this status and the backend's error body for it.
    Status {
        /// The HTTP status.
        status: u16,
    },
    /// Rate-limited: 429 (or the backend's equivalent) with a retry-after.
    RateLimited {
        /// Seconds to wait, as the response says.
        retry_after_secs: u32,
    },
    /// Never answer (until the client gives up or the stand-in stops).
    Hang,
    /// Answer normally, after a pause.
    Delay {
        /// The pause, in milliseconds.
        millis: u64,
    },
    /// A success status whose body is not valid JSON.
    MalformedJson,
    /// A success status with the wrong content type (an HTML page).
    WrongContentType,
    /// The image bytes cut short.
    TruncatedImage,
    /// An image over any sane limit (a PNG declaring 100 000 px a side).
    OversizedImage,
    /// The backend's safety system refuses.
    Moderation,
    /// The job fails while it runs (an execution error, a FAILURE task).
    RuntimeError,
}

/// A queued fault: what, for which paths, how many times.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InjectedFault {
    /// The fault.
    pub fault: Fault,
    /// Only requests whose path starts with this (all, when absent).
    #[serde(default)]
    pub path: Option<String>,
    /// How many matching requests it applies to.
    #[serde(default = "one")]
    pub times: u32,
}

fn one() -> u32 {
    1
}

/// The stand-in's queue of faults. Clones share it.
#[derive(Debug, Clone, Default)]
pub struct Faults {
    queue: Arc<Mutex<VecDeque<InjectedFault>>>,
}

impl Faults {
    /// The next request (any path) suffers `fault`, once.
    pub fn inject(&self, fault: Fault) {
        self.push(InjectedFault {
            fault,
            path: None,
            times: 1,
        });
    }

    /// The next `times` requests under `path_prefix` suffer `fault`.
    pub fn inject_on(&self, path_prefix: &str, fault: Fault, times: u32) {
        self.push(InjectedFault {
            fault,
            path: Some(path_prefix.to_owned()),
            times,
        });
    }

    /// Queues a fault.
    pub fn push(&self, fault: InjectedFault) {
        if fault.times > 0 {
            self.lock().push_back(fault);
        }
    }

    /// Takes the first fault that applies to `path`, if any.
    pub fn take(&self, path: &str) -> Option<Fault> {
        let mut queue = self.lock();
        let index = queue.iter().position(|f| {
            f.path
                .as_deref()
                .is_none_or(|prefix| path.starts_with(prefix))
        })?;
        let entry = &mut queue[index];
        let fault = entry.fault.clone();
        entry.times -= 1;
        if entry.times == 0 {
            queue.remove(index);
        }
        Some(fault)
    }

    /// Drops every queued fault.
    pub fn clear(&self) {
        self.lock().clear();
    }

    /// How many faults are still queued.
    pub fn pending(&self) -> usize {
        self.lock().len()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, VecDeque<InjectedFault>> {
        self.queue.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// One request a stand-in received.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LoggedRequest {
    /// `GET`, `POST` ...
    pub method: String,
    /// The path, without the query.
    pub path: String,
    /// The query string, if any.
    pub query: Option<String>,
    /// Every header, names lowercased.
    pub headers: Vec<(String, String)>,
}

impl LoggedRequest {
    /// A header's value.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// What a stand-in received, in order. Clones share it.
#[derive(Debug, Clone, Default)]
pub struct RequestLog {
    entries: Arc<Mutex<Vec<LoggedRequest>>>,
}

impl RequestLog {
    /// Every request so far.
    pub fn all(&self) -> Vec<LoggedRequest> {
        self.lock().clone()
    }

    /// The requests to `path` (exact match), in order.
    pub fn to_path(&self, path: &str) -> Vec<LoggedRequest> {
        self.lock()
            .iter()
            .filter(|r| r.path == path)
            .cloned()
            .collect()
    }

    /// Forgets everything.
    pub fn clear(&self) {
        self.lock().clear();
    }

    fn record(&self, request: &Request) {
        let headers = request
            .headers()
            .iter()
            .map(|(name, value)| {
                (
                    name.as_str().to_owned(),
                    String::from_utf8_lossy(value.as_bytes()).into_owned(),
                )
            })
            .collect();
        self.lock().push(LoggedRequest {
            method: request.method().as_str().to_owned(),
            path: request.uri().path().to_owned(),
            query: request.uri().query().map(str::to_owned),
            headers,
        });
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<LoggedRequest>> {
        self.entries.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// What every stand-in's state carries: its faults, its log, and a signal
/// that fires when the stand-in is killed (hung handlers and websockets
/// watch it, so a kill drops them as a crashed server would).
#[derive(Debug, Clone)]
pub struct Common {
    /// Queued faults.
    pub faults: Faults,
    /// Requests received.
    pub log: RequestLog,
    killed: watch::Receiver<bool>,
    kill: Arc<watch::Sender<bool>>,
}

impl Default for Common {
    fn default() -> Self {
        let (kill, killed) = watch::channel(false);
        Self {
            faults: Faults::default(),
            log: RequestLog::default(),
            killed,
            kill: Arc::new(kill),
        }
    }
}

impl Common {
    /// Resolves once the stand-in is killed.
    pub async fn killed(&self) {
        let mut killed = self.killed.clone();
        let _ = killed.wait_for(|k| *k).await;
    }

    /// Waits forever, or until the stand-in is killed (the `Hang` fault).
    pub async fn hang(&self) {
        self.killed().await;
    }

    /// Sleeps, or returns early when the stand-in is killed.
    pub async fn sleep(&self, duration: Duration) {
        tokio::select! {
            () = tokio::time::sleep(duration) => {}
            () = self.killed() => {}
        }
    }

    fn fire_kill(&self) {
        let _ = self.kill.send(true);
    }
}

/// A running stand-in: its address, and a way to stop it. Dropping it
/// stops it too.
#[derive(Debug)]
pub struct Server {
    addr: SocketAddr,
    common: Common,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

impl Server {
    /// Serves `router` on `bind` (port 0 picks a free port), with the
    /// control routes (`/_standin/faults`, `/_standin/requests`) and the
    /// request log added.
    pub async fn start(bind: SocketAddr, router: Router, common: Common) -> std::io::Result<Self> {
        let listener = tokio::net::TcpListener::bind(bind).await?;
        let addr = listener.local_addr()?;
        let app = router
            .merge(control_routes(common.clone()))
            .layer(middleware::from_fn_with_state(
                common.log.clone(),
                log_requests,
            ))
            .layer(DefaultBodyLimit::max(200 * 1024 * 1024));
        let (shutdown, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            let serve = axum::serve(listener, app).with_graceful_shutdown(async move {
                let _ = stopped.await;
            });
            if let Err(err) = serve.await {
                tracing::warn!(error = %err, "stand-in server stopped with an error");
            }
        });
        Ok(Self {
            addr,
            common,
            shutdown: Some(shutdown),
            task: Some(task),
        })
    }

    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://<addr>`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Its faults.
    pub fn faults(&self) -> &Faults {
        &self.common.faults
    }

    /// Its request log.
    pub fn log(&self) -> &RequestLog {
        &self.common.log
    }

    /// Stops like a crash: in-flight handlers that wait (hangs, streams,
    /// websockets) are dropped, and the port is closed.
    pub async fn kill(mut self) {
        self.common.fire_kill();
        self.stop_now().await;
    }

    /// Stops gracefully: finishes in-flight requests, then closes.
    pub async fn stop(mut self) {
        self.stop_now().await;
    }

    async fn stop_now(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = tokio::time::timeout(Duration::from_secs(5), task).await;
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.common.fire_kill();
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
    }
}

async fn log_requests(State(log): State<RequestLog>, request: Request, next: Next) -> Response {
    if !request.uri().path().starts_with("/_standin/") {
        log.record(&request);
    }
    next.run(request).await
}

/// `POST /_standin/faults` (an [`InjectedFault`]), `DELETE
/// /_standin/faults`, `GET /_standin/requests`.
fn control_routes(common: Common) -> Router {
    Router::new()
        .route(
            "/_standin/faults",
            axum::routing::post(add_fault).delete(clear_faults),
        )
        .route("/_standin/requests", get(list_requests))
        .with_state(common)
}

async fn add_fault(State(common): State<Common>, Json(fault): Json<InjectedFault>) -> StatusCode {
    common.faults.push(fault);
    StatusCode::NO_CONTENT
}

async fn clear_faults(State(common): State<Common>) -> StatusCode {
    common.faults.clear();
    StatusCode::NO_CONTENT
}

async fn list_requests(State(common): State<Common>) -> Json<Vec<LoggedRequest>> {
    Json(common.log.all())
}

/// A 200 whose body is not JSON, though it says it is.
pub fn malformed_json() -> Response {
    (
        [(axum::http::header::CONTENT_TYPE, "application/json")],
        "{\"data\": [{\"b64_json\": \"iVBOR",
    )
        .into_response()
}

/// A 200 HTML page where JSON was expected (a captive portal, a proxy).
pub fn wrong_content_type() -> Response {
    (
        [(axum::http::header::CONTENT_TYPE, "text/html; charset=utf-8")],
        Body::from("<!doctype html><title>Gateway</title><p>Sign in to continue</p>"),
    )
        .into_response()
}

/// Deterministic pictures for stand-ins: a gradient between two colours
/// taken from the prompt's colour words (or its hash), with a few discs
/// placed by the seed. Different prompts and seeds give different images.
pub fn paint(prompt: &str, seed: u64, width: u32, height: u32) -> RgbImage {
    let (top, bottom) = palette(prompt);
    let mut rng = SplitMix(seed ^ fnv(prompt));
    let discs: Vec<(f32, f32, f32, [u8; 3])> = (0..4)
        .map(|_| {
            let x = rng.unit() * width as f32;
            let y = rng.unit() * height as f32;
            let r = (0.08 + rng.unit() * 0.18) * width.min(height) as f32;
            let c = [rng.byte(), rng.byte(), rng.byte()];
            (x, y, r, c)
        })
        .collect();
    RgbImage::from_fn(width, height, |x, y| {
        let t = y as f32 / height.max(1) as f32;
        let mut px = [0u8; 3];
        for i in 0..3 {
            px[i] = (top[i] as f32 * (1.0 - t) + bottom[i] as f32 * t) as u8;
        }
        for (cx, cy, r, c) in &discs {
            let (dx, dy) = (x as f32 - cx, y as f32 - cy);
            if dx * dx + dy * dy < r * r {
                px = *c;
            }
        }
        Rgb(px)
    })
}

/// A preview `step` of `total` on the way to `target`: the target blended
/// with grey noise that fades as the steps advance.
pub fn preview(target: &RgbImage, step: u32, total: u32, seed: u64) -> RgbImage {
    let done = step as f32 / total.max(1) as f32;
    let mut rng = SplitMix(seed.wrapping_add(u64::from(step)));
    RgbImage::from_fn(target.width(), target.height(), |x, y| {
        let noise = rng.byte() as f32;
        let p = target.get_pixel(x, y);
        Rgb([0, 1, 2].map(|i| (p[i] as f32 * done + noise * (1.0 - done)) as u8))
    })
}

/// A PNG of `image`, with optional `tEXt` chunks.
pub fn png(image: &RgbImage, text: &[(&str, &str)]) -> Vec<u8> {
    let mut out = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut out, image.width(), image.height());
        encoder.set_color(png::ColorType::Rgb);
        encoder.set_depth(png::BitDepth::Eight);
        for (key, value) in text {
            let _ = encoder.add_text_chunk((*key).to_owned(), (*value).to_owned());
        }
        if let Ok(mut writer) = encoder.write_header() {
            let _ = writer.write_image_data(image.as_raw());
        }
    }
    out
}

/// A JPEG of `image`.
pub fn jpeg(image: &RgbImage, quality: u8) -> Vec<u8> {
    let mut out = Cursor::new(Vec::new());
    let encoder = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, quality);
    let _ = image.write_with_encoder(encoder);
    out.into_inner()
}

/// A WebP (lossless) of `image`.
pub fn webp(image: &RgbImage) -> Vec<u8> {
    let mut out = Cursor::new(Vec::new());
    let encoder = image::codecs::webp::WebPEncoder::new_lossless(&mut out);
    let _ = image.write_with_encoder(encoder);
    out.into_inner()
}

/// The first half of a valid PNG: decoders fail on it.
pub fn truncated_png(image: &RgbImage) -> Vec<u8> {
    let mut bytes = png(image, &[]);
    bytes.truncate(bytes.len() / 2);
    bytes
}

/// A tiny, valid PNG header declaring a 100 000 × 100 000 image: a
/// decompression bomb that only a limit check stops.
pub fn oversized_png() -> Vec<u8> {
    let mut out = Vec::new();
    out.extend_from_slice(b"\x89PNG\r\n\x1a\n");
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&100_000u32.to_be_bytes());
    ihdr.extend_from_slice(&100_000u32.to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
    push_chunk(&mut out, b"IHDR", &ihdr);
    push_chunk(
        &mut out,
        b"IDAT",
        &[0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01],
    );
    push_chunk(&mut out, b"IEND", &[]);
    out
}

fn push_chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    out.extend_from_slice(&(data.len() as u32).to_be_bytes());
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    let mut crc_input = kind.to_vec();
    crc_input.extend_from_slice(data);
    out.extend_from_slice(&crc32(&crc_input).to_be_bytes());
}

fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xffff_ffffu32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xedb8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// Two colours for a prompt: named colours it mentions, else from its hash.
fn palette(prompt: &str) -> ([u8; 3], [u8; 3]) {
    const NAMED: &[(&str, [u8; 3])] = &[
        ("red", [200, 40, 40]),
        ("orange", [235, 130, 30]),
        ("yellow", [240, 210, 50]),
        ("green", [50, 160, 70]),
        ("blue", [40, 80, 200]),
        ("purple", [130, 60, 170]),
        ("pink", [235, 120, 170]),
        ("black", [15, 15, 20]),
        ("white", [240, 240, 240]),
        ("gray", [128, 128, 128]),
        ("grey", [128, 128, 128]),
        ("brown", [120, 80, 40]),
        ("gold", [212, 175, 55]),
        ("teal", [30, 140, 140]),
    ];
    let lower = prompt.to_lowercase();
    let found: Vec<[u8; 3]> = NAMED
        .iter()
        .filter(|(name, _)| {
            lower
                .split(|c: char| !c.is_alphanumeric())
                .any(|w| w == *name)
        })
        .map(|(_, c)| *c)
        .collect();
    let hash = fnv(&lower);
    let from_hash = |shift: u32| {
        let h = hash.rotate_left(shift);
        [
            (h & 0xff) as u8,
            ((h >> 8) & 0xff) as u8,
            ((h >> 16) & 0xff) as u8,
        ]
    };
    match found.as_slice() {
        [] => (from_hash(0), from_hash(24)),
        [only] => (*only, from_hash(24)),
        [first, second, ..] => (*first, *second),
    }
}

fn fnv(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
    })
}

/// A small deterministic generator (SplitMix64).
#[derive(Debug, Clone)]
pub struct SplitMix(pub u64);

impl SplitMix {
    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A float in `0..1`.
    pub fn unit(&mut self) -> f32 {
        (self.next_u64() >> 40) as f32 / (1u64 << 24) as f32
    }

    /// A random byte.
    pub fn byte(&mut self) -> u8 {
        (self.next_u64() >> 56) as u8
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn faults_apply_in_order_to_matching_paths_and_run_out() {
        let faults = Faults::default();
        faults.inject_on("/v1/images", Fault::Hang, 2);
        faults.inject(Fault::MalformedJson);
        assert_eq!(faults.take("/other"), Some(Fault::MalformedJson));
        assert_eq!(faults.take("/other"), None);
        assert_eq!(faults.take("/v1/images/generations"), Some(Fault::Hang));
        assert_eq!(faults.take("/v1/images/edits"), Some(Fault::Hang));
        assert_eq!(faults.take("/v1/images/edits"), None);
        assert_eq!(faults.pending(), 0);
    }

    #[test]
    fn paintings_depend_on_prompt_and_seed() {
        let a = paint("a red barn", 1, 64, 64);
        assert_eq!(a, paint("a red barn", 1, 64, 64));
        assert_ne!(a, paint("a red barn", 2, 64, 64));
        assert_ne!(a, paint("a blue lake", 1, 64, 64));
        let decoded = image::load_from_memory(&png(&a, &[("parameters", "x")]))
            .map(|i| i.to_rgb8())
            .ok();
        assert_eq!(decoded.as_ref(), Some(&a));
    }

    #[test]
    fn broken_images_do_not_decode() {
        let a = paint("x", 1, 32, 32);
        assert!(image::load_from_memory(&truncated_png(&a)).is_err());
        let reader = image::ImageReader::new(Cursor::new(oversized_png()))
            .with_guessed_format()
            .ok()
            .and_then(|r| r.into_dimensions().ok());
        assert_eq!(reader, Some((100_000, 100_000)));
    }
}
