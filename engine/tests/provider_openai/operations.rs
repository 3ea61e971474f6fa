//! Every operation of every model family, and the parameters sent.

use super::*;

#[tokio::test]
async fn dall_e_3_sends_quality_and_style_and_keeps_the_revised_prompt() {
    let standin = standin().await;
    let provider = provider(&standin);
    let mut req = request("dall-e-3", "a lighthouse at dusk", 1792, 1024);
    req.quality = Some("hd".into());
    req.style = Some("natural".into());
    let (result, _) = run(&provider, req).await;
    let images = result.expect("generated");
    assert_eq!(images.len(), 1);
    assert_eq!(decode(&images[0]).dimensions(), (1792, 1024));
    let metadata = &images[0].metadata;
    let revised = metadata["revised_prompt"]
        .as_str()
        .expect("revised prompt kept");
    assert!(revised.starts_with("a lighthouse at dusk"));
    assert_eq!(metadata["model"], "dall-e-3");
    assert_eq!(metadata["style"], "natural");
    assert!(
        metadata["request_id"]
            .as_str()
            .is_some_and(|id| id.starts_with("req_"))
    );
    assert_eq!(images[0].seed, None);
    let sent = standin
        .last_request()
        .and_then(|r| r.json)
        .expect("json body");
    assert_eq!(
        sent,
        json!({"model": "dall-e-3", "prompt": "a lighthouse at dusk", "n": 1, "size": "1792x1024",
               "quality": "hd", "style": "natural", "response_format": "b64_json"})
    );
    let logged = standin.log().to_path("/v1/images/generations");
    assert_eq!(logged[0].header("authorization"), Some("Bearer sk-standin"));
}

#[tokio::test]
async fn dall_e_2_links_are_downloaded_at_once_without_the_key() {
    let standin = standin().await;
    let mut settings = settings(&standin);
    settings.response_format = ResponseFormat::Url;
    settings.organization = Some("org-easel".into());
    settings.project = Some("proj-easel".into());
    let provider = OpenAiProvider::new(settings);
    let mut req = request("dall-e-2", "a red barn", 256, 256);
    req.count = 2;
    let (result, _) = run(&provider, req).await;
    let images = result.expect("generated");
    assert_eq!(images.len(), 2);
    assert_eq!(decode(&images[0]).dimensions(), (256, 256));
    assert_ne!(bytes(&images[0]), bytes(&images[1]));
    assert!(images[0].metadata.get("revised_prompt").is_none());
    let sent = standin
        .last_request()
        .and_then(|r| r.json)
        .expect("json body");
    assert_eq!(sent["response_format"], "url");
    assert_eq!(sent["n"], 2);
    let api = &standin.log().to_path("/v1/images/generations")[0];
    assert_eq!(api.header("openai-organization"), Some("org-easel"));
    assert_eq!(api.header("openai-project"), Some("proj-easel"));
    let downloads: Vec<_> = standin
        .log()
        .all()
        .into_iter()
        .filter(|r| r.path.starts_with("/_files/"))
        .collect();
    assert_eq!(downloads.len(), 2);
    assert!(
        downloads
            .iter()
            .all(|d| d.header("authorization").is_none())
    );
    let (other, _) = run(&provider, request("dall-e-2", "a blue lake", 256, 256)).await;
    assert_ne!(bytes(&other.expect("generated")[0]), bytes(&images[0]));
}

#[tokio::test]
async fn gpt_image_transparent_backgrounds_arrive_with_alpha() {
    let standin = standin().await;
    let mut settings = settings(&standin);
    settings.partial_images = 0;
    let provider = OpenAiProvider::new(settings);
    let mut req = request("gpt-image-1", "a teal teapot", 1024, 1024);
    req.background = Some("transparent".into());
    req.quality = Some("low".into());
    req.output_format = Some("png".into());
    let (result, progress) = run(&provider, req).await;
    let images = result.expect("generated");
    let image = decode(&images[0]);
    assert!(image.color().has_alpha());
    let rgba = image.to_rgba8();
    assert_eq!(rgba.get_pixel(0, 0)[3], 0, "the background is transparent");
    assert_eq!(rgba.get_pixel(512, 512)[3], 255);
    let metadata = &images[0].metadata;
    assert_eq!(metadata["background"], "transparent");
    assert_eq!(metadata["quality"], "low");
    assert!(metadata["usage"]["total_tokens"].as_u64().is_some());
    let sent = standin
        .last_request()
        .and_then(|r| r.json)
        .expect("json body");
    assert_eq!(
        sent,
        json!({"model": "gpt-image-1", "prompt": "a teal teapot", "n": 1, "size": "1024x1024",
               "quality": "low", "background": "transparent", "output_format": "png"})
    );
    assert!(progress.with(|r| r.steps.is_empty()));
}

#[tokio::test]
async fn gpt_image_streams_partial_images_as_previews() {
    let standin = standin().await;
    let provider = provider(&standin);
    let (result, progress) = run(
        &provider,
        request("gpt-image-1-mini", "a gold coin", 1536, 1024),
    )
    .await;
    let images = result.expect("generated");
    assert_eq!(decode(&images[0]).dimensions(), (1536, 1024));
    assert_eq!(images[0].metadata["size"], "1536x1024");
    assert!(images[0].metadata["usage"].is_object());
    let sent = standin
        .last_request()
        .and_then(|r| r.json)
        .expect("json body");
    assert_eq!(sent["stream"], true);
    assert_eq!(sent["partial_images"], 2);
    let (steps, previews) = progress.with(|r| (r.steps.clone(), r.previews.clone()));
    assert_eq!(steps, [(1, 3, true), (2, 3, true), (3, 3, false)]);
    for preview in &previews {
        assert_eq!(
            image::guess_format(preview).ok(),
            Some(image::ImageFormat::Jpeg)
        );
        let (w, h) = image::load_from_memory(preview).expect("jpeg").dimensions();
        assert!(w.max(h) <= 512, "{w}x{h}");
    }
}

#[tokio::test]
async fn streams_may_end_with_a_done_marker() {
    let standin = standin_with(Options {
        done_marker: true,
        ..options()
    })
    .await;
    let (result, _) = run(&provider(&standin), request("gpt-image-1", "p", 1024, 1024)).await;
    assert_eq!(result.expect("generated").len(), 1);
}

#[tokio::test]
async fn gpt_image_inpainting_sends_openais_alpha_mask() {
    let standin = standin().await;
    let mut settings = settings(&standin);
    settings.partial_images = 0;
    let provider = OpenAiProvider::new(settings);
    let mask = left_half_mask(32, 24);
    let (cx, _) = edit_context(
        inpaint_request("gpt-image-1", 1024, 1024),
        source_png(64, 48),
        Some(mask.clone()),
    );
    let images = provider.run(&cx).await.expect("edited");
    assert_eq!(decode(&images[0]).dimensions(), (1024, 1024));
    let received = standin.last_request().expect("recorded");
    assert_eq!(received.path, "/v1/images/edits");
    assert_eq!(received.field("model").as_deref(), Some("gpt-image-1"));
    assert_eq!(received.field("prompt").as_deref(), Some("a blue window"));
    assert_eq!(received.field("size").as_deref(), Some("1024x1024"));
    assert_eq!(
        received.file("image").map(|f| f.bytes.clone()),
        Some(source_png(64, 48))
    );
    let sent_mask =
        image::load_from_memory(&received.file("mask").expect("mask part").bytes).expect("png");
    assert!(sent_mask.color().has_alpha());
    assert_eq!(
        sent_mask.dimensions(),
        (64, 48),
        "the mask has the image's size"
    );
    let sent_mask = sent_mask.to_rgba8();
    let upscaled = image::imageops::resize(&mask, 64, 48, image::imageops::FilterType::Nearest);
    for (x, y, pixel) in sent_mask.enumerate_pixels() {
        let white = upscaled.get_pixel(x, y)[0] == 255;
        assert_eq!(pixel[3] == 0, white, "alpha at {x},{y}");
    }
}

#[tokio::test]
async fn gpt_image_image_to_image_sends_no_mask_and_streams() {
    let standin = standin().await;
    let mut req = request("gpt-image-1", "make it autumn", 1024, 1536);
    req.init_image = Some(uuid::Uuid::nil());
    let (cx, progress) = edit_context(req, source_png(40, 40), None);
    let images = provider(&standin).run(&cx).await.expect("edited");
    assert_eq!(decode(&images[0]).dimensions(), (1024, 1536));
    let received = standin.last_request().expect("recorded");
    assert!(received.file("mask").is_none());
    assert_eq!(received.field("stream").as_deref(), Some("true"));
    assert_eq!(progress.with(|r| r.previews.len()), 2);
}

#[tokio::test]
async fn dall_e_2_inpainting_needs_a_square_image_sent_as_rgba() {
    let standin = standin().await;
    let provider = provider(&standin);
    let (cx, _) = edit_context(
        inpaint_request("dall-e-2", 512, 512),
        source_png(64, 64),
        Some(left_half_mask(64, 64)),
    );
    let images = provider.run(&cx).await.expect("edited");
    let image = decode(&images[0]).to_rgb8();
    assert_eq!(image.dimensions(), (512, 512));
    let received = standin.last_request().expect("recorded");
    let sent = image::load_from_memory(&received.file("image").expect("image").bytes).expect("png");
    assert!(sent.color().has_alpha());
    assert_eq!(
        received.field("response_format").as_deref(),
        Some("b64_json")
    );
    let (cx, _) = edit_context(
        inpaint_request("dall-e-2", 512, 512),
        source_png(64, 32),
        Some(left_half_mask(64, 32)),
    );
    match provider.run(&cx).await {
        Err(ProviderError::Fatal(message)) => assert!(message.contains("square"), "{message}"),
        other => panic!("expected a fatal error, got {other:?}"),
    }
}

#[tokio::test]
async fn dall_e_2_makes_variations_of_a_source_image() {
    let standin = standin().await;
    let mut req = request("dall-e-2", "ignored", 256, 256);
    req.operation = Some(Operation::Variations);
    req.init_image = Some(uuid::Uuid::nil());
    req.count = 2;
    let (cx, _) = edit_context(req, source_png(64, 64), None);
    let images = provider(&standin).run(&cx).await.expect("variations");
    assert_eq!(images.len(), 2);
    assert_eq!(decode(&images[1]).dimensions(), (256, 256));
    assert_ne!(bytes(&images[0]), bytes(&images[1]));
    let received = standin.last_request().expect("recorded");
    assert_eq!(received.path, "/v1/images/variations");
    assert_eq!(received.field("n").as_deref(), Some("2"));
    assert_eq!(received.field("prompt"), None);
}

#[tokio::test]
async fn operations_a_model_lacks_are_refused_before_sending() {
    let standin = standin().await;
    let (cx, _) = edit_context(
        inpaint_request("dall-e-3", 1024, 1024),
        source_png(64, 64),
        Some(left_half_mask(64, 64)),
    );
    assert!(matches!(
        provider(&standin).run(&cx).await,
        Err(ProviderError::Fatal(_))
    ));
    assert!(standin.requests().is_empty());
}

#[tokio::test]
async fn capabilities_follow_each_family() {
    let standin = standin().await;
    let models = provider(&standin).models();
    let caps = |id: &str| {
        models
            .iter()
            .find(|m| m.id == id)
            .map(|m| m.capabilities.clone())
            .expect("model")
    };
    let dall_e_3 = caps("openai:dall-e-3");
    assert_eq!(dall_e_3.max_count, 1);
    assert_eq!(dall_e_3.max_prompt_chars, 4000);
    assert!(!dall_e_3.negative_prompt && !dall_e_3.seed);
    assert!(dall_e_3.sizes.accepts(1024, 1792) && !dall_e_3.sizes.accepts(512, 512));
    let dall_e_2 = caps("openai:dall-e-2");
    assert_eq!(
        dall_e_2.operations,
        [
            Operation::Txt2img,
            Operation::Inpaint,
            Operation::Variations
        ]
    );
    assert_eq!(dall_e_2.max_count, 10);
    let gpt = caps("openai:gpt-image-1-mini");
    assert_eq!(gpt.max_prompt_chars, 32000);
    assert!(
        gpt.background
            .as_ref()
            .is_some_and(|b| b.accepts("transparent"))
    );
    assert!(gpt.sizes.accepts(1536, 1024));
}
