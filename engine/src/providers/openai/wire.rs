//! OpenAI's JSON: the `ImagesResponse`, the model list, and the error body
//! (`{"error": {message, type, param, code}}`), with refusals told apart.

use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use serde::Deserialize;
use serde_json::Value;

use super::LABEL;
use crate::providers::ProviderError;
use crate::providers::http::{self, ApiKey, RemoteSettings};

/// `ImagesResponse` (only `created` is required by the spec; `data` is
/// read as empty when absent).
#[derive(Debug, Deserialize)]
pub(super) struct ImagesResponse {
    /// The images.
    #[serde(default)]
    pub data: Vec<ImageData>,
    /// gpt-image: `transparent` or `opaque`.
    #[serde(default)]
    pub background: Option<String>,
    /// gpt-image: `png`, `jpeg` or `webp`.
    #[serde(default)]
    pub output_format: Option<String>,
    /// gpt-image: the size made.
    #[serde(default)]
    pub size: Option<String>,
    /// gpt-image: the quality used.
    #[serde(default)]
    pub quality: Option<String>,
    /// gpt-image: token usage, kept as sent.
    #[serde(default)]
    pub usage: Option<Value>,
}

/// One `data[]` item: base64 or a link, and dall-e-3's revised prompt.
#[derive(Debug, Deserialize)]
pub(super) struct ImageData {
    /// The image as base64.
    #[serde(default)]
    pub b64_json: Option<String>,
    /// Or a link to it (valid 60 minutes).
    #[serde(default)]
    pub url: Option<String>,
    /// dall-e-3: the prompt it actually drew.
    #[serde(default)]
    pub revised_prompt: Option<String>,
}

#[derive(Debug, Deserialize)]
struct ErrorEnvelope {
    error: ErrorBody,
}

/// The `error` object (also the payload of a stream's `error` event).
#[derive(Debug, Deserialize)]
pub(super) struct ErrorBody {
    #[serde(default)]
    message: Option<String>,
    #[serde(default, rename = "type")]
    kind: Option<String>,
    #[serde(default)]
    param: Option<String>,
    #[serde(default)]
    code: Option<String>,
    #[serde(default)]
    moderation_details: Option<Value>,
}

impl ErrorBody {
    /// Whether the safety system refused.
    fn is_refusal(&self) -> bool {
        matches!(
            self.code.as_deref(),
            Some("content_policy_violation" | "moderation_blocked")
        ) || self.moderation_details.is_some()
    }

    /// The message, naming the parameter when OpenAI names one.
    fn describe(&self) -> String {
        let message = self.message.clone().unwrap_or_default();
        match &self.param {
            Some(param) if !param.is_empty() && !message.contains(param.as_str()) => {
                format!("{message} (parameter: {param})")
            }
            _ => message,
        }
    }

    /// A refusal in OpenAI's words, with what was checked when it says.
    fn refusal(&self) -> ProviderError {
        let mut message = self
            .message
            .clone()
            .unwrap_or_else(|| "The request was rejected by OpenAI's safety system.".into());
        let stage = self
            .moderation_details
            .as_ref()
            .and_then(|d| d.get("moderation_stage"))
            .and_then(Value::as_str);
        if stage == Some("output") {
            message.push_str(" (the generated image was blocked)");
        }
        ProviderError::Refused {
            backend: LABEL.into(),
            message,
        }
    }
}

/// An error response as a [`ProviderError`].
pub(super) fn error_from_response(
    status: StatusCode,
    headers: &HeaderMap,
    body: &[u8],
    key: Option<&ApiKey>,
) -> ProviderError {
    let parsed = serde_json::from_slice::<ErrorEnvelope>(body).ok();
    if let Some(error) = parsed.as_ref().filter(|e| e.error.is_refusal()) {
        return error.error.refusal();
    }
    let detail = parsed.map(|e| e.error.describe()).unwrap_or_default();
    http::status_error(LABEL, status, headers, &scrub(&detail, key))
}

/// A stream's `error` payload as a [`ProviderError`].
pub(super) fn error_from_event(payload: &Value, key: Option<&ApiKey>) -> ProviderError {
    let error = payload
        .get("error")
        .filter(|e| e.is_object())
        .unwrap_or(payload);
    let Ok(body) = serde_json::from_value::<ErrorBody>(error.clone()) else {
        return http::malformed(LABEL, "its stream reported an error Easel could not read");
    };
    if body.is_refusal() {
        return body.refusal();
    }
    let message = scrub(&body.describe(), key);
    let retry = matches!(body.kind.as_deref(), Some("server_error"))
        || matches!(
            body.code.as_deref(),
            Some("rate_limit_exceeded" | "server_error")
        );
    if retry {
        ProviderError::retryable(format!("{LABEL} failed while generating: {message}"))
    } else {
        ProviderError::Fatal(format!("{LABEL} stopped the generation: {message}"))
    }
}

/// The ids of `GET /models`.
pub(super) async fn read_model_ids(
    settings: &RemoteSettings,
    response: reqwest::Response,
) -> Result<Vec<String>, ProviderError> {
    #[derive(Deserialize)]
    struct ModelList {
        data: Vec<ModelEntry>,
    }
    #[derive(Deserialize)]
    struct ModelEntry {
        id: String,
    }
    let headers = response.headers().clone();
    let body = http::read_body(LABEL, settings, response).await?;
    let list: ModelList = http::parse_json(LABEL, &headers, &body)?;
    Ok(list.data.into_iter().map(|m| m.id).collect())
}

/// `text` with the configured key removed, should a message echo it.
pub(super) fn scrub(text: &str, key: Option<&ApiKey>) -> String {
    match key.map(ApiKey::expose).filter(|k| !k.is_empty()) {
        Some(secret) => text.replace(secret, "[redacted]"),
        None => text.to_owned(),
    }
}
