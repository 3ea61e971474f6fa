//! Page scaffolding: headers and empty states.

use leptos::prelude::*;

use crate::components::icons::{Icon, IconKind};

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

/// A dashed panel for a part of the studio that is not built yet.
#[component]
pub fn ComingSoon(icon: IconKind, headline: &'static str, detail: &'static str) -> impl IntoView {
    view! {
        <div class="mt-8 flex flex-col items-center rounded-2xl border border-dashed border-white/15 bg-white/[0.02] px-6 py-16 text-center">
            <span class="flex size-14 items-center justify-center rounded-2xl bg-violet-500/10 text-violet-300 ring-1 ring-inset ring-violet-500/20">
                <Icon kind=icon class="size-7" />
            </span>
            <h2 class="mt-5 text-base font-semibold text-white">{headline}</h2>
            <p class="mt-2 max-w-md text-sm text-zinc-400">{detail}</p>
            <span class="mt-5 rounded-full bg-white/5 px-3 py-1 text-xs font-medium text-zinc-400 ring-1 ring-inset ring-white/10">
                "Coming soon"
            </span>
        </div>
    }
}
