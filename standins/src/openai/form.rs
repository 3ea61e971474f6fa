//! Request bodies as the stand-ins received them: multipart forms (text
//! parts and files, repeated names kept in order) or JSON. Shared by the
//! OpenAI and Stability stand-ins, whose tests inspect what a connector
//! really sent (e.g. the mask file).

use axum::extract::{FromRequest, Multipart, Request};
use bytes::Bytes;

/// One file part of a multipart body.
#[derive(Debug, Clone, PartialEq)]
pub struct ReceivedFile {
    /// The part's field name (`image`, `image[]`, `mask` ...).
    pub field: String,
    /// The file name the client gave, if any.
    pub file_name: Option<String>,
    /// The part's content type, if any.
    pub content_type: Option<String>,
    /// The bytes.
    pub bytes: Vec<u8>,
}

/// One request body as received, for tests to inspect.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ReceivedRequest {
    /// The path it was sent to.
    pub path: String,
    /// Text parts of a multipart body, in order (repeated names kept).
    pub fields: Vec<(String, String)>,
    /// File parts of a multipart body, in order.
    pub files: Vec<ReceivedFile>,
    /// The body, when it was JSON.
    pub json: Option<serde_json::Value>,
}

impl ReceivedRequest {
    /// The last value of a text part (or a top-level JSON field, as text).
    pub fn field(&self, name: &str) -> Option<String> {
        if let Some(json) = &self.json {
            return json.get(name).map(|v| match v {
                serde_json::Value::String(s) => s.clone(),
                other => other.to_string(),
            });
        }
        self.fields
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
    }

    /// Every value of a text part, in order.
    pub fn field_values(&self, name: &str) -> Vec<&str> {
        self.fields
            .iter()
            .filter(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// The first file part named `field`.
    pub fn file(&self, field: &str) -> Option<&ReceivedFile> {
        self.files.iter().find(|f| f.field == field)
    }
}

/// Why a multipart body could not be read.
#[derive(Debug, Clone, PartialEq)]
pub struct FormError(pub String);

/// Whether a request's content type is `multipart/form-data`.
pub fn is_multipart(content_type: Option<&str>) -> bool {
    content_type.is_some_and(|ct| {
        ct.trim_start()
            .to_ascii_lowercase()
            .starts_with("multipart/form-data")
    })
}

/// Reads a multipart body. A part with a file name (or a non-text content
/// type) is a file; every other part is text.
pub async fn read_multipart(path: &str, request: Request) -> Result<ReceivedRequest, FormError> {
    let mut multipart = Multipart::from_request(request, &())
        .await
        .map_err(|err| FormError(err.body_text()))?;
    let mut received = ReceivedRequest {
        path: path.to_owned(),
        ..ReceivedRequest::default()
    };
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|err| FormError(err.body_text()))?
    {
        let name = field.name().unwrap_or_default().to_owned();
        let file_name = field.file_name().map(str::to_owned);
        let content_type = field.content_type().map(str::to_owned);
        let bytes: Bytes = field
            .bytes()
            .await
            .map_err(|err| FormError(err.body_text()))?;
        let is_file = file_name.is_some()
            || content_type
                .as_deref()
                .is_some_and(|ct| !ct.starts_with("text/"));
        if is_file {
            received.files.push(ReceivedFile {
                field: name,
                file_name,
                content_type,
                bytes: bytes.to_vec(),
            });
        } else {
            let text = String::from_utf8_lossy(&bytes).into_owned();
            received.fields.push((name, text));
        }
    }
    Ok(received)
}
