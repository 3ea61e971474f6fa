//! The answer to a generation: `{images, parameters, info}`, each PNG with
//! its infotext, `info` as `Processed.js()` writes it.

use axum::Json;
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Value, json};

use super::super::catalog::Checkpoint;
use super::super::infotext::{self, Pairs, py_float};
use super::super::pngtext;
use super::super::pyjson;
use super::super::simulate::{self, Outcome};
use super::super::validate::{Checked, Model};
use super::{Job, VERSION};
use crate::common::{self, Fault};

/// `TextToImageResponse` / `ImageToImageResponse`.
pub fn respond(
    model: Model,
    checked: &Checked,
    job: &Job,
    checkpoint: &Checkpoint,
    outcome: Outcome,
) -> Response {
    let plan = &job.plan;
    let total = u64::from(plan.batch_size) * u64::from(plan.n_iter);
    let all_seeds: Vec<i64> = (0..total).map(|i| plan.seed + i as i64).collect();
    let infotexts: Vec<String> = (0..outcome.images.len())
        .map(|i| {
            infotext::format_infotext(
                &plan.prompt,
                &job.negative,
                &pairs(model, checked, job, checkpoint, all_seeds[i]),
            )
        })
        .collect();
    let mut images: Vec<String> = outcome
        .images
        .iter()
        .zip(&infotexts)
        .map(|(image, text)| pngtext::encode_b64(image, &[("parameters", text)]))
        .collect();
    corrupt_first(&mut images, job.fault.as_ref());
    let info = info(model, checked, job, checkpoint, &all_seeds, infotexts);
    let mut parameters = checked.fields.clone();
    if model == Model::Img2img && checked.bool("include_init_images") != Some(true) {
        parameters.insert("init_images".into(), Value::Null);
        parameters.insert("mask".into(), Value::Null);
    }
    Json(json!({
        "images": images,
        "parameters": parameters,
        "info": pyjson::dumps(&info),
    }))
    .into_response()
}

/// The image faults: the first image cut short, or replaced by a PNG that
/// declares 100 000 px a side.
fn corrupt_first(images: &mut [String], fault: Option<&Fault>) {
    let Some(first) = images.first_mut() else {
        return;
    };
    let bytes = match fault {
        Some(Fault::TruncatedImage) => {
            let mut bytes = STANDARD.decode(first.as_bytes()).unwrap_or_default();
            bytes.truncate(bytes.len() / 2);
            bytes
        }
        Some(Fault::OversizedImage) => common::oversized_png(),
        _ => return,
    };
    *first = STANDARD.encode(bytes);
}

/// One image's settings line (`create_infotext`).
fn pairs(model: Model, checked: &Checked, job: &Job, checkpoint: &Checkpoint, seed: i64) -> Pairs {
    let plan = &job.plan;
    let some = |v: String| Some(v);
    let mut pairs: Pairs = vec![
        ("Steps".into(), some(plan.steps.to_string())),
        ("Sampler".into(), some(job.sampler.name.into())),
        ("Schedule type".into(), some(job.scheduler.label.into())),
        ("CFG scale".into(), some(py_float(job.cfg))),
        ("Seed".into(), some(seed.to_string())),
        (
            "Size".into(),
            some(format!("{}x{}", plan.width, plan.height)),
        ),
        ("Model hash".into(), some(checkpoint.hash.clone())),
        ("Model".into(), some(checkpoint.model_name.clone())),
    ];
    if model == Model::Img2img {
        pairs.push(("Denoising strength".into(), some(py_float(plan.denoising))));
        if plan.mask.is_some() {
            let blur = checked
                .int("mask_blur")
                .or_else(|| checked.int("mask_blur_x"))
                .unwrap_or(4);
            pairs.push(("Mask blur".into(), some(blur.to_string())));
            if checked.bool("inpaint_full_res") != Some(false) {
                pairs.push(("Inpaint area".into(), some("Only masked".into())));
                let padding = checked.int("inpaint_full_res_padding").unwrap_or(0);
                pairs.push(("Masked area padding".into(), some(padding.to_string())));
            }
        }
    }
    pairs.push(("Version".into(), some(VERSION.into())));
    pairs
}

/// `Processed.js()`.
fn info(
    model: Model,
    checked: &Checked,
    job: &Job,
    checkpoint: &Checkpoint,
    all_seeds: &[i64],
    infotexts: Vec<String>,
) -> Value {
    let plan = &job.plan;
    let total = all_seeds.len();
    let subseed = simulate::random_seed();
    let denoising = (model == Model::Img2img).then_some(plan.denoising);
    json!({
        "prompt": plan.prompt,
        "all_prompts": vec![plan.prompt.clone(); total],
        "negative_prompt": job.negative,
        "all_negative_prompts": vec![job.negative.clone(); total],
        "seed": plan.seed,
        "all_seeds": all_seeds,
        "subseed": subseed,
        "all_subseeds": (0..total).map(|i| subseed + i as i64).collect::<Vec<_>>(),
        "subseed_strength": checked.float("subseed_strength").unwrap_or(0.0),
        "width": plan.width,
        "height": plan.height,
        "sampler_name": job.sampler.name,
        "cfg_scale": job.cfg,
        "steps": plan.steps,
        "batch_size": plan.batch_size,
        "restore_faces": false,
        "face_restoration_model": null,
        "sd_model_name": checkpoint.model_name,
        "sd_model_hash": checkpoint.hash,
        "sd_vae_name": null,
        "sd_vae_hash": null,
        "seed_resize_from_w": -1,
        "seed_resize_from_h": -1,
        "denoising_strength": denoising,
        "extra_generation_params": {"Schedule type": job.scheduler.label},
        "index_of_first_image": 0,
        "infotexts": infotexts,
        "styles": checked.fields.get("styles").cloned().unwrap_or(json!([])),
        "job_timestamp": chrono::Local::now().format("%Y%m%d%H%M%S").to_string(),
        "clip_skip": 1,
        "is_using_inpainting_conditioning": false,
        "version": VERSION,
    })
}
