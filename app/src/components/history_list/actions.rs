//! What can be done with a history entry: star it (at once, undone if the
//! server refuses), run it again, use it in the Studio, delete it.

use easel_domain::library::HistoryEntry;
use leptos::prelude::*;
use leptos_router::components::A;
use uuid::Uuid;

use crate::api::generation::submit_generation;
use crate::api::library::{delete_history, star_history};
use crate::components::action_icons::{ActionIcon, ActionIconKind};
use crate::components::confirm::InlineConfirm;
use crate::components::progress_socket::JobStore;

/// The star. Flips at once; flips back (with a message) if the server
/// refuses.
#[component]
pub fn StarToggle(
    id: Uuid,
    starred: RwSignal<bool>,
    error: RwSignal<Option<String>>,
) -> impl IntoView {
    let toggle = move |_| {
        let wanted = !starred.get_untracked();
        starred.set(wanted);
        error.set(None);
        leptos::task::spawn_local(async move {
            if let Err(err) = star_history(id, wanted).await {
                // Undo only our own change (a later click may have moved it).
                starred.try_update(|now| {
                    if *now == wanted {
                        *now = !wanted;
                    }
                });
                let verb = if wanted { "star" } else { "unstar" };
                error.try_set(Some(format!("Could not {verb} it. {err}")));
            }
        });
    };
    view! {
        <button
            type="button"
            data-testid="history-star"
            aria-pressed=move || starred.get().to_string()
            aria-label=move || if starred.get() { "Unstar" } else { "Star" }
            title=move || if starred.get() { "Starred: click to unstar" } else { "Star this prompt" }
            on:click=toggle
            class="group -mt-1 -mr-1 shrink-0 rounded-lg p-1.5 text-zinc-500 transition hover:bg-white/5 hover:text-amber-200 aria-pressed:text-amber-300"
        >
            <ActionIcon kind=ActionIconKind::Star class="size-4.5 group-aria-pressed:fill-current" />
        </button>
    }
    .into_any()
}

/// What "Run again" did.
#[derive(Debug, Clone, PartialEq)]
enum Rerun {
    /// The jobs were queued.
    Queued(usize),
    /// Why they were not.
    Failed(String),
}

/// "Run again", "Use" or "Open in Studio", and Delete (unless compact),
/// with their outcomes.
#[component]
pub fn EntryActions(
    entry: HistoryEntry,
    removed: RwSignal<bool>,
    on_use: Option<Callback<HistoryEntry>>,
    compact: bool,
) -> impl IntoView {
    let id = entry.id;
    let store = use_context::<JobStore>();
    let running = RwSignal::new(false);
    let rerun = RwSignal::new(None::<Rerun>);
    let submission = StoredValue::new(entry.submission.clone());
    let run_again = move |_| {
        if running.get_untracked() {
            return;
        }
        running.set(true);
        rerun.set(None);
        let submission = submission.get_value();
        leptos::task::spawn_local(async move {
            let outcome = match submit_generation(submission).await {
                Ok(jobs) => {
                    let queued = jobs.len();
                    if let Some(store) = store {
                        store.merge(jobs);
                    }
                    Rerun::Queued(queued)
                }
                Err(err) => Rerun::Failed(format!("Could not run it again. {err}")),
            };
            rerun.try_set(Some(outcome));
            running.try_set(false);
        });
    };

    let confirming = RwSignal::new(false);
    let deleting = RwSignal::new(false);
    let delete_error = RwSignal::new(None::<String>);
    let on_delete = Callback::new(move |()| {
        deleting.set(true);
        delete_error.set(None);
        leptos::task::spawn_local(async move {
            match delete_history(id).await {
                Ok(()) => {
                    removed.try_set(true);
                }
                Err(err) => {
                    delete_error.try_set(Some(err.to_string()));
                }
            }
            deleting.try_set(false);
        });
    });

    let button = "inline-flex items-center gap-1.5 rounded-lg px-2.5 py-1.5 text-xs font-medium ring-1 ring-inset transition";
    let quiet = format!("{button} text-zinc-300 ring-white/10 hover:bg-white/5 hover:text-white");
    let entry = StoredValue::new(entry);
    view! {
        <div class="mt-3 flex flex-wrap items-center gap-2">
            {match on_use {
                Some(on_use) => view! {
                    <button
                        type="button"
                        data-testid="history-use"
                        on:click=move |_| on_use.run(entry.get_value())
                        title="Put this prompt and its settings in the form"
                        class=format!("{button} bg-violet-500/15 text-violet-100 ring-violet-400/30 hover:bg-violet-500/25")
                    >
                        <ActionIcon kind=ActionIconKind::Remix class="size-3.5" />
                        "Use"
                    </button>
                }.into_any(),
                None => view! {
                    <A
                        href=format!("/?history={id}")
                        attr:data-testid="history-open"
                        attr:class=format!("{button} bg-violet-500/15 text-violet-100 ring-violet-400/30 hover:bg-violet-500/25")
                    >
                        <ActionIcon kind=ActionIconKind::Remix class="size-3.5" />
                        "Open in Studio"
                    </A>
                }.into_any(),
            }}
            <button
                type="button"
                data-testid="history-rerun"
                disabled=move || running.get()
                aria-busy=move || running.get().to_string()
                on:click=run_again
                title="Queue this prompt again, with the same settings"
                class=format!("{quiet} disabled:cursor-wait disabled:opacity-70")
            >
                <ActionIcon kind=ActionIconKind::Play class="size-3.5" />
                {move || if running.get() { "Queueing…" } else { "Run again" }}
            </button>
            {(!compact).then(|| view! {
                <button
                    type="button"
                    data-testid="history-delete"
                    aria-expanded=move || confirming.get().to_string()
                    on:click=move |_| confirming.update(|open| *open = !*open)
                    title="Delete this entry"
                    class=format!("{button} ml-auto text-rose-300 ring-rose-500/30 hover:bg-rose-500/10")
                >
                    <ActionIcon kind=ActionIconKind::Trash class="size-3.5" />
                    "Delete"
                </button>
            })}
        </div>
        <RerunNote rerun linked=store.is_none() />
        {(!compact).then(|| view! {
            <InlineConfirm
                open=confirming
                question="Delete this entry?".to_owned()
                detail="It leaves your history; its images stay in the gallery."
                busy=deleting
                error=delete_error
                on_confirm=on_delete
            />
        })}
    }
    .into_any()
}

/// "Queued 3 jobs" (with a link to the Studio when `linked`), or why not.
#[component]
fn RerunNote(rerun: RwSignal<Option<Rerun>>, linked: bool) -> impl IntoView {
    move || {
        rerun.get().map(|outcome| match outcome {
            Rerun::Queued(n) => view! {
                <p class="mt-2 text-xs text-emerald-300" role="status" data-testid="history-rerun-note">
                    {queued_message(n)}
                    {linked.then(|| view! {
                        " "
                        <A href="/" attr:class="font-semibold text-violet-300 underline-offset-2 hover:underline">"Watch them in the Studio"</A>
                    })}
                </p>
            }
            .into_any(),
            Rerun::Failed(message) => view! {
                <p class="mt-2 text-xs text-rose-300" role="alert" data-testid="history-rerun-note">{message}</p>
            }
            .into_any(),
        })
    }
}

/// "Queued 1 job." / "Queued 3 jobs."
fn queued_message(jobs: usize) -> String {
    match jobs {
        1 => "Queued 1 job.".to_owned(),
        n => format!("Queued {n} jobs."),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queued_jobs_are_counted_in_words() {
        assert_eq!(queued_message(1), "Queued 1 job.");
        assert_eq!(queued_message(3), "Queued 3 jobs.");
    }
}
