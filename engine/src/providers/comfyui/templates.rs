//! Easel's own API-format graphs (§4.6), with node ids as in ComfyUI's
//! default workflow: txt2img, img2img (`LoadImage` → `VAEEncode`),
//! inpainting (`VAEEncodeForInpaint` on `LoadImage`'s mask output) and
//! upscales (`ImageScaleBy` with Lanczos, or an upscale model).

use serde_json::{Value, json};

/// What the sampler graphs take.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Sampling {
    /// Checkpoint file.
    pub checkpoint: String,
    /// Positive prompt.
    pub prompt: String,
    /// Negative prompt.
    pub negative: String,
    /// Seed of the first image.
    pub seed: u64,
    /// Steps.
    pub steps: u32,
    /// CFG scale.
    pub cfg: f64,
    /// Sampler name.
    pub sampler: String,
    /// Scheduler name.
    pub scheduler: String,
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// Images in the batch.
    pub batch: u32,
    /// `SaveImage`'s prefix.
    pub prefix: String,
}

/// Rounds to the 0.01 grid ComfyUI's float inputs use (so `7.1f32` is sent
/// as `7.1`, not `7.099999904632568`).
pub(super) fn hundredths(value: f64) -> f64 {
    (value * 100.0).round() / 100.0
}

fn base(s: &Sampling, latent: Value, denoise: f64) -> Value {
    json!({
        "4": {"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": s.checkpoint}},
        "6": {"class_type": "CLIPTextEncode", "inputs": {"text": s.prompt, "clip": ["4", 1]}},
        "7": {"class_type": "CLIPTextEncode", "inputs": {"text": s.negative, "clip": ["4", 1]}},
        "3": {"class_type": "KSampler", "inputs": {
            "seed": s.seed, "steps": s.steps, "cfg": hundredths(s.cfg), "sampler_name": s.sampler,
            "scheduler": s.scheduler, "denoise": hundredths(denoise), "model": ["4", 0],
            "positive": ["6", 0], "negative": ["7", 0], "latent_image": latent}},
        "8": {"class_type": "VAEDecode", "inputs": {"samples": ["3", 0], "vae": ["4", 2]}},
        "9": {"class_type": "SaveImage", "inputs": {"filename_prefix": s.prefix, "images": ["8", 0]}}
    })
}

fn insert(graph: &mut Value, id: &str, node: Value) {
    if let Some(nodes) = graph.as_object_mut() {
        nodes.insert(id.to_owned(), node);
    }
}

/// txt2img: an empty latent of the requested size, `batch_size` = count.
pub(super) fn txt2img(s: &Sampling) -> Value {
    let mut graph = base(s, json!(["5", 0]), 1.0);
    insert(
        &mut graph,
        "5",
        json!({"class_type": "EmptyLatentImage", "inputs": {"width": s.width, "height": s.height, "batch_size": s.batch}}),
    );
    graph
}

/// Repeats the encoded latent for a batch (`RepeatLatentBatch`) when more
/// than one image is asked for; returns the link to sample from.
fn batched(graph: &mut Value, s: &Sampling, latent: &str) -> Value {
    if s.batch <= 1 {
        return json!([latent, 0]);
    }
    insert(
        graph,
        "13",
        json!({"class_type": "RepeatLatentBatch", "inputs": {"samples": [latent, 0], "amount": s.batch}}),
    );
    json!(["13", 0])
}

/// img2img: the uploaded `image` encoded, sampled with `denoise` = strength.
pub(super) fn img2img(s: &Sampling, image: &str, denoise: f64) -> Value {
    let mut graph = base(s, Value::Null, denoise);
    insert(
        &mut graph,
        "10",
        json!({"class_type": "LoadImage", "inputs": {"image": image}}),
    );
    insert(
        &mut graph,
        "11",
        json!({"class_type": "VAEEncode", "inputs": {"pixels": ["10", 0], "vae": ["4", 2]}}),
    );
    let latent = batched(&mut graph, s, "11");
    graph["3"]["inputs"]["latent_image"] = latent;
    graph
}

/// Inpainting: the uploaded RGBA `image` (transparent = repaint) encoded
/// with its mask (`LoadImage` output 1), the mask grown by 6, denoise 1.
pub(super) fn inpaint(s: &Sampling, image: &str) -> Value {
    let mut graph = base(s, Value::Null, 1.0);
    insert(
        &mut graph,
        "10",
        json!({"class_type": "LoadImage", "inputs": {"image": image}}),
    );
    insert(
        &mut graph,
        "12",
        json!({"class_type": "VAEEncodeForInpaint", "inputs": {"pixels": ["10", 0], "vae": ["4", 2], "mask": ["10", 1], "grow_mask_by": 6}}),
    );
    let latent = batched(&mut graph, s, "12");
    graph["3"]["inputs"]["latent_image"] = latent;
    graph
}

/// What an upscale takes.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Upscale {
    /// The uploaded image.
    pub image: String,
    /// How much to enlarge.
    pub factor: u32,
    /// An upscale model and its own scale, if configured.
    pub model: Option<(String, u32)>,
    /// `SaveImage`'s prefix.
    pub prefix: String,
}

/// An upscale: Lanczos by `factor`, or the model (then Lanczos to reach
/// `factor` when the model's scale differs).
pub(super) fn upscale(u: &Upscale) -> Value {
    let mut graph = json!({
        "10": {"class_type": "LoadImage", "inputs": {"image": u.image}},
        "9": {"class_type": "SaveImage", "inputs": {"filename_prefix": u.prefix, "images": ["22", 0]}}
    });
    let mut source = json!(["10", 0]);
    let mut remaining = f64::from(u.factor);
    if let Some((model, scale)) = &u.model {
        insert(
            &mut graph,
            "20",
            json!({"class_type": "UpscaleModelLoader", "inputs": {"model_name": model}}),
        );
        insert(
            &mut graph,
            "21",
            json!({"class_type": "ImageUpscaleWithModel", "inputs": {"upscale_model": ["20", 0], "image": ["10", 0]}}),
        );
        source = json!(["21", 0]);
        remaining /= f64::from((*scale).max(1));
    }
    if u.model.is_some() && (remaining - 1.0).abs() < 1e-9 {
        graph["9"]["inputs"]["images"] = source;
        return graph;
    }
    insert(
        &mut graph,
        "22",
        json!({"class_type": "ImageScaleBy", "inputs": {"image": source, "upscale_method": "lanczos", "scale_by": hundredths(remaining)}}),
    );
    graph
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sampling() -> Sampling {
        Sampling {
            checkpoint: "m.safetensors".into(),
            prompt: "a red fox in the snow".into(),
            negative: "blurry".into(),
            seed: 42,
            steps: 20,
            cfg: 7.0,
            sampler: "euler".into(),
            scheduler: "normal".into(),
            width: 512,
            height: 512,
            batch: 1,
            prefix: "gen".into(),
        }
    }

    #[test]
    fn txt2img_is_the_documented_graph() {
        let expected = json!({
         "4": {"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": "m.safetensors"}},
         "6": {"class_type": "CLIPTextEncode", "inputs": {"text": "a red fox in the snow", "clip": ["4", 1]}},
         "7": {"class_type": "CLIPTextEncode", "inputs": {"text": "blurry", "clip": ["4", 1]}},
         "5": {"class_type": "EmptyLatentImage", "inputs": {"width": 512, "height": 512, "batch_size": 1}},
         "3": {"class_type": "KSampler", "inputs": {"seed": 42, "steps": 20, "cfg": 7.0, "sampler_name": "euler",
                "scheduler": "normal", "denoise": 1.0, "model": ["4", 0], "positive": ["6", 0],
                "negative": ["7", 0], "latent_image": ["5", 0]}},
         "8": {"class_type": "VAEDecode", "inputs": {"samples": ["3", 0], "vae": ["4", 2]}},
         "9": {"class_type": "SaveImage", "inputs": {"filename_prefix": "gen", "images": ["8", 0]}}
        });
        assert_eq!(txt2img(&sampling()), expected);
    }

    #[test]
    fn upscales_use_lanczos_or_the_model() {
        let plain = upscale(&Upscale {
            image: "a.png".into(),
            factor: 2,
            model: None,
            prefix: "p".into(),
        });
        assert_eq!(plain["22"]["inputs"]["scale_by"], 2.0);
        assert_eq!(plain["22"]["inputs"]["image"], json!(["10", 0]));
        let model = Some(("4x.pth".to_owned(), 4));
        let exact = upscale(&Upscale {
            image: "a.png".into(),
            factor: 4,
            model: model.clone(),
            prefix: "p".into(),
        });
        assert_eq!(exact["9"]["inputs"]["images"], json!(["21", 0]));
        assert!(exact.get("22").is_none());
        let half = upscale(&Upscale {
            image: "a.png".into(),
            factor: 2,
            model,
            prefix: "p".into(),
        });
        assert_eq!(half["22"]["inputs"]["scale_by"], 0.5);
    }
}
