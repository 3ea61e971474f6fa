//! Probe and status: the account check, rejected keys, no secrets shown.

use super::*;

#[tokio::test]
async fn probing_checks_the_key_with_the_account_endpoint() {
    let standin = standin().await;
    let provider = provider(&standin);
    provider.probe().await;
    let status = provider.status();
    assert!(status.reachable && status.has_credentials);
    assert_eq!(status.last_error, None);
    assert_eq!(
        status.endpoint.as_deref(),
        Some(standin.base_url().as_str())
    );
    assert_eq!(status.models.len(), 8);
    assert_eq!(standin.log().to_path("/v1/user/account").len(), 1);
    assert!(!format!("{provider:?} {status:?}").contains(STANDIN_KEY));
}

#[tokio::test]
async fn a_rejected_key_is_reachable_but_unusable_and_never_shown() {
    let standin = standin().await;
    let mut settings = settings(&standin);
    settings.remote.api_key = Some(ApiKey::new("sk-stability-secret-42"));
    let provider = StabilityProvider::new(settings);
    provider.probe().await;
    let status = provider.status();
    assert!(status.reachable);
    let error = status.last_error.clone().expect("the key problem");
    assert!(error.contains("401"), "{error}");
    assert!(provider.models().iter().all(|m| !m.available));
    let message = run(&provider, request("core", "p", 1024, 1024))
        .await
        .0
        .expect_err("rejected")
        .to_string();
    let shown = format!("{error} {message} {status:?} {provider:?}");
    assert!(!shown.contains("sk-stability-secret-42"), "{shown}");
}

#[tokio::test]
async fn probing_a_stopped_backend_records_why() {
    let standin = standin().await;
    let provider = provider(&standin);
    standin.stop().await;
    provider.probe().await;
    let status = provider.status();
    assert!(!status.reachable);
    assert!(
        status
            .last_error
            .as_deref()
            .is_some_and(|e| e.contains("cannot be reached"))
    );
    assert!(
        provider
            .models()
            .iter()
            .all(|m| m.unavailable_reason.is_some())
    );
}
