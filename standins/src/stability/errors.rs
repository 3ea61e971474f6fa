//! Stability's error body, `{"id": "<32 hex>", "name": "…", "errors":
//! ["field: problem", …]}`, for every status (PROVIDERS.md §2.1).

use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::json;

/// One Stability error response.
#[derive(Debug, Clone, PartialEq)]
pub struct StabilityError {
    /// The HTTP status.
    pub status: StatusCode,
    /// `name`: `bad_request`, `content_moderation`, `payload_too_large` …
    pub name: &'static str,
    /// `errors`.
    pub errors: Vec<String>,
    /// Extra headers (`retry-after`).
    pub headers: Vec<(&'static str, String)>,
}

impl StabilityError {
    fn new(status: StatusCode, name: &'static str, errors: Vec<String>) -> Self {
        Self {
            status,
            name,
            errors,
            headers: Vec::new(),
        }
    }

    /// 400 `bad_request` with these field errors.
    pub fn bad_request(errors: Vec<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "bad_request", errors)
    }

    /// 401 for a missing or wrong key.
    pub fn unauthorized() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            vec!["authorization: missing or invalid API key".into()],
        )
    }

    /// 403: the moderation system flagged the request (not charged).
    pub fn moderation() -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            "content_moderation",
            vec!["Your request was flagged by our content moderation system, as a result your request was denied and you were not charged.".into()],
        )
    }

    /// 413: the body is over 10 MiB.
    pub fn too_large() -> Self {
        Self::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
            vec!["body: payloads cannot be larger than 10MiB in size".into()],
        )
    }

    /// 404 for an unknown or expired result id.
    pub fn result_not_found(id: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "not_found",
            vec![format!(
                "id: generation {id} was not found (results expire after 24 hours)"
            )],
        )
    }

    /// 404 for a path that is not an endpoint.
    pub fn no_route() -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "not_found",
            vec!["path: not found".into()],
        )
    }

    /// 429: more than 150 requests within 10 seconds.
    pub fn rate_limited(retry_after_secs: u32) -> Self {
        let mut error = Self::new(
            StatusCode::TOO_MANY_REQUESTS,
            "rate_limit_exceeded",
            vec!["You have exceeded the rate limit of 150 requests within a 10 second period; please wait before trying again.".into()],
        );
        // (unverified) Stability documents no retry-after; the stand-in
        // sends one so that connectors can show they honour it.
        error
            .headers
            .push(("retry-after", retry_after_secs.to_string()));
        error
    }

    /// The body for `status` (the `Status` fault).
    pub fn for_status(status: u16) -> Self {
        let code = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let (name, message) = match status {
            400 => ("bad_request", "prompt: is invalid"),
            401 => return Self::unauthorized(),
            403 => return Self::moderation(),
            404 => ("not_found", "path: not found"),
            413 => return Self::too_large(),
            422 => (
                "invalid_request",
                "Your request was well-formed but was rejected: the image could not be processed.",
            ),
            429 => return Self::rate_limited(1),
            code if (400..500).contains(&code) => ("bad_request", "request: rejected"),
            _ => (
                "internal_error",
                "An unexpected server error has occurred, please try again later.",
            ),
        };
        Self::new(code, name, vec![message.to_owned()])
    }
}

impl IntoResponse for StabilityError {
    fn into_response(self) -> Response {
        let id = uuid::Uuid::new_v4().simple().to_string();
        let body = json!({"id": id, "name": self.name, "errors": self.errors});
        let mut response = (self.status, axum::Json(body)).into_response();
        for (name, value) in &self.headers {
            if let Ok(value) = HeaderValue::from_str(value) {
                response.headers_mut().insert(*name, value);
            }
        }
        response
    }
}
