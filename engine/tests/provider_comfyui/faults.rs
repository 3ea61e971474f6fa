//! The fault matrix: validation and execution errors, timeouts, refused
//! connections, rate limits, server errors, unreadable answers, broken and
//! oversized images, and a websocket that is missing or drops.

use std::time::Duration;

use easel_engine::imaging::{self, DecodeLimits};
use easel_engine::providers::comfyui::ComfyUiProvider;
use easel_engine::providers::{Provider, ProviderError};
use easel_standins::Fault;

use crate::support::{bytes, context, painted, pixels, provider, request, run, settings, standin};

async fn fails_with(provider: &ComfyUiProvider, prompt: &str) -> ProviderError {
    run(provider, &context(request(prompt)).0)
        .await
        .expect_err("the run fails")
}

fn fatal(err: &ProviderError) -> &str {
    match err {
        ProviderError::Fatal(message) => message,
        other => panic!("expected a fatal error, got {other:?}"),
    }
}

fn retryable(err: &ProviderError) -> (&str, Option<Duration>) {
    match err {
        ProviderError::Retryable {
            message,
            retry_after,
        } => (message, *retry_after),
        other => panic!("expected a retryable error, got {other:?}"),
    }
}

#[tokio::test]
async fn an_unknown_checkpoint_is_named_in_words() {
    let standin = standin().await;
    let provider = provider(&standin);
    let mut request = request("a fox");
    request.model = "comfyui:missing.safetensors".into();
    let err = run(&provider, &context(request).0)
        .await
        .expect_err("refused");
    assert_eq!(
        fatal(&err),
        "ComfyUI rejected the workflow: Checkpoint 'missing.safetensors' is not installed on the ComfyUI server"
    );
    let mut request = crate::support::request("a fox");
    request.sampler = Some("magic".into());
    let err = run(&provider, &context(request).0)
        .await
        .expect_err("refused");
    assert!(fatal(&err).contains("Sampler 'magic' is not available on the ComfyUI server"));
}

#[tokio::test]
async fn execution_errors_name_the_node_and_the_exception() {
    let standin = standin().await;
    let provider = provider(&standin);
    standin
        .faults()
        .inject_on("/prompt", Fault::RuntimeError, 1);
    let err = fails_with(&provider, "a fox").await;
    assert!(
        fatal(&err).starts_with("ComfyUI failed in KSampler (node 3): Allocation on device This error means you ran out of memory on your GPU."),
        "{err}"
    );
    let mut escaping = settings(&standin.base_url());
    escaping.filename_prefix = "../escape".into();
    let err = fails_with(&ComfyUiProvider::new(escaping), "a fox").await;
    assert!(
        fatal(&err).starts_with("ComfyUI failed in SaveImage (node 9): **** ERROR: Saving image outside the output folder is not allowed."),
        "{err}"
    );
}

#[tokio::test]
async fn a_hanging_server_times_out_as_retryable() {
    let standin = standin().await;
    let mut settings = settings(&standin.base_url());
    settings.remote.timeout = Duration::from_millis(300);
    standin.faults().inject_on("/prompt", Fault::Hang, 1);
    let provider = ComfyUiProvider::new(settings);
    let err = fails_with(&provider, "a fox").await;
    assert!(
        retryable(&err)
            .0
            .starts_with("ComfyUI did not answer within"),
        "{err}"
    );
    assert!(provider.status().last_error.is_some());
}

#[tokio::test]
async fn a_job_outliving_the_job_timeout_is_retryable() {
    let standin = standin().await;
    let mut settings = settings(&standin.base_url());
    settings.job_timeout = Duration::from_millis(300);
    standin.pause_sampling(true);
    let err = fails_with(&ComfyUiProvider::new(settings), "a fox").await;
    assert_eq!(
        retryable(&err).0,
        "ComfyUI did not finish the job within 300 ms"
    );
}

#[tokio::test]
async fn a_stopped_server_is_unreachable() {
    let standin = standin().await;
    let base = standin.base_url();
    standin.kill().await;
    let provider = ComfyUiProvider::new(settings(&base));
    let err = fails_with(&provider, "a fox").await;
    assert_eq!(
        retryable(&err).0,
        format!("ComfyUI cannot be reached at {base}")
    );
    assert!(!provider.status().reachable);
}

#[tokio::test]
async fn rate_limits_and_server_errors_are_retryable() {
    let standin = standin().await;
    let provider = provider(&standin);
    standin.faults().inject_on(
        "/prompt",
        Fault::RateLimited {
            retry_after_secs: 3,
        },
        1,
    );
    let err = fails_with(&provider, "a fox").await;
    assert_eq!(
        retryable(&err),
        (
            "ComfyUI is rate-limiting requests",
            Some(Duration::from_secs(3))
        )
    );
    standin
        .faults()
        .inject_on("/prompt", Fault::Status { status: 503 }, 1);
    let err = fails_with(&provider, "a fox").await;
    assert_eq!(retryable(&err).0, "ComfyUI had a server error (503)");
    standin
        .faults()
        .inject_on("/history", Fault::Status { status: 500 }, 1);
    let err = fails_with(&provider, "a fox").await;
    assert_eq!(retryable(&err).0, "ComfyUI had a server error (500)");
}

#[tokio::test]
async fn unreadable_answers_are_fatal() {
    let standin = standin().await;
    let provider = provider(&standin);
    standin
        .faults()
        .inject_on("/prompt", Fault::MalformedJson, 1);
    let err = fails_with(&provider, "a fox").await;
    assert_eq!(
        fatal(&err),
        "ComfyUI sent a response Easel could not read (its JSON is not in the documented shape)"
    );
    standin
        .faults()
        .inject_on("/history", Fault::WrongContentType, 1);
    let err = fails_with(&provider, "a fox").await;
    assert_eq!(
        fatal(&err),
        "ComfyUI sent a response Easel could not read (expected JSON, got text/html; charset=utf-8)"
    );
    standin
        .faults()
        .inject_on("/view", Fault::WrongContentType, 1);
    let err = fails_with(&provider, "a fox").await;
    assert!(
        fatal(&err).contains("expected an image, got text/html"),
        "{err}"
    );
}

#[tokio::test]
async fn broken_images_pass_through_and_fail_to_decode() {
    let standin = standin().await;
    let provider = provider(&standin);
    standin
        .faults()
        .inject_on("/view", Fault::TruncatedImage, 1);
    let images = run(&provider, &context(request("a fox")).0)
        .await
        .expect("bytes");
    assert!(imaging::decode(bytes(&images[0]), &DecodeLimits::default()).is_err());
    standin
        .faults()
        .inject_on("/view", Fault::OversizedImage, 1);
    let images = run(&provider, &context(request("a fox")).0)
        .await
        .expect("bytes");
    assert!(matches!(
        imaging::decode(bytes(&images[0]), &DecodeLimits::default()),
        Err(imaging::ImagingError::TooLarge { width: 100_000, .. })
    ));
}

#[tokio::test]
async fn bodies_over_the_limit_are_refused() {
    let standin = standin().await;
    let mut settings = settings(&standin.base_url());
    settings.remote.max_response_bytes = 3000;
    let provider = ComfyUiProvider::new(settings);
    let mut big = request("a fox");
    big.width = 512;
    big.height = 512;
    let err = run(&provider, &context(big).0).await.expect_err("refused");
    assert!(
        fatal(&err).contains("Easel does not accept results that large"),
        "{err}"
    );
}

#[tokio::test]
async fn without_a_websocket_the_job_is_followed_by_polling() {
    let standin = standin().await;
    let provider = provider(&standin);
    standin
        .faults()
        .inject_on("/ws", Fault::Status { status: 404 }, 1);
    let (cx, progress) = context(request("a red fox"));
    let images = run(&provider, &cx).await.expect("images");
    assert_eq!(pixels(&images[0]), painted("a red fox", 7, 64, 48));
    assert!(progress.with(|r| r.steps.is_empty()));
}

#[tokio::test]
async fn a_dropped_websocket_falls_back_to_polling() {
    let standin = standin().await;
    let provider = std::sync::Arc::new(ComfyUiProvider::new(settings(&standin.base_url())));
    standin.pause_sampling(true);
    let (cx, progress) = context(request("a red fox"));
    let task = {
        let (provider, cx) = (std::sync::Arc::clone(&provider), cx.clone());
        tokio::spawn(async move { provider.run(&cx).await })
    };
    crate::support::eventually("the handle", || progress.last_handle().is_some()).await;
    crate::support::eventually("sampling to start", || standin.running_prompt().is_some()).await;
    standin.drop_websockets();
    standin.pause_sampling(false);
    let images = task.await.expect("joined").expect("images");
    assert_eq!(pixels(&images[0]), painted("a red fox", 7, 64, 48));
    let handle = progress.last_handle().unwrap_or_default();
    let history = format!(
        "/history/{}",
        handle["prompt_id"].as_str().unwrap_or_default()
    );
    assert!(crate::support::requests(&standin, "GET", &history) >= 1);
}
