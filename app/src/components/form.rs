//! Form controls with inline errors, and server-function forms that the
//! browser checks before sending.

use easel_domain::ValidationError;
use leptos::form::FromFormData;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos::web_sys::SubmitEvent;

use crate::AppError;

/// Wires a `<form>` to a server action: on submit, the browser reads the
/// form into the server function's input, runs `check` (the same rules the
/// server applies) and sends it only when they pass.
///
/// Returns the error to show (the browser's verdict, else the server's) and
/// the submit handler. The form also works without WebAssembly: give it
/// `action=S::url() method="post"` and it posts to the server function.
pub fn checked_submit<S>(
    action: ServerAction<S>,
    check: fn(&S) -> Result<(), ValidationError>,
) -> (
    Signal<Option<AppError>>,
    impl Fn(SubmitEvent) + Copy + 'static,
)
where
    S: ServerFn<Error = AppError> + FromFormData + Clone + Send + Sync + 'static,
    S::Output: Send + Sync + 'static,
{
    let client_error = RwSignal::new(None::<AppError>);
    let server_error = move || {
        action.value().with(|value| {
            value
                .as_ref()
                .and_then(|result| result.as_ref().err().cloned())
        })
    };
    let error = Signal::derive(move || client_error.get().or_else(server_error));
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        match S::from_event(&ev) {
            Ok(input) => match check(&input) {
                Ok(()) => {
                    client_error.set(None);
                    action.dispatch(input);
                }
                Err(invalid) => client_error.set(Some(invalid.into())),
            },
            Err(err) => client_error.set(Some(AppError::BadRequest {
                message: err.to_string(),
            })),
        }
    };
    (error, on_submit)
}

/// The message for `field`, when the current error belongs to it.
pub fn field_error(error: Signal<Option<AppError>>, field: &'static str) -> Signal<Option<String>> {
    Signal::derive(move || {
        error
            .get()
            .filter(|e| e.field() == Some(field))
            .map(|e| e.to_string())
    })
}

/// The message for an error that belongs to no field.
pub fn form_error(error: Signal<Option<AppError>>) -> Signal<Option<String>> {
    Signal::derive(move || {
        error
            .get()
            .filter(|e| e.field().is_none())
            .map(|e| e.to_string())
    })
}

/// A labelled input with a hint and an inline error.
#[component]
pub fn TextField(
    /// The input's id (also used for its label and messages).
    id: &'static str,
    /// The form field name, e.g. `form[username]`.
    name: &'static str,
    /// The label.
    label: &'static str,
    /// The input type.
    #[prop(default = "text")]
    input_type: &'static str,
    /// The browser's autocomplete hint.
    #[prop(default = "off")]
    autocomplete: &'static str,
    /// Focus it when the page loads.
    #[prop(optional)]
    autofocus: bool,
    /// Help shown under the input when there is no error.
    #[prop(optional)]
    hint: Option<&'static str>,
    /// The error to show, if any.
    #[prop(into)]
    error: Signal<Option<String>>,
) -> impl IntoView {
    let message_id = format!("{id}-message");
    let invalid = move || error.get().is_some();
    view! {
        <div class="space-y-1.5">
            <label for=id class="block text-sm font-medium text-zinc-200">{label}</label>
            <input
                id=id
                name=name
                type=input_type
                autocomplete=autocomplete
                autofocus=autofocus
                autocapitalize="none"
                spellcheck="false"
                aria-invalid=move || if invalid() { "true" } else { "false" }
                aria-describedby=message_id.clone()
                class="block w-full rounded-lg border-0 bg-white/5 px-3.5 py-2.5 text-base text-white shadow-sm ring-1 ring-inset ring-white/10 placeholder:text-zinc-500 transition focus:bg-white/[0.07] focus:outline-none focus:ring-2 focus:ring-violet-500 aria-[invalid=true]:ring-rose-500/70 sm:text-sm"
            />
            <p id=message_id class="min-h-5 text-sm">
                {move || match error.get() {
                    Some(message) => view! { <span class="text-rose-400" role="alert">{message}</span> }.into_any(),
                    None => view! { <span class="text-zinc-500">{hint}</span> }.into_any(),
                }}
            </p>
        </div>
    }
}

/// A banner for errors that belong to no one field.
#[component]
pub fn FormAlert(#[prop(into)] message: Signal<Option<String>>) -> impl IntoView {
    view! {
        <Show when=move || message.get().is_some()>
            <div role="alert" class="flex items-start gap-2.5 rounded-lg bg-rose-500/10 px-3.5 py-3 text-sm text-rose-200 ring-1 ring-inset ring-rose-500/25">
                <crate::components::icons::Icon kind=crate::components::icons::IconKind::Alert class="mt-0.5 size-4 shrink-0 text-rose-400" />
                <span>{move || message.get()}</span>
            </div>
        </Show>
    }
}

/// The form's main button; shows `busy_label` and disables itself while
/// the request runs.
#[component]
pub fn SubmitButton(
    /// The label.
    label: &'static str,
    /// The label while busy.
    busy_label: &'static str,
    /// Whether the request runs.
    #[prop(into)]
    busy: Signal<bool>,
    /// The data-testid.
    #[prop(optional)]
    testid: Option<&'static str>,
) -> impl IntoView {
    view! {
        <button
            type="submit"
            data-testid=testid
            disabled=move || busy.get()
            aria-busy=move || if busy.get() { "true" } else { "false" }
            class="flex w-full items-center justify-center gap-2 rounded-lg bg-linear-to-r from-violet-500 to-fuchsia-500 px-4 py-2.5 text-sm font-semibold text-white shadow-lg shadow-violet-500/20 transition hover:brightness-110 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-violet-400 disabled:cursor-wait disabled:opacity-70"
        >
            <Show when=move || busy.get()>
                <span class="size-4 animate-spin rounded-full border-2 border-white/30 border-t-white" aria-hidden="true"></span>
            </Show>
            {move || if busy.get() { busy_label } else { label }}
        </button>
    }
}
