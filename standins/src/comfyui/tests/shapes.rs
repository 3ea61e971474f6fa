//! Documented shapes and rules: trace 1's HTTP exchanges, validation
//! bodies, numbering, `/view`, uploads, the Origin check, faults.

use image::GenericImageView;
use serde_json::{Value, json};

use super::{Ws, get, options, post, start, txt2img};
use crate::common::{self, Fault};

/// Uploads `bytes` as `filename` with extra form fields; returns the JSON.
pub(super) async fn upload(
    base: &str,
    path: &str,
    filename: &str,
    bytes: Vec<u8>,
    fields: &[(&str, &str)],
) -> Value {
    let part = reqwest::multipart::Part::bytes(bytes)
        .file_name(filename.to_owned())
        .mime_str("image/png")
        .expect("mime");
    let mut form = reqwest::multipart::Form::new().part("image", part);
    for (name, value) in fields {
        form = form.text((*name).to_owned(), (*value).to_owned());
    }
    let response = reqwest::Client::new()
        .post(format!("{base}{path}"))
        .multipart(form)
        .send()
        .await
        .expect("upload");
    assert_eq!(response.status().as_u16(), 200);
    response.json().await.expect("json")
}

/// The graph behind each recorded validation failure of trace 1.
fn invalid_graph(body: &Value) -> Value {
    let errors = &body["node_errors"];
    match body["error"]["type"].as_str() {
        Some("invalid_prompt") => json!({"1": {"class_type": "NoSuchNode", "inputs": {}}}),
        Some("prompt_no_outputs") => {
            json!({"1": {"class_type": "EmptyImage", "inputs": {"width": 8, "height": 8, "batch_size": 1, "color": 0}}})
        }
        _ if errors["1"]["class_type"] == "EmptyImage" => json!({
            "1": {"class_type": "EmptyImage", "inputs": {"width": 0, "height": 8, "batch_size": 1, "color": 0}},
            "2": {"class_type": "SaveImage", "inputs": {"images": ["1", 0], "filename_prefix": "trace"}}
        }),
        _ if errors["2"]["class_type"] == "SaveImage" => {
            json!({"2": {"class_type": "SaveImage", "inputs": {"filename_prefix": "trace"}}})
        }
        _ => json!({
            "1": {"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": "missing.safetensors"}},
            "2": {"class_type": "EmptyLatentImage", "inputs": {"width": 64, "height": 64, "batch_size": 1}},
            "3": {"class_type": "VAEDecode", "inputs": {"samples": ["2", 0], "vae": ["1", 2]}},
            "4": {"class_type": "SaveImage", "inputs": {"images": ["3", 0], "filename_prefix": "x"}}
        }),
    }
}

/// Trace 1's HTTP exchanges after its prompts, replayed and compared.
pub(super) async fn trace1_http(base: &str, events: &[(String, Value)]) {
    let picture = common::png(&common::paint("upload", 1, 16, 16), &[]);
    for (kind, recorded) in events {
        match kind.as_str() {
            "GET_VIEW_200" => {
                let response = reqwest::get(format!("{base}/view?filename=trace_00001_.png"))
                    .await
                    .expect("view");
                let headers = response.headers().clone();
                for name in [
                    "Content-Type",
                    "Content-Disposition",
                    "Server",
                    "Accept-Ranges",
                ] {
                    assert_eq!(
                        headers.get(name).and_then(|v| v.to_str().ok()),
                        recorded["headers"][name].as_str(),
                        "{name}"
                    );
                }
                let bytes = response.bytes().await.expect("bytes");
                assert_eq!(hex_prefix(&bytes), recorded["first16"]);
            }
            "POST_PROMPT_400" => {
                let (status, body) = post(
                    base,
                    "/prompt",
                    json!({"prompt": invalid_graph(recorded), "client_id": "trace-client-1"}),
                )
                .await;
                assert_eq!((status, &body), (400, recorded));
            }
            "POST_PROMPT_NOPROMPT_400" => {
                let (status, body) =
                    post(base, "/prompt", json!({"client_id": "trace-client-1"})).await;
                assert_eq!((status, &body), (400, recorded));
            }
            "UPLOAD_200" | "UPLOAD_DUP_200" => {
                assert_eq!(
                    &upload(base, "/upload/image", "up.png", picture.clone(), &[]).await,
                    recorded
                );
            }
            "UPLOAD_MASK_200" => {
                let reference =
                    json!({"filename": "up.png", "subfolder": "", "type": "input"}).to_string();
                let fields = [
                    ("subfolder", "clipspace"),
                    ("original_ref", reference.as_str()),
                ];
                assert_eq!(
                    &upload(base, "/upload/mask", "mask.png", picture.clone(), &fields).await,
                    recorded
                );
            }
            "INTERRUPT_200" => {
                assert_eq!(post(base, "/interrupt", json!({})).await, (200, json!("")))
            }
            "QUEUE_CLEAR_200" => assert_eq!(
                post(base, "/queue", json!({"clear": true})).await,
                (200, json!(""))
            ),
            other if other.starts_with("GET /") => recorded_get(base, other, recorded).await,
            _ => {}
        }
    }
}

fn hex_prefix(bytes: &[u8]) -> Value {
    json!(
        bytes
            .iter()
            .take(16)
            .map(|b| format!("{b:02x}"))
            .collect::<String>()
    )
}

async fn recorded_get(base: &str, kind: &str, recorded: &Value) {
    let mut parts = kind.split(' ');
    let (path, status) = (parts.nth(1).unwrap_or("/"), parts.next().unwrap_or("200"));
    if path.starts_with("/api/jobs") {
        return; // The jobs API (new in 2025/26) is not simulated.
    }
    let (got_status, body) = get(base, path).await;
    assert_eq!(got_status.to_string(), status, "{path}");
    if path.starts_with("/history") {
        let (ours, theirs) = (only_entry(&body), only_entry(recorded));
        assert_eq!(ours["prompt"][2], theirs["prompt"][2], "{path}");
        assert_eq!(ours["meta"], theirs["meta"], "{path}");
        assert_eq!(ours["status"]["status_str"], theirs["status"]["status_str"]);
        return;
    }
    assert_eq!(&body, recorded, "{path}");
}

fn only_entry(history: &Value) -> Value {
    let entries = history.as_object().expect("object");
    assert_eq!(entries.len(), 1);
    entries.values().next().cloned().unwrap_or_default()
}

#[tokio::test]
async fn validation_errors_have_comfyui_bodies() {
    let standin = start(options()).await;
    let base = standin.base_url();
    let mut graph = txt2img("nope.safetensors", "a fox", 1, 2);
    graph["3"]["inputs"]["sampler_name"] = json!("fancy");
    graph["3"]["inputs"]["steps"] = json!("many");
    graph["6"]["inputs"]["clip"] = json!(["4"]);
    let (status, body) = post(&base, "/prompt", json!({"prompt": graph})).await;
    assert_eq!(status, 400);
    assert_eq!(body["error"]["type"], "prompt_outputs_failed_validation");
    let ckpt = &body["node_errors"]["4"]["errors"][0];
    assert_eq!(ckpt["type"], "value_not_in_list");
    assert_eq!(
        ckpt["details"],
        "ckpt_name: 'nope.safetensors' not in ['sd_xl_base_1.0.safetensors', 'v1-5-pruned-emaonly-fp16.safetensors']"
    );
    let sampler: Vec<&Value> = body["node_errors"]["3"]["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .collect();
    assert_eq!(sampler[0]["type"], "invalid_input_type");
    assert_eq!(
        sampler[0]["details"],
        "steps, many, invalid literal for int() with base 10: 'many'"
    );
    assert_eq!(
        sampler[1]["details"],
        "sampler_name: 'fancy' not in (list of length 44)"
    );
    assert_eq!(sampler[1]["extra_info"]["input_config"], Value::Null);
    assert_eq!(
        body["node_errors"]["6"]["errors"][0]["type"],
        "bad_linked_input"
    );
    assert_eq!(body["node_errors"]["3"]["dependent_outputs"], json!(["9"]));

    let mut dangling = txt2img("sd_xl_base_1.0.safetensors", "a fox", 1, 2);
    dangling["8"]["inputs"]["vae"] = json!(["99", 2]);
    let (_, body) = post(&base, "/prompt", json!({"prompt": dangling})).await;
    assert_eq!(
        body["node_errors"]["8"]["errors"][0]["type"],
        "exception_during_inner_validation"
    );
    assert_eq!(body["node_errors"]["8"]["errors"][0]["details"], "'99'");
    assert!(body["node_errors"].get("9").is_none());
    dangling["9"]["inputs"]["images"] = json!(["99", 0]);
    let (_, body) = post(&base, "/prompt", json!({"prompt": dangling})).await;
    assert_eq!(
        body["node_errors"]["9"]["errors"][0]["type"],
        "exception_during_validation"
    );

    let missing_image = json!({
        "1": {"class_type": "LoadImage", "inputs": {"image": "absent.png"}},
        "2": {"class_type": "PreviewImage", "inputs": {"images": ["1", 0]}}
    });
    let (_, body) = post(&base, "/prompt", json!({"prompt": missing_image})).await;
    assert_eq!(
        body["node_errors"]["1"]["errors"][0]["type"],
        "custom_validation_failed"
    );
    assert_eq!(
        body["node_errors"]["1"]["errors"][0]["details"],
        "image - Invalid image file: absent.png"
    );
}

#[tokio::test]
async fn numbers_count_every_post_and_front_goes_negative() {
    let standin = start(options()).await;
    let base = standin.base_url();
    standin.pause_sampling(true);
    let graph = txt2img("sd_xl_base_1.0.safetensors", "a fox", 1, 2);
    let (_, first) = post(&base, "/prompt", json!({"prompt": graph})).await;
    let (_, _) = post(&base, "/prompt", json!({})).await;
    let (_, front) = post(&base, "/prompt", json!({"prompt": graph, "front": true})).await;
    let (_, fixed) = post(&base, "/prompt", json!({"prompt": graph, "number": 7})).await;
    assert_eq!(
        (
            first["number"].clone(),
            front["number"].clone(),
            fixed["number"].clone()
        ),
        (json!(0), json!(-2), json!(7.0))
    );
    let (_, queue) = get(&base, "/api/queue").await;
    let pending: Vec<&Value> = queue["queue_pending"]
        .as_array()
        .expect("pending")
        .iter()
        .map(|i| &i[0])
        .collect();
    assert_eq!(queue["queue_running"][0][0], json!(0));
    assert_eq!(pending, [&json!(-2), &json!(7.0)]);
    let (_, info) = get(&base, "/prompt").await;
    assert_eq!(info, json!({"exec_info": {"queue_remaining": 3}}));
}

#[tokio::test]
async fn view_refuses_escapes_and_serves_files_with_headers() {
    let standin = start(options()).await;
    let base = standin.base_url();
    for (query, status) in [
        ("filename=/etc/passwd", 400),
        ("filename=a/../b.png", 400),
        ("filename=x.png&type=secret", 400),
        ("filename=example.png&type=input&subfolder=../output", 403),
        ("filename=example.png&type=input&subfolder=/etc", 403),
        ("filename=absent.png", 404),
        ("subfolder=x", 404),
    ] {
        assert_eq!(
            get(&base, &format!("/view?{query}")).await.0,
            status,
            "{query}"
        );
    }
    let response = reqwest::get(format!("{base}/api/view?filename=example.png&type=input"))
        .await
        .expect("view");
    assert_eq!(response.headers()["content-type"], "image/png");
    assert_eq!(
        response.headers()["content-disposition"],
        "filename=\"example.png\""
    );
    let response = reqwest::get(format!(
        "{base}/view?filename=example.png [input]&preview=jpeg;80"
    ))
    .await
    .expect("view");
    assert_eq!(response.headers()["content-type"], "image/jpeg");
}

#[tokio::test]
async fn uploads_reuse_identical_files_and_rename_different_ones() {
    let standin = start(options()).await;
    let base = standin.base_url();
    let a = common::png(&common::paint("a", 1, 8, 8), &[]);
    let b = common::png(&common::paint("b", 1, 8, 8), &[]);
    assert_eq!(
        upload(&base, "/upload/image", "up.png", a.clone(), &[]).await["name"],
        "up.png"
    );
    assert_eq!(
        upload(&base, "/upload/image", "up.png", a.clone(), &[]).await["name"],
        "up.png"
    );
    assert_eq!(
        upload(&base, "/upload/image", "up.png", b.clone(), &[]).await["name"],
        "up (1).png"
    );
    assert_eq!(
        upload(&base, "/upload/image", "up.png", b.clone(), &[]).await["name"],
        "up (1).png"
    );
    let replaced = upload(
        &base,
        "/upload/image",
        "up.png",
        b.clone(),
        &[("overwrite", "true")],
    )
    .await;
    assert_eq!(replaced["name"], "up.png");
    assert_eq!(standin.file("input", "", "up.png"), Some(b.clone()));
    let sub = upload(
        &base,
        "/upload/image",
        "s.png",
        a,
        &[("subfolder", "easel"), ("type", "temp")],
    )
    .await;
    assert_eq!(
        sub,
        json!({"name": "s.png", "subfolder": "easel", "type": "temp"})
    );

    let mut clear = image::RgbaImage::from_pixel(8, 8, image::Rgba([0, 0, 0, 255]));
    clear.put_pixel(0, 0, image::Rgba([0, 0, 0, 0]));
    let mut mask = Vec::new();
    image::DynamicImage::ImageRgba8(clear)
        .write_to(
            &mut std::io::Cursor::new(&mut mask),
            image::ImageFormat::Png,
        )
        .expect("png");
    let reference = json!({"filename": "up.png", "subfolder": "", "type": "input"}).to_string();
    let masked = upload(
        &base,
        "/upload/mask",
        "m.png",
        mask,
        &[("original_ref", &reference)],
    )
    .await;
    let saved = standin
        .file("input", "", masked["name"].as_str().expect("name"))
        .expect("saved");
    let decoded = image::load_from_memory(&saved).expect("png");
    assert_eq!(decoded.get_pixel(0, 0)[3], 0);
    assert_eq!(decoded.get_pixel(1, 1)[3], 255);
}

#[tokio::test]
async fn a_foreign_origin_on_a_loopback_host_is_refused() {
    let standin = start(options()).await;
    let base = standin.base_url();
    let client = reqwest::Client::new();
    let refused = client
        .get(format!("{base}/prompt"))
        .header("origin", "http://evil.example")
        .send()
        .await
        .expect("get");
    assert_eq!(refused.status().as_u16(), 403);
    let same = client
        .get(format!("{base}/prompt"))
        .header("origin", &base)
        .send()
        .await
        .expect("get");
    assert_eq!(same.status().as_u16(), 200);
    assert_eq!(get(&base, "/nowhere").await, (404, json!("404: Not Found")));
}

#[tokio::test]
async fn faults_look_like_aiohttp_and_proxies() {
    let standin = start(options()).await;
    let base = standin.base_url();
    standin.faults().inject_on(
        "/prompt",
        Fault::RateLimited {
            retry_after_secs: 3,
        },
        1,
    );
    let response = reqwest::get(format!("{base}/prompt")).await.expect("get");
    assert_eq!(response.status().as_u16(), 429);
    assert_eq!(response.headers()["retry-after"], "3");
    standin
        .faults()
        .inject_on("/history", Fault::Status { status: 500 }, 1);
    assert_eq!(
        get(&base, "/history").await,
        (
            500,
            json!("500 Internal Server Error\n\nServer got itself in trouble")
        )
    );
    standin
        .faults()
        .inject_on("/ws", Fault::Status { status: 502 }, 1);
    let url = format!("{}/ws?clientId=x", base.replace("http://", "ws://"));
    assert!(tokio_tungstenite::connect_async(url).await.is_err());
    let _ws = Ws::connect(&base, "x").await;
}
