//! The connector driven by the golden traces themselves: a replay server
//! answers `POST /prompt` with the recorded response and plays the
//! recorded websocket frames of the traced txt2img run, byte for byte in
//! their headers (JPEG bodies stand in for the recorded images), then
//! serves the recorded history entry. No stand-in logic is involved.

use std::sync::Arc;

use axum::Router;
use axum::extract::State;
use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use easel_engine::providers::comfyui::ComfyUiProvider;
use serde_json::{Value, json};
use tokio::sync::Notify;

use crate::support::{context, painted, png, request, run, settings};

const LEGACY: &str = include_str!("../../../standins/src/comfyui/traces/trace2_legacy.json");
const META: &str = include_str!("../../../standins/src/comfyui/traces/trace2_meta.json");

/// The traced txt2img run: its POST answer, its frames, its history.
#[derive(Debug)]
struct Golden {
    answer: Value,
    greeting: Vec<Value>,
    frames: Vec<Value>,
    history: Value,
    submitted: Notify,
}

fn golden(trace: &str) -> Golden {
    let events: Vec<Value> = serde_json::from_str(trace).expect("trace");
    let post = events
        .iter()
        .position(|e| e["kind"] == "POST_PROMPT_200 txt2img")
        .expect("a txt2img prompt");
    let end = events[post..]
        .iter()
        .position(|e| {
            e["kind"] == "WS_TEXT"
                && e["data"]["type"] == "executing"
                && e["data"]["data"]["node"].is_null()
        })
        .expect("its end")
        + post;
    let greeting = events[..post]
        .iter()
        .filter(|e| {
            e["kind"] == "WS_TEXT"
                && (e["data"]["data"]["sid"].is_string() || e["data"]["type"] == "feature_flags")
        })
        .cloned()
        .collect();
    let history = events
        .iter()
        .find(|e| e["kind"] == "GET_HISTORY txt2img")
        .map(|e| e["data"].clone())
        .expect("its history");
    Golden {
        answer: events[post]["data"].clone(),
        greeting,
        frames: events[post + 1..=end].to_vec(),
        history,
        submitted: Notify::new(),
    }
}

/// A JPEG whose first bytes are Pillow's (JFIF 1.1), as the traces show.
fn jpeg() -> Vec<u8> {
    let mut out = Vec::new();
    let encoder = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 90);
    painted("preview", 1, 16, 16)
        .write_with_encoder(encoder)
        .expect("jpeg");
    out[12] = 0x01;
    out
}

fn hex(text: &str) -> Vec<u8> {
    (0..text.len())
        .step_by(2)
        .filter_map(|i| u8::from_str_radix(&text[i..i + 2], 16).ok())
        .collect()
}

/// A recorded event as the frame the server sent.
fn frame(event: &Value) -> Message {
    let data = &event["data"];
    if event["kind"] == "WS_TEXT" {
        return Message::Text(data.to_string().into());
    }
    let image = jpeg();
    let bytes = match data["event_type"].as_u64() {
        Some(1) => {
            let head = hex(data["head_hex"].as_str().unwrap_or_default());
            assert_eq!(&head[8..], &image[..16], "the recorded JPEG header");
            [&head[..8], &image[..]].concat()
        }
        _ => {
            let meta = data["meta"].to_string();
            let mut bytes = 4u32.to_be_bytes().to_vec();
            bytes.extend_from_slice(&(meta.len() as u32).to_be_bytes());
            bytes.extend_from_slice(meta.as_bytes());
            bytes.extend_from_slice(&image);
            bytes
        }
    };
    Message::Binary(bytes.into())
}

async fn replay(State(golden): State<Arc<Golden>>, upgrade: WebSocketUpgrade) -> Response {
    upgrade
        .on_upgrade(move |socket| play(golden, socket))
        .into_response()
}

async fn play(golden: Arc<Golden>, mut socket: WebSocket) {
    let (status, flags) = (
        golden.greeting.first().cloned(),
        golden.greeting.get(1).cloned(),
    );
    if let Some(status) = status {
        let _ = socket.send(frame(&status)).await;
    }
    let mut submitted = std::pin::pin!(golden.submitted.notified());
    submitted.as_mut().enable();
    if let Some(flags) = flags
        && let Some(Ok(Message::Text(_))) = socket.recv().await
    {
        let _ = socket.send(frame(&flags)).await;
    }
    submitted.await;
    for event in &golden.frames {
        if socket.send(frame(event)).await.is_err() {
            return;
        }
    }
    while let Some(Ok(_)) = socket.recv().await {}
}

async fn serve(golden: Golden) -> String {
    let golden = Arc::new(golden);
    let app = Router::new()
        .route("/ws", get(replay))
        .route(
            "/prompt",
            post(|State(g): State<Arc<Golden>>| async move {
                g.submitted.notify_waiters();
                axum::Json(g.answer.clone())
            }),
        )
        .route(
            "/history/{id}",
            get(|State(g): State<Arc<Golden>>| async move { axum::Json(g.history.clone()) }),
        )
        .route(
            "/view",
            get(|| async {
                (
                    [("content-type", "image/png")],
                    png(&painted("golden", 1, 64, 64)),
                )
            }),
        )
        .with_state(golden);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    base
}

async fn drive(trace: &str, negotiate: bool, file: &str) -> (Vec<(u32, u32, bool)>, Value) {
    let golden = golden(trace);
    let prompt_id = golden.answer["prompt_id"].clone();
    let base = serve(golden).await;
    let mut settings = settings(&base);
    settings.preview_metadata = negotiate;
    let provider = ComfyUiProvider::new(settings);
    let (cx, progress) = context(request("a red fox in the snow"));
    let images = run(&provider, &cx)
        .await
        .expect("the traced run yields its image");
    assert_eq!(images.len(), 1);
    assert_eq!(images[0].metadata["filename"], file);
    assert_eq!(images[0].metadata["prompt_id"], prompt_id);
    (
        progress.with(|r| r.steps.clone()),
        json!(progress.last_handle()),
    )
}

#[tokio::test]
async fn the_traced_legacy_run_drives_progress_with_previews() {
    let (steps, handle) = drive(LEGACY, false, "tiny_00001_.png").await;
    assert_eq!(
        steps,
        [(1, 4, true), (2, 4, true), (3, 4, true), (4, 4, true)]
    );
    assert_eq!(handle["prompt_id"], "cdbc7526-c140-4d3f-a1a5-7e35918e8ae5");
}

#[tokio::test]
async fn the_traced_type4_run_drives_progress_with_previews() {
    let (steps, handle) = drive(META, true, "tiny_00004_.png").await;
    assert_eq!(
        steps,
        [(1, 4, true), (2, 4, true), (3, 4, true), (4, 4, true)]
    );
    assert_eq!(handle["prompt_id"], "4351f0a1-bf2b-44d5-8a62-1a8c6491af7a");
}
