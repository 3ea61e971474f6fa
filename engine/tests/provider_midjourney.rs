//! The Midjourney connector against the midjourney-proxy stand-in: imagine
//! into four quadrants, upscale and variations (buttons and the change
//! fallback), the submit codes, the fault matrix, cancel, re-attach after
//! a restart, probe and status.

use std::sync::Arc;
use std::time::{Duration, Instant};

use easel_domain::generation::{GenerationRequest, Operation, Seed, SizeRule};
use easel_engine::imaging::{self, DecodeLimits};
use easel_engine::providers::http::ApiKey;
use easel_engine::providers::midjourney::{MidjourneyProvider, MidjourneySettings};
use easel_engine::providers::testing::{self, RecordingProgress};
use easel_engine::providers::{
    CancelReason, Generated, GeneratedImage, JobContext, Provider, ProviderError, SourceImage,
};
use easel_standins::common::{Fault, png};
use easel_standins::midjourney::{AuthMode, Flavour, MidjourneyStandIn, Options, STANDIN_SECRET};
use serde_json::{Value, json};
use uuid::Uuid;

#[path = "provider_midjourney/cancel.rs"]
mod cancel;
#[path = "provider_midjourney/codes.rs"]
mod codes;
#[path = "provider_midjourney/faults.rs"]
mod faults;

const IMAGINE: &str = "/mj/submit/imagine";
const ACTION: &str = "/mj/submit/action";
const CHANGE: &str = "/mj/submit/change";

fn options() -> Options {
    Options {
        step: Duration::from_millis(1),
        size_divisor: 8,
        step_on_poll: true,
        ..Options::default()
    }
}

fn settings(standin: &MidjourneyStandIn) -> MidjourneySettings {
    let mut settings = MidjourneySettings::new(standin.base_url());
    settings.remote.api_key = Some(ApiKey::new(STANDIN_SECRET));
    settings.poll_interval = Duration::from_millis(5);
    settings.preview_interval = Duration::ZERO;
    settings
}

async fn setup(options: Options) -> (MidjourneyStandIn, MidjourneyProvider) {
    let standin = MidjourneyStandIn::start(options)
        .await
        .expect("stand-in starts");
    let provider = MidjourneyProvider::new(settings(&standin));
    (standin, provider)
}

fn request(prompt: &str) -> GenerationRequest {
    GenerationRequest {
        model: "midjourney:v6".into(),
        prompt: prompt.into(),
        width: 1024,
        height: 1024,
        count: 1,
        seed: Seed::Random,
        ..GenerationRequest::default()
    }
}

async fn run(
    provider: &MidjourneyProvider,
    request: GenerationRequest,
) -> (Result<Vec<Generated>, ProviderError>, RecordingProgress) {
    let (cx, progress) = testing::context(request);
    (provider.run(&cx).await, progress)
}

fn pixels(generated: &Generated) -> image::RgbImage {
    match &generated.image {
        GeneratedImage::Pixels(pixels) => pixels.clone(),
        GeneratedImage::Encoded(bytes) => imaging::decode(bytes, &DecodeLimits::default())
            .expect("an image")
            .to_rgb8(),
    }
}

fn quadrant(grid: &image::RgbImage, index: u32) -> image::RgbImage {
    let (w, h) = (grid.width() / 2, grid.height() / 2);
    let k = index - 1;
    image::imageops::crop_imm(grid, k % 2 * w, k / 2 * h, w, h).to_image()
}

/// A job on gallery image `image` (made by the first run).
fn from_image(request: GenerationRequest, image: &Generated) -> JobContext {
    let (cx, _) = testing::context(request);
    testing::with_source(cx, png(&pixels(image), &[]), image.metadata.clone())
}

fn op(operation: Operation) -> GenerationRequest {
    GenerationRequest {
        operation: Some(operation),
        init_image: Some(Uuid::nil()),
        ..request("")
    }
}

async fn until(mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while !done() {
        assert!(Instant::now() < deadline, "gave up waiting");
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
}

#[tokio::test]
async fn models_declare_aspect_ratios_one_grid_and_no_steps() {
    let (_standin, provider) = setup(options()).await;
    let models = provider.models();
    assert_eq!(
        models.iter().map(|m| m.id.as_str()).collect::<Vec<_>>(),
        ["midjourney:v6", "midjourney:niji"]
    );
    let caps = &models[0].capabilities;
    assert_eq!(caps.max_count, 1);
    assert!(caps.negative_prompt && caps.seed && !caps.prompt_weighting);
    assert!(caps.steps.is_none() && caps.cfg.is_none() && caps.sampler.is_none());
    for operation in [
        Operation::Txt2img,
        Operation::Upscale,
        Operation::Variations,
    ] {
        assert!(caps.supports(operation));
    }
    assert!(!caps.supports(Operation::Img2img));
    let SizeRule::Aspect { ratios } = &caps.sizes else {
        panic!("aspect ratios")
    };
    let labels: Vec<&str> = ratios.iter().map(|r| r.label.as_str()).collect();
    assert_eq!(
        labels,
        ["1:1", "4:3", "3:4", "16:9", "9:16", "3:2", "2:3", "21:9"]
    );
    assert_eq!(caps.sizes.aspect_label(1456, 816), Some("16:9"));
    assert!(models[0].description.contains("--no"));
}

#[tokio::test]
async fn imagine_gives_four_quadrants_of_the_grid_with_progress_and_previews() {
    let (standin, provider) = setup(options()).await;
    let mut req = request("a red fox --ar 1:1 --stylize 200");
    req.width = 1456;
    req.height = 816;
    req.negative_prompt = "blurry, text".into();
    req.seed = Seed::Fixed(42);
    let (result, progress) = run(&provider, req).await;
    let images = result.expect("four images");
    let body = standin.bodies(IMAGINE).pop().expect("an imagine");
    assert_eq!(
        body["prompt"],
        "a red fox --stylize 200 --no blurry, text --seed 42 --ar 16:9"
    );
    assert_eq!(body["botType"], "MID_JOURNEY");
    assert!(
        body.get("notifyHook").is_none(),
        "the connector polls; no webhook needed"
    );

    let task_id = images[0].metadata["task_id"]
        .as_str()
        .expect("task id")
        .to_owned();
    assert_eq!(
        progress.with(|r| r.handles.clone()),
        [json!({"task_id": task_id, "action": "IMAGINE"})]
    );
    let grid = standin.grid(&task_id).expect("the grid");
    assert_eq!(images.len(), 4);
    for (i, image) in images.iter().enumerate() {
        let index = i as u32 + 1;
        assert_eq!(pixels(image).dimensions(), (1456 / 8, 816 / 8));
        assert_eq!(pixels(image), quadrant(&grid, index), "quadrant {index}");
        assert_eq!(image.metadata["index"], index);
        assert_eq!(image.metadata["task_id"], task_id.as_str());
        assert_eq!(image.seed, Some(42));
    }
    assert_ne!(pixels(&images[0]), pixels(&images[1]));
    let buttons = images[2].metadata["buttons"]
        .as_array()
        .expect("buttons kept");
    assert!(buttons.iter().any(|b| {
        b["customId"]
            .as_str()
            .is_some_and(|c| c.starts_with("MJ::JOB::upsample::3::"))
    }));

    let served = standin.served_progress(&task_id);
    assert!(
        served.contains(&Some("Waiting to start".into())),
        "a free-text progress was served: {served:?}"
    );
    let steps: Vec<u32> = progress.with(|r| r.steps.iter().map(|s| s.0).collect());
    for expected in [0, 15, 31, 46, 62, 78, 93, 100] {
        assert!(steps.contains(&expected), "{expected} in {steps:?}");
    }
    assert!(steps.windows(2).all(|w| w[0] <= w[1]), "{steps:?}");
    assert!(progress.with(|r| r.steps.iter().all(|s| s.1 == 100)));
    let previews = progress.with(|r| r.previews.clone());
    assert!(previews.len() >= 5, "intermediate grids as previews");
    assert!(image::load_from_memory_with_format(&previews[0], image::ImageFormat::Jpeg).is_ok());
}

#[tokio::test]
async fn niji_uses_the_niji_bot_and_prompts_differ() {
    let (standin, provider) = setup(options()).await;
    let mut req = request("a blue lake");
    req.model = "midjourney:niji".into();
    let (cx, _) = testing::context(req);
    let lake = provider.run(&cx).await.expect("images");
    assert_eq!(standin.bodies(IMAGINE)[0]["botType"], "NIJI_JOURNEY");
    let barn = run(&provider, request("a red barn"))
        .await
        .0
        .expect("images");
    assert_ne!(pixels(&lake[0]), pixels(&barn[0]));
    let task = standin
        .task(lake[0].metadata["task_id"].as_str().expect("id"))
        .expect("the task");
    let reported: i64 = task["seed"]
        .as_str()
        .expect("trueai reports the seed")
        .parse()
        .expect("a number");
    assert_eq!(lake[0].seed, Some(reported), "the seed trueai reports");
}

#[tokio::test]
async fn upscaling_quadrant_three_uses_its_button() {
    let (standin, provider) = setup(options()).await;
    let images = run(&provider, request("a green hill"))
        .await
        .0
        .expect("images");
    let cx = from_image(op(Operation::Upscale), &images[2]);
    let upscaled = provider.run(&cx).await.expect("an upscale");
    assert_eq!(upscaled.len(), 1);
    assert!(
        matches!(upscaled[0].image, GeneratedImage::Encoded(_)),
        "passed on as received"
    );
    assert_eq!(pixels(&upscaled[0]), pixels(&images[2]));
    let action = standin.bodies(ACTION).pop().expect("an action");
    let grid_task = images[2].metadata["task_id"].as_str().expect("id");
    assert_eq!(action["taskId"], grid_task);
    assert!(
        action["customId"]
            .as_str()
            .expect("custom id")
            .starts_with("MJ::JOB::upsample::3::")
    );
    assert!(standin.bodies(CHANGE).is_empty());
    assert_eq!(upscaled[0].metadata["action"], "UPSCALE");
    assert_eq!(upscaled[0].metadata["parent_task_id"], grid_task);
    assert_eq!(upscaled[0].metadata["index"], 3);

    let again = from_image(op(Operation::Upscale), &upscaled[0]);
    match provider.run(&again).await {
        Err(ProviderError::Fatal(message)) => assert!(message.contains("already"), "{message}"),
        other => panic!("{other:?}"),
    }
    let varied = provider
        .run(&from_image(op(Operation::Variations), &upscaled[0]))
        .await
        .expect("a vary (subtle)");
    assert_eq!(varied.len(), 4);
}

#[tokio::test]
async fn without_buttons_or_the_action_route_upscales_use_change() {
    let (standin, provider) = setup(Options {
        flavour: Flavour::Novicezk,
        ..options()
    })
    .await;
    let images = run(&provider, request("a green hill"))
        .await
        .0
        .expect("images");
    assert_eq!(images[2].metadata["buttons"], json!([]));
    let upscaled = provider
        .run(&from_image(op(Operation::Upscale), &images[2]))
        .await
        .expect("an upscale");
    assert_eq!(pixels(&upscaled[0]), pixels(&images[2]));
    let grid_task = images[2].metadata["task_id"].as_str().expect("id");
    assert_eq!(
        standin.bodies(CHANGE),
        [json!({"taskId": grid_task, "action": "UPSCALE", "index": 3})]
    );
    assert!(
        standin.log().to_path(ACTION).is_empty(),
        "no buttons: straight to change"
    );

    let mut with_buttons = images[2].clone();
    with_buttons.metadata["buttons"] =
        json!([{"customId": "MJ::JOB::upsample::3::abc", "label": "U3", "emoji": ""}]);
    let upscaled = provider
        .run(&from_image(op(Operation::Upscale), &with_buttons))
        .await
        .expect("an upscale");
    assert_eq!(pixels(&upscaled[0]), pixels(&images[2]));
    assert_eq!(
        standin.log().to_path(ACTION).len(),
        1,
        "tried the button, got 404"
    );
    assert_eq!(standin.bodies(CHANGE).len(), 2, "then fell back to change");
}

#[tokio::test]
async fn variations_make_a_new_grid_of_four() {
    let (standin, provider) = setup(options()).await;
    let images = run(&provider, request("a green hill"))
        .await
        .0
        .expect("images");
    let varied = provider
        .run(&from_image(op(Operation::Variations), &images[1]))
        .await
        .expect("variations");
    assert_eq!(varied.len(), 4);
    let action = standin.bodies(ACTION).pop().expect("an action");
    assert!(
        action["customId"]
            .as_str()
            .expect("id")
            .starts_with("MJ::JOB::variation::2::")
    );
    let new_task = varied[0].metadata["task_id"].as_str().expect("id");
    assert_ne!(
        new_task,
        images[1].metadata["task_id"].as_str().expect("id")
    );
    assert_eq!(varied[0].metadata["action"], "VARIATION");
    assert_eq!(
        pixels(&varied[3]),
        quadrant(&standin.grid(new_task).expect("grid"), 4)
    );
}

#[tokio::test]
async fn only_midjourney_images_can_be_upscaled_or_varied() {
    let (_standin, provider) = setup(options()).await;
    let (mut cx, _) = testing::context(op(Operation::Upscale));
    cx.source = Some(Arc::new(SourceImage {
        id: Uuid::nil(),
        png: png(&image::RgbImage::new(8, 8), &[]),
        model: "a1111:v1-5-pruned-emaonly".into(),
        provider_metadata: json!({"task_id": "123", "index": 1}),
    }));
    match provider.run(&cx).await {
        Err(ProviderError::Fatal(message)) => assert_eq!(
            message,
            "Only images made by Midjourney can be upscaled or varied there."
        ),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn probe_and_status_follow_the_proxy() {
    let (standin, provider) = setup(options()).await;
    provider.probe().await;
    let status = provider.status();
    assert!(status.reachable, "{status:?}");
    assert_eq!(
        status.endpoint.as_deref(),
        Some(standin.base_url().as_str())
    );
    assert!(status.has_credentials);
    assert_eq!(status.models, ["Midjourney v6", "Niji Journey 6"]);
    assert!(!format!("{provider:?} {status:?}").contains(STANDIN_SECRET));
    assert_eq!(
        standin.log().to_path("/mj/task/list-by-condition")[0].header("mj-api-secret"),
        Some(STANDIN_SECRET)
    );
    standin.stop().await;
    provider.probe().await;
    let status = provider.status();
    assert!(!status.reachable);
    assert!(
        status
            .last_error
            .as_deref()
            .unwrap_or_default()
            .contains("cannot be reached")
    );
    assert!(
        provider
            .models()
            .iter()
            .all(|m| !m.available && m.unavailable_reason.is_some())
    );
}
