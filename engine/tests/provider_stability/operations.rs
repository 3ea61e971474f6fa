//! Every service: text to image, image to image, inpainting, upscales, and the parameters sent.

use super::*;

#[tokio::test]
async fn core_sends_a_multipart_form_and_the_aspect_ratio_sets_the_size() {
    let standin = standin().await;
    let mut req = request("core", "a green field", 1344, 768);
    req.style = Some("cinematic".into());
    req.negative_prompt = "fog".into();
    req.output_format = Some("jpeg".into());
    let (result, progress) = run(&provider(&standin), req).await;
    let images = result.expect("generated");
    assert_eq!(decode(&images[0]).dimensions(), (1344, 768));
    assert_eq!(images[0].seed, Some(1000));
    assert_eq!(images[0].metadata["aspect_ratio"], "16:9");
    assert_eq!(images[0].metadata["style_preset"], "cinematic");
    assert_eq!(images[0].metadata["service"], "generate/core");
    let received = standin.last_request().expect("recorded");
    assert_eq!(
        received.fields,
        [
            ("prompt".to_owned(), "a green field".to_owned()),
            ("negative_prompt".into(), "fog".into()),
            ("seed".into(), "1000".into()),
            ("aspect_ratio".into(), "16:9".into()),
            ("style_preset".into(), "cinematic".into()),
            ("output_format".into(), "jpeg".into()),
        ]
    );
    assert!(received.files.is_empty());
    let logged = &standin.log().to_path("/v2beta/stable-image/generate/core")[0];
    assert_eq!(logged.header("accept"), Some("image/*"));
    assert_eq!(logged.header("authorization"), Some("Bearer sk-standin"));
    assert_eq!(logged.header("stability-client-id"), Some("easel"));
    assert!(
        logged
            .header("content-type")
            .is_some_and(|ct| ct.starts_with("multipart/form-data"))
    );
    assert_eq!(progress.with(|r| r.steps.clone()), [(1, 1, false)]);
}

#[tokio::test]
async fn several_images_are_requested_one_by_one_with_consecutive_seeds() {
    let standin = standin().await;
    let mut req = request("core", "a red kite", 1024, 1024);
    req.count = 3;
    let (result, progress) = run(&provider(&standin), req).await;
    let images = result.expect("generated");
    let seeds: Vec<Option<i64>> = images.iter().map(|i| i.seed).collect();
    assert_eq!(seeds, [Some(1000), Some(1001), Some(1002)]);
    assert_ne!(bytes(&images[0]), bytes(&images[1]));
    let sent: Vec<Option<String>> = standin.requests().iter().map(|r| r.field("seed")).collect();
    assert_eq!(
        sent,
        [
            Some("1000".into()),
            Some("1001".into()),
            Some("1002".into())
        ]
    );
    assert_eq!(
        progress.with(|r| r.steps.clone()),
        [(1, 3, false), (2, 3, false), (3, 3, false)]
    );
    let (other, _) = run(
        &provider(&standin),
        request("core", "a blue kite", 1024, 1024),
    )
    .await;
    assert_ne!(bytes(&other.expect("generated")[0]), bytes(&images[0]));
}

#[tokio::test]
async fn sd3_sends_its_model_mode_and_cfg() {
    let standin = standin().await;
    let mut req = request("sd3.5-large-turbo", "a quiet harbour", 1536, 640);
    req.cfg = Some(1.5);
    req.negative_prompt = "people".into();
    let (result, _) = run(&provider(&standin), req).await;
    let images = result.expect("generated");
    assert_eq!(decode(&images[0]).dimensions(), (1536, 640));
    assert_eq!(images[0].metadata["model"], "sd3.5-large-turbo");
    let received = standin.last_request().expect("recorded");
    assert_eq!(received.path, "/v2beta/stable-image/generate/sd3");
    assert_eq!(
        received.field("model").as_deref(),
        Some("sd3.5-large-turbo")
    );
    assert_eq!(received.field("mode").as_deref(), Some("text-to-image"));
    assert_eq!(received.field("cfg_scale").as_deref(), Some("1.5"));
    assert_eq!(received.field("negative_prompt").as_deref(), Some("people"));
}

#[tokio::test]
async fn ultra_makes_portraits() {
    let standin = standin().await;
    let (result, _) = run(
        &provider(&standin),
        request("ultra", "a tall tower", 768, 1344),
    )
    .await;
    assert_eq!(
        decode(&result.expect("generated")[0]).dimensions(),
        (768, 1344)
    );
    assert_eq!(
        standin
            .last_request()
            .and_then(|r| r.field("aspect_ratio"))
            .as_deref(),
        Some("9:16")
    );
}

#[tokio::test]
async fn image_to_image_sends_the_image_and_strength_without_a_ratio() {
    let standin = standin().await;
    let provider = provider(&standin);
    let mut req = request("ultra", "in winter", 1344, 768);
    req.strength = Some(0.35);
    let (cx, _) = with_source(req, 200, 100);
    let images = provider.run(&cx).await.expect("generated");
    assert_eq!(
        decode(&images[0]).dimensions(),
        (1344, 768),
        "the input's shape, at about 1 MP"
    );
    let received = standin.last_request().expect("recorded");
    assert_eq!(received.field("strength").as_deref(), Some("0.35"));
    assert_eq!(received.field("aspect_ratio"), None);
    assert_eq!(
        received.file("image").map(|f| f.bytes.clone()),
        Some(source_png(200, 100))
    );
    let (cx, _) = with_source(request("sd3.5-medium", "in spring", 1024, 1024), 100, 100);
    provider.run(&cx).await.expect("generated");
    let received = standin.last_request().expect("recorded");
    assert_eq!(received.field("mode").as_deref(), Some("image-to-image"));
    assert_eq!(
        received.field("strength").as_deref(),
        Some("0.5"),
        "the declared default"
    );
}

#[tokio::test]
async fn inpainting_sends_a_white_repaint_mask_of_the_images_size() {
    let standin = standin().await;
    let mut req = request("inpaint", "a red door", 96, 64);
    req.mask_png_base64 = Some("unused by the connector".into());
    let (mut cx, _) = with_source(req, 96, 64);
    let mask =
        image::GrayImage::from_fn(48, 32, |x, _| image::Luma([if x < 24 { 255 } else { 0 }]));
    cx.mask = Some(Arc::new(mask));
    let images = provider(&standin).run(&cx).await.expect("inpainted");
    let result = decode(&images[0]).to_rgb8();
    assert_eq!(result.dimensions(), (96, 64));
    let source = image::load_from_memory(&source_png(96, 64))
        .expect("png")
        .to_rgb8();
    assert_eq!(
        result.get_pixel(90, 10),
        source.get_pixel(90, 10),
        "unmasked pixels are kept"
    );
    assert_ne!(
        result.get_pixel(10, 10),
        source.get_pixel(10, 10),
        "masked pixels are repainted"
    );
    let received = standin.last_request().expect("recorded");
    assert_eq!(received.path, "/v2beta/stable-image/edit/inpaint");
    let sent = image::load_from_memory(&received.file("mask").expect("mask").bytes)
        .expect("png")
        .to_luma8();
    assert_eq!(sent.dimensions(), (96, 64));
    for (x, _, pixel) in sent.enumerate_pixels() {
        assert_eq!(pixel[0] == 255, x < 48);
    }
}

#[tokio::test]
async fn fast_upscales_are_four_times_larger() {
    let standin = standin().await;
    let (cx, progress) = upscale("upscale-fast", 64, 48);
    let images = provider(&standin).run(&cx).await.expect("upscaled");
    assert_eq!(decode(&images[0]).dimensions(), (256, 192));
    let received = standin.last_request().expect("recorded");
    assert!(
        received.fields.is_empty(),
        "fast upscales take only the image: {:?}",
        received.fields
    );
    assert_eq!(progress.with(|r| r.steps.clone()), [(1, 1, false)]);
}

#[tokio::test]
async fn capabilities_declare_aspect_ratios_formats_and_operations() {
    let standin = standin().await;
    let models = provider(&standin).models();
    let caps = |id: &str| {
        models
            .iter()
            .find(|m| m.id == id)
            .map(|m| m.capabilities.clone())
            .expect("model")
    };
    let core = caps("stability:core");
    assert_eq!(core.sizes.aspect_label(1536, 640), Some("21:9"));
    assert_eq!(core.sizes.aspect_label(640, 1536), Some("9:21"));
    assert!(matches!(&core.sizes, SizeRule::Aspect { ratios } if ratios.len() == 9));
    assert_eq!(core.max_count, 4);
    assert!(core.prompt_weighting && core.seed && core.negative_prompt);
    assert!(core.style.as_ref().is_some_and(|s| s.accepts("pixel-art")));
    let sd3 = caps("stability:sd3.5-large");
    assert!(
        !sd3.output_format
            .as_ref()
            .is_some_and(|f| f.accepts("webp"))
    );
    assert_eq!(sd3.cfg.map(|c| c.default), Some(4.0));
    assert_eq!(
        caps("stability:sd3.5-large-turbo").cfg.map(|c| c.default),
        Some(1.0)
    );
    assert_eq!(
        caps("stability:ultra").operations,
        [Operation::Txt2img, Operation::Img2img]
    );
    assert_eq!(caps("stability:upscale-fast").upscale_factors, [4]);
    assert_eq!(caps("stability:inpaint").operations, [Operation::Inpaint]);
}
