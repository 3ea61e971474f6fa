//! Text to image (`POST /images/generations`), and what every image
//! endpoint shares: reading an `ImagesResponse` (base64 or links, which are
//! downloaded at once) or a stream, into [`Generated`] images with their
//! metadata.

use base64::Engine as _;
use reqwest::Method;
use serde_json::{Map, Value, json};

use super::models::Family;
use super::wire::{ImageData, ImagesResponse};
use super::{LABEL, OpenAiProvider, ResponseFormat, stream};
use crate::providers::http;
use crate::providers::{Generated, GeneratedImage, JobContext, ProviderError};

/// Generates from the prompt.
pub(super) async fn generate(
    provider: &OpenAiProvider,
    cx: &JobContext,
    family: Family,
) -> Result<Vec<Generated>, ProviderError> {
    let streamed = wants_stream(provider, cx, family);
    let body = generation_body(provider, cx, family, streamed);
    let builder = provider
        .request(Method::POST, "/images/generations")
        .json(&body);
    let response = provider.send(builder).await?;
    collect(provider, cx, family, response, streamed).await
}

/// Whether to stream: gpt-image, one image, previews wanted.
pub(super) fn wants_stream(provider: &OpenAiProvider, cx: &JobContext, family: Family) -> bool {
    family == Family::GptImage && provider.settings.partial_images > 0 && cx.request.count <= 1
}

/// Partial images asked for when streaming (1 to 3).
pub(super) fn partial_images(provider: &OpenAiProvider) -> u32 {
    provider.settings.partial_images.clamp(1, 3)
}

/// The `size` value for the request.
pub(super) fn size(cx: &JobContext) -> String {
    format!("{}x{}", cx.request.width, cx.request.height)
}

/// `response_format` for DALL-E.
pub(super) fn response_format(provider: &OpenAiProvider) -> &'static str {
    match provider.settings.response_format {
        ResponseFormat::B64Json => "b64_json",
        ResponseFormat::Url => "url",
    }
}

/// The family's optional fields, as `(name, value)` text pairs: shared by
/// the JSON body and the multipart edit form.
pub(super) fn family_fields(
    provider: &OpenAiProvider,
    cx: &JobContext,
    family: Family,
    streamed: bool,
) -> Vec<(&'static str, String)> {
    let request = &cx.request;
    let mut fields = Vec::new();
    let mut push = |name, value: &Option<String>| {
        if let Some(value) = value.as_ref().filter(|v| !v.is_empty()) {
            fields.push((name, value.clone()));
        }
    };
    match family {
        Family::DallE3 => {
            push("quality", &request.quality);
            push("style", &request.style);
        }
        Family::DallE2 => {}
        Family::GptImage => {
            push("quality", &request.quality);
            push("background", &request.background);
            push("output_format", &request.output_format);
        }
    }
    if family != Family::GptImage {
        fields.push(("response_format", response_format(provider).to_owned()));
    }
    if streamed {
        fields.push(("stream", "true".to_owned()));
        fields.push(("partial_images", partial_images(provider).to_string()));
    }
    fields
}

fn generation_body(
    provider: &OpenAiProvider,
    cx: &JobContext,
    family: Family,
    streamed: bool,
) -> Value {
    let mut body = json!({
        "model": cx.model,
        "prompt": cx.request.prompt,
        "n": cx.request.count.max(1),
        "size": size(cx),
    });
    if let Some(map) = body.as_object_mut() {
        for (name, value) in family_fields(provider, cx, family, streamed) {
            let value = match name {
                "stream" => json!(true),
                "partial_images" => json!(partial_images(provider)),
                _ => json!(value),
            };
            map.insert(name.to_owned(), value);
        }
    }
    body
}

/// Reads a success: a stream (when one was asked for and sent) or an
/// `ImagesResponse`.
pub(super) async fn collect(
    provider: &OpenAiProvider,
    cx: &JobContext,
    family: Family,
    response: reqwest::Response,
    streamed: bool,
) -> Result<Vec<Generated>, ProviderError> {
    let headers = response.headers().clone();
    let request_id = headers
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let is_stream = headers
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("text/event-stream"));
    if streamed && is_stream {
        let total = partial_images(provider) + 1;
        let done = stream::read(provider, cx, response, total).await?;
        let mut metadata = base_metadata(cx, family, request_id.as_deref());
        extend(&mut metadata, done.metadata);
        return Ok(vec![Generated {
            image: GeneratedImage::Encoded(done.image),
            seed: None,
            metadata: Value::Object(metadata),
        }]);
    }
    let body = http::read_body(LABEL, &provider.settings.remote, response).await?;
    let parsed: ImagesResponse = http::parse_json(LABEL, &headers, &body)?;
    images_from(provider, cx, family, parsed, request_id.as_deref()).await
}

async fn images_from(
    provider: &OpenAiProvider,
    cx: &JobContext,
    family: Family,
    parsed: ImagesResponse,
    request_id: Option<&str>,
) -> Result<Vec<Generated>, ProviderError> {
    if parsed.data.is_empty() {
        return Err(http::malformed(LABEL, "it sent no images"));
    }
    let mut shared = base_metadata(cx, family, request_id);
    let extras = [
        ("size", parsed.size.map(Value::from)),
        ("quality", parsed.quality.map(Value::from)),
        ("background", parsed.background.map(Value::from)),
        ("output_format", parsed.output_format.map(Value::from)),
        ("usage", parsed.usage),
    ];
    for (name, value) in extras {
        if let Some(value) = value {
            shared.insert(name.to_owned(), value);
        }
    }
    let mut images = Vec::with_capacity(parsed.data.len());
    for (index, item) in parsed.data.into_iter().enumerate() {
        let mut metadata = shared.clone();
        if let Some(revised) = &item.revised_prompt {
            metadata.insert("revised_prompt".into(), json!(revised));
        }
        metadata.insert("index".into(), json!(index));
        let bytes = image_bytes(provider, &item).await?;
        images.push(Generated {
            image: GeneratedImage::Encoded(bytes),
            seed: None,
            metadata: Value::Object(metadata),
        });
    }
    Ok(images)
}

/// What every result records: the model, what was asked, the request id.
fn base_metadata(cx: &JobContext, family: Family, request_id: Option<&str>) -> Map<String, Value> {
    let mut metadata = Map::new();
    metadata.insert("model".into(), json!(cx.model));
    metadata.insert("size".into(), json!(size(cx)));
    if family == Family::DallE3 {
        if let Some(quality) = &cx.request.quality {
            metadata.insert("quality".into(), json!(quality));
        }
        if let Some(style) = &cx.request.style {
            metadata.insert("style".into(), json!(style));
        }
    }
    if let Some(id) = request_id {
        metadata.insert("request_id".into(), json!(id));
    }
    metadata
}

fn extend(target: &mut Map<String, Value>, extra: Value) {
    if let Value::Object(extra) = extra {
        target.extend(extra);
    }
}

/// The bytes of one result: decoded base64, or the link downloaded.
async fn image_bytes(
    provider: &OpenAiProvider,
    item: &ImageData,
) -> Result<Vec<u8>, ProviderError> {
    if let Some(b64) = &item.b64_json {
        return decode_base64(b64);
    }
    match &item.url {
        Some(url) => download(provider, url).await,
        None => Err(http::malformed(
            LABEL,
            "an image had neither data nor a link",
        )),
    }
}

/// Decodes a base64 image.
pub(super) fn decode_base64(text: &str) -> Result<Vec<u8>, ProviderError> {
    base64::engine::general_purpose::STANDARD
        .decode(text.trim())
        .map_err(|_| http::malformed(LABEL, "an image's base64 is corrupt"))
}

/// Downloads a result link at once (it expires after 60 minutes), with
/// the same client and size limit, and without the key: the link is
/// signed and points at blob storage, not at the API.
async fn download(provider: &OpenAiProvider, url: &str) -> Result<Vec<u8>, ProviderError> {
    if !(url.starts_with("https://") || url.starts_with("http://")) {
        return Err(http::malformed(LABEL, "an image link is not a web address"));
    }
    let settings = &provider.settings.remote;
    let response = provider
        .client
        .get(url)
        .send()
        .await
        .map_err(|err| http::transport_error(LABEL, settings, &err))?;
    let status = response.status();
    if matches!(status.as_u16(), 403 | 404 | 410) {
        return Err(ProviderError::Fatal(format!(
            "{LABEL}'s link to the image had expired or was gone ({}) when Easel downloaded it",
            status.as_u16()
        )));
    }
    if !status.is_success() {
        return Err(http::status_error(LABEL, status, response.headers(), ""));
    }
    http::read_body(LABEL, settings, response).await
}
