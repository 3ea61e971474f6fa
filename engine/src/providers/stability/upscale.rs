//! Creative upscales, Stability's asynchronous service (PROVIDERS.md
//! §2.4): the start answers `{id}`, saved as the remote handle
//! `{"result_id": id}` before anything waits on it; then `GET
//! /v2beta/results/{id}` answers 202 while running, 200 with the image, or
//! 404 once the id is unknown or expired. A run that finds a saved handle
//! polls it instead of starting (and paying for) the upscale again.

use std::time::Instant;

use reqwest::Method;
use serde::Deserialize;
use serde_json::json;

use super::forms::{self, Inputs};
use super::models::Service;
use super::{LABEL, StabilityProvider, response};
use crate::providers::http;
use crate::providers::{Generated, JobContext, ProviderError};

/// The handle's key for the result id.
const RESULT_ID: &str = "result_id";

/// The progress scale while polling (percent).
const STEPS: u32 = 100;

/// The result id an earlier run saved, if any.
pub(super) fn saved_result_id(cx: &JobContext) -> Option<String> {
    cx.remote_handle
        .as_ref()?
        .get(RESULT_ID)?
        .as_str()
        .map(str::to_owned)
}

/// Starts a creative upscale, saves its id, and waits for it.
pub(super) async fn creative(
    provider: &StabilityProvider,
    cx: &JobContext,
) -> Result<Vec<Generated>, ProviderError> {
    #[derive(Deserialize)]
    struct Started {
        id: String,
    }
    let inputs = Inputs::load(cx, Service::UpscaleCreative).await?;
    let form = forms::build(
        cx,
        Service::UpscaleCreative,
        &inputs,
        forms::seed_for(cx.seed, 0),
    )?;
    let builder = provider
        .request(
            Method::POST,
            Service::UpscaleCreative.path(),
            "application/json",
        )
        .multipart(form);
    let answer = provider.send(builder).await?;
    let headers = answer.headers().clone();
    let body = http::read_body(LABEL, &provider.settings.remote, answer).await?;
    let started: Started = http::parse_json(LABEL, &headers, &body)?;
    if started.id.is_empty() {
        return Err(http::malformed(LABEL, "it gave the upscale no id"));
    }
    cx.progress
        .save_remote_handle(json!({ RESULT_ID: started.id }))
        .await;
    poll(provider, cx, &started.id).await
}

/// Polls a result until it is ready, reporting the elapsed share of the
/// nominal duration as progress.
pub(super) async fn poll(
    provider: &StabilityProvider,
    cx: &JobContext,
    id: &str,
) -> Result<Vec<Generated>, ProviderError> {
    let settings = &provider.settings;
    let started = Instant::now();
    let path = format!("/v2beta/results/{id}");
    loop {
        let builder = provider.request(Method::GET, &path, "image/*");
        let answer = provider.transmit(builder).await?;
        if answer.status() == reqwest::StatusCode::NOT_FOUND {
            return Err(expired());
        }
        let answer = provider.check(answer).await?;
        if answer.status() != reqwest::StatusCode::ACCEPTED {
            let image = response::read_image(&settings.remote, answer).await?;
            cx.progress.step(STEPS, STEPS, None).await;
            let mut metadata = forms::metadata(cx, Service::UpscaleCreative);
            metadata.insert(RESULT_ID.into(), json!(id));
            return Ok(vec![image.into_generated(metadata)]);
        }
        let elapsed = started.elapsed();
        if elapsed >= settings.max_wait {
            return Err(ProviderError::Fatal(format!(
                "{LABEL} did not finish the upscale within {} minutes.",
                settings.max_wait.as_secs() / 60
            )));
        }
        let share = elapsed.as_secs_f64() / settings.upscale_nominal.as_secs_f64().max(0.001);
        let step = ((share * f64::from(STEPS)) as u32).clamp(1, STEPS - 1);
        cx.progress.step(step, STEPS, None).await;
        tokio::time::sleep(settings.poll_interval).await;
    }
}

fn expired() -> ProviderError {
    ProviderError::Fatal(format!(
        "{LABEL} no longer has this upscale (its result id is expired or unknown); it cannot be recovered."
    ))
}
