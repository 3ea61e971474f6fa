//! Controls for forms whose fields are signals and whose server functions
//! take JSON: the browser checks the input with the domain's rules, then
//! the server's verdict lands under the same fields.

use easel_domain::ValidationError;
use leptos::prelude::*;

use crate::AppError;

/// What is wrong with a form: every rule the browser found broken, else the
/// server's one error. `Copy`: both are signals.
#[derive(Clone, Copy)]
pub struct FormProblems {
    found: RwSignal<Vec<ValidationError>>,
    server: RwSignal<Option<AppError>>,
}

impl Default for FormProblems {
    fn default() -> Self {
        Self::new()
    }
}

impl FormProblems {
    /// No problems yet.
    pub fn new() -> Self {
        Self {
            found: RwSignal::new(Vec::new()),
            server: RwSignal::new(None),
        }
    }

    /// Keeps the browser's verdict; true when the input may be sent.
    pub fn check(&self, verdict: Result<(), Vec<ValidationError>>) -> bool {
        self.server.set(None);
        match verdict {
            Ok(()) => {
                self.found.set(Vec::new());
                true
            }
            Err(errors) => {
                self.found.set(errors);
                false
            }
        }
    }

    /// Shows the server's error (under its field, or as an alert).
    pub fn fail(&self, err: AppError) {
        self.server.try_set(Some(err));
    }

    /// Forgets every problem.
    pub fn clear(&self) {
        self.found.set(Vec::new());
        self.server.set(None);
    }

    /// The message for `field`, if any.
    pub fn field(&self, field: &'static str) -> Signal<Option<String>> {
        let (found, server) = (self.found, self.server);
        Signal::derive(move || {
            found
                .with(|errors| first_message(errors, field))
                .or_else(|| {
                    server.with(|err| {
                        err.as_ref()
                            .filter(|err| err.field() == Some(field))
                            .map(ToString::to_string)
                    })
                })
        })
    }

    /// The server's error when it belongs to none of `fields` (for an
    /// alert above the buttons).
    pub fn alert(&self, fields: &'static [&'static str]) -> Signal<Option<String>> {
        let server = self.server;
        Signal::derive(move || {
            server.with(|err| {
                err.as_ref()
                    .filter(|err| !belongs_to(err.field(), fields))
                    .map(ToString::to_string)
            })
        })
    }
}

/// The first message for `field`.
fn first_message(errors: &[ValidationError], field: &str) -> Option<String> {
    errors
        .iter()
        .find(|err| err.field == field)
        .map(|err| err.message.clone())
}

/// Whether an error for `field` has a place among `fields`.
fn belongs_to(field: Option<&str>, fields: &[&str]) -> bool {
    field.is_some_and(|field| fields.contains(&field))
}

/// Classes shared by the inputs.
const INPUT_CLASS: &str = "block w-full rounded-lg border-0 bg-white/5 px-3.5 py-2.5 text-base text-white shadow-sm ring-1 ring-inset ring-white/10 placeholder:text-zinc-500 transition focus:bg-white/[0.07] focus:outline-none focus:ring-2 focus:ring-violet-500 aria-[invalid=true]:ring-rose-500/70 sm:text-sm";

/// A labelled one-line input bound to a signal, with a hint or an error.
#[component]
pub fn BoundInput(
    /// The input's id (its message's id is `<id>-message`).
    id: &'static str,
    /// The label.
    label: &'static str,
    /// The value.
    value: RwSignal<String>,
    /// The error to show, if any.
    #[prop(into)]
    error: Signal<Option<String>>,
    /// Shown when there is no error.
    #[prop(optional, into)]
    hint: Option<Signal<String>>,
    /// Placeholder text.
    #[prop(optional)]
    placeholder: &'static str,
    /// The id of a `<datalist>` of suggestions.
    #[prop(optional)]
    list: Option<&'static str>,
    /// The data-testid.
    #[prop(optional)]
    testid: &'static str,
) -> impl IntoView {
    view! {
        <div class="min-w-0 space-y-1.5">
            <label for=id class="block text-sm font-medium text-zinc-200">{label}</label>
            <input
                id=id
                type="text"
                autocomplete="off"
                spellcheck="false"
                list=list
                placeholder=placeholder
                data-testid=testid
                aria-describedby=format!("{id}-message")
                aria-invalid=move || error.get().is_some().to_string()
                prop:value=move || value.get()
                on:input:target=move |ev| value.set(ev.target().value())
                class=INPUT_CLASS
            />
            <FieldNote id error hint />
        </div>
    }
    .into_any()
}

/// A labelled textarea bound to a signal, with a hint or an error.
#[component]
pub fn BoundTextArea(
    /// The textarea's id (its message's id is `<id>-message`).
    id: &'static str,
    /// The label.
    label: &'static str,
    /// The value.
    value: RwSignal<String>,
    /// The error to show, if any.
    #[prop(into)]
    error: Signal<Option<String>>,
    /// Shown when there is no error.
    #[prop(optional, into)]
    hint: Option<Signal<String>>,
    /// Placeholder text.
    #[prop(optional)]
    placeholder: &'static str,
    /// Visible lines.
    #[prop(default = 3)]
    rows: u32,
    /// Monospaced (for lists).
    #[prop(optional)]
    mono: bool,
    /// The data-testid.
    #[prop(optional)]
    testid: &'static str,
) -> impl IntoView {
    let font = if mono {
        "font-mono leading-relaxed"
    } else {
        "leading-relaxed"
    };
    view! {
        <div class="min-w-0 space-y-1.5">
            <label for=id class="block text-sm font-medium text-zinc-200">{label}</label>
            <textarea
                id=id
                rows=rows
                spellcheck="false"
                placeholder=placeholder
                data-testid=testid
                aria-describedby=format!("{id}-message")
                aria-invalid=move || error.get().is_some().to_string()
                prop:value=move || value.get()
                on:input:target=move |ev| value.set(ev.target().value())
                class=format!("{INPUT_CLASS} resize-y {font}")
            ></textarea>
            <FieldNote id error hint />
        </div>
    }
    .into_any()
}

/// A switch bound to a signal.
#[component]
pub fn BoundToggle(
    /// The checkbox's id.
    id: &'static str,
    /// The label.
    label: &'static str,
    /// Under the label.
    #[prop(optional)]
    detail: &'static str,
    /// The value.
    value: RwSignal<bool>,
    /// The data-testid.
    #[prop(optional)]
    testid: &'static str,
) -> impl IntoView {
    view! {
        <label for=id class="flex cursor-pointer items-start gap-3">
            <input
                id=id
                type="checkbox"
                role="switch"
                data-testid=testid
                prop:checked=move || value.get()
                on:change:target=move |ev| value.set(ev.target().checked())
                class="peer sr-only"
            />
            <span
                aria-hidden="true"
                class="relative mt-0.5 inline-flex h-5 w-9 shrink-0 rounded-full bg-white/10 ring-1 ring-inset ring-white/15 transition peer-checked:bg-violet-500 peer-focus-visible:outline-2 peer-focus-visible:outline-offset-2 peer-focus-visible:outline-violet-400 after:absolute after:top-0.5 after:left-0.5 after:size-4 after:rounded-full after:bg-white after:shadow after:transition peer-checked:after:translate-x-4"
            ></span>
            <span class="min-w-0">
                <span class="block text-sm font-medium text-zinc-200">{label}</span>
                <span class="block text-xs text-zinc-500 empty:hidden">{detail}</span>
            </span>
        </label>
    }
    .into_any()
}

/// The error (or hint) under a control.
#[component]
fn FieldNote(
    id: &'static str,
    error: Signal<Option<String>>,
    hint: Option<Signal<String>>,
) -> impl IntoView {
    view! {
        <p id=format!("{id}-message") class="min-h-5 text-sm">
            {move || match error.get() {
                Some(message) => Some(view! { <span class="text-rose-400" role="alert">{message}</span> }.into_any()),
                None => hint.map(|hint| view! { <span class="text-xs text-zinc-500">{move || hint.get()}</span> }.into_any()),
            }}
        </p>
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_message_for_a_field_wins() {
        let errors = [
            ValidationError::new("name", "Give it a name."),
            ValidationError::new("prompt", "A prompt is needed."),
            ValidationError::new("name", "Shorter, please."),
        ];
        assert_eq!(
            first_message(&errors, "name").as_deref(),
            Some("Give it a name.")
        );
        assert_eq!(first_message(&errors, "category"), None);
    }

    #[test]
    fn errors_without_a_control_become_alerts() {
        assert!(belongs_to(Some("name"), &["name", "prompt"]));
        assert!(!belongs_to(Some("settings"), &["name", "prompt"]));
        assert!(!belongs_to(None, &["name"]));
    }
}
