//! Fidelity tests for the AUTOMATIC1111 stand-in, over raw HTTP: the shapes
//! of PROVIDERS.md §3 and the checklist of §8.

use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use easel_standins::a1111::{A1111StandIn, Options};
use easel_standins::common::{Fault, paint, png};
use serde_json::{Value, json};

#[path = "a1111/progress.rs"]
mod progress;
#[path = "a1111/routes.rs"]
mod routes;

async fn standin(options: Options) -> (A1111StandIn, reqwest::Client) {
    let standin = A1111StandIn::start(options).await.expect("stand-in starts");
    (standin, reqwest::Client::new())
}

fn fast() -> Options {
    Options {
        step: Duration::from_millis(2),
        ..Options::default()
    }
}

async fn post(client: &reqwest::Client, url: String, body: Value) -> (u16, Value) {
    let response = client.post(url).json(&body).send().await.expect("answer");
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

fn decode_png(b64: &str) -> image::RgbImage {
    let bytes = STANDARD.decode(b64).expect("plain base64");
    image::load_from_memory(&bytes).expect("a PNG").to_rgb8()
}

fn text_chunk(b64: &str, key: &str) -> Option<String> {
    let bytes = STANDARD.decode(b64).ok()?;
    let reader = png::Decoder::new(std::io::Cursor::new(bytes))
        .read_info()
        .ok()?;
    reader
        .info()
        .uncompressed_latin1_text
        .iter()
        .find(|c| c.keyword == key)
        .map(|c| c.text.clone())
}

#[tokio::test]
async fn txt2img_answers_images_parameters_and_an_info_string() {
    let (standin, client) = standin(fast()).await;
    let response = client
        .post(format!("{}/sdapi/v1/txt2img", standin.base_url()))
        .json(&json!({
            "prompt": "a red fox, snow", "negative_prompt": "blurry", "seed": 1234,
            "steps": 4, "width": 64, "height": 48, "batch_size": 2,
            "sampler_name": "DPM++ 2M", "cfg_scale": 7
        }))
        .send()
        .await
        .expect("answer");
    assert_eq!(response.status(), 200);
    let process_time: f64 = response.headers()["x-process-time"]
        .to_str()
        .expect("ascii")
        .parse()
        .expect("seconds");
    assert!(process_time >= 0.0);
    let body: Value = response.json().await.expect("json");
    let images = body["images"].as_array().expect("images");
    assert_eq!(images.len(), 2);
    let first = images[0].as_str().expect("b64");
    assert!(!first.starts_with("data:"));
    assert_eq!(decode_png(first).dimensions(), (64, 48));
    assert_ne!(
        decode_png(first),
        decode_png(images[1].as_str().expect("b64"))
    );
    assert_eq!(body["parameters"]["steps"], 4);
    assert_eq!(body["parameters"]["sampler_index"], "Euler");
    assert_eq!(body["parameters"]["n_iter"], 1);
    let info_text = body["info"].as_str().expect("info is a JSON string");
    assert!(info_text.contains("\"all_seeds\": [1234, 1235]"));
    let info: Value = serde_json::from_str(info_text).expect("info parses");
    for key in [
        "prompt",
        "all_prompts",
        "negative_prompt",
        "all_negative_prompts",
        "seed",
        "all_seeds",
        "subseed",
        "all_subseeds",
        "subseed_strength",
        "width",
        "height",
        "sampler_name",
        "cfg_scale",
        "steps",
        "batch_size",
        "restore_faces",
        "face_restoration_model",
        "sd_model_name",
        "sd_model_hash",
        "sd_vae_name",
        "sd_vae_hash",
        "seed_resize_from_w",
        "seed_resize_from_h",
        "denoising_strength",
        "extra_generation_params",
        "index_of_first_image",
        "infotexts",
        "styles",
        "job_timestamp",
        "clip_skip",
        "is_using_inpainting_conditioning",
        "version",
    ] {
        assert!(info.get(key).is_some(), "info lacks {key}");
    }
    let expected = "a red fox, snow\nNegative prompt: blurry\nSteps: 4, Sampler: DPM++ 2M, Schedule type: Karras, CFG scale: 7.0, Seed: 1234, Size: 64x48, Model hash: 6ce0161689, Model: v1-5-pruned-emaonly, Version: v1.10.1";
    assert_eq!(info["infotexts"][0], expected);
    assert_eq!(text_chunk(first, "parameters").as_deref(), Some(expected));
}

#[tokio::test]
async fn random_seeds_are_reported_and_types_are_coerced_or_refused() {
    let (standin, client) = standin(fast()).await;
    let url = format!("{}/sdapi/v1/txt2img", standin.base_url());
    let (status, body) = post(
        &client,
        url.clone(),
        json!({"prompt": "x", "steps": "3", "width": 32, "height": 32}),
    )
    .await;
    assert_eq!(status, 200, "pydantic v1 coerces \"3\"");
    let info: Value = serde_json::from_str(body["info"].as_str().expect("info")).expect("json");
    let seed = info["all_seeds"][0].as_i64().expect("a seed");
    assert!(seed >= 0);
    assert!(
        info["infotexts"][0]
            .as_str()
            .expect("text")
            .contains(&format!("Seed: {seed},"))
    );

    let (status, body) = post(
        &client,
        url.clone(),
        json!({"steps": "abc", "cfg_scale": [1], "prompt": {}}),
    )
    .await;
    assert_eq!(status, 422);
    let detail = body["detail"].as_array().expect("a detail list");
    assert!(detail.contains(&json!({"loc": ["body", "steps"], "msg": "value is not a valid integer", "type": "type_error.integer"})));
    assert!(detail.contains(&json!({"loc": ["body", "cfg_scale"], "msg": "value is not a valid float", "type": "type_error.float"})));
    assert!(detail.contains(
        &json!({"loc": ["body", "prompt"], "msg": "str type expected", "type": "type_error.str"})
    ));

    let (status, body) = post(&client, url, json!({"prompt": "x", "sampler_name": "Nope"})).await;
    assert_eq!(status, 400);
    assert_eq!(
        body,
        json!({"error": "HTTPException", "detail": "Sampler not found", "body": "", "errors": "400: Sampler not found"})
    );
}

#[tokio::test]
async fn img2img_needs_an_init_image_and_inpainting_keeps_the_unmasked_part() {
    let (standin, client) = standin(fast()).await;
    let url = format!("{}/sdapi/v1/img2img", standin.base_url());
    let (status, body) = post(&client, url.clone(), json!({"prompt": "x"})).await;
    assert_eq!(
        (status, body["detail"].clone()),
        (404, json!("Init image not found"))
    );
    let (status, body) = post(
        &client,
        url.clone(),
        json!({"prompt": "x", "init_images": ["!!!"]}),
    )
    .await;
    assert_eq!(
        (status, body["detail"].clone()),
        (500, json!("Invalid encoded image"))
    );

    let init = paint("a blue lake", 3, 64, 64);
    let mask = image::RgbImage::from_fn(64, 64, |x, _| {
        if x < 32 {
            image::Rgb([0, 0, 0])
        } else {
            image::Rgb([255, 255, 255])
        }
    });
    let (status, body) = post(
        &client,
        url,
        json!({
            "prompt": "a red barn", "seed": 5, "steps": 3, "width": 64, "height": 64,
            "init_images": [format!("data:image/png;base64,{}", STANDARD.encode(png(&init, &[])))],
            "mask": STANDARD.encode(png(&mask, &[])), "denoising_strength": 0.9,
            "inpainting_fill": 1, "inpaint_full_res": false, "mask_blur": 4
        }),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(
        body["parameters"]["init_images"],
        Value::Null,
        "blanked in the echo"
    );
    let out = decode_png(body["images"][0].as_str().expect("b64"));
    assert_eq!(out.get_pixel(5, 5), init.get_pixel(5, 5), "black keeps");
    assert_ne!(
        out.get_pixel(60, 5),
        init.get_pixel(60, 5),
        "white repaints"
    );
    let info: Value = serde_json::from_str(body["info"].as_str().expect("info")).expect("json");
    let text = info["infotexts"][0].as_str().expect("text");
    assert!(
        text.contains("Denoising strength: 0.9, Mask blur: 4, Version"),
        "{text}"
    );
}
