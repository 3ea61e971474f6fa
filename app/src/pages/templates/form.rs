//! The template form (create and edit), and the link that opens it filled
//! with a prompt.

use easel_domain::library::{PromptTemplate, TemplateInput, TemplateSettings};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_router::params::ParamsMap;
use uuid::Uuid;

use crate::api::library::{create_template, update_template};
use crate::components::form::{FormAlert, SubmitButton};
use crate::components::signal_form::{BoundInput, BoundTextArea, BoundToggle, FormProblems};
use crate::encode_query_value;

/// The id of the `<datalist>` of categories in use (drawn with the list).
pub const CATEGORY_LIST: &str = "template-categories";

/// The fields the form has a place for.
const FIELDS: &[&str] = &["name", "category", "prompt", "negative_prompt"];

/// `/templates?new=1&prompt=…&negative=…&model=…&size=WxH&steps=…&cfg=…&sampler=…&styles=a,b`:
/// the Templates page with a new template's form open on this prompt and
/// these Studio settings (for the Studio's "Save as template").
pub fn new_template_href(prompt: &str, negative: &str, settings: &TemplateSettings) -> String {
    let mut href = format!("/templates?new=1&prompt={}", encode_query_value(prompt));
    let mut push = |key: &str, value: &str| {
        if !value.is_empty() {
            href.push_str(&format!("&{key}={}", encode_query_value(value)));
        }
    };
    push("negative", negative);
    push("model", settings.model.as_deref().unwrap_or_default());
    if let Some((width, height)) = settings.size {
        push("size", &format!("{width}x{height}"));
    }
    push(
        "steps",
        &settings.steps.map(|s| s.to_string()).unwrap_or_default(),
    );
    push(
        "cfg",
        &settings.cfg.map(|c| c.to_string()).unwrap_or_default(),
    );
    push("sampler", settings.sampler.as_deref().unwrap_or_default());
    push("styles", &settings.styles.join(","));
    href
}

/// What `?new=1&…` asks the form to start with.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Prefill {
    /// The prompt.
    pub prompt: String,
    /// The negative prompt.
    pub negative: String,
    /// The Studio's settings to keep with it.
    pub settings: TemplateSettings,
}

impl Prefill {
    /// The prefill the query asks for: only with `new=1` (or `new=true`).
    /// Settings that do not parse are left out.
    pub fn from_query(query: &ParamsMap) -> Option<Self> {
        let wanted = query
            .get_str("new")
            .is_some_and(|new| matches!(new.trim(), "1" | "true"));
        let text = |key: &str| query.get(key).filter(|v| !v.trim().is_empty());
        let size = text("size").and_then(|size| {
            let (w, h) = size.split_once('x')?;
            Some((w.trim().parse().ok()?, h.trim().parse().ok()?))
        });
        let settings = TemplateSettings {
            model: text("model"),
            size,
            steps: text("steps").and_then(|s| s.parse().ok()),
            cfg: text("cfg").and_then(|c| c.parse().ok()),
            sampler: text("sampler"),
            styles: text("styles")
                .map(|s| {
                    s.split(',')
                        .map(str::trim)
                        .filter(|s| !s.is_empty())
                        .map(str::to_owned)
                        .collect()
                })
                .unwrap_or_default(),
        };
        wanted.then(|| Self {
            prompt: query.get("prompt").unwrap_or_default(),
            negative: query.get("negative").unwrap_or_default(),
            settings,
        })
    }
}

/// The form's fields. `Copy`: every field is a signal.
#[derive(Clone, Copy)]
pub struct TemplateDraft {
    /// The template being edited (`None`: a new one).
    pub editing: RwSignal<Option<Uuid>>,
    /// Whether the form shows.
    pub open: RwSignal<bool>,
    name: RwSignal<String>,
    category: RwSignal<String>,
    prompt: RwSignal<String>,
    negative: RwSignal<String>,
    is_public: RwSignal<bool>,
    /// Kept as they were: the form does not edit them.
    settings: RwSignal<TemplateSettings>,
    /// What is wrong with it.
    problems: FormProblems,
}

impl TemplateDraft {
    /// A closed, empty form.
    pub fn new() -> Self {
        Self {
            editing: RwSignal::new(None),
            open: RwSignal::new(false),
            name: RwSignal::new(String::new()),
            category: RwSignal::new(String::new()),
            prompt: RwSignal::new(String::new()),
            negative: RwSignal::new(String::new()),
            is_public: RwSignal::new(false),
            settings: RwSignal::new(TemplateSettings::default()),
            problems: FormProblems::new(),
        }
    }

    /// Opens it for a new template, starting from `prefill`.
    pub fn start(&self, prefill: Prefill) {
        self.fill(
            None,
            &TemplateInput {
                prompt: prefill.prompt,
                negative_prompt: prefill.negative,
                settings: prefill.settings,
                ..TemplateInput::default()
            },
        );
    }

    /// Opens it on one of the user's templates.
    pub fn edit(&self, template: &PromptTemplate) {
        self.fill(
            Some(template.id),
            &TemplateInput {
                name: template.name.clone(),
                prompt: template.prompt.clone(),
                negative_prompt: template.negative_prompt.clone(),
                settings: template.settings.clone(),
                category: template.category.clone(),
                is_public: template.is_public,
            },
        );
    }

    /// Closes it.
    pub fn close(&self) {
        self.open.set(false);
        self.editing.set(None);
        self.problems.clear();
    }

    fn fill(&self, editing: Option<Uuid>, input: &TemplateInput) {
        self.editing.set(editing);
        self.name.set(input.name.clone());
        self.category.set(input.category.clone());
        self.prompt.set(input.prompt.clone());
        self.negative.set(input.negative_prompt.clone());
        self.is_public.set(input.is_public);
        self.settings.set(input.settings.clone());
        self.problems.clear();
        self.open.set(true);
    }

    /// The input to send (untracked).
    fn input(&self) -> TemplateInput {
        TemplateInput {
            name: self.name.get_untracked(),
            prompt: self.prompt.get_untracked(),
            negative_prompt: self.negative.get_untracked(),
            settings: self.settings.get_untracked(),
            category: self.category.get_untracked(),
            is_public: self.is_public.get_untracked(),
        }
        .normalized()
    }
}

/// The form. Checks the template in the browser, saves it, then calls
/// `on_saved`.
#[component]
pub fn TemplateForm(
    draft: TemplateDraft,
    /// Called after a save.
    on_saved: Callback<()>,
) -> impl IntoView {
    let saving = RwSignal::new(false);
    let problems = draft.problems;
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if saving.get_untracked() {
            return;
        }
        let input = draft.input();
        if !problems.check(input.validate()) {
            return;
        }
        saving.set(true);
        let editing = draft.editing.get_untracked();
        leptos::task::spawn_local(async move {
            let saved = match editing {
                Some(id) => update_template(id, input).await,
                None => create_template(input).await,
            };
            match saved {
                Ok(_) => {
                    draft.close();
                    on_saved.run(());
                }
                Err(err) => problems.fail(err),
            }
            saving.try_set(false);
        });
    };
    let heading = move || {
        if draft.editing.get().is_some() {
            "Edit template"
        } else {
            "New template"
        }
    };
    let has_settings = move || draft.settings.with(|s| *s != TemplateSettings::default());
    view! {
        <form
            novalidate=true
            on:submit=on_submit
            data-testid="template-form"
            aria-label=heading
            class="space-y-4 rounded-xl bg-zinc-900/70 p-4 ring-1 ring-white/10 sm:p-5"
        >
            <h3 class="text-sm font-semibold text-white">{heading}</h3>
            <div class="grid gap-x-4 sm:grid-cols-2">
                <BoundInput id="template-name" label="Name" value=draft.name error=problems.field("name") placeholder="Moody portrait" testid="template-name" />
                <BoundInput id="template-category" label="Category" value=draft.category error=problems.field("category") placeholder="Portraits" list=CATEGORY_LIST testid="template-category" />
            </div>
            <BoundTextArea
                id="template-prompt"
                label="Prompt"
                value=draft.prompt
                error=problems.field("prompt")
                rows=4
                placeholder="portrait of {subject=a red fox}, {soft|dramatic} light, __backgrounds__"
                hint=Signal::derive(|| "{subject} is a variable, {a|b} picks one, __list__ draws from a wildcard list.".to_owned())
                testid="template-prompt"
            />
            <BoundTextArea id="template-negative" label="Negative prompt" value=draft.negative error=problems.field("negative_prompt") rows=2 testid="template-negative" />
            <BoundToggle id="template-public" label="Public" detail="Everyone on this server can see and use it." value=draft.is_public testid="template-public" />
            <Show when=has_settings>
                <p class="text-xs text-zinc-500">"Its model, size and styles are kept as they are."</p>
            </Show>
            <FormAlert message=problems.alert(FIELDS) />
            <div class="flex flex-col-reverse gap-2 sm:flex-row sm:justify-end">
                <button
                    type="button"
                    on:click=move |_| draft.close()
                    class="rounded-lg px-4 py-2.5 text-sm font-medium text-zinc-300 ring-1 ring-inset ring-white/10 hover:bg-white/5 hover:text-white"
                >
                    "Cancel"
                </button>
                <div class="sm:w-40">
                    <SubmitButton label="Save" busy_label="Saving…" busy=saving testid="template-save" />
                </div>
            </div>
        </form>
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query(pairs: &[(&'static str, &str)]) -> ParamsMap {
        let mut map = ParamsMap::new();
        for (key, value) in pairs {
            map.insert(*key, (*value).to_owned());
        }
        map
    }

    #[test]
    fn the_form_prefills_only_when_asked() {
        assert_eq!(Prefill::from_query(&query(&[("prompt", "a fox")])), None);
        assert_eq!(
            Prefill::from_query(&query(&[
                ("new", "1"),
                ("prompt", "a fox"),
                ("negative", "blur")
            ])),
            Some(Prefill {
                prompt: "a fox".into(),
                negative: "blur".into(),
                settings: TemplateSettings::default(),
            })
        );
        let with_settings = Prefill::from_query(&query(&[
            ("new", "1"),
            ("prompt", "a fox"),
            ("model", "comfyui:sd"),
            ("size", "768x512"),
            ("steps", "30"),
            ("styles", "watercolor, user:abc"),
            ("cfg", "nonsense"),
        ]))
        .map(|p| p.settings);
        assert_eq!(
            with_settings,
            Some(TemplateSettings {
                model: Some("comfyui:sd".into()),
                size: Some((768, 512)),
                steps: Some(30),
                styles: vec!["watercolor".into(), "user:abc".into()],
                ..TemplateSettings::default()
            })
        );
        assert_eq!(
            Prefill::from_query(&query(&[("new", "true")])),
            Some(Prefill::default())
        );
        assert_eq!(Prefill::from_query(&query(&[("new", "0")])), None);
    }

    #[test]
    fn the_studio_link_encodes_the_prompt() {
        let none = TemplateSettings::default();
        let href = new_template_href("a {red|blue} fox & friends", "", &none);
        assert_eq!(
            href,
            "/templates?new=1&prompt=a%20%7Bred%7Cblue%7D%20fox%20%26%20friends"
        );
        let href = new_template_href("fox", "blurry, low quality", &none);
        assert!(href.ends_with("&negative=blurry%2C%20low%20quality"));
        let settings = TemplateSettings {
            size: Some((512, 768)),
            styles: vec!["anime".into(), "pixel-art".into()],
            ..TemplateSettings::default()
        };
        let href = new_template_href("fox", "", &settings);
        assert!(
            href.ends_with("&size=512x768&styles=anime%2Cpixel-art"),
            "{href}"
        );
    }
}
