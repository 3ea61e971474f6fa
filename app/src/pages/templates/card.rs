//! One template: its prompt with the syntax picked out, the settings it
//! applies, and what can be done with it.

use easel_domain::library::{PromptTemplate, TemplateSettings, UserStyle};
use leptos::prelude::*;
use leptos_router::components::A;

use super::form::TemplateDraft;
use crate::api::library::delete_template;
use crate::components::action_icons::{ActionIcon, ActionIconKind};
use crate::components::confirm::InlineConfirm;
use crate::components::prompt_text::{HighlightedPrompt, style_label};

/// A template's card. Edit and Delete only for the user's own.
#[component]
pub fn TemplateCard(
    template: PromptTemplate,
    draft: TemplateDraft,
    styles: Signal<Vec<UserStyle>>,
    /// Called after a delete.
    on_changed: Callback<()>,
) -> impl IntoView {
    let id = template.id;
    let settings = template.settings.clone();
    let summary = Signal::derive(move || styles.with(|own| settings_summary(&settings, own)));
    let badge = badge(&template);
    let is_own = template.is_own;
    let stored = StoredValue::new(template.clone());
    let on_edit = move |_| {
        stored.with_value(|template| draft.edit(template));
        scroll_to("templates");
    };
    let editing = move || draft.editing.get() == Some(id);
    view! {
        <li
            data-testid="template-card"
            data-template-id=id.to_string()
            data-own=is_own.to_string()
            class="flex min-w-0 flex-col rounded-xl bg-zinc-900/70 p-4 ring-1 ring-white/10 aria-[current=true]:ring-violet-400/60"
            aria-current=move || editing().to_string()
        >
            <div class="flex flex-wrap items-start justify-between gap-x-3 gap-y-1">
                <h4 class="min-w-0 text-sm font-semibold break-words text-white" data-testid="template-card-name">{template.name.clone()}</h4>
                {badge.map(|text| view! {
                    <span class="shrink-0 rounded-full bg-emerald-400/10 px-2 py-0.5 text-[11px] font-medium text-emerald-300 ring-1 ring-inset ring-emerald-400/25" data-testid="template-badge">
                        {text}
                    </span>
                })}
            </div>
            <HighlightedPrompt text=template.prompt.clone() class="mt-2 text-sm leading-relaxed text-zinc-200" testid="template-card-prompt" />
            {(!template.negative_prompt.trim().is_empty()).then(|| view! {
                <p class="mt-2 text-xs leading-snug break-words text-zinc-400">
                    <span class="font-semibold text-zinc-500">"Negative: "</span>
                    {template.negative_prompt.clone()}
                </p>
            })}
            <ul class="mt-3 flex flex-wrap gap-1.5 empty:hidden" aria-label="Settings">
                {move || summary.get().into_iter().map(|item| view! {
                    <li class="max-w-full truncate rounded-md bg-white/5 px-2 py-0.5 text-[11px] text-zinc-300 ring-1 ring-inset ring-white/10">{item}</li>
                }).collect_view()}
            </ul>
            <div class="mt-auto flex flex-wrap items-center gap-2 pt-4">
                <A
                    href=format!("/?template={id}")
                    attr:data-testid="template-use"
                    attr:class="inline-flex items-center gap-1.5 rounded-lg bg-linear-to-r from-violet-500 to-fuchsia-500 px-3 py-1.5 text-xs font-semibold text-white shadow-lg shadow-violet-500/20 transition hover:brightness-110"
                >
                    <ActionIcon kind=ActionIconKind::Sparkles class="size-3.5" />
                    "Use in Studio"
                </A>
                {is_own.then(|| view! {
                    <button
                        type="button"
                        data-testid="template-edit"
                        on:click=on_edit
                        class="inline-flex items-center gap-1.5 rounded-lg px-2.5 py-1.5 text-xs font-medium text-zinc-300 ring-1 ring-inset ring-white/10 transition hover:bg-white/5 hover:text-white"
                    >
                        <ActionIcon kind=ActionIconKind::Pencil class="size-3.5" />
                        "Edit"
                    </button>
                    <DeleteTemplate template=stored.get_value() draft on_changed />
                })}
            </div>
        </li>
    }
    .into_any()
}

/// Delete, with its confirmation below the buttons.
#[component]
fn DeleteTemplate(
    template: PromptTemplate,
    draft: TemplateDraft,
    on_changed: Callback<()>,
) -> impl IntoView {
    let id = template.id;
    let open = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let on_confirm = Callback::new(move |()| {
        busy.set(true);
        error.set(None);
        leptos::task::spawn_local(async move {
            match delete_template(id).await {
                Ok(()) => {
                    if draft.editing.get_untracked() == Some(id) {
                        draft.close();
                    }
                    on_changed.run(());
                }
                Err(err) => {
                    error.try_set(Some(err.to_string()));
                }
            }
            busy.try_set(false);
        });
    });
    view! {
        <button
            type="button"
            data-testid="template-delete"
            aria-expanded=move || open.get().to_string()
            on:click=move |_| open.update(|open| *open = !*open)
            title="Delete this template"
            class="ml-auto inline-flex items-center gap-1.5 rounded-lg px-2.5 py-1.5 text-xs font-medium text-rose-300 ring-1 ring-inset ring-rose-500/30 transition hover:bg-rose-500/10"
        >
            <ActionIcon kind=ActionIconKind::Trash class="size-3.5" />
            "Delete"
        </button>
        <div class="basis-full empty:hidden">
            <InlineConfirm
                open
                question=format!("Delete “{}”?", template.name)
                detail=if template.is_public { "Nobody can use it after this, you included." } else { "It is gone for good." }
                busy
                error
                on_confirm
            />
        </div>
    }
    .into_any()
}

/// "Public" on the user's own public templates; "Public · by <owner>" on
/// other people's (which are always public).
fn badge(template: &PromptTemplate) -> Option<String> {
    match (template.is_own, template.is_public) {
        (true, true) => Some("Public".to_owned()),
        (true, false) => None,
        (false, _) => Some(format!("Public · by {}", template.owner)),
    }
}

/// The settings a template applies, each as a short label: model, size,
/// steps, CFG, sampler, then the styles by name.
fn settings_summary(settings: &TemplateSettings, own: &[UserStyle]) -> Vec<String> {
    let mut items = Vec::new();
    if let Some(model) = &settings.model {
        items.push(model.clone());
    }
    if let Some((width, height)) = settings.size {
        items.push(format!("{width}×{height}"));
    }
    if let Some(steps) = settings.steps {
        items.push(format!("{steps} steps"));
    }
    if let Some(cfg) = settings.cfg {
        items.push(format!("CFG {cfg}"));
    }
    if let Some(sampler) = &settings.sampler {
        items.push(sampler.clone());
    }
    items.extend(settings.styles.iter().map(|id| style_label(id, own)));
    items
}

/// Brings the element with `id` into view (in the browser).
fn scroll_to(id: &str) {
    #[cfg(feature = "hydrate")]
    if let Some(element) = document().get_element_by_id(id) {
        element.scroll_into_view();
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = id;
}

#[cfg(test)]
mod tests {
    use chrono::{DateTime, Utc};
    use uuid::Uuid;

    use super::*;

    #[test]
    fn settings_read_as_short_labels() {
        let settings = TemplateSettings {
            model: Some("builtin:painter".into()),
            size: Some((768, 512)),
            steps: Some(30),
            cfg: None,
            sampler: None,
            styles: vec!["anime".into(), format!("user:{}", Uuid::nil())],
        };
        assert_eq!(
            settings_summary(&settings, &[]),
            [
                "builtin:painter",
                "768×512",
                "30 steps",
                "Anime",
                "Your style"
            ]
        );
        assert!(settings_summary(&TemplateSettings::default(), &[]).is_empty());
    }

    #[test]
    fn other_people_s_templates_name_their_owner() {
        let mut template = PromptTemplate {
            id: Uuid::nil(),
            is_own: true,
            owner: "ada".into(),
            name: "Fox".into(),
            prompt: "a fox".into(),
            negative_prompt: String::new(),
            settings: TemplateSettings::default(),
            category: String::new(),
            is_public: false,
            created_at: DateTime::<Utc>::UNIX_EPOCH,
            updated_at: DateTime::<Utc>::UNIX_EPOCH,
        };
        assert_eq!(badge(&template), None);
        template.is_public = true;
        assert_eq!(badge(&template).as_deref(), Some("Public"));
        template.is_own = false;
        assert_eq!(badge(&template).as_deref(), Some("Public · by ada"));
    }
}
