//! The Studio's tuning controls beyond size and steps: CFG scale and the
//! closed choices a backend offers (sampler, schedule, quality, style,
//! background, output format). Each is drawn only when the chosen model
//! declares it.

use easel_domain::generation::{Capabilities, ChoiceSpec, RangeSpec};
use leptos::prelude::*;

use super::controls::{ControlLabel, FieldMessage};
use super::form_state::StudioForm;

/// One closed-choice control: field, label, the model's spec, the value.
type Choice = (
    &'static str,
    &'static str,
    Signal<Option<ChoiceSpec>>,
    RwSignal<String>,
);

/// Every tuning control the model supports, two to a row.
#[component]
pub fn TuningControls(
    form: StudioForm,
    #[prop(into)] caps: Signal<Capabilities>,
    /// The error for a field, if any.
    error: Callback<&'static str, Signal<Option<String>>>,
) -> impl IntoView {
    let spec = move |pick: fn(&Capabilities) -> Option<ChoiceSpec>| {
        Signal::derive(move || caps.with(pick))
    };
    let choices: [Choice; 6] = [
        (
            "sampler",
            "Sampler",
            spec(|c| c.sampler.clone()),
            form.sampler,
        ),
        (
            "scheduler",
            "Schedule",
            spec(|c| c.scheduler.clone()),
            form.scheduler,
        ),
        (
            "quality",
            "Quality",
            spec(|c| c.quality.clone()),
            form.quality,
        ),
        (
            "style",
            "Backend style",
            spec(|c| c.style.clone()),
            form.style,
        ),
        (
            "background",
            "Background",
            spec(|c| c.background.clone()),
            form.background,
        ),
        (
            "output_format",
            "Format",
            spec(|c| c.output_format.clone()),
            form.output_format,
        ),
    ];
    let any_choice = move || {
        caps.with(|c| {
            c.sampler.is_some()
                || c.scheduler.is_some()
                || c.quality.is_some()
                || c.style.is_some()
                || c.background.is_some()
                || c.output_format.is_some()
        })
    };
    view! {
        {move || caps.with(|c| c.cfg).map(|range| view! {
            <CfgSlider form range error=error.run("cfg") />
        })}
        <Show when=any_choice>
            <div class="grid grid-cols-2 gap-x-3 gap-y-4" data-testid="tuning">
                {choices
                    .into_iter()
                    .map(|(field, label, spec, value)| view! {
                        <ChoiceSelect field label spec value error=error.run(field) />
                    })
                    .collect_view()}
            </div>
        </Show>
    }
    .into_any()
}

/// The CFG scale: how closely to follow the prompt.
#[component]
fn CfgSlider(
    form: StudioForm,
    range: RangeSpec,
    #[prop(into)] error: Signal<Option<String>>,
) -> impl IntoView {
    let step = if range.max - range.min > 10.0 {
        0.5
    } else {
        0.1
    };
    view! {
        <div>
            <div class="flex items-center justify-between">
                <ControlLabel target="cfg">"Prompt adherence (CFG)"</ControlLabel>
                <span class="rounded-md bg-white/5 px-2 py-0.5 text-xs font-medium tabular-nums text-zinc-200 ring-1 ring-inset ring-white/10">
                    {move || format!("{:.1}", form.cfg.get())}
                </span>
            </div>
            <input
                id="cfg"
                data-testid="cfg"
                type="range"
                min=range.min
                max=range.max
                step=step
                aria-describedby="cfg-message"
                prop:value=move || form.cfg.get().to_string()
                on:input:target=move |ev| {
                    if let Ok(cfg) = ev.target().value().parse() {
                        form.cfg.set(cfg);
                    }
                }
                class="mt-3 block w-full accent-violet-500"
            />
            <div class="mt-1 flex justify-between text-[11px] tabular-nums text-zinc-600" aria-hidden="true">
                <span>"Loose"</span>
                <span>"Strict"</span>
            </div>
            <FieldMessage id="cfg" error />
        </div>
    }
    .into_any()
}

/// A select over one closed choice, hidden when the model has none.
#[component]
fn ChoiceSelect(
    field: &'static str,
    label: &'static str,
    spec: Signal<Option<ChoiceSpec>>,
    value: RwSignal<String>,
    #[prop(into)] error: Signal<Option<String>>,
) -> impl IntoView {
    let id = field.replace('_', "-");
    move || {
        spec.get().map(|spec| {
            let id = id.clone();
            let default = spec.default.clone();
            let current = Signal::derive(move || {
                let v = value.get();
                if v.is_empty() { default.clone() } else { v }
            });
            view! {
                <div class="min-w-0">
                    <ControlLabel target=field>{label}</ControlLabel>
                    <select
                        id=id.clone()
                        data-testid=id
                        prop:value=current
                        on:change:target=move |ev| value.set(ev.target().value())
                        class="mt-2 block w-full min-w-0 truncate rounded-lg border-0 bg-white/5 py-2 pr-2 pl-3 text-sm text-white ring-1 ring-inset ring-white/10 focus:outline-none focus:ring-2 focus:ring-violet-500"
                    >
                        {spec
                            .options
                            .into_iter()
                            .map(|choice| {
                                let this = choice.value.clone();
                                view! {
                                    <option
                                        value=choice.value
                                        selected=move || current.with(|c| *c == this)
                                        class="bg-zinc-900"
                                    >
                                        {choice.label}
                                    </option>
                                }
                            })
                            .collect_view()}
                    </select>
                    <FieldMessage id=field error />
                </div>
            }
        })
    }
}
