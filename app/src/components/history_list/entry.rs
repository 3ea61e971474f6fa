//! One history entry: the prompt as written, what it expanded to, the
//! settings, its first images and its actions.

use easel_domain::gallery::thumbnail_url;
use easel_domain::library::HistoryEntry;
use leptos::prelude::*;
use leptos_router::components::A;
use uuid::Uuid;

use super::actions::{EntryActions, StarToggle};
use crate::components::action_icons::{ActionIcon, ActionIconKind};
use crate::components::prompt_text::{HighlightedPrompt, style_label};
use crate::components::time::LocalTime;

/// An entry, until it is deleted.
#[component]
pub fn EntryRow(
    entry: HistoryEntry,
    on_use: Option<Callback<HistoryEntry>>,
    compact: bool,
) -> impl IntoView {
    let removed = RwSignal::new(false);
    let entry = StoredValue::new(entry);
    view! {
        <Show when=move || !removed.get()>
            <EntryCard entry=entry.get_value() removed on_use compact />
        </Show>
    }
    .into_any()
}

/// The entry's card.
#[component]
fn EntryCard(
    entry: HistoryEntry,
    removed: RwSignal<bool>,
    on_use: Option<Callback<HistoryEntry>>,
    compact: bool,
) -> impl IntoView {
    let id = entry.id;
    let starred = RwSignal::new(entry.starred);
    let star_error = RwSignal::new(None::<String>);
    let styles = entry
        .submission
        .styles
        .iter()
        .map(|id| style_label(id, &[]))
        .collect::<Vec<_>>();
    let (card, prompt) = if compact {
        (
            "rounded-xl bg-zinc-900/70 p-3 ring-1 ring-white/10",
            "mt-1.5 line-clamp-3 text-sm leading-snug text-zinc-100",
        )
    } else {
        (
            "rounded-2xl bg-white/[0.03] p-4 ring-1 ring-white/10 sm:p-5",
            "mt-2 text-sm leading-relaxed text-zinc-100",
        )
    };
    view! {
        <li
            data-testid="history-entry"
            data-history-id=id.to_string()
            data-starred=move || starred.get().to_string()
            class=format!("min-w-0 {card}")
        >
            <div class="flex min-w-0 items-start gap-2">
                <div class="flex min-w-0 flex-1 flex-wrap items-center gap-x-2 gap-y-1 text-xs text-zinc-500">
                    <LocalTime at=entry.created_at class="tabular-nums" />
                    <span class="max-w-full truncate rounded-md bg-white/5 px-1.5 py-0.5 font-mono text-[11px] text-zinc-300 ring-1 ring-inset ring-white/10" title="Model" data-testid="history-model">
                        {entry.model.clone()}
                    </span>
                    {styles.into_iter().map(|name| view! {
                        <span class="max-w-full truncate rounded-md bg-violet-500/10 px-1.5 py-0.5 text-[11px] text-violet-200 ring-1 ring-inset ring-violet-400/20" title="Style">{name}</span>
                    }).collect_view()}
                </div>
                <StarToggle id starred error=star_error />
            </div>
            {move || star_error.get().map(|message| view! { <p role="alert" class="mt-1 text-xs text-rose-300">{message}</p> })}
            <HighlightedPrompt text=entry.prompt.clone() class=prompt testid="history-prompt" />
            <ExpandedPrompts id expanded=entry.expanded.clone() compact />
            {(!entry.negative_prompt.trim().is_empty()).then(|| view! {
                <p class="mt-1.5 text-xs leading-snug break-words text-zinc-400" class:line-clamp-2=compact data-testid="history-negative">
                    <span class="font-semibold text-zinc-500">"Negative: "</span>
                    {entry.negative_prompt.clone()}
                </p>
            })}
            <Thumbs ids=shown_thumbs(&entry.image_ids, compact).to_vec() compact />
            <EntryActions entry removed on_use compact />
        </li>
    }
    .into_any()
}

/// The images to show: up to 8, or 2 when compact.
fn shown_thumbs(ids: &[Uuid], compact: bool) -> &[Uuid] {
    let max = if compact { 2 } else { 8 };
    &ids[..ids.len().min(max)]
}

/// "3 prompts", which opens the list of them (when more than one).
#[component]
fn ExpandedPrompts(id: Uuid, expanded: Vec<String>, compact: bool) -> impl IntoView {
    if expanded.len() < 2 {
        return ().into_any();
    }
    let label = format!("{} prompts", expanded.len());
    if compact {
        return view! { <p class="mt-1 text-xs text-zinc-500" data-testid="history-expanded-count">{label}</p> }
            .into_any();
    }
    let open = RwSignal::new(false);
    let list_id = format!("expanded-{id}");
    view! {
        <button
            type="button"
            data-testid="history-expanded-toggle"
            aria-expanded=move || open.get().to_string()
            aria-controls=list_id.clone()
            on:click=move |_| open.update(|open| *open = !*open)
            class="group mt-2 inline-flex items-center gap-1 rounded-md px-1.5 py-0.5 text-xs font-medium text-violet-300 transition hover:bg-violet-500/10"
        >
            {label}
            <ActionIcon kind=ActionIconKind::ChevronDown class="size-3.5 transition group-aria-expanded:rotate-180" />
        </button>
        <ol
            id=list_id
            hidden=move || !open.get()
            data-testid="history-expanded"
            class="mt-2 max-h-64 list-decimal space-y-1 overflow-y-auto rounded-xl bg-zinc-950/60 py-2 pr-3 pl-8 text-xs leading-snug break-words text-zinc-300 ring-1 ring-inset ring-white/10"
        >
            {expanded.into_iter().map(|prompt| view! { <li>{prompt}</li> }).collect_view()}
        </ol>
    }
    .into_any()
}

/// Thumbnails linking to their images.
#[component]
fn Thumbs(ids: Vec<Uuid>, compact: bool) -> impl IntoView {
    if ids.is_empty() {
        return ().into_any();
    }
    let size = if compact {
        "size-12"
    } else {
        "size-16 sm:size-20"
    };
    view! {
        <ul class="mt-3 flex flex-wrap gap-2" aria-label="Images">
            {ids.into_iter().map(|id| view! {
                <li>
                    <A
                        href=format!("/gallery/{id}")
                        attr:data-testid="history-thumb"
                        attr:class=format!("block {size} overflow-hidden rounded-lg bg-zinc-900 ring-1 ring-white/10 transition hover:ring-violet-400/60 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-violet-400")
                    >
                        <img src=thumbnail_url(id, 256) alt="" loading="lazy" decoding="async" class="size-full object-cover" />
                    </A>
                </li>
            }).collect_view()}
        </ul>
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compact_rows_show_two_thumbnails() {
        let ids: Vec<Uuid> = (0..10).map(Uuid::from_u128).collect();
        assert_eq!(shown_thumbs(&ids, false).len(), 8);
        assert_eq!(shown_thumbs(&ids, true), &ids[..2]);
        assert!(shown_thumbs(&[], true).is_empty());
    }
}
