//! gpt-image streams (PROVIDERS.md §1.4): server-sent events with `event:`
//! lines and JSON `data:`. Partial images become JPEG previews (at most
//! 512 px) reported as steps; the completed event carries the image. A
//! `data: [DONE]` line ends the stream, and a payload with an `error` key
//! is the backend's error.

use serde_json::{Value, json};

use super::generate::decode_base64;
use super::{LABEL, OpenAiProvider, wire};
use crate::imaging::{self, DecodeLimits};
use crate::providers::http;
use crate::providers::{JobContext, ProviderError};

/// The completed image and what its event said.
#[derive(Debug)]
pub(super) struct Completed {
    /// The encoded image.
    pub image: Vec<u8>,
    /// `size`, `quality`, `background`, `output_format`, `usage`.
    pub metadata: Value,
}

/// One server-sent event.
#[derive(Debug, Clone, PartialEq, Eq)]
struct SseEvent {
    /// The `event:` line, if any.
    name: Option<String>,
    /// The `data:` lines, joined by newlines.
    data: String,
}

/// Splits a byte stream into events, holding at most `max` bytes of an
/// unfinished one.
#[derive(Debug)]
struct SseParser {
    buffer: Vec<u8>,
    name: Option<String>,
    data: Vec<String>,
    max: usize,
}

impl SseParser {
    fn new(max: usize) -> Self {
        Self {
            buffer: Vec::new(),
            name: None,
            data: Vec::new(),
            max,
        }
    }

    /// Feeds bytes; returns the events they completed.
    fn push(&mut self, chunk: &[u8]) -> Result<Vec<SseEvent>, ProviderError> {
        self.buffer.extend_from_slice(chunk);
        let mut events = Vec::new();
        while let Some(end) = self.buffer.iter().position(|b| *b == b'\n') {
            let line: Vec<u8> = self.buffer.drain(..=end).collect();
            let line = String::from_utf8_lossy(&line);
            let line = line.trim_end_matches(['\n', '\r']);
            if let Some(event) = self.line(line) {
                events.push(event);
            }
        }
        let pending = self.buffer.len() + self.data.iter().map(String::len).sum::<usize>();
        if pending > self.max {
            return Err(ProviderError::Fatal(format!(
                "{LABEL} sent a streamed event over {} MiB; Easel does not accept results that large",
                self.max / (1024 * 1024)
            )));
        }
        Ok(events)
    }

    fn line(&mut self, line: &str) -> Option<SseEvent> {
        if line.is_empty() {
            if self.data.is_empty() {
                self.name = None;
                return None;
            }
            let data = std::mem::take(&mut self.data).join("\n");
            return Some(SseEvent {
                name: self.name.take(),
                data,
            });
        }
        if line.starts_with(':') {
            return None;
        }
        let (field, value) = line.split_once(':').unwrap_or((line, ""));
        let value = value.strip_prefix(' ').unwrap_or(value);
        match field {
            "event" => self.name = Some(value.to_owned()),
            "data" => self.data.push(value.to_owned()),
            _ => {}
        }
        None
    }
}

/// Reads a stream to its completed image, reporting partial images as
/// steps `1..total` and the completed image as step `total`.
pub(super) async fn read(
    provider: &OpenAiProvider,
    cx: &JobContext,
    mut response: reqwest::Response,
    total: u32,
) -> Result<Completed, ProviderError> {
    let settings = &provider.settings.remote;
    let mut parser = SseParser::new(settings.max_response_bytes);
    while let Some(chunk) = response
        .chunk()
        .await
        .map_err(|err| http::transport_error(LABEL, settings, &err))?
    {
        for event in parser.push(&chunk)? {
            if let Some(done) = handle(provider, cx, event, total).await? {
                cx.progress.step(total, total, None).await;
                return Ok(done);
            }
        }
    }
    Err(ProviderError::retryable(format!(
        "{LABEL} ended its stream before sending the image"
    )))
}

/// Handles one event: a preview, the image, an error, or nothing.
async fn handle(
    provider: &OpenAiProvider,
    cx: &JobContext,
    event: SseEvent,
    total: u32,
) -> Result<Option<Completed>, ProviderError> {
    if event.data.trim() == "[DONE]" {
        return Err(http::malformed(LABEL, "its stream ended without an image"));
    }
    let payload: Value = serde_json::from_str(&event.data)
        .map_err(|_| http::malformed(LABEL, "a streamed event is not JSON"))?;
    let kind = payload
        .get("type")
        .and_then(Value::as_str)
        .or(event.name.as_deref())
        .unwrap_or_default()
        .to_owned();
    if kind == "error" || payload.get("error").is_some() {
        return Err(wire::error_from_event(
            &payload,
            provider.settings.remote.api_key.as_ref(),
        ));
    }
    let b64 = payload.get("b64_json").and_then(Value::as_str);
    if kind.ends_with(".partial_image") {
        let index = payload
            .get("partial_image_index")
            .and_then(Value::as_u64)
            .unwrap_or(0) as u32;
        let preview = match b64 {
            Some(b64) => preview_jpeg(decode_base64(b64)?).await,
            None => None,
        };
        cx.progress
            .step(
                (index + 1).min(total.saturating_sub(1)).max(1),
                total,
                preview,
            )
            .await;
        return Ok(None);
    }
    if kind.ends_with(".completed") {
        let image = decode_base64(
            b64.ok_or_else(|| http::malformed(LABEL, "its completed event had no image"))?,
        )?;
        return Ok(Some(Completed {
            image,
            metadata: event_metadata(&payload),
        }));
    }
    Ok(None)
}

fn event_metadata(payload: &Value) -> Value {
    let mut metadata = json!({});
    for key in ["size", "quality", "background", "output_format", "usage"] {
        if let Some(value) = payload.get(key) {
            metadata[key] = value.clone();
        }
    }
    metadata
}

/// A partial image as a small JPEG (none if it cannot be read).
async fn preview_jpeg(bytes: Vec<u8>) -> Option<Vec<u8>> {
    let work = move || {
        let image = imaging::decode(&bytes, &DecodeLimits::default()).ok()?;
        let small = imaging::thumbnail(&image.to_rgb8(), 512);
        imaging::encode_jpeg(&small, 75).ok()
    };
    tokio::task::spawn_blocking(work).await.ok().flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_are_split_on_blank_lines_across_chunks() {
        let mut parser = SseParser::new(1 << 20);
        let first = parser
            .push(b"event: image_generation.partial_image\r\ndata: {\"a\":")
            .unwrap_or_default();
        assert!(first.is_empty());
        let events = parser
            .push(b"1}\r\n\r\n: comment\n\ndata: [DONE]\n\n")
            .unwrap_or_default();
        assert_eq!(
            events,
            vec![
                SseEvent {
                    name: Some("image_generation.partial_image".into()),
                    data: "{\"a\":1}".into()
                },
                SseEvent {
                    name: None,
                    data: "[DONE]".into()
                },
            ]
        );
    }

    #[test]
    fn multi_line_data_is_joined_and_oversized_events_refused() {
        let mut parser = SseParser::new(16);
        let events = parser.push(b"data: a\ndata: b\n\n").unwrap_or_default();
        assert_eq!(events[0].data, "a\nb");
        assert!(parser.push(&[b'x'; 32]).is_err());
    }
}
