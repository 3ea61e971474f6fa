//! `POST /sdapi/v1/extra-single-image` (upscaling) and
//! `POST /sdapi/v1/png-info`.
//!
//! The upscaled PNG keeps the source's text chunks (its `parameters`, if
//! it had one) and gains a `postprocessing` chunk, as `run_postprocessing`
//! does with `enable_pnginfo` on; sizes are floored to multiples of 8, as
//! A1111's `Upscaler.upscale` does.

use std::sync::Arc;

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Map, Value, json};

use super::catalog;
use super::errors::{ApiError, render_fault};
use super::infotext::{self, py_float};
use super::pngtext;
use super::state::Shared;
use super::validate::{self, Checked, Model};
use crate::common::{self, Fault};

/// `POST /sdapi/v1/extra-single-image`.
pub async fn single_image(State(shared): State<Arc<Shared>>, body: Bytes) -> Response {
    let path = "/sdapi/v1/extra-single-image";
    let fault = shared.common.faults.take(path);
    if let Some(fault) = &fault
        && let Some(response) = render_fault(&shared.common, fault).await
    {
        return response;
    }
    let checked = match validate::check(Model::Extras, &body) {
        Ok(checked) => checked,
        Err(invalid) => return invalid.into_response(),
    };
    shared.record_body(path, &checked.raw);
    let (bytes, source) = match pngtext::decode_b64(&checked.text("image")) {
        Some(decoded) => decoded,
        None => return ApiError::http(500, "Invalid encoded image").into_response(),
    };
    let name = checked.text("upscaler_1");
    let Some(upscaler) = catalog::find_upscaler(&name) else {
        return ApiError::exception(
            "AssertionError",
            &format!("could not find upscaler named {name}"),
        )
        .into_response();
    };
    let turn = shared.queue.lock().await;
    begin_extras(&shared);
    let (image, info) = upscale(&checked, source.to_rgb8(), upscaler);
    end_extras(&shared);
    drop(turn);
    let mut chunks: Vec<(String, String)> = pngtext::read(&bytes)
        .into_iter()
        .filter(|(k, _)| k != "postprocessing" && k != "extras")
        .collect();
    if let Some(info) = &info {
        chunks.push(("postprocessing".into(), info.clone()));
        chunks.push(("extras".into(), info.clone()));
    }
    let refs: Vec<(&str, &str)> = chunks
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let encoded = match fault {
        Some(Fault::TruncatedImage) => STANDARD.encode(common::truncated_png(&image)),
        Some(Fault::OversizedImage) => STANDARD.encode(common::oversized_png()),
        _ => pngtext::encode_b64(&image, &refs),
    };
    let html = info.map_or_else(String::new, |i| format!("<p>{i}</p>"));
    Json(json!({"html_info": html, "image": encoded})).into_response()
}

/// Scales by `upscaling_resize` (mode 0) or to `upscaling_resize_w` x
/// `upscaling_resize_h` (mode 1). Returns the image and its
/// postprocessing infotext (`None` when the upscaler is "None").
fn upscale(
    checked: &Checked,
    source: image::RgbImage,
    upscaler: &catalog::Upscaler,
) -> (image::RgbImage, Option<String>) {
    let Some(filter) = upscaler.filter else {
        return (source, None);
    };
    let (w, h) = source.dimensions();
    let (target_w, target_h, said) = if checked.int("resize_mode") == Some(1) {
        let tw = checked.int("upscaling_resize_w").unwrap_or(512).max(8) as u32;
        let th = checked.int("upscaling_resize_h").unwrap_or(512).max(8) as u32;
        (tw, th, format!("Postprocess upscale to: {tw}x{th}"))
    } else {
        let scale = checked.float("upscaling_resize").unwrap_or(2.0).max(0.01);
        let floor8 = |side: u32| ((((f64::from(side) * scale) as u32) / 8) * 8).max(8);
        (
            floor8(w),
            floor8(h),
            format!("Postprocess upscale by: {}", trim_float(scale)),
        )
    };
    let scaled = image::imageops::resize(&source, target_w, target_h, filter);
    let info = format!("{said}, Postprocess upscaler: {}", upscaler.name);
    (scaled, Some(info))
}

/// `2.0` → `2`, `2.5` → `2.5` (how the upscale script writes its factor).
fn trim_float(value: f64) -> String {
    let text = py_float(value);
    text.strip_suffix(".0").map(str::to_owned).unwrap_or(text)
}

fn begin_extras(shared: &Shared) {
    let mut state = shared.job();
    state.job = "extras".into();
    state.job_count = 1;
    state.job_no = 0;
    state.sampling_step = 0;
    state.sampling_steps = 0;
    state.interrupted = false;
    state.skipped = false;
    state.current_task = None;
    state.time_start = std::time::Instant::now();
}

fn end_extras(shared: &Shared) {
    let mut state = shared.job();
    state.job.clear();
    state.job_count = 0;
}

/// `POST /sdapi/v1/png-info`: `{info, items, parameters}`.
pub async fn png_info(State(shared): State<Arc<Shared>>, body: Bytes) -> Response {
    let path = "/sdapi/v1/png-info";
    let fault = shared.common.faults.take(path);
    if let Some(fault) = &fault
        && let Some(response) = render_fault(&shared.common, fault).await
    {
        return response;
    }
    let checked = match validate::check(Model::PngInfo, &body) {
        Ok(checked) => checked,
        Err(invalid) => return invalid.into_response(),
    };
    let Some((bytes, _)) = pngtext::decode_b64(&checked.text("image")) else {
        return ApiError::http(500, "Invalid encoded image").into_response();
    };
    let mut items = Map::new();
    let mut info = String::new();
    for (key, value) in pngtext::read(&bytes) {
        if key == "parameters" {
            if info.is_empty() {
                info = value;
            }
        } else {
            items.insert(key, Value::from(value));
        }
    }
    let parameters = infotext::parse_infotext(&info);
    Json(json!({"info": info, "items": items, "parameters": parameters})).into_response()
}
