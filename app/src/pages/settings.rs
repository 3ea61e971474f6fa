//! `/settings`: the account, and for admins the backends.

mod backends;

use easel_domain::account::AccountOverview;
use leptos::prelude::*;
use leptos_meta::Title;

use self::backends::BackendsSection;
use crate::AuthContext;
use crate::api::account::get_account_overview;
use crate::components::page::PageHeader;

/// Account details from the server (a protected server function).
#[component]
pub fn SettingsPage() -> impl IntoView {
    let overview = Resource::new(|| (), |_| get_account_overview());
    let auth = expect_context::<AuthContext>();
    let is_admin = move || auth.current().is_some_and(|user| user.is_admin());
    view! {
        <Title text="Settings" />
        <PageHeader title="Settings" description="Your account and, for admins, the generation backends." />
        <section class="mt-8 max-w-2xl rounded-2xl bg-white/[0.03] ring-1 ring-white/10">
            <h2 class="border-b border-white/10 px-6 py-4 text-sm font-semibold text-white">"Account"</h2>
            <Suspense fallback=|| view! { <p class="px-6 py-5 text-sm text-zinc-500">"Loading…"</p> }>
                {move || overview.get().map(|result| match result {
                    Ok(overview) => view! { <AccountDetails overview /> }.into_any(),
                    Err(err) => view! {
                        <p class="px-6 py-5 text-sm text-rose-300" role="alert">{err.to_string()}</p>
                    }.into_any(),
                })}
            </Suspense>
        </section>
        <Show when=is_admin>
            <BackendsSection />
        </Show>
    }
}

#[component]
fn AccountDetails(overview: AccountOverview) -> impl IntoView {
    let role = if overview.user.is_admin() {
        "Admin"
    } else {
        "Member"
    };
    let since = overview.created_at.format("%-d %B %Y").to_string();
    let sessions = match overview.active_sessions {
        1 => "1 (this one)".to_string(),
        n => format!("{n}, this one included"),
    };
    let rows = [
        ("User name", overview.user.username),
        ("Role", role.to_string()),
        ("Member since", since),
        ("Signed-in sessions", sessions),
    ];
    view! {
        <dl class="divide-y divide-white/5">
            {rows
                .into_iter()
                .map(|(label, value)| view! {
                    <div class="grid grid-cols-1 gap-1 px-6 py-4 sm:grid-cols-3 sm:gap-4">
                        <dt class="text-sm text-zinc-400">{label}</dt>
                        <dd class="text-sm text-white sm:col-span-2">{value}</dd>
                    </div>
                })
                .collect_view()}
        </dl>
    }
}
