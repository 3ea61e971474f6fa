//! Shared helpers of the ComfyUI connector tests.

#![allow(dead_code, reason = "each test module uses a different subset")]

use std::sync::Arc;
use std::time::Duration;

use easel_domain::generation::{GenerationRequest, Seed};
use easel_engine::providers::comfyui::{ComfyUiProvider, ComfyUiSettings};
use easel_engine::providers::testing::{self, RecordingProgress};
use easel_engine::providers::{Generated, GeneratedImage, JobContext, Provider, ProviderError};
use easel_standins::comfyui::{ComfyUiStandIn, Options};
use image::RgbImage;
use serde_json::Value;

/// The checkpoint the stand-in lists first.
pub const CKPT: &str = "sd_xl_base_1.0.safetensors";
/// Its model id.
pub const MODEL: &str = "comfyui:sd_xl_base_1.0.safetensors";

/// A stand-in with fast steps.
pub async fn standin() -> ComfyUiStandIn {
    ComfyUiStandIn::start(Options {
        step: Duration::from_millis(5),
        ..Options::default()
    })
    .await
    .expect("stand-in starts")
}

/// Settings for `base` with short waits.
pub fn settings(base: &str) -> ComfyUiSettings {
    let mut settings = ComfyUiSettings::new(base);
    settings.remote.timeout = Duration::from_secs(5);
    settings.remote.connect_timeout = Duration::from_secs(2);
    settings.poll_interval = Duration::from_millis(20);
    settings.watchdog_interval = Duration::from_secs(2);
    settings.job_timeout = Duration::from_secs(20);
    settings
}

/// A provider for the stand-in.
pub fn provider(standin: &ComfyUiStandIn) -> Arc<ComfyUiProvider> {
    Arc::new(ComfyUiProvider::new(settings(&standin.base_url())))
}

/// A small txt2img request.
pub fn request(prompt: &str) -> GenerationRequest {
    GenerationRequest {
        model: MODEL.into(),
        prompt: prompt.into(),
        negative_prompt: "blurry".into(),
        width: 64,
        height: 48,
        count: 1,
        seed: Seed::Fixed(7),
        steps: Some(3),
        ..GenerationRequest::default()
    }
}

/// A context for `request`.
pub fn context(request: GenerationRequest) -> (JobContext, RecordingProgress) {
    testing::context(request)
}

/// The bytes of a generated image.
pub fn bytes(generated: &Generated) -> &[u8] {
    match &generated.image {
        GeneratedImage::Encoded(bytes) => bytes,
        GeneratedImage::Pixels(_) => panic!("expected encoded bytes"),
    }
}

/// A generated image, decoded.
pub fn pixels(generated: &Generated) -> RgbImage {
    image::load_from_memory(bytes(generated))
        .expect("a decodable image")
        .to_rgb8()
}

/// Runs a job to its end.
pub async fn run(
    provider: &ComfyUiProvider,
    cx: &JobContext,
) -> Result<Vec<Generated>, ProviderError> {
    tokio::time::timeout(Duration::from_secs(20), provider.run(cx))
        .await
        .expect("the run ends within 20 s")
}

/// The `POST /prompt` bodies the stand-in got.
pub fn posted_prompts(standin: &ComfyUiStandIn) -> Vec<Value> {
    standin.prompts_received()
}

/// How many times `method path` was requested.
pub fn requests(standin: &ComfyUiStandIn, method: &str, path: &str) -> usize {
    standin
        .log()
        .to_path(path)
        .iter()
        .filter(|r| r.method == method)
        .count()
}

/// Waits (bounded) for a condition the system reaches soon.
pub async fn eventually(what: &str, mut check: impl FnMut() -> bool) {
    for _ in 0..1000 {
        if check() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("timed out waiting for {what}");
}

/// A PNG of `image`.
pub fn png(image: &RgbImage) -> Vec<u8> {
    easel_standins::common::png(image, &[])
}

/// What the stand-in paints for `prompt` and `seed`.
pub fn painted(prompt: &str, seed: u64, width: u32, height: u32) -> RgbImage {
    easel_standins::common::paint(prompt, seed, width, height)
}

/// The graph node of `class_type` in a posted prompt.
pub fn node<'v>(graph: &'v Value, class_type: &str) -> &'v Value {
    graph
        .as_object()
        .and_then(|nodes| nodes.values().find(|n| n["class_type"] == class_type))
        .unwrap_or_else(|| panic!("no {class_type} in {graph}"))
}
