//! The 404 page.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

use crate::components::icons::Logo;

/// Shown for any path that matches no route (with status 404).
#[component]
pub fn NotFoundPage() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::NOT_FOUND);
    }
    view! {
        <Title text="Not found" />
        <main class="flex min-h-full flex-col items-center justify-center px-6 py-24 text-center">
            <Logo />
            <p class="mt-10 text-sm font-semibold text-violet-300">"404"</p>
            <h1 class="mt-2 text-3xl font-semibold tracking-tight text-white">"This page does not exist"</h1>
            <p class="mt-3 text-sm text-zinc-400">"Check the address, or go back to your studio."</p>
            <A href="/" attr:class="mt-8 rounded-lg bg-white/10 px-4 py-2 text-sm font-semibold text-white hover:bg-white/15">
                "Back to the studio"
            </A>
        </main>
    }
}
