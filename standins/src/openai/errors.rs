//! OpenAI's error body (`{"error": {message, type, param, code}}`, all four
//! keys always present) and the faults rendered in that shape.

use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

/// One OpenAI error response.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiError {
    /// The HTTP status.
    pub status: StatusCode,
    /// `error.message`.
    pub message: String,
    /// `error.type`.
    pub kind: &'static str,
    /// `error.param` (null when absent).
    pub param: Option<String>,
    /// `error.code` (null when absent).
    pub code: Option<&'static str>,
    /// Extra keys inside `error` (e.g. `moderation_details`).
    pub extra: Option<Box<(&'static str, Value)>>,
    /// Extra response headers (`retry-after` ...).
    pub headers: Vec<(&'static str, String)>,
}

impl ApiError {
    /// A 400 `invalid_request_error` naming `param`.
    pub fn invalid(param: &str, code: Option<&'static str>, message: impl Into<String>) -> Self {
        Self {
            status: StatusCode::BAD_REQUEST,
            message: message.into(),
            kind: "invalid_request_error",
            param: Some(param.to_owned()),
            code,
            extra: None,
            headers: Vec::new(),
        }
    }

    /// A 400 for a value outside the allowed set.
    pub fn invalid_value(param: &str, value: &str, allowed: &[&str]) -> Self {
        let allowed: Vec<String> = allowed.iter().map(|a| format!("'{a}'")).collect();
        Self::invalid(
            param,
            Some("invalid_value"),
            format!(
                "Invalid value: '{value}'. Supported values are: {}.",
                allowed.join(", ")
            ),
        )
    }

    /// A 400 for a parameter this model does not take.
    pub fn unknown_parameter(param: &str, model: &str) -> Self {
        Self::invalid(
            param,
            Some("unknown_parameter"),
            format!("Unknown parameter: '{param}' is not supported with model '{model}'."),
        )
    }

    /// A 400 for a value of the wrong JSON type.
    pub fn invalid_type(param: &str, expected: &str) -> Self {
        Self::invalid(
            param,
            Some("invalid_type"),
            format!("Invalid type for '{param}': expected {expected}."),
        )
    }

    /// A 400 for a required parameter that is missing.
    pub fn missing(param: &str) -> Self {
        Self::invalid(
            param,
            Some("missing_required_parameter"),
            format!("Missing required parameter: '{param}'."),
        )
    }

    /// A 401 for a missing or wrong key (the shape OpenAI sends).
    pub fn unauthorized(given: Option<&str>) -> Self {
        let (message, code) = match given {
            None | Some("") => (
                "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).".to_owned(),
                None,
            ),
            Some(key) => (
                format!(
                    "Incorrect API key provided: {}. You can find your API key at https://platform.openai.com/account/api-keys.",
                    mask_key(key)
                ),
                Some("invalid_api_key"),
            ),
        };
        Self {
            status: StatusCode::UNAUTHORIZED,
            message,
            kind: "invalid_request_error",
            param: None,
            code,
            extra: None,
            headers: Vec::new(),
        }
    }

    /// A 404 for a model the account cannot use.
    pub fn model_not_found(model: &str) -> Self {
        Self {
            status: StatusCode::NOT_FOUND,
            message: format!("The model `{model}` does not exist or you do not have access to it."),
            kind: "invalid_request_error",
            param: None,
            code: Some("model_not_found"),
            extra: None,
            headers: Vec::new(),
        }
    }

    /// The DALL-E safety-system refusal.
    pub fn content_policy() -> Self {
        Self::invalid_request(
            "Your request was rejected as a result of our safety system. Your prompt may contain text that is not allowed by our safety system.",
            Some("content_policy_violation"),
        )
    }

    /// The gpt-image moderation block, with its details.
    pub fn moderation_blocked(stage: &str) -> Self {
        Self {
            status: StatusCode::BAD_REQUEST,
            message: "Your request was rejected by the safety system. If you believe this is an error, contact us at help.openai.com and include the request ID. safety_violations=[violence].".into(),
            kind: "image_generation_user_error",
            param: None,
            code: Some("moderation_blocked"),
            extra: Some(Box::new((
                "moderation_details",
                json!({"moderation_stage": stage, "categories": ["violence"]}),
            ))),
            headers: Vec::new(),
        }
    }

    /// A 429 with OpenAI's retry headers.
    pub fn rate_limited(retry_after_secs: u32) -> Self {
        Self {
            status: StatusCode::TOO_MANY_REQUESTS,
            message: format!(
                "Rate limit reached for images per minute. Please try again in {retry_after_secs}s."
            ),
            kind: "requests",
            param: None,
            code: Some("rate_limit_exceeded"),
            extra: None,
            headers: vec![
                ("retry-after", retry_after_secs.to_string()),
                (
                    "retry-after-ms",
                    (u64::from(retry_after_secs) * 1000).to_string(),
                ),
                ("x-should-retry", "true".into()),
            ],
        }
    }

    /// The body OpenAI sends for `status` (the `Status` fault).
    pub fn for_status(status: u16) -> Self {
        let code = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        match status {
            401 => Self::unauthorized(Some("sk-wrong")),
            404 => Self::model_not_found("unknown"),
            429 => Self::rate_limited(1),
            code if (400..500).contains(&code) => Self::invalid_request("Invalid request.", None),
            503 => Self::server(
                code,
                "The engine is currently overloaded, please try again later.",
            ),
            _ => Self::server(
                code,
                "The server had an error while processing your request. Sorry about that!",
            ),
        }
        .with_status(code)
    }

    /// A `server_error` with `status`.
    pub fn server(status: StatusCode, message: &str) -> Self {
        Self {
            status,
            message: message.to_owned(),
            kind: "server_error",
            param: None,
            code: None,
            extra: None,
            headers: Vec::new(),
        }
    }

    fn invalid_request(message: &str, code: Option<&'static str>) -> Self {
        Self {
            status: StatusCode::BAD_REQUEST,
            message: message.to_owned(),
            kind: "invalid_request_error",
            param: None,
            code,
            extra: None,
            headers: Vec::new(),
        }
    }

    fn with_status(mut self, status: StatusCode) -> Self {
        self.status = status;
        self
    }

    /// The `error` object (also the payload of a stream's `error` event).
    pub fn body(&self) -> Value {
        let mut error = json!({
            "message": self.message,
            "type": self.kind,
            "param": self.param,
            "code": self.code,
        });
        if let (Some(extra), Some(map)) = (&self.extra, error.as_object_mut()) {
            let (key, value) = extra.as_ref();
            map.insert((*key).to_owned(), value.clone());
        }
        error
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = json!({ "error": self.body() });
        let mut response = (self.status, axum::Json(body)).into_response();
        for (name, value) in &self.headers {
            if let Ok(value) = HeaderValue::from_str(value) {
                response.headers_mut().insert(*name, value);
            }
        }
        response
    }
}

/// A key as OpenAI echoes it in a 401: the first and last few characters.
fn mask_key(key: &str) -> String {
    let chars: Vec<char> = key.chars().collect();
    if chars.len() <= 8 {
        return "*".repeat(chars.len());
    }
    let head: String = chars[..3].iter().collect();
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{head}{}{tail}", "*".repeat(chars.len() - 7))
}
