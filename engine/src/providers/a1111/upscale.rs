//! Upscales through `POST /sdapi/v1/extra-single-image`.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde::Deserialize;
use serde_json::json;

use super::api::{Api, Context};
use super::catalog::Catalog;
use super::generate::decode_image;
use super::{A1111Settings, LABEL};
use crate::providers::{Generated, GeneratedImage, JobContext, ProviderError};

/// The upscaler used when none is configured (it needs no model file).
const FALLBACK_UPSCALER: &str = "Lanczos";

#[derive(Debug, Deserialize)]
struct ExtrasResponse {
    image: String,
    #[serde(default)]
    html_info: String,
}

/// The configured upscaler if the server has it (or its list is unknown),
/// else Lanczos.
fn upscaler(settings: &A1111Settings, catalog: Option<&Catalog>) -> String {
    match (&settings.default_upscaler, catalog) {
        (Some(name), None) => name.clone(),
        (Some(name), Some(catalog)) if catalog.upscalers.contains(name) => name.clone(),
        (Some(name), Some(_)) => {
            tracing::warn!(upscaler = %name, "AUTOMATIC1111 lacks the configured upscaler; using Lanczos");
            FALLBACK_UPSCALER.into()
        }
        (None, _) => FALLBACK_UPSCALER.into(),
    }
}

/// Upscales the job's source image by its factor (2 unless it says 4).
pub async fn run(
    api: &Api,
    settings: &A1111Settings,
    catalog: Option<&Catalog>,
    cx: &JobContext,
) -> Result<Vec<Generated>, ProviderError> {
    let source = cx
        .source
        .as_ref()
        .ok_or_else(|| ProviderError::Fatal("Upscaling needs a source image.".into()))?;
    let factor = cx.request.upscale_factor.unwrap_or(2);
    let upscaler = upscaler(settings, catalog);
    let body = json!({
        "image": STANDARD.encode(&source.png),
        "resize_mode": 0,
        "upscaling_resize": factor,
        "upscaler_1": upscaler,
        "show_extras_results": true,
    });
    cx.progress.step(0, 1, None).await;
    let context = Context::default();
    let post = api.post::<ExtrasResponse>(
        "/sdapi/v1/extra-single-image",
        &body,
        settings.remote.timeout,
        &context,
    );
    let response = tokio::select! {
        biased;
        () = cx.cancel.cancelled() => return Err(ProviderError::Cancelled),
        response = post => response?,
    };
    let bytes = decode_image(&response.image)?;
    if bytes.is_empty() {
        return Err(ProviderError::Fatal(format!(
            "{LABEL} returned an empty image"
        )));
    }
    cx.progress.step(1, 1, None).await;
    Ok(vec![Generated {
        image: GeneratedImage::Encoded(bytes),
        seed: None,
        metadata: json!({
            "upscaler": upscaler,
            "factor": factor,
            "postprocessing": strip_tags(&response.html_info),
        }),
    }])
}

/// `<p>Postprocess upscale by: 2</p>` → `Postprocess upscale by: 2`.
fn strip_tags(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for ch in html.chars() {
        match ch {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.trim().to_owned()
}
