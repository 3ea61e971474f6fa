//! The user's prompt history as a searchable list: newest first, keyset
//! pages, each entry with its thumbnails and actions (star, run again,
//! use or open in the Studio, delete). The History page shows it in full;
//! the Studio can show a compact one beside its form.

mod actions;
mod entry;
mod pages;

use std::time::Duration;

use easel_domain::library::{HistoryEntry, HistoryQuery};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_router::components::A;

use self::pages::Entries;
use crate::api::library::search_history;
use crate::components::action_icons::{ActionIcon, ActionIconKind};

/// How long typing must pause before the search runs.
const SEARCH_DELAY: Duration = Duration::from_millis(250);

/// The history with its own search box and "Starred" filter.
///
/// Inside the Studio (where a `JobStore` is in context) "Run again" puts
/// the new jobs straight into the queue.
#[component]
pub fn HistoryList(
    /// Called with an entry when its "Use" button is pressed; without it,
    /// entries link to the Studio instead (`/?history=<id>`).
    #[prop(optional, into)]
    on_use: Option<Callback<HistoryEntry>>,
    /// Smaller rows: two thumbnails, no delete, no infinite scroll.
    #[prop(optional)]
    compact: bool,
    /// Reloads the list whenever it changes (say, after the Studio
    /// submitted a prompt).
    #[prop(optional, into)]
    refresh: Option<Signal<usize>>,
) -> impl IntoView {
    let typed = RwSignal::new(String::new());
    let text = RwSignal::new(String::new());
    let starred_only = RwSignal::new(false);
    let limit = if compact { 10 } else { 30 };
    let first = Resource::new(
        move || {
            (
                text.get(),
                starred_only.get(),
                refresh.map(|r| r.get()).unwrap_or_default(),
            )
        },
        move |(text, starred_only, _)| async move {
            let query = HistoryQuery {
                text,
                starred_only,
                before: None,
                limit,
            };
            search_history(query.clone())
                .await
                .map(|page| (query, page))
        },
    );
    let clear = Callback::new(move |()| {
        typed.set(String::new());
        text.set(String::new());
        starred_only.set(false);
    });
    let gap = if compact { "mt-3" } else { "mt-6" };

    view! {
        <div data-testid="history-list" data-compact=compact.to_string() class="min-w-0">
            <SearchBar typed text starred_only compact />
            <Transition fallback=move || view! { <ListSkeleton compact /> }>
                {move || first.get().map(|result| match result {
                    Ok((query, page)) if page.entries.is_empty() => view! {
                        <Empty filtered=is_filtered(&query) compact clear />
                    }.into_any(),
                    Ok((query, page)) => {
                        let next = HistoryQuery { before: page.next, ..query };
                        view! { <div class=gap><Entries first=page.entries next on_use compact /></div> }.into_any()
                    }
                    Err(err) => view! {
                        <p role="alert" class=format!("{gap} rounded-xl bg-rose-500/10 p-4 text-sm text-rose-200 ring-1 ring-inset ring-rose-500/25")>
                            {format!("Could not load your history. {err}")}
                        </p>
                    }.into_any(),
                })}
            </Transition>
        </div>
    }
    .into_any()
}

/// The search box (searching as one types, after a pause) and the
/// "Starred" toggle.
#[component]
fn SearchBar(
    /// What is typed.
    typed: RwSignal<String>,
    /// What is searched for (what was typed, once typing paused).
    text: RwSignal<String>,
    starred_only: RwSignal<bool>,
    compact: bool,
) -> impl IntoView {
    // Each keystroke schedules a search; only the latest one runs.
    let keystrokes = StoredValue::new(0u64);
    let on_input = move |value: String| {
        typed.set(value);
        let stroke = keystrokes.with_value(|n| n + 1);
        keystrokes.set_value(stroke);
        set_timeout(
            move || {
                if keystrokes.try_get_value() == Some(stroke) {
                    search_now(typed, text);
                }
            },
            SEARCH_DELAY,
        );
    };
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        keystrokes.update_value(|n| *n += 1);
        search_now(typed, text);
    };
    let size = if compact {
        "py-2 text-sm"
    } else {
        "py-2.5 text-base sm:text-sm"
    };
    view! {
        <form role="search" on:submit=on_submit class="flex items-center gap-2">
            <label class="relative min-w-0 flex-1">
                <span class="sr-only">"Search your prompts"</span>
                <ActionIcon kind=ActionIconKind::Search class="pointer-events-none absolute top-1/2 left-3 size-4 -translate-y-1/2 text-zinc-500" />
                <input
                    type="search"
                    data-testid="history-search"
                    placeholder="Search your prompts"
                    autocomplete="off"
                    spellcheck="false"
                    prop:value=move || typed.get()
                    on:input:target=move |ev| on_input(ev.target().value())
                    class=format!("block w-full rounded-lg border-0 bg-white/5 pr-3 pl-9 {size} text-white ring-1 ring-inset ring-white/10 placeholder:text-zinc-500 transition focus:bg-white/[0.07] focus:outline-none focus:ring-2 focus:ring-violet-500")
                />
            </label>
            <button
                type="button"
                data-testid="history-starred"
                aria-pressed=move || starred_only.get().to_string()
                on:click=move |_| starred_only.update(|on| *on = !*on)
                title="Show only starred prompts"
                class=format!("inline-flex shrink-0 items-center gap-1.5 rounded-lg px-3 {size} font-medium text-zinc-300 ring-1 ring-inset ring-white/10 transition hover:bg-white/5 hover:text-white aria-pressed:bg-amber-400/10 aria-pressed:text-amber-200 aria-pressed:ring-amber-400/30")
            >
                <ActionIcon kind=ActionIconKind::Star class="size-4" />
                "Starred"
            </button>
        </form>
    }
    .into_any()
}

/// Runs the search for what is typed (unless it is already shown).
fn search_now(typed: RwSignal<String>, text: RwSignal<String>) {
    let wanted = typed.with_untracked(|typed| typed.trim().to_owned());
    if text.with_untracked(|text| *text != wanted) {
        text.set(wanted);
    }
}

/// Whether the query narrows the history (so an empty answer means "no
/// matches" rather than "no history").
fn is_filtered(query: &HistoryQuery) -> bool {
    !query.text.trim().is_empty() || query.starred_only
}

/// No history at all, or nothing matching the search.
#[component]
fn Empty(filtered: bool, compact: bool, clear: Callback<()>) -> impl IntoView {
    let box_class = if compact {
        "mt-3 rounded-xl border border-dashed border-white/15 px-4 py-8 text-center"
    } else {
        "mt-6 flex flex-col items-center rounded-2xl border border-dashed border-white/15 bg-white/[0.02] px-6 py-16 text-center"
    };
    if filtered {
        return view! {
            <div class=box_class data-testid="history-no-matches">
                <p class="text-sm font-medium text-white">"No prompts match"</p>
                <p class="mt-1 text-sm text-zinc-400">"Try other words, part of a word, or turn off “Starred”."</p>
                <button
                    type="button"
                    on:click=move |_| clear.run(())
                    class="mt-4 rounded-lg bg-white/5 px-3 py-1.5 text-sm font-medium text-zinc-200 ring-1 ring-inset ring-white/10 transition hover:bg-white/10"
                >
                    "Clear the search"
                </button>
            </div>
        }
        .into_any();
    }
    view! {
        <div class=box_class data-testid="history-empty">
            <p class="text-sm font-medium text-white">"No prompts yet"</p>
            <p class="mt-1 text-sm text-zinc-400">"Every prompt you run is kept here, with its settings and images, ready to run again."</p>
            {(!compact).then(|| view! {
                <A href="/" attr:class="mt-6 inline-flex items-center gap-2 rounded-lg bg-linear-to-r from-violet-500 to-fuchsia-500 px-4 py-2 text-sm font-semibold text-white shadow-lg shadow-violet-500/20 transition hover:brightness-110">
                    <ActionIcon kind=ActionIconKind::Sparkles class="size-4" />
                    "Go to the Studio"
                </A>
            })}
        </div>
    }
    .into_any()
}

/// The list's outline while the first page loads.
#[component]
fn ListSkeleton(compact: bool) -> impl IntoView {
    let (rows, height, gap) = if compact {
        (3, "h-20", "mt-3")
    } else {
        (4, "h-40", "mt-6")
    };
    view! {
        <div class=format!("{gap} space-y-3") aria-hidden="true">
            {(0..rows)
                .map(|_| view! { <div class=format!("{height} animate-pulse rounded-2xl bg-white/[0.04]")></div> })
                .collect_view()}
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_search_or_the_starred_filter_narrows_the_history() {
        assert!(!is_filtered(&HistoryQuery::default()));
        assert!(!is_filtered(&HistoryQuery {
            text: "  ".into(),
            ..HistoryQuery::default()
        }));
        assert!(is_filtered(&HistoryQuery {
            text: "fox".into(),
            ..HistoryQuery::default()
        }));
        assert!(is_filtered(&HistoryQuery {
            starred_only: true,
            ..HistoryQuery::default()
        }));
    }
}
