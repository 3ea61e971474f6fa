//! What the server has: checkpoints, samplers, schedulers, upscalers and
//! options, and the routes that list them.
//!
//! The tables themselves are in `tables`.

use std::sync::Arc;

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};

mod tables;

pub use tables::{
    SAMPLERS, SCHEDULERS, Sampler, Scheduler, UPSCALERS, Upscaler, find_scheduler, find_upscaler,
    resolve_sampler,
};

use super::Options;
use super::errors::{ApiError, fault_response};
use super::state::Shared;
use super::validate;

/// One checkpoint, as `/sdapi/v1/sd-models` lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checkpoint {
    /// `"v1-5-pruned-emaonly.safetensors [6ce0161689]"`.
    pub title: String,
    /// `"v1-5-pruned-emaonly"`.
    pub model_name: String,
    /// The short hash, `"6ce0161689"`.
    pub hash: String,
    /// The full SHA-256.
    pub sha256: String,
    /// Where the file lives.
    pub filename: String,
}

impl Checkpoint {
    /// A checkpoint named `model_name` (a `.safetensors` file) with this hash.
    pub fn new(model_name: &str, hash: &str, sha256: &str) -> Self {
        Self {
            title: format!("{model_name}.safetensors [{hash}]"),
            model_name: model_name.into(),
            hash: hash.into(),
            sha256: sha256.into(),
            filename: format!(
                "/home/webui/stable-diffusion-webui/models/Stable-diffusion/{model_name}.safetensors"
            ),
        }
    }

    /// Whether `name` is one of its aliases (A1111's `checkpoint_aliases`:
    /// title, name, file name, model name, short hash, sha256 prefix).
    pub fn matches(&self, name: &str) -> bool {
        let file = self.filename.rsplit('/').next().unwrap_or_default();
        name == self.title
            || name == self.model_name
            || name == file
            || name == self.hash
            || (name.len() >= 10 && self.sha256.starts_with(name))
    }

    fn json(&self) -> Value {
        json!({
            "title": self.title,
            "model_name": self.model_name,
            "hash": self.hash,
            "sha256": self.sha256,
            "filename": self.filename,
            "config": null,
        })
    }
}

/// The default checkpoints: SD 1.5, SDXL base, DreamShaper 8.
pub fn default_checkpoints() -> Vec<Checkpoint> {
    vec![
        Checkpoint::new(
            "v1-5-pruned-emaonly",
            "6ce0161689",
            "6ce0161689b3853acaa03779ec93eafe75a02f4ced659bee03f50797806fa2fa",
        ),
        Checkpoint::new(
            "sd_xl_base_1.0",
            "31e35c80fc",
            "31e35c80fc4829d14f90153f4c74cd59c90b779f6afe05a74cd6120b893f7e5b",
        ),
        Checkpoint::new(
            "dreamshaper_8",
            "879db523c3",
            "879db523c30d3b9017143d56705015e15a2cb5628762c11d086fed9538abd7fd",
        ),
    ]
}

/// Used only if a stand-in was started with no checkpoints.
pub fn fallback_checkpoint() -> Checkpoint {
    Checkpoint::new("none", "0000000000", "0000000000")
}

/// The options at start.
pub fn default_options(settings: &Options) -> Map<String, Value> {
    let first = settings
        .checkpoints
        .first()
        .cloned()
        .unwrap_or_else(fallback_checkpoint);
    let value = json!({
        "sd_model_checkpoint": first.title,
        "sd_checkpoint_hash": first.sha256,
        "sd_vae": "Automatic",
        "CLIP_stop_at_last_layers": 1,
        "samples_format": "png",
        "samples_save": true,
        "grid_save": true,
        "enable_pnginfo": true,
        "live_previews_enable": settings.live_previews,
        "live_previews_image_format": "png",
        "show_progress_every_n_steps": settings.preview_every,
        "show_progress_type": "Approx NN",
        "eta_noise_seed_delta": 0,
        "sd_checkpoints_limit": 1,
        "img2img_fix_steps": false,
        "token_merging_ratio": 0.0,
        "api_enable_requests": true,
        "api_forbid_local_requests": true,
        "outdir_txt2img_samples": "outputs/txt2img-images",
        "outdir_img2img_samples": "outputs/img2img-images",
    });
    match value {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}

/// `GET /sdapi/v1/options`.
pub async fn get_options(State(shared): State<Arc<Shared>>) -> Response {
    if let Some(response) = fault_response(&shared.common, "/sdapi/v1/options").await {
        return response;
    }
    Json(Value::Object(shared.options().clone())).into_response()
}

/// `POST /sdapi/v1/options`: sets options; an unknown `sd_model_checkpoint`
/// is a `RuntimeError` (500), as in `set_config`.
pub async fn set_options(State(shared): State<Arc<Shared>>, body: Bytes) -> Response {
    if let Some(response) = fault_response(&shared.common, "/sdapi/v1/options").await {
        return response;
    }
    let body = match validate::json_object(&body) {
        Ok(body) => body,
        Err(invalid) => return invalid.into_response(),
    };
    shared.record_body("/sdapi/v1/options", &Value::Object(body.clone()));
    if let Some(name) = body.get("sd_model_checkpoint").and_then(Value::as_str) {
        match shared.checkpoint(name) {
            Some(checkpoint) => shared.load_checkpoint(&checkpoint),
            None => {
                return ApiError::exception(
                    "RuntimeError",
                    &format!("model {} not found", super::infotext::py_repr(name)),
                )
                .into_response();
            }
        }
    }
    let mut options = shared.options();
    for (key, value) in body {
        if key != "sd_model_checkpoint" {
            options.insert(key, value);
        }
    }
    Json(Value::Null).into_response()
}

/// `GET /sdapi/v1/sd-models`.
pub async fn sd_models(State(shared): State<Arc<Shared>>) -> Response {
    if let Some(response) = fault_response(&shared.common, "/sdapi/v1/sd-models").await {
        return response;
    }
    let list: Vec<Value> = shared
        .settings
        .checkpoints
        .iter()
        .map(|c| c.json())
        .collect();
    Json(list).into_response()
}

/// `GET /sdapi/v1/samplers`.
pub async fn samplers(State(shared): State<Arc<Shared>>) -> Response {
    if let Some(response) = fault_response(&shared.common, "/sdapi/v1/samplers").await {
        return response;
    }
    let list: Vec<Value> = SAMPLERS
        .iter()
        .map(|s| {
            let options: Map<String, Value> = s
                .options
                .iter()
                .map(|(k, v)| ((*k).to_owned(), Value::from(*v)))
                .collect();
            json!({"name": s.name, "aliases": s.aliases, "options": options})
        })
        .collect();
    Json(list).into_response()
}

/// `GET /sdapi/v1/schedulers` (v1.9+).
pub async fn schedulers(State(shared): State<Arc<Shared>>) -> Response {
    if let Some(response) = fault_response(&shared.common, "/sdapi/v1/schedulers").await {
        return response;
    }
    let list: Vec<Value> = SCHEDULERS
        .iter()
        .map(|s| {
            json!({
                "name": s.name,
                "label": s.label,
                "aliases": s.aliases,
                "default_rho": s.default_rho,
                "need_inner_model": s.need_inner_model,
            })
        })
        .collect();
    Json(list).into_response()
}

/// `GET /sdapi/v1/upscalers`.
pub async fn upscalers(State(shared): State<Arc<Shared>>) -> Response {
    if let Some(response) = fault_response(&shared.common, "/sdapi/v1/upscalers").await {
        return response;
    }
    let list: Vec<Value> = UPSCALERS
        .iter()
        .map(|u| {
            json!({
                "name": u.name,
                "model_name": u.model_name,
                "model_path": u.model_path,
                "model_url": null,
                "scale": 4.0,
            })
        })
        .collect();
    Json(list).into_response()
}
