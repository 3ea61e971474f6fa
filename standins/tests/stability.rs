//! Fidelity tests for the Stability stand-in, over raw HTTP: the shapes of
//! PROVIDERS.md §2 and its checklist (§8).

use std::time::Duration;

use base64::Engine as _;
use easel_standins::Fault;
use easel_standins::stability::{Options, STANDIN_KEY, StabilityStandIn};
use image::GenericImageView;
use reqwest::multipart::{Form, Part};
use serde_json::Value;

async fn standin() -> StabilityStandIn {
    StabilityStandIn::start(Options {
        step: Duration::from_millis(5),
        ..Options::default()
    })
    .await
    .expect("stand-in starts")
}

async fn post(
    standin: &StabilityStandIn,
    path: &str,
    accept: &str,
    form: Form,
) -> reqwest::Response {
    reqwest::Client::new()
        .post(format!("{}{path}", standin.base_url()))
        .bearer_auth(STANDIN_KEY)
        .header("accept", accept)
        .multipart(form)
        .send()
        .await
        .expect("request")
}

fn png_part(width: u32, height: u32) -> Part {
    let image = image::RgbImage::from_pixel(width, height, image::Rgb([90, 120, 200]));
    let mut out = std::io::Cursor::new(Vec::new());
    image
        .write_to(&mut out, image::ImageFormat::Png)
        .expect("png");
    Part::bytes(out.into_inner())
        .file_name("image.png")
        .mime_str("image/png")
        .expect("mime")
}

fn assert_error_shape(body: &Value, name: &str) {
    let id = body["id"].as_str().expect("id");
    assert_eq!(id.len(), 32);
    assert!(id.chars().all(|c| c.is_ascii_hexdigit()));
    assert_eq!(body["name"], name);
    assert!(body["errors"].as_array().is_some_and(|e| !e.is_empty()));
}

const CORE: &str = "/v2beta/stable-image/generate/core";

#[tokio::test]
async fn requests_need_the_key() {
    let standin = standin().await;
    let response = reqwest::Client::new()
        .post(format!("{}{CORE}", standin.base_url()))
        .multipart(Form::new().text("prompt", "x"))
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), 401);
    assert!(response.headers().contains_key("x-request-id"));
    assert_error_shape(&response.json().await.expect("json"), "unauthorized");
}

#[tokio::test]
async fn only_multipart_bodies_are_read() {
    let standin = standin().await;
    let response = reqwest::Client::new()
        .post(format!("{}{CORE}", standin.base_url()))
        .bearer_auth(STANDIN_KEY)
        .json(&serde_json::json!({"prompt": "a fox"}))
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), 400);
    assert_error_shape(&response.json().await.expect("json"), "bad_request");
}

#[tokio::test]
async fn accept_switches_between_bytes_and_json() {
    let standin = standin().await;
    let form = || {
        Form::new()
            .text("prompt", "a green field")
            .text("seed", "1234")
            .text("aspect_ratio", "16:9")
    };
    let bytes = post(&standin, CORE, "image/*", form()).await;
    assert_eq!(bytes.status(), 200);
    assert_eq!(bytes.headers()["content-type"], "image/png");
    assert_eq!(bytes.headers()["finish-reason"], "SUCCESS");
    assert_eq!(bytes.headers()["seed"], "1234");
    assert!(bytes.headers().contains_key("x-request-id"));
    let raw = bytes.bytes().await.expect("bytes");
    let image = image::load_from_memory(&raw).expect("png");
    assert_eq!(image.dimensions(), (1344, 768));
    let json = post(&standin, CORE, "application/json", form()).await;
    assert!(!json.headers().contains_key("finish-reason"));
    assert!(!json.headers().contains_key("seed"));
    let body: Value = json.json().await.expect("json");
    assert_eq!(body["finish_reason"], "SUCCESS");
    assert_eq!(body["seed"], 1234);
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(body["image"].as_str().expect("image"))
        .expect("base64");
    assert_eq!(decoded, raw.to_vec(), "same prompt and seed, same image");
}

#[tokio::test]
async fn validation_errors_are_listed_per_field() {
    let standin = standin().await;
    let form = Form::new()
        .text("aspect_ratio", "7:3")
        .text("seed", "4294967295")
        .text("output_format", "webp")
        .text("model", "sd4-huge")
        .text("cfg_scale", "30");
    let response = post(
        &standin,
        "/v2beta/stable-image/generate/sd3",
        "image/*",
        form,
    )
    .await;
    assert_eq!(response.status(), 400);
    let body: Value = response.json().await.expect("json");
    assert_error_shape(&body, "bad_request");
    let errors: Vec<&str> = body["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    for field in [
        "prompt:",
        "aspect_ratio:",
        "seed:",
        "output_format:",
        "model:",
        "cfg_scale:",
    ] {
        assert!(
            errors.iter().any(|e| e.starts_with(field)),
            "{field} in {errors:?}"
        );
    }
    let i2i = Form::new()
        .text("prompt", "p")
        .text("mode", "image-to-image")
        .part("image", png_part(64, 64));
    let body: Value = post(
        &standin,
        "/v2beta/stable-image/generate/sd3",
        "image/*",
        i2i,
    )
    .await
    .json()
    .await
    .expect("json");
    assert!(
        body["errors"][0]
            .as_str()
            .unwrap_or_default()
            .starts_with("strength:")
    );
}

#[tokio::test]
async fn moderation_is_a_403_and_filtering_a_blurred_200() {
    let standin = standin().await;
    let refused = post(
        &standin,
        CORE,
        "image/*",
        Form::new().text("prompt", "a forbidden thing"),
    )
    .await;
    assert_eq!(refused.status(), 403);
    assert_error_shape(&refused.json().await.expect("json"), "content_moderation");
    standin.faults().inject(Fault::Moderation);
    let refused = post(
        &standin,
        CORE,
        "image/*",
        Form::new().text("prompt", "a cat"),
    )
    .await;
    assert_eq!(refused.status(), 403);
    let filtered = post(
        &standin,
        CORE,
        "image/*",
        Form::new().text("prompt", "filtered cat"),
    )
    .await;
    assert_eq!(filtered.status(), 200);
    assert_eq!(filtered.headers()["finish-reason"], "CONTENT_FILTERED");
}

#[tokio::test]
async fn bodies_over_ten_mib_are_refused_with_413() {
    let standin = standin().await;
    let big = Part::bytes(vec![0u8; 11 * 1024 * 1024])
        .file_name("image.png")
        .mime_str("image/png")
        .expect("mime");
    let form = Form::new().text("prompt", "p").part("image", big);
    let response = post(
        &standin,
        "/v2beta/stable-image/generate/ultra",
        "image/*",
        form,
    )
    .await;
    assert_eq!(response.status(), 413);
    assert_error_shape(&response.json().await.expect("json"), "payload_too_large");
}

#[tokio::test]
async fn rate_limits_and_server_faults_use_the_error_shape() {
    let standin = standin().await;
    standin.faults().inject(Fault::RateLimited {
        retry_after_secs: 2,
    });
    let limited = post(&standin, CORE, "image/*", Form::new().text("prompt", "p")).await;
    assert_eq!(limited.status(), 429);
    assert_error_shape(&limited.json().await.expect("json"), "rate_limit_exceeded");
    standin.faults().inject(Fault::Status { status: 500 });
    let failed = post(&standin, CORE, "image/*", Form::new().text("prompt", "p")).await;
    assert_eq!(failed.status(), 500);
    assert_error_shape(&failed.json().await.expect("json"), "internal_error");
}

#[tokio::test]
async fn fast_upscales_are_four_times_larger() {
    let standin = standin().await;
    let form = Form::new()
        .text("output_format", "jpeg")
        .part("image", png_part(48, 32));
    let response = post(
        &standin,
        "/v2beta/stable-image/upscale/fast",
        "image/*",
        form,
    )
    .await;
    assert_eq!(response.headers()["content-type"], "image/jpeg");
    let image = image::load_from_memory(&response.bytes().await.expect("bytes")).expect("jpeg");
    assert_eq!(image.dimensions(), (192, 128));
    let tiny = Form::new().part("image", png_part(16, 16));
    let response = post(
        &standin,
        "/v2beta/stable-image/upscale/fast",
        "image/*",
        tiny,
    )
    .await;
    assert_eq!(response.status(), 400);
}

#[tokio::test]
async fn creative_upscales_run_asynchronously_and_survive_a_restart() {
    let mut standin = StabilityStandIn::start(Options {
        step: Duration::from_millis(40),
        async_steps: 3,
        creative_pixels: 128 * 128,
        ..Options::default()
    })
    .await
    .expect("stand-in starts");
    let form = Form::new()
        .text("prompt", "sharper")
        .part("image", png_part(64, 64));
    let started: Value = post(
        &standin,
        "/v2beta/stable-image/upscale/creative",
        "application/json",
        form,
    )
    .await
    .json()
    .await
    .expect("json");
    let id = started["id"].as_str().expect("id").to_owned();
    assert_eq!(id.len(), 64);
    let get = |base: String, id: String| async move {
        reqwest::Client::new()
            .get(format!("{base}/v2beta/results/{id}"))
            .bearer_auth(STANDIN_KEY)
            .header("accept", "image/*")
            .send()
            .await
            .expect("request")
    };
    let running = get(standin.base_url(), id.clone()).await;
    assert_eq!(running.status(), 202);
    let body: Value = running.json().await.expect("json");
    assert_eq!(body["status"], "in-progress");
    assert_eq!(body["id"], id.as_str());
    standin.restart().await.expect("restarts");
    let done = loop {
        let response = get(standin.base_url(), id.clone()).await;
        if response.status() == 200 {
            break response;
        }
        assert_eq!(response.status(), 202);
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    assert_eq!(done.headers()["finish-reason"], "SUCCESS");
    let image = image::load_from_memory(&done.bytes().await.expect("bytes")).expect("png");
    assert_eq!(image.dimensions(), (128, 128));
    let unknown = get(standin.base_url(), "0".repeat(64)).await;
    assert_eq!(unknown.status(), 404);
    assert_error_shape(&unknown.json().await.expect("json"), "not_found");
}

#[tokio::test]
async fn inpainting_repaints_only_under_white() {
    let standin = standin().await;
    let mut mask = image::GrayImage::new(64, 64);
    for x in 0..32 {
        for y in 0..64 {
            mask.put_pixel(x, y, image::Luma([255]));
        }
    }
    let mut mask_png = std::io::Cursor::new(Vec::new());
    mask.write_to(&mut mask_png, image::ImageFormat::Png)
        .expect("png");
    let form = Form::new()
        .text("prompt", "a red door")
        .part("image", png_part(64, 64))
        .part(
            "mask",
            Part::bytes(mask_png.into_inner())
                .file_name("mask.png")
                .mime_str("image/png")
                .expect("mime"),
        );
    let response = post(
        &standin,
        "/v2beta/stable-image/edit/inpaint",
        "image/*",
        form,
    )
    .await;
    assert_eq!(response.status(), 200);
    let image = image::load_from_memory(&response.bytes().await.expect("bytes"))
        .expect("png")
        .to_rgb8();
    assert_eq!(image.dimensions(), (64, 64));
    assert_eq!(image.get_pixel(63, 10), &image::Rgb([90, 120, 200]));
}
