//! Authentication, headers, generations, the validation matrix, streams.

use super::*;

#[tokio::test]
async fn missing_and_wrong_keys_get_openai_401_bodies() {
    let standin = standin().await;
    let url = format!("{}/images/generations", standin.base_url());
    let none = client()
        .post(&url)
        .json(&json!({"prompt": "x"}))
        .send()
        .await
        .expect("request");
    assert_eq!(none.status(), 401);
    assert!(none.headers().contains_key("x-request-id"));
    let body = json_of(none).await;
    assert_eq!(body["error"]["type"], "invalid_request_error");
    assert!(body["error"]["param"].is_null() && body["error"]["code"].is_null());
    assert!(body["error"]["message"].as_str().is_some());
    let wrong = client()
        .post(&url)
        .bearer_auth("sk-wrong-key-123456")
        .json(&json!({"prompt": "x"}))
        .send()
        .await
        .expect("request");
    let body = json_of(wrong).await;
    assert_eq!(body["error"]["code"], "invalid_api_key");
    assert!(
        !body["error"]["message"]
            .as_str()
            .unwrap_or_default()
            .contains("sk-wrong-key-123456")
    );
}

#[tokio::test]
async fn responses_carry_request_ids_and_the_rate_limit_trio() {
    let standin = standin().await;
    let response = generate(
        &standin,
        json!({"model": "dall-e-2", "prompt": "a red fox", "size": "256x256", "response_format": "b64_json"}),
    )
    .await;
    assert_eq!(response.status(), 200);
    let headers = response.headers();
    let id = headers["x-request-id"].to_str().expect("ascii");
    assert!(id.starts_with("req_") && id.len() == 36, "{id}");
    assert_eq!(headers["x-ratelimit-limit-requests"], "500");
    assert_eq!(headers["x-ratelimit-remaining-requests"], "499");
    assert!(headers.contains_key("x-ratelimit-reset-requests"));
    let body = json_of(response).await;
    assert!(body["created"].as_i64().is_some());
    assert_eq!(body["data"].as_array().map(Vec::len), Some(1));
    assert!(body["data"][0].get("revised_prompt").is_none());
    assert!(body.get("usage").is_none(), "usage is gpt-image only");
    let image = image::load_from_memory(&b64(&body["data"][0]["b64_json"])).expect("png");
    assert_eq!(image.dimensions(), (256, 256));
}

#[tokio::test]
async fn dall_e_3_links_expire_and_carry_a_revised_prompt() {
    let standin = standin().await;
    let body = json_of(
        generate(
            &standin,
            json!({"model": "dall-e-3", "prompt": "a lighthouse", "size": "1792x1024", "quality": "hd", "style": "natural"}),
        )
        .await,
    )
    .await;
    let item = &body["data"][0];
    let revised = item["revised_prompt"].as_str().expect("revised prompt");
    assert!(revised.starts_with("a lighthouse"));
    let url = item["url"].as_str().expect("url by default");
    assert!(url.contains("/_files/") && url.contains("se="), "{url}");
    let download = client().get(url).send().await.expect("download");
    assert_eq!(download.status(), 200);
    assert!(!download.headers().contains_key("x-request-id"));
    let bytes = download.bytes().await.expect("bytes");
    assert_eq!(
        image::load_from_memory(&bytes).expect("png").dimensions(),
        (1792, 1024)
    );
    standin.expire_urls();
    let expired = client().get(url).send().await.expect("download");
    assert_eq!(expired.status(), 403);
    assert!(
        expired
            .text()
            .await
            .unwrap_or_default()
            .contains("AuthenticationFailed")
    );
}

#[tokio::test]
async fn the_validation_matrix_names_the_parameter() {
    let standin = standin().await;
    let long = "x".repeat(1001);
    let cases = [
        (
            json!({"model": "dall-e-3", "prompt": "p", "n": 2}),
            400,
            "n",
        ),
        (
            json!({"model": "dall-e-2", "prompt": "p", "size": "1792x1024"}),
            400,
            "size",
        ),
        (
            json!({"model": "dall-e-3", "prompt": "p", "size": "256x256"}),
            400,
            "size",
        ),
        (
            json!({"model": "gpt-image-1", "prompt": "p", "size": "1792x1024"}),
            400,
            "size",
        ),
        (
            json!({"model": "dall-e-3", "prompt": "p", "quality": "high"}),
            400,
            "quality",
        ),
        (
            json!({"model": "gpt-image-1", "prompt": "p", "quality": "hd"}),
            400,
            "quality",
        ),
        (
            json!({"model": "dall-e-2", "prompt": "p", "style": "vivid"}),
            400,
            "style",
        ),
        (
            json!({"model": "gpt-image-1", "prompt": "p", "response_format": "url"}),
            400,
            "response_format",
        ),
        (
            json!({"model": "dall-e-3", "prompt": "p", "background": "transparent"}),
            400,
            "background",
        ),
        (
            json!({"model": "gpt-image-1", "prompt": "p", "background": "transparent", "output_format": "jpeg"}),
            400,
            "background",
        ),
        (
            json!({"model": "gpt-image-1", "prompt": "p", "output_format": "gif"}),
            400,
            "output_format",
        ),
        (
            json!({"model": "gpt-image-1", "prompt": "p", "output_compression": 50}),
            400,
            "output_compression",
        ),
        (
            json!({"model": "dall-e-3", "prompt": "p", "stream": true}),
            400,
            "stream",
        ),
        (
            json!({"model": "gpt-image-1", "prompt": "p", "stream": true, "partial_images": 4}),
            400,
            "partial_images",
        ),
        (
            json!({"model": "gpt-image-1", "prompt": "p", "stream": true, "n": 2}),
            400,
            "n",
        ),
        (
            json!({"model": "gpt-image-1", "prompt": "p", "n": 11}),
            400,
            "n",
        ),
        (
            json!({"model": "dall-e-2", "prompt": "p", "n": 0}),
            400,
            "n",
        ),
        (json!({"model": "dall-e-2", "prompt": long}), 400, "prompt"),
        (json!({"model": "dall-e-2"}), 400, "prompt"),
        (
            json!({"model": "dall-e-2", "prompt": "p", "n": "two"}),
            400,
            "n",
        ),
        (
            json!({"model": "dall-e-2", "prompt": "p", "colour": "red"}),
            400,
            "colour",
        ),
        (json!({"model": "gpt-4o", "prompt": "p"}), 400, "model"),
    ];
    for (body, status, param) in cases {
        let response = generate(&standin, body.clone()).await;
        assert_eq!(response.status(), status, "{body}");
        let error = json_of(response).await;
        assert_eq!(error["error"]["type"], "invalid_request_error", "{body}");
        assert_eq!(error["error"]["param"], param, "{body}");
        assert!(error["error"].get("code").is_some(), "{body}");
    }
    let unknown = generate(&standin, json!({"model": "dall-e-9", "prompt": "p"})).await;
    assert_eq!(unknown.status(), 404);
    assert_eq!(json_of(unknown).await["error"]["code"], "model_not_found");
}

#[tokio::test]
async fn gpt_image_backgrounds_are_really_transparent() {
    let standin = standin().await;
    let body = json_of(
        generate(
            &standin,
            json!({"model": "gpt-image-1", "prompt": "a teal teapot", "background": "transparent", "quality": "low"}),
        )
        .await,
    )
    .await;
    assert_eq!(body["background"], "transparent");
    assert_eq!(body["output_format"], "png");
    assert_eq!(body["size"], "1024x1024");
    assert_eq!(body["quality"], "low");
    assert!(
        body["usage"]["input_tokens_details"]["text_tokens"]
            .as_u64()
            .is_some()
    );
    assert!(body["usage"]["total_tokens"].as_u64().is_some());
    let image = image::load_from_memory(&b64(&body["data"][0]["b64_json"])).expect("png");
    assert!(image.color().has_alpha());
    let rgba = image.to_rgba8();
    assert_eq!(rgba.get_pixel(0, 0)[3], 0);
    assert_eq!(rgba.get_pixel(512, 512)[3], 255);
}

#[tokio::test]
async fn gpt_image_streams_partial_images_with_event_lines() {
    let standin = standin_with(Options {
        done_marker: true,
        ..Options::default()
    })
    .await;
    let response = generate(
        &standin,
        json!({"model": "gpt-image-1-mini", "prompt": "a gold coin", "stream": true, "partial_images": 2, "output_format": "jpeg"}),
    )
    .await;
    assert_eq!(response.status(), 200);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap_or_default()
            .starts_with("text/event-stream")
    );
    let text = response.text().await.expect("stream");
    let events: Vec<(String, Value)> = text
        .split("\n\n")
        .filter(|block| block.contains("event:"))
        .map(|block| {
            let name = block
                .lines()
                .find_map(|l| l.strip_prefix("event: "))
                .unwrap_or_default();
            let data = block
                .lines()
                .find_map(|l| l.strip_prefix("data: "))
                .unwrap_or_default();
            (
                name.to_owned(),
                serde_json::from_str(data).expect("json data"),
            )
        })
        .collect();
    let names: Vec<&str> = events.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            "image_generation.partial_image",
            "image_generation.partial_image",
            "image_generation.completed"
        ]
    );
    for (name, data) in &events {
        assert_eq!(data["type"], name.as_str());
        for key in [
            "b64_json",
            "created_at",
            "size",
            "quality",
            "background",
            "output_format",
        ] {
            assert!(data.get(key).is_some(), "{name} lacks {key}");
        }
    }
    assert_eq!(events[1].1["partial_image_index"], 1);
    assert!(events[2].1.get("partial_image_index").is_none());
    assert!(events[2].1["usage"]["input_tokens_details"].is_object());
    assert_eq!(
        image::guess_format(&b64(&events[2].1["b64_json"])).ok(),
        Some(image::ImageFormat::Jpeg)
    );
    assert!(text.trim_end().ends_with("data: [DONE]"));
}

#[tokio::test]
async fn a_runtime_fault_ends_a_stream_with_an_error_event() {
    let standin = standin().await;
    standin
        .faults()
        .inject_on("/v1/images/generations", Fault::RuntimeError, 1);
    let response = generate(
        &standin,
        json!({"model": "gpt-image-1", "prompt": "p", "stream": true, "partial_images": 2}),
    )
    .await;
    let text = response.text().await.expect("stream");
    assert!(text.contains("event: error"), "{text}");
    assert!(text.contains("\"server_error\""));
    assert!(!text.contains("image_generation.completed"));
}

#[tokio::test]
async fn the_models_endpoint_lists_the_account() {
    let standin = standin().await;
    let response = client()
        .get(format!("{}/models", standin.base_url()))
        .bearer_auth(STANDIN_KEY)
        .send()
        .await
        .expect("request");
    let body = json_of(response).await;
    assert_eq!(body["object"], "list");
    let ids: Vec<&str> = body["data"]
        .as_array()
        .expect("data")
        .iter()
        .filter_map(|m| m["id"].as_str())
        .collect();
    assert!(ids.contains(&"dall-e-3") && ids.contains(&"gpt-image-1"));
    assert_eq!(body["data"][0]["object"], "model");
    assert!(body["data"][0]["owned_by"].as_str().is_some());
    let one = client()
        .get(format!("{}/models/dall-e-2", standin.base_url()))
        .bearer_auth(STANDIN_KEY)
        .send()
        .await
        .expect("request");
    assert_eq!(json_of(one).await["id"], "dall-e-2");
}
