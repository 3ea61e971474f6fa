//! Around the prompt: the builder and style toggles, templates, the
//! variables a template asks for, how choices expand, and the live
//! preview of the final prompts with their length against the model's
//! limits.

use easel_domain::library::{Expansion, MAX_EXPANDED_PROMPTS, PromptTemplate, TemplateSettings};
use easel_domain::prompt::Count;
use easel_domain::prompt::VariableRef;
use easel_domain::prompt::builder::{CLIP_TOKEN_LIMIT, length_report};
use leptos::prelude::*;

use super::composer::{Composition, PREVIEW_PROMPTS};
use super::form_state::StudioForm;
use crate::pages::new_template_href;

/// Which helper panel is open under the prompt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Panel {
    /// None.
    Closed,
    /// The chips.
    Builder,
    /// The style grid.
    Styles,
}

/// The row of toggles and the template picker above the prompt.
#[component]
pub fn PromptToolbar(
    panel: RwSignal<Panel>,
    form: StudioForm,
    templates: Signal<Vec<PromptTemplate>>,
) -> impl IntoView {
    let toggle =
        move |which: Panel| panel.update(|p| *p = if *p == which { Panel::Closed } else { which });
    let style_count = move || form.styles.with(Vec::len);
    let save_href = move || {
        let settings = TemplateSettings {
            model: Some(form.model.get()).filter(|m| !m.is_empty()),
            size: Some((form.width.get(), form.height.get())),
            steps: Some(form.steps.get()),
            cfg: Some(form.cfg.get()),
            sampler: Some(form.sampler.get()).filter(|s| !s.is_empty()),
            styles: form.styles.get(),
        };
        new_template_href(&form.prompt.get(), &form.negative_prompt.get(), &settings)
    };
    view! {
        <div class="flex flex-wrap items-center gap-1.5">
            <ToolButton testid="toggle-builder" active=Signal::derive(move || panel.get() == Panel::Builder) on_click=Callback::new(move |_| toggle(Panel::Builder))>
                "Builder"
            </ToolButton>
            <ToolButton testid="toggle-styles" active=Signal::derive(move || panel.get() == Panel::Styles) on_click=Callback::new(move |_| toggle(Panel::Styles))>
                {move || match style_count() {
                    0 => "Styles".to_owned(),
                    n => format!("Styles · {n}"),
                }}
            </ToolButton>
            <TemplatePicker form templates />
            <a
                href=save_href
                data-testid="save-template"
                class="ml-auto rounded-md px-2 py-1 text-xs text-zinc-400 transition hover:bg-white/5 hover:text-white"
            >
                "Save as template"
            </a>
        </div>
    }
    .into_any()
}

#[component]
fn ToolButton(
    testid: &'static str,
    active: Signal<bool>,
    on_click: Callback<()>,
    children: Children,
) -> impl IntoView {
    view! {
        <button
            type="button"
            data-testid=testid
            aria-pressed=move || active.get().to_string()
            on:click=move |_| on_click.run(())
            class="rounded-md px-2.5 py-1 text-xs font-medium text-zinc-300 ring-1 ring-inset ring-white/10 transition hover:bg-white/5 hover:text-white aria-pressed:bg-violet-500/20 aria-pressed:text-violet-100 aria-pressed:ring-violet-400/40"
        >
            {children()}
        </button>
    }
}

/// A select over the user's and public templates; picking one fills the
/// form.
#[component]
fn TemplatePicker(form: StudioForm, templates: Signal<Vec<PromptTemplate>>) -> impl IntoView {
    let apply = move |id: String| {
        if let Some(template) =
            templates.with_untracked(|list| list.iter().find(|t| t.id.to_string() == id).cloned())
        {
            form.apply_template(&template);
        }
    };
    view! {
        <Show when=move || templates.with(|t| !t.is_empty())>
            <select
                data-testid="template-picker"
                aria-label="Apply a template"
                on:change:target=move |ev| {
                    apply(ev.target().value());
                    ev.target().set_value("");
                }
                class="max-w-44 appearance-none truncate rounded-md border-0 bg-transparent py-1 pr-2 pl-2.5 text-xs font-medium text-zinc-300 ring-1 ring-inset ring-white/10 hover:bg-white/5 focus:outline-none focus:ring-violet-500"
            >
                <option value="" class="bg-zinc-900">"Template…"</option>
                {move || grouped(&templates.get())
                    .into_iter()
                    .map(|(category, list)| view! {
                        <optgroup label=category class="bg-zinc-900">
                            {list.into_iter().map(|t| view! {
                                <option value=t.id.to_string() class="bg-zinc-900">{t.name.clone()}</option>
                            }).collect_view()}
                        </optgroup>
                    })
                    .collect_view()}
            </select>
        </Show>
    }
}

/// Templates by category ("Uncategorised" for none), in the listed order.
fn grouped(templates: &[PromptTemplate]) -> Vec<(String, Vec<PromptTemplate>)> {
    let mut groups: Vec<(String, Vec<PromptTemplate>)> = Vec::new();
    for template in templates {
        let category = if template.category.is_empty() {
            "Uncategorised".to_owned()
        } else {
            template.category.clone()
        };
        match groups.iter_mut().find(|(c, _)| *c == category) {
            Some((_, list)) => list.push(template.clone()),
            None => groups.push((category, vec![template.clone()])),
        }
    }
    groups
}

/// An input for each `{variable}` of the prompt.
#[component]
pub fn VariableFields(form: StudioForm, variables: Signal<Vec<VariableRef>>) -> impl IntoView {
    view! {
        <Show when=move || variables.with(|v| !v.is_empty())>
            <div class="grid grid-cols-1 gap-2 sm:grid-cols-2" data-testid="variables">
                <For each=move || variables.get() key=|v| v.name.clone() let:variable>
                    <label class="block min-w-0">
                        <span class="text-[11px] font-semibold uppercase tracking-wide text-zinc-500">{format!("{{{}}}", variable.name)}</span>
                        <input
                            type="text"
                            data-testid=format!("variable-{}", variable.name)
                            placeholder=variable.default.clone().unwrap_or_else(|| "required".into())
                            prop:value={
                                let name = variable.name.clone();
                                move || form.variables.with(|v| v.get(&name).cloned().unwrap_or_default())
                            }
                            on:input:target={
                                let name = variable.name.clone();
                                move |ev| {
                                    let value = ev.target().value();
                                    form.variables.update(|v| {
                                        v.insert(name.clone(), value);
                                    });
                                }
                            }
                            class="mt-1 block w-full rounded-lg border-0 bg-white/5 px-3 py-1.5 text-sm text-white ring-1 ring-inset ring-white/10 placeholder:text-zinc-600 focus:outline-none focus:ring-2 focus:ring-violet-500"
                        />
                    </label>
                </For>
            </div>
        </Show>
    }
    .into_any()
}

/// Random picks or every combination, and how many prompts.
#[component]
pub fn ExpansionControls(
    form: StudioForm,
    count: Signal<Option<Count>>,
    /// How many distinct prompts the choices allow.
    combinations: Signal<Option<u64>>,
) -> impl IntoView {
    let mode_button = move |mode: Expansion, label: &'static str, testid: &'static str| {
        view! {
            <button
                type="button"
                data-testid=testid
                aria-pressed=move || (form.expansion.get() == mode).to_string()
                on:click=move |_| {
                    form.expansion.set(mode);
                    // "All combinations" means all of them, up to the cap,
                    // unless a limit was already chosen.
                    if mode == Expansion::Combinatorial
                        && form.prompts.get_untracked() <= 1
                        && let Some(total) = combinations.get_untracked()
                    {
                        let all = total.min(u64::from(MAX_EXPANDED_PROMPTS)) as u32;
                        form.prompts.set(all.max(1));
                    }
                }
                class="rounded-md px-2.5 py-1 text-xs font-medium text-zinc-400 transition hover:text-white aria-pressed:bg-violet-500 aria-pressed:text-white"
            >
                {label}
            </button>
        }
    };
    let summary = move || {
        count.get().map(|count| match form.expansion.get() {
            Expansion::Random => {
                format!("{} random prompt{}", count.prompts, plural(count.prompts))
            }
            Expansion::Combinatorial if count.is_capped() => format!(
                "{} combinations; the first {} will run",
                human_total(count.total),
                count.prompts
            ),
            Expansion::Combinatorial => {
                format!("{} combination{}", count.prompts, plural(count.prompts))
            }
        })
    };
    view! {
        <div class="flex flex-wrap items-center gap-2 rounded-xl bg-violet-500/[0.06] px-3 py-2 ring-1 ring-inset ring-violet-400/20" data-testid="expansion">
            <div class="flex rounded-lg bg-white/5 p-0.5 ring-1 ring-inset ring-white/10" role="group" aria-label="How choices expand">
                {mode_button(Expansion::Random, "Random", "expansion-random")}
                {mode_button(Expansion::Combinatorial, "All combinations", "expansion-all")}
            </div>
            <label class="flex items-center gap-1.5 text-xs text-zinc-400">
                {move || if form.expansion.get() == Expansion::Random { "Prompts" } else { "At most" }}
                <input
                    type="number"
                    data-testid="expansion-count"
                    min="1"
                    max=MAX_EXPANDED_PROMPTS
                    prop:value=move || form.prompts.get().to_string()
                    on:input:target=move |ev| {
                        if let Ok(n) = ev.target().value().trim().parse::<u32>() {
                            form.prompts.set(n.clamp(1, MAX_EXPANDED_PROMPTS));
                        }
                    }
                    class="w-14 rounded-md bg-white/5 px-2 py-1 text-xs tabular-nums text-white ring-1 ring-inset ring-white/10 focus:outline-none focus:ring-violet-500"
                />
            </label>
            <span class="text-xs font-medium text-violet-200" data-testid="expansion-summary">{summary}</span>
        </div>
    }
    .into_any()
}

fn plural(n: u32) -> &'static str {
    if n == 1 { "" } else { "s" }
}

fn human_total(total: u64) -> String {
    if total == u64::MAX {
        "Astronomically many".to_owned()
    } else {
        total.to_string()
    }
}

/// The final prompts, each with its length against the model's limit.
#[component]
pub fn PromptPreview(
    composition: Signal<Option<Composition>>,
    max_chars: Signal<u32>,
    /// Whether the backend reads CLIP tokens (Stable Diffusion style).
    clip: Signal<bool>,
) -> impl IntoView {
    let prompts =
        move || composition.with(|c| c.as_ref().map(|c| c.prompts.clone()).unwrap_or_default());
    let more = move || {
        composition.with(|c| {
            c.as_ref()
                .and_then(|c| c.count)
                .map(|count| count.prompts.saturating_sub(PREVIEW_PROMPTS))
                .unwrap_or(0)
        })
    };
    view! {
        <Show when=move || !prompts().is_empty()>
            <div class="rounded-xl bg-zinc-950/40 p-3 ring-1 ring-inset ring-white/10" data-testid="prompt-preview">
                <p class="text-[11px] font-semibold uppercase tracking-wide text-zinc-500">"What the backend receives"</p>
                <ol class="mt-2 space-y-2">
                    {move || prompts().into_iter().map(|(prompt, negative)| {
                        let report = length_report(&prompt, max_chars.get());
                        let tone = if report.over { "text-rose-400" } else if report.near { "text-amber-300" } else { "text-zinc-500" };
                        let clip_note = (clip.get() && report.over_clip_limit()).then(|| format!(
                            "≈{} tokens: past {CLIP_TOKEN_LIMIT}, Stable Diffusion reads the rest in a second chunk",
                            report.approx_clip_tokens
                        ));
                        view! {
                            <li class="text-xs leading-relaxed" data-testid="preview-prompt">
                                <p class="break-words text-zinc-100">{prompt.clone()}</p>
                                {(!negative.is_empty()).then(|| view! {
                                    <p class="mt-0.5 break-words text-zinc-500"><span class="text-zinc-600">"Negative: "</span>{negative.clone()}</p>
                                })}
                                <p class=format!("mt-0.5 tabular-nums {tone}") data-testid="preview-length">
                                    {format!("{} / {} characters", report.chars, report.max_chars)}
                                    {clip_note.map(|note| view! { <span class="text-amber-300">{format!(" · {note}")}</span> })}
                                </p>
                            </li>
                        }
                    }).collect_view()}
                </ol>
                <Show when=move || { more() > 0 }>
                    <p class="mt-2 text-xs text-zinc-500">{move || format!("… and {} more", more())}</p>
                </Show>
            </div>
        </Show>
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn huge_totals_read_as_words() {
        assert_eq!(human_total(24), "24");
        assert_eq!(human_total(u64::MAX), "Astronomically many");
        assert_eq!(plural(1), "");
        assert_eq!(plural(3), "s");
    }
}
