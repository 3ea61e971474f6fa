//! Page scaffolding: headers.

use leptos::prelude::*;

/// A page's title and one-line description.
#[component]
pub fn PageHeader(title: &'static str, description: &'static str) -> impl IntoView {
    view! {
        <header class="border-b border-white/10 pb-6">
            <h1 class="text-2xl font-semibold tracking-tight text-white sm:text-3xl">{title}</h1>
            <p class="mt-2 max-w-2xl text-sm text-zinc-400 sm:text-base">{description}</p>
        </header>
    }
}
