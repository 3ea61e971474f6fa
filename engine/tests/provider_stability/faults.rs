//! The fault matrix: every failure ends in an error a person can act on.

use super::*;

#[tokio::test]
async fn moderation_and_the_content_filter_are_refusals() {
    let standin = standin().await;
    let provider = provider(&standin);
    let (result, _) = run(
        &provider,
        request("core", "something forbidden", 1024, 1024),
    )
    .await;
    match result {
        Err(ProviderError::Refused { backend, message }) => {
            assert_eq!(backend, "Stability AI");
            assert!(message.contains("content moderation"), "{message}");
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
    let (result, _) = run(&provider, request("core", "filtered scene", 1024, 1024)).await;
    assert_eq!(
        result.err(),
        Some(ProviderError::Refused {
            backend: "Stability AI".into(),
            message: "the result was blurred by Stability's content filter".into(),
        })
    );
}

#[tokio::test]
async fn rate_limits_and_server_errors_are_retryable() {
    let standin = standin().await;
    let provider = provider(&standin);
    standin.faults().inject(Fault::RateLimited {
        retry_after_secs: 2,
    });
    let (result, _) = run(&provider, request("core", "p", 1024, 1024)).await;
    match result {
        Err(ProviderError::Retryable {
            message,
            retry_after,
        }) => {
            assert!(
                message.contains("Stability AI is rate-limiting"),
                "{message}"
            );
            assert_eq!(retry_after, Some(Duration::from_secs(2)));
        }
        other => panic!("expected a retryable error, got {other:?}"),
    }
    standin.faults().inject(Fault::Status { status: 500 });
    let (result, _) = run(&provider, request("core", "p", 1024, 1024)).await;
    assert!(
        matches!(result, Err(ProviderError::Retryable { message, .. }) if message.contains("server error (500)"))
    );
}

#[tokio::test]
async fn rejected_requests_are_fatal_with_stabilitys_errors_joined() {
    let standin = standin().await;
    let provider = provider(&standin);
    for (status, needle) in [
        (400, "prompt: is invalid"),
        (413, "10MiB"),
        (422, "rejected"),
    ] {
        standin.faults().inject(Fault::Status { status });
        let (result, _) = run(&provider, request("core", "p", 1024, 1024)).await;
        expect_fatal(result, needle);
    }
    // A size outside the capabilities never reaches Stability.
    expect_fatal(
        run(&provider, request("core", "p", 1000, 1000)).await.0,
        "aspect ratio",
    );
    let (cx, _) = upscale("upscale-fast", 16, 16);
    expect_fatal(
        provider.run(&cx).await,
        "image: each side must be between 32 and 1536",
    );
}

#[tokio::test]
async fn malformed_answers_are_fatal() {
    let standin = standin().await;
    let provider = provider(&standin);
    standin.faults().inject(Fault::MalformedJson);
    expect_fatal(
        run(&provider, request("core", "p", 1024, 1024)).await.0,
        "could not read",
    );
    standin.faults().inject(Fault::WrongContentType);
    expect_fatal(
        run(&provider, request("core", "p", 1024, 1024)).await.0,
        "text/html",
    );
}

#[tokio::test]
async fn broken_and_oversized_images_are_passed_on_for_the_pipeline_to_refuse() {
    let standin = standin().await;
    let provider = provider(&standin);
    standin.faults().inject(Fault::TruncatedImage);
    let truncated = run(&provider, request("core", "p", 1024, 1024))
        .await
        .0
        .expect("bytes passed through");
    assert!(imaging::decode(bytes(&truncated[0]), &DecodeLimits::default()).is_err());
    standin.faults().inject(Fault::OversizedImage);
    let oversized = run(&provider, request("core", "p", 1024, 1024))
        .await
        .0
        .expect("bytes passed through");
    assert!(matches!(
        imaging::decode(bytes(&oversized[0]), &DecodeLimits::default()),
        Err(ImagingError::TooLarge { .. })
    ));
}

#[tokio::test]
async fn answers_over_the_size_limit_are_refused() {
    let standin = standin().await;
    let mut settings = settings(&standin);
    settings.remote.max_response_bytes = 4096;
    let (result, _) = run(
        &StabilityProvider::new(settings),
        request("core", "p", 1024, 1024),
    )
    .await;
    expect_fatal(result, "more than");
}

#[tokio::test]
async fn a_hung_backend_times_out() {
    let standin = standin().await;
    standin.faults().inject(Fault::Hang);
    let mut settings = settings(&standin);
    settings.remote.timeout = Duration::from_millis(300);
    let (result, _) = run(
        &StabilityProvider::new(settings),
        request("core", "p", 1024, 1024),
    )
    .await;
    assert!(
        matches!(result, Err(ProviderError::Retryable { message, .. }) if message.contains("did not answer"))
    );
}

#[tokio::test]
async fn a_stopped_backend_is_unreachable() {
    let standin = standin().await;
    let provider = provider(&standin);
    standin.stop().await;
    let (result, _) = run(&provider, request("core", "p", 1024, 1024)).await;
    assert!(
        matches!(result, Err(ProviderError::Retryable { message, .. }) if message.contains("cannot be reached"))
    );
    assert!(provider.models().iter().all(|m| !m.available));
}

#[tokio::test]
async fn cancelling_drops_the_request_and_the_stand_in_sees_it() {
    let standin = standin_with(Options {
        step: Duration::from_millis(300),
        ..options()
    })
    .await;
    let provider = provider(&standin);
    let (cx, _) = testing::context(request("core", "a slow field", 1024, 1024));
    let cancel = cx.cancel.clone();
    let watcher = async {
        wait_for("the request", || !standin.requests().is_empty()).await;
        cancel.cancel();
    };
    let (result, ()) = tokio::join!(provider.run(&cx), watcher);
    assert_eq!(result.err(), Some(ProviderError::Cancelled));
    wait_for("the stand-in to see the client leave", || {
        standin.abandoned() == 1
    })
    .await;
    assert_eq!(standin.completed(), 0);
}

#[tokio::test]
async fn a_backend_crash_mid_request_is_retryable() {
    let mut standin = standin_with(Options {
        step: Duration::from_millis(200),
        ..options()
    })
    .await;
    let provider = provider(&standin);
    let (cx, progress) = testing::context(request("core", "p", 1024, 1024));
    let (result, restarted) = {
        let run = provider.run(&cx);
        let crash = async {
            wait_for("the request", || !standin.requests().is_empty()).await;
            standin.restart().await
        };
        tokio::join!(run, crash)
    };
    restarted.expect("restarted");
    assert!(
        matches!(result, Err(ProviderError::Retryable { .. })),
        "{result:?}"
    );
    assert_eq!(
        progress.last_handle(),
        None,
        "synchronous requests leave nothing to re-attach to"
    );
    let (again, _) = run(&provider, request("core", "p", 1024, 1024)).await;
    assert_eq!(again.expect("the retry works").len(), 1);
}
