//! The JSON-writing tools' formats (SwarmUI, Fooocus, InvokeAI, Easel),
//! from realistic files built in the test, and the priority between tools.

use serde_json::json;

use super::automatic1111::A1111_TEXT;
use super::build::{self, Order, UNDEFINED};
use super::{entry, extra};
use crate::generation::{GenerationRequest, Seed};
use crate::metadata::Infotext;
use crate::metadata::import::{
    MetadataSource, parse_generation_metadata, read_generation_metadata,
};

#[test]
fn swarmui_png_and_jpeg() {
    let json = json!({
        "sui_image_params": {
            "prompt": "a lighthouse at dawn", "negativeprompt": "fog",
            "model": "OfficialStableDiffusion/sd_xl_base_1.0", "seed": 1_234_567,
            "steps": 30, "cfgscale": 7.5, "aspectratio": "Custom", "width": 1024,
            "height": 768, "sampler": "dpmpp_2m", "scheduler": "karras",
            "initimagecreativity": 0.6, "swarm_version": "0.9.6.2", "date": "2025-06-01"
        },
        "sui_extra_data": { "prep_time": "0.01 sec" }
    })
    .to_string();
    let png = build::png(&[build::itxt_chunk("parameters", &json, false)]);
    let exif = [(
        0x9286,
        UNDEFINED,
        build::user_comment(&json, Some(Order::Little)),
    )];
    let jpeg = build::jpeg(&[build::exif_segment(&build::tiff(Order::Little, &[], &exif))]);
    for file in [png, jpeg] {
        let result = read_generation_metadata(&file).unwrap().unwrap();
        assert_eq!(result.source, MetadataSource::SwarmUI);
        assert_eq!(result.prompt, "a lighthouse at dawn");
        assert_eq!(result.negative_prompt, "fog");
        assert_eq!(
            result.model.as_deref(),
            Some("OfficialStableDiffusion/sd_xl_base_1.0")
        );
        assert_eq!(result.seed, Some(1_234_567));
        assert_eq!(result.steps, Some(30));
        assert_eq!(result.cfg_scale, Some(7.5));
        assert_eq!((result.width, result.height), (Some(1024), Some(768)));
        assert_eq!(result.sampler.as_deref(), Some("dpmpp_2m"));
        assert_eq!(result.scheduler.as_deref(), Some("karras"));
        assert_eq!(result.strength, Some(0.6));
        assert_eq!(extra(&result, "aspectratio"), "Custom");
        assert_eq!(extra(&result, "swarm_version"), "0.9.6.2");
        assert_eq!(extra(&result, "date"), "2025-06-01");
    }
}

fn fooocus_json() -> String {
    json!({
        "adm_guidance": "(1.5, 0.8, 0.3)", "base_model": "juggernautXL_v8Rundiffusion.safetensors",
        "base_model_hash": "aeb7e9e689", "full_prompt": ["a cat, cinematic"],
        "full_negative_prompt": ["ugly"], "guidance_scale": 4.0, "negative_prompt": "ugly",
        "performance": "Speed", "prompt": "a cat", "refiner_model": "None",
        "resolution": "(1152, 896)", "sampler": "dpmpp_2m_sde_gpu", "scheduler": "karras",
        "seed": "4159895726312427221", "sharpness": 2.0, "steps": 30,
        "styles": "['Fooocus V2', 'Fooocus Enhance']", "version": "Fooocus v2.5.5"
    })
    .to_string()
}

#[test]
fn fooocus_json_scheme() {
    let file = build::png(&[
        build::text_chunk("parameters", &fooocus_json()),
        build::text_chunk("fooocus_scheme", "fooocus"),
    ]);
    let result = read_generation_metadata(&file).unwrap().unwrap();
    assert_eq!(result.source, MetadataSource::Fooocus);
    assert_eq!(result.prompt, "a cat");
    assert_eq!(result.negative_prompt, "ugly");
    assert_eq!(result.seed, Some(4_159_895_726_312_427_221));
    assert_eq!(result.steps, Some(30));
    assert_eq!(result.cfg_scale, Some(4.0));
    assert_eq!(result.sampler.as_deref(), Some("dpmpp_2m_sde_gpu"));
    assert_eq!(result.scheduler.as_deref(), Some("karras"));
    assert_eq!((result.width, result.height), (Some(1152), Some(896)));
    assert_eq!(
        result.model.as_deref(),
        Some("juggernautXL_v8Rundiffusion.safetensors")
    );
    assert_eq!(result.strength, None);
    assert_eq!(extra(&result, "performance"), "Speed");
    assert_eq!(
        extra(&result, "styles"),
        "['Fooocus V2', 'Fooocus Enhance']"
    );
    assert_eq!(extra(&result, "sharpness"), "2.0");
    assert!(result.extra_value("full_prompt").is_none());
}

#[test]
fn fooocus_json_in_a_jpeg_is_known_by_its_version() {
    let exif = [(
        0x9286,
        UNDEFINED,
        build::user_comment(&fooocus_json(), None),
    )];
    let file = build::jpeg(&[build::exif_segment(&build::tiff(Order::Little, &[], &exif))]);
    let result = read_generation_metadata(&file).unwrap().unwrap();
    assert_eq!(result.source, MetadataSource::Fooocus);
    assert_eq!(result.steps, Some(30));
}

#[test]
fn fooocus_a1111_scheme() {
    let text = "a cat\nNegative prompt: ugly\nSteps: 30, Sampler: DPM++ 2M SDE, \
        Seed: 42, Size: 1152x896, Model: juggernautXL_v8, Performance: Speed, \
        Version: Fooocus v2.5.5";
    let file = build::png(&[
        build::text_chunk("parameters", text),
        build::text_chunk("fooocus_scheme", "a1111"),
    ]);
    let result = read_generation_metadata(&file).unwrap().unwrap();
    assert_eq!(result.source, MetadataSource::Fooocus);
    assert_eq!(result.prompt, "a cat");
    assert_eq!(result.seed, Some(42));
    assert_eq!((result.width, result.height), (Some(1152), Some(896)));
    assert_eq!(extra(&result, "Performance"), "Speed");
    // The same text without the scheme entry is still known by its version.
    let alone = parse_generation_metadata(&[entry("parameters", text)]).unwrap();
    assert_eq!(alone.source, MetadataSource::Fooocus);
}

#[test]
fn invokeai_metadata_of_versions_3_and_5() {
    let v3 = json!({
        "app_version": "3.3.0post3", "generation_mode": "txt2img",
        "positive_prompt": "landscape", "negative_prompt": "low quality", "width": 768,
        "height": 432, "seed": 356_120_443, "rand_device": "cpu", "cfg_scale": 7.5,
        "steps": 50, "scheduler": "dpmpp_2m_sde_k", "clip_skip": 0,
        "model": {"model_name": "amixx_3Prunedfp16", "base_model": "sd-1", "model_type": "main"},
        "controlnets": [], "loras": [], "vae": {"model_name": "sd-vae-ft-mse", "base_model": "sd-1"}
    });
    let v5 = json!({
        "app_version": "5.4.2", "generation_mode": "sdxl_img2img",
        "positive_prompt": "landscape", "negative_prompt": "low quality", "width": 768,
        "height": 432, "seed": 356_120_443, "cfg_scale": 7.5, "cfg_rescale_multiplier": 0,
        "steps": 50, "scheduler": "dpmpp_2m_sde_k", "strength": 0.7,
        "model": {"key": "1f0c", "hash": "blake3:ab", "name": "amixx_3Prunedfp16", "base": "sdxl", "type": "main"}
    });
    for (json, strength) in [(v3, None), (v5, Some(0.7))] {
        let file = build::png(&[build::text_chunk("invokeai_metadata", &json.to_string())]);
        let result = read_generation_metadata(&file).unwrap().unwrap();
        assert_eq!(result.source, MetadataSource::InvokeAI);
        assert_eq!(result.prompt, "landscape");
        assert_eq!(result.negative_prompt, "low quality");
        assert_eq!(result.seed, Some(356_120_443));
        assert_eq!(result.steps, Some(50));
        assert_eq!(result.cfg_scale, Some(7.5));
        assert_eq!(result.scheduler.as_deref(), Some("dpmpp_2m_sde_k"));
        assert_eq!((result.width, result.height), (Some(768), Some(432)));
        assert_eq!(result.model.as_deref(), Some("amixx_3Prunedfp16"));
        assert_eq!(result.strength, strength);
        assert!(extra(&result, "generation_mode").contains("img2img") == strength.is_some());
    }
}

#[test]
fn invokeai_version_2_sd_metadata() {
    let json = json!({
        "model": "stable diffusion", "model_weights": "stable-diffusion-1.5",
        "app_id": "invoke-ai/InvokeAI", "app_version": "2.2.5",
        "image": {
            "prompt": [{"prompt": "a castle [fog]", "weight": 1.0}], "steps": 50,
            "cfg_scale": 7.5, "threshold": 0, "height": 512, "width": 640, "seed": 3_357_757_885u64,
            "type": "img2img", "sampler": "k_lms", "strength": 0.75
        }
    });
    let result = parse_generation_metadata(&[entry("sd-metadata", &json.to_string())]).unwrap();
    assert_eq!(result.source, MetadataSource::InvokeAI);
    assert_eq!(result.prompt, "a castle [fog]");
    assert_eq!(result.seed, Some(3_357_757_885));
    assert_eq!(result.steps, Some(50));
    assert_eq!(result.sampler.as_deref(), Some("k_lms"));
    assert_eq!((result.width, result.height), (Some(640), Some(512)));
    assert_eq!(result.model.as_deref(), Some("stable-diffusion-1.5"));
    assert_eq!(result.strength, Some(0.75));
    assert_eq!(extra(&result, "type"), "img2img");
}

#[test]
fn an_easel_file_reads_as_easel_despite_its_parameters_chunk() {
    let request = GenerationRequest {
        model: "a1111:sdxl_base".to_owned(),
        prompt: "phare \u{e0} l'aube \u{2600}".to_owned(),
        negative_prompt: "blurry".to_owned(),
        width: 1024,
        height: 768,
        count: 2,
        seed: Seed::Random,
        steps: Some(25),
        cfg: Some(6.0),
        sampler: Some("DPM++ 2M".to_owned()),
        quality: Some("high".to_owned()),
        ..GenerationRequest::default()
    };
    // As the worker writes them: an infotext, and Easel's JSON.
    let infotext = Infotext::new(&request.prompt, &request.negative_prompt)
        .with("Steps", 25)
        .with("Seed", 987_654)
        .with("Size", "1024x768")
        .with("Model", "a1111:sdxl_base")
        .with("Schedule type", "Karras")
        .with("Version", "Easel 0.1.0");
    let easel = json!({
        "version": 1, "job_id": "0190b7f4-0000-7000-8000-000000000001",
        "model": "a1111:sdxl_base", "seed": 987_654, "request": request, "provider": {}
    });
    let file = build::png(&[
        build::itxt_chunk("parameters", &infotext.format(), false),
        build::itxt_chunk("easel", &easel.to_string(), false),
    ]);
    let result = read_generation_metadata(&file).unwrap().unwrap();
    assert_eq!(result.source, MetadataSource::Easel);
    assert_eq!(result.prompt, "phare \u{e0} l'aube \u{2600}");
    assert_eq!(result.negative_prompt, "blurry");
    assert_eq!(result.seed, Some(987_654));
    assert_eq!(result.steps, Some(25));
    assert_eq!(result.cfg_scale, Some(6.0));
    assert_eq!(result.sampler.as_deref(), Some("DPM++ 2M"));
    // Not in the request: taken from the infotext.
    assert_eq!(result.scheduler.as_deref(), Some("Karras"));
    assert_eq!((result.width, result.height), (Some(1024), Some(768)));
    assert_eq!(result.model.as_deref(), Some("a1111:sdxl_base"));
    assert_eq!(result.strength, None);
    assert_eq!(extra(&result, "quality"), "high");
    assert_eq!(extra(&result, "count"), "2");
    assert_eq!(
        extra(&result, "job_id"),
        "0190b7f4-0000-7000-8000-000000000001"
    );
}

#[test]
fn priority_prefers_the_most_specific_tool() {
    let a1111 = entry("parameters", A1111_TEXT);
    let comfy = entry(
        "prompt",
        r#"{"3": {"class_type": "KSampler", "inputs": {"seed": 5}}}"#,
    );
    let invoke = entry(
        "invokeai_metadata",
        r#"{"positive_prompt": "p", "seed": 9}"#,
    );
    let source = |entries: &[_]| parse_generation_metadata(entries).map(|r| r.source);
    assert_eq!(
        source(std::slice::from_ref(&a1111)),
        Some(MetadataSource::Automatic1111)
    );
    assert_eq!(
        source(&[a1111.clone(), comfy.clone()]),
        Some(MetadataSource::ComfyUI)
    );
    assert_eq!(
        source(&[a1111, comfy, invoke]),
        Some(MetadataSource::InvokeAI)
    );
}

#[test]
fn sources_serialize_snake_case() {
    let names: Vec<String> = [
        MetadataSource::Easel,
        MetadataSource::Automatic1111,
        MetadataSource::ComfyUI,
        MetadataSource::InvokeAI,
        MetadataSource::Fooocus,
        MetadataSource::SwarmUI,
    ]
    .iter()
    .map(|s| serde_json::to_string(s).unwrap())
    .collect();
    assert_eq!(
        names,
        [
            "\"easel\"",
            "\"automatic1111\"",
            "\"comfyui\"",
            "\"invokeai\"",
            "\"fooocus\"",
            "\"swarmui\""
        ]
    );
}
