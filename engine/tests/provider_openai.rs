//! The OpenAI connector against the OpenAI stand-in: every operation, the
//! fault matrix, cancellation, probe and status.

#[path = "provider_openai/faults.rs"]
mod faults;
#[path = "provider_openai/health.rs"]
mod health;
#[path = "provider_openai/operations.rs"]
mod operations;

use std::sync::Arc;
use std::time::Duration;

use easel_domain::generation::{GenerationRequest, Operation, Seed};
use easel_engine::imaging::{self, DecodeLimits, ImagingError};
use easel_engine::providers::http::ApiKey;
use easel_engine::providers::openai::{OpenAiProvider, OpenAiSettings, ResponseFormat};
use easel_engine::providers::testing::{self, RecordingProgress};
use easel_engine::providers::{Generated, GeneratedImage, JobContext, Provider, ProviderError};
use easel_standins::Fault;
use easel_standins::openai::{OpenAiStandIn, Options, STANDIN_KEY};
use image::GenericImageView;
use serde_json::json;

/// Quick simulated steps.
fn options() -> Options {
    Options {
        step: Duration::from_millis(5),
        ..Options::default()
    }
}

async fn standin() -> OpenAiStandIn {
    standin_with(options()).await
}

async fn standin_with(options: Options) -> OpenAiStandIn {
    OpenAiStandIn::start(options)
        .await
        .expect("stand-in starts")
}

fn settings(standin: &OpenAiStandIn) -> OpenAiSettings {
    let mut settings = OpenAiSettings::new(standin.base_url(), Some(ApiKey::new(STANDIN_KEY)));
    // Generous: the machine may be busy; the timeout test sets its own.
    settings.remote.timeout = Duration::from_secs(60);
    settings
}

fn provider(standin: &OpenAiStandIn) -> OpenAiProvider {
    OpenAiProvider::new(settings(standin))
}

fn request(model: &str, prompt: &str, width: u32, height: u32) -> GenerationRequest {
    GenerationRequest {
        model: format!("openai:{model}"),
        prompt: prompt.into(),
        width,
        height,
        count: 1,
        seed: Seed::Fixed(7),
        ..GenerationRequest::default()
    }
}

async fn run(
    provider: &OpenAiProvider,
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

fn png(image: &image::DynamicImage) -> Vec<u8> {
    let mut out = std::io::Cursor::new(Vec::new());
    image
        .write_to(&mut out, image::ImageFormat::Png)
        .expect("png");
    out.into_inner()
}

fn source_png(width: u32, height: u32) -> Vec<u8> {
    png(&image::DynamicImage::ImageRgb8(image::RgbImage::from_fn(
        width,
        height,
        |x, y| image::Rgb([(x * 3) as u8, (y * 5) as u8, 90]),
    )))
}

/// A mask whose left half is white (repaint).
fn left_half_mask(width: u32, height: u32) -> image::GrayImage {
    image::GrayImage::from_fn(width, height, |x, _| {
        image::Luma([if x < width / 2 { 255 } else { 0 }])
    })
}

fn edit_context(
    request: GenerationRequest,
    source: Vec<u8>,
    mask: Option<image::GrayImage>,
) -> (JobContext, RecordingProgress) {
    let (cx, progress) = testing::context(request);
    let mut cx = testing::with_source(cx, source, json!({}));
    cx.mask = mask.map(Arc::new);
    (cx, progress)
}

fn inpaint_request(model: &str, width: u32, height: u32) -> GenerationRequest {
    GenerationRequest {
        init_image: Some(uuid::Uuid::nil()),
        mask_png_base64: Some("unused by the connector".into()),
        ..request(model, "a blue window", width, height)
    }
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
