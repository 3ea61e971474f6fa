//! ComfyUI's HTTP API as Easel uses it, with the shared error rules:
//! `/prompt`, `/history/{id}`, `/queue`, `/interrupt`, `/upload/image`,
//! `/view`, `/object_info/{class}`. Plain paths (not `/api/...`) so that
//! older servers work too.

use reqwest::header::{AUTHORIZATION, CONTENT_TYPE};
use reqwest::{RequestBuilder, Response, StatusCode};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::LABEL;
use super::errors;
use crate::providers::Health;
use crate::providers::ProviderError;
use crate::providers::http::{
    RemoteSettings, malformed, parse_json, read_body, status_error, transport_error, truncate,
};

/// The client.
#[derive(Debug)]
pub(super) struct Api {
    remote: RemoteSettings,
    client: reqwest::Client,
    health: Health,
}

/// `POST /prompt`'s answer.
#[derive(Debug, Deserialize)]
pub(super) struct Submitted {
    /// The prompt's id.
    pub prompt_id: String,
    /// Outputs dropped by validation (the prompt still runs).
    #[serde(default)]
    pub node_errors: Value,
}

/// Where a prompt stands in `/queue`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Queued {
    /// Executing now.
    Running,
    /// Waiting its turn.
    Pending,
    /// Not in the queue.
    Absent,
}

/// An output file, as history and `executed` name it.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub(super) struct OutputImage {
    /// File name.
    pub filename: String,
    /// Subfolder of its folder.
    #[serde(default)]
    pub subfolder: String,
    /// `output`, `temp` or `input`.
    #[serde(rename = "type", default = "output")]
    pub kind: String,
}

fn output() -> String {
    "output".to_owned()
}

impl Api {
    /// A client for `remote`, recording connection failures on `health`.
    pub fn new(remote: RemoteSettings, health: Health) -> Self {
        Self {
            client: remote.client(),
            remote,
            health,
        }
    }

    /// The settings.
    pub fn remote(&self) -> &RemoteSettings {
        &self.remote
    }

    fn request(&self, method: reqwest::Method, path: &str) -> RequestBuilder {
        let builder = self.client.request(method, self.remote.url(path));
        match &self.remote.api_key {
            Some(key) => builder.header(AUTHORIZATION, format!("Bearer {}", key.expose())),
            None => builder,
        }
    }

    async fn send(&self, builder: RequestBuilder) -> Result<Response, ProviderError> {
        builder.send().await.map_err(|err| {
            let error = transport_error(LABEL, &self.remote, &err);
            if err.is_connect() || err.is_timeout() {
                self.health.unreachable(error.to_string());
            }
            error
        })
    }

    /// A failed response as an error, with the server's words when it
    /// sent some (not an HTML page).
    async fn failure(&self, response: Response) -> ProviderError {
        let status = response.status();
        let headers = response.headers().clone();
        let html = headers
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|t| t.contains("html"));
        let body = read_body(LABEL, &self.remote, response)
            .await
            .unwrap_or_default();
        let text = String::from_utf8_lossy(&body);
        let first_line = text.lines().next().unwrap_or_default().trim();
        // aiohttp's own pages ("429: Too Many Requests", "500 Internal
        // Server Error") say nothing the status does not.
        let generic = first_line.starts_with(status.as_str());
        let detail = if html || generic {
            String::new()
        } else {
            first_line.to_owned()
        };
        status_error(LABEL, status, &headers, &detail)
    }

    async fn json<T: DeserializeOwned>(&self, response: Response) -> Result<T, ProviderError> {
        if !response.status().is_success() {
            return Err(self.failure(response).await);
        }
        let headers = response.headers().clone();
        let body = read_body(LABEL, &self.remote, response).await?;
        parse_json(LABEL, &headers, &body)
    }

    /// `GET path` as JSON.
    pub async fn get_json<T: DeserializeOwned>(&self, path: &str) -> Result<T, ProviderError> {
        let response = self.send(self.request(reqwest::Method::GET, path)).await?;
        self.json(response).await
    }

    /// `POST path` with a JSON body, ignoring the (empty) answer.
    pub async fn post_quiet(&self, path: &str, body: &Value) -> Result<(), ProviderError> {
        let response = self
            .send(self.request(reqwest::Method::POST, path).json(body))
            .await?;
        if response.status().is_success() {
            Ok(())
        } else {
            Err(self.failure(response).await)
        }
    }

    /// `POST /prompt`; a 400 is summarised in words (`errors::rejected`).
    pub async fn submit(&self, body: &Value) -> Result<Submitted, ProviderError> {
        let response = self
            .send(self.request(reqwest::Method::POST, "/prompt").json(body))
            .await?;
        if response.status() == StatusCode::BAD_REQUEST {
            let headers = response.headers().clone();
            let bytes = read_body(LABEL, &self.remote, response).await?;
            return Err(match serde_json::from_slice::<errors::Rejection>(&bytes) {
                Ok(rejection) => errors::rejected(&rejection),
                Err(_) => status_error(
                    LABEL,
                    StatusCode::BAD_REQUEST,
                    &headers,
                    &truncate(String::from_utf8_lossy(&bytes).trim(), 200),
                ),
            });
        }
        self.json(response).await
    }

    /// `GET /history/{id}`: the entry, or `None` while unknown or running.
    pub async fn history(&self, prompt_id: &str) -> Result<Option<Value>, ProviderError> {
        let path = format!("/history/{}", encode(prompt_id));
        let mut all: serde_json::Map<String, Value> = self.get_json(&path).await?;
        Ok(all.remove(prompt_id))
    }

    /// Where `prompt_id` is in `GET /queue`.
    pub async fn queued(&self, prompt_id: &str) -> Result<Queued, ProviderError> {
        let queue: Value = self.get_json("/queue").await?;
        let holds = |list: &str| {
            queue[list]
                .as_array()
                .is_some_and(|items| items.iter().any(|item| item[1] == prompt_id))
        };
        if !queue["queue_running"].is_array() || !queue["queue_pending"].is_array() {
            return Err(malformed(
                LABEL,
                "its queue listing is not in the documented shape",
            ));
        }
        Ok(if holds("queue_running") {
            Queued::Running
        } else if holds("queue_pending") {
            Queued::Pending
        } else {
            Queued::Absent
        })
    }

    /// `POST /upload/image` (type `input`); returns the name to load it by.
    pub async fn upload(&self, filename: &str, png: Vec<u8>) -> Result<String, ProviderError> {
        let part = reqwest::multipart::Part::bytes(png)
            .file_name(filename.to_owned())
            .mime_str("image/png")
            .map_err(|_| ProviderError::Fatal("Easel could not prepare the upload".into()))?;
        let form = reqwest::multipart::Form::new()
            .part("image", part)
            .text("type", "input");
        let response = self
            .send(
                self.request(reqwest::Method::POST, "/upload/image")
                    .multipart(form),
            )
            .await?;
        #[derive(Deserialize)]
        struct Uploaded {
            name: String,
            #[serde(default)]
            subfolder: String,
        }
        let uploaded: Uploaded = self.json(response).await?;
        Ok(if uploaded.subfolder.is_empty() {
            uploaded.name
        } else {
            format!("{}/{}", uploaded.subfolder, uploaded.name)
        })
    }

    /// `GET /view` for one output: its bytes, exactly as sent.
    pub async fn view(&self, image: &OutputImage) -> Result<Vec<u8>, ProviderError> {
        let query = [
            ("filename", image.filename.as_str()),
            ("subfolder", image.subfolder.as_str()),
            ("type", image.kind.as_str()),
        ];
        let response = self
            .send(self.request(reqwest::Method::GET, "/view").query(&query))
            .await?;
        if response.status() == StatusCode::NOT_FOUND {
            return Err(ProviderError::Fatal(format!(
                "{LABEL} no longer has the output image {}",
                image.filename
            )));
        }
        if !response.status().is_success() {
            return Err(self.failure(response).await);
        }
        let content_type = response
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned();
        if content_type.contains("html")
            || content_type.contains("json")
            || content_type.starts_with("text/")
        {
            return Err(malformed(
                LABEL,
                format!("expected an image, got {}", truncate(&content_type, 60)),
            ));
        }
        read_body(LABEL, &self.remote, response).await
    }
}

/// Percent-encodes a path segment.
fn encode(segment: &str) -> String {
    segment
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            other => format!("%{other:02X}"),
        })
        .collect()
}
