//! HTTP to the proxy: the `mj-api-secret` header, submits, task fetches,
//! cancel, and image downloads (which never carry the secret: the images
//! live on Discord's CDN).

use std::sync::Arc;

use reqwest::{Method, StatusCode};
use serde::Deserialize;
use serde_json::{Value, json};

use super::{LABEL, MidjourneySettings};
use crate::providers::{Health, ProviderError, http};

/// A `SubmitResultVO`.
#[derive(Debug, Clone, Deserialize)]
pub struct SubmitResult {
    /// 1 submitted, 21 exists, 22 queued, 23 queue full, 24 banned, 3 not
    /// found, 4 validation error, 9 system error.
    pub code: i64,
    /// The proxy's words.
    #[serde(default)]
    pub description: Option<String>,
    /// The task id (a string; some relays send a number).
    #[serde(default)]
    pub result: Option<Value>,
    /// `promptEn`, `bannedWord` … for code 24.
    #[serde(default)]
    pub properties: Option<Value>,
}

impl SubmitResult {
    /// The task id, as a string.
    pub fn task_id(&self) -> Option<String> {
        match &self.result {
            Some(Value::String(id)) if !id.is_empty() => Some(id.clone()),
            Some(Value::Number(id)) => Some(id.to_string()),
            _ => None,
        }
    }
}

/// What a submit route answered.
#[derive(Debug, Clone)]
pub enum Answer {
    /// A `SubmitResultVO` (HTTP 200, or trueai's 404 with code 3).
    Result(SubmitResult),
    /// The route does not exist (404 without a result body): novicezk's
    /// open-source build has no `/submit/action`.
    NoRoute,
}

/// A button under a result.
#[derive(Debug, Clone, PartialEq, Deserialize, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Button {
    /// `MJ::JOB::upsample::1::<hash>` …
    #[serde(default)]
    pub custom_id: String,
    /// `U1`, `V2`, "" …
    #[serde(default)]
    pub label: String,
    /// `🔄` …
    #[serde(default)]
    pub emoji: String,
}

/// A task, as fetched (only what Easel reads).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Task {
    /// `IMAGINE`, `UPSCALE`, `VARIATION`, `REROLL` …
    #[serde(default)]
    pub action: Option<String>,
    /// `NOT_START` … `SUCCESS` | `FAILURE` | `CANCEL`.
    #[serde(default)]
    pub status: Option<String>,
    /// `"45%"`, free text, `""`.
    #[serde(default)]
    pub progress: Option<String>,
    /// The intermediate or final image.
    #[serde(default)]
    pub image_url: Option<String>,
    /// Why it failed.
    #[serde(default)]
    pub fail_reason: Option<String>,
    /// The buttons (trueai).
    #[serde(default)]
    pub buttons: Option<Vec<Button>>,
    /// `finalPrompt`, `messageHash` …
    #[serde(default)]
    pub properties: Option<Value>,
    /// The seed (trueai, when known; a string or a number).
    #[serde(default)]
    pub seed: Option<Value>,
}

/// The client and its settings.
#[derive(Debug, Clone)]
pub struct Api {
    client: reqwest::Client,
    settings: Arc<MidjourneySettings>,
    health: Health,
}

impl Api {
    /// A client for `settings`.
    pub fn new(settings: Arc<MidjourneySettings>, health: Health) -> Self {
        Self {
            client: settings.remote.client(),
            settings,
            health,
        }
    }

    fn request(&self, method: Method, path: &str) -> reqwest::RequestBuilder {
        let remote = &self.settings.remote;
        let builder = self.client.request(method, remote.url(path));
        match &remote.api_key {
            Some(secret) => builder.header("mj-api-secret", secret.expose()),
            None => builder,
        }
    }

    async fn send(
        &self,
        builder: reqwest::RequestBuilder,
    ) -> Result<(StatusCode, reqwest::header::HeaderMap, Vec<u8>), ProviderError> {
        let remote = &self.settings.remote;
        let response = builder
            .send()
            .await
            .map_err(|err| http::connection_error(LABEL, remote, &self.health, &err))?;
        let status = response.status();
        let headers = response.headers().clone();
        let body = http::read_body(LABEL, remote, response).await?;
        Ok((status, headers, body))
    }

    /// `POST path` with a JSON body, read as a `SubmitResultVO`.
    pub async fn submit(&self, path: &str, body: &Value) -> Result<Answer, ProviderError> {
        let (status, headers, bytes) = self
            .send(self.request(Method::POST, path).json(body))
            .await?;
        if status.is_success() {
            return http::parse_json(LABEL, &headers, &bytes).map(Answer::Result);
        }
        if status == StatusCode::NOT_FOUND {
            return Ok(match serde_json::from_slice::<SubmitResult>(&bytes) {
                Ok(result) => Answer::Result(result),
                Err(_) => Answer::NoRoute,
            });
        }
        Err(error_for(status, &headers, &bytes))
    }

    /// `GET /mj/task/{id}/fetch`; `None` when the proxy does not know the
    /// task (an empty body: trueai 204, novicezk 200).
    pub async fn fetch(&self, task_id: &str) -> Result<Option<Task>, ProviderError> {
        let path = format!("/mj/task/{task_id}/fetch");
        let (status, headers, bytes) = self.send(self.request(Method::GET, &path)).await?;
        if !status.is_success() {
            return Err(error_for(status, &headers, &bytes));
        }
        if status == StatusCode::NO_CONTENT || bytes.iter().all(u8::is_ascii_whitespace) {
            return Ok(None);
        }
        let task: Option<Task> = http::parse_json(LABEL, &headers, &bytes)?;
        Ok(task)
    }

    /// `POST /mj/task/{id}/cancel` (trueai). A proxy without the route
    /// (novicezk) cannot cancel: logged, nothing else.
    pub async fn cancel(&self, task_id: &str) {
        let path = format!("/mj/task/{task_id}/cancel");
        match self
            .send(self.request(Method::POST, &path).json(&json!({})))
            .await
        {
            Ok((status, _, _)) if status.is_success() => {
                tracing::info!("asked the Midjourney proxy to cancel the task");
            }
            Ok((StatusCode::NOT_FOUND, _, _)) => {
                tracing::info!(
                    "this Midjourney proxy cannot cancel tasks; the task runs to its end"
                );
            }
            Ok((status, _, _)) => {
                tracing::warn!(%status, "the Midjourney proxy refused to cancel the task");
            }
            Err(err) => {
                tracing::warn!(error = %err, "could not ask the Midjourney proxy to cancel")
            }
        }
    }

    /// One cheap authenticated request: `list-by-condition` with no ids.
    pub async fn probe(&self) -> Result<(), ProviderError> {
        let request = self
            .request(Method::POST, "/mj/task/list-by-condition")
            .json(&json!({ "ids": [] }));
        let (status, headers, bytes) = self.send(request).await?;
        if !status.is_success() {
            return Err(error_for(status, &headers, &bytes));
        }
        http::parse_json::<Value>(LABEL, &headers, &bytes).map(|_| ())
    }

    /// Downloads an image (absolute, or relative to the proxy), size-limited.
    pub async fn download(&self, url: &str) -> Result<Vec<u8>, ProviderError> {
        let url = if url.starts_with('/') {
            self.settings.remote.url(url)
        } else {
            url.to_owned()
        };
        let (status, headers, bytes) = self.send(self.client.get(url)).await?;
        if !status.is_success() {
            return Err(error_for(status, &headers, &bytes));
        }
        Ok(bytes)
    }
}

/// A failed HTTP answer, by the shared rules, with the proxy's message
/// (Spring's `error`/`message`, or a text body).
fn error_for(
    status: StatusCode,
    headers: &reqwest::header::HeaderMap,
    body: &[u8],
) -> ProviderError {
    let json: Option<Value> = serde_json::from_slice(body).ok();
    let detail = json
        .as_ref()
        .and_then(|j| {
            j.get("message")
                .or_else(|| j.get("description"))
                .or_else(|| j.get("error"))
        })
        .and_then(Value::as_str)
        .map(str::to_owned)
        .unwrap_or_else(|| String::from_utf8_lossy(body).chars().take(200).collect());
    if status == StatusCode::UNAUTHORIZED || status == StatusCode::FORBIDDEN {
        return ProviderError::Fatal(format!(
            "{LABEL} rejected Easel's API secret ({}); an admin must fix the Midjourney proxy secret in Settings",
            status.as_u16()
        ));
    }
    http::status_error(LABEL, status, headers, &detail)
}
