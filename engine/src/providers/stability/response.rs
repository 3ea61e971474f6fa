//! Stability's answers: an image (bytes with `finish-reason` and `seed`
//! headers, or the JSON `{image, finish_reason, seed}`), or an error body
//! `{id, name, errors}`. A filtered result and a moderation 403 are
//! refusals.

use base64::Engine as _;
use reqwest::Response;
use reqwest::header::{CONTENT_TYPE, HeaderMap};
use serde::Deserialize;
use serde_json::{Map, Value, json};

use super::LABEL;
use crate::providers::http::{self, RemoteSettings};
use crate::providers::{Generated, GeneratedImage, ProviderError};

/// What a filtered result is refused with.
const FILTERED: &str = "the result was blurred by Stability's content filter";

/// One image Stability sent.
#[derive(Debug)]
pub(super) struct Image {
    bytes: Vec<u8>,
    seed: Option<i64>,
    request_id: Option<String>,
}

impl Image {
    /// The image as a result, with `metadata` and what Stability said.
    pub(super) fn into_generated(self, mut metadata: Map<String, Value>) -> Generated {
        if let Some(id) = self.request_id {
            metadata.insert("request_id".into(), json!(id));
        }
        metadata.insert("finish_reason".into(), json!("SUCCESS"));
        Generated {
            image: GeneratedImage::Encoded(self.bytes),
            seed: self.seed,
            metadata: Value::Object(metadata),
        }
    }
}

/// The JSON form of a success.
#[derive(Debug, Deserialize)]
struct JsonImage {
    image: String,
    #[serde(default)]
    finish_reason: Option<String>,
    #[serde(default)]
    seed: Option<i64>,
}

/// Reads a success response into its image; a filtered one is refused.
pub(super) async fn read_image(
    settings: &RemoteSettings,
    response: Response,
) -> Result<Image, ProviderError> {
    let headers = response.headers().clone();
    let content_type = text(&headers, CONTENT_TYPE.as_str())
        .unwrap_or_default()
        .to_owned();
    let request_id = text(&headers, "x-request-id").map(str::to_owned);
    let body = http::read_body(LABEL, settings, response).await?;
    let (bytes, finish_reason, seed) = if content_type.starts_with("image/") {
        let seed = text(&headers, "seed").and_then(|s| s.trim().parse().ok());
        let reason = text(&headers, "finish-reason").map(str::to_owned);
        (body, reason, seed)
    } else if content_type.contains("json") {
        let parsed: JsonImage = http::parse_json(LABEL, &headers, &body)?;
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(parsed.image.trim())
            .map_err(|_| http::malformed(LABEL, "the image's base64 is corrupt"))?;
        (bytes, parsed.finish_reason, parsed.seed)
    } else {
        return Err(http::malformed(
            LABEL,
            format!(
                "expected an image, got {}",
                http::truncate(&content_type, 60)
            ),
        ));
    };
    if finish_reason.as_deref() == Some("CONTENT_FILTERED") {
        return Err(ProviderError::Refused {
            backend: LABEL.into(),
            message: FILTERED.into(),
        });
    }
    Ok(Image {
        bytes,
        seed,
        request_id,
    })
}

/// Stability's error body.
#[derive(Debug, Deserialize)]
struct ErrorBody {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    errors: Vec<String>,
    #[serde(default)]
    message: Option<String>,
}

/// An error response as a [`ProviderError`]: moderation is a refusal,
/// the rest follow the shared rules with the errors joined.
pub(super) async fn error_from(settings: &RemoteSettings, response: Response) -> ProviderError {
    let status = response.status();
    let headers = response.headers().clone();
    let body = http::read_body(LABEL, settings, response)
        .await
        .unwrap_or_default();
    let parsed = serde_json::from_slice::<ErrorBody>(&body).ok();
    let detail = parsed
        .as_ref()
        .map(|e| {
            let mut parts = e.errors.clone();
            parts.extend(e.message.clone());
            parts.join("; ")
        })
        .unwrap_or_default();
    let moderated = parsed
        .as_ref()
        .and_then(|e| e.name.as_deref())
        .is_some_and(|name| name == "content_moderation");
    if moderated || (status == reqwest::StatusCode::FORBIDDEN && parsed.is_none()) {
        return ProviderError::Refused {
            backend: LABEL.into(),
            message: if detail.is_empty() {
                "the request was flagged by Stability's content moderation".into()
            } else {
                detail
            },
        };
    }
    http::status_error(LABEL, status, &headers, &detail)
}

fn text<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}
