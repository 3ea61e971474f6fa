//! The prompt builder: structured chips (subject, medium, style, lighting,
//! camera, colour, mood) composed into the prompt, and the style picker.
//! Composing runs in the browser with the same domain code the server uses.

mod chip_row;
mod style_picker;

pub use style_picker::{SelectedStyles, StylePicker};

use easel_domain::prompt::builder::{ChipCategory, PromptChips, compose};
use leptos::prelude::*;

use self::chip_row::ChipRow;

/// The chips panel. Every change writes the composed prompt into `prompt`
/// (the prompt stays editable by hand afterwards).
#[component]
pub fn PromptBuilder(
    /// The prompt the chips compose.
    prompt: RwSignal<String>,
    /// The chips (kept by the page, so they survive closing the panel).
    chips: RwSignal<PromptChips>,
) -> impl IntoView {
    let edit = move |category: ChipCategory, change: ChipChange| {
        chips.update(|chips| {
            let list = chips.get_mut(category);
            match change {
                ChipChange::Add(text) => {
                    let text = text.trim().to_owned();
                    if !text.is_empty() && !list.iter().any(|c| c.eq_ignore_ascii_case(&text)) {
                        list.push(text);
                    }
                }
                ChipChange::Remove(index) => {
                    if index < list.len() {
                        list.remove(index);
                    }
                }
            }
        });
        prompt.set(chips.with_untracked(compose));
    };
    let on_change = Callback::new(move |(category, change)| edit(category, change));
    view! {
        <div class="space-y-3 rounded-xl bg-zinc-950/40 p-3 ring-1 ring-inset ring-white/10" data-testid="prompt-builder">
            <p class="text-xs text-zinc-500">
                "Pick or type chips; they compose the prompt above in this order. Edit the prompt freely afterwards."
            </p>
            {ChipCategory::ALL
                .into_iter()
                .map(|category| {
                    let list = Signal::derive(move || chips.with(|c| c.get(category).to_vec()));
                    view! { <ChipRow category chips=list on_change /> }
                })
                .collect_view()}
            <div class="flex justify-end">
                <button
                    type="button"
                    data-testid="builder-clear"
                    on:click=move |_| {
                        chips.set(PromptChips::default());
                        prompt.set(String::new());
                    }
                    class="rounded-md px-2 py-1 text-xs text-zinc-400 transition hover:bg-white/5 hover:text-white"
                >
                    "Clear chips"
                </button>
            </div>
        </div>
    }
    .into_any()
}

/// One edit of one category's chips.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChipChange {
    /// Adds a chip (ignored when empty or already there).
    Add(String),
    /// Removes the chip at this index.
    Remove(usize),
}
