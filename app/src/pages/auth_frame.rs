//! The two-pane frame around the log-in and register forms: a painted
//! panel on wide screens, the form on the right.

use easel_domain::account::local_redirect;
use leptos::prelude::*;
use leptos_router::components::Redirect;
use leptos_router::hooks::use_query_map;

use crate::AuthContext;
use crate::components::icons::Logo;

/// Frames an auth form; sends an already logged-in visitor on to `?next=`
/// (a local path) or the studio. That is also where a successful log-in
/// lands, since the user changes under this page.
#[component]
pub fn AuthFrame(title: &'static str, subtitle: &'static str, children: Children) -> impl IntoView {
    let auth = expect_context::<AuthContext>();
    let next = use_query_map().with_untracked(|query| query.get("next"));
    let target = local_redirect(next.as_deref());
    view! {
        <Transition>
            {move || auth.current().map(|_| view! { <Redirect path=target.clone() /> })}
        </Transition>
        <div class="grid min-h-full lg:grid-cols-[1.1fr_1fr]">
            <section class="easel-canvas relative hidden overflow-hidden lg:flex lg:flex-col lg:justify-between lg:p-12">
                <Logo />
                <div class="relative max-w-md">
                    <p class="text-3xl font-semibold leading-tight tracking-tight text-white">
                        "Your studio. Your models. Every image kept."
                    </p>
                    <ul class="mt-6 space-y-2 text-sm text-white/75">
                        <li>"DALL·E, Stable Diffusion, ComfyUI, Midjourney or the built-in engine"</li>
                        <li>"Live progress, queues that survive restarts"</li>
                        <li>"Galleries that stay fast at any size"</li>
                    </ul>
                </div>
                <p class="relative text-xs text-white/50">"Self-hosted · open source"</p>
            </section>
            <section class="relative flex items-center justify-center overflow-hidden px-6 py-12 sm:px-12">
                <div class="easel-glow pointer-events-none absolute inset-x-0 top-0 h-72 lg:hidden" aria-hidden="true"></div>
                <div class="relative w-full max-w-sm">
                    <div class="mb-10 lg:hidden"><Logo /></div>
                    <h1 class="text-2xl font-semibold tracking-tight text-white">{title}</h1>
                    <p class="mt-2 text-sm text-zinc-400">{subtitle}</p>
                    <div class="mt-8">{children()}</div>
                </div>
            </section>
        </div>
    }
}
