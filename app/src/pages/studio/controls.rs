//! The Studio's setting controls: model, size, count, steps and seed. Each
//! is drawn only when the chosen model supports it.

use easel_domain::generation::{Capabilities, ModelInfo, SizeRule};
use leptos::prelude::*;

use super::form_state::{MAX_SEED, StudioForm};
use crate::components::action_icons::{ActionIcon, ActionIconKind};

/// A field's error (or hint) under its control.
#[component]
pub fn FieldMessage(
    /// The control's id; the message's id is `<id>-message`.
    id: &'static str,
    /// The error, if any.
    #[prop(into)]
    error: Signal<Option<String>>,
    /// Shown when there is no error.
    #[prop(optional, into)]
    hint: Option<Signal<String>>,
) -> impl IntoView {
    view! {
        <p id=format!("{id}-message") class="mt-1.5 text-xs empty:hidden" data-testid=format!("{id}-message")>
            {move || match error.get() {
                Some(message) => Some(view! { <span class="text-rose-400" role="alert">{message}</span> }.into_any()),
                None => hint.map(|hint| view! { <span class="text-zinc-500">{move || hint.get()}</span> }.into_any()),
            }}
        </p>
    }
    .into_any()
}

/// A small uppercase label above a control.
#[component]
pub fn ControlLabel(
    /// The control it labels (`None` for a group).
    #[prop(optional)]
    target: Option<&'static str>,
    children: Children,
) -> impl IntoView {
    view! {
        <label for=target class="block text-xs font-semibold uppercase tracking-wide text-zinc-400">
            {children()}
        </label>
    }
}

/// The model picker: grouped by backend, unavailable ones disabled with
/// the reason.
#[component]
pub fn ModelPicker(
    form: StudioForm,
    models: StoredValue<Vec<ModelInfo>>,
    selected: Memo<Option<ModelInfo>>,
    #[prop(into)] error: Signal<Option<String>>,
) -> impl IntoView {
    let groups = models.with_value(|models| group_by_provider(models));
    let selected_id =
        move || selected.with(|m| m.as_ref().map(|m| m.id.clone()).unwrap_or_default());
    let description = Signal::derive(move || {
        selected.with(|m| {
            m.as_ref()
                .map(|m| m.description.clone())
                .unwrap_or_default()
        })
    });
    view! {
        <div>
            <ControlLabel target="model">"Model"</ControlLabel>
            <div class="relative mt-2">
                <select
                    id="model"
                    data-testid="model"
                    aria-describedby="model-message"
                    aria-invalid=move || error.get().is_some().to_string()
                    prop:value=selected_id
                    on:change:target=move |ev| form.model.set(ev.target().value())
                    class="block w-full appearance-none rounded-lg border-0 bg-white/5 py-2.5 pr-10 pl-3.5 text-sm text-white ring-1 ring-inset ring-white/10 transition focus:outline-none focus:ring-2 focus:ring-violet-500 aria-[invalid=true]:ring-rose-500/70"
                >
                    {groups
                        .into_iter()
                        .map(|(provider, models)| view! {
                            <optgroup label=provider class="bg-zinc-900">
                                {models.into_iter().map(|model| model_option(model, selected_id)).collect_view()}
                            </optgroup>
                        })
                        .collect_view()}
                </select>
                <svg class="pointer-events-none absolute top-1/2 right-3 size-4 -translate-y-1/2 text-zinc-400" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" aria-hidden="true">
                    <path d="m7 10 5 5 5-5" stroke-linecap="round" stroke-linejoin="round" />
                </svg>
            </div>
            <FieldMessage id="model" error hint=description />
        </div>
    }
    .into_any()
}

fn model_option(
    model: ModelInfo,
    selected_id: impl Fn() -> String + Send + Sync + 'static,
) -> impl IntoView {
    let label = match (&model.available, &model.unavailable_reason) {
        (true, _) => model.label.clone(),
        (false, Some(reason)) => format!("{} — {reason}", model.label),
        (false, None) => format!("{} — unavailable", model.label),
    };
    let id = model.id.clone();
    view! {
        <option
            value=model.id
            disabled=!model.available
            selected=move || selected_id() == id
            title=model.unavailable_reason.unwrap_or(model.description)
            class="bg-zinc-900 text-white disabled:text-zinc-500"
        >
            {label}
        </option>
    }
}

/// Models grouped by backend, in the order the server lists them.
fn group_by_provider(models: &[ModelInfo]) -> Vec<(String, Vec<ModelInfo>)> {
    let mut groups: Vec<(String, Vec<ModelInfo>)> = Vec::new();
    for model in models {
        match groups
            .iter_mut()
            .find(|(label, _)| *label == model.provider_label)
        {
            Some((_, group)) => group.push(model.clone()),
            None => groups.push((model.provider_label.clone(), vec![model.clone()])),
        }
    }
    groups
}

/// Size presets, plus width and height inputs when any size is allowed.
#[component]
pub fn SizePicker(
    form: StudioForm,
    #[prop(into)] caps: Signal<Capabilities>,
    #[prop(into)] error: Signal<Option<String>>,
) -> impl IntoView {
    let presets = move || caps.with(|caps| caps.sizes.presets());
    let free = move || caps.with(|caps| matches!(caps.sizes, SizeRule::Free { .. }));
    view! {
        <div>
            <ControlLabel>"Size"</ControlLabel>
            <div class="mt-2 grid grid-cols-3 gap-1.5" role="group" aria-label="Size presets">
                <For each=presets key=|(label, w, h)| (label.clone(), *w, *h) let:preset>
                    <SizeChip form label=preset.0 width=preset.1 height=preset.2 />
                </For>
            </div>
            <Show when=free>
                <div class="mt-2.5 flex items-center gap-2">
                    <NumberBox id="width" label="Width" value=form.width />
                    <span class="text-sm text-zinc-500" aria-hidden="true">"×"</span>
                    <NumberBox id="height" label="Height" value=form.height />
                    <button
                        type="button"
                        title="Swap width and height"
                        aria-label="Swap width and height"
                        on:click=move |_| {
                            let (w, h) = (form.width.get_untracked(), form.height.get_untracked());
                            form.width.set(h);
                            form.height.set(w);
                        }
                        class="rounded-lg p-2 text-zinc-400 ring-1 ring-inset ring-white/10 transition hover:bg-white/5 hover:text-white"
                    >
                        <svg class="size-4" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="1.75" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true">
                            <path d="M7 4v16M3.5 16.5 7 20l3.5-3.5M17 20V4M13.5 7.5 17 4l3.5 3.5" />
                        </svg>
                    </button>
                </div>
            </Show>
            <FieldMessage id="size" error />
        </div>
    }
    .into_any()
}

/// One preset: a little frame of its shape, its pixels and its name.
#[component]
fn SizeChip(form: StudioForm, label: String, width: u32, height: u32) -> impl IntoView {
    let active = move || form.width.get() == width && form.height.get() == height;
    // The frame glyph: the longer side is 14px.
    let longest = width.max(height).max(1) as f64;
    let glyph_w = format!("{:.1}px", 14.0 * width as f64 / longest);
    let glyph_h = format!("{:.1}px", 14.0 * height as f64 / longest);
    let name = short_label(&label, width, height);
    view! {
        <button
            type="button"
            data-testid="size-preset"
            data-size=format!("{width}x{height}")
            title=label
            aria-pressed=move || active().to_string()
            on:click=move |_| {
                form.width.set(width);
                form.height.set(height);
            }
            class="flex min-w-0 items-center gap-2 rounded-lg px-2 py-1.5 text-left ring-1 ring-inset ring-white/10 transition hover:bg-white/5 aria-pressed:bg-violet-500/15 aria-pressed:ring-violet-400/60"
        >
            <span class="flex size-3.5 shrink-0 items-center justify-center" aria-hidden="true">
                <span class="rounded-[2px] border border-current text-zinc-400" style:width=glyph_w style:height=glyph_h></span>
            </span>
            <span class="min-w-0">
                <span class="block truncate text-xs font-medium tabular-nums text-zinc-100">{format!("{width}×{height}")}</span>
                <span class="block truncate text-[11px] text-zinc-500">{name}</span>
            </span>
        </button>
    }
    .into_any()
}

/// A preset's name without the side length it repeats ("Square 512" →
/// "Square"), or its aspect ratio when the name is only the size.
fn short_label(label: &str, width: u32, height: u32) -> String {
    let trimmed = match label.rsplit_once(' ') {
        Some((head, tail)) if tail.parse::<u32>().is_ok_and(|n| n == width || n == height) => head,
        _ => label,
    };
    if trimmed.chars().next().is_some_and(|c| c.is_ascii_digit()) {
        let divisor = gcd(width, height).max(1);
        format!("{}:{}", width / divisor, height / divisor)
    } else {
        trimmed.to_string()
    }
}

fn gcd(a: u32, b: u32) -> u32 {
    if b == 0 { a } else { gcd(b, a % b) }
}

/// A labelled number input bound to a `u32` (0 while not a number, which
/// the size check then reports).
#[component]
fn NumberBox(id: &'static str, label: &'static str, value: RwSignal<u32>) -> impl IntoView {
    view! {
        <label class="flex min-w-0 flex-1 items-center gap-2 rounded-lg bg-white/5 px-3 py-2 ring-1 ring-inset ring-white/10 focus-within:ring-2 focus-within:ring-violet-500">
            <span class="text-xs text-zinc-500">{label}</span>
            <input
                id=id
                data-testid=id
                type="number"
                inputmode="numeric"
                min="1"
                step="8"
                prop:value=move || value.get().to_string()
                on:input:target=move |ev| value.set(ev.target().value().trim().parse().unwrap_or(0))
                class="w-full min-w-0 bg-transparent text-sm tabular-nums text-white focus:outline-none"
            />
        </label>
    }
}

/// How many images: a row of buttons up to eight, a number box beyond.
#[component]
pub fn CountPicker(
    form: StudioForm,
    #[prop(into)] max: Signal<u32>,
    #[prop(into)] error: Signal<Option<String>>,
) -> impl IntoView {
    view! {
        <div>
            <ControlLabel>"Images"</ControlLabel>
            <div class="mt-2 flex gap-1 rounded-lg bg-white/5 p-1 ring-1 ring-inset ring-white/10" role="group" aria-label="Number of images">
                <For each=move || 1..=max.get().clamp(1, 8) key=|n| *n let:n>
                    <button
                        type="button"
                        data-testid=format!("count-{n}")
                        aria-pressed=move || (form.count.get() == n).to_string()
                        on:click=move |_| form.count.set(n)
                        class="flex-1 rounded-md py-1.5 text-sm font-medium tabular-nums text-zinc-400 transition hover:text-white aria-pressed:bg-violet-500 aria-pressed:text-white aria-pressed:shadow"
                    >
                        {n}
                    </button>
                </For>
            </div>
            <FieldMessage id="count" error />
        </div>
    }
    .into_any()
}

/// The steps slider.
#[component]
pub fn StepsSlider(
    form: StudioForm,
    min: u32,
    max: u32,
    #[prop(into)] error: Signal<Option<String>>,
) -> impl IntoView {
    view! {
        <div>
            <div class="flex items-center justify-between">
                <ControlLabel target="steps">"Steps"</ControlLabel>
                <span class="rounded-md bg-white/5 px-2 py-0.5 text-xs font-medium tabular-nums text-zinc-200 ring-1 ring-inset ring-white/10">
                    {move || form.steps.get()}
                </span>
            </div>
            <input
                id="steps"
                data-testid="steps"
                type="range"
                min=min
                max=max
                step="1"
                aria-describedby="steps-message"
                prop:value=move || form.steps.get().to_string()
                on:input:target=move |ev| {
                    if let Ok(steps) = ev.target().value().parse() {
                        form.steps.set(steps);
                    }
                }
                class="mt-3 block w-full accent-violet-500"
            />
            <div class="mt-1 flex justify-between text-[11px] tabular-nums text-zinc-600" aria-hidden="true">
                <span>{min}</span>
                <span>{max}</span>
            </div>
            <FieldMessage id="steps" error />
        </div>
    }
    .into_any()
}

/// Random, or a fixed seed with a die to roll a new one.
#[component]
pub fn SeedField(form: StudioForm, #[prop(into)] error: Signal<Option<String>>) -> impl IntoView {
    let random = form.random_seed;
    let roll = move |_| {
        form.seed.set(random_seed().to_string());
        random.set(false);
    };
    view! {
        <div>
            <ControlLabel target="seed">"Seed"</ControlLabel>
            <div class="mt-2 flex items-stretch gap-2">
                <div class="flex shrink-0 rounded-lg bg-white/5 p-1 ring-1 ring-inset ring-white/10" role="group" aria-label="Seed mode">
                    <button
                        type="button"
                        data-testid="seed-random"
                        aria-pressed=move || random.get().to_string()
                        on:click=move |_| random.set(true)
                        class="rounded-md px-2.5 text-xs font-medium text-zinc-400 transition hover:text-white aria-pressed:bg-violet-500 aria-pressed:text-white"
                    >
                        "Random"
                    </button>
                    <button
                        type="button"
                        data-testid="seed-fixed"
                        aria-pressed=move || (!random.get()).to_string()
                        on:click=move |_| {
                            if form.seed.with_untracked(|s| s.trim().is_empty()) {
                                form.seed.set(random_seed().to_string());
                            }
                            random.set(false);
                        }
                        class="rounded-md px-2.5 text-xs font-medium text-zinc-400 transition hover:text-white aria-pressed:bg-violet-500 aria-pressed:text-white"
                    >
                        "Fixed"
                    </button>
                </div>
                <input
                    id="seed"
                    data-testid="seed"
                    type="text"
                    inputmode="numeric"
                    autocomplete="off"
                    placeholder=move || if random.get() { "Random each time" } else { "0 to 4294967295" }
                    aria-describedby="seed-message"
                    aria-invalid=move || error.get().is_some().to_string()
                    prop:value=move || if random.get() { String::new() } else { form.seed.get() }
                    on:input:target=move |ev| {
                        form.seed.set(ev.target().value());
                        random.set(false);
                    }
                    class="block w-full min-w-0 flex-1 rounded-lg border-0 bg-white/5 px-3 py-2 text-sm tabular-nums text-white ring-1 ring-inset ring-white/10 placeholder:text-zinc-500 focus:outline-none focus:ring-2 focus:ring-violet-500 aria-[invalid=true]:ring-rose-500/70"
                />
                <button
                    type="button"
                    data-testid="dice"
                    title="Roll a new seed"
                    aria-label="Roll a new seed"
                    on:click=roll
                    class="shrink-0 rounded-lg px-2.5 text-zinc-300 ring-1 ring-inset ring-white/10 transition hover:bg-white/5 hover:text-white"
                >
                    <ActionIcon kind=ActionIconKind::Dice class="size-5" />
                </button>
            </div>
            <FieldMessage id="seed" error />
        </div>
    }
    .into_any()
}

/// A random seed in the accepted range (called from click handlers, so
/// only ever in the browser).
fn random_seed() -> i64 {
    let unit = leptos::web_sys::js_sys::Math::random();
    ((unit * (MAX_SEED as f64 + 1.0)).floor() as i64).clamp(0, MAX_SEED)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn preset_names_drop_the_repeated_size() {
        assert_eq!(short_label("Square 1024", 1024, 1024), "Square");
        assert_eq!(short_label("Wide 16:9", 1024, 576), "Wide 16:9");
        assert_eq!(short_label("1792×1024", 1792, 1024), "7:4");
    }
}
