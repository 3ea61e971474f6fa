//! "My styles": the user's own style presets, each with a small preview
//! the server draws, and the form to add one.

use easel_domain::library::{StyleInput, UserStyle};
use easel_domain::prompt::styles::validate_style;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;

use super::{LoadError, Loading, NewButton, Panel, StylesResource};
use crate::api::library::{create_style, delete_style};
use crate::components::action_icons::{ActionIcon, ActionIconKind};
use crate::components::confirm::InlineConfirm;
use crate::components::form::{FormAlert, SubmitButton};
use crate::components::prompt_text::HighlightedPrompt;
use crate::components::signal_form::{BoundInput, BoundTextArea, FormProblems};

/// The fields the form has a place for.
const FIELDS: &[&str] = &["name", "category", "positive", "negative"];

/// The user's styles and the form for a new one.
#[component]
pub fn UserStylesSection(styles: StylesResource) -> impl IntoView {
    let open = RwSignal::new(false);
    let on_saved = Callback::new(move |()| {
        open.set(false);
        styles.refetch();
    });
    let on_deleted = Callback::new(move |()| styles.refetch());
    view! {
        <Panel
            id="styles"
            title="My styles"
            description="Your own presets: a template around {prompt} and what to leave out. Pick them in the Studio like the built-in ones."
            action=move || view! {
                <NewButton label="New style" open=open.into() testid="style-new" on_click=Callback::new(move |()| open.update(|o| *o = !*o)) />
            }
        >
            <Show when=move || open.get()>
                <div class="mb-6"><StyleForm open on_saved /></div>
            </Show>
            <Transition fallback=Loading>
                {move || styles.get().map(|result| match result {
                    Ok(list) if list.is_empty() => view! {
                        <p class="text-sm text-zinc-400" data-testid="styles-empty">
                            "No styles of your own yet. Start from a built-in one below, or write one with “New style”."
                        </p>
                    }.into_any(),
                    Ok(list) => view! {
                        <ul class="grid gap-3 md:grid-cols-2">
                            {list.into_iter().map(|style| view! { <StyleCard style on_deleted /> }).collect_view()}
                        </ul>
                    }.into_any(),
                    Err(err) => view! { <LoadError what="styles" err /> }.into_any(),
                })}
            </Transition>
        </Panel>
    }
    .into_any()
}

/// One of the user's styles, with its preview.
#[component]
fn StyleCard(style: UserStyle, on_deleted: Callback<()>) -> impl IntoView {
    let id = style.id;
    let confirming = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let on_confirm = Callback::new(move |()| {
        busy.set(true);
        error.set(None);
        leptos::task::spawn_local(async move {
            match delete_style(id).await {
                Ok(()) => on_deleted.run(()),
                Err(err) => {
                    error.try_set(Some(err.to_string()));
                }
            }
            busy.try_set(false);
        });
    });
    view! {
        <li data-testid="user-style-card" data-style-id=id.to_string() class="min-w-0 rounded-xl bg-zinc-900/70 p-3 ring-1 ring-white/10 sm:p-4">
            <div class="flex min-w-0 gap-3">
                <img
                    src=format!("/styles/user/{id}.jpg")
                    alt=format!("Preview of {}", style.name)
                    width="256"
                    height="256"
                    loading="lazy"
                    decoding="async"
                    class="size-20 shrink-0 rounded-lg bg-zinc-800 object-cover ring-1 ring-white/10"
                />
                <div class="min-w-0 flex-1">
                    <div class="flex items-start justify-between gap-2">
                        <div class="min-w-0">
                            <h3 class="truncate text-sm font-semibold text-white">{style.name.clone()}</h3>
                            <p class="text-xs text-zinc-500">{style.category.clone()}</p>
                        </div>
                        <button
                            type="button"
                            data-testid="user-style-delete"
                            aria-expanded=move || confirming.get().to_string()
                            aria-label=format!("Delete {}", style.name)
                            title="Delete this style"
                            on:click=move |_| confirming.update(|o| *o = !*o)
                            class="shrink-0 rounded-lg p-1.5 text-rose-300 ring-1 ring-inset ring-rose-500/30 transition hover:bg-rose-500/10"
                        >
                            <ActionIcon kind=ActionIconKind::Trash class="size-3.5" />
                        </button>
                    </div>
                    <HighlightedPrompt text=style.positive.clone() class="mt-1.5 line-clamp-3 text-xs leading-snug text-zinc-300" />
                    {(!style.negative.is_empty()).then(|| view! {
                        <p class="mt-1 line-clamp-2 text-xs leading-snug break-words text-zinc-500">
                            <span class="font-semibold">"Negative: "</span>{style.negative.clone()}
                        </p>
                    })}
                </div>
            </div>
            <InlineConfirm
                open=confirming
                question=format!("Delete “{}”?", style.name)
                detail="Templates and history that use it keep its name only."
                busy
                error
                on_confirm
            />
        </li>
    }
    .into_any()
}

/// The form for a new style.
#[component]
fn StyleForm(open: RwSignal<bool>, on_saved: Callback<()>) -> impl IntoView {
    let name = RwSignal::new(String::new());
    let category = RwSignal::new(String::new());
    let positive = RwSignal::new("{prompt}, ".to_owned());
    let negative = RwSignal::new(String::new());
    let problems = FormProblems::new();
    let saving = RwSignal::new(false);
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if saving.get_untracked() {
            return;
        }
        let input = StyleInput {
            name: name.get_untracked().trim().to_owned(),
            category: category.get_untracked().trim().to_owned(),
            positive: positive.get_untracked().trim().to_owned(),
            negative: negative.get_untracked().trim().to_owned(),
        };
        if !problems.check(validate_style(
            &input.name,
            &input.positive,
            &input.negative,
        )) {
            return;
        }
        saving.set(true);
        leptos::task::spawn_local(async move {
            match create_style(input).await {
                Ok(_) => on_saved.run(()),
                Err(err) => problems.fail(err),
            }
            saving.try_set(false);
        });
    };
    view! {
        <form novalidate=true on:submit=on_submit data-testid="style-form" aria-label="New style" class="space-y-4 rounded-xl bg-zinc-900/70 p-4 ring-1 ring-white/10 sm:p-5">
            <div class="grid gap-x-4 sm:grid-cols-2">
                <BoundInput id="style-name" label="Name" value=name error=problems.field("name") placeholder="Moody film" testid="style-name" />
                <BoundInput
                    id="style-category"
                    label="Category"
                    value=category
                    error=problems.field("category")
                    placeholder="Mine"
                    hint=Signal::derive(|| "Left empty, it goes under “Mine”.".to_owned())
                    testid="style-category"
                />
            </div>
            <BoundTextArea
                id="style-positive"
                label="Positive"
                value=positive
                error=problems.field("positive")
                rows=3
                hint=Signal::derive(|| "{prompt} marks where the prompt goes; without it the style is added after a comma.".to_owned())
                testid="style-positive"
            />
            <BoundTextArea id="style-negative" label="Negative" value=negative error=problems.field("negative") rows=2 testid="style-negative" />
            <FormAlert message=problems.alert(FIELDS) />
            <div class="flex flex-col-reverse gap-2 sm:flex-row sm:justify-end">
                <button
                    type="button"
                    on:click=move |_| open.set(false)
                    class="rounded-lg px-4 py-2.5 text-sm font-medium text-zinc-300 ring-1 ring-inset ring-white/10 hover:bg-white/5 hover:text-white"
                >
                    "Cancel"
                </button>
                <div class="sm:w-40">
                    <SubmitButton label="Save style" busy_label="Saving…" busy=saving testid="style-save" />
                </div>
            </div>
        </form>
    }
    .into_any()
}
