//! The imaging step of a job: validate each result, embed its metadata,
//! make thumbnails, and write everything durably to the store, before the
//! database hears of it. Also loads a job's inputs (init image, mask).

use std::sync::Arc;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use easel_domain::gallery::THUMBNAIL_SIZES;
use easel_domain::generation::GenerationRequest;
use easel_domain::metadata::Infotext;
use sqlx::PgPool;
use uuid::Uuid;

use crate::imaging::{self, DecodeLimits, PngMetadata};
use crate::jobs::storage::NewImage;
use crate::providers::{Generated, GeneratedImage, JobContext, ProviderError, SourceImage};
use crate::store::ImageStore;

/// Limits on what backends may send.
#[derive(Debug, Clone, Copy, Default)]
pub struct ResultSettings {
    /// Decoding limits for encoded results.
    pub limits: DecodeLimits,
}

/// One result, encoded and ready to write.
struct Encoded {
    png: Vec<u8>,
    thumbnails: Vec<Vec<u8>>,
    width: u32,
    height: u32,
    seed: i64,
    metadata: serde_json::Value,
    infotext: String,
}

/// Encodes the results (on a blocking thread), writes them to the store,
/// and returns the rows to insert. A result that is not a valid image, or
/// is over the limits, fails the job with a clear message.
pub async fn store_results(
    store: &dyn ImageStore,
    settings: &ResultSettings,
    cx: &JobContext,
    generated: Vec<Generated>,
) -> Result<Vec<NewImage>, ProviderError> {
    let request = cx.request.clone();
    let (model, job_id, base_seed, limits) = (
        cx.request.model.clone(),
        cx.job_id,
        cx.seed,
        settings.limits,
    );
    let encoded = tokio::task::spawn_blocking(move || {
        generated
            .into_iter()
            .enumerate()
            .map(|(index, result)| {
                encode(
                    &request,
                    &model,
                    job_id,
                    base_seed + index as i64,
                    result,
                    &limits,
                )
            })
            .collect::<Result<Vec<_>, _>>()
    })
    .await
    .map_err(|_| ProviderError::Fatal("Encoding the result failed.".into()))??;

    let parameters = serde_json::to_value(&cx.request).unwrap_or_default();
    let mut rows = Vec::with_capacity(encoded.len());
    for (index, image) in encoded.into_iter().enumerate() {
        let byte_size = image.png.len() as i64;
        let original = store.put(image.png, "png").await.map_err(store_error)?;
        let mut thumbs = Vec::with_capacity(image.thumbnails.len());
        for bytes in image.thumbnails {
            thumbs.push(store.put(bytes, "jpg").await.map_err(store_error)?.key);
        }
        let mut metadata = image.metadata;
        if let Some(object) = metadata.as_object_mut() {
            object.insert("infotext".into(), image.infotext.into());
            object.insert("sha256".into(), original.sha256.clone().into());
        }
        rows.push(NewImage {
            id: Uuid::now_v7(),
            batch_index: index as i32,
            prompt: cx.request.prompt.clone(),
            negative_prompt: cx.request.negative_prompt.clone(),
            model: cx.request.model.clone(),
            parameters: parameters.clone(),
            image_path: original.key,
            thumbnail_path: thumbs.first().cloned().unwrap_or_default(),
            thumbnail_large_path: thumbs.last().cloned().unwrap_or_default(),
            metadata,
            width: image.width as i32,
            height: image.height as i32,
            seed: image.seed,
            byte_size,
            operation: cx.request.operation().as_str().to_owned(),
        });
    }
    Ok(rows)
}

fn store_error(err: crate::store::StoreError) -> ProviderError {
    tracing::error!(error = %err, "writing a result to the image store failed");
    ProviderError::retryable("The image store could not save the result; retrying.")
}

fn encode(
    request: &GenerationRequest,
    model: &str,
    job_id: Uuid,
    fallback_seed: i64,
    result: Generated,
    limits: &DecodeLimits,
) -> Result<Encoded, ProviderError> {
    // Transparent results (gpt-image backgrounds) keep their alpha in the
    // PNG; thumbnails are JPEG, so they show it flattened onto the
    // gallery's dark grey.
    let (pixels, alpha) = match result.image {
        GeneratedImage::Pixels(pixels) => (pixels, None),
        GeneratedImage::Encoded(bytes) => {
            let decoded = imaging::decode(&bytes, limits).map_err(|err| {
                ProviderError::Fatal(format!("The backend sent an image Easel cannot use: {err}"))
            })?;
            if decoded.color().has_alpha() {
                let rgba = decoded.to_rgba8();
                if imaging::has_transparency(&rgba) {
                    (imaging::flatten(&rgba, [39, 39, 42]), Some(rgba))
                } else {
                    (decoded.to_rgb8(), None)
                }
            } else {
                (decoded.to_rgb8(), None)
            }
        }
    };
    let seed = result.seed.unwrap_or(fallback_seed);
    let (width, height) = pixels.dimensions();
    let backend_infotext = result
        .metadata
        .get("infotext")
        .and_then(|v| v.as_str())
        .map(str::to_owned);
    let mut infotext = Infotext::new(request.prompt.clone(), request.negative_prompt.clone());
    if let Some(steps) = request.steps {
        infotext.set("Steps", steps);
    }
    infotext.set("Seed", seed);
    infotext.set("Size", format!("{width}x{height}"));
    infotext.set("Model", model);
    if let Some(strength) = request.strength {
        infotext.set("Denoising strength", strength);
    }
    infotext.set("Version", format!("Easel {}", env!("CARGO_PKG_VERSION")));
    // A backend's own infotext (AUTOMATIC1111's) is the truth about how the
    // image was made; keep it rather than Easel's reconstruction.
    let infotext_text = backend_infotext.unwrap_or_else(|| infotext.format());
    let ours = serde_json::json!({
        "version": 1,
        "job_id": job_id,
        "model": model,
        "seed": seed,
        "request": request,
        "provider": result.metadata,
    });
    let png_metadata = PngMetadata {
        parameters: Some(infotext_text.clone()),
        easel: Some(ours.to_string()),
    };
    let png = match &alpha {
        Some(rgba) => imaging::encode_png_rgba(rgba, &png_metadata),
        None => imaging::encode_png(&pixels, &png_metadata),
    }
    .map_err(|err| ProviderError::Fatal(format!("Encoding the image failed: {err}")))?;
    let thumbnails = THUMBNAIL_SIZES
        .iter()
        .map(|&size| imaging::encode_jpeg(&imaging::thumbnail(&pixels, size), 82))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|err| ProviderError::Fatal(format!("Making thumbnails failed: {err}")))?;
    Ok(Encoded {
        png,
        thumbnails,
        width,
        height,
        seed,
        metadata: serde_json::json!({ "provider": ours["provider"] }),
        infotext: infotext_text,
    })
}

/// A job's inputs: the source image as stored, decoded, and the mask.
type Inputs = (
    Option<Arc<SourceImage>>,
    Option<Arc<image::RgbImage>>,
    Option<Arc<image::GrayImage>>,
);

/// Loads a job's init image (one of the user's own images) and mask.
pub(super) async fn load_inputs(
    db: &PgPool,
    store: &dyn ImageStore,
    user_id: Uuid,
    request: &GenerationRequest,
) -> Result<Inputs, ProviderError> {
    let Some(init_id) = request.init_image else {
        return Ok((None, None, None));
    };
    let row: Option<(String, String, serde_json::Value)> = sqlx::query_as(
        "select image_path, model, metadata from generated_images where id = $1 and user_id = $2",
    )
    .bind(init_id)
    .bind(user_id)
    .fetch_optional(db)
    .await
    .map_err(|err| {
        tracing::warn!(error = %err, "loading a job's init image failed");
        ProviderError::retryable("The database is unavailable; retrying.")
    })?;
    let (key, model, metadata) =
        row.ok_or_else(|| ProviderError::Fatal("The init image no longer exists.".into()))?;
    let bytes = store
        .get(&key)
        .await
        .map_err(|_| ProviderError::Fatal("The init image's file is missing.".into()))?;
    let limits = DecodeLimits::default();
    let init = imaging::decode(&bytes, &limits)
        .map_err(|err| ProviderError::Fatal(format!("The init image cannot be read: {err}")))?
        .to_rgb8();
    let mask = match &request.mask_png_base64 {
        None => None,
        Some(text) => {
            let bytes = STANDARD
                .decode(text.trim())
                .map_err(|_| ProviderError::Fatal("The mask is not valid base64.".into()))?;
            let mask = imaging::decode(&bytes, &limits)
                .map_err(|err| ProviderError::Fatal(format!("The mask cannot be read: {err}")))?
                .to_luma8();
            Some(Arc::new(mask))
        }
    };
    let source = SourceImage {
        id: init_id,
        png: bytes,
        model,
        provider_metadata: metadata
            .get("provider")
            .cloned()
            .unwrap_or(serde_json::Value::Null),
    };
    Ok((Some(Arc::new(source)), Some(Arc::new(init)), mask))
}
