//! Stateful behaviour: `client_id` routing, reconnects, interrupts and
//! queue deletes, cached and failing runs, images and their PNG chunks,
//! restarts.

use image::{GenericImageView, Rgba, RgbaImage};
use serde_json::{Value, json};

use super::super::media::text_chunks;
use super::shapes::upload;
use super::{Frame, Ws, eventually, get, options, post, start, submit, txt2img};
use crate::common::{self, Fault};

const CKPT: &str = "sd_xl_base_1.0.safetensors";

fn kinds(frames: &[Frame]) -> Vec<&str> {
    frames.iter().map(Frame::kind).collect()
}

fn find<'f>(frames: &'f [Frame], kind: &str) -> &'f Value {
    frames
        .iter()
        .find(|f| f.kind() == kind)
        .map(Frame::data)
        .unwrap_or_else(|| panic!("no {kind} in {:?}", kinds(frames)))
}

async fn view(base: &str, image: &Value) -> Vec<u8> {
    let url = format!(
        "{base}/view?filename={}&subfolder={}&type={}",
        image["filename"].as_str().unwrap_or_default(),
        image["subfolder"].as_str().unwrap_or_default(),
        image["type"].as_str().unwrap_or_default()
    );
    let response = reqwest::get(url).await.expect("view");
    assert_eq!(response.status().as_u16(), 200);
    response.bytes().await.expect("bytes").to_vec()
}

fn png_rgba(image: &RgbaImage) -> Vec<u8> {
    let mut out = Vec::new();
    image::DynamicImage::ImageRgba8(image.clone())
        .write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png)
        .expect("png");
    out
}

#[tokio::test]
async fn per_prompt_messages_reach_only_the_prompts_client() {
    let standin = start(options()).await;
    let base = standin.base_url();
    let mut mine = Ws::connect(&base, "mine").await;
    let mut other = Ws::connect(&base, "other").await;
    let id = submit(&base, &txt2img(CKPT, "a fox", 1, 3), "mine").await;
    let frames = mine.until_done(&id).await;
    assert_eq!(frames[0].data()["sid"], "mine");
    assert!(kinds(&frames).contains(&"progress"));
    let later = submit(&base, &txt2img(CKPT, "a cat", 2, 3), "other").await;
    let mut seen = Vec::new();
    loop {
        let frame = other.next().await;
        if frame.kind() == "execution_start" {
            assert_eq!(frame.data()["prompt_id"], later.as_str());
            break;
        }
        seen.push(frame);
    }
    assert!(
        seen.iter().all(|f| f.kind() == "status"),
        "{:?}",
        kinds(&seen)
    );
    assert_eq!(seen[0].data()["sid"], "other");
}

#[tokio::test]
async fn without_a_client_id_progress_is_broadcast_but_execution_messages_are_not() {
    let standin = start(options()).await;
    let base = standin.base_url();
    let mut watcher = Ws::connect(&base, "watcher").await;
    assert_eq!(watcher.next().await.data()["sid"], "watcher");
    let (_, answer) = post(
        &base,
        "/prompt",
        json!({"prompt": txt2img(CKPT, "a fox", 1, 2)}),
    )
    .await;
    let id = answer["prompt_id"].as_str().expect("id").to_owned();
    eventually("the prompt to finish", || {
        standin.history_entry(&id).is_some()
    })
    .await;
    let mut frames = Vec::new();
    while frames.len() < 20
        && !frames.iter().any(|f: &Frame| {
            f.kind() == "status" && f.data()["status"]["exec_info"]["queue_remaining"] == 0
        })
    {
        frames.push(watcher.next().await);
    }
    let kinds = kinds(&frames);
    assert!(kinds.contains(&"progress_state") && kinds.contains(&"progress"));
    assert!(
        !kinds.contains(&"execution_start") && !kinds.contains(&"executing"),
        "{kinds:?}"
    );
}

#[tokio::test]
async fn a_client_reconnecting_during_its_prompt_gets_executing_again() {
    let standin = start(options()).await;
    let base = standin.base_url();
    standin.pause_sampling(true);
    let mut first = Ws::connect(&base, "again").await;
    let id = submit(&base, &txt2img(CKPT, "a fox", 1, 3), "again").await;
    loop {
        let frame = first.next().await;
        if frame.kind() == "executing" && frame.data()["node"] == "3" {
            break;
        }
    }
    drop(first);
    let mut second = Ws::connect(&base, "again").await;
    assert_eq!(second.next().await.kind(), "status");
    let resent = second.next().await;
    assert_eq!(
        (resent.kind(), resent.data()),
        ("executing", &json!({"node": "3"}))
    );
    standin.pause_sampling(false);
    let frames = second.until_done(&id).await;
    assert_eq!(find(&frames, "progress")["value"], 1);
    assert!(kinds(&frames).contains(&"execution_success"));
}

#[tokio::test]
async fn interrupts_stop_only_the_named_running_prompt_and_deletes_drop_pending_ones() {
    let standin = start(options()).await;
    let base = standin.base_url();
    let mut ws = Ws::connect(&base, "c").await;
    standin.pause_sampling(true);
    let running = submit(&base, &txt2img(CKPT, "a fox", 1, 3), "c").await;
    eventually("the first prompt to run", || {
        standin.running_prompt().as_deref() == Some(running.as_str())
    })
    .await;
    let pending = submit(&base, &txt2img(CKPT, "a cat", 2, 3), "c").await;
    assert_eq!(
        post(&base, "/interrupt", json!({"prompt_id": pending}))
            .await
            .0,
        200
    );
    assert_eq!(
        post(&base, "/queue", json!({"delete": [pending]})).await.0,
        200
    );
    assert!(standin.pending_prompts().is_empty());
    standin.pause_sampling(false);
    let frames = ws.until_done(&running).await;
    assert!(kinds(&frames).contains(&"execution_success"));
    assert_eq!(
        get(&base, &format!("/history/{pending}")).await.1,
        json!({})
    );

    standin.pause_sampling(true);
    let stopped = submit(&base, &txt2img(CKPT, "a bird", 3, 3), "c").await;
    eventually("the third prompt to run", || {
        standin.running_prompt().as_deref() == Some(stopped.as_str())
    })
    .await;
    assert_eq!(
        post(&base, "/interrupt", json!({"prompt_id": stopped}))
            .await
            .0,
        200
    );
    let frames = ws.until_done(&stopped).await;
    let tail: Vec<&str> = kinds(&frames).into_iter().rev().take(3).collect();
    assert_eq!(tail, ["executing", "status", "execution_interrupted"]);
    let interrupted = find(&frames, "execution_interrupted");
    assert_eq!(
        (
            interrupted["node_id"].clone(),
            interrupted["node_type"].clone()
        ),
        (json!("3"), json!("KSampler"))
    );
    let entry = standin.history_entry(&stopped).expect("history");
    assert_eq!(entry["status"]["status_str"], "error");
    assert_eq!(standin.interrupts(), [Some(pending.clone()), Some(stopped)]);
    assert_eq!(standin.queue_deletes(), [pending]);
}

#[tokio::test]
async fn saved_pngs_hold_the_painting_and_the_prompt_and_workflow_chunks() {
    let standin = start(options()).await;
    let base = standin.base_url();
    let mut ws = Ws::connect(&base, "png").await;
    let mut graph = txt2img(CKPT, "a red fox", 42, 2);
    graph["5"]["inputs"]["batch_size"] = json!(2);
    let body = json!({"prompt": graph, "client_id": "png", "extra_data": {"extra_pnginfo": {"workflow": {"nodes": []}}}});
    let (_, answer) = post(&base, "/prompt", body).await;
    let id = answer["prompt_id"].as_str().expect("id").to_owned();
    let frames = ws.until_done(&id).await;
    let images = find(&frames, "executed")["output"]["images"].clone();
    assert_eq!(images[0]["filename"], "gen_00001_.png");
    assert_eq!(images[1]["filename"], "gen_00002_.png");
    let bytes = view(&base, &images[0]).await;
    let decoded = image::load_from_memory(&bytes).expect("png").to_rgb8();
    assert_eq!(decoded, common::paint("a red fox", 42, 64, 48));
    let second = image::load_from_memory(&view(&base, &images[1]).await)
        .expect("png")
        .to_rgb8();
    assert_eq!(second, common::paint("a red fox", 43, 64, 48));
    let chunks = text_chunks(&bytes);
    assert_eq!(chunks[0].0, "prompt");
    let prompt: Value = serde_json::from_str(&chunks[0].1).expect("prompt json");
    assert_eq!(prompt["3"]["inputs"]["seed"], 42);
    assert!(
        chunks[0].1.contains("\"class_type\": \"KSampler\""),
        "json.dumps style"
    );
    assert_eq!(
        chunks[1],
        ("workflow".to_owned(), "{\"nodes\": []}".to_owned())
    );
    let entry = standin.history_entry(&id).expect("history");
    assert_eq!(
        entry["prompt"][3]["extra_pnginfo"]["workflow"],
        json!({"nodes": []})
    );
}

#[tokio::test]
async fn img2img_keeps_the_source_and_inpainting_repaints_only_the_mask() {
    let standin = start(options()).await;
    let base = standin.base_url();
    let mut ws = Ws::connect(&base, "edit").await;
    let source = common::paint("a blue lake", 5, 64, 64);
    let rgba = RgbaImage::from_fn(64, 64, |x, y| {
        let p = source.get_pixel(x, y);
        Rgba([p[0], p[1], p[2], if x < 16 { 0 } else { 255 }])
    });
    let name =
        upload(&base, "/upload/image", "edit.png", png_rgba(&rgba), &[]).await["name"].clone();
    let graph = |latent: Value, extra: Value, denoise: f64| {
        let mut graph = txt2img(CKPT, "a red fox", 9, 2);
        if let Some(map) = graph.as_object_mut() {
            map.remove("5");
            map.insert(
                "10".into(),
                json!({"class_type": "LoadImage", "inputs": {"image": name.clone()}}),
            );
            map.insert("11".into(), extra);
        }
        graph["3"]["inputs"]["latent_image"] = latent;
        graph["3"]["inputs"]["denoise"] = json!(denoise);
        graph
    };
    let encode =
        json!({"class_type": "VAEEncode", "inputs": {"pixels": ["10", 0], "vae": ["4", 2]}});
    let keep = submit(&base, &graph(json!(["11", 0]), encode, 0.0), "edit").await;
    let frames = ws.until_done(&keep).await;
    let kept = image::load_from_memory(
        &view(&base, &find(&frames, "executed")["output"]["images"][0]).await,
    )
    .expect("png")
    .to_rgb8();
    assert_eq!(kept, source);

    let inpaint = json!({"class_type": "VAEEncodeForInpaint", "inputs": {"pixels": ["10", 0], "vae": ["4", 2], "mask": ["10", 1], "grow_mask_by": 6}});
    let repaint = submit(&base, &graph(json!(["11", 0]), inpaint, 1.0), "edit").await;
    let frames = ws.until_done(&repaint).await;
    let painted = image::load_from_memory(
        &view(&base, &find(&frames, "executed")["output"]["images"][0]).await,
    )
    .expect("png");
    let target = common::paint("a red fox", 9, 64, 64);
    assert_eq!(painted.get_pixel(5, 30).0[..3], target.get_pixel(5, 30).0);
    assert_eq!(painted.get_pixel(40, 30).0[..3], source.get_pixel(40, 30).0);
}

#[tokio::test]
async fn runtime_faults_and_escaping_prefixes_end_in_execution_errors() {
    let standin = start(options()).await;
    let base = standin.base_url();
    let mut ws = Ws::connect(&base, "err").await;
    standin
        .faults()
        .inject_on("/prompt", Fault::RuntimeError, 1);
    let id = submit(&base, &txt2img(CKPT, "a fox", 1, 2), "err").await;
    let frames = ws.until_done(&id).await;
    let error = find(&frames, "execution_error");
    assert_eq!(error["exception_type"], "torch.OutOfMemoryError");
    assert_eq!(error["node_type"], "KSampler");
    assert!(
        error["exception_message"]
            .as_str()
            .unwrap_or_default()
            .contains("out of memory")
    );

    let mut escape = txt2img(CKPT, "a fox", 1, 2);
    escape["9"]["inputs"]["filename_prefix"] = json!("../escape");
    let id = submit(&base, &escape, "err").await;
    let frames = ws.until_done(&id).await;
    let error = find(&frames, "execution_error");
    assert_eq!(
        (error["node_type"].clone(), error["exception_type"].clone()),
        (json!("SaveImage"), json!("Exception"))
    );
    let entry = standin.history_entry(&id).expect("history");
    assert_eq!(
        (
            entry["status"]["status_str"].clone(),
            entry["outputs"].clone()
        ),
        (json!("error"), json!({}))
    );
}

#[tokio::test]
async fn upscales_by_factor_and_by_model_report_their_sizes() {
    let standin = start(options()).await;
    let base = standin.base_url();
    let mut ws = Ws::connect(&base, "up").await;
    let name = upload(
        &base,
        "/upload/image",
        "small.png",
        common::png(&common::paint("x", 1, 40, 30), &[]),
        &[],
    )
    .await["name"]
        .clone();
    let graph = json!({
        "1": {"class_type": "LoadImage", "inputs": {"image": name}},
        "2": {"class_type": "UpscaleModelLoader", "inputs": {"model_name": "4x-UltraSharp.pth"}},
        "3": {"class_type": "ImageUpscaleWithModel", "inputs": {"upscale_model": ["2", 0], "image": ["1", 0]}},
        "4": {"class_type": "ImageScaleBy", "inputs": {"image": ["3", 0], "upscale_method": "lanczos", "scale_by": 0.5}},
        "5": {"class_type": "SaveImage", "inputs": {"images": ["4", 0], "filename_prefix": "up"}}
    });
    let id = submit(&base, &graph, "up").await;
    let frames = ws.until_done(&id).await;
    assert_eq!(find(&frames, "progress")["node"], "3");
    let bytes = view(&base, &find(&frames, "executed")["output"]["images"][0]).await;
    assert_eq!(
        image::load_from_memory(&bytes).expect("png").dimensions(),
        (80, 60)
    );
}

#[tokio::test]
async fn a_crash_restart_forgets_the_history_but_not_the_files() {
    let standin = start(options()).await;
    let base = standin.base_url();
    let mut ws = Ws::connect(&base, "r").await;
    let id = submit(&base, &txt2img(CKPT, "a fox", 1, 2), "r").await;
    let frames = ws.until_done(&id).await;
    let image = find(&frames, "executed")["output"]["images"][0].clone();
    let standin = standin.restart().await.expect("restarts");
    assert_eq!(standin.base_url(), base);
    assert_eq!(get(&base, &format!("/history/{id}")).await.1, json!({}));
    assert!(!view(&base, &image).await.is_empty());
    let (_, answer) = post(
        &base,
        "/prompt",
        json!({"prompt": txt2img(CKPT, "a cat", 2, 2)}),
    )
    .await;
    assert_eq!(answer["number"], 0);
}

#[tokio::test]
async fn a_restart_keeping_history_drops_sockets_but_not_the_running_prompt() {
    let standin = start(options()).await;
    let base = standin.base_url();
    standin.pause_sampling(true);
    let _ws = Ws::connect(&base, "k").await;
    let id = submit(&base, &txt2img(CKPT, "a fox", 1, 2), "k").await;
    eventually("the prompt to run", || standin.running_prompt().is_some()).await;
    let standin = standin.restart_keeping_history().await.expect("restarts");
    let mut ws = Ws::connect(&base, "k").await;
    assert_eq!(ws.next().await.kind(), "status");
    assert_eq!(ws.next().await.data(), &json!({"node": "3"}));
    standin.pause_sampling(false);
    let frames = ws.until_done(&id).await;
    assert!(kinds(&frames).contains(&"execution_success"));
    assert!(standin.history_entry(&id).is_some());
}

#[tokio::test]
async fn history_can_be_cleared_or_pruned_and_interrupts_without_a_client_are_broadcast() {
    let standin = start(options()).await;
    let base = standin.base_url();
    let mut ws = Ws::connect(&base, "h").await;
    let first = submit(&base, &txt2img(CKPT, "a fox", 1, 2), "h").await;
    ws.until_done(&first).await;
    let second = submit(&base, &txt2img(CKPT, "a cat", 2, 2), "h").await;
    ws.until_done(&second).await;
    assert_eq!(
        post(&base, "/history", json!({"delete": [first]})).await.0,
        200
    );
    let (_, history) = get(&base, "/history").await;
    assert_eq!(
        history
            .as_object()
            .map(|h| h.keys().cloned().collect::<Vec<_>>()),
        Some(vec![second.clone()])
    );
    assert_eq!(
        post(&base, "/api/history", json!({"clear": true})).await.0,
        200
    );
    assert_eq!(get(&base, "/history").await.1, json!({}));

    standin.pause_sampling(true);
    let (_, answer) = post(
        &base,
        "/prompt",
        json!({"prompt": txt2img(CKPT, "a bird", 3, 2)}),
    )
    .await;
    let anonymous = answer["prompt_id"].as_str().expect("id").to_owned();
    eventually("it to run", || standin.running_prompt().is_some()).await;
    assert_eq!(post(&base, "/interrupt", json!({})).await.0, 200);
    loop {
        let frame = ws.next().await;
        if frame.kind() == "execution_interrupted" {
            assert_eq!(frame.data()["prompt_id"], anonymous.as_str());
            break;
        }
        assert_ne!(
            frame.kind(),
            "executing",
            "no executing for a prompt without client"
        );
    }
}
