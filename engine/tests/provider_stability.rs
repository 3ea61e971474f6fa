//! The Stability connector against the Stability stand-in: every
//! operation, asynchronous upscales with re-attach, the fault matrix,
//! cancellation, probe and status.

#[path = "provider_stability/faults.rs"]
mod faults;
#[path = "provider_stability/health.rs"]
mod health;
#[path = "provider_stability/operations.rs"]
mod operations;
#[path = "provider_stability/upscales.rs"]
mod upscales;

use std::sync::Arc;
use std::time::Duration;

use easel_domain::generation::{GenerationRequest, Operation, Seed, SizeRule};
use easel_engine::imaging::{self, DecodeLimits, ImagingError};
use easel_engine::providers::http::ApiKey;
use easel_engine::providers::stability::{StabilityProvider, StabilitySettings};
use easel_engine::providers::testing::{self, RecordingProgress};
use easel_engine::providers::{Generated, GeneratedImage, JobContext, Provider, ProviderError};
use easel_standins::Fault;
use easel_standins::stability::{Options, STANDIN_KEY, StabilityStandIn};
use image::GenericImageView;
use serde_json::json;

/// Quick simulated steps, small creative upscales.
fn options() -> Options {
    Options {
        step: Duration::from_millis(5),
        creative_pixels: 128 * 128,
        ..Options::default()
    }
}

async fn standin() -> StabilityStandIn {
    standin_with(options()).await
}

async fn standin_with(options: Options) -> StabilityStandIn {
    StabilityStandIn::start(options)
        .await
        .expect("stand-in starts")
}

fn settings(standin: &StabilityStandIn) -> StabilitySettings {
    let mut settings = StabilitySettings::new(standin.base_url(), Some(ApiKey::new(STANDIN_KEY)));
    // Generous: the machine may be busy; the timeout test sets its own.
    settings.remote.timeout = Duration::from_secs(60);
    settings.poll_interval = Duration::from_millis(10);
    settings.upscale_nominal = Duration::from_millis(200);
    settings
}

fn provider(standin: &StabilityStandIn) -> StabilityProvider {
    StabilityProvider::new(settings(standin))
}

fn request(model: &str, prompt: &str, width: u32, height: u32) -> GenerationRequest {
    GenerationRequest {
        model: format!("stability:{model}"),
        prompt: prompt.into(),
        width,
        height,
        count: 1,
        seed: Seed::Fixed(1000),
        ..GenerationRequest::default()
    }
}

async fn run(
    provider: &StabilityProvider,
    request: GenerationRequest,
) -> (Result<Vec<Generated>, ProviderError>, RecordingProgress) {
    let (cx, progress) = testing::context(request);
    (provider.run(&cx).await, progress)
}

fn bytes(generated: &Generated) -> &[u8] {
    match &generated.image {
        GeneratedImage::Encoded(bytes) => bytes,
        GeneratedImage::Pixels(_) => panic!("remote results are encoded"),
    }
}

fn decode(generated: &Generated) -> image::DynamicImage {
    imaging::decode(bytes(generated), &DecodeLimits::default()).expect("a usable image")
}

fn source_png(width: u32, height: u32) -> Vec<u8> {
    let image = image::RgbImage::from_fn(width, height, |x, y| {
        image::Rgb([(x * 3) as u8, (y * 5) as u8, 90])
    });
    let mut out = std::io::Cursor::new(Vec::new());
    image
        .write_to(&mut out, image::ImageFormat::Png)
        .expect("png");
    out.into_inner()
}

fn with_source(
    request: GenerationRequest,
    width: u32,
    height: u32,
) -> (JobContext, RecordingProgress) {
    let (cx, progress) = testing::context(GenerationRequest {
        init_image: Some(uuid::Uuid::nil()),
        ..request
    });
    (
        testing::with_source(cx, source_png(width, height), json!({})),
        progress,
    )
}

fn upscale(model: &str, width: u32, height: u32) -> (JobContext, RecordingProgress) {
    let mut req = request(model, "crisp details", width, height);
    req.operation = Some(Operation::Upscale);
    with_source(req, width, height)
}

async fn wait_for(what: &str, condition: impl Fn() -> bool) {
    for _ in 0..500 {
        if condition() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("timed out waiting for {what}");
}

fn expect_fatal(result: Result<Vec<Generated>, ProviderError>, needle: &str) {
    match result {
        Err(ProviderError::Fatal(message)) => assert!(message.contains(needle), "{message}"),
        other => panic!("expected a fatal error with {needle:?}, got {other:?}"),
    }
}
