//! The fault matrix: every failure ends in an error a person can act on.

use super::*;

#[tokio::test]
async fn an_expired_link_is_a_clear_fatal_error() {
    let standin = standin_with(Options {
        url_ttl: Duration::ZERO,
        ..options()
    })
    .await;
    let mut settings = settings(&standin);
    settings.response_format = ResponseFormat::Url;
    let provider = OpenAiProvider::new(settings);
    let (result, _) = run(&provider, request("dall-e-2", "p", 256, 256)).await;
    match result {
        Err(ProviderError::Fatal(message)) => assert!(message.contains("expired"), "{message}"),
        other => panic!("expected a fatal error, got {other:?}"),
    }
}

#[tokio::test]
async fn an_error_event_in_a_stream_is_reported() {
    let standin = standin().await;
    standin.faults().inject(Fault::RuntimeError);
    let (result, progress) =
        run(&provider(&standin), request("gpt-image-1", "p", 1024, 1024)).await;
    match result {
        Err(ProviderError::Retryable { message, .. }) => {
            assert!(message.contains("OpenAI"), "{message}")
        }
        other => panic!("expected a retryable error, got {other:?}"),
    }
    assert_eq!(progress.with(|r| r.steps.len()), 1);
}

#[tokio::test]
async fn moderation_refusals_carry_openais_reason() {
    let standin = standin().await;
    let provider = provider(&standin);
    let (result, _) = run(
        &provider,
        request("dall-e-3", "a forbidden scene", 1024, 1024),
    )
    .await;
    match result {
        Err(ProviderError::Refused { backend, message }) => {
            assert_eq!(backend, "OpenAI");
            assert!(message.contains("safety system"), "{message}");
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
    standin.faults().inject(Fault::Moderation);
    let (result, _) = run(&provider, request("gpt-image-1", "a cat", 1024, 1024)).await;
    match result {
        Err(ProviderError::Refused { message, .. }) => {
            assert!(message.contains("safety_violations"), "{message}");
            assert!(message.contains("generated image was blocked"), "{message}");
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[tokio::test]
async fn rate_limits_and_server_errors_are_retryable_with_the_wait() {
    let standin = standin().await;
    let provider = provider(&standin);
    standin.faults().inject(Fault::RateLimited {
        retry_after_secs: 3,
    });
    let (result, _) = run(&provider, request("dall-e-2", "p", 256, 256)).await;
    match result {
        Err(ProviderError::Retryable {
            message,
            retry_after,
        }) => {
            assert!(message.contains("OpenAI is rate-limiting"), "{message}");
            assert_eq!(retry_after, Some(Duration::from_secs(3)));
        }
        other => panic!("expected a retryable error, got {other:?}"),
    }
    for status in [500, 503] {
        standin.faults().inject(Fault::Status { status });
        let (result, _) = run(&provider, request("dall-e-2", "p", 256, 256)).await;
        assert!(
            matches!(&result, Err(ProviderError::Retryable { message, .. }) if message.contains(&status.to_string())),
            "{status}: {result:?}"
        );
    }
    standin.faults().inject(Fault::Status { status: 400 });
    let (result, _) = run(&provider, request("dall-e-2", "p", 256, 256)).await;
    assert!(
        matches!(result, Err(ProviderError::Fatal(m)) if m.contains("OpenAI rejected the request (400)"))
    );
}

#[tokio::test]
async fn invalid_parameters_are_fatal_and_name_the_parameter() {
    let standin = standin().await;
    // Capabilities would stop this in the Studio; the connector still
    // reports OpenAI's answer sensibly.
    let (result, _) = run(&provider(&standin), request("dall-e-3", "p", 256, 256)).await;
    match result {
        Err(ProviderError::Fatal(message)) => assert!(message.contains("size"), "{message}"),
        other => panic!("expected a fatal error, got {other:?}"),
    }
}

#[tokio::test]
async fn malformed_answers_are_fatal() {
    let standin = standin().await;
    let provider = provider(&standin);
    standin.faults().inject(Fault::MalformedJson);
    let (result, _) = run(&provider, request("dall-e-2", "p", 256, 256)).await;
    assert!(matches!(result, Err(ProviderError::Fatal(m)) if m.contains("could not read")));
    standin.faults().inject(Fault::WrongContentType);
    let (result, _) = run(&provider, request("dall-e-2", "p", 256, 256)).await;
    assert!(matches!(result, Err(ProviderError::Fatal(m)) if m.contains("text/html")));
}

#[tokio::test]
async fn broken_and_oversized_images_are_passed_on_for_the_pipeline_to_refuse() {
    let standin = standin().await;
    let provider = provider(&standin);
    standin.faults().inject(Fault::TruncatedImage);
    let (result, _) = run(&provider, request("dall-e-2", "p", 256, 256)).await;
    let truncated = result.expect("bytes passed through");
    assert!(imaging::decode(bytes(&truncated[0]), &DecodeLimits::default()).is_err());
    standin.faults().inject(Fault::OversizedImage);
    let (result, _) = run(&provider, request("dall-e-2", "p", 256, 256)).await;
    let oversized = result.expect("bytes passed through");
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
        &OpenAiProvider::new(settings),
        request("dall-e-2", "p", 256, 256),
    )
    .await;
    assert!(matches!(result, Err(ProviderError::Fatal(m)) if m.contains("more than")));
}

#[tokio::test]
async fn a_hung_backend_times_out() {
    let standin = standin().await;
    standin.faults().inject(Fault::Hang);
    let mut settings = settings(&standin);
    settings.remote.timeout = Duration::from_millis(300);
    let (result, _) = run(
        &OpenAiProvider::new(settings),
        request("dall-e-2", "p", 256, 256),
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
    let (result, _) = run(&provider, request("dall-e-2", "p", 256, 256)).await;
    assert!(
        matches!(result, Err(ProviderError::Retryable { message, .. }) if message.contains("cannot be reached"))
    );
    let models = provider.models();
    assert!(models.iter().all(|m| !m.available));
    assert!(!provider.status().reachable);
}

#[tokio::test]
async fn cancelling_drops_the_request_and_the_stand_in_sees_it() {
    let standin = standin_with(Options {
        step: Duration::from_millis(300),
        ..options()
    })
    .await;
    let provider = provider(&standin);
    let (cx, progress) = testing::context(request("gpt-image-1", "a slow painting", 1024, 1024));
    let cancel = cx.cancel.clone();
    let run = provider.run(&cx);
    let watcher = async {
        wait_for("a first preview", || progress.with(|r| !r.steps.is_empty())).await;
        cancel.cancel();
    };
    let (result, ()) = tokio::join!(run, watcher);
    assert_eq!(result.err(), Some(ProviderError::Cancelled));
    wait_for("the stand-in to see the client leave", || {
        standin.abandoned() == 1
    })
    .await;
    assert_eq!(standin.completed(), 0);
}

#[tokio::test]
async fn a_backend_crash_mid_request_is_retryable_and_saves_no_handle() {
    let standin = standin_with(Options {
        step: Duration::from_millis(200),
        ..options()
    })
    .await;
    let provider = provider(&standin);
    let (cx, progress) = testing::context(request("dall-e-2", "p", 256, 256));
    let run = provider.run(&cx);
    let crash = async {
        wait_for("the request", || !standin.requests().is_empty()).await;
        standin.kill().await;
    };
    let (result, ()) = tokio::join!(run, crash);
    assert!(
        matches!(result, Err(ProviderError::Retryable { .. })),
        "{result:?}"
    );
    assert_eq!(
        progress.last_handle(),
        None,
        "OpenAI has no remote job to re-attach to"
    );
}
