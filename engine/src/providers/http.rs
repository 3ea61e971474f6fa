//! What every HTTP connector shares: its settings, its client, and one set
//! of rules for turning transport failures and error statuses into
//! [`ProviderError`]s with messages a person can act on.
//!
//! The retry rules follow the contract of OpenAI's official SDKs, which the
//! other hosted APIs are compatible with: connection errors, 408, 409, 429
//! and every 5xx are worth another try; `x-should-retry` overrides the
//! status; the wait comes from `retry-after-ms`, then `retry-after`
//! (seconds or an HTTP date).

use std::time::Duration;

use reqwest::header::HeaderMap;
use reqwest::{Response, StatusCode};
use serde::de::DeserializeOwned;

use super::ProviderError;

/// A key, token or password: never printed, never logged.
#[derive(Clone, PartialEq, Eq)]
pub struct ApiKey(String);

impl ApiKey {
    /// Wraps a secret.
    pub fn new(secret: impl Into<String>) -> Self {
        Self(secret.into())
    }

    /// The secret itself, for the one header that needs it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("[redacted]")
    }
}

/// How to reach one remote backend.
#[derive(Debug, Clone)]
pub struct RemoteSettings {
    /// The base URL, without a trailing slash (e.g. `https://api.openai.com/v1`).
    pub base_url: String,
    /// The key or token, if the backend takes one.
    pub api_key: Option<ApiKey>,
    /// Longest wait for one request (a whole blocking generation, for
    /// AUTOMATIC1111).
    pub timeout: Duration,
    /// Longest wait to open a connection.
    pub connect_timeout: Duration,
    /// Jobs this process runs on the backend at once.
    pub concurrency: usize,
    /// Largest response body accepted, in bytes (an image, or JSON
    /// carrying base64 images).
    pub max_response_bytes: usize,
}

impl RemoteSettings {
    /// Settings for `base_url` with the defaults: 120 s per request, 10 s
    /// to connect, 2 jobs at once, 64 MiB responses.
    pub fn new(base_url: impl Into<String>) -> Self {
        Self {
            base_url: base_url.into().trim_end_matches('/').to_owned(),
            api_key: None,
            timeout: Duration::from_secs(120),
            connect_timeout: Duration::from_secs(10),
            concurrency: 2,
            max_response_bytes: 64 * 1024 * 1024,
        }
    }

    /// The full URL of `path` (which starts with `/`).
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base_url)
    }

    /// The base URL with any `user:password@` removed, for display.
    pub fn endpoint(&self) -> String {
        redact_url(&self.base_url)
    }

    /// An HTTP client with these timeouts.
    pub fn client(&self) -> reqwest::Client {
        reqwest::Client::builder()
            .timeout(self.timeout)
            .connect_timeout(self.connect_timeout)
            .user_agent(concat!("Easel/", env!("CARGO_PKG_VERSION")))
            .build()
            .unwrap_or_else(|err| {
                tracing::warn!(error = %err, "could not build a configured HTTP client; using defaults");
                reqwest::Client::new()
            })
    }
}

/// `url` without credentials in its authority, for display and logs.
pub fn redact_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    match authority.rsplit_once('@') {
        Some((_, host)) => format!("{scheme}://{host}{path}"),
        None => url.to_owned(),
    }
}

/// The wait a response asks for: `retry-after-ms`, then `retry-after` in
/// seconds or as an HTTP date. Capped at an hour.
pub fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let text = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let wait = if let Some(ms) = text("retry-after-ms").and_then(|v| v.trim().parse::<f64>().ok()) {
        Some(Duration::from_secs_f64(ms.max(0.0) / 1000.0))
    } else if let Some(value) = text("retry-after") {
        let value = value.trim();
        match value.parse::<f64>() {
            Ok(secs) => Some(Duration::from_secs_f64(secs.max(0.0))),
            Err(_) => chrono::DateTime::parse_from_rfc2822(value).ok().map(|at| {
                (at.with_timezone(&chrono::Utc) - chrono::Utc::now())
                    .to_std()
                    .unwrap_or_default()
            }),
        }
    } else {
        None
    };
    wait.map(|w| w.min(Duration::from_secs(3600)))
}

/// Whether a failed response is worth another try: `x-should-retry`
/// decides when present, else 408, 409, 429 and 5xx are.
pub fn should_retry(status: StatusCode, headers: &HeaderMap) -> bool {
    match headers
        .get("x-should-retry")
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
    {
        Some("true") => true,
        Some("false") => false,
        _ => matches!(status.as_u16(), 408 | 409 | 429) || status.is_server_error(),
    }
}

/// A failed response as a [`ProviderError`]: `detail` is the backend's
/// own message (from its error body), shown to the user.
pub fn status_error(
    backend: &str,
    status: StatusCode,
    headers: &HeaderMap,
    detail: &str,
) -> ProviderError {
    let detail = detail.trim();
    let said = if detail.is_empty() {
        String::new()
    } else {
        format!(": {}", truncate(detail, 300))
    };
    if should_retry(status, headers) {
        let what = match status.as_u16() {
            429 => format!("{backend} is rate-limiting requests"),
            408 => format!("{backend} timed out the request"),
            409 => format!("{backend} reported a conflict"),
            code if code >= 500 => format!("{backend} had a server error ({code})"),
            code => format!("{backend} answered {code}"),
        };
        ProviderError::Retryable {
            message: format!("{what}{said}"),
            retry_after: retry_after(headers),
        }
    } else {
        let what = match status.as_u16() {
            401 => {
                format!("{backend} rejected Easel's credentials (401); an admin must fix the key")
            }
            403 => format!("{backend} refused access (403)"),
            404 => format!("{backend} does not know that model or endpoint (404)"),
            413 => format!("{backend} says the request is too large (413)"),
            code => format!("{backend} rejected the request ({code})"),
        };
        ProviderError::Fatal(format!("{what}{said}"))
    }
}

/// A transport failure (no response) as a retryable error.
pub fn transport_error(
    backend: &str,
    settings: &RemoteSettings,
    err: &reqwest::Error,
) -> ProviderError {
    let message = if err.is_timeout() {
        format!(
            "{backend} did not answer within {}",
            human_duration(settings.timeout)
        )
    } else if err.is_connect() {
        format!("{backend} cannot be reached at {}", settings.endpoint())
    } else if err.is_body() || err.is_decode() {
        format!("The connection to {backend} broke while it was sending its answer")
    } else {
        format!("The request to {backend} failed")
    };
    tracing::warn!(backend, error = %without_url(err), "backend request failed");
    ProviderError::retryable(message)
}

/// [`transport_error`], and a backend that refused the connection is
/// marked unreachable in `health` (so its models show as unavailable).
pub fn connection_error(
    backend: &str,
    settings: &RemoteSettings,
    health: &super::Health,
    err: &reqwest::Error,
) -> ProviderError {
    let error = transport_error(backend, settings, err);
    if err.is_connect() {
        health.unreachable(error.to_string());
    }
    error
}

/// A success response Easel cannot use (not JSON, the wrong shape, the
/// wrong content type): fatal, because sending the same request again
/// would cost the user again and most likely get the same answer.
pub fn malformed(backend: &str, what: impl std::fmt::Display) -> ProviderError {
    ProviderError::Fatal(format!(
        "{backend} sent a response Easel could not read ({what})"
    ))
}

/// Reads a response body, refusing more than `max` bytes (whatever the
/// response declares) before holding them all.
pub async fn read_body(
    backend: &str,
    settings: &RemoteSettings,
    mut response: Response,
) -> Result<Vec<u8>, ProviderError> {
    let max = settings.max_response_bytes;
    if response
        .content_length()
        .is_some_and(|len| len > max as u64)
    {
        return Err(too_large(backend, max));
    }
    let mut body = Vec::new();
    while let Some(chunk) = response
        .chunk()
        .await
        .map_err(|err| transport_error(backend, settings, &err))?
    {
        if body.len() + chunk.len() > max {
            return Err(too_large(backend, max));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

fn too_large(backend: &str, max: usize) -> ProviderError {
    ProviderError::Fatal(format!(
        "{backend} sent more than {}; Easel does not accept results that large",
        human_bytes(max)
    ))
}

/// "300 s", "1.5 s", "250 ms".
fn human_duration(duration: Duration) -> String {
    match duration.as_millis() {
        ms if ms < 1000 => format!("{ms} ms"),
        ms if ms % 1000 == 0 => format!("{} s", ms / 1000),
        ms => format!("{:.1} s", ms as f64 / 1000.0),
    }
}

/// "64 MiB", "512 KiB", "900 bytes".
fn human_bytes(bytes: usize) -> String {
    match bytes {
        b if b >= 1024 * 1024 => format!("{} MiB", b / (1024 * 1024)),
        b if b >= 1024 => format!("{} KiB", b / 1024),
        b => format!("{b} bytes"),
    }
}

/// Parses a JSON body, checking the content type first.
pub fn parse_json<T: DeserializeOwned>(
    backend: &str,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<T, ProviderError> {
    let content_type = headers
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if !content_type.is_empty() && !content_type.contains("json") {
        return Err(malformed(
            backend,
            format!("expected JSON, got {}", truncate(content_type, 60)),
        ));
    }
    serde_json::from_slice(body).map_err(|err| {
        tracing::warn!(backend, error = %err, "backend sent unreadable JSON");
        malformed(backend, "its JSON is not in the documented shape")
    })
}

/// `text` cut to `max` characters, with an ellipsis when cut.
pub fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let cut: String = text.chars().take(max).collect();
    format!("{cut}…")
}

/// A reqwest error's text without the URL (which may carry a query string).
fn without_url(err: &reqwest::Error) -> String {
    let mut err = format!("{err}");
    if let Some(start) = err.find(" for url (") {
        err.truncate(start);
    }
    err
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, HeaderValue::from_str(value).expect("header value"));
        }
        map
    }

    #[test]
    fn retry_after_prefers_milliseconds_then_seconds_then_dates() {
        let both = headers(&[("retry-after-ms", "1500"), ("retry-after", "9")]);
        assert_eq!(retry_after(&both), Some(Duration::from_millis(1500)));
        assert_eq!(
            retry_after(&headers(&[("retry-after", "7")])),
            Some(Duration::from_secs(7))
        );
        let later = (chrono::Utc::now() + chrono::Duration::seconds(120)).to_rfc2822();
        let wait = retry_after(&headers(&[("retry-after", &later)])).expect("a date parses");
        assert!(wait > Duration::from_secs(100) && wait <= Duration::from_secs(120));
        assert_eq!(retry_after(&headers(&[("retry-after", "soon")])), None);
        assert_eq!(
            retry_after(&headers(&[("retry-after", "999999")])),
            Some(Duration::from_secs(3600))
        );
    }

    #[test]
    fn the_retry_contract_follows_status_and_override() {
        let none = HeaderMap::new();
        for code in [408, 409, 429, 500, 502, 503] {
            assert!(
                should_retry(StatusCode::from_u16(code).expect("code"), &none),
                "{code}"
            );
        }
        for code in [400, 401, 403, 404, 413, 422] {
            assert!(
                !should_retry(StatusCode::from_u16(code).expect("code"), &none),
                "{code}"
            );
        }
        let no = headers(&[("x-should-retry", "false")]);
        assert!(!should_retry(StatusCode::TOO_MANY_REQUESTS, &no));
        let yes = headers(&[("x-should-retry", "true")]);
        assert!(should_retry(StatusCode::BAD_REQUEST, &yes));
    }

    #[test]
    fn status_errors_carry_the_backend_message_and_the_wait() {
        let err = status_error(
            "OpenAI",
            StatusCode::TOO_MANY_REQUESTS,
            &headers(&[("retry-after", "3")]),
            "Rate limit reached",
        );
        assert_eq!(
            err,
            ProviderError::Retryable {
                message: "OpenAI is rate-limiting requests: Rate limit reached".into(),
                retry_after: Some(Duration::from_secs(3)),
            }
        );
        let err = status_error("Stability", StatusCode::BAD_REQUEST, &HeaderMap::new(), "");
        assert_eq!(
            err,
            ProviderError::Fatal("Stability rejected the request (400)".into())
        );
    }

    #[test]
    fn limits_read_naturally_whatever_their_size() {
        assert_eq!(human_duration(Duration::from_millis(300)), "300 ms");
        assert_eq!(human_duration(Duration::from_secs(120)), "120 s");
        assert_eq!(human_duration(Duration::from_millis(1500)), "1.5 s");
        assert_eq!(human_bytes(64 * 1024 * 1024), "64 MiB");
        assert_eq!(human_bytes(4096), "4 KiB");
        assert_eq!(human_bytes(10), "10 bytes");
        let err = too_large("ComfyUI", 2048);
        assert_eq!(
            err,
            ProviderError::Fatal(
                "ComfyUI sent more than 2 KiB; Easel does not accept results that large".into()
            )
        );
    }

    #[test]
    fn credentials_are_removed_from_urls_and_keys_from_debug() {
        assert_eq!(
            redact_url("http://user:secret@a1111.lan:7860/sdapi"),
            "http://a1111.lan:7860/sdapi"
        );
        assert_eq!(
            redact_url("https://api.openai.com/v1"),
            "https://api.openai.com/v1"
        );
        let mut settings = RemoteSettings::new("https://x.example/");
        settings.api_key = Some(ApiKey::new("sk-live-123"));
        assert_eq!(settings.base_url, "https://x.example");
        assert!(!format!("{settings:?}").contains("sk-live"));
    }

    #[test]
    fn json_bodies_need_a_json_content_type_and_shape() {
        let json = headers(&[("content-type", "application/json")]);
        let html = headers(&[("content-type", "text/html")]);
        let ok: Result<serde_json::Value, _> = parse_json("X", &json, br#"{"a":1}"#);
        assert!(ok.is_ok());
        let wrong_type: Result<serde_json::Value, _> = parse_json("X", &html, b"<html>");
        assert!(matches!(wrong_type, Err(ProviderError::Fatal(m)) if m.contains("text/html")));
        let broken: Result<serde_json::Value, _> = parse_json("X", &json, b"{\"a\":");
        assert!(matches!(broken, Err(ProviderError::Fatal(_))));
    }
}
