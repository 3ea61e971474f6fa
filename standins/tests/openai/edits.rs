//! Edits (multipart and JSON), variations, moderation and rate limits.

use super::*;

#[tokio::test]
async fn edits_take_repeated_image_parts_and_alpha_masks() {
    let standin = standin().await;
    let form = Form::new()
        .text("model", "gpt-image-1")
        .text("prompt", "add a hat")
        .text("output_format", "webp")
        .text("output_compression", "80")
        .text("output_compression", "80")
        .part("image[]", png_part(png_bytes(64, 64, false)))
        .part("image[]", png_part(png_bytes(64, 64, false)))
        .part("mask", png_part(png_bytes(64, 64, true)));
    let response = client()
        .post(format!("{}/images/edits", standin.base_url()))
        .bearer_auth(STANDIN_KEY)
        .multipart(form)
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), 200);
    let body = json_of(response).await;
    assert_eq!(body["output_format"], "webp");
    let received = standin.last_request().expect("recorded");
    assert_eq!(
        received
            .files
            .iter()
            .filter(|f| f.field == "image[]")
            .count(),
        2
    );
    assert_eq!(received.field_values("output_compression"), ["80", "80"]);
    let bad_mask = Form::new()
        .text("model", "dall-e-2")
        .text("prompt", "p")
        .part("image", png_part(png_bytes(64, 64, false)))
        .part("mask", png_part(png_bytes(64, 64, false)));
    let cases = [
        (bad_mask, "mask"),
        (
            Form::new()
                .text("model", "dall-e-2")
                .text("prompt", "p")
                .part("image", png_part(png_bytes(64, 32, true))),
            "image",
        ),
        (
            Form::new()
                .text("model", "dall-e-3")
                .text("prompt", "p")
                .part("image", png_part(png_bytes(64, 64, true))),
            "model",
        ),
        (
            Form::new().text("model", "gpt-image-1").text("prompt", "p"),
            "image",
        ),
    ];
    for (form, param) in cases {
        let response = client()
            .post(format!("{}/images/edits", standin.base_url()))
            .bearer_auth(STANDIN_KEY)
            .multipart(form)
            .send()
            .await
            .expect("request");
        assert_eq!(response.status(), 400, "{param}");
        assert_eq!(json_of(response).await["error"]["param"], param);
    }
}

#[tokio::test]
async fn json_edits_are_for_gpt_image_with_data_urls() {
    let standin = standin().await;
    let data_url = format!(
        "data:image/png;base64,{}",
        base64::engine::general_purpose::STANDARD.encode(png_bytes(32, 32, false))
    );
    let post = |body: Value| {
        client()
            .post(format!("{}/images/edits", standin.base_url()))
            .bearer_auth(STANDIN_KEY)
            .json(&body)
            .send()
    };
    let ok =
        post(json!({"model": "gpt-image-1", "prompt": "p", "images": [{"image_url": data_url}]}))
            .await
            .expect("request");
    assert_eq!(ok.status(), 200);
    let by_file =
        post(json!({"model": "gpt-image-1", "prompt": "p", "images": [{"file_id": "file-1"}]}))
            .await
            .expect("request");
    assert_eq!(
        json_of(by_file).await["error"]["param"],
        "images[0].file_id"
    );
    let dall_e =
        post(json!({"model": "dall-e-2", "prompt": "p", "images": [{"image_url": data_url}]}))
            .await
            .expect("request");
    assert_eq!(dall_e.status(), 400);
}

#[tokio::test]
async fn variations_are_dall_e_2_and_multipart_only() {
    let standin = standin().await;
    let url = format!("{}/images/variations", standin.base_url());
    let form = Form::new()
        .text("model", "dall-e-2")
        .text("n", "2")
        .text("size", "256x256")
        .text("response_format", "b64_json")
        .part("image", png_part(png_bytes(64, 64, false)));
    let response = client()
        .post(&url)
        .bearer_auth(STANDIN_KEY)
        .multipart(form)
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), 200);
    let body = json_of(response).await;
    assert_eq!(body["data"].as_array().map(Vec::len), Some(2));
    assert_ne!(body["data"][0]["b64_json"], body["data"][1]["b64_json"]);
    let gpt = Form::new()
        .text("model", "gpt-image-1")
        .part("image", png_part(png_bytes(64, 64, false)));
    let response = client()
        .post(&url)
        .bearer_auth(STANDIN_KEY)
        .multipart(gpt)
        .send()
        .await
        .expect("request");
    assert_eq!(json_of(response).await["error"]["param"], "model");
    let json_body = client()
        .post(&url)
        .bearer_auth(STANDIN_KEY)
        .json(&json!({"model": "dall-e-2"}))
        .send()
        .await
        .expect("request");
    assert_eq!(json_body.status(), 400);
}

#[tokio::test]
async fn moderation_refusals_take_each_familys_shape() {
    let standin = standin().await;
    let dall_e = json_of(
        generate(
            &standin,
            json!({"model": "dall-e-3", "prompt": "something Forbidden here"}),
        )
        .await,
    )
    .await;
    assert_eq!(dall_e["error"]["code"], "content_policy_violation");
    assert_eq!(dall_e["error"]["type"], "invalid_request_error");
    let gpt = generate(
        &standin,
        json!({"model": "gpt-image-1", "prompt": "forbidden"}),
    )
    .await;
    assert_eq!(gpt.status(), 400);
    let gpt = json_of(gpt).await;
    assert_eq!(gpt["error"]["code"], "moderation_blocked");
    assert_eq!(gpt["error"]["type"], "image_generation_user_error");
    assert_eq!(
        gpt["error"]["moderation_details"]["moderation_stage"],
        "input"
    );
    assert!(
        gpt["error"]["message"]
            .as_str()
            .unwrap_or_default()
            .contains("safety_violations=[")
    );
    standin.faults().inject(Fault::Moderation);
    let output =
        json_of(generate(&standin, json!({"model": "gpt-image-1", "prompt": "a cat"})).await).await;
    assert_eq!(
        output["error"]["moderation_details"]["moderation_stage"],
        "output"
    );
    let forbiddance = generate(
        &standin,
        json!({"model": "dall-e-2", "prompt": "forbiddance", "size": "256x256"}),
    )
    .await;
    assert_eq!(forbiddance.status(), 200, "only the whole word is refused");
}

#[tokio::test]
async fn rate_limits_carry_the_retry_headers() {
    let standin = standin().await;
    standin.faults().inject(Fault::RateLimited {
        retry_after_secs: 3,
    });
    let response = generate(&standin, json!({"model": "dall-e-2", "prompt": "p"})).await;
    assert_eq!(response.status(), 429);
    let headers = response.headers();
    assert_eq!(headers["retry-after"], "3");
    assert_eq!(headers["retry-after-ms"], "3000");
    assert_eq!(headers["x-should-retry"], "true");
    assert_eq!(headers["x-ratelimit-remaining-requests"], "0");
    let body = json_of(response).await;
    assert_eq!(body["error"]["code"], "rate_limit_exceeded");
    assert_eq!(body["error"]["type"], "requests");
    standin.faults().inject(Fault::Status { status: 503 });
    let overloaded = generate(&standin, json!({"model": "dall-e-2", "prompt": "p"})).await;
    assert_eq!(overloaded.status(), 503);
    assert_eq!(json_of(overloaded).await["error"]["type"], "server_error");
}
