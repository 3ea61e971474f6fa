//! One category of the prompt builder: its chips, a box to type a new one,
//! and suggestions to pick from.

use easel_domain::prompt::builder::ChipCategory;
use leptos::ev::KeyboardEvent;
use leptos::prelude::*;

use super::ChipChange;

/// How many suggestions show before "more".
const SHOWN_SUGGESTIONS: usize = 6;

/// A category's row.
#[component]
pub fn ChipRow(
    category: ChipCategory,
    chips: Signal<Vec<String>>,
    on_change: Callback<(ChipCategory, ChipChange)>,
) -> impl IntoView {
    let draft = RwSignal::new(String::new());
    let all = RwSignal::new(false);
    let key = format!("{category:?}").to_lowercase();
    let add = move |text: String| on_change.run((category, ChipChange::Add(text)));
    let on_key = move |ev: KeyboardEvent| {
        if ev.key() == "Enter" && !ev.ctrl_key() && !ev.meta_key() {
            ev.prevent_default();
            add(draft.get_untracked());
            draft.set(String::new());
        }
    };
    let numbered = move || chips.get().into_iter().enumerate().collect::<Vec<_>>();
    let suggestions = move || {
        let taken = chips.get();
        let limit = if all.get() {
            usize::MAX
        } else {
            SHOWN_SUGGESTIONS
        };
        category
            .suggestions()
            .iter()
            .filter(|s| !taken.iter().any(|c| c.eq_ignore_ascii_case(s)))
            .take(limit)
            .map(|s| (*s).to_owned())
            .collect::<Vec<_>>()
    };
    view! {
        <div data-testid="chip-row" data-category=key.clone()>
            <div class="flex flex-wrap items-center gap-1.5">
                <span class="w-16 shrink-0 text-[11px] font-semibold uppercase tracking-wide text-zinc-500">{category.label()}</span>
                <For each=numbered key=|(i, c)| (*i, c.clone()) let:chip>
                    <span class="inline-flex items-center gap-1 rounded-full bg-violet-500/20 py-0.5 pr-1 pl-2.5 text-xs text-violet-100 ring-1 ring-inset ring-violet-400/30" data-testid="chip">
                        {chip.1.clone()}
                        <button
                            type="button"
                            aria-label=format!("Remove {}", chip.1)
                            on:click=move |_| on_change.run((category, ChipChange::Remove(chip.0)))
                            class="rounded-full px-1 text-violet-200/70 hover:bg-violet-400/20 hover:text-white"
                        >
                            "×"
                        </button>
                    </span>
                </For>
                <input
                    type="text"
                    data-testid=format!("chip-input-{key}")
                    aria-label=format!("Add a {} chip", category.label().to_lowercase())
                    placeholder=category.placeholder()
                    prop:value=move || draft.get()
                    on:input:target=move |ev| draft.set(ev.target().value())
                    on:keydown=on_key
                    on:blur=move |_| {
                        let text = draft.get_untracked();
                        if !text.trim().is_empty() {
                            add(text);
                            draft.set(String::new());
                        }
                    }
                    class="min-w-28 flex-1 rounded-md bg-transparent px-1.5 py-0.5 text-xs text-white placeholder:text-zinc-600 focus:bg-white/5 focus:outline-none"
                />
            </div>
            <div class="mt-1 flex flex-wrap gap-1 pl-[4.375rem]">
                <For each=suggestions key=|s| s.clone() let:suggestion>
                    <button
                        type="button"
                        data-testid="chip-suggestion"
                        on:click={
                            let suggestion = suggestion.clone();
                            move |_| add(suggestion.clone())
                        }
                        class="rounded-full px-2 py-0.5 text-[11px] text-zinc-400 ring-1 ring-inset ring-white/10 transition hover:bg-white/5 hover:text-zinc-100"
                    >
                        {format!("+ {suggestion}")}
                    </button>
                </For>
                <button
                    type="button"
                    on:click=move |_| all.update(|a| *a = !*a)
                    class="px-1.5 py-0.5 text-[11px] text-zinc-500 hover:text-zinc-300"
                >
                    {move || if all.get() { "fewer" } else { "more…" }}
                </button>
            </div>
        </div>
    }
    .into_any()
}
