//! The fault matrix: statuses, broken bodies and images, size limits,
//! timeouts, refused connections, unknown names, credentials.

use super::*;

async fn fault(fault: Fault) -> Result<Vec<Generated>, ProviderError> {
    let (standin, provider) = setup(lockstep()).await;
    standin.faults().inject_on(TXT2IMG, fault, 1);
    run(&provider, request("v1-5-pruned-emaonly", "x")).await.0
}

#[tokio::test]
async fn server_faults_become_retryable_or_fatal_errors() {
    match fault(Fault::RateLimited {
        retry_after_secs: 7,
    })
    .await
    {
        Err(ProviderError::Retryable {
            message,
            retry_after,
        }) => {
            assert_eq!(retry_after, Some(Duration::from_secs(7)));
            assert!(
                message.contains("AUTOMATIC1111 is rate-limiting"),
                "{message}"
            );
        }
        other => panic!("{other:?}"),
    }
    match fault(Fault::Status { status: 500 }).await {
        Err(ProviderError::Retryable { message, .. }) => assert!(
            message.contains("OutOfMemoryError: CUDA out of memory"),
            "{message}"
        ),
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        fault(Fault::Status { status: 503 }).await,
        Err(ProviderError::Retryable { .. })
    ));
    match fault(Fault::Status { status: 422 }).await {
        Err(ProviderError::Fatal(message)) => assert_eq!(
            message,
            "AUTOMATIC1111 rejected the request (422): steps: value is not a valid integer"
        ),
        other => panic!("{other:?}"),
    }
    match fault(Fault::RuntimeError).await {
        Err(ProviderError::Fatal(message)) => assert!(
            message.starts_with("AUTOMATIC1111 failed while generating: NansException"),
            "{message}"
        ),
        other => panic!("{other:?}"),
    }
    for broken in [Fault::MalformedJson, Fault::WrongContentType] {
        match fault(broken.clone()).await {
            Err(ProviderError::Fatal(message)) => {
                assert!(message.contains("could not read"), "{broken:?}: {message}")
            }
            other => panic!("{broken:?}: {other:?}"),
        }
    }
}

#[tokio::test]
async fn broken_images_are_passed_on_for_the_pipeline_to_refuse() {
    for broken in [Fault::TruncatedImage, Fault::OversizedImage] {
        let images = fault(broken.clone())
            .await
            .expect("the response itself is fine");
        assert!(
            imaging::decode(encoded(&images[0]), &DecodeLimits::default()).is_err(),
            "{broken:?}"
        );
    }
}

#[tokio::test]
async fn responses_over_the_size_limit_are_refused() {
    let standin = A1111StandIn::start(lockstep()).await.expect("starts");
    let mut config = settings(&standin);
    config.remote.max_response_bytes = 1024 * 1024;
    let provider = A1111Provider::new(config);
    provider.probe().await;
    let mut req = request("v1-5-pruned-emaonly", &"a very long prompt ".repeat(20_000));
    req.count = 2;
    match run(&provider, req).await.0 {
        Err(ProviderError::Fatal(message)) => {
            assert!(message.contains("sent more than 1 MiB"), "{message}")
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn timeouts_and_refused_connections_are_retryable() {
    let standin = A1111StandIn::start(lockstep()).await.expect("starts");
    let mut config = settings(&standin);
    config.remote.timeout = Duration::from_millis(300);
    let provider = A1111Provider::new(config);
    provider.probe().await;
    standin.faults().inject_on(TXT2IMG, Fault::Hang, 1);
    match run(&provider, request("v1-5-pruned-emaonly", "x")).await.0 {
        Err(ProviderError::Retryable { message, .. }) => {
            assert!(message.contains("did not answer within"), "{message}")
        }
        other => panic!("{other:?}"),
    }
    standin.kill().await;
    match run(&provider, request("v1-5-pruned-emaonly", "x")).await.0 {
        Err(ProviderError::Retryable { message, .. }) => {
            assert!(message.contains("cannot be reached"), "{message}")
        }
        other => panic!("{other:?}"),
    }
    let status = provider.status();
    assert!(!status.reachable);
    assert!(
        status
            .last_error
            .expect("a reason")
            .contains("cannot be reached")
    );
    assert!(
        provider
            .models()
            .iter()
            .all(|m| !m.available && m.unavailable_reason.is_some())
    );
}

#[tokio::test]
async fn unknown_samplers_and_checkpoints_are_fatal_and_named() {
    let (_standin, provider) = setup(lockstep()).await;
    let mut req = request("v1-5-pruned-emaonly", "x");
    req.sampler = Some("Bogus Sampler".into());
    match run(&provider, req).await.0 {
        Err(ProviderError::Fatal(message)) => assert_eq!(
            message,
            "AUTOMATIC1111 has no sampler named \"Bogus Sampler\"; choose another sampler"
        ),
        other => panic!("{other:?}"),
    }
    match run(&provider, request("deleted-model", "x")).await.0 {
        Err(ProviderError::Fatal(message)) => assert!(
            message.contains("no checkpoint named \"deleted-model\""),
            "{message}"
        ),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn basic_auth_uses_the_configured_credentials_and_never_shows_them() {
    let standin = A1111StandIn::start(Options {
        api_auth: Some(("easel".into(), "hunter22".into())),
        ..lockstep()
    })
    .await
    .expect("starts");
    let mut config = settings(&standin);
    config.username = Some("easel".into());
    config.remote.api_key = Some(ApiKey::new("wrong-password"));
    let wrong = A1111Provider::new(config.clone());
    wrong.probe().await;
    let status = wrong.status();
    assert!(!status.reachable);
    assert!(status.has_credentials);
    assert!(
        status
            .last_error
            .as_deref()
            .unwrap_or_default()
            .contains("user name or password (401)")
    );
    match run(&wrong, request("v1-5-pruned-emaonly", "x")).await.0 {
        Err(ProviderError::Fatal(message)) => {
            assert!(message.contains("credentials"), "{message}");
            assert!(!message.contains("wrong-password"));
        }
        other => panic!("{other:?}"),
    }
    config.remote.api_key = Some(ApiKey::new("hunter22"));
    let right = A1111Provider::new(config);
    right.probe().await;
    assert!(right.status().reachable);
    run(&right, request("v1-5-pruned-emaonly", "x"))
        .await
        .0
        .expect("images");
    let debug = format!("{right:?} {:?}", right.status());
    assert!(!debug.contains("hunter22"));
    let auth = standin
        .log()
        .to_path(TXT2IMG)
        .pop()
        .and_then(|r| r.header("authorization").map(str::to_owned));
    assert_eq!(
        auth.as_deref(),
        Some(format!("Basic {}", STANDARD.encode("easel:hunter22")).as_str())
    );
}
