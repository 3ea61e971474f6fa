//! The HTTP fault matrix: statuses, broken bodies and images, size
//! limits, timeouts, refused connections, wrong secrets.

use super::*;

async fn fault_on(path: &str, fault: Fault) -> Result<Vec<Generated>, ProviderError> {
    let (standin, provider) = setup(options()).await;
    standin.faults().inject_on(path, fault, 1);
    run(&provider, request("x")).await.0
}

#[tokio::test]
async fn http_faults_become_retryable_or_fatal_errors() {
    match fault_on(
        IMAGINE,
        Fault::RateLimited {
            retry_after_secs: 4,
        },
    )
    .await
    {
        Err(ProviderError::Retryable {
            retry_after,
            message,
        }) => {
            assert_eq!(retry_after, Some(Duration::from_secs(4)));
            assert!(
                message.starts_with("Midjourney (proxy) is rate-limiting"),
                "{message}"
            );
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        fault_on(IMAGINE, Fault::Status { status: 502 }).await,
        Err(ProviderError::Retryable { .. })
    ));
    for broken in [Fault::MalformedJson, Fault::WrongContentType] {
        match fault_on(IMAGINE, broken.clone()).await {
            Err(ProviderError::Fatal(message)) => {
                assert!(message.contains("could not read"), "{broken:?}: {message}")
            }
            other => panic!("{broken:?}: {other:?}"),
        }
        match fault_on("/mj/task/", broken.clone()).await {
            Err(ProviderError::Fatal(message)) => {
                assert!(message.contains("could not read"), "{broken:?}: {message}")
            }
            other => panic!("{broken:?}: {other:?}"),
        }
    }
    let images = fault_on("/mj/task/", Fault::Status { status: 503 })
        .await
        .expect("one failed fetch is tolerated");
    assert_eq!(images.len(), 4);
}

#[tokio::test]
async fn broken_grids_are_refused_and_broken_upscales_passed_on() {
    for broken in [Fault::TruncatedImage, Fault::OversizedImage] {
        match fault_on("/_cdn/final/", broken.clone()).await {
            Err(ProviderError::Fatal(message)) => assert!(
                message.contains("sent a grid image Easel cannot use"),
                "{broken:?}: {message}"
            ),
            other => panic!("{broken:?}: {other:?}"),
        }
    }
    let (standin, provider) = setup(options()).await;
    let images = run(&provider, request("x")).await.0.expect("images");
    standin
        .faults()
        .inject_on("/_cdn/final/", Fault::TruncatedImage, 1);
    let upscaled = provider
        .run(&from_image(op(Operation::Upscale), &images[0]))
        .await
        .expect("bytes passed on");
    let GeneratedImage::Encoded(bytes) = &upscaled[0].image else {
        panic!("encoded")
    };
    assert!(imaging::decode(bytes, &DecodeLimits::default()).is_err());
}

#[tokio::test]
async fn responses_over_the_size_limit_are_refused() {
    let standin = MidjourneyStandIn::start(options()).await.expect("starts");
    let mut config = settings(&standin);
    config.remote.max_response_bytes = 4096;
    let provider = MidjourneyProvider::new(config);
    match run(&provider, request("x")).await.0 {
        Err(ProviderError::Fatal(message)) => assert!(
            message.contains("does not accept results that large"),
            "{message}"
        ),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn timeouts_refused_connections_and_slow_tasks() {
    let standin = MidjourneyStandIn::start(options()).await.expect("starts");
    let mut config = settings(&standin);
    config.remote.timeout = Duration::from_millis(300);
    let provider = MidjourneyProvider::new(config.clone());
    standin.faults().inject_on(IMAGINE, Fault::Hang, 1);
    match run(&provider, request("x")).await.0 {
        Err(ProviderError::Retryable { message, .. }) => {
            assert!(message.contains("did not answer within"), "{message}")
        }
        other => panic!("{other:?}"),
    }
    config.job_timeout = Duration::from_millis(50);
    let slow = MidjourneyStandIn::start(Options {
        step: Duration::from_secs(30),
        ..options()
    })
    .await
    .expect("starts");
    config.remote.base_url = slow.base_url();
    match run(&MidjourneyProvider::new(config), request("x")).await.0 {
        Err(ProviderError::Fatal(message)) => assert!(
            message.contains("did not finish the task within"),
            "{message}"
        ),
        other => panic!("{other:?}"),
    }
    standin.kill().await;
    match run(&provider, request("x")).await.0 {
        Err(ProviderError::Retryable { message, .. }) => {
            assert!(message.contains("cannot be reached"), "{message}")
        }
        other => panic!("{other:?}"),
    }
    assert!(!provider.status().reachable);
}

#[tokio::test]
async fn wrong_secrets_are_fatal_and_never_shown() {
    for auth in [AuthMode::ApiSecret, AuthMode::Token] {
        let standin = MidjourneyStandIn::start(Options { auth, ..options() })
            .await
            .expect("starts");
        let mut config = settings(&standin);
        config.remote.api_key = Some(ApiKey::new("not-the-secret"));
        let provider = MidjourneyProvider::new(config);
        match run(&provider, request("x")).await.0 {
            Err(ProviderError::Fatal(message)) => {
                assert!(
                    message.contains("rejected Easel's API secret"),
                    "{auth:?}: {message}"
                );
                assert!(!message.contains("not-the-secret"));
            }
            other => panic!("{auth:?}: {other:?}"),
        }
        provider.probe().await;
        let status = provider.status();
        assert!(!status.reachable && status.has_credentials);
        assert!(!format!("{provider:?} {status:?}").contains("not-the-secret"));
    }
}
