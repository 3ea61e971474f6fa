//! Probe and status: reachability, model access, rejected keys, no secrets shown.

use super::*;

#[tokio::test]
async fn probing_lists_the_models_the_key_can_use() {
    let standin = standin_with(Options {
        models: vec!["dall-e-2".into(), "gpt-image-1".into(), "gpt-4o".into()],
        ..options()
    })
    .await;
    let provider = provider(&standin);
    provider.probe().await;
    let status = provider.status();
    assert!(status.reachable);
    assert!(status.has_credentials);
    assert_eq!(
        status.endpoint.as_deref(),
        Some(standin.base_url().as_str())
    );
    assert_eq!(
        status.models,
        ["DALL·E 3", "DALL·E 2", "GPT Image 1", "GPT Image 1 mini"]
    );
    let models = provider.models();
    let available: Vec<&str> = models
        .iter()
        .filter(|m| m.available)
        .map(|m| m.id.as_str())
        .collect();
    assert_eq!(available, ["openai:dall-e-2", "openai:gpt-image-1"]);
    let dall_e_3 = models
        .iter()
        .find(|m| m.id == "openai:dall-e-3")
        .expect("listed");
    assert!(
        dall_e_3
            .unavailable_reason
            .as_deref()
            .is_some_and(|r| r.contains("no access"))
    );
    let logged = standin.log().to_path("/v1/models");
    assert_eq!(logged.len(), 1);
    let debug = format!("{provider:?} {status:?}");
    assert!(!debug.contains(STANDIN_KEY), "{debug}");
}

#[tokio::test]
async fn a_rejected_key_is_reachable_but_unusable_and_never_shown() {
    let standin = standin().await;
    let mut settings = settings(&standin);
    settings.remote.api_key = Some(ApiKey::new("sk-live-secret-0123456789"));
    let provider = OpenAiProvider::new(settings);
    provider.probe().await;
    let status = provider.status();
    assert!(status.reachable);
    let error = status.last_error.clone().expect("the key problem");
    assert!(error.contains("401"), "{error}");
    assert!(provider.models().iter().all(|m| !m.available));
    let (result, _) = run(&provider, request("dall-e-2", "p", 256, 256)).await;
    let message = result.expect_err("rejected").to_string();
    let shown = format!("{error} {message} {status:?} {provider:?}");
    assert!(!shown.contains("sk-live-secret-0123456789"), "{shown}");
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
    let models = provider.models();
    assert!(
        models
            .iter()
            .all(|m| !m.available && m.unavailable_reason.is_some())
    );
}
