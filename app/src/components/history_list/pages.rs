//! The entries of a search: its first page, then every page loaded after
//! it (on "Load more", or as the end of the list nears the viewport).

use easel_domain::library::{HistoryEntry, HistoryQuery};
use leptos::prelude::*;

use super::entry::EntryRow;
use crate::AppError;
use crate::api::library::search_history;
use crate::components::near_end::watch_near_end;

/// The entries. `next` is the search for the page after `first` (its
/// `before` is `None` when there is none).
#[component]
pub fn Entries(
    first: Vec<HistoryEntry>,
    next: HistoryQuery,
    on_use: Option<Callback<HistoryEntry>>,
    compact: bool,
) -> impl IntoView {
    let more = RwSignal::new(Vec::<HistoryEntry>::new());
    let next = RwSignal::new(next);
    let loading = RwSignal::new(false);
    let error = RwSignal::new(None::<AppError>);
    let has_more = move || next.with(|query| query.before.is_some());
    let load_more = move || {
        if loading.get_untracked() || !next.with_untracked(|query| query.before.is_some()) {
            return;
        }
        let query = next.get_untracked();
        loading.set(true);
        error.set(None);
        leptos::task::spawn_local(async move {
            match search_history(query.clone()).await {
                Ok(page) => {
                    more.try_update(|entries| entries.extend(page.entries));
                    next.try_set(HistoryQuery {
                        before: page.next,
                        ..query
                    });
                }
                Err(err) => {
                    error.try_set(Some(err));
                }
            }
            loading.try_set(false);
        });
    };

    // Infinite scroll (not in the compact list, which lives in a column of
    // its own): stops on an error until "Load more" is pressed.
    let sentinel = NodeRef::new();
    let near = RwSignal::new(false);
    if !compact {
        watch_near_end(sentinel, near);
    }
    Effect::new(move |_| {
        if near.get() && has_more() && !loading.get() && error.with(Option::is_none) {
            load_more();
        }
    });

    let gap = if compact { "space-y-2" } else { "space-y-3" };
    view! {
        <ul class=gap aria-label="Prompt history">
            {first.into_iter().map(|entry| view! { <EntryRow entry on_use compact /> }).collect_view()}
            <For each=move || more.get() key=|entry| entry.id let:entry>
                <EntryRow entry on_use compact />
            </For>
        </ul>
        <div node_ref=sentinel class="h-px" aria-hidden="true"></div>
        <div class="mt-5 flex flex-col items-center gap-3 pb-2">
            {move || error.get().map(|err| view! {
                <p role="alert" class="text-sm text-rose-300">{format!("Could not load more. {err}")}</p>
            })}
            <Show
                when=has_more
                fallback=move || (!compact).then(|| view! { <p class="text-xs text-zinc-600" data-testid="history-end">"That is everything."</p> })
            >
                <button
                    type="button"
                    data-testid="history-load-more"
                    disabled=move || loading.get()
                    on:click=move |_| load_more()
                    class="inline-flex items-center gap-2 rounded-lg bg-white/5 px-4 py-2 text-sm font-medium text-zinc-200 ring-1 ring-inset ring-white/10 transition hover:bg-white/10 disabled:cursor-wait disabled:opacity-70"
                >
                    <Show when=move || loading.get()>
                        <span class="size-4 animate-spin rounded-full border-2 border-white/20 border-t-white" aria-hidden="true"></span>
                    </Show>
                    {move || if loading.get() { "Loading…" } else { "Load more" }}
                </button>
            </Show>
        </div>
    }
    .into_any()
}
