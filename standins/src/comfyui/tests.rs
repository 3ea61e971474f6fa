//! Fidelity tests over raw HTTP and websockets: the golden traces replayed
//! ([`trace`]), the documented shapes and rules ([`shapes`]), and the
//! stateful flows (routing, reconnects, interrupts, restarts: [`flows`]).

mod flows;
mod shapes;
mod trace;

use std::time::Duration;

use futures::StreamExt;
use serde_json::{Value, json};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

use super::{ComfyUiStandIn, Options};

/// Fast steps, default lists.
fn options() -> Options {
    Options {
        step: Duration::from_millis(2),
        ..Options::default()
    }
}

async fn start(options: Options) -> ComfyUiStandIn {
    ComfyUiStandIn::start(options)
        .await
        .expect("stand-in starts")
}

/// A frame received on a websocket.
#[derive(Debug, Clone)]
enum Frame {
    Text(Value),
    Binary(Vec<u8>),
}

impl Frame {
    fn kind(&self) -> &str {
        match self {
            Frame::Text(v) => v["type"].as_str().unwrap_or_default(),
            Frame::Binary(_) => "<binary>",
        }
    }

    fn data(&self) -> &Value {
        match self {
            Frame::Text(v) => &v["data"],
            Frame::Binary(_) => &Value::Null,
        }
    }
}

struct Ws {
    stream: WebSocketStream<MaybeTlsStream<TcpStream>>,
}

impl Ws {
    async fn connect(base: &str, client_id: &str) -> Ws {
        let url = format!(
            "{}/ws?clientId={client_id}",
            base.replace("http://", "ws://")
        );
        let (stream, _) = tokio_tungstenite::connect_async(url)
            .await
            .expect("ws connects");
        Ws { stream }
    }

    async fn next(&mut self) -> Frame {
        loop {
            let message = tokio::time::timeout(Duration::from_secs(10), self.stream.next())
                .await
                .expect("a frame within 10 s")
                .expect("socket open")
                .expect("frame ok");
            match message {
                Message::Text(text) => {
                    return Frame::Text(serde_json::from_str(text.as_str()).expect("json text"));
                }
                Message::Binary(bytes) => return Frame::Binary(bytes.to_vec()),
                _ => {}
            }
        }
    }

    /// Frames up to and including `executing {node: null}` for `prompt_id`.
    async fn until_done(&mut self, prompt_id: &str) -> Vec<Frame> {
        let mut frames = Vec::new();
        loop {
            let frame = self.next().await;
            let done = frame.kind() == "executing"
                && frame.data()["node"].is_null()
                && frame.data()["prompt_id"] == prompt_id;
            frames.push(frame);
            if done {
                return frames;
            }
        }
    }
}

async fn post(base: &str, path: &str, body: Value) -> (u16, Value) {
    let response = reqwest::Client::new()
        .post(format!("{base}{path}"))
        .json(&body)
        .send()
        .await
        .expect("request");
    let status = response.status().as_u16();
    let text = response.text().await.expect("body");
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

async fn get(base: &str, path: &str) -> (u16, Value) {
    let response = reqwest::get(format!("{base}{path}"))
        .await
        .expect("request");
    let status = response.status().as_u16();
    let text = response.text().await.expect("body");
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

/// Queues `graph` for `client_id`; returns the prompt id.
async fn submit(base: &str, graph: &Value, client_id: &str) -> String {
    let (status, body) = post(
        base,
        "/prompt",
        json!({"prompt": graph, "client_id": client_id}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    body["prompt_id"].as_str().expect("prompt id").to_owned()
}

/// The txt2img graph of §4.6, small.
fn txt2img(ckpt: &str, prompt: &str, seed: u64, steps: u32) -> Value {
    json!({
        "4": {"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": ckpt}},
        "6": {"class_type": "CLIPTextEncode", "inputs": {"text": prompt, "clip": ["4", 1]}},
        "7": {"class_type": "CLIPTextEncode", "inputs": {"text": "blurry", "clip": ["4", 1]}},
        "5": {"class_type": "EmptyLatentImage", "inputs": {"width": 64, "height": 48, "batch_size": 1}},
        "3": {"class_type": "KSampler", "inputs": {"seed": seed, "steps": steps, "cfg": 7.0, "sampler_name": "euler",
               "scheduler": "normal", "denoise": 1.0, "model": ["4", 0], "positive": ["6", 0],
               "negative": ["7", 0], "latent_image": ["5", 0]}},
        "8": {"class_type": "VAEDecode", "inputs": {"samples": ["3", 0], "vae": ["4", 2]}},
        "9": {"class_type": "SaveImage", "inputs": {"filename_prefix": "gen", "images": ["8", 0]}}
    })
}

/// Waits (bounded) until `check` holds; for state the server reaches soon.
async fn eventually(what: &str, mut check: impl FnMut() -> bool) {
    for _ in 0..500 {
        if check() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("timed out waiting for {what}");
}
