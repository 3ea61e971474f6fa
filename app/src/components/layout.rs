//! The authenticated app shell: navigation (a sidebar on wide screens, a
//! top bar with a drawer on phones), the logged-in user, and the page.

use easel_domain::account::SessionUser;
use leptos::ev::MouseEvent;
use leptos::prelude::*;
use leptos::wasm_bindgen::JsCast;
use leptos::web_sys::Element;
use leptos_router::components::{A, Outlet};

use crate::AuthContext;
use crate::components::icons::{Icon, IconKind, Logo};

/// The sections of the studio, in navigation order.
const NAV: [(&str, &str, IconKind); 5] = [
    ("/", "Studio", IconKind::Studio),
    ("/gallery", "Gallery", IconKind::Gallery),
    ("/templates", "Templates", IconKind::Templates),
    ("/history", "History", IconKind::History),
    ("/settings", "Settings", IconKind::Settings),
];

/// The shell around every logged-in page.
#[component]
pub fn AppLayout() -> impl IntoView {
    let auth = expect_context::<AuthContext>();
    let menu_open = RwSignal::new(false);
    // The phone drawer closes when one of its links is followed.
    let close_on_link = move |ev: MouseEvent| {
        let on_link = ev
            .target()
            .and_then(|target| target.dyn_into::<Element>().ok())
            .and_then(|element| element.closest("a").ok().flatten())
            .is_some();
        if on_link {
            menu_open.set(false);
        }
    };
    let user = move || auth.current();

    view! {
        <div class="min-h-full lg:pl-64">
            <aside class="hidden border-r border-white/10 bg-zinc-950 lg:fixed lg:inset-y-0 lg:left-0 lg:z-30 lg:flex lg:w-64 lg:flex-col">
                <div class="flex h-16 shrink-0 items-center px-6">
                    <A href="/" attr:aria-label="Easel home"><Logo /></A>
                </div>
                <Nav />
                {move || user().map(|user| view! { <UserCard user /> })}
            </aside>

            <header class="sticky top-0 z-30 flex h-14 items-center justify-between border-b border-white/10 bg-zinc-950/85 px-4 backdrop-blur lg:hidden">
                <A href="/" attr:aria-label="Easel home"><Logo /></A>
                <button
                    type="button"
                    class="-mr-2 rounded-lg p-2 text-zinc-300 hover:bg-white/5 hover:text-white"
                    aria-label=move || if menu_open.get() { "Close menu" } else { "Open menu" }
                    aria-expanded=move || if menu_open.get() { "true" } else { "false" }
                    aria-controls="mobile-menu"
                    on:click=move |_| menu_open.update(|open| *open = !*open)
                >
                    <Show
                        when=move || menu_open.get()
                        fallback=|| view! { <Icon kind=IconKind::Menu class="size-6" /> }
                    >
                        <Icon kind=IconKind::Close class="size-6" />
                    </Show>
                </button>
            </header>

            <Show when=move || menu_open.get()>
                <div
                    id="mobile-menu"
                    class="fixed inset-x-0 top-14 bottom-0 z-20 flex flex-col bg-zinc-950 lg:hidden"
                    on:click=close_on_link
                >
                    <Nav />
                    {move || user().map(|user| view! { <UserCard user /> })}
                </div>
            </Show>

            <main class="mx-auto max-w-6xl px-4 py-8 sm:px-8 lg:py-12">
                <Outlet />
            </main>
        </div>
    }
}

/// The navigation links; the current one is marked with `aria-current`.
#[component]
fn Nav() -> impl IntoView {
    view! {
        <nav class="flex-1 space-y-1 px-3 py-4" aria-label="Main">
            {NAV
                .into_iter()
                .map(|(href, label, icon)| {
                    view! {
                        <A
                            href=href
                            exact=true
                            attr:class="group flex items-center gap-3 rounded-lg px-3 py-2.5 text-sm font-medium text-zinc-400 transition hover:bg-white/5 hover:text-white aria-[current=page]:bg-white/[0.08] aria-[current=page]:text-white"
                        >
                            <Icon kind=icon class="size-5 shrink-0 text-zinc-500 group-hover:text-zinc-300 group-aria-[current=page]:text-violet-400" />
                            {label}
                        </A>
                    }
                })
                .collect_view()}
        </nav>
    }
}

/// The logged-in user, with the log-out button.
#[component]
fn UserCard(user: SessionUser) -> impl IntoView {
    let auth = expect_context::<AuthContext>();
    let role = if user.is_admin() { "Admin" } else { "Member" };
    let initials = user.initials();
    let name = user.username.clone();
    view! {
        <div class="flex items-center gap-3 border-t border-white/10 px-4 py-4">
            <span class="flex size-9 shrink-0 items-center justify-center rounded-full bg-linear-to-br from-violet-500/80 to-fuchsia-500/80 text-sm font-semibold text-white" aria-hidden="true">
                {initials}
            </span>
            <div class="min-w-0 flex-1">
                <p class="truncate text-sm font-medium text-white" data-testid="current-user">{name}</p>
                <p class="text-xs text-zinc-500">{role}</p>
            </div>
            <ActionForm action=auth.logout>
                <button
                    type="submit"
                    class="rounded-lg p-2 text-zinc-400 transition hover:bg-white/5 hover:text-white"
                    title="Log out"
                    aria-label="Log out"
                >
                    <Icon kind=IconKind::LogOut class="size-5" />
                </button>
            </ActionForm>
        </div>
    }
}
