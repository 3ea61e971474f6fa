//! The Studio's queue: the user's jobs, newest first, moving live.

mod job_card;

use std::collections::HashMap;

use easel_domain::generation::JobView;
use leptos::prelude::*;

use crate::api::generation::CancelJob;
use crate::components::form::FormAlert;
use crate::components::progress_socket::{JobStore, LinkState};

use self::job_card::JobCard;

/// The jobs of the [`JobStore`] in context, each with its progress,
/// preview, results and a Cancel button while it can still be stopped.
#[component]
pub fn QueuePanel(
    /// Model id → display name.
    #[prop(into)]
    model_labels: Signal<HashMap<String, String>>,
    /// Called with a job when its "Reuse" button is pressed.
    #[prop(into)]
    on_reuse: Callback<JobView>,
) -> impl IntoView {
    let store = expect_context::<JobStore>();
    let cancel = ServerAction::<CancelJob>::new();
    let cancel_error = RwSignal::new(None::<String>);
    Effect::new(move |_| match cancel.value().get() {
        Some(Ok(job)) => {
            cancel_error.set(None);
            store.upsert(job);
        }
        Some(Err(err)) => cancel_error.set(Some(err.to_string())),
        None => {}
    });

    view! {
        <section
            aria-labelledby="queue-heading"
            class="overflow-hidden rounded-2xl bg-white/[0.03] ring-1 ring-white/10"
        >
            <header class="flex items-center justify-between gap-3 border-b border-white/10 px-4 py-3 sm:px-5">
                <div class="flex items-baseline gap-2">
                    <h2 id="queue-heading" class="text-sm font-semibold text-white">"Queue"</h2>
                    <span class="text-xs text-zinc-500" data-testid="queue-active">
                        {move || match store.active_count() {
                            0 => String::new(),
                            n => format!("{n} in progress"),
                        }}
                    </span>
                </div>
                <LinkBadge state=store.link />
            </header>
            <div class="space-y-3 p-3 sm:p-4">
                <FormAlert message=cancel_error />
                <QueueBody store model_labels on_reuse cancel />
            </div>
        </section>
    }
    .into_any()
}

/// The list, or why there is none.
#[component]
fn QueueBody(
    store: JobStore,
    model_labels: Signal<HashMap<String, String>>,
    on_reuse: Callback<JobView>,
    cancel: ServerAction<CancelJob>,
) -> impl IntoView {
    let empty = move || store.loaded.get() && store.ids().is_empty();
    view! {
        <Show when=move || store.loaded.get() fallback=QueueSkeleton>
            {move || store.load_error.get().map(|err| view! {
                <p role="alert" class="rounded-lg bg-rose-500/10 px-3.5 py-3 text-sm text-rose-200 ring-1 ring-inset ring-rose-500/25">
                    {format!("Could not load your jobs. {err}")}
                </p>
            })}
            <Show when=empty>
                <QueueEmpty />
            </Show>
            <ol class="space-y-3" aria-label="Jobs">
                <For each=move || store.ids() key=|id| *id let:id>
                    <li>
                        <JobCard id store model_labels on_reuse cancel />
                    </li>
                </For>
            </ol>
        </Show>
    }
    .into_any()
}

/// Shown until the jobs arrive.
#[component]
fn QueueSkeleton() -> impl IntoView {
    view! {
        <div class="space-y-3" aria-hidden="true">
            {(0..2)
                .map(|_| view! {
                    <div class="h-28 animate-pulse rounded-xl bg-white/[0.04] ring-1 ring-white/5"></div>
                })
                .collect_view()}
        </div>
        <p class="sr-only">"Loading your jobs…"</p>
    }
}

/// Shown when the user has no jobs yet.
#[component]
fn QueueEmpty() -> impl IntoView {
    view! {
        <div class="flex flex-col items-center rounded-xl border border-dashed border-white/15 px-6 py-14 text-center" data-testid="queue-empty">
            <span class="easel-empty-art flex size-16 items-center justify-center rounded-2xl ring-1 ring-inset ring-white/10" aria-hidden="true"></span>
            <p class="mt-5 text-sm font-semibold text-white">"Nothing in the queue"</p>
            <p class="mt-1.5 max-w-xs text-sm text-zinc-400">
                "Describe an image and press Generate. Progress and previews show up here as it paints."
            </p>
        </div>
    }
}

/// "Live" while the progress socket is open.
#[component]
fn LinkBadge(state: RwSignal<LinkState>) -> impl IntoView {
    let (label, dot) = (
        move || match state.get() {
            LinkState::Connecting => "Connecting…",
            LinkState::Live => "Live",
            LinkState::Reconnecting => "Reconnecting…",
        },
        move || match state.get() {
            LinkState::Live => "bg-emerald-400",
            LinkState::Connecting => "bg-zinc-500",
            LinkState::Reconnecting => "animate-pulse bg-amber-400",
        },
    );
    view! {
        <span class="inline-flex items-center gap-1.5 text-xs text-zinc-400" data-testid="link-state" role="status">
            <span class=move || format!("size-1.5 rounded-full {}", dot()) aria-hidden="true"></span>
            {label}
        </span>
    }
}
