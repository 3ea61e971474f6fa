//! An inline "are you sure?" panel for deleting things, in place of the
//! browser's `window.confirm`.

use leptos::prelude::*;

/// Shown while `open`: the question, what happens, "Keep it" and a red
/// confirm button (`data-testid="confirm-delete"`), and any error. The
/// trigger is the caller's (toggle `open` from it, and set its
/// `aria-expanded`).
#[component]
pub fn InlineConfirm(
    /// Whether the panel shows.
    open: RwSignal<bool>,
    /// The question, e.g. "Delete this template?".
    question: String,
    /// What deleting means.
    #[prop(optional, into)]
    detail: String,
    /// The confirm button's label.
    #[prop(default = "Delete")]
    confirm_label: &'static str,
    /// Whether the deletion runs.
    #[prop(into)]
    busy: Signal<bool>,
    /// Why it failed, if it did.
    #[prop(into)]
    error: Signal<Option<String>>,
    /// Called when confirmed.
    on_confirm: Callback<()>,
) -> impl IntoView {
    let question = StoredValue::new(question);
    let detail = StoredValue::new(detail);
    view! {
        <Show when=move || open.get()>
            <div
                role="alertdialog"
                aria-label=question.get_value()
                class="mt-3 rounded-xl bg-rose-500/10 p-4 ring-1 ring-inset ring-rose-500/25"
            >
                <p class="text-sm font-medium text-rose-100">{question.get_value()}</p>
                <p class="mt-1 text-sm text-rose-200/70 empty:hidden">{detail.get_value()}</p>
                <div class="mt-3 flex flex-wrap justify-end gap-2">
                    <button
                        type="button"
                        on:click=move |_| open.set(false)
                        class="rounded-lg px-3 py-1.5 text-sm font-medium text-zinc-300 hover:bg-white/5 hover:text-white"
                    >
                        "Keep it"
                    </button>
                    <button
                        type="button"
                        data-testid="confirm-delete"
                        disabled=move || busy.get()
                        on:click=move |_| on_confirm.run(())
                        class="rounded-lg bg-rose-600 px-3 py-1.5 text-sm font-semibold text-white shadow transition hover:bg-rose-500 disabled:cursor-wait disabled:opacity-70"
                    >
                        {move || if busy.get() { "Deleting…" } else { confirm_label }}
                    </button>
                </div>
                {move || error.get().map(|message| view! { <p role="alert" class="mt-2 text-sm text-rose-300">{message}</p> })}
            </div>
        </Show>
    }
    .into_any()
}
