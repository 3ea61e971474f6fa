//! Probe, models and status: what the server lists, what Easel declares,
//! what the Settings page shows, with no key anywhere.

use easel_domain::generation::{Operation, SizeRule};
use easel_engine::providers::Provider;
use easel_engine::providers::comfyui::{ComfyUiProvider, LABEL, PROVIDER_ID};
use easel_engine::providers::http::ApiKey;

use crate::support::{MODEL, settings, standin};

#[tokio::test]
async fn probing_lists_one_model_per_checkpoint_with_the_servers_samplers() {
    let standin = standin().await;
    let provider = ComfyUiProvider::new(settings(&standin.base_url()));
    assert_eq!((provider.id(), provider.label()), (PROVIDER_ID, LABEL));
    assert!(
        provider.models().is_empty(),
        "nothing is listed before the first probe"
    );
    provider.probe().await;
    let models = provider.models();
    let ids: Vec<&str> = models.iter().map(|m| m.id.as_str()).collect();
    assert_eq!(ids, [MODEL, "comfyui:v1-5-pruned-emaonly-fp16.safetensors"]);
    let model = &models[0];
    assert_eq!(model.label, "sd_xl_base_1.0");
    let caps = &model.capabilities;
    assert_eq!(
        caps.operations,
        [
            Operation::Txt2img,
            Operation::Img2img,
            Operation::Inpaint,
            Operation::Upscale
        ]
    );
    assert!(caps.negative_prompt && caps.seed && caps.prompt_weighting);
    let sampler = caps.sampler.as_ref().expect("samplers");
    assert_eq!(
        (sampler.options.len(), sampler.default.as_str()),
        (44, "euler")
    );
    assert_eq!(
        caps.scheduler.as_ref().map(|s| s.default.as_str()),
        Some("normal")
    );
    assert_eq!(
        caps.steps.map(|s| (s.min, s.max, s.default)),
        Some((1.0, 150.0, 20.0))
    );
    assert_eq!(caps.cfg.map(|c| c.default), Some(8.0));
    assert_eq!(caps.upscale_factors, [2, 4]);
    assert_eq!(
        caps.sizes,
        SizeRule::Free {
            min: 64,
            max: 4096,
            multiple_of: 8
        }
    );

    standin.set_checkpoints(&["only.safetensors"]);
    provider.probe().await;
    assert_eq!(provider.models()[0].id, "comfyui:only.safetensors");

    let status = provider.status();
    assert!(status.reachable);
    assert_eq!(
        status.endpoint.as_deref(),
        Some(standin.base_url().as_str())
    );
    assert_eq!(status.models, ["only"]);
    assert!(status.checked_at.is_some() && status.last_error.is_none());
}

#[tokio::test]
async fn a_stopped_server_marks_its_models_unavailable_with_the_reason() {
    let standin = standin().await;
    let base = standin.base_url();
    let mut settings = settings(&base);
    settings.remote.api_key = Some(ApiKey::new("proxy-secret-123"));
    let provider = ComfyUiProvider::new(settings);
    provider.probe().await;
    assert!(provider.models().iter().all(|m| m.available));
    standin.kill().await;
    provider.probe().await;
    let status = provider.status();
    assert!(!status.reachable);
    assert!(status.has_credentials);
    let reason = format!("ComfyUI cannot be reached at {base}");
    assert_eq!(status.last_error.as_deref(), Some(reason.as_str()));
    let models = provider.models();
    assert!(!models.is_empty());
    assert!(
        models
            .iter()
            .all(|m| !m.available && m.unavailable_reason.as_deref() == Some(reason.as_str()))
    );
    let shown = format!("{provider:?} {status:?}");
    assert!(!shown.contains("proxy-secret-123"), "{shown}");
}

#[tokio::test]
async fn a_proxy_key_is_sent_as_a_bearer_token_on_http_and_the_websocket() {
    let standin = standin().await;
    let mut settings = settings(&standin.base_url());
    settings.remote.api_key = Some(ApiKey::new("proxy-secret-123"));
    let provider = ComfyUiProvider::new(settings);
    let (cx, _) = crate::support::context(crate::support::request("a fox"));
    crate::support::run(&provider, &cx).await.expect("images");
    for path in ["/prompt", "/ws"] {
        let logged = standin.log().to_path(path);
        assert_eq!(
            logged[0].header("authorization"),
            Some("Bearer proxy-secret-123"),
            "{path}"
        );
    }
}
