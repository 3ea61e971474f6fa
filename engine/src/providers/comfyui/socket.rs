//! The websocket `/ws?clientId=<id>`: connecting (with the feature-flag
//! negotiation) and reading its messages, JSON and binary, as [`Event`]s.

use std::collections::VecDeque;
use std::time::Duration;

use base64::Engine as _;
use futures::{SinkExt, StreamExt};
use serde::Deserialize;
use serde_json::{Value, json};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::HeaderValue;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::tungstenite::{self, Message};
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

use crate::providers::http::RemoteSettings;

/// Binary event: a preview (`4-byte format` + image).
const PREVIEW_IMAGE: u32 = 1;
/// Binary event: a preview with metadata (`4-byte length` + JSON + image).
const PREVIEW_IMAGE_WITH_METADATA: u32 = 4;

/// What the socket said.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Event {
    /// `executing`: `node` null means the prompt is done (and in history).
    /// A reconnect re-sends it without a `prompt_id`.
    Executing {
        prompt_id: Option<String>,
        node: Option<String>,
    },
    /// `progress` of a node (sampler steps, upscale tiles).
    Progress {
        prompt_id: Option<String>,
        node: String,
        value: u32,
        max: u32,
    },
    /// `execution_success`.
    Success { prompt_id: Option<String> },
    /// `execution_error`, with its data.
    Error {
        prompt_id: Option<String>,
        data: Value,
    },
    /// `execution_interrupted`, with its data.
    Interrupted {
        prompt_id: Option<String>,
        data: Value,
    },
    /// The server's reply to the feature flags.
    FeatureFlags,
    /// A preview image (JPEG or PNG), from either binary framing.
    Preview {
        prompt_id: Option<String>,
        image: Vec<u8>,
    },
    /// Anything else (`status`, `progress_state`, `executed`, text frames).
    Other,
}

/// An open websocket.
pub(super) struct Socket {
    stream: WebSocketStream<MaybeTlsStream<TcpStream>>,
    /// Events read while waiting for the feature-flag reply, kept for the
    /// job (a re-attached prompt may finish meanwhile).
    backlog: VecDeque<Event>,
}

impl std::fmt::Debug for Socket {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Socket")
    }
}

/// Why the socket could not be used.
#[derive(Debug, thiserror::Error)]
pub(super) enum SocketError {
    /// The base URL cannot become a websocket URL.
    #[error("the base URL is not usable for a websocket")]
    Url,
    /// Connecting failed or timed out.
    #[error("could not open the websocket: {0}")]
    Connect(String),
    /// The connection broke.
    #[error("the websocket failed: {0}")]
    Broken(String),
}

impl Socket {
    /// Opens `/ws?clientId=<client_id>` under the base URL.
    pub async fn connect(remote: &RemoteSettings, client_id: &str) -> Result<Socket, SocketError> {
        let request = handshake(remote, client_id)?;
        let config = WebSocketConfig::default()
            .max_message_size(Some(remote.max_response_bytes))
            .max_frame_size(Some(remote.max_response_bytes));
        let connect = tokio_tungstenite::connect_async_with_config(request, Some(config), true);
        match tokio::time::timeout(remote.connect_timeout, connect).await {
            Ok(Ok((stream, _))) => Ok(Socket {
                stream,
                backlog: VecDeque::new(),
            }),
            Ok(Err(err)) => Err(SocketError::Connect(without_url(&err))),
            Err(_) => Err(SocketError::Connect("timed out".into())),
        }
    }

    /// Asks for type-4 previews, then waits up to `wait` for the reply.
    /// Returns whether the server answered (older servers ignore it).
    pub async fn negotiate(&mut self, wait: Duration) -> Result<bool, SocketError> {
        let flags = json!({"type": "feature_flags", "data": {"supports_preview_metadata": true}});
        self.stream
            .send(Message::Text(flags.to_string().into()))
            .await
            .map_err(|e| SocketError::Broken(without_url(&e)))?;
        let reply = async {
            loop {
                match self.read().await {
                    Some(Ok(Event::FeatureFlags)) => return Ok(true),
                    Some(Ok(event)) => self.backlog.push_back(event),
                    Some(Err(err)) => return Err(err),
                    None => return Err(SocketError::Broken("closed".into())),
                }
            }
        };
        tokio::time::timeout(wait, reply).await.unwrap_or(Ok(false))
    }

    /// The next event; `None` once closed.
    pub async fn next(&mut self) -> Option<Result<Event, SocketError>> {
        if let Some(event) = self.backlog.pop_front() {
            return Some(Ok(event));
        }
        self.read().await
    }

    async fn read(&mut self) -> Option<Result<Event, SocketError>> {
        loop {
            let message = match self.stream.next().await? {
                Ok(message) => message,
                Err(err) => return Some(Err(SocketError::Broken(without_url(&err)))),
            };
            match message {
                Message::Text(text) => return Some(Ok(parse_text(text.as_str()))),
                Message::Binary(bytes) => return Some(Ok(parse_binary(&bytes))),
                Message::Close(_) => return None,
                _ => {}
            }
        }
    }
}

/// The handshake request: `ws(s)://host/base/ws?clientId=...`, with the
/// proxy credentials the HTTP requests carry.
fn handshake(
    remote: &RemoteSettings,
    client_id: &str,
) -> Result<tungstenite::handshake::client::Request, SocketError> {
    let mut url = reqwest::Url::parse(&remote.base_url).map_err(|_| SocketError::Url)?;
    let scheme = match url.scheme() {
        "https" | "wss" => "wss",
        _ => "ws",
    };
    url.set_scheme(scheme).map_err(|_| SocketError::Url)?;
    let basic = (!url.username().is_empty()).then(|| {
        let pair = format!("{}:{}", url.username(), url.password().unwrap_or_default());
        base64::engine::general_purpose::STANDARD.encode(pair)
    });
    url.set_username("").map_err(|_| SocketError::Url)?;
    url.set_password(None).map_err(|_| SocketError::Url)?;
    let path = format!("{}/ws", url.path().trim_end_matches('/'));
    url.set_path(&path);
    url.query_pairs_mut()
        .clear()
        .append_pair("clientId", client_id);
    let mut request = url
        .as_str()
        .into_client_request()
        .map_err(|_| SocketError::Url)?;
    let authorization = match (&remote.api_key, basic) {
        (Some(key), _) => Some(format!("Bearer {}", key.expose())),
        (None, Some(basic)) => Some(format!("Basic {basic}")),
        (None, None) => None,
    };
    if let Some(value) = authorization.and_then(|v| HeaderValue::from_str(&v).ok()) {
        request.headers_mut().insert("authorization", value);
    }
    Ok(request)
}

/// An error's text without the URL it may carry.
fn without_url(err: &tungstenite::Error) -> String {
    match err {
        tungstenite::Error::Http(response) => format!("HTTP {}", response.status()),
        tungstenite::Error::Io(io) => io.kind().to_string(),
        other => {
            let text = other.to_string();
            text.split(" for url").next().unwrap_or(&text).to_owned()
        }
    }
}

#[derive(Deserialize)]
struct Envelope {
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    data: Value,
}

fn text(data: &Value, key: &str) -> Option<String> {
    data.get(key).and_then(Value::as_str).map(str::to_owned)
}

/// A JSON message as an event.
pub(super) fn parse_text(body: &str) -> Event {
    let Ok(Envelope { kind, data }) = serde_json::from_str::<Envelope>(body) else {
        return Event::Other;
    };
    let prompt_id = text(&data, "prompt_id");
    match kind.as_str() {
        "executing" => Event::Executing {
            prompt_id,
            node: text(&data, "node"),
        },
        "progress" => {
            let number = |key| {
                data.get(key)
                    .and_then(Value::as_f64)
                    .map(|v| v.max(0.0) as u32)
            };
            match (number("value"), number("max"), text(&data, "node")) {
                (Some(value), Some(max), node) => Event::Progress {
                    prompt_id,
                    node: node.unwrap_or_default(),
                    value,
                    max,
                },
                _ => Event::Other,
            }
        }
        "execution_success" => Event::Success { prompt_id },
        "execution_error" => Event::Error { prompt_id, data },
        "execution_interrupted" => Event::Interrupted { prompt_id, data },
        "feature_flags" => Event::FeatureFlags,
        _ => Event::Other,
    }
}

/// A binary frame as an event: both preview framings become `Preview`.
pub(super) fn parse_binary(bytes: &[u8]) -> Event {
    let word = |at: usize| {
        bytes
            .get(at..at + 4)
            .map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
    };
    match word(0) {
        Some(PREVIEW_IMAGE) if bytes.len() > 8 => Event::Preview {
            prompt_id: None,
            image: bytes[8..].to_vec(),
        },
        Some(PREVIEW_IMAGE_WITH_METADATA) => {
            let Some(len) = word(4).map(|l| l as usize) else {
                return Event::Other;
            };
            let Some(meta) = bytes.get(8..8 + len) else {
                return Event::Other;
            };
            let meta: Value = serde_json::from_slice(meta).unwrap_or(Value::Null);
            match bytes.get(8 + len..).filter(|image| !image.is_empty()) {
                Some(image) => Event::Preview {
                    prompt_id: text(&meta, "prompt_id"),
                    image: image.to_vec(),
                },
                None => Event::Other,
            }
        }
        _ => Event::Other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_preview_framings_carry_the_image() {
        let mut legacy = vec![0, 0, 0, 1, 0, 0, 0, 1];
        legacy.extend_from_slice(&[0xff, 0xd8, 0xff, 0xe0]);
        assert_eq!(
            parse_binary(&legacy),
            Event::Preview {
                prompt_id: None,
                image: vec![0xff, 0xd8, 0xff, 0xe0]
            }
        );
        let meta = br#"{"node_id": "3", "prompt_id": "p", "image_type": "image/jpeg"}"#;
        let mut framed = vec![0, 0, 0, 4];
        framed.extend_from_slice(&(meta.len() as u32).to_be_bytes());
        framed.extend_from_slice(meta);
        framed.extend_from_slice(&[0xff, 0xd8]);
        assert_eq!(
            parse_binary(&framed),
            Event::Preview {
                prompt_id: Some("p".into()),
                image: vec![0xff, 0xd8]
            }
        );
        assert_eq!(parse_binary(&[0, 0, 0, 3, 0]), Event::Other);
    }

    #[test]
    fn messages_become_events() {
        assert_eq!(
            parse_text(r#"{"type": "executing", "data": {"node": null, "prompt_id": "p"}}"#),
            Event::Executing {
                prompt_id: Some("p".into()),
                node: None
            }
        );
        assert_eq!(
            parse_text(r#"{"type": "executing", "data": {"node": "3"}}"#),
            Event::Executing {
                prompt_id: None,
                node: Some("3".into())
            }
        );
        assert_eq!(
            parse_text(
                r#"{"type": "progress", "data": {"value": 2, "max": 4, "prompt_id": "p", "node": "3"}}"#
            ),
            Event::Progress {
                prompt_id: Some("p".into()),
                node: "3".into(),
                value: 2,
                max: 4
            }
        );
        assert_eq!(parse_text("not json"), Event::Other);
    }
}
