//! ComfyUI: the real fixtures, and graphs built in the test.

use serde_json::{Value, json};

use super::build;
use super::{entry, extra};
use crate::metadata::import::{
    ImportedParameters, MetadataSource, parse_generation_metadata, read_generation_metadata,
};

/// A real ComfyUI 0.8.0 txt2img result (API-queued, `prompt` chunk only).
const TXT2IMG: &[u8] = include_bytes!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/metadata/comfyui/api-txt2img.png"
));
/// A real ComfyUI 0.8.0 img2img result (LoadImage and VAEEncode).
const IMG2IMG: &[u8] = include_bytes!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/metadata/comfyui/api-img2img.png"
));

/// Parses a graph given as JSON under `key`.
fn parse(key: &str, graph: &Value) -> ImportedParameters {
    parse_generation_metadata(&[entry(key, &graph.to_string())]).expect("a sampler is found")
}

#[test]
fn real_txt2img_fixture() {
    let result = read_generation_metadata(TXT2IMG).unwrap().unwrap();
    assert_eq!(result.source, MetadataSource::ComfyUI);
    assert_eq!(result.source.label(), "ComfyUI");
    assert_eq!(result.prompt, "a red fox in the snow");
    assert_eq!(result.negative_prompt, "blurry");
    assert_eq!(result.seed, Some(42));
    assert_eq!(result.steps, Some(2));
    assert_eq!(result.cfg_scale, Some(7.0));
    assert_eq!(result.sampler.as_deref(), Some("euler"));
    assert_eq!(result.scheduler.as_deref(), Some("normal"));
    assert_eq!((result.width, result.height), (Some(64), Some(64)));
    assert_eq!(
        result.model.as_deref(),
        Some("easel-random-sd15.safetensors")
    );
    assert_eq!(result.strength, None);
    assert_eq!(
        result.extra,
        vec![("batch_size".to_owned(), "1".to_owned())]
    );
}

#[test]
fn real_img2img_fixture() {
    let result = read_generation_metadata(IMG2IMG).unwrap().unwrap();
    assert_eq!(result.source, MetadataSource::ComfyUI);
    assert_eq!(result.prompt, "a red fox in the snow");
    assert_eq!(result.negative_prompt, "");
    assert_eq!(result.seed, Some(42));
    assert_eq!(result.steps, Some(2));
    assert_eq!(result.cfg_scale, Some(7.0));
    assert_eq!(result.sampler.as_deref(), Some("euler"));
    assert_eq!(result.scheduler.as_deref(), Some("normal"));
    assert_eq!((result.width, result.height), (None, None));
    assert_eq!(
        result.model.as_deref(),
        Some("easel-random-sd15.safetensors")
    );
    assert_eq!(result.strength, Some(0.5));
    assert!(result.extra.is_empty(), "{:?}", result.extra);
}

/// An SDXL graph: a refiner-less two-sampler chain where only the second
/// is decoded and saved, LoRAs on the model, combined conditioning, the
/// SDXL text encoder, and a seed from a primitive node.
fn sdxl_graph() -> Value {
    json!({
        "1": {"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": "sd_xl_base_1.0.safetensors"}},
        "2": {"class_type": "LoraLoader", "inputs": {"lora_name": "detail.safetensors", "strength_model": 0.8, "strength_clip": 1.0, "model": ["1", 0], "clip": ["1", 1]}},
        "3": {"class_type": "CLIPTextEncodeSDXL", "inputs": {"text_g": "a castle", "text_l": "a castle", "width": 4096, "height": 4096, "clip": ["2", 1]}},
        "4": {"class_type": "CLIPTextEncode", "inputs": {"text": "oil painting", "clip": ["2", 1]}},
        "5": {"class_type": "ConditioningCombine", "inputs": {"conditioning_1": ["3", 0], "conditioning_2": ["4", 0]}},
        "6": {"class_type": "CLIPTextEncode", "inputs": {"text": "ugly", "clip": ["2", 1]}},
        "7": {"class_type": "EmptyLatentImage", "inputs": {"width": 1024, "height": 1024, "batch_size": 4}},
        "8": {"class_type": "PrimitiveNode", "inputs": {"value": 123_456_789}},
        "9": {"class_type": "KSampler", "inputs": {"seed": 1, "steps": 10, "cfg": 5, "sampler_name": "euler", "scheduler": "normal", "denoise": 1, "model": ["2", 0], "positive": ["5", 0], "negative": ["6", 0], "latent_image": ["7", 0]}},
        "10": {"class_type": "KSamplerAdvanced", "inputs": {"add_noise": "enable", "noise_seed": ["8", 0], "steps": 30, "cfg": 6.5, "sampler_name": "dpmpp_2m", "scheduler": "karras", "start_at_step": 0, "end_at_step": 10000, "return_with_leftover_noise": "disable", "model": ["2", 0], "positive": ["5", 0], "negative": ["6", 0], "latent_image": ["7", 0]}},
        "11": {"class_type": "VAEDecode", "inputs": {"samples": ["10", 0], "vae": ["1", 2]}},
        "12": {"class_type": "SaveImage", "inputs": {"filename_prefix": "sdxl", "images": ["11", 0]}}
    })
}

#[test]
fn the_saved_sampler_wins_and_links_are_followed() {
    let result = parse("prompt", &sdxl_graph());
    assert_eq!(result.seed, Some(123_456_789));
    assert_eq!(result.steps, Some(30));
    assert_eq!(result.cfg_scale, Some(6.5));
    assert_eq!(result.sampler.as_deref(), Some("dpmpp_2m"));
    assert_eq!(result.scheduler.as_deref(), Some("karras"));
    assert_eq!(result.prompt, "a castle");
    assert_eq!(result.negative_prompt, "ugly");
    assert_eq!((result.width, result.height), (Some(1024), Some(1024)));
    assert_eq!(result.model.as_deref(), Some("sd_xl_base_1.0.safetensors"));
    assert_eq!(result.strength, None);
    assert_eq!(extra(&result, "lora"), "detail.safetensors: 0.8");
    assert_eq!(extra(&result, "batch_size"), "4");
    assert_eq!(extra(&result, "add_noise"), "enable");
    assert_eq!(extra(&result, "end_at_step"), "10000");
}

#[test]
fn without_a_saved_sampler_the_first_by_id_is_used() {
    let mut graph = sdxl_graph();
    graph.as_object_mut().unwrap().remove("12");
    let result = parse("prompt", &graph);
    assert_eq!(result.steps, Some(10));
    assert_eq!(result.seed, Some(1));
}

#[test]
fn a_custom_sampler_reads_its_helper_nodes() {
    let graph = json!({
        "1": {"class_type": "UNETLoader", "inputs": {"unet_name": "flux1-dev.safetensors", "weight_dtype": "default"}},
        "2": {"class_type": "CLIPTextEncodeFlux", "inputs": {"clip_l": "a fox", "t5xxl": "a red fox in snow", "guidance": 3.5, "clip": ["9", 0]}},
        "3": {"class_type": "BasicGuider", "inputs": {"model": ["1", 0], "conditioning": ["2", 0]}},
        "4": {"class_type": "RandomNoise", "inputs": {"noise_seed": 77}},
        "5": {"class_type": "KSamplerSelect", "inputs": {"sampler_name": "euler"}},
        "6": {"class_type": "BasicScheduler", "inputs": {"scheduler": "simple", "steps": 20, "denoise": 1.0, "model": ["1", 0]}},
        "7": {"class_type": "EmptySD3LatentImage", "inputs": {"width": 896, "height": 1152, "batch_size": 1}},
        "8": {"class_type": "SamplerCustomAdvanced", "inputs": {"noise": ["4", 0], "guider": ["3", 0], "sampler": ["5", 0], "sigmas": ["6", 0], "latent_image": ["7", 0]}}
    });
    let result = parse("prompt", &graph);
    assert_eq!(result.seed, Some(77));
    assert_eq!(result.steps, Some(20));
    assert_eq!(result.cfg_scale, None);
    assert_eq!(result.sampler.as_deref(), Some("euler"));
    assert_eq!(result.scheduler.as_deref(), Some("simple"));
    assert_eq!(result.prompt, "a fox\na red fox in snow");
    assert_eq!(result.negative_prompt, "");
    assert_eq!(result.model.as_deref(), Some("flux1-dev.safetensors"));
    assert_eq!((result.width, result.height), (Some(896), Some(1152)));
}

#[test]
fn a_link_cycle_ends() {
    let graph = json!({
        "1": {"class_type": "ConditioningCombine", "inputs": {"conditioning_1": ["2", 0]}},
        "2": {"class_type": "ConditioningSetArea", "inputs": {"conditioning": ["1", 0]}},
        "3": {"class_type": "LoraLoader", "inputs": {"model": ["3", 0]}},
        "4": {"class_type": "KSampler", "inputs": {"seed": ["4", 0], "steps": 20, "positive": ["1", 0], "negative": ["2", 0], "model": ["3", 0]}}
    });
    let result = parse("prompt", &graph);
    assert_eq!(result.steps, Some(20));
    assert_eq!(result.seed, None);
    assert_eq!(result.prompt, "");
    assert_eq!(result.model, None);
}

#[test]
fn a_ui_workflow_is_read_when_there_is_no_prompt() {
    let workflow = json!({
        "last_node_id": 9, "last_link_id": 9,
        "nodes": [
            {"id": 4, "type": "CheckpointLoaderSimple", "inputs": [], "widgets_values": ["v1-5-pruned-emaonly.safetensors"]},
            {"id": 6, "type": "CLIPTextEncode", "inputs": [{"name": "clip", "type": "CLIP", "link": 3}], "widgets_values": ["a cottage in the woods"]},
            {"id": 7, "type": "CLIPTextEncode", "inputs": [{"name": "clip", "type": "CLIP", "link": 5}], "widgets_values": ["text, watermark"]},
            {"id": 5, "type": "EmptyLatentImage", "inputs": [], "widgets_values": [512, 768, 1]},
            {"id": 10, "type": "Reroute", "inputs": [{"name": "", "type": "*", "link": 1}]},
            {"id": 3, "type": "KSampler", "inputs": [
                {"name": "model", "type": "MODEL", "link": 10},
                {"name": "positive", "type": "CONDITIONING", "link": 4},
                {"name": "negative", "type": "CONDITIONING", "link": 6},
                {"name": "latent_image", "type": "LATENT", "link": 2}
            ], "widgets_values": [156_680_208_700_286u64, "randomize", 20, 8, "euler", "normal", 1]},
            {"id": 8, "type": "VAEDecode", "inputs": [{"name": "samples", "type": "LATENT", "link": 7}]},
            {"id": 9, "type": "SaveImage", "inputs": [{"name": "images", "type": "IMAGE", "link": 9}], "widgets_values": ["ComfyUI"]}
        ],
        "links": [
            [1, 4, 0, 10, 0, "MODEL"], [10, 10, 0, 3, 0, "MODEL"], [2, 5, 0, 3, 3, "LATENT"],
            [3, 4, 1, 6, 0, "CLIP"], [4, 6, 0, 3, 1, "CONDITIONING"], [5, 4, 1, 7, 0, "CLIP"],
            [6, 7, 0, 3, 2, "CONDITIONING"], [7, 3, 0, 8, 0, "LATENT"], [9, 8, 0, 9, 0, "IMAGE"]
        ],
        "version": 0.4
    });
    let file = build::png(&[build::text_chunk("workflow", &workflow.to_string())]);
    let result = read_generation_metadata(&file).unwrap().unwrap();
    assert_eq!(result.source, MetadataSource::ComfyUI);
    assert_eq!(result.prompt, "a cottage in the woods");
    assert_eq!(result.negative_prompt, "text, watermark");
    assert_eq!(result.seed, Some(156_680_208_700_286));
    assert_eq!(result.steps, Some(20));
    assert_eq!(result.cfg_scale, Some(8.0));
    assert_eq!(result.sampler.as_deref(), Some("euler"));
    assert_eq!(result.scheduler.as_deref(), Some("normal"));
    assert_eq!((result.width, result.height), (Some(512), Some(768)));
    assert_eq!(
        result.model.as_deref(),
        Some("v1-5-pruned-emaonly.safetensors")
    );
}

#[test]
fn a_graph_without_a_sampler_is_not_comfyui() {
    let graph = json!({"1": {"class_type": "LoadImage", "inputs": {"image": "x.png"}}});
    assert_eq!(
        parse_generation_metadata(&[entry("prompt", &graph.to_string())]),
        None
    );
    assert_eq!(
        parse_generation_metadata(&[entry("prompt", "a plain prompt")]),
        None
    );
}
