//! One job in the queue: what was asked, where it is, and what it made.

use std::collections::HashMap;

use easel_domain::gallery::thumbnail_url;
use easel_domain::generation::{JobStatus, JobView};
use leptos::prelude::*;
use leptos_router::components::A;
use uuid::Uuid;

use crate::api::generation::CancelJob;
use crate::components::action_icons::{ActionIcon, ActionIconKind};
use crate::components::progress_socket::JobStore;
use crate::components::time::{LocalTime, TimeStyle};

/// A job's card. The fixed parts (prompt, settings) are read once; the
/// status, progress, preview and results follow the store.
#[component]
pub fn JobCard(
    id: Uuid,
    store: JobStore,
    model_labels: Signal<HashMap<String, String>>,
    on_reuse: Callback<JobView>,
    cancel: ServerAction<CancelJob>,
) -> impl IntoView {
    let Some(initial) = store.job_untracked(id) else {
        return ().into_any();
    };
    let job = Memo::new(move |_| store.job(id));
    let status = Memo::new(move |_| {
        job.with(|job| job.as_ref().map_or(JobStatus::Cancelled, |job| job.status))
    });

    let model = initial.model.clone();
    let model_label = move || {
        model_labels.with(|labels| labels.get(&model).cloned().unwrap_or_else(|| model.clone()))
    };
    let settings = settings_line(&initial);
    let reuse = {
        let initial = initial.clone();
        move |_| on_reuse.run(job.get_untracked().unwrap_or_else(|| initial.clone()))
    };
    let cancelling = move || {
        cancel.pending().get()
            && cancel
                .input()
                .with(|input| input.as_ref().is_some_and(|input| input.job_id == id))
    };

    view! {
        <article
            data-testid="job-card"
            data-status=move || status.get().as_str()
            data-job-id=id.to_string()
            class="rounded-xl bg-zinc-900/70 p-3.5 ring-1 ring-white/10 sm:p-4"
        >
            <div class="flex flex-wrap items-center gap-x-2 gap-y-1">
                <StatusBadge status />
                <span class="min-w-0 truncate text-xs text-zinc-400">{model_label}</span>
                <LocalTime at=initial.created_at style=TimeStyle::Clock class="ml-auto text-xs tabular-nums text-zinc-500" />
            </div>
            <p class="mt-2.5 line-clamp-3 text-sm leading-relaxed break-words text-zinc-100" title=initial.prompt.clone()>
                {initial.prompt.clone()}
            </p>
            <p class="mt-1 text-xs text-zinc-500">{settings}</p>
            <JobBody job status />
            <div class="mt-3 flex items-center justify-end gap-2">
                <button
                    type="button"
                    on:click=reuse
                    class="inline-flex items-center gap-1.5 rounded-lg px-2.5 py-1.5 text-xs font-medium text-zinc-300 ring-1 ring-inset ring-white/10 transition hover:bg-white/5 hover:text-white"
                    title="Put this job's prompt and settings back in the form"
                >
                    <ActionIcon kind=ActionIconKind::Remix class="size-3.5" />
                    "Reuse"
                </button>
                <Show when=move || status.get().is_active()>
                    <button
                        type="button"
                        data-testid="job-cancel"
                        disabled=cancelling
                        on:click=move |_| { cancel.dispatch(CancelJob { job_id: id }); }
                        class="inline-flex items-center gap-1.5 rounded-lg px-2.5 py-1.5 text-xs font-medium text-rose-200 ring-1 ring-inset ring-rose-500/30 transition hover:bg-rose-500/10 disabled:cursor-wait disabled:opacity-60"
                    >
                        <ActionIcon kind=ActionIconKind::Stop class="size-3.5" />
                        {move || if cancelling() { "Cancelling…" } else { "Cancel" }}
                    </button>
                </Show>
            </div>
        </article>
    }
    .into_any()
}

/// "512×768 · 4 images · seed 1234 · 30 steps".
fn settings_line(job: &JobView) -> String {
    let mut parts = vec![format!("{}×{}", job.width, job.height)];
    if job.count > 1 {
        parts.push(format!("{} images", job.count));
    }
    parts.push(format!("seed {}", job.seed));
    if let Some(steps) = job.steps {
        parts.push(format!("{steps} steps"));
    }
    parts.join(" · ")
}

/// The coloured status pill.
#[component]
fn StatusBadge(status: Memo<JobStatus>) -> impl IntoView {
    let class = move || {
        let tone = match status.get() {
            JobStatus::Queued => "bg-amber-400/10 text-amber-200 ring-amber-400/25",
            JobStatus::Running => "bg-violet-500/15 text-violet-200 ring-violet-400/30",
            JobStatus::Succeeded => "bg-emerald-500/10 text-emerald-300 ring-emerald-400/25",
            JobStatus::Failed => "bg-rose-500/10 text-rose-300 ring-rose-400/25",
            JobStatus::Cancelled => "bg-white/5 text-zinc-400 ring-white/10",
        };
        format!(
            "inline-flex shrink-0 items-center gap-1.5 rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset {tone}"
        )
    };
    let label = move || match status.get() {
        JobStatus::Queued => "Queued",
        JobStatus::Running => "Generating",
        JobStatus::Succeeded => "Done",
        JobStatus::Failed => "Failed",
        JobStatus::Cancelled => "Cancelled",
    };
    view! {
        <span class=class data-testid="job-status">
            <Show when=move || status.get() == JobStatus::Running>
                <span class="size-1.5 animate-pulse rounded-full bg-violet-300" aria-hidden="true"></span>
            </Show>
            {label}
        </span>
    }
}

/// What the job has to show for its status.
#[component]
fn JobBody(job: Memo<Option<JobView>>, status: Memo<JobStatus>) -> impl IntoView {
    let read = move |f: fn(&JobView) -> Option<String>| job.with(|job| job.as_ref().and_then(f));
    let error = move || read(|job| job.error.clone());
    view! {
        {move || match status.get() {
            JobStatus::Queued => view! { <QueuedNote job error=Signal::derive(error) /> }.into_any(),
            JobStatus::Running => view! { <RunningProgress job /> }.into_any(),
            JobStatus::Succeeded => view! { <Results job /> }.into_any(),
            JobStatus::Failed => view! {
                <p role="alert" data-testid="job-error" class="mt-3 rounded-lg bg-rose-500/10 px-3 py-2.5 text-sm text-rose-200 ring-1 ring-inset ring-rose-500/20">
                    {move || error().unwrap_or_else(|| "The job failed.".to_string())}
                </p>
            }.into_any(),
            JobStatus::Cancelled => view! {
                <p class="mt-3 text-sm text-zinc-500">"Cancelled before it finished."</p>
            }.into_any(),
        }}
    }
    .into_any()
}

/// Waiting: how many jobs are ahead, and the last error if it is waiting
/// for a retry.
#[component]
fn QueuedNote(job: Memo<Option<JobView>>, error: Signal<Option<String>>) -> impl IntoView {
    let position = move || job.with(|job| job.as_ref().and_then(|job| job.position));
    let attempts = move || job.with(|job| job.as_ref().map_or(0, |job| job.attempts));
    let text = move || match position() {
        Some(0) | None => "Waiting for a worker…".to_string(),
        Some(1) => "Waiting · 1 job ahead".to_string(),
        Some(n) => format!("Waiting · {n} jobs ahead"),
    };
    view! {
        <div class="mt-3 flex items-center gap-3 rounded-lg bg-white/[0.03] px-3 py-2.5 ring-1 ring-inset ring-white/5">
            <span class="size-4 shrink-0 animate-spin rounded-full border-2 border-white/15 border-t-amber-300" aria-hidden="true"></span>
            <span class="text-sm text-zinc-300" data-testid="job-position">{text}</span>
        </div>
        {move || error.get().map(|reason| view! {
            <p class="mt-2 text-xs text-amber-200/90" data-testid="job-retry">
                {format!("Try {} failed: {reason} It will be retried.", attempts())}
            </p>
        })}
    }
    .into_any()
}

/// Running: the latest preview beside a progress bar.
#[component]
fn RunningProgress(job: Memo<Option<JobView>>) -> impl IntoView {
    let steps = move || job.with(|job| job.as_ref().map_or((0, 0), |job| (job.step, job.total)));
    let percent = move || {
        let (step, total) = steps();
        (step.min(total) * 100).checked_div(total).unwrap_or(0)
    };
    let preview = move || {
        job.with(|job| {
            job.as_ref()
                .and_then(|job| job.preview_jpeg.as_ref())
                .map(|jpeg| format!("data:image/jpeg;base64,{jpeg}"))
        })
    };
    let aspect = move || {
        job.with(|job| {
            job.as_ref().map_or("1 / 1".to_string(), |job| {
                format!("{} / {}", job.width.max(1), job.height.max(1))
            })
        })
    };
    view! {
        <div class="mt-3 flex items-center gap-4">
            <div
                class="relative w-28 shrink-0 overflow-hidden rounded-lg bg-zinc-800 ring-1 ring-white/10 sm:w-36"
                style:aspect-ratio=aspect
            >
                {move || match preview() {
                    Some(src) => view! {
                        <img data-testid="job-preview" src=src alt="Preview of the image being painted" class="size-full object-cover" />
                    }.into_any(),
                    None => view! { <div class="easel-shimmer size-full" aria-hidden="true"></div> }.into_any(),
                }}
            </div>
            <div class="min-w-0 flex-1">
                <div class="flex items-baseline justify-between text-xs">
                    <span class="font-medium text-violet-200" data-testid="job-step">
                        {move || match steps() {
                            (_, 0) => "Starting…".to_string(),
                            (step, total) => format!("Step {step} of {total}"),
                        }}
                    </span>
                    <span class="tabular-nums text-zinc-400">{move || format!("{}%", percent())}</span>
                </div>
                <div
                    data-testid="job-progress"
                    role="progressbar"
                    aria-label="Progress"
                    aria-valuemin="0"
                    aria-valuemax="100"
                    aria-valuenow=move || percent().to_string()
                    class="mt-2 h-2 overflow-hidden rounded-full bg-white/10"
                >
                    <div
                        class="h-full rounded-full bg-linear-to-r from-violet-500 to-fuchsia-400 transition-[width] duration-300"
                        style:width=move || format!("{}%", percent().max(2))
                    ></div>
                </div>
            </div>
        </div>
    }
    .into_any()
}

/// Succeeded: the images, each linking to its page in the gallery.
#[component]
fn Results(job: Memo<Option<JobView>>) -> impl IntoView {
    let images = move || {
        job.with(|job| {
            job.as_ref()
                .map(|job| job.image_ids.clone())
                .unwrap_or_default()
        })
    };
    let prompt = move || {
        job.with(|job| {
            job.as_ref()
                .map(|job| job.prompt.clone())
                .unwrap_or_default()
        })
    };
    view! {
        <div class="mt-3 grid grid-cols-2 gap-2 sm:grid-cols-3 2xl:grid-cols-4">
            <For each=images key=|id| *id let:image>
                <A
                    href=format!("/gallery/{image}")
                    attr:class="group relative block aspect-square overflow-hidden rounded-lg bg-zinc-800 ring-1 ring-white/10 transition hover:ring-violet-400/60"
                >
                    <img
                        data-testid="job-result-image"
                        src=thumbnail_url(image, 512)
                        alt=prompt
                        class="size-full object-cover transition duration-300 group-hover:scale-[1.03]"
                    />
                </A>
            </For>
        </div>
    }
    .into_any()
}
