//! Making new images from this one: upscale it, or ask for variations, on
//! its own backend when that backend can (Midjourney's U and V buttons),
//! else on the first available model that can.

use easel_domain::gallery::ImageDetail;
use easel_domain::generation::{GenerationRequest, ModelInfo, Operation, Seed};
use easel_domain::library::{Expansion, Submission};
use leptos::prelude::*;
use leptos_router::components::A;

use crate::api::generation::submit_generation;

/// The model to run `operation` on: the image's own, else the first
/// available one that can.
fn pick_model<'a>(
    models: &'a [ModelInfo],
    own: &str,
    operation: Operation,
) -> Option<&'a ModelInfo> {
    let can = |m: &&ModelInfo| m.available && m.capabilities.supports(operation);
    models
        .iter()
        .filter(can)
        .find(|m| m.id == own)
        .or_else(|| models.iter().find(can))
}

/// The request that derives a new image from `detail` on `model`.
pub fn derive_request(
    detail: &ImageDetail,
    model: &ModelInfo,
    operation: Operation,
) -> GenerationRequest {
    let caps = &model.capabilities;
    let (mut width, mut height) = (detail.request.width, detail.request.height);
    if !caps.sizes.accepts(width, height)
        && let Some((_, w, h)) = caps.sizes.presets().into_iter().next()
    {
        (width, height) = (w, h);
    }
    let prompt = if detail.item.prompt.trim().is_empty() {
        "the same picture".to_owned()
    } else {
        detail.item.prompt.clone()
    };
    GenerationRequest {
        model: model.id.clone(),
        prompt,
        negative_prompt: if caps.negative_prompt {
            detail.negative_prompt.clone()
        } else {
            String::new()
        },
        width,
        height,
        count: 1,
        seed: Seed::Random,
        steps: caps.steps.map(|s| s.default.round() as u32),
        init_image: Some(detail.item.id),
        operation: Some(operation),
        upscale_factor: (operation == Operation::Upscale)
            .then(|| caps.upscale_factors.first().copied())
            .flatten(),
        ..GenerationRequest::default()
    }
}

/// "Upscale" and "Variations" buttons, for the models that can.
#[component]
pub fn DeriveActions(detail: ImageDetail, models: Signal<Option<Vec<ModelInfo>>>) -> impl IntoView {
    let detail = StoredValue::new(detail);
    let queued = RwSignal::new(None::<Result<usize, String>>);
    let options = move || {
        let models = models.get().unwrap_or_default();
        let own = detail.with_value(|d| d.item.model.clone());
        [Operation::Upscale, Operation::Variations]
            .into_iter()
            .filter_map(|op| pick_model(&models, &own, op).map(|m| (op, m.clone())))
            .collect::<Vec<_>>()
    };
    let run = move |(operation, model): (Operation, ModelInfo)| {
        let request = detail.with_value(|d| derive_request(d, &model, operation));
        queued.set(None);
        leptos::task::spawn_local(async move {
            let submission = Submission {
                request,
                styles: Vec::new(),
                variables: Default::default(),
                expansion: Expansion::Random,
                prompts: 1,
            };
            let result = submit_generation(submission)
                .await
                .map(|jobs| jobs.len())
                .map_err(|err| err.to_string());
            queued.try_set(Some(result));
        });
    };
    view! {
        <Show when=move || !options().is_empty()>
            <div class="flex flex-wrap gap-2" data-testid="derive-actions">
                {move || options().into_iter().map(|(operation, model)| {
                    let label = match (operation, model.capabilities.upscale_factors.first()) {
                        (Operation::Upscale, Some(factor)) => format!("Upscale {factor}×"),
                        (Operation::Upscale, None) => "Upscale".to_owned(),
                        _ => "Variations".to_owned(),
                    };
                    let testid = if operation == Operation::Upscale { "derive-upscale" } else { "derive-variations" };
                    let provider = model.provider_label.clone();
                    let choice = (operation, model);
                    view! {
                        <button
                            type="button"
                            data-testid=testid
                            on:click=move |_| run(choice.clone())
                            class="inline-flex items-center gap-1.5 rounded-lg px-3 py-1.5 text-xs font-semibold text-zinc-100 ring-1 ring-inset ring-white/15 transition hover:bg-white/5"
                        >
                            {label}
                            <span class="font-normal text-zinc-500">{format!("· {provider}")}</span>
                        </button>
                    }
                }).collect_view()}
            </div>
        </Show>
        {move || queued.get().map(|result| match result {
            Ok(_) => view! {
                <p class="text-sm text-emerald-300" data-testid="derive-queued">
                    "Queued. "
                    <A href="/" attr:class="font-semibold underline underline-offset-2">"Watch it in the Studio"</A>
                </p>
            }.into_any(),
            Err(message) => view! { <p role="alert" class="text-sm text-rose-300">{message}</p> }.into_any(),
        })}
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::*;
    use easel_domain::gallery::GalleryItem;
    use easel_domain::generation::{Capabilities, SizeRule};
    use uuid::Uuid;

    fn model(id: &str, ops: &[Operation], available: bool) -> ModelInfo {
        ModelInfo {
            id: id.into(),
            provider: id.split(':').next().unwrap_or_default().into(),
            provider_label: id.into(),
            label: id.into(),
            description: String::new(),
            available,
            unavailable_reason: None,
            capabilities: Capabilities {
                operations: ops.to_vec(),
                upscale_factors: vec![2, 4],
                ..Capabilities::txt2img(
                    SizeRule::Fixed {
                        sizes: vec![(1024, 1024)],
                    },
                    1,
                    100,
                )
            },
        }
    }

    #[test]
    fn the_images_own_backend_is_preferred_when_it_can() {
        let models = vec![
            model("comfyui:x", &[Operation::Upscale], true),
            model(
                "midjourney:v6",
                &[Operation::Upscale, Operation::Variations],
                true,
            ),
            model("openai:dall-e-2", &[Operation::Variations], false),
        ];
        let pick = |op| pick_model(&models, "midjourney:v6", op).map(|m| m.id.as_str());
        assert_eq!(pick(Operation::Upscale), Some("midjourney:v6"));
        let pick_other =
            |op| pick_model(&models, "builtin:easel-sketch", op).map(|m| m.id.as_str());
        assert_eq!(pick_other(Operation::Upscale), Some("comfyui:x"));
        assert_eq!(pick_other(Operation::Inpaint), None);
    }

    #[test]
    fn derived_requests_fit_the_model_and_point_at_the_image() {
        let id = Uuid::from_u128(5);
        let detail = ImageDetail {
            item: GalleryItem {
                id,
                prompt: "a fox".into(),
                model: "builtin:easel-sketch".into(),
                width: 512,
                height: 512,
                created_at: chrono::DateTime::UNIX_EPOCH,
                starred: false,
            },
            negative_prompt: "blur".into(),
            seed: 3,
            request: GenerationRequest {
                width: 512,
                height: 512,
                ..GenerationRequest::default()
            },
            infotext: String::new(),
            job_id: None,
            byte_size: 1,
            metadata_json: String::new(),
            revised_prompt: None,
            operation: "txt2img".into(),
            tags: Vec::new(),
            galleries: Vec::new(),
            deleted_at: None,
        };
        let upscaler = model("comfyui:x", &[Operation::Upscale], true);
        let request = derive_request(&detail, &upscaler, Operation::Upscale);
        assert_eq!(request.init_image, Some(id));
        assert_eq!(request.upscale_factor, Some(2));
        assert_eq!((request.width, request.height), (1024, 1024));
        assert_eq!(request.validate(&upscaler.capabilities), Ok(()));
    }
}
