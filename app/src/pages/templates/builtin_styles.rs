//! The built-in style presets as a gallery to browse (picking one happens
//! in the Studio), filterable by category.

use easel_domain::prompt::styles::{STYLE_CATEGORIES, StylePreset, builtin_styles};
use leptos::prelude::*;

use crate::components::action_icons::{ActionIcon, ActionIconKind};

/// A collapsible grid of every built-in style with its preview.
#[component]
pub fn BuiltinStyles() -> impl IntoView {
    let shown = RwSignal::new(None::<&'static str>);
    let styles = builtin_styles();
    view! {
        <section id="builtin-styles" aria-labelledby="builtin-styles-heading" class="scroll-mt-20 rounded-2xl bg-white/[0.03] ring-1 ring-white/10">
            <details class="group/details" data-testid="builtin-styles">
                <summary class="flex cursor-pointer list-none items-center justify-between gap-3 rounded-2xl px-4 py-4 transition hover:bg-white/[0.02] sm:px-6 [&::-webkit-details-marker]:hidden">
                    <div class="min-w-0">
                        <h2 id="builtin-styles-heading" class="text-sm font-semibold text-white">"Built-in styles"</h2>
                        <p class="mt-0.5 text-xs text-zinc-500">
                            {format!("{} presets, each previewed on its own sample scene. Pick them in the Studio.", styles.len())}
                        </p>
                    </div>
                    <ActionIcon kind=ActionIconKind::ChevronDown class="size-5 shrink-0 text-zinc-400 transition group-open/details:rotate-180" />
                </summary>
                <div class="border-t border-white/10 p-4 sm:p-6">
                    <CategoryChips shown />
                    <ul class="mt-4 grid grid-cols-2 gap-3 sm:grid-cols-3 lg:grid-cols-4 xl:grid-cols-5" aria-label="Built-in styles">
                        {styles.iter().map(|style| view! { <StyleTile style shown /> }).collect_view()}
                    </ul>
                </div>
            </details>
        </section>
    }
    .into_any()
}

/// "All" and one chip per category, with how many styles each has.
#[component]
fn CategoryChips(shown: RwSignal<Option<&'static str>>) -> impl IntoView {
    let chips = std::iter::once((None, builtin_styles().len())).chain(
        STYLE_CATEGORIES
            .iter()
            .map(|category| (Some(*category), count_in(category))),
    );
    view! {
        <div class="flex flex-wrap gap-1.5" role="group" aria-label="Filter by category">
            {chips.map(|(category, count)| view! {
                <button
                    type="button"
                    data-testid="style-category"
                    data-category=category.unwrap_or("all")
                    aria-pressed=move || (shown.get() == category).to_string()
                    on:click=move |_| shown.set(category)
                    class="rounded-full px-3 py-1 text-xs font-medium text-zinc-300 ring-1 ring-inset ring-white/10 transition hover:bg-white/5 hover:text-white aria-pressed:bg-violet-500/15 aria-pressed:text-violet-100 aria-pressed:ring-violet-400/50"
                >
                    {category.unwrap_or("All")}
                    <span class="ml-1 tabular-nums text-zinc-500">{count}</span>
                </button>
            }).collect_view()}
        </div>
    }
    .into_any()
}

/// How many built-in styles `category` has.
fn count_in(category: &str) -> usize {
    builtin_styles()
        .iter()
        .filter(|style| style.category == category)
        .count()
}

/// One style: its preview (loaded when scrolled near), name and category.
/// Hidden, not removed, when filtered out, so previews load once.
#[component]
fn StyleTile(style: &'static StylePreset, shown: RwSignal<Option<&'static str>>) -> impl IntoView {
    let hidden = move || {
        shown
            .get()
            .is_some_and(|category| category != style.category)
    };
    view! {
        <li data-testid="style-card" data-style=style.id class="min-w-0" class:hidden=hidden>
            <figure class="overflow-hidden rounded-xl bg-zinc-900/70 ring-1 ring-white/10" title=style.positive>
                <img
                    src=format!("/styles/{}.jpg", style.id)
                    alt=format!("The {} style on a sample scene", style.name)
                    width="256"
                    height="256"
                    loading="lazy"
                    decoding="async"
                    class="aspect-square w-full bg-zinc-800 object-cover"
                />
                <figcaption class="px-2.5 py-2">
                    <span class="block truncate text-xs font-medium text-white">{style.name}</span>
                    <span class="block truncate text-[11px] text-zinc-500">{style.category}</span>
                </figcaption>
            </figure>
        </li>
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_built_in_style_has_a_chip() {
        let counted: usize = STYLE_CATEGORIES.iter().map(|c| count_in(c)).sum();
        assert_eq!(counted, builtin_styles().len());
    }
}
