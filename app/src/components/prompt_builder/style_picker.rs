//! Choosing style presets: a grid of previews by category (the built-in
//! library and the user's own), several at once, in the order picked.

use easel_domain::library::UserStyle;
use easel_domain::prompt::styles::{STYLE_CATEGORIES, builtin_styles, find_style};
use leptos::prelude::*;

/// The category tab that lists the user's own styles.
const MINE: &str = "Mine";

/// One style as the picker shows it.
#[derive(Debug, Clone, PartialEq)]
struct Card {
    id: String,
    name: String,
    category: String,
    preview: String,
}

fn cards(user_styles: &[UserStyle]) -> Vec<Card> {
    let builtin = builtin_styles().iter().map(|s| Card {
        id: s.id.to_owned(),
        name: s.name.to_owned(),
        category: s.category.to_owned(),
        preview: format!("/styles/{}.jpg", s.id),
    });
    let own = user_styles.iter().map(|s| Card {
        id: format!("user:{}", s.id),
        name: s.name.clone(),
        category: MINE.to_owned(),
        preview: format!("/styles/user/{}.jpg", s.id),
    });
    own.chain(builtin).collect()
}

/// A style's display name, for a built-in id or `user:<uuid>`.
pub fn style_name(id: &str, user_styles: &[UserStyle]) -> String {
    if let Some(user_id) = id.strip_prefix("user:") {
        return user_styles
            .iter()
            .find(|s| s.id.to_string() == user_id)
            .map_or_else(|| "A deleted style".to_owned(), |s| s.name.clone());
    }
    find_style(id).map_or_else(|| id.to_owned(), |s| s.name.to_owned())
}

/// The picker: a tab per category, a filter box, and a grid of previews.
#[component]
pub fn StylePicker(
    /// The chosen style ids, in order.
    selected: RwSignal<Vec<String>>,
    /// The user's own styles.
    #[prop(into)]
    user_styles: Signal<Vec<UserStyle>>,
) -> impl IntoView {
    let tab = RwSignal::new("All".to_owned());
    let filter = RwSignal::new(String::new());
    let all_cards = Memo::new(move |_| user_styles.with(|u| cards(u)));
    let shown = move || {
        let (tab, needle) = (tab.get(), filter.get().to_lowercase());
        all_cards.with(|cards| {
            cards
                .iter()
                .filter(|c| tab == "All" || c.category == tab)
                .filter(|c| needle.is_empty() || c.name.to_lowercase().contains(&needle))
                .cloned()
                .collect::<Vec<_>>()
        })
    };
    let tabs = move || {
        let mut tabs = vec!["All".to_owned()];
        if user_styles.with(|u| !u.is_empty()) {
            tabs.push(MINE.to_owned());
        }
        tabs.extend(STYLE_CATEGORIES.iter().map(|c| (*c).to_owned()));
        tabs
    };
    let toggle = move |id: String| {
        selected.update(|list| match list.iter().position(|s| *s == id) {
            Some(index) => {
                list.remove(index);
            }
            None => list.push(id),
        });
    };
    view! {
        <div class="rounded-xl bg-zinc-950/40 p-3 ring-1 ring-inset ring-white/10" data-testid="style-picker">
            <div class="flex flex-wrap items-center gap-1">
                <For each=tabs key=|t| t.clone() let:name>
                    <button
                        type="button"
                        data-testid="style-tab"
                        aria-pressed={
                            let name = name.clone();
                            move || (tab.get() == name).to_string()
                        }
                        on:click={
                            let name = name.clone();
                            move |_| tab.set(name.clone())
                        }
                        class="rounded-full px-2.5 py-1 text-[11px] font-medium text-zinc-400 transition hover:text-white aria-pressed:bg-violet-500 aria-pressed:text-white"
                    >
                        {name.clone()}
                    </button>
                </For>
                <input
                    type="search"
                    data-testid="style-filter"
                    aria-label="Filter styles"
                    placeholder="Filter…"
                    prop:value=move || filter.get()
                    on:input:target=move |ev| filter.set(ev.target().value())
                    class="ml-auto w-28 rounded-md bg-white/5 px-2 py-1 text-xs text-white ring-1 ring-inset ring-white/10 placeholder:text-zinc-600 focus:outline-none focus:ring-violet-500"
                />
            </div>
            <div class="mt-3 grid max-h-80 grid-cols-3 gap-2 overflow-y-auto pr-1 sm:grid-cols-4">
                <For each=shown key=|c| c.id.clone() let:card>
                    <StyleCard card selected on_toggle=Callback::new(toggle) />
                </For>
            </div>
            <p class="mt-2 text-[11px] text-zinc-600">"Previews are drawn by the built-in engine; other backends render each style their own way."</p>
        </div>
    }
    .into_any()
}

/// One preview card, with its place in the order when chosen.
#[component]
fn StyleCard(
    card: Card,
    selected: RwSignal<Vec<String>>,
    on_toggle: Callback<String>,
) -> impl IntoView {
    let order = {
        let id = card.id.clone();
        Signal::derive(move || {
            selected.with(|list| list.iter().position(|s| *s == id).map(|i| i + 1))
        })
    };
    let id = card.id.clone();
    view! {
        <button
            type="button"
            data-testid="style-option"
            data-style=card.id.clone()
            aria-pressed=move || order.get().is_some().to_string()
            title=card.name.clone()
            on:click=move |_| on_toggle.run(id.clone())
            class="group relative overflow-hidden rounded-lg text-left ring-1 ring-white/10 transition hover:ring-white/30 aria-pressed:ring-2 aria-pressed:ring-violet-400"
        >
            <img src=card.preview.clone() alt="" loading="lazy" width="128" height="128" class="aspect-square w-full bg-zinc-900 object-cover" />
            <span class="absolute inset-x-0 bottom-0 truncate bg-linear-to-t from-black/85 to-transparent px-1.5 pt-4 pb-1 text-[11px] font-medium text-white">
                {card.name.clone()}
            </span>
            {move || order.get().map(|n| view! {
                <span class="absolute top-1 right-1 flex size-5 items-center justify-center rounded-full bg-violet-500 text-[11px] font-bold text-white shadow">{n}</span>
            })}
        </button>
    }
    .into_any()
}

/// The chosen styles as removable pills, in order.
#[component]
pub fn SelectedStyles(
    selected: RwSignal<Vec<String>>,
    #[prop(into)] user_styles: Signal<Vec<UserStyle>>,
) -> impl IntoView {
    view! {
        <Show when=move || selected.with(|s| !s.is_empty())>
            <ul class="flex flex-wrap gap-1.5" aria-label="Chosen styles" data-testid="selected-styles">
                <For each=move || selected.get() key=|id| id.clone() let:id>
                    <li class="inline-flex items-center gap-1 rounded-full bg-fuchsia-500/15 py-0.5 pr-1 pl-2.5 text-xs text-fuchsia-100 ring-1 ring-inset ring-fuchsia-400/30" data-testid="selected-style" data-style=id.clone()>
                        {
                            let id = id.clone();
                            move || user_styles.with(|u| style_name(&id, u))
                        }
                        <button
                            type="button"
                            aria-label="Remove style"
                            on:click={
                                let id = id.clone();
                                move |_| selected.update(|list| list.retain(|s| *s != id))
                            }
                            class="rounded-full px-1 text-fuchsia-200/70 hover:bg-fuchsia-400/20 hover:text-white"
                        >
                            "×"
                        </button>
                    </li>
                </For>
            </ul>
        </Show>
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    #[test]
    fn the_users_styles_come_first_and_names_resolve() {
        let mine = UserStyle {
            id: Uuid::nil(),
            name: "Soft focus".into(),
            category: "Mine".into(),
            positive: "{prompt}, soft focus".into(),
            negative: String::new(),
        };
        let cards = cards(std::slice::from_ref(&mine));
        assert_eq!(cards[0].id, format!("user:{}", Uuid::nil()));
        assert_eq!(
            cards[0].preview,
            format!("/styles/user/{}.jpg", Uuid::nil())
        );
        assert_eq!(cards.len(), builtin_styles().len() + 1);
        assert_eq!(style_name(&cards[0].id, &[mine]), "Soft focus");
        assert_eq!(
            style_name("watercolor", &[]),
            find_style("watercolor")
                .map(|s| s.name.to_owned())
                .unwrap_or_default()
        );
        assert_eq!(style_name("user:nope", &[]), "A deleted style");
    }
}
