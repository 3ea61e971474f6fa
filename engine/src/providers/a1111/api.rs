//! HTTP to AUTOMATIC1111: Basic auth, JSON in and out, and its error bodies
//! turned into [`ProviderError`]s a person can act on.

use std::sync::Arc;
use std::time::Duration;

use reqwest::header::HeaderMap;
use reqwest::{Method, StatusCode};
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::{A1111Settings, LABEL};
use crate::providers::{Health, ProviderError, http};

/// The client, its settings, and the health it reports connection failures to.
#[derive(Debug, Clone)]
pub struct Api {
    client: reqwest::Client,
    settings: Arc<A1111Settings>,
    health: Health,
}

impl Api {
    /// A client for `settings`.
    pub fn new(settings: Arc<A1111Settings>, health: Health) -> Self {
        Self {
            client: settings.remote.client(),
            settings,
            health,
        }
    }

    /// How long a quick call (progress, lists, interrupt) may take.
    pub fn quick(&self) -> Duration {
        self.settings.remote.timeout.min(Duration::from_secs(10))
    }

    fn request(&self, method: Method, path: &str, timeout: Duration) -> reqwest::RequestBuilder {
        let remote = &self.settings.remote;
        let builder = self
            .client
            .request(method, remote.url(path))
            .timeout(timeout);
        match (&self.settings.username, &remote.api_key) {
            (None, None) => builder,
            (user, password) => builder.basic_auth(
                user.as_deref().unwrap_or_default(),
                password.as_ref().map(|p| p.expose()),
            ),
        }
    }

    /// `GET path`, as JSON, within `timeout`.
    pub async fn get<T: DeserializeOwned>(
        &self,
        path: &str,
        timeout: Duration,
    ) -> Result<T, ProviderError> {
        let response = self.request(Method::GET, path, timeout).send().await;
        self.read(response, &Context::default()).await
    }

    /// `POST path` with a JSON body, as JSON, within `timeout`.
    pub async fn post<T: DeserializeOwned>(
        &self,
        path: &str,
        body: &Value,
        timeout: Duration,
        context: &Context<'_>,
    ) -> Result<T, ProviderError> {
        let response = self
            .request(Method::POST, path, timeout)
            .json(body)
            .send()
            .await;
        self.read(response, context).await
    }

    async fn read<T: DeserializeOwned>(
        &self,
        response: reqwest::Result<reqwest::Response>,
        context: &Context<'_>,
    ) -> Result<T, ProviderError> {
        let remote = &self.settings.remote;
        let response = response.map_err(|err| self.transport(&err))?;
        let status = response.status();
        let headers = response.headers().clone();
        let body = http::read_body(LABEL, remote, response).await?;
        if !status.is_success() {
            return Err(error_for(
                status,
                &headers,
                &body,
                context,
                &remote.endpoint(),
            ));
        }
        http::parse_json(LABEL, &headers, &body)
    }

    /// A transport failure; a refused connection marks the server down.
    fn transport(&self, err: &reqwest::Error) -> ProviderError {
        http::connection_error(LABEL, &self.settings.remote, &self.health, err)
    }
}

/// What the caller was doing, to name things in error messages.
#[derive(Debug, Default)]
pub struct Context<'a> {
    /// The sampler the request named.
    pub sampler: Option<&'a str>,
}

/// A failed response as a [`ProviderError`]:
/// - 401: the `--api-auth` credentials are wrong (fatal);
/// - 422: FastAPI's `detail` list, summarised (fatal);
/// - 400 "Sampler not found": names the sampler (fatal);
/// - 404 "Not Found": the API is not enabled (fatal);
/// - 500 `NansException`: the model produced NaNs; a retry would too (fatal);
/// - the rest by the shared rules, with A1111's own message.
pub fn error_for(
    status: StatusCode,
    headers: &HeaderMap,
    body: &[u8],
    context: &Context<'_>,
    endpoint: &str,
) -> ProviderError {
    let json: Option<Value> = serde_json::from_slice(body).ok();
    let detail = json.as_ref().and_then(|j| j.get("detail"));
    let class = json
        .as_ref()
        .and_then(|j| j.get("error"))
        .and_then(Value::as_str);
    let errors = json
        .as_ref()
        .and_then(|j| j.get("errors"))
        .and_then(Value::as_str);
    let detail_text = detail.and_then(Value::as_str).unwrap_or_default();
    match status.as_u16() {
        401 => ProviderError::Fatal(format!(
            "{LABEL} rejected Easel's user name or password (401); an admin must fix the {LABEL} credentials in Settings"
        )),
        422 => ProviderError::Fatal(format!(
            "{LABEL} rejected the request (422): {}",
            summarise_validation(detail)
        )),
        400 if detail_text == "Sampler not found" => ProviderError::Fatal(format!(
            "{LABEL} has no sampler named \"{}\"; choose another sampler",
            context.sampler.unwrap_or("?")
        )),
        404 if detail_text == "Not Found" => ProviderError::Fatal(format!(
            "{LABEL} at {endpoint} has no API (404); start it with --api"
        )),
        500 if class == Some("NansException") => ProviderError::Fatal(format!(
            "{LABEL} failed while generating: NansException: {}",
            http::truncate(errors.unwrap_or_default(), 200)
        )),
        _ => {
            let message = match (class, errors) {
                (Some(class), Some(errors)) if class != "HTTPException" => {
                    format!("{class}: {errors}")
                }
                _ if !detail_text.is_empty() => detail_text.to_owned(),
                _ => String::from_utf8_lossy(body).chars().take(200).collect(),
            };
            http::status_error(LABEL, status, headers, &message)
        }
    }
}

/// `[{"loc": ["body", "steps"], "msg": "value is not a valid integer"}]` →
/// `steps: value is not a valid integer`.
fn summarise_validation(detail: Option<&Value>) -> String {
    let Some(items) = detail.and_then(Value::as_array) else {
        return "the request did not match its model".into();
    };
    let parts: Vec<String> = items
        .iter()
        .take(5)
        .map(|item| {
            let field: Vec<String> = item["loc"]
                .as_array()
                .map(|loc| {
                    loc.iter()
                        .filter(|p| p.as_str() != Some("body"))
                        .map(|p| p.as_str().map_or_else(|| p.to_string(), str::to_owned))
                        .collect()
                })
                .unwrap_or_default();
            let msg = item["msg"].as_str().unwrap_or("invalid");
            if field.is_empty() {
                msg.to_owned()
            } else {
                format!("{}: {msg}", field.join("."))
            }
        })
        .collect();
    parts.join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validation_errors_read_as_words() {
        let body = br#"{"detail": [{"loc": ["body", "steps"], "msg": "value is not a valid integer", "type": "type_error.integer"}, {"loc": ["body", "styles", 0], "msg": "str type expected", "type": "type_error.str"}]}"#;
        let err = error_for(
            StatusCode::UNPROCESSABLE_ENTITY,
            &HeaderMap::new(),
            body,
            &Context::default(),
            "http://x",
        );
        assert_eq!(
            err,
            ProviderError::Fatal(
                "AUTOMATIC1111 rejected the request (422): steps: value is not a valid integer; styles.0: str type expected".into()
            )
        );
    }

    #[test]
    fn out_of_memory_is_retried_with_its_message() {
        let body = br#"{"error": "OutOfMemoryError", "detail": "", "body": "", "errors": "CUDA out of memory."}"#;
        let err = error_for(
            StatusCode::INTERNAL_SERVER_ERROR,
            &HeaderMap::new(),
            body,
            &Context::default(),
            "http://x",
        );
        assert!(
            matches!(&err, ProviderError::Retryable { message, .. } if message.contains("OutOfMemoryError: CUDA out of memory.")),
            "{err:?}"
        );
    }
}
