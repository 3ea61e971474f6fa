//! A button that copies text to the clipboard and says so.

use std::time::Duration;

use leptos::prelude::*;

use crate::components::action_icons::{ActionIcon, ActionIconKind};

/// Copies `text`; reads "Copied" for a moment after.
#[component]
pub fn CopyButton(
    /// What to copy.
    text: String,
    /// What is copied, for screen readers: "Copy <what>".
    what: &'static str,
    /// The data-testid.
    #[prop(optional)]
    testid: &'static str,
) -> impl IntoView {
    let copied = RwSignal::new(false);
    let text = StoredValue::new(text);
    let on_click = move |_| {
        text.with_value(|text| copy_text(text));
        copied.set(true);
        set_timeout(
            move || {
                copied.try_set(false);
            },
            Duration::from_millis(1500),
        );
    };
    view! {
        <button
            type="button"
            on:click=on_click
            data-testid=testid
            aria-label=format!("Copy {what}")
            class="inline-flex items-center gap-1 rounded-md px-2 py-1 text-xs font-medium text-zinc-400 transition hover:bg-white/5 hover:text-white"
        >
            {move || if copied.get() {
                view! { <ActionIcon kind=ActionIconKind::Check class="size-3.5 text-emerald-400" /> "Copied" }.into_any()
            } else {
                view! { <ActionIcon kind=ActionIconKind::Copy class="size-3.5" /> "Copy" }.into_any()
            }}
        </button>
    }
}

/// Puts `text` on the clipboard (in the browser; a no-op on the server).
fn copy_text(text: &str) {
    #[cfg(feature = "hydrate")]
    {
        let _promise = window().navigator().clipboard().write_text(text);
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = text;
}
