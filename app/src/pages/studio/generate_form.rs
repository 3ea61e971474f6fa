//! The left column: prompt, settings and the Generate button. Checks the
//! request in the browser (the server's own rules) before sending it.

use easel_domain::ValidationError;
use easel_domain::generation::{Capabilities, ModelInfo, SizeRule};
use leptos::ev::{KeyboardEvent, SubmitEvent};
use leptos::prelude::*;

use super::composer::Composition;
use super::controls::{
    ControlLabel, CountPicker, FieldMessage, ModelPicker, SeedField, SizePicker, StepsSlider,
};
use super::form_state::StudioForm;
use super::library::StudioLibrary;
use super::prompt_tools::{ExpansionControls, Panel, PromptPreview, PromptToolbar, VariableFields};
use super::tuning::TuningControls;
use crate::AppError;
use crate::api::generation::submit_generation;
use crate::components::action_icons::{ActionIcon, ActionIconKind};
use crate::components::form::FormAlert;
use crate::components::progress_socket::JobStore;
use crate::components::prompt_builder::{PromptBuilder, SelectedStyles, StylePicker};
use easel_domain::prompt::builder::PromptChips;

/// The fields that have a control to show their errors beside.
const FIELDS: [&str; 15] = [
    "prompt",
    "styles",
    "negative_prompt",
    "model",
    "size",
    "count",
    "steps",
    "seed",
    "cfg",
    "sampler",
    "scheduler",
    "quality",
    "style",
    "background",
    "output_format",
];

/// The form. `models` is the server's list; `selected` the chosen one.
#[component]
pub fn GenerateForm(
    form: StudioForm,
    models: StoredValue<Vec<ModelInfo>>,
    selected: Memo<Option<ModelInfo>>,
) -> impl IntoView {
    let store = expect_context::<JobStore>();
    let library = expect_context::<StudioLibrary>();
    let submitted = expect_context::<super::Submitted>();
    let caps = Signal::derive(move || {
        selected
            .with(|m| m.as_ref().map(|m| m.capabilities.clone()))
            .unwrap_or_else(fallback_capabilities)
    });
    let composition = Memo::new(move |_| {
        let styles = library.user_styles();
        let wildcards = library.wildcards();
        selected
            .get()
            .map(|model| form.compose(&model, &styles, &wildcards))
    });
    let checked = Memo::new(move |_| {
        composition.with(|c| c.as_ref().map(|c| (c.request.clone(), c.errors.clone())))
    });
    // Errors show after a refused Generate, then follow the edits live.
    let show_errors = RwSignal::new(false);
    let server_error = RwSignal::new(None::<AppError>);
    let sending = RwSignal::new(0u32);

    let field_error = move |field: &'static str| {
        Signal::derive(move || {
            let client = show_errors
                .get()
                .then(|| {
                    checked.with(|c| first_error(c.as_ref().map(|(_, e)| e.as_slice()), field))
                })
                .flatten();
            client.or_else(|| {
                server_error.with(|err| {
                    err.as_ref()
                        .filter(|err| err.field() == Some(field))
                        .map(ToString::to_string)
                })
            })
        })
    };
    let alert = Signal::derive(move || {
        server_error.with(|err| {
            err.as_ref()
                .filter(|err| err.field().is_none_or(|field| !FIELDS.contains(&field)))
                .map(ToString::to_string)
        })
    });

    let generate = move || {
        if sending.get_untracked() > 0 {
            return;
        }
        let Some((request, errors)) = checked.get_untracked() else {
            return;
        };
        server_error.set(None);
        if !errors.is_empty() {
            show_errors.set(true);
            return;
        }
        show_errors.set(false);
        sending.update(|n| *n += 1);
        let submission = form.submission(request);
        leptos::task::spawn_local(async move {
            match submit_generation(submission).await {
                Ok(jobs) => {
                    for job in jobs {
                        store.upsert(job);
                    }
                    submitted.0.try_update(|n| *n += 1);
                }
                Err(err) => {
                    server_error.try_set(Some(err));
                }
            }
            sending.try_update(|n| *n = n.saturating_sub(1));
        });
    };
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        generate();
    };
    // Ctrl+Enter (Cmd+Enter on a Mac) anywhere in the form.
    let on_keydown = move |ev: KeyboardEvent| {
        if ev.key() == "Enter" && (ev.ctrl_key() || ev.meta_key()) {
            ev.prevent_default();
            generate();
        }
    };

    view! {
        <form
            novalidate=true
            on:submit=on_submit
            on:keydown=on_keydown
            aria-label="Generate an image"
            class="space-y-5 rounded-2xl bg-white/[0.03] p-4 ring-1 ring-white/10 sm:p-5"
        >
            <PromptFields form caps composition=composition.into() prompt_error=field_error("prompt") negative_error=field_error("negative_prompt") />
            <FieldMessage id="styles" error=field_error("styles") />
            <FormAlert message=alert />
            <GenerateButton sending=Signal::derive(move || sending.get() > 0) />
            <div class="space-y-5 border-t border-white/10 pt-5">
                <ModelPicker form models selected error=field_error("model") />
                <SizePicker form caps error=field_error("size") />
                <CountPicker form max=Signal::derive(move || caps.with(|c| c.max_count)) error=field_error("count") />
                {move || caps.with(|c| c.steps).map(|range| view! {
                    <StepsSlider form min=range.min as u32 max=range.max as u32 error=field_error("steps") />
                })}
                <TuningControls form caps error=Callback::new(field_error) />
                <Show when=move || caps.with(|c| c.seed)>
                    <SeedField form error=field_error("seed") />
                </Show>
            </div>
        </form>
    }
    .into_any()
}

/// The first message for `field`.
fn first_error(errors: Option<&[ValidationError]>, field: &str) -> Option<String> {
    errors?
        .iter()
        .find(|err| err.field == field)
        .map(|err| err.message.clone())
}

/// What to draw the form with before any model is known.
fn fallback_capabilities() -> Capabilities {
    Capabilities {
        operations: Vec::new(),
        negative_prompt: true,
        seed: true,
        steps: None,
        sizes: SizeRule::Fixed { sizes: Vec::new() },
        max_count: 1,
        max_prompt_chars: 1000,
        ..Capabilities::default()
    }
}

/// The prompt and negative prompt, with the builder, styles, templates,
/// variables, expansion and the preview of what the backend receives.
#[component]
fn PromptFields(
    form: StudioForm,
    caps: Signal<Capabilities>,
    composition: Signal<Option<Composition>>,
    prompt_error: Signal<Option<String>>,
    negative_error: Signal<Option<String>>,
) -> impl IntoView {
    let library = expect_context::<StudioLibrary>();
    let panel = RwSignal::new(Panel::Closed);
    let chips = RwSignal::new(PromptChips::default());
    let length = move || form.prompt.with(|p| p.trim().chars().count());
    let max = move || caps.with(|c| c.max_prompt_chars) as usize;
    let variables = Signal::derive(move || {
        composition.with(|c| c.as_ref().map(|c| c.variables.clone()).unwrap_or_default())
    });
    let dynamic = move || composition.with(|c| c.as_ref().is_some_and(|c| c.dynamic));
    let count = Signal::derive(move || composition.with(|c| c.as_ref().and_then(|c| c.count)));
    let combinations =
        Signal::derive(move || composition.with(|c| c.as_ref().and_then(|c| c.combinations)));
    // The preview only adds something when the final prompt differs from
    // what was typed.
    let preview = Signal::derive(move || {
        composition.get().filter(|c| {
            c.dynamic
                || c.prompts.iter().any(|(p, n)| {
                    form.prompt.with(|typed| p.trim() != typed.trim())
                        || form.negative_prompt.with(|typed| n.trim() != typed.trim())
                })
        })
    });
    let user_styles = Signal::derive(move || library.user_styles());
    view! {
        <div class="space-y-2.5">
            <div class="flex items-baseline justify-between">
                <ControlLabel target="prompt">"Prompt"</ControlLabel>
                <span class=move || {
                    let tone = if length() > max() { "text-rose-400" } else { "text-zinc-500" };
                    format!("text-[11px] tabular-nums {tone}")
                } data-testid="prompt-length">
                    {move || format!("{} / {}", length(), max())}
                </span>
            </div>
            <PromptToolbar panel form templates=Signal::derive(move || library.templates()) />
            <textarea
                id="prompt"
                name="prompt"
                data-testid="prompt"
                rows="5"
                placeholder="A lighthouse on a cliff at dusk, warm light, oil painting"
                aria-describedby="prompt-message"
                aria-invalid=move || prompt_error.get().is_some().to_string()
                prop:value=move || form.prompt.get()
                on:input:target=move |ev| form.prompt.set(ev.target().value())
                class="block min-h-32 w-full resize-y rounded-xl border-0 bg-zinc-950/60 px-3.5 py-3 text-base leading-relaxed text-white ring-1 ring-inset ring-white/10 placeholder:text-zinc-600 focus:outline-none focus:ring-2 focus:ring-violet-500 aria-[invalid=true]:ring-rose-500/70 sm:text-sm"
            ></textarea>
            <FieldMessage id="prompt" error=prompt_error />
            <SelectedStyles selected=form.styles user_styles />
            {move || match panel.get() {
                Panel::Builder => Some(view! { <PromptBuilder prompt=form.prompt chips /> }.into_any()),
                Panel::Styles => Some(view! { <StylePicker selected=form.styles user_styles /> }.into_any()),
                Panel::Closed => None,
            }}
            <VariableFields form variables />
            <Show when=dynamic>
                <ExpansionControls form count combinations />
            </Show>
            <PromptPreview
                composition=preview
                max_chars=Signal::derive(move || caps.with(|c| c.max_prompt_chars))
                clip=Signal::derive(move || caps.with(|c| c.prompt_weighting))
            />
        </div>
        <Show when=move || caps.with(|c| c.negative_prompt)>
            <div>
                <ControlLabel target="negative-prompt">"Negative prompt"</ControlLabel>
                <textarea
                    id="negative-prompt"
                    name="negative_prompt"
                    data-testid="negative-prompt"
                    rows="2"
                    placeholder="What to leave out: blurry, text, watermark"
                    aria-describedby="negative-prompt-message"
                    aria-invalid=move || negative_error.get().is_some().to_string()
                    prop:value=move || form.negative_prompt.get()
                    on:input:target=move |ev| form.negative_prompt.set(ev.target().value())
                    class="mt-2 block w-full resize-y rounded-xl border-0 bg-zinc-950/60 px-3.5 py-2.5 text-base text-white ring-1 ring-inset ring-white/10 placeholder:text-zinc-600 focus:outline-none focus:ring-2 focus:ring-violet-500 aria-[invalid=true]:ring-rose-500/70 sm:text-sm"
                ></textarea>
                <FieldMessage id="negative-prompt" error=negative_error />
            </div>
        </Show>
    }
    .into_any()
}

/// The big button, with the shortcut beside its label.
#[component]
fn GenerateButton(sending: Signal<bool>) -> impl IntoView {
    view! {
        <button
            type="submit"
            data-testid="generate"
            aria-busy=move || sending.get().to_string()
            class="group flex w-full items-center justify-center gap-2 rounded-xl bg-linear-to-r from-violet-500 to-fuchsia-500 px-4 py-3 text-sm font-semibold text-white shadow-lg shadow-violet-500/25 transition hover:brightness-110 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-violet-400 aria-busy:opacity-80"
        >
            {move || if sending.get() {
                view! { <span class="size-4 animate-spin rounded-full border-2 border-white/30 border-t-white" aria-hidden="true"></span> }.into_any()
            } else {
                view! { <ActionIcon kind=ActionIconKind::Sparkles class="size-4" /> }.into_any()
            }}
            "Generate"
            <kbd class="ml-1 hidden rounded bg-white/15 px-1.5 py-0.5 font-sans text-[11px] font-medium text-white/80 sm:inline">"Ctrl ↵"</kbd>
        </button>
    }
    .into_any()
}
