//! Fidelity tests for the OpenAI stand-in, over raw HTTP: the shapes of
//! PROVIDERS.md §1 and its checklist (§8).

#[path = "openai/edits.rs"]
mod edits;
#[path = "openai/generations.rs"]
mod generations;

use std::time::Duration;

use base64::Engine as _;
use easel_standins::Fault;
use easel_standins::openai::{OpenAiStandIn, Options, STANDIN_KEY};
use image::GenericImageView;
use reqwest::multipart::{Form, Part};
use serde_json::{Value, json};

async fn standin() -> OpenAiStandIn {
    standin_with(Options::default()).await
}

async fn standin_with(options: Options) -> OpenAiStandIn {
    OpenAiStandIn::start(Options {
        step: Duration::from_millis(5),
        ..options
    })
    .await
    .expect("stand-in starts")
}

fn client() -> reqwest::Client {
    reqwest::Client::new()
}

async fn generate(standin: &OpenAiStandIn, body: Value) -> reqwest::Response {
    client()
        .post(format!("{}/images/generations", standin.base_url()))
        .bearer_auth(STANDIN_KEY)
        .json(&body)
        .send()
        .await
        .expect("request")
}

async fn json_of(response: reqwest::Response) -> Value {
    response.json().await.expect("json body")
}

fn b64(text: &Value) -> Vec<u8> {
    base64::engine::general_purpose::STANDARD
        .decode(text.as_str().expect("b64 string"))
        .expect("base64")
}

fn png_bytes(width: u32, height: u32, alpha: bool) -> Vec<u8> {
    let image = if alpha {
        image::DynamicImage::ImageRgba8(image::RgbaImage::from_pixel(
            width,
            height,
            image::Rgba([10, 20, 30, 0]),
        ))
    } else {
        image::DynamicImage::ImageRgb8(image::RgbImage::from_pixel(
            width,
            height,
            image::Rgb([10, 20, 30]),
        ))
    };
    let mut out = std::io::Cursor::new(Vec::new());
    image
        .write_to(&mut out, image::ImageFormat::Png)
        .expect("png");
    out.into_inner()
}

fn png_part(bytes: Vec<u8>) -> Part {
    Part::bytes(bytes)
        .file_name("image.png")
        .mime_str("image/png")
        .expect("mime")
}
