//! Happy paths: txt2img (with a batch), progress with previews in both
//! framings, img2img, inpainting, upscales.

use std::sync::Arc;

use easel_domain::generation::{Operation, Seed};
use easel_engine::imaging::{self, DecodeLimits};
use easel_engine::providers::comfyui::ComfyUiProvider;
use easel_engine::providers::testing::with_source;
use easel_engine::providers::{Provider, ProviderError};
use image::{GenericImageView, GrayImage, Luma};
use serde_json::json;

use crate::support::{
    CKPT, context, node, painted, pixels, png, posted_prompts, provider, request, run, settings,
    standin,
};

#[tokio::test]
async fn txt2img_returns_a_batch_of_the_requested_size_from_the_graph_it_sent() {
    let standin = standin().await;
    let provider = provider(&standin);
    let mut request = request("a red fox in the snow");
    request.count = 2;
    request.cfg = Some(6.5);
    request.sampler = Some("dpmpp_2m".into());
    request.scheduler = Some("karras".into());
    let (cx, progress) = context(request);
    let images = run(&provider, &cx).await.expect("images");
    assert_eq!(images.len(), 2);
    assert_eq!(
        pixels(&images[0]),
        painted("a red fox in the snow", 7, 64, 48)
    );
    assert_eq!(pixels(&images[1]).dimensions(), (64, 48));
    assert_ne!(pixels(&images[0]), pixels(&images[1]));
    assert_eq!(
        (images[0].seed, images[1].metadata["batch_index"].clone()),
        (Some(7), json!(1))
    );

    let posted = &posted_prompts(&standin)[0];
    let graph = &posted["prompt"];
    assert_eq!(
        node(graph, "CheckpointLoaderSimple")["inputs"]["ckpt_name"],
        CKPT
    );
    assert_eq!(
        node(graph, "EmptyLatentImage")["inputs"],
        json!({"width": 64, "height": 48, "batch_size": 2})
    );
    let sampler = &node(graph, "KSampler")["inputs"];
    assert_eq!(
        (
            &sampler["seed"],
            &sampler["steps"],
            &sampler["cfg"],
            &sampler["sampler_name"],
            &sampler["scheduler"]
        ),
        (
            &json!(7),
            &json!(3),
            &json!(6.5),
            &json!("dpmpp_2m"),
            &json!("karras")
        )
    );
    assert_eq!(graph["7"]["inputs"]["text"], "blurry");
    assert_eq!(posted["extra_data"]["preview_method"], "auto");
    let handle = progress.last_handle().expect("a saved handle");
    assert_eq!(handle["client_id"], posted["client_id"]);
    assert_eq!(handle["prompt_id"], images[0].metadata["prompt_id"]);
    assert_eq!(images[0].metadata["graph"], *graph);
}

#[tokio::test]
async fn prompts_and_seeds_change_the_picture() {
    let standin = standin().await;
    let provider = provider(&standin);
    let first = pixels(
        &run(&provider, &context(request("a red fox")).0)
            .await
            .expect("fox")[0],
    );
    let other = pixels(
        &run(&provider, &context(request("a blue whale")).0)
            .await
            .expect("whale")[0],
    );
    let mut reseeded = request("a red fox");
    reseeded.seed = Seed::Fixed(8);
    let again = pixels(&run(&provider, &context(reseeded).0).await.expect("fox 8")[0]);
    assert_ne!(first, other);
    assert_ne!(first, again);
}

async fn previews_with(metadata: bool) -> (Vec<(u32, u32, bool)>, Vec<Vec<u8>>, bool) {
    let standin = standin().await;
    let mut settings = settings(&standin.base_url());
    settings.preview_metadata = metadata;
    let provider = ComfyUiProvider::new(settings);
    let (cx, progress) = context(request("a red fox"));
    run(&provider, &cx).await.expect("images");
    let client = posted_prompts(&standin)[0]["client_id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let negotiated = standin.negotiated_clients().contains(&client);
    let (steps, previews) = progress.with(|r| (r.steps.clone(), r.previews.clone()));
    (steps, previews, negotiated)
}

fn assert_jpeg_previews(previews: &[Vec<u8>]) {
    for preview in previews {
        assert_eq!(&preview[..2], &[0xff, 0xd8]);
        let image = imaging::decode(preview, &DecodeLimits::default()).expect("a JPEG");
        assert!(image.width().max(image.height()) <= 512);
    }
}

#[tokio::test]
async fn type4_previews_with_metadata_become_steps_with_jpegs() {
    let (steps, previews, negotiated) = previews_with(true).await;
    assert!(negotiated, "the connector negotiated preview metadata");
    assert_eq!(steps, [(1, 3, true), (2, 3, true), (3, 3, true)]);
    assert_jpeg_previews(&previews);
}

#[tokio::test]
async fn legacy_type1_previews_become_steps_with_jpegs() {
    let (steps, previews, negotiated) = previews_with(false).await;
    assert!(!negotiated);
    assert_eq!(steps, [(1, 3, true), (2, 3, true), (3, 3, true)]);
    assert_eq!(previews.len(), 3);
    assert_jpeg_previews(&previews);
}

#[tokio::test]
async fn without_a_preview_method_steps_come_without_previews() {
    let standin = standin().await;
    let mut settings = settings(&standin.base_url());
    settings.preview_method = None;
    let provider = ComfyUiProvider::new(settings);
    let (cx, progress) = context(request("a red fox"));
    run(&provider, &cx).await.expect("images");
    assert_eq!(
        progress.with(|r| r.steps.clone()),
        [(1, 3, false), (2, 3, false), (3, 3, false)]
    );
    assert!(
        posted_prompts(&standin)[0]["extra_data"]
            .get("preview_method")
            .is_none()
    );
}

#[tokio::test]
async fn img2img_uploads_the_init_image_and_samples_with_the_strength() {
    let standin = standin().await;
    let provider = provider(&standin);
    let source = painted("a grey castle", 3, 64, 48);
    let mut request = request("a red fox");
    request.init_image = Some(uuid::Uuid::nil());
    request.strength = Some(0.4);
    let (cx, _) = context(request);
    let cx = with_source(cx, png(&source), json!({}));
    let images = run(&provider, &cx).await.expect("images");
    let uploads = standin.uploads();
    assert_eq!(uploads.len(), 1);
    assert_eq!(
        image::load_from_memory(&uploads[0].bytes)
            .expect("png")
            .to_rgb8(),
        source
    );
    let graph = &posted_prompts(&standin)[0]["prompt"];
    assert_eq!(
        node(graph, "LoadImage")["inputs"]["image"],
        uploads[0].name.as_str()
    );
    assert_eq!(
        node(graph, "VAEEncode")["inputs"]["pixels"],
        json!(["10", 0])
    );
    assert_eq!(node(graph, "KSampler")["inputs"]["denoise"], 0.4);
    assert_eq!(
        node(graph, "KSampler")["inputs"]["latent_image"],
        json!(["11", 0])
    );
    let result = pixels(&images[0]);
    assert_eq!(result.dimensions(), (64, 48));
    assert_ne!(result, source);
    assert_ne!(result, painted("a red fox", 7, 64, 48));
}

#[tokio::test]
async fn inpainting_uploads_rgba_whose_transparency_is_the_mask() {
    let standin = standin().await;
    let provider = provider(&standin);
    let source = painted("a grey castle", 3, 64, 48);
    let mut request = request("a red fox");
    request.count = 2;
    request.init_image = Some(uuid::Uuid::nil());
    request.mask_png_base64 = Some("unused here: the context carries the mask".into());
    let (cx, _) = context(request);
    let mut cx = with_source(cx, png(&source), json!({}));
    cx.mask = Some(Arc::new(GrayImage::from_fn(64, 48, |x, _| {
        Luma([if x < 32 { 255 } else { 0 }])
    })));
    let images = run(&provider, &cx).await.expect("images");
    assert_eq!(images.len(), 2);
    let uploaded = image::load_from_memory(&standin.uploads()[0].bytes).expect("png");
    assert!(uploaded.color().has_alpha());
    assert_eq!(
        uploaded.get_pixel(10, 10).0,
        [
            source.get_pixel(10, 10).0[0],
            source.get_pixel(10, 10).0[1],
            source.get_pixel(10, 10).0[2],
            0
        ]
    );
    assert_eq!(uploaded.get_pixel(50, 10).0[3], 255);
    let graph = &posted_prompts(&standin)[0]["prompt"];
    let encode = &node(graph, "VAEEncodeForInpaint")["inputs"];
    assert_eq!(
        (&encode["mask"], &encode["grow_mask_by"]),
        (&json!(["10", 1]), &json!(6))
    );
    assert_eq!(node(graph, "KSampler")["inputs"]["denoise"], 1.0);
    assert_eq!(node(graph, "RepeatLatentBatch")["inputs"]["amount"], 2);
    let result = pixels(&images[0]);
    assert_eq!(result.get_pixel(60, 40), source.get_pixel(60, 40));
    assert_eq!(
        result.get_pixel(5, 5),
        painted("a red fox", 7, 64, 48).get_pixel(5, 5)
    );
}

#[tokio::test]
async fn upscales_use_lanczos_or_the_configured_model() {
    let standin = standin().await;
    let source = painted("a grey castle", 3, 40, 30);
    let upscale = |factor| {
        let mut request = request("upscale");
        request.operation = Some(Operation::Upscale);
        request.upscale_factor = Some(factor);
        request.init_image = Some(uuid::Uuid::nil());
        with_source(context(request).0, png(&source), json!({}))
    };
    let lanczos = provider(&standin);
    let images = run(&lanczos, &upscale(2)).await.expect("images");
    assert_eq!(pixels(&images[0]).dimensions(), (80, 60));
    assert_eq!(images[0].seed, None);
    let graph = &posted_prompts(&standin)[0]["prompt"];
    assert_eq!(
        node(graph, "ImageScaleBy")["inputs"]["upscale_method"],
        "lanczos"
    );
    assert_eq!(node(graph, "ImageScaleBy")["inputs"]["scale_by"], 2.0);

    let mut settings = settings(&standin.base_url());
    settings.upscale_model = Some("4x-UltraSharp.pth".into());
    let model = ComfyUiProvider::new(settings);
    let (cx, progress) = {
        let mut request = request("upscale");
        request.operation = Some(Operation::Upscale);
        request.upscale_factor = Some(4);
        request.init_image = Some(uuid::Uuid::nil());
        let (cx, progress) = context(request);
        (with_source(cx, png(&source), json!({})), progress)
    };
    let images = run(&model, &cx).await.expect("images");
    assert_eq!(pixels(&images[0]).dimensions(), (160, 120));
    let graph = &posted_prompts(&standin)[1]["prompt"];
    assert_eq!(
        node(graph, "UpscaleModelLoader")["inputs"]["model_name"],
        "4x-UltraSharp.pth"
    );
    assert!(
        graph
            .as_object()
            .is_some_and(|g| g.values().all(|n| n["class_type"] != "ImageScaleBy"))
    );
    assert_eq!(progress.with(|r| r.steps.clone()), [(1, 1, false)]);
}

#[tokio::test]
async fn variations_are_refused_and_oversized_upscales_are_caught_early() {
    let standin = standin().await;
    let provider = provider(&standin);
    let mut request = request("x");
    request.operation = Some(Operation::Variations);
    request.init_image = Some(uuid::Uuid::nil());
    let cx = with_source(
        context(request.clone()).0,
        png(&painted("x", 1, 8, 8)),
        json!({}),
    );
    assert!(
        matches!(provider.run(&cx).await, Err(ProviderError::Fatal(m)) if m.contains("variations"))
    );
    request.operation = Some(Operation::Upscale);
    request.upscale_factor = Some(4);
    let cx = with_source(
        context(request).0,
        png(&painted("x", 1, 4000, 8)),
        json!({}),
    );
    assert!(
        matches!(provider.run(&cx).await, Err(ProviderError::Fatal(m)) if m.contains("larger than Easel accepts"))
    );
    assert!(posted_prompts(&standin).is_empty());
}
