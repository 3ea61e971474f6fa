//! Replays the golden traces on one stand-in, in the order they were
//! recorded on the real server (trace 1, then the legacy-preview trace,
//! then the type-4 trace), submitting the same graphs with the same
//! feature flags, and compares every websocket message's type, node and
//! key fields, and every binary frame's type and header bytes. Prompt ids,
//! timestamps, tracebacks and image bytes are ignored.
//!
//! One difference is accepted and explained: the legacy trace opens with a
//! `status` without `sid`, the queue-clear broadcast of trace 1 that raced
//! the new socket's greeting on the real server.

use futures::SinkExt;
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;

use super::super::json::J;
use super::{Frame, Ws, get, options, post, start};

const TRACE1: &str = include_str!("../traces/trace1.json");
const LEGACY: &str = include_str!("../traces/trace2_legacy.json");
const META: &str = include_str!("../traces/trace2_meta.json");

/// One recorded event, with its data both as compared and as sent.
struct Event {
    kind: String,
    data: Value,
    ordered: J,
}

fn load(text: &str) -> Vec<Event> {
    let plain: Vec<Value> = serde_json::from_str(text).expect("trace json");
    let ordered = J::parse(text.as_bytes()).expect("trace json");
    plain
        .into_iter()
        .zip(ordered.items().unwrap_or_default().iter())
        .map(|(event, ordered)| Event {
            kind: event["kind"].as_str().unwrap_or_default().to_owned(),
            data: event["data"].clone(),
            ordered: ordered.get("data").cloned().unwrap_or(J::Null),
        })
        .collect()
}

/// The recorded websocket frames, normalised.
fn recorded(events: &[Event]) -> Vec<Value> {
    events
        .iter()
        .filter_map(|e| match e.kind.as_str() {
            "WS_TEXT" => Some(normalise_text(&e.data)),
            "WS_BIN" => Some(normalise_recorded_binary(&e.data)),
            _ => None,
        })
        .collect()
}

fn normalise_text(message: &Value) -> Value {
    let kind = message["type"].as_str().unwrap_or_default();
    let mut data = message["data"].clone();
    strip(&mut data, &["prompt_id", "timestamp"]);
    match kind {
        "progress_state" => {
            if let Some(nodes) = data["nodes"].as_object_mut() {
                for node in nodes.values_mut() {
                    strip(node, &["prompt_id"]);
                }
            }
        }
        "execution_error" => {
            let mut keys: Vec<String> = data["current_inputs"]
                .as_object()
                .map(|o| o.keys().cloned().collect())
                .unwrap_or_default();
            keys.sort();
            data["current_inputs"] = json!(keys);
            data["traceback"] = Value::Null;
            for list in ["executed", "current_outputs"] {
                let mut ids: Vec<String> = data[list]
                    .as_array()
                    .map(|a| {
                        a.iter()
                            .filter_map(|v| v.as_str().map(str::to_owned))
                            .collect()
                    })
                    .unwrap_or_default();
                ids.sort();
                data[list] = json!(ids);
            }
        }
        "executed" => {
            if let Some(images) = data["output"]["images"].as_array_mut() {
                for image in images {
                    if let Some(name) = image["filename"].as_str() {
                        image["filename"] = json!(unrandom(name));
                    }
                }
            }
        }
        _ => {}
    }
    json!({"type": kind, "data": data})
}

/// `ComfyUI_temp_evnbi_00001_.png` → `ComfyUI_temp_?????_00001_.png`.
fn unrandom(name: &str) -> String {
    match name.strip_prefix("ComfyUI_temp_") {
        Some(rest) if rest.len() > 5 => format!("ComfyUI_temp_?????{}", &rest[5..]),
        _ => name.to_owned(),
    }
}

fn strip(value: &mut Value, keys: &[&str]) {
    if let Some(object) = value.as_object_mut() {
        for key in keys {
            object.remove(*key);
        }
    }
}

fn normalise_recorded_binary(data: &Value) -> Value {
    match data["event_type"].as_u64() {
        Some(1) => json!({"binary": 1, "image_type": data["image_type"], "head": data["head_hex"]}),
        Some(4) => {
            let mut meta = data["meta"].clone();
            strip(&mut meta, &["prompt_id"]);
            json!({"binary": 4, "meta_len": data["meta_len"], "meta": meta, "magic": data["img_magic"]})
        }
        other => json!({"binary": other}),
    }
}

fn normalise_binary(bytes: &[u8]) -> Value {
    let word = |at: usize| {
        bytes
            .get(at..at + 4)
            .map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
    };
    let hex = |range: std::ops::Range<usize>| {
        bytes
            .get(range)
            .map(|b| b.iter().map(|x| format!("{x:02x}")).collect::<String>())
            .unwrap_or_default()
    };
    match word(0) {
        Some(1) => json!({"binary": 1, "image_type": word(4), "head": hex(0..24)}),
        Some(4) => {
            let len = word(4).unwrap_or(0) as usize;
            let mut meta: Value = serde_json::from_slice(&bytes[8..8 + len]).expect("meta json");
            strip(&mut meta, &["prompt_id"]);
            json!({"binary": 4, "meta_len": len, "meta": meta, "magic": hex(8 + len..12 + len)})
        }
        other => json!({"binary": other}),
    }
}

fn normalise(frames: &[Frame]) -> Vec<Value> {
    frames
        .iter()
        .map(|f| match f {
            Frame::Text(v) => normalise_text(v),
            Frame::Binary(b) => normalise_binary(b),
        })
        .collect()
}

fn assert_same(what: &str, ours: &[Value], golden: &[Value]) {
    for (i, (a, b)) in ours.iter().zip(golden).enumerate() {
        assert_eq!(a, b, "{what}: frame {i} differs\nours:   {a}\ngolden: {b}");
    }
    assert_eq!(
        ours.len(),
        golden.len(),
        "{what}: frame counts differ\nours: {ours:#?}"
    );
}

/// The events of each prompt: from its `POST_PROMPT_200` to its
/// `executing {node: null}`.
struct Segment {
    label: String,
    number: Value,
    frames: Vec<Value>,
    prompt_id: String,
}

fn segments(events: &[Event]) -> Vec<Segment> {
    let mut segments = Vec::new();
    let mut i = 0;
    while i < events.len() {
        if !events[i].kind.starts_with("POST_PROMPT_200") {
            i += 1;
            continue;
        }
        let start = i + 1;
        let mut end = start;
        while end < events.len() {
            let e = &events[end];
            end += 1;
            if e.kind == "WS_TEXT"
                && e.data["type"] == "executing"
                && e.data["data"]["node"].is_null()
            {
                break;
            }
        }
        segments.push(Segment {
            label: events[i].kind.clone(),
            number: events[i].data["number"].clone(),
            prompt_id: events[i].data["prompt_id"]
                .as_str()
                .unwrap_or_default()
                .to_owned(),
            frames: recorded(&events[start..end]),
        });
        i = end;
    }
    segments
}

/// The graph a prompt ran, as recorded in a later history read (in the
/// order it was sent).
fn graph_of(events: &[Event], prompt_id: &str) -> Option<J> {
    events.iter().find_map(|e| {
        let entry = e.ordered.get(prompt_id)?;
        entry.get("prompt")?.items()?.get(2).cloned()
    })
}

struct Replay {
    base: String,
}

impl Replay {
    async fn submit(&self, graph: &J, client_id: &str) -> Value {
        let body = format!("{{\"prompt\": {graph}, \"client_id\": \"{client_id}\"}}");
        let response = reqwest::Client::new()
            .post(format!("{}/prompt", self.base))
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
            .expect("post");
        assert_eq!(response.status().as_u16(), 200);
        response.json().await.expect("json")
    }

    /// Runs every traced prompt of `events` on `ws`, comparing frames.
    async fn run_segments(&self, events: &[Event], ws: &mut Ws, client_id: &str) {
        let mut last_graph = None;
        for segment in segments(events) {
            let graph = graph_of(events, &segment.prompt_id)
                .or(last_graph.clone())
                .expect("graph");
            last_graph = Some(graph.clone());
            let answer = self.submit(&graph, client_id).await;
            assert_eq!(answer["number"], segment.number, "{}", segment.label);
            assert_eq!(answer["node_errors"], json!({}));
            let prompt_id = answer["prompt_id"].as_str().expect("id").to_owned();
            if segment.label.ends_with("interrupted") {
                self.interrupted(events, &segment, ws, &prompt_id).await;
                continue;
            }
            let frames = normalise(&ws.until_done(&prompt_id).await);
            assert_same(&segment.label, &frames, &segment.frames);
            self.check_history(events, &segment.prompt_id, &prompt_id)
                .await;
        }
    }

    /// The interrupt trace: the frames up to step 22 must match, then any
    /// further steps (the interrupt lands a little later here), then the
    /// traced ending.
    async fn interrupted(&self, events: &[Event], segment: &Segment, ws: &mut Ws, prompt_id: &str) {
        let golden = &segment.frames;
        let cut = golden
            .iter()
            .rposition(|f| f["binary"] == 1)
            .expect("previews before the interrupt")
            + 1;
        let mut ours = Vec::new();
        while ours.len() < cut {
            let frame = ws.next().await;
            ours.push(normalise(&[frame]).remove(0));
        }
        assert_same("interrupted (before)", &ours, &golden[..cut]);
        let (_, queue) = get(&self.base, "/queue").await;
        let recorded = events
            .iter()
            .find(|e| e.kind == "QUEUE_WHILE_RUNNING")
            .expect("queue");
        assert_eq!(queue["queue_pending"], recorded.data["queue_pending"]);
        let running = &queue["queue_running"][0];
        let traced = &recorded.data["queue_running"][0];
        assert_eq!(running[0], traced[0]);
        assert_eq!(running[2], traced[2]);
        assert_eq!(running[3]["client_id"], traced[3]["client_id"]);
        assert_eq!(running[4], traced[4]);
        let (status, _) = post(&self.base, "/interrupt", json!({"prompt_id": prompt_id})).await;
        assert_eq!(status, 200);
        let mut rest = normalise(&ws.until_done(prompt_id).await);
        while rest.first().is_some_and(|f| f["type"] == "progress_state") {
            assert_eq!(rest[1]["type"], "progress");
            assert_eq!(rest[2]["binary"], 1);
            rest.drain(..3);
        }
        assert_same("interrupted (after)", &rest, &golden[cut..]);
        self.check_history(events, &segment.prompt_id, prompt_id)
            .await;
    }

    /// Our history entry against the recorded one.
    async fn check_history(&self, events: &[Event], traced_id: &str, prompt_id: &str) {
        let Some(recorded) = events
            .iter()
            .find_map(|e| e.data.get(traced_id).filter(|_| e.kind.contains("HISTORY")))
        else {
            return;
        };
        let (_, ours) = get(&self.base, &format!("/history/{prompt_id}")).await;
        let ours = &ours[prompt_id];
        let keys = |v: &Value| v.as_object().map(|o| o.keys().cloned().collect::<Vec<_>>());
        assert_eq!(keys(ours), keys(recorded));
        assert_eq!(ours["prompt"][0], recorded["prompt"][0]);
        assert_eq!(ours["prompt"][2], recorded["prompt"][2]);
        assert_eq!(keys(&ours["prompt"][3]), keys(&recorded["prompt"][3]));
        assert_eq!(ours["prompt"][4], recorded["prompt"][4]);
        let names = |v: &Value| {
            normalise_text(&json!({"type": "executed", "data": {"output": v}}))["data"]["output"]
                .clone()
        };
        for (node, output) in recorded["outputs"].as_object().into_iter().flatten() {
            assert_eq!(names(&ours["outputs"][node]), names(output));
        }
        assert_eq!(ours["meta"], recorded["meta"]);
        assert_eq!(
            ours["status"]["status_str"],
            recorded["status"]["status_str"]
        );
        assert_eq!(ours["status"]["completed"], recorded["status"]["completed"]);
        let message_types = |v: &Value| -> Vec<Value> {
            v["status"]["messages"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|m| m[0].clone())
                .collect()
        };
        assert_eq!(message_types(ours), message_types(recorded));
    }
}

fn first_text(events: &[Event], skip_sidless: bool) -> Value {
    events
        .iter()
        .filter(|e| e.kind == "WS_TEXT")
        .find(|e| !skip_sidless || e.data["data"]["sid"].is_string())
        .map(|e| normalise_text(&e.data))
        .expect("a first message")
}

#[tokio::test]
async fn the_golden_traces_replay_frame_for_frame() {
    let mut opts = options();
    opts.checkpoints = Vec::new();
    opts.preview_method = Some("auto".into());
    let standin = start(opts).await;
    let replay = Replay {
        base: standin.base_url(),
    };

    let trace1 = load(TRACE1);
    let mut ws = Ws::connect(&replay.base, "trace-client-1").await;
    assert_eq!(
        normalise(&[ws.next().await]),
        vec![first_text(&trace1, false)]
    );
    replay
        .run_segments(&trace1, &mut ws, "trace-client-1")
        .await;
    super::shapes::trace1_http(&replay.base, &trace1_http_events(&trace1)).await;

    standin.set_checkpoints(&["tiny-random-sd15.safetensors"]);
    let legacy = load(LEGACY);
    let mut ws = Ws::connect(&replay.base, "trace-legacy").await;
    assert_eq!(
        normalise(&[ws.next().await]),
        vec![first_text(&legacy, true)]
    );
    replay
        .run_segments(&legacy[..upload_at(&legacy)], &mut ws, "trace-legacy")
        .await;
    let source = crate::common::png(&crate::common::paint("source", 3, 64, 64), &[]);
    let upload = super::shapes::upload(&replay.base, "/upload/image", "src.png", source, &[]).await;
    let traced = legacy.iter().find(|e| e.kind == "UPLOAD").expect("upload");
    assert_eq!(upload, traced.data);
    replay
        .run_segments(&legacy[upload_at(&legacy)..], &mut ws, "trace-legacy")
        .await;

    let meta = load(META);
    let mut ws = Ws::connect(&replay.base, "trace-meta").await;
    ws.stream
        .send(Message::Text(
            json!({"type": "feature_flags", "data": {"supports_preview_metadata": true}})
                .to_string()
                .into(),
        ))
        .await
        .expect("send flags");
    let greeting = normalise(&[ws.next().await, ws.next().await]);
    assert_eq!(greeting, recorded(&meta[..2]));
    replay.run_segments(&meta, &mut ws, "trace-meta").await;
}

fn upload_at(events: &[Event]) -> usize {
    events
        .iter()
        .position(|e| e.kind == "UPLOAD")
        .expect("an upload")
}

/// The HTTP exchanges of trace 1 after its prompts, by kind.
fn trace1_http_events(events: &[Event]) -> Vec<(String, Value)> {
    events
        .iter()
        .filter(|e| !e.kind.starts_with("WS_") && !e.kind.starts_with("POST_PROMPT_200"))
        .map(|e| (e.kind.clone(), e.data.clone()))
        .collect()
}
