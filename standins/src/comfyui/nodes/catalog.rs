//! The node classes the stand-in knows, in `NODE_CLASS_MAPPINGS` order.

mod images;

use super::{InputKind, InputSpec, Lists, NodeDef};
use crate::comfyui::json::{J, jobj};
use images::*;

/// Every node class, with the current file lists in their combos.
pub fn catalog(lists: &Lists) -> Vec<NodeDef> {
    vec![
        ksampler(),
        checkpoint_loader(lists),
        clip_text_encode(),
        vae_decode(),
        vae_encode(),
        vae_encode_for_inpaint(),
        set_latent_noise_mask(),
        repeat_latent_batch(),
        save_image(),
        preview_image(),
        load_image(lists),
        load_image_mask(lists),
        empty_latent_image(),
        image_scale_by(),
        empty_image(),
        upscale_model_loader(lists),
        image_upscale_with_model(),
    ]
}

fn input(name: &'static str, kind: InputKind, config: Option<J>) -> InputSpec {
    InputSpec { name, kind, config }
}

fn link(name: &'static str, kind: &'static str, tooltip: Option<&str>) -> InputSpec {
    input(
        name,
        InputKind::Link(kind),
        tooltip.map(|t| jobj! {"tooltip" => t}),
    )
}

fn combo(values: &[&str]) -> InputKind {
    InputKind::Combo(values.iter().map(|v| (*v).to_owned()).collect())
}

/// The sampler names of ComfyUI 0.8.0 (from the trace's `/object_info`).
pub const SAMPLERS: &[&str] = &[
    "euler",
    "euler_cfg_pp",
    "euler_ancestral",
    "euler_ancestral_cfg_pp",
    "heun",
    "heunpp2",
    "exp_heun_2_x0",
    "exp_heun_2_x0_sde",
    "dpm_2",
    "dpm_2_ancestral",
    "lms",
    "dpm_fast",
    "dpm_adaptive",
    "dpmpp_2s_ancestral",
    "dpmpp_2s_ancestral_cfg_pp",
    "dpmpp_sde",
    "dpmpp_sde_gpu",
    "dpmpp_2m",
    "dpmpp_2m_cfg_pp",
    "dpmpp_2m_sde",
    "dpmpp_2m_sde_gpu",
    "dpmpp_2m_sde_heun",
    "dpmpp_2m_sde_heun_gpu",
    "dpmpp_3m_sde",
    "dpmpp_3m_sde_gpu",
    "ddpm",
    "lcm",
    "ipndm",
    "ipndm_v",
    "deis",
    "res_multistep",
    "res_multistep_cfg_pp",
    "res_multistep_ancestral",
    "res_multistep_ancestral_cfg_pp",
    "gradient_estimation",
    "gradient_estimation_cfg_pp",
    "er_sde",
    "seeds_2",
    "seeds_3",
    "sa_solver",
    "sa_solver_pece",
    "ddim",
    "uni_pc",
    "uni_pc_bh2",
];

/// The scheduler names of ComfyUI 0.8.0.
pub const SCHEDULERS: &[&str] = &[
    "simple",
    "sgm_uniform",
    "karras",
    "exponential",
    "ddim_uniform",
    "beta",
    "normal",
    "linear_quadratic",
    "kl_optimal",
];

fn ksampler() -> NodeDef {
    let mut node = NodeDef::new("KSampler", "KSampler", "sampling");
    node.description =
        "Uses the provided model, positive and negative conditioning to denoise the latent image.";
    node.required = vec![
        link(
            "model",
            "MODEL",
            Some("The model used for denoising the input latent."),
        ),
        input(
            "seed",
            InputKind::Int,
            Some(jobj! {
                "default" => 0i64, "min" => 0i64, "max" => J::Int(i128::from(u64::MAX)),
                "control_after_generate" => true,
                "tooltip" => "The random seed used for creating the noise.",
            }),
        ),
        input(
            "steps",
            InputKind::Int,
            Some(jobj! {
                "default" => 20i64, "min" => 1i64, "max" => 10000i64,
                "tooltip" => "The number of steps used in the denoising process.",
            }),
        ),
        input(
            "cfg",
            InputKind::Float,
            Some(jobj! {
                "default" => 8.0, "min" => 0.0, "max" => 100.0, "step" => 0.1, "round" => 0.01,
                "tooltip" => "The Classifier-Free Guidance scale balances creativity and adherence to the prompt. Higher values result in images more closely matching the prompt however too high values will negatively impact quality.",
            }),
        ),
        input(
            "sampler_name",
            combo(SAMPLERS),
            Some(jobj! {
                "tooltip" => "The algorithm used when sampling, this can affect the quality, speed, and style of the generated output.",
            }),
        ),
        input(
            "scheduler",
            combo(SCHEDULERS),
            Some(jobj! {
                "tooltip" => "The scheduler controls how noise is gradually removed to form the image.",
            }),
        ),
        link(
            "positive",
            "CONDITIONING",
            Some("The conditioning describing the attributes you want to include in the image."),
        ),
        link(
            "negative",
            "CONDITIONING",
            Some("The conditioning describing the attributes you want to exclude from the image."),
        ),
        link(
            "latent_image",
            "LATENT",
            Some("The latent image to denoise."),
        ),
        input(
            "denoise",
            InputKind::Float,
            Some(jobj! {
                "default" => 1.0, "min" => 0.0, "max" => 1.0, "step" => 0.01,
                "tooltip" => "The amount of denoising applied, lower values will maintain the structure of the initial image allowing for image to image sampling.",
            }),
        ),
    ];
    node.outputs = vec!["LATENT"];
    node.output_tooltips = Some(vec!["The denoised latent."]);
    node
}

fn checkpoint_loader(lists: &Lists) -> NodeDef {
    let mut node = NodeDef::new("CheckpointLoaderSimple", "Load Checkpoint", "loaders");
    node.description =
        "Loads a diffusion model checkpoint, diffusion models are used to denoise latents.";
    node.required = vec![input(
        "ckpt_name",
        InputKind::Combo(lists.checkpoints.clone()),
        Some(jobj! {"tooltip" => "The name of the checkpoint (model) to load."}),
    )];
    node.outputs = vec!["MODEL", "CLIP", "VAE"];
    node.output_tooltips = Some(vec![
        "The model used for denoising latents.",
        "The CLIP model used for encoding text prompts.",
        "The VAE model used for encoding and decoding images to and from latent space.",
    ]);
    node
}

fn clip_text_encode() -> NodeDef {
    let mut node = NodeDef::new(
        "CLIPTextEncode",
        "CLIP Text Encode (Prompt)",
        "conditioning",
    );
    node.description = "Encodes a text prompt using a CLIP model into an embedding that can be used to guide the diffusion model towards generating specific images.";
    node.required = vec![
        input(
            "text",
            InputKind::Text,
            Some(
                jobj! {"multiline" => true, "dynamicPrompts" => true, "tooltip" => "The text to be encoded."},
            ),
        ),
        link(
            "clip",
            "CLIP",
            Some("The CLIP model used for encoding the text."),
        ),
    ];
    node.outputs = vec!["CONDITIONING"];
    node.output_tooltips = Some(vec![
        "A conditioning containing the embedded text used to guide the diffusion model.",
    ]);
    node
}

fn vae_decode() -> NodeDef {
    let mut node = NodeDef::new("VAEDecode", "VAE Decode", "latent");
    node.description = "Decodes latent images back into pixel space images.";
    node.required = vec![
        link("samples", "LATENT", Some("The latent to be decoded.")),
        link(
            "vae",
            "VAE",
            Some("The VAE model used for decoding the latent."),
        ),
    ];
    node.outputs = vec!["IMAGE"];
    node.output_tooltips = Some(vec!["The decoded image."]);
    node
}

fn vae_encode() -> NodeDef {
    let mut node = NodeDef::new("VAEEncode", "VAE Encode", "latent");
    node.required = vec![link("pixels", "IMAGE", None), link("vae", "VAE", None)];
    node.outputs = vec!["LATENT"];
    node
}

fn vae_encode_for_inpaint() -> NodeDef {
    let mut node = NodeDef::new(
        "VAEEncodeForInpaint",
        "VAE Encode (for Inpainting)",
        "latent/inpaint",
    );
    node.required = vec![
        link("pixels", "IMAGE", None),
        link("vae", "VAE", None),
        link("mask", "MASK", None),
        input(
            "grow_mask_by",
            InputKind::Int,
            Some(jobj! {"default" => 6i64, "min" => 0i64, "max" => 64i64, "step" => 1i64}),
        ),
    ];
    node.outputs = vec!["LATENT"];
    node
}

fn set_latent_noise_mask() -> NodeDef {
    let mut node = NodeDef::new(
        "SetLatentNoiseMask",
        "Set Latent Noise Mask",
        "latent/inpaint",
    );
    node.required = vec![link("samples", "LATENT", None), link("mask", "MASK", None)];
    node.outputs = vec!["LATENT"];
    node
}

fn repeat_latent_batch() -> NodeDef {
    let mut node = NodeDef::new("RepeatLatentBatch", "Repeat Latent Batch", "latent/batch");
    node.required = vec![
        link("samples", "LATENT", None),
        input(
            "amount",
            InputKind::Int,
            Some(jobj! {"default" => 1i64, "min" => 1i64, "max" => 64i64}),
        ),
    ];
    node.outputs = vec!["LATENT"];
    node
}

fn empty_latent_image() -> NodeDef {
    let mut node = NodeDef::new("EmptyLatentImage", "Empty Latent Image", "latent");
    node.description = "Create a new batch of empty latent images to be denoised via sampling.";
    let side = |tooltip: &str| {
        jobj! {"default" => 512i64, "min" => 16i64, "max" => 16384i64, "step" => 8i64, "tooltip" => tooltip}
    };
    node.required = vec![
        input(
            "width",
            InputKind::Int,
            Some(side("The width of the latent images in pixels.")),
        ),
        input(
            "height",
            InputKind::Int,
            Some(side("The height of the latent images in pixels.")),
        ),
        input(
            "batch_size",
            InputKind::Int,
            Some(jobj! {
                "default" => 1i64, "min" => 1i64, "max" => 4096i64,
                "tooltip" => "The number of latent images in the batch.",
            }),
        ),
    ];
    node.outputs = vec!["LATENT"];
    node.output_tooltips = Some(vec!["The empty latent image batch."]);
    node
}
