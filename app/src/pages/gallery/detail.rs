//! `/gallery/:id`: one image, everything that made it, and what to do
//! with it (remix, download, delete).

use easel_domain::gallery::{ImageDetail, download_url, image_url};
use easel_domain::generation::ModelInfo;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::NavigateOptions;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_params_map};
use uuid::Uuid;

use crate::AppError;
use crate::api::generation::list_models;
use crate::api::images::{DeleteImage, get_image};
use crate::components::action_icons::{ActionIcon, ActionIconKind};
use crate::components::copy_button::CopyButton;
use crate::components::time::LocalTime;

use super::derive::DeriveActions;
use super::organize::OrganizePanel;

/// The image page. Another user's image, or a bad id, is "not found".
#[component]
pub fn ImageDetailPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || {
        params
            .with(|p| p.get("id"))
            .and_then(|id| Uuid::parse_str(&id).ok())
    };
    let detail = Resource::new(id, |id| async move {
        match id {
            Some(id) => get_image(id).await,
            None => Err(AppError::NotFound),
        }
    });
    // For the model's display name.
    let models = Resource::new(|| (), |_| list_models());
    let model_list = Signal::derive(move || models.get().and_then(Result::ok));
    let model_label = Signal::derive(move || {
        models.get().and_then(Result::ok).map(|models| {
            models
                .into_iter()
                .map(|model| (model.id, model.label))
                .collect::<Vec<_>>()
        })
    });
    view! {
        <A href="/gallery" attr:class="inline-flex items-center gap-1.5 text-sm font-medium text-zinc-400 transition hover:text-white">
            <ActionIcon kind=ActionIconKind::ArrowLeft class="size-4" />
            "Gallery"
        </A>
        <Transition fallback=DetailSkeleton>
            {move || detail.get().map(|result| match result {
                Ok(detail) => view! { <ImageDetailView detail model_label model_list /> }.into_any(),
                Err(err) => view! { <DetailError err /> }.into_any(),
            })}
        </Transition>
    }
}

/// The image beside its details and actions.
#[component]
fn ImageDetailView(
    detail: ImageDetail,
    model_label: Signal<Option<Vec<(String, String)>>>,
    model_list: Signal<Option<Vec<ModelInfo>>>,
) -> impl IntoView {
    let item = &detail.item;
    let id = item.id;
    let title = match item.prompt.char_indices().nth(48) {
        Some((end, _)) => format!("{}…", item.prompt[..end].trim_end()),
        None => item.prompt.clone(),
    };
    view! {
        <Title text=title.clone() />
        <h1 class="sr-only">{title}</h1>
        <article data-testid="image-detail" class="mt-5 grid items-start gap-6 lg:grid-cols-[minmax(0,1fr)_20rem] xl:grid-cols-[minmax(0,1fr)_22rem]">
            <figure class="flex justify-center overflow-hidden rounded-2xl bg-zinc-900/80 p-2 ring-1 ring-white/10 sm:p-3">
                <a href=image_url(id) target="_blank" rel="noopener" class="block" title="Open the full image">
                    <img
                        src=image_url(id)
                        alt=item.prompt.clone()
                        width=item.width
                        height=item.height
                        data-testid="detail-image"
                        class="h-auto max-h-[78vh] w-auto max-w-full rounded-xl object-contain"
                    />
                </a>
            </figure>
            <aside class="min-w-0 space-y-5">
                <Actions id />
                <DeriveActions detail=detail.clone() models=model_list />
                <OrganizePanel detail=detail.clone() />
                <TextBlock label="Prompt" text=item.prompt.clone() testid="detail-prompt" />
                {(!detail.negative_prompt.is_empty()).then(|| view! {
                    <TextBlock label="Negative prompt" text=detail.negative_prompt.clone() testid="detail-negative-prompt" />
                })}
                {detail.revised_prompt.clone().map(|text| view! {
                    <TextBlock label="Prompt as the backend revised it" text testid="revised-prompt" />
                })}
                <Facts detail=detail.clone() model_label />
                <Infotext text=detail.infotext.clone() />
            </aside>
        </article>
    }
    .into_any()
}

/// Remix, Download, Delete (with a confirm step, then back to the grid).
#[component]
fn Actions(id: Uuid) -> impl IntoView {
    let delete = ServerAction::<DeleteImage>::new();
    let confirming = RwSignal::new(false);
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(())) = delete.value().get() {
            navigate(
                "/gallery",
                NavigateOptions {
                    replace: true,
                    ..Default::default()
                },
            );
        }
    });
    let error = move || {
        delete
            .value()
            .get()
            .and_then(Result::err)
            .map(|err| err.to_string())
    };
    let button = "inline-flex flex-1 items-center justify-center gap-1.5 rounded-lg px-3 py-2 text-sm font-semibold transition";
    view! {
        <div class="flex gap-2">
            <A
                href=format!("/?remix={id}")
                attr:data-testid="remix"
                attr:class=format!("{button} bg-linear-to-r from-violet-500 to-fuchsia-500 text-white shadow-lg shadow-violet-500/20 hover:brightness-110")
            >
                <ActionIcon kind=ActionIconKind::Remix class="size-4" />
                "Remix"
            </A>
            <a
                href=download_url(id)
                download=""
                data-testid="download"
                class=format!("{button} bg-white/5 text-zinc-100 ring-1 ring-inset ring-white/10 hover:bg-white/10")
            >
                <ActionIcon kind=ActionIconKind::Download class="size-4" />
                "Download"
            </a>
            <button
                type="button"
                data-testid="delete-image"
                aria-expanded=move || confirming.get().to_string()
                on:click=move |_| confirming.update(|open| *open = !*open)
                class=format!("{button} flex-none text-rose-300 ring-1 ring-inset ring-rose-500/30 hover:bg-rose-500/10")
                title="Delete this image"
                aria-label="Delete"
            >
                <ActionIcon kind=ActionIconKind::Trash class="size-4" />
            </button>
        </div>
        <Show when=move || confirming.get()>
            <div role="alertdialog" aria-label="Confirm delete" class="rounded-xl bg-rose-500/10 p-4 ring-1 ring-inset ring-rose-500/25">
                <p class="text-sm font-medium text-rose-100">"Delete this image?"</p>
                <p class="mt-1 text-sm text-rose-200/70">"It moves to the trash, where you can restore it until the trash is emptied."</p>
                <div class="mt-3 flex justify-end gap-2">
                    <button
                        type="button"
                        on:click=move |_| confirming.set(false)
                        class="rounded-lg px-3 py-1.5 text-sm font-medium text-zinc-300 hover:bg-white/5 hover:text-white"
                    >
                        "Keep it"
                    </button>
                    <button
                        type="button"
                        data-testid="confirm-delete"
                        disabled=move || delete.pending().get()
                        on:click=move |_| { delete.dispatch(DeleteImage { id }); }
                        class="rounded-lg bg-rose-600 px-3 py-1.5 text-sm font-semibold text-white shadow transition hover:bg-rose-500 disabled:cursor-wait disabled:opacity-70"
                    >
                        {move || if delete.pending().get() { "Deleting…" } else { "Delete" }}
                    </button>
                </div>
                {move || error().map(|message| view! { <p role="alert" class="mt-2 text-sm text-rose-300">{message}</p> })}
            </div>
        </Show>
    }
    .into_any()
}

/// A labelled block of text with a copy button.
#[component]
fn TextBlock(label: &'static str, text: String, testid: &'static str) -> impl IntoView {
    view! {
        <section>
            <div class="flex items-center justify-between">
                <h2 class="text-xs font-semibold uppercase tracking-wide text-zinc-400">{label}</h2>
                <CopyButton text=text.clone() what=label />
            </div>
            <p data-testid=testid class="mt-1.5 text-sm leading-relaxed break-words whitespace-pre-wrap text-zinc-100">{text}</p>
        </section>
    }
    .into_any()
}

/// Model, size, seed, steps, date and file size.
#[component]
fn Facts(detail: ImageDetail, model_label: Signal<Option<Vec<(String, String)>>>) -> impl IntoView {
    let item = detail.item;
    let model_id = item.model.clone();
    let model = move || {
        model_label
            .get()
            .and_then(|labels| labels.into_iter().find(|(id, _)| *id == model_id))
            .map(|(_, label)| label)
            .unwrap_or_else(|| model_id.clone())
    };
    let row = |label: &'static str, value: String, testid: &'static str| {
        let title = value.clone();
        view! {
        <div class="flex items-baseline justify-between gap-4 py-2">
            <dt class="text-sm text-zinc-400">{label}</dt>
            <dd class="min-w-0 truncate text-right text-sm tabular-nums text-white" data-testid=testid title=title>{value}</dd>
        </div>
        }
    };
    view! {
        <dl class="divide-y divide-white/5 rounded-xl bg-white/[0.03] px-4 py-1 ring-1 ring-white/10">
            <div class="flex items-baseline justify-between gap-4 py-2">
                <dt class="text-sm text-zinc-400">"Model"</dt>
                <dd class="min-w-0 truncate text-right text-sm text-white" data-testid="detail-model" title=item.model.clone()>
                    {model}
                </dd>
            </div>
            {row("Size", format!("{} × {}", item.width, item.height), "detail-size")}
            {row("Seed", detail.seed.to_string(), "detail-seed")}
            {detail.request.steps.map(|steps| row("Steps", steps.to_string(), "detail-steps"))}
            {detail.request.cfg.map(|cfg| row("CFG scale", format!("{cfg:.1}"), "detail-cfg"))}
            {detail.request.sampler.clone().map(|sampler| row("Sampler", sampler, "detail-sampler"))}
            {detail.request.quality.clone().map(|quality| row("Quality", quality, "detail-quality"))}
            {detail.request.style.clone().map(|style| row("Backend style", style, "detail-style"))}
            <div class="flex items-baseline justify-between gap-4 py-2">
                <dt class="text-sm text-zinc-400">"Created"</dt>
                <dd class="text-right text-sm text-white"><LocalTime at=item.created_at /></dd>
            </div>
            {row("File", human_bytes(detail.byte_size), "detail-bytes")}
        </dl>
    }
    .into_any()
}

/// The AUTOMATIC1111 "parameters" text, ready to paste elsewhere.
#[component]
fn Infotext(text: String) -> impl IntoView {
    view! {
        <section>
            <div class="flex items-center justify-between">
                <h2 class="text-xs font-semibold uppercase tracking-wide text-zinc-400">"Infotext"</h2>
                <CopyButton text=text.clone() what="infotext" testid="copy-infotext" />
            </div>
            <pre data-testid="infotext" class="mt-1.5 max-h-60 overflow-auto rounded-xl bg-zinc-950/80 p-3 font-mono text-xs leading-relaxed whitespace-pre-wrap break-words text-zinc-300 ring-1 ring-inset ring-white/10">{text}</pre>
        </section>
    }
    .into_any()
}

/// "1.2 MB".
fn human_bytes(bytes: i64) -> String {
    let bytes = bytes.max(0) as f64;
    if bytes < 1024.0 {
        format!("{bytes} B")
    } else if bytes < 1024.0 * 1024.0 {
        format!("{:.0} KB", bytes / 1024.0)
    } else {
        format!("{:.1} MB", bytes / (1024.0 * 1024.0))
    }
}

/// Not found, or another failure.
#[component]
fn DetailError(err: AppError) -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>()
        && let Ok(status) = http::StatusCode::from_u16(err.status())
    {
        response.set_status(status);
    }
    let message = match err {
        AppError::NotFound => "This image does not exist, or it was deleted.".to_string(),
        other => other.to_string(),
    };
    view! {
        <div class="mt-8 flex flex-col items-center rounded-2xl border border-dashed border-white/15 px-6 py-16 text-center" role="alert">
            <ActionIcon kind=ActionIconKind::Photo class="size-8 text-zinc-500" />
            <p class="mt-4 text-sm text-zinc-300">{message}</p>
            <A href="/gallery" attr:class="mt-6 rounded-lg bg-white/10 px-4 py-2 text-sm font-semibold text-white hover:bg-white/15">
                "Back to the gallery"
            </A>
        </div>
    }
    .into_any()
}

/// The page's outline while the image loads.
#[component]
fn DetailSkeleton() -> impl IntoView {
    view! {
        <div class="mt-5 grid gap-6 lg:grid-cols-[minmax(0,1fr)_20rem] xl:grid-cols-[minmax(0,1fr)_22rem]" aria-hidden="true">
            <div class="aspect-square animate-pulse rounded-2xl bg-white/[0.04]"></div>
            <div class="space-y-3">
                <div class="h-10 rounded-lg bg-white/[0.06]"></div>
                <div class="h-24 animate-pulse rounded-lg bg-white/[0.04]"></div>
                <div class="h-40 animate-pulse rounded-lg bg-white/[0.04]"></div>
            </div>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn byte_sizes_read_naturally() {
        assert_eq!(human_bytes(512), "512 B");
        assert_eq!(human_bytes(2048), "2 KB");
        assert_eq!(human_bytes(3 * 1024 * 1024 + 200_000), "3.2 MB");
    }
}
