//! Options, checkpoints, auth, extras, png-info, faults and `/skip`.

use super::*;

#[tokio::test]
async fn options_switch_checkpoints_and_refuse_unknown_ones() {
    let (standin, client) = standin(fast()).await;
    let base = standin.base_url();
    let models: Value = client
        .get(format!("{base}/sdapi/v1/sd-models"))
        .send()
        .await
        .expect("answer")
        .json()
        .await
        .expect("json");
    let sdxl = models[1]["title"].as_str().expect("title").to_owned();
    assert_eq!(models[1]["model_name"], "sd_xl_base_1.0");
    let (status, body) = post(
        &client,
        format!("{base}/sdapi/v1/options"),
        json!({"sd_model_checkpoint": "sd_xl_base_1.0"}),
    )
    .await;
    assert_eq!((status, body), (200, Value::Null));
    assert_eq!(standin.current_checkpoint(), sdxl);
    let options: Value = client
        .get(format!("{base}/sdapi/v1/options"))
        .send()
        .await
        .expect("answer")
        .json()
        .await
        .expect("json");
    assert_eq!(options["sd_model_checkpoint"], sdxl.as_str());
    let (status, body) = post(
        &client,
        format!("{base}/sdapi/v1/options"),
        json!({"sd_model_checkpoint": "missing"}),
    )
    .await;
    assert_eq!(status, 500);
    assert_eq!(
        body,
        json!({"error": "RuntimeError", "detail": "", "body": "", "errors": "model 'missing' not found"})
    );

    let (_, body) = post(
        &client,
        format!("{base}/sdapi/v1/txt2img"),
        json!({
            "prompt": "x", "steps": 2, "width": 16, "height": 16,
            "override_settings": {"sd_model_checkpoint": models[2]["title"]},
        }),
    )
    .await;
    let info: Value = serde_json::from_str(body["info"].as_str().expect("info")).expect("json");
    assert_eq!(info["sd_model_name"], "dreamshaper_8");
    assert_eq!(standin.current_checkpoint(), sdxl, "restored afterwards");

    let samplers: Value = client
        .get(format!("{base}/sdapi/v1/samplers"))
        .send()
        .await
        .expect("answer")
        .json()
        .await
        .expect("json");
    assert_eq!(
        samplers[0],
        json!({"name": "DPM++ 2M", "aliases": ["k_dpmpp_2m"], "options": {"scheduler": "karras"}})
    );
    let schedulers: Value = client
        .get(format!("{base}/sdapi/v1/schedulers"))
        .send()
        .await
        .expect("answer")
        .json()
        .await
        .expect("json");
    assert_eq!(schedulers[2]["label"], "Karras");
    assert_eq!(schedulers[2]["default_rho"], 7.0);
}

#[tokio::test]
async fn api_auth_guards_every_sdapi_route_and_old_servers_lack_schedulers() {
    let (standin, client) = standin(Options {
        api_auth: Some(("easel".into(), "s3cret".into())),
        schedulers_route: false,
        ..fast()
    })
    .await;
    let base = standin.base_url();
    let response = client
        .get(format!("{base}/sdapi/v1/sd-models"))
        .send()
        .await
        .expect("answer");
    assert_eq!(response.status(), 401);
    assert_eq!(response.headers()["www-authenticate"], "Basic");
    assert!(response.headers().contains_key("x-process-time"));
    let body: Value = response.json().await.expect("json");
    assert_eq!(body["detail"], "Incorrect username or password");
    let ok = client
        .get(format!("{base}/sdapi/v1/sd-models"))
        .basic_auth("easel", Some("s3cret"))
        .send()
        .await
        .expect("answer");
    assert_eq!(ok.status(), 200);
    let missing = client
        .get(format!("{base}/sdapi/v1/schedulers"))
        .basic_auth("easel", Some("s3cret"))
        .send()
        .await
        .expect("answer");
    assert_eq!(missing.status(), 404);
    assert_eq!(
        missing.json::<Value>().await.expect("json"),
        json!({"detail": "Not Found"})
    );
}

#[tokio::test]
async fn extras_really_upscale_and_png_info_reads_infotexts() {
    let (standin, client) = standin(fast()).await;
    let base = standin.base_url();
    let (_, generated) = post(
        &client,
        format!("{base}/sdapi/v1/txt2img"),
        json!({"prompt": "a cat: grey", "steps": 2, "width": 40, "height": 24, "seed": 7}),
    )
    .await;
    let image = generated["images"][0].as_str().expect("b64").to_owned();
    let (status, body) = post(
        &client,
        format!("{base}/sdapi/v1/extra-single-image"),
        json!({"image": image, "upscaling_resize": 2, "upscaler_1": "Lanczos"}),
    )
    .await;
    assert_eq!(status, 200);
    let upscaled = body["image"].as_str().expect("b64");
    assert_eq!(decode_png(upscaled).dimensions(), (80, 48));
    assert!(
        body["html_info"]
            .as_str()
            .expect("html")
            .contains("Postprocess upscale by: 2")
    );
    let (status, body) = post(
        &client,
        format!("{base}/sdapi/v1/extra-single-image"),
        json!({"image": image, "upscaler_1": "Magic"}),
    )
    .await;
    assert_eq!(
        (status, body["error"].clone()),
        (500, json!("AssertionError"))
    );

    let (status, body) = post(
        &client,
        format!("{base}/sdapi/v1/png-info"),
        json!({"image": upscaled}),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(body["parameters"]["Prompt"], "a cat: grey");
    assert_eq!(body["parameters"]["Seed"], "7");
    assert_eq!(body["parameters"]["Size-1"], "40");
    assert!(body["items"]["postprocessing"].as_str().is_some());
    assert!(
        body["info"]
            .as_str()
            .expect("info")
            .starts_with("a cat: grey\nSteps: 2")
    );
}

#[tokio::test]
async fn faults_take_a1111_shapes() {
    let (standin, client) = standin(fast()).await;
    let url = format!("{}/sdapi/v1/txt2img", standin.base_url());
    let body = json!({"prompt": "x", "steps": 4, "width": 16, "height": 16});
    standin.faults().inject_on(
        "/sdapi/v1/txt2img",
        Fault::RateLimited {
            retry_after_secs: 3,
        },
        1,
    );
    let response = client.post(&url).json(&body).send().await.expect("answer");
    assert_eq!(response.status(), 429);
    assert_eq!(response.headers()["retry-after"], "3");
    standin
        .faults()
        .inject_on("/sdapi/v1/txt2img", Fault::RuntimeError, 1);
    let (status, err) = post(&client, url.clone(), body.clone()).await;
    assert_eq!(
        (status, err["error"].clone()),
        (500, json!("NansException"))
    );
    standin
        .faults()
        .inject_on("/sdapi/v1/txt2img", Fault::TruncatedImage, 1);
    let (_, ok) = post(&client, url.clone(), body.clone()).await;
    let bytes = STANDARD
        .decode(ok["images"][0].as_str().expect("b64"))
        .expect("b64");
    assert!(image::load_from_memory(&bytes).is_err());
    standin
        .faults()
        .inject_on("/sdapi/v1/txt2img", Fault::Status { status: 503 }, 1);
    let (status, err) = post(&client, url, body).await;
    assert_eq!(
        (status, err["errors"].clone()),
        (503, json!("503: Service Unavailable"))
    );
}

#[tokio::test]
async fn skip_abandons_only_the_current_iteration() {
    let (standin, client) = standin(Options {
        step: Duration::from_millis(1),
        step_on_poll: true,
        ..Options::default()
    })
    .await;
    let base = standin.base_url();
    let job = tokio::spawn({
        let (client, url) = (client.clone(), format!("{base}/sdapi/v1/txt2img"));
        async move {
            post(&client, url, json!({"prompt": "x", "steps": 20, "n_iter": 2, "width": 16, "height": 16, "seed": 1})).await
        }
    });
    let mut skipped = false;
    while !job.is_finished() {
        let p: Value = client
            .get(format!("{base}/sdapi/v1/progress"))
            .send()
            .await
            .expect("answer")
            .json()
            .await
            .expect("json");
        if !skipped
            && p["state"]["job_no"] == 0
            && p["state"]["sampling_step"].as_i64().unwrap_or(0) >= 3
        {
            let (status, body) = post(&client, format!("{base}/sdapi/v1/skip"), json!({})).await;
            assert_eq!((status, body), (200, Value::Null));
            skipped = true;
        }
    }
    let (status, body) = job.await.expect("joined");
    assert_eq!(status, 200);
    assert!(skipped);
    assert_eq!(
        body["images"].as_array().map(Vec::len),
        Some(2),
        "the skipped image and the next one"
    );
    assert_eq!(standin.skips(), 1);
    assert_eq!(standin.interrupts(), 0);
}
