//! The templates panel: the form (when open) and the templates by
//! category.

use easel_domain::library::{PromptTemplate, UserStyle};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use super::card::TemplateCard;
use super::form::{CATEGORY_LIST, Prefill, TemplateDraft, TemplateForm};
use super::grouping::{categories, group_by_category};
use super::{LoadError, Loading, NewButton, Panel, StylesResource};
use crate::api::library::list_templates;

/// Templates: own and public, with the form to make and change them.
#[component]
pub fn TemplatesSection(styles: StylesResource) -> impl IntoView {
    let templates = Resource::new(|| (), |_| list_templates());
    let draft = TemplateDraft::new();
    if let Some(prefill) = use_query_map().with_untracked(Prefill::from_query) {
        draft.start(prefill);
    }
    let style_list = Signal::derive(move || styles.get().and_then(Result::ok).unwrap_or_default());
    let on_saved = Callback::new(move |()| templates.refetch());
    let on_new = Callback::new(move |()| {
        if draft.open.get_untracked() && draft.editing.get_untracked().is_none() {
            draft.close();
        } else {
            draft.start(Prefill::default());
        }
    });
    let new_open = Signal::derive(move || draft.open.get() && draft.editing.get().is_none());

    view! {
        <Panel
            id="templates"
            title="Saved prompts"
            description="Your templates and everyone's public ones, by category. “Use in Studio” loads one into the Studio's form."
            action=move || view! { <NewButton label="New template" open=new_open testid="template-new" on_click=on_new /> }
        >
            <Show when=move || draft.open.get()>
                <div class="mb-6">
                    <TemplateForm draft on_saved />
                </div>
            </Show>
            <Transition fallback=Loading>
                {move || templates.get().map(|result| match result {
                    Ok(list) if list.is_empty() => view! { <NoTemplates /> }.into_any(),
                    Ok(list) => view! {
                        <CategoryOptions list=list.clone() />
                        <Groups list draft styles=style_list on_changed=on_saved />
                    }.into_any(),
                    Err(err) => view! { <LoadError what="templates" err /> }.into_any(),
                })}
            </Transition>
        </Panel>
    }
    .into_any()
}

/// The templates under their category headings.
#[component]
fn Groups(
    list: Vec<PromptTemplate>,
    draft: TemplateDraft,
    styles: Signal<Vec<UserStyle>>,
    on_changed: Callback<()>,
) -> impl IntoView {
    view! {
        <div class="space-y-8">
            {group_by_category(list)
                .into_iter()
                .map(|group| view! {
                    <section aria-label=group.name.clone() data-testid="template-group">
                        <h3 class="text-xs font-semibold uppercase tracking-wide text-zinc-400">{group.name.clone()}</h3>
                        <ul class="mt-3 grid gap-3 md:grid-cols-2">
                            {group.templates.into_iter().map(|template| view! {
                                <TemplateCard template draft styles on_changed />
                            }).collect_view()}
                        </ul>
                    </section>
                })
                .collect_view()}
        </div>
    }
    .into_any()
}

/// The categories in use, suggested by the form's category input. Drawn
/// with the list (inside its `Transition`), so it is part of the page the
/// server renders, whether or not the form is open.
#[component]
fn CategoryOptions(list: Vec<PromptTemplate>) -> impl IntoView {
    view! {
        <datalist id=CATEGORY_LIST>
            {categories(&list).into_iter().map(|category| view! { <option value=category></option> }).collect_view()}
        </datalist>
    }
}

/// Neither the user nor anyone else has a template yet.
#[component]
fn NoTemplates() -> impl IntoView {
    view! {
        <div class="rounded-xl border border-dashed border-white/15 px-6 py-10 text-center" data-testid="templates-empty">
            <p class="text-sm font-medium text-white">"No templates yet"</p>
            <p class="mx-auto mt-1 max-w-md text-sm text-zinc-400">
                "Make one with “New template”, or use “Save as template” in the Studio to keep a prompt that worked."
            </p>
        </div>
    }
}
