//! The AUTOMATIC1111 connector against its stand-in: every operation, the
//! fault matrix, cancel (only Easel's own task is interrupted), re-attach
//! after a restart, probe and status.

use std::sync::Arc;
use std::time::{Duration, Instant};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use easel_domain::generation::{GenerationRequest, Operation, Seed};
use easel_engine::imaging::{self, DecodeLimits};
use easel_engine::providers::a1111::{A1111Provider, A1111Settings};
use easel_engine::providers::http::ApiKey;
use easel_engine::providers::testing::{self, RecordingProgress};
use easel_engine::providers::{Generated, GeneratedImage, JobContext, Provider, ProviderError};
use easel_standins::a1111::{A1111StandIn, Options};
use easel_standins::common::{Fault, paint, png};
use serde_json::{Value, json};
use uuid::Uuid;

#[path = "provider_a1111/cancel.rs"]
mod cancel;
#[path = "provider_a1111/faults.rs"]
mod faults;

const TXT2IMG: &str = "/sdapi/v1/txt2img";
const IMG2IMG: &str = "/sdapi/v1/img2img";

/// A stand-in whose steps advance with the connector's polls.
fn lockstep() -> Options {
    Options {
        step: Duration::from_millis(1),
        preview_every: 2,
        step_on_poll: true,
        ..Options::default()
    }
}

fn settings(standin: &A1111StandIn) -> A1111Settings {
    let mut settings = A1111Settings::new(standin.base_url());
    settings.poll_interval = Duration::from_millis(5);
    settings.remote.timeout = Duration::from_secs(20);
    settings
}

async fn setup(options: Options) -> (A1111StandIn, A1111Provider) {
    let standin = A1111StandIn::start(options).await.expect("stand-in starts");
    let provider = A1111Provider::new(settings(&standin));
    provider.probe().await;
    (standin, provider)
}

fn request(model: &str, prompt: &str) -> GenerationRequest {
    GenerationRequest {
        model: format!("a1111:{model}"),
        prompt: prompt.into(),
        width: 64,
        height: 48,
        count: 1,
        seed: Seed::Fixed(100),
        steps: Some(6),
        ..GenerationRequest::default()
    }
}

fn pixels(generated: &Generated) -> image::RgbImage {
    match &generated.image {
        GeneratedImage::Encoded(bytes) => imaging::decode(bytes, &DecodeLimits::default())
            .expect("a valid image")
            .to_rgb8(),
        GeneratedImage::Pixels(pixels) => pixels.clone(),
    }
}

fn encoded(generated: &Generated) -> &[u8] {
    match &generated.image {
        GeneratedImage::Encoded(bytes) => bytes,
        GeneratedImage::Pixels(_) => panic!("expected encoded bytes"),
    }
}

async fn run(
    provider: &A1111Provider,
    request: GenerationRequest,
) -> (Result<Vec<Generated>, ProviderError>, RecordingProgress) {
    let (cx, progress) = testing::context(request);
    (provider.run(&cx).await, progress)
}

fn decode_b64_png(text: &str) -> image::DynamicImage {
    image::load_from_memory(&STANDARD.decode(text).expect("base64")).expect("a PNG")
}

/// Waits (without asserting anything about time) for `done`.
async fn until(mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while !done() {
        assert!(Instant::now() < deadline, "gave up waiting");
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
}

#[tokio::test]
async fn probe_lists_checkpoints_samplers_and_schedulers() {
    let (standin, provider) = setup(lockstep()).await;
    let models = provider.models();
    let ids: Vec<&str> = models.iter().map(|m| m.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "a1111:v1-5-pruned-emaonly",
            "a1111:sd_xl_base_1.0",
            "a1111:dreamshaper_8"
        ]
    );
    assert_eq!(
        models[0].label,
        "v1-5-pruned-emaonly.safetensors [6ce0161689]"
    );
    let caps = &models[0].capabilities;
    assert!(caps.prompt_weighting && caps.negative_prompt && caps.seed);
    assert_eq!(caps.max_count, 8);
    assert_eq!(caps.upscale_factors, [2, 4]);
    for op in [
        Operation::Txt2img,
        Operation::Img2img,
        Operation::Inpaint,
        Operation::Upscale,
    ] {
        assert!(caps.supports(op), "{op:?}");
    }
    let sampler = caps.sampler.as_ref().expect("samplers");
    assert_eq!(sampler.default, "Euler a");
    assert!(sampler.accepts("DPM++ 2M"));
    let scheduler = caps.scheduler.as_ref().expect("schedulers (v1.9+)");
    assert_eq!(scheduler.default, "automatic");
    assert!(
        scheduler
            .options
            .iter()
            .any(|c| c.value == "karras" && c.label == "Karras")
    );
    let steps = caps.steps.expect("steps");
    assert_eq!((steps.min, steps.max, steps.default), (1.0, 150.0, 20.0));
    let status = provider.status();
    assert!(status.reachable);
    assert_eq!(
        status.endpoint.as_deref(),
        Some(standin.base_url().as_str())
    );
    assert!(!status.has_credentials);
    assert_eq!(status.models.len(), 3);

    let old = A1111StandIn::start(Options {
        schedulers_route: false,
        ..lockstep()
    })
    .await
    .expect("starts");
    let provider = A1111Provider::new(settings(&old));
    provider.probe().await;
    assert!(
        provider.models()[0].capabilities.scheduler.is_none(),
        "pre-1.9 servers have none"
    );
}

#[tokio::test]
async fn txt2img_batches_send_the_checkpoint_override_and_sampler_and_report_progress() {
    let (standin, provider) = setup(lockstep()).await;
    let mut req = request("sd_xl_base_1.0", "a red fox in snow");
    req.count = 3;
    req.negative_prompt = "blurry".into();
    req.sampler = Some("DPM++ 2M".into());
    req.scheduler = Some("karras".into());
    req.cfg = Some(6.5);
    let (result, progress) = run(&provider, req).await;
    let images = result.expect("images");
    assert_eq!(images.len(), 3);
    for image in &images {
        assert_eq!(pixels(image).dimensions(), (64, 48));
    }
    assert_ne!(pixels(&images[0]), pixels(&images[1]));
    assert_eq!(
        images.iter().map(|i| i.seed).collect::<Vec<_>>(),
        [Some(100), Some(101), Some(102)]
    );

    let body = standin.last_body(TXT2IMG).expect("a txt2img request");
    assert_eq!(
        body["override_settings"],
        json!({"sd_model_checkpoint": "sd_xl_base_1.0.safetensors [31e35c80fc]"})
    );
    assert_eq!(body["override_settings_restore_afterwards"], true);
    assert_eq!(body["sampler_name"], "DPM++ 2M");
    assert_eq!(body["scheduler"], "karras");
    assert_eq!(
        (body["batch_size"].clone(), body["n_iter"].clone()),
        (json!(3), json!(1))
    );
    assert_eq!(
        (
            body["steps"].clone(),
            body["cfg_scale"].clone(),
            body["seed"].clone()
        ),
        (json!(6), json!(6.5), json!(100))
    );
    assert_eq!(body["negative_prompt"], "blurry");
    assert_eq!(
        standin.current_checkpoint(),
        "v1-5-pruned-emaonly.safetensors [6ce0161689]",
        "restored"
    );

    let handles = progress.with(|r| r.handles.clone());
    let task_id = body["force_task_id"].as_str().expect("a task id");
    assert_eq!(
        handles,
        [
            json!({"task_id": task_id}),
            json!({"task_id": task_id, "finished": true})
        ]
    );
    assert_eq!(images[0].metadata["task_id"], task_id);
    let infotext = images[1].metadata["infotext"]
        .as_str()
        .expect("infotext kept");
    assert!(infotext.starts_with("a red fox in snow\nNegative prompt: blurry\nSteps: 6, Sampler: DPM++ 2M, Schedule type: Karras, CFG scale: 6.5, Seed: 101,"), "{infotext}");
    assert!(infotext.contains("Model: sd_xl_base_1.0"));

    let (steps, previews) = progress.with(|r| (r.steps.clone(), r.previews.clone()));
    assert!(steps.iter().all(|&(_, total, _)| total == 6), "{steps:?}");
    assert!(
        steps.windows(2).all(|w| w[0].0 <= w[1].0),
        "monotonic: {steps:?}"
    );
    assert!(!previews.is_empty(), "live previews from current_image");
    let preview = image::load_from_memory_with_format(&previews[0], image::ImageFormat::Jpeg)
        .expect("a JPEG");
    assert!(preview.width() <= 512 && preview.height() <= 512);
}

#[tokio::test]
async fn different_prompts_and_seeds_differ_and_random_seeds_come_back() {
    let (standin, provider) = setup(lockstep()).await;
    let model = "v1-5-pruned-emaonly";
    let a = run(&provider, request(model, "a red barn"))
        .await
        .0
        .expect("images");
    let b = run(&provider, request(model, "a blue lake"))
        .await
        .0
        .expect("images");
    let mut other_seed = request(model, "a red barn");
    other_seed.seed = Seed::Fixed(7);
    let c = run(&provider, other_seed).await.0.expect("images");
    assert_ne!(pixels(&a[0]), pixels(&b[0]));
    assert_ne!(pixels(&a[0]), pixels(&c[0]));
    let mut random = request(model, "a red barn");
    random.seed = Seed::Random;
    let d = run(&provider, random).await.0.expect("images");
    assert_eq!(standin.last_body(TXT2IMG).expect("body")["seed"], -1);
    let seed = d[0].seed.expect("the seed A1111 chose, from all_seeds");
    assert!(
        d[0].metadata["infotext"]
            .as_str()
            .expect("infotext")
            .contains(&format!("Seed: {seed},"))
    );
}

fn source_png() -> Vec<u8> {
    png(&paint("a green hill", 3, 64, 48), &[])
}

#[tokio::test]
async fn img2img_sends_the_init_image_and_strength() {
    let (standin, provider) = setup(lockstep()).await;
    let mut req = request("v1-5-pruned-emaonly", "a castle");
    req.init_image = Some(Uuid::nil());
    req.strength = Some(0.4);
    let (cx, _) = testing::context(req);
    let cx = testing::with_source(cx, source_png(), json!({}));
    let images = provider.run(&cx).await.expect("images");
    assert_eq!(pixels(&images[0]).dimensions(), (64, 48));
    let body = standin.last_body(IMG2IMG).expect("an img2img request");
    assert_eq!(body["denoising_strength"], 0.4);
    let init = decode_b64_png(body["init_images"][0].as_str().expect("b64")).to_rgb8();
    assert_eq!(
        init,
        paint("a green hill", 3, 64, 48),
        "the stored PNG as it is"
    );
    assert!(body.get("mask").is_none());
    assert!(
        images[0].metadata["infotext"]
            .as_str()
            .expect("infotext")
            .contains("Denoising strength: 0.4")
    );
}

#[tokio::test]
async fn inpainting_sends_the_mask_with_white_repainting() {
    let (standin, provider) = setup(lockstep()).await;
    let mask =
        image::GrayImage::from_fn(64, 48, |x, _| image::Luma([if x >= 32 { 255 } else { 0 }]));
    let mut req = request("v1-5-pruned-emaonly", "a red door");
    req.init_image = Some(Uuid::nil());
    req.mask_png_base64 = Some(STANDARD.encode(png(
        &image::DynamicImage::ImageLuma8(mask.clone()).to_rgb8(),
        &[],
    )));
    let (cx, _) = testing::context(req);
    let mut cx = testing::with_source(cx, source_png(), json!({}));
    cx.mask = Some(Arc::new(mask.clone()));
    let images = provider.run(&cx).await.expect("images");
    let body = standin.last_body(IMG2IMG).expect("an img2img request");
    let received = decode_b64_png(body["mask"].as_str().expect("a mask")).to_luma8();
    assert_eq!(received, mask, "the mask arrives as drawn: white repaints");
    assert_eq!(
        (
            body["inpainting_fill"].clone(),
            body["inpaint_full_res"].clone(),
            body["mask_blur"].clone()
        ),
        (json!(1), json!(false), json!(4))
    );
    let out = pixels(&images[0]);
    let source = paint("a green hill", 3, 64, 48);
    assert_eq!(
        out.get_pixel(3, 3),
        source.get_pixel(3, 3),
        "black keeps the original"
    );
    assert_ne!(
        out.get_pixel(60, 3),
        source.get_pixel(60, 3),
        "white is repainted"
    );
}

#[tokio::test]
async fn upscales_really_scale_with_the_configured_upscaler() {
    let standin = A1111StandIn::start(lockstep()).await.expect("starts");
    let mut config = settings(&standin);
    config.default_upscaler = Some("R-ESRGAN 4x+".into());
    let provider = A1111Provider::new(config);
    provider.probe().await;
    let mut req = request("v1-5-pruned-emaonly", "a castle");
    req.operation = Some(Operation::Upscale);
    req.init_image = Some(Uuid::nil());
    req.upscale_factor = Some(2);
    let (cx, progress) = testing::context(req.clone());
    let cx = testing::with_source(cx, source_png(), json!({}));
    let images = provider.run(&cx).await.expect("an image");
    assert_eq!(pixels(&images[0]).dimensions(), (128, 96));
    let body = standin
        .last_body("/sdapi/v1/extra-single-image")
        .expect("an extras request");
    assert_eq!(
        (body["upscaler_1"].clone(), body["upscaling_resize"].clone()),
        (json!("R-ESRGAN 4x+"), json!(2))
    );
    assert_eq!(images[0].metadata["upscaler"], "R-ESRGAN 4x+");
    assert_eq!(
        progress.with(|r| r.steps.last().copied()),
        Some((1, 1, false))
    );

    let unconfigured = A1111Provider::new(settings(&standin));
    req.upscale_factor = Some(4);
    let (cx, _) = testing::context(req);
    let cx = testing::with_source(cx, source_png(), json!({}));
    let images = unconfigured.run(&cx).await.expect("an image");
    assert_eq!(pixels(&images[0]).dimensions(), (256, 192));
    assert_eq!(
        standin
            .last_body("/sdapi/v1/extra-single-image")
            .expect("body")["upscaler_1"],
        "Lanczos"
    );
}

#[tokio::test]
async fn a_stopped_server_is_reported_unreachable() {
    let (standin, provider) = setup(lockstep()).await;
    assert!(provider.status().reachable);
    standin.stop().await;
    provider.probe().await;
    let status = provider.status();
    assert!(!status.reachable);
    assert!(
        status
            .last_error
            .as_deref()
            .unwrap_or_default()
            .contains("cannot be reached"),
        "{status:?}"
    );
    assert!(status.checked_at.is_some());
    let models = provider.models();
    assert_eq!(models.len(), 3, "the last listing, marked unavailable");
    assert!(models.iter().all(|m| !m.available));
}
