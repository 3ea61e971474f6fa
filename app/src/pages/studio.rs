//! `/`: the Studio. The prompt and settings on the left, the live queue on
//! the right (stacked on phones).

mod composer;
mod controls;
mod form_state;
mod generate_form;
mod library;
mod prompt_tools;
mod tuning;

use std::collections::HashMap;

use easel_domain::generation::{JobView, ModelInfo};
use easel_domain::library::HistoryEntry;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;
use uuid::Uuid;

use self::form_state::StudioForm;
use self::generate_form::GenerateForm;
use crate::api::generation::list_models;
use crate::api::images::get_image;
use crate::api::library::{get_history, get_template};
use crate::components::HistoryList;
use crate::components::progress_socket::provide_job_store;
use crate::components::queue_panel::QueuePanel;
use crate::{AppError, AuthContext};

/// Where images get made. `?remix=<image id>` fills the form with that
/// image's settings.
#[component]
pub fn StudioPage() -> impl IntoView {
    provide_job_store();
    library::StudioLibrary::provide();
    provide_context(Submitted(RwSignal::new(0)));
    let models = Resource::new(|| (), |_| list_models());
    let form = StudioForm::new();
    remember_choices(form);
    let remix = load_remix(form);
    load_from_library(form);

    let model_labels = Signal::derive(move || {
        models
            .get()
            .and_then(Result::ok)
            .map(|models| models.into_iter().map(|m| (m.id, m.label)).collect())
            .unwrap_or_else(HashMap::new)
    });
    let on_reuse = Callback::new(move |job: JobView| {
        form.load_job(&job);
        scroll_to_top();
    });

    let dropped = RwSignal::new(None::<DropOutcome>);
    view! {
        <Title text="Studio" />
        <div on:dragover=|ev: leptos::ev::DragEvent| ev.prevent_default() on:drop=move |ev| load_dropped(ev, form, dropped) data-testid="studio-drop">
        <StudioHeader />
        <div class="mt-6 grid items-start gap-6 lg:grid-cols-[minmax(0,22rem)_minmax(0,1fr)] xl:grid-cols-[minmax(0,25rem)_minmax(0,1fr)]">
            <div class="min-w-0 space-y-3">
                <RemixNote remix />
                <DropNote dropped />
                <Transition fallback=FormSkeleton>
                    {move || models.get().map(|result| match result {
                        Ok(models) => view! { <StudioControls form models /> }.into_any(),
                        Err(err) => view! {
                            <p role="alert" class="rounded-2xl bg-rose-500/10 p-5 text-sm text-rose-200 ring-1 ring-inset ring-rose-500/25">
                                {format!("Could not load the models. {err}")}
                            </p>
                        }.into_any(),
                    })}
                </Transition>
            </div>
            <div class="min-w-0">
                <SidePanel model_labels on_reuse form />
            </div>
        </div>
        </div>
    }
}

/// What a file dropped on the Studio gave the form.
#[cfg_attr(
    not(feature = "hydrate"),
    allow(dead_code, reason = "made in the browser only")
)]
#[derive(Debug, Clone, PartialEq)]
enum DropOutcome {
    /// Loaded from this file, by this tool; these fields could not be used.
    Loaded {
        file: String,
        tool: &'static str,
        unmapped: Vec<String>,
    },
    /// The file carries no settings Easel can read.
    Nothing(String),
}

/// Reads the settings embedded in a file dropped on the Studio (in the
/// browser: nothing is uploaded) and fills the form with them.
fn load_dropped(
    ev: leptos::ev::DragEvent,
    form: StudioForm,
    dropped: RwSignal<Option<DropOutcome>>,
) {
    ev.prevent_default();
    #[cfg(feature = "hydrate")]
    {
        let files = crate::browser::files::list_files(ev.data_transfer().and_then(|d| d.files()));
        let Some(file) = files.into_iter().next() else {
            return;
        };
        leptos::task::spawn_local(async move {
            let name = file.name();
            let outcome = match crate::browser::files::read_bytes(&file).await {
                Ok(bytes) => match easel_domain::metadata::import::read_generation_metadata(&bytes)
                {
                    Ok(Some(imported)) => DropOutcome::Loaded {
                        file: name,
                        tool: imported.source.label(),
                        unmapped: form.load_imported(&imported),
                    },
                    _ => DropOutcome::Nothing(name),
                },
                Err(_) => DropOutcome::Nothing(name),
            };
            dropped.set(Some(outcome));
        });
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (form, dropped);
}

/// What a dropped file gave, and what it could not.
#[component]
fn DropNote(dropped: RwSignal<Option<DropOutcome>>) -> impl IntoView {
    move || {
        dropped.get().map(|outcome| match outcome {
            DropOutcome::Loaded { file, tool, unmapped } => view! {
                <div class="rounded-xl bg-violet-500/10 px-3.5 py-2.5 text-sm text-violet-100 ring-1 ring-inset ring-violet-400/25" data-testid="drop-note">
                    <p>{format!("Settings loaded from {file} ({tool}).")}</p>
                    {(!unmapped.is_empty()).then(|| view! {
                        <p class="mt-1 text-xs text-violet-200/80" data-testid="drop-unmapped">
                            {format!("Not used here: {}.", unmapped.join("; "))}
                        </p>
                    })}
                </div>
            }.into_any(),
            DropOutcome::Nothing(file) => view! {
                <p role="alert" class="rounded-xl bg-amber-500/10 px-3.5 py-2.5 text-sm text-amber-100 ring-1 ring-inset ring-amber-400/25" data-testid="drop-note">
                    {format!("{file} carries no generation settings Easel can read.")}
                </p>
            }.into_any(),
        })
    }
}

/// Counts submissions from the Studio's form, so the history tab reloads.
#[derive(Clone, Copy)]
pub struct Submitted(pub RwSignal<usize>);

/// The right column: the live queue, or the prompt history (whose "Use"
/// loads an entry into the form).
#[component]
fn SidePanel(
    model_labels: Signal<HashMap<String, String>>,
    on_reuse: Callback<JobView>,
    form: StudioForm,
) -> impl IntoView {
    let showing_history = RwSignal::new(false);
    let submitted = expect_context::<Submitted>().0;
    let on_use = Callback::new(move |entry: HistoryEntry| {
        form.load_submission(&entry.submission);
        scroll_to_top();
    });
    let tab = move |history: bool, label: &'static str, testid: &'static str| {
        view! {
            <button
                type="button"
                role="tab"
                data-testid=testid
                aria-selected=move || (showing_history.get() == history).to_string()
                on:click=move |_| showing_history.set(history)
                class="rounded-md px-3 py-1.5 text-xs font-semibold text-zinc-400 transition hover:text-white aria-selected:bg-white/10 aria-selected:text-white"
            >
                {label}
            </button>
        }
    };
    view! {
        <div class="mb-2 flex gap-1" role="tablist" aria-label="Queue or history">
            {tab(false, "Queue", "tab-queue")}
            {tab(true, "History", "tab-history")}
        </div>
        <div class:hidden=move || showing_history.get()>
            <QueuePanel model_labels on_reuse />
        </div>
        <Show when=move || showing_history.get()>
            <div class="rounded-2xl bg-white/[0.03] p-3 ring-1 ring-white/10" data-testid="studio-history">
                <HistoryList compact=true on_use refresh=Signal::derive(move || submitted.get()) />
            </div>
        </Show>
    }
    .into_any()
}

/// The greeting and the page title.
#[component]
fn StudioHeader() -> impl IntoView {
    let auth = expect_context::<AuthContext>();
    let greeting = move || {
        auth.current()
            .map(|user| format!("Welcome, {}", user.username))
            .unwrap_or_default()
    };
    view! {
        <header class="flex flex-wrap items-end justify-between gap-x-6 gap-y-2 border-b border-white/10 pb-5">
            <div>
                <p class="text-sm font-medium text-violet-300" data-testid="greeting">{greeting}</p>
                <h1 class="mt-1 text-2xl font-semibold tracking-tight text-white sm:text-3xl">"Studio"</h1>
            </div>
            <p class="hidden text-sm text-zinc-500 md:block">
                "Describe it, pick a model, and watch it paint. "
                <kbd class="rounded bg-white/10 px-1.5 py-0.5 font-sans text-xs text-zinc-300">"Ctrl"</kbd>
                " + "
                <kbd class="rounded bg-white/10 px-1.5 py-0.5 font-sans text-xs text-zinc-300">"Enter"</kbd>
                " generates."
            </p>
        </header>
    }
    .into_any()
}

/// The form, once the models are known: picks the first available model
/// when the remembered one is gone, and fits the settings to each model.
#[component]
fn StudioControls(form: StudioForm, models: Vec<ModelInfo>) -> impl IntoView {
    let models = StoredValue::new(models);
    let selected = Memo::new(move |_| {
        let id = form.model.get();
        models.with_value(|models| {
            models
                .iter()
                .find(|m| m.id == id)
                .or_else(|| models.iter().find(|m| m.available))
                .or_else(|| models.first())
                .cloned()
        })
    });
    // On a model change, bring back the settings last used with that model
    // (each backend otherwise starts from its own defaults), then fit them.
    Effect::new(move |previous: Option<Option<String>>| {
        let model = selected.get()?;
        if form.model.get_untracked() != model.id {
            form.model.set(model.id.clone());
        }
        #[cfg(feature = "hydrate")]
        if previous.flatten().is_some_and(|p| p != model.id)
            && let Some(saved) = form_state::saved::read_model(&model.id)
        {
            form.load_tuning(&saved);
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = previous;
        form.fit_to(&model.capabilities);
        Some(model.id)
    });
    view! { <GenerateForm form models selected /> }
}

/// Restores the last visit's choices after hydration, then remembers every
/// change (in `localStorage`).
fn remember_choices(form: StudioForm) {
    #[cfg(feature = "hydrate")]
    Effect::new(move |restored: Option<()>| {
        if restored.is_none()
            && let Some(saved) = form_state::saved::read()
        {
            form.load_submission(&saved);
        }
        let choices = form.snapshot();
        if restored.is_some() {
            form_state::saved::write(&choices);
        }
    });
    #[cfg(not(feature = "hydrate"))]
    let _ = form;
}

/// The outcome of `?remix=`: the image loaded, or why not.
type RemixOutcome = Option<Result<Uuid, AppError>>;

/// Fills the form from `?remix=<image id>` (after hydration, so it wins
/// over the remembered choices).
fn load_remix(form: StudioForm) -> RwSignal<RemixOutcome> {
    let outcome = RwSignal::new(None);
    let id = use_query_map().with_untracked(|query| query.get("remix"));
    let Some(id) = id else { return outcome };
    Effect::new(move |_| {
        let id = id.clone();
        leptos::task::spawn_local(async move {
            let result = match Uuid::parse_str(&id) {
                Ok(id) => get_image(id).await.map(|detail| {
                    form.load(&detail.request);
                    id
                }),
                Err(_) => Err(AppError::NotFound),
            };
            outcome.try_set(Some(result));
        });
    });
    outcome
}

/// Fills the form from `?template=<id>` (Templates' "Use in Studio") or
/// `?history=<id>` (History's "Open in Studio"), after hydration so it
/// wins over the remembered choices.
fn load_from_library(form: StudioForm) {
    let (template, history) = use_query_map().with_untracked(|query| {
        (
            query
                .get("template")
                .and_then(|id| Uuid::parse_str(&id).ok()),
            query
                .get("history")
                .and_then(|id| Uuid::parse_str(&id).ok()),
        )
    });
    if template.is_none() && history.is_none() {
        return;
    }
    Effect::new(move |_| {
        leptos::task::spawn_local(async move {
            if let Some(id) = template
                && let Ok(template) = get_template(id).await
            {
                form.apply_template(&template);
            }
            if let Some(id) = history
                && let Ok(entry) = get_history(id).await
            {
                form.load_submission(&entry.submission);
            }
        });
    });
}

/// "Remixing an image" (or why it could not be loaded).
#[component]
fn RemixNote(remix: RwSignal<RemixOutcome>) -> impl IntoView {
    move || {
        remix.get().map(|outcome| match outcome {
            Ok(id) => view! {
                <p class="flex items-center gap-2 rounded-xl bg-violet-500/10 px-3.5 py-2.5 text-sm text-violet-100 ring-1 ring-inset ring-violet-400/25" data-testid="remix-note">
                    <span>"Settings loaded from "</span>
                    <A href=format!("/gallery/{id}") attr:class="font-semibold text-violet-300 underline-offset-2 hover:underline">"an image in your gallery"</A>
                </p>
            }.into_any(),
            Err(err) => view! {
                <p role="alert" class="rounded-xl bg-rose-500/10 px-3.5 py-2.5 text-sm text-rose-200 ring-1 ring-inset ring-rose-500/25">
                    {format!("Could not load that image's settings. {err}")}
                </p>
            }.into_any(),
        })
    }
}

/// The form's outline while the models load.
#[component]
fn FormSkeleton() -> impl IntoView {
    view! {
        <div class="space-y-4 rounded-2xl bg-white/[0.03] p-5 ring-1 ring-white/10" aria-hidden="true">
            <div class="h-3 w-16 rounded bg-white/10"></div>
            <div class="h-32 animate-pulse rounded-xl bg-white/[0.05]"></div>
            <div class="h-11 rounded-xl bg-violet-500/30"></div>
            <div class="h-24 animate-pulse rounded-xl bg-white/[0.04]"></div>
        </div>
    }
}

/// Brings the form into view (after "Reuse" on a job lower down).
fn scroll_to_top() {
    #[cfg(feature = "hydrate")]
    window().scroll_to_with_x_and_y(0.0, 0.0);
}
