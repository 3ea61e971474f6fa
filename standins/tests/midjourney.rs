//! Fidelity tests for the Midjourney proxy stand-in, over raw HTTP: the
//! shapes of PROVIDERS.md §5.1 and the checklist of §8.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use easel_standins::common::Fault;
use easel_standins::midjourney::{AuthMode, Flavour, MidjourneyStandIn, Options, STANDIN_SECRET};
use serde_json::{Value, json};

#[path = "midjourney/actions.rs"]
mod actions;

fn options() -> Options {
    Options {
        step: Duration::from_millis(1),
        size_divisor: 8,
        step_on_poll: true,
        ..Options::default()
    }
}

struct Proxy {
    standin: MidjourneyStandIn,
    client: reqwest::Client,
}

impl Proxy {
    async fn start(options: Options) -> Self {
        let standin = MidjourneyStandIn::start(options)
            .await
            .expect("stand-in starts");
        Self {
            standin,
            client: reqwest::Client::new(),
        }
    }

    async fn submit(&self, path: &str, body: Value) -> (u16, Value) {
        let response = self
            .client
            .post(format!("{}{path}", self.standin.base_url()))
            .header("mj-api-secret", STANDIN_SECRET)
            .json(&body)
            .send()
            .await
            .expect("answer");
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    async fn fetch_raw(&self, id: &str) -> reqwest::Response {
        self.client
            .get(format!("{}/mj/task/{id}/fetch", self.standin.base_url()))
            .header("mj-api-secret", STANDIN_SECRET)
            .send()
            .await
            .expect("answer")
    }

    async fn fetch(&self, id: &str) -> Value {
        self.fetch_raw(id).await.json().await.expect("a task")
    }

    /// Polls until the task is over; returns every state seen.
    async fn until_done(&self, id: &str) -> Vec<Value> {
        let mut seen = Vec::new();
        loop {
            let task = self.fetch(id).await;
            let done = matches!(
                task["status"].as_str(),
                Some("SUCCESS" | "FAILURE" | "CANCEL")
            );
            seen.push(task);
            if done {
                return seen;
            }
        }
    }

    async fn download(&self, url: &str) -> image::RgbImage {
        let bytes = self
            .client
            .get(url)
            .send()
            .await
            .expect("answer")
            .bytes()
            .await
            .expect("bytes");
        image::load_from_memory(&bytes).expect("a PNG").to_rgb8()
    }
}

#[tokio::test]
async fn imagine_runs_the_task_state_machine_to_a_grid_with_buttons() {
    let proxy = Proxy::start(options()).await;
    let (status, body) = proxy
        .submit(
            "/mj/submit/imagine",
            json!({"prompt": "a red fox --ar 16:9", "state": "job-1"}),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(body["code"], 1);
    let id = body["result"].as_str().expect("a task id").to_owned();
    assert_eq!(id.len(), 16);
    let seen = proxy.until_done(&id).await;
    let states: Vec<(String, Value)> = seen
        .iter()
        .map(|t| {
            (
                t["status"].as_str().unwrap_or_default().to_owned(),
                t["progress"].clone(),
            )
        })
        .collect();
    let mut distinct = states.clone();
    distinct.dedup();
    assert_eq!(distinct.first().map(|s| s.0.as_str()), Some("NOT_START"));
    let progresses: Vec<&Value> = distinct.iter().map(|(_, p)| p).collect();
    for expected in ["0%", "Waiting to start", "15%", "93%", "100%"] {
        assert!(
            progresses.contains(&&json!(expected)),
            "{expected} in {progresses:?}"
        );
    }
    let last = seen.last().expect("a final state");
    assert_eq!(last["status"], "SUCCESS");
    assert_eq!(last["action"], "IMAGINE");
    assert_eq!(last["state"], "job-1");
    assert_eq!(
        last["properties"]["finalPrompt"],
        "a red fox --ar 16:9 --v 6.1"
    );
    let hash = last["properties"]["messageHash"].as_str().expect("hash");
    let buttons: Vec<&str> = last["buttons"]
        .as_array()
        .expect("buttons")
        .iter()
        .filter_map(|b| b["customId"].as_str())
        .collect();
    assert!(buttons.contains(&format!("MJ::JOB::upsample::3::{hash}").as_str()));
    assert!(buttons.contains(&format!("MJ::JOB::variation::1::{hash}").as_str()));
    assert!(buttons.contains(&format!("MJ::JOB::reroll::0::{hash}::SOLO").as_str()));
    let grid = proxy
        .download(last["imageUrl"].as_str().expect("url"))
        .await;
    assert_eq!(grid.dimensions(), (1456 / 8 * 2, 816 / 8 * 2));
    let blurred = seen
        .iter()
        .find(|t| t["progress"] == "46%")
        .and_then(|t| t["imageUrl"].as_str())
        .expect("an intermediate");
    let blurred = proxy.download(blurred).await;
    assert_eq!(
        blurred.dimensions(),
        (grid.width() / 2, grid.height() / 2),
        "a smaller, blurred grid"
    );
}

#[tokio::test]
async fn unknown_tasks_are_empty_bodies_in_both_flavours() {
    let trueai = Proxy::start(options()).await;
    let response = trueai.fetch_raw("1234").await;
    assert_eq!(response.status(), 204);
    assert!(response.bytes().await.expect("body").is_empty());
    let novicezk = Proxy::start(Options {
        flavour: Flavour::Novicezk,
        ..options()
    })
    .await;
    let response = novicezk.fetch_raw("1234").await;
    assert_eq!(response.status(), 200);
    assert!(response.bytes().await.expect("body").is_empty());
}

#[tokio::test]
async fn secrets_and_tokens_are_checked() {
    let proxy = Proxy::start(options()).await;
    let response = proxy
        .client
        .post(format!("{}/mj/submit/imagine", proxy.standin.base_url()))
        .header("mj-api-secret", "wrong")
        .json(&json!({"prompt": "x"}))
        .send()
        .await
        .expect("answer");
    assert_eq!(response.status(), 401);
    assert!(response.bytes().await.expect("body").is_empty());
    let trueai = Proxy::start(Options {
        auth: AuthMode::Token,
        ..options()
    })
    .await;
    let url = format!("{}/mj/submit/imagine", trueai.standin.base_url());
    let response = trueai
        .client
        .post(&url)
        .header("authorization", "nope")
        .json(&json!({"prompt": "x"}))
        .send()
        .await
        .expect("answer");
    assert_eq!(response.status(), 403);
    assert!(response.text().await.expect("text").contains("Forbidden"));
    let response = trueai
        .client
        .post(&url)
        .header("authorization", STANDIN_SECRET)
        .json(&json!({"prompt": "x"}))
        .send()
        .await
        .expect("answer");
    assert_eq!(response.status(), 200);
}

#[tokio::test]
async fn the_webhook_gets_every_change_once() {
    let received: Arc<Mutex<Vec<Value>>> = Arc::default();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let hook = format!("http://{}/hook", listener.local_addr().expect("addr"));
    let sink = Arc::clone(&received);
    let app = axum::Router::new().route(
        "/hook",
        axum::routing::post(move |axum::Json(task): axum::Json<Value>| {
            let sink = Arc::clone(&sink);
            async move {
                sink.lock().expect("lock").push(task);
            }
        }),
    );
    tokio::spawn(async move { axum::serve(listener, app).await.ok() });
    let proxy = Proxy::start(options()).await;
    let id = proxy
        .submit(
            "/mj/submit/imagine",
            json!({"prompt": "x", "notifyHook": hook}),
        )
        .await
        .1["result"]
        .as_str()
        .expect("id")
        .to_owned();
    proxy.until_done(&id).await;
    let mut delivered = Vec::new();
    for _ in 0..500 {
        delivered = received.lock().expect("lock").clone();
        if delivered.last().is_some_and(|t| t["status"] == "SUCCESS") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    assert_eq!(
        delivered.first().map(|t| t["status"].clone()),
        Some(json!("NOT_START"))
    );
    assert_eq!(
        delivered.last().map(|t| t["status"].clone()),
        Some(json!("SUCCESS"))
    );
    assert!(delivered.windows(2).all(|w| w[0] != w[1]), "de-duplicated");
    assert!(
        delivered
            .iter()
            .all(|t| t["properties"]["notifyHook"] == hook.as_str())
    );
}
