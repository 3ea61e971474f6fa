//! User workflows: loaded from JSON files, offered as models whose
//! capabilities follow the mapped inputs, run with Easel's parameters.

use std::path::PathBuf;

use easel_domain::generation::{Operation, SizeRule};
use easel_engine::providers::comfyui::{ComfyUiProvider, WorkflowError, WorkflowTemplate};
use easel_engine::providers::{Provider, ProviderError};
use serde_json::{Value, json};

use crate::support::{
    CKPT, context, node, painted, pixels, posted_prompts, request, run, settings, standin,
};

fn graph() -> Value {
    json!({
        "ckpt": {"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": CKPT}},
        "pos": {"class_type": "CLIPTextEncode", "inputs": {"text": "placeholder", "clip": ["ckpt", 1]}},
        "neg": {"class_type": "CLIPTextEncode", "inputs": {"text": "ugly", "clip": ["ckpt", 1]}},
        "size": {"class_type": "EmptyLatentImage", "inputs": {"width": 64, "height": 64, "batch_size": 1}},
        "sample": {"class_type": "KSampler", "inputs": {"seed": 1, "steps": 2, "cfg": 5.0, "sampler_name": "euler",
            "scheduler": "simple", "denoise": 1.0, "model": ["ckpt", 0], "positive": ["pos", 0],
            "negative": ["neg", 0], "latent_image": ["size", 0]}},
        "decode": {"class_type": "VAEDecode", "inputs": {"samples": ["sample", 0], "vae": ["ckpt", 2]}},
        "save": {"class_type": "SaveImage", "inputs": {"filename_prefix": "mine", "images": ["decode", 0]}}
    })
}

fn write(dir: &tempfile::TempDir, name: &str, content: &Value) -> PathBuf {
    let path = dir.path().join(name);
    std::fs::write(&path, content.to_string()).expect("write");
    path
}

fn invalid(result: Result<WorkflowTemplate, WorkflowError>) -> String {
    match result {
        Err(err) => err.to_string(),
        Ok(_) => panic!("expected the workflow to be refused"),
    }
}

#[tokio::test]
async fn a_workflow_file_becomes_a_model_that_runs_with_the_mapped_inputs() {
    let dir = tempfile::tempdir().expect("dir");
    let file = json!({
        "label": "My fox machine",
        "workflow": graph(),
        "inputs": {"prompt": ["pos", "text"], "seed": ["sample", "seed"], "steps": ["sample", "steps"], "checkpoint": ["ckpt", "ckpt_name"]}
    });
    let workflow =
        WorkflowTemplate::from_file(write(&dir, "fox-machine.json", &file)).expect("loads");
    assert_eq!(
        (workflow.name.as_str(), workflow.model_id()),
        ("fox-machine", "comfyui:workflow/fox-machine".to_owned())
    );

    let standin = standin().await;
    let mut settings = settings(&standin.base_url());
    settings.workflows = vec![workflow];
    let provider = ComfyUiProvider::new(settings);
    provider.probe().await;
    let model = provider
        .models()
        .into_iter()
        .find(|m| m.id == "comfyui:workflow/fox-machine")
        .expect("listed");
    assert_eq!(model.label, "My fox machine");
    assert!(model.available);
    let caps = &model.capabilities;
    assert_eq!(caps.operations, [Operation::Txt2img]);
    assert!(caps.seed && !caps.negative_prompt && caps.cfg.is_none() && caps.sampler.is_none());
    assert_eq!(caps.steps.map(|s| s.default), Some(2.0));
    assert_eq!(
        caps.sizes,
        SizeRule::Fixed {
            sizes: vec![(64, 64)]
        }
    );
    assert_eq!(caps.max_count, 1);

    let mut request = request("a red fox");
    request.model = model.id.clone();
    request.negative_prompt = String::new();
    request.width = 64;
    request.height = 64;
    request.steps = Some(4);
    let (cx, progress) = context(request);
    let images = run(&provider, &cx).await.expect("images");
    assert_eq!(pixels(&images[0]), painted("a red fox", 7, 64, 64));
    let graph = &posted_prompts(&standin)[0]["prompt"];
    assert_eq!(graph["pos"]["inputs"]["text"], "a red fox");
    assert_eq!(graph["neg"]["inputs"]["text"], "ugly");
    assert_eq!(graph["sample"]["inputs"]["seed"], 7);
    assert_eq!(graph["sample"]["inputs"]["steps"], 4);
    assert_eq!(
        node(graph, "SaveImage")["inputs"]["filename_prefix"],
        "mine"
    );
    assert_eq!(progress.with(|r| r.steps.len()), 4);
    assert_eq!(images[0].seed, Some(7));
}

#[tokio::test]
async fn a_workflow_naming_a_missing_checkpoint_is_listed_unavailable() {
    let mut missing = graph();
    missing["ckpt"]["inputs"]["ckpt_name"] = json!("gone.safetensors");
    let inputs = serde_json::from_value(
        json!({"prompt": ["pos", "text"], "checkpoint": ["ckpt", "ckpt_name"]}),
    )
    .expect("inputs");
    let workflow = WorkflowTemplate::new("gone", "Gone", missing, inputs).expect("valid");
    let standin = standin().await;
    let mut settings = settings(&standin.base_url());
    settings.workflows = vec![workflow];
    let provider = ComfyUiProvider::new(settings);
    provider.probe().await;
    let model = provider
        .models()
        .into_iter()
        .find(|m| m.id == "comfyui:workflow/gone")
        .expect("listed");
    assert!(!model.available);
    assert_eq!(
        model.unavailable_reason.as_deref(),
        Some("Checkpoint 'gone.safetensors' is not installed on the ComfyUI server")
    );
    let mut request = request("x");
    request.model = model.id;
    let err = provider
        .run(&context(request).0)
        .await
        .expect_err("refused");
    assert_eq!(
        err,
        ProviderError::Fatal("ComfyUI rejected the workflow: Checkpoint 'gone.safetensors' is not installed on the ComfyUI server".into())
    );
}

#[tokio::test]
async fn bad_workflow_files_are_refused_with_reasons() {
    let dir = tempfile::tempdir().expect("dir");
    let ui_format = json!({"workflow": {"nodes": [], "links": [], "version": 0.4}, "inputs": {}});
    assert!(
        invalid(WorkflowTemplate::from_file(write(
            &dir, "ui.json", &ui_format
        )))
        .contains("UI workflow")
    );
    let unknown_node = json!({"workflow": graph(), "inputs": {"prompt": ["66", "text"]}});
    assert!(
        invalid(WorkflowTemplate::from_file(write(
            &dir,
            "a.json",
            &unknown_node
        )))
        .contains("input \"prompt\" points at node \"66\", which the workflow does not have")
    );
    let missing_input = json!({"workflow": graph(), "inputs": {"seed": ["sample", "noise_seed"]}});
    assert!(
        invalid(WorkflowTemplate::from_file(write(
            &dir,
            "b.json",
            &missing_input
        )))
        .contains("node \"sample\" (KSampler), which has no input \"noise_seed\"")
    );
    let linked = json!({"workflow": graph(), "inputs": {"prompt": ["sample", "positive"]}});
    assert!(
        invalid(WorkflowTemplate::from_file(write(&dir, "c.json", &linked))).contains("is a link")
    );
    let typo = json!({"workflow": graph(), "inputs": {"promt": ["pos", "text"]}});
    assert!(
        invalid(WorkflowTemplate::from_file(write(&dir, "d.json", &typo)))
            .contains("unknown field `promt`")
    );
    let not_api = json!({"workflow": {"1": {"inputs": {}}}});
    assert!(
        invalid(WorkflowTemplate::from_file(write(&dir, "e.json", &not_api)))
            .contains("node \"1\" has no class_type")
    );
    assert!(
        invalid(WorkflowTemplate::from_file(dir.path().join("absent.json")))
            .contains("cannot read")
    );
}

#[tokio::test]
async fn an_img2img_workflow_uploads_the_source_and_sets_denoise() {
    let mut img2img = graph();
    if let Some(nodes) = img2img.as_object_mut() {
        nodes.remove("size");
        nodes.insert(
            "load".into(),
            json!({"class_type": "LoadImage", "inputs": {"image": "example.png"}}),
        );
        nodes.insert("enc".into(), json!({"class_type": "VAEEncode", "inputs": {"pixels": ["load", 0], "vae": ["ckpt", 2]}}));
    }
    img2img["sample"]["inputs"]["latent_image"] = json!(["enc", 0]);
    img2img["sample"]["inputs"]["denoise"] = json!(0.5);
    let inputs = serde_json::from_value(json!({"prompt": ["pos", "text"], "init_image": ["load", "image"], "denoise": ["sample", "denoise"]})).expect("inputs");
    let workflow = WorkflowTemplate::new("redo", "Redo", img2img, inputs).expect("valid");
    let standin = standin().await;
    let mut settings = settings(&standin.base_url());
    settings.workflows = vec![workflow];
    let provider = ComfyUiProvider::new(settings);
    let model = provider
        .models()
        .into_iter()
        .find(|m| m.id == "comfyui:workflow/redo")
        .expect("listed");
    assert_eq!(model.capabilities.operations, [Operation::Img2img]);
    assert_eq!(model.capabilities.strength.map(|s| s.default), Some(0.5));

    let mut request = request("a red fox");
    request.model = model.id;
    request.init_image = Some(uuid::Uuid::nil());
    request.strength = Some(0.3);
    let source = painted("a castle", 1, 64, 48);
    let cx = easel_engine::providers::testing::with_source(
        context(request).0,
        crate::support::png(&source),
        json!({}),
    );
    let images = run(&provider, &cx).await.expect("images");
    assert_eq!(pixels(&images[0]).dimensions(), (64, 48));
    let graph = &posted_prompts(&standin)[0]["prompt"];
    assert_eq!(
        graph["load"]["inputs"]["image"],
        standin.uploads()[0].name.as_str()
    );
    assert_eq!(graph["sample"]["inputs"]["denoise"], 0.3);
    assert_eq!(images[0].seed, None);
}
