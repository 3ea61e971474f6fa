//! The Settings page's backend section (admins): each configured backend,
//! whether it answers, what it offers, and its last error. Keys are never
//! sent to the browser; only whether one is configured.

use easel_domain::generation::BackendStatus;
use leptos::prelude::*;

use crate::api::backends::{check_backends, list_backends};
use crate::components::time::{LocalTime, TimeStyle};

/// The backends, with a button that checks them all now.
#[component]
pub fn BackendsSection() -> impl IntoView {
    let check = Action::new(|_: &()| check_backends());
    let listed = Resource::new(|| (), |_| list_backends());
    let statuses = Signal::derive(move || match check.value().get() {
        Some(result) => Some(result),
        None => listed.get(),
    });
    let checking = check.pending();
    view! {
        <section class="mt-8 max-w-3xl rounded-2xl bg-white/[0.03] ring-1 ring-white/10" data-testid="backends">
            <div class="flex items-center justify-between gap-4 border-b border-white/10 px-6 py-4">
                <div>
                    <h2 class="text-sm font-semibold text-white">"Backends"</h2>
                    <p class="mt-0.5 text-xs text-zinc-500">
                        "Switched on in the server's configuration (see "
                        <code class="text-zinc-400">"easel --help"</code>
                        "). Keys stay on the server."
                    </p>
                </div>
                <button
                    type="button"
                    data-testid="check-backends"
                    on:click=move |_| { check.dispatch(()); }
                    aria-busy=move || checking.get().to_string()
                    class="shrink-0 rounded-lg px-3 py-1.5 text-xs font-semibold text-zinc-200 ring-1 ring-inset ring-white/15 transition hover:bg-white/5 aria-busy:opacity-60"
                >
                    {move || if checking.get() { "Checking…" } else { "Check now" }}
                </button>
            </div>
            <Suspense fallback=|| view! { <p class="px-6 py-5 text-sm text-zinc-500">"Loading…"</p> }>
                {move || statuses.get().map(|result| match result {
                    Ok(list) => view! {
                        <ul class="divide-y divide-white/5">
                            {list.into_iter().map(|status| view! { <BackendRow status /> }).collect_view()}
                        </ul>
                    }.into_any(),
                    Err(err) => view! {
                        <p class="px-6 py-5 text-sm text-rose-300" role="alert">{err.to_string()}</p>
                    }.into_any(),
                })}
            </Suspense>
        </section>
    }
}

/// One backend.
#[component]
fn BackendRow(status: BackendStatus) -> impl IntoView {
    let (dot, state) = match (status.reachable, status.checked_at.is_some()) {
        (true, _) => ("bg-emerald-400", "Reachable"),
        (false, true) => ("bg-rose-400", "Unreachable"),
        (false, false) => ("bg-zinc-500", "Not checked yet"),
    };
    let credentials = match (status.has_credentials, status.endpoint.is_some()) {
        (true, _) => "Key configured",
        (false, true) => "No key",
        (false, false) => "Needs no key",
    };
    let models = status.models.clone();
    view! {
        <li class="px-6 py-4" data-testid="backend" data-backend=status.id.clone() data-reachable=status.reachable.to_string()>
            <div class="flex flex-wrap items-center gap-x-3 gap-y-1">
                <span class=format!("size-2 rounded-full {dot}") aria-hidden="true"></span>
                <span class="text-sm font-semibold text-white">{status.label.clone()}</span>
                <span class="text-xs text-zinc-400" data-testid="backend-state">{state}</span>
                <span class="ml-auto text-xs text-zinc-500">
                    {status.checked_at.map(|at| view! { "Checked " <LocalTime at style=TimeStyle::Clock /> })}
                </span>
            </div>
            <dl class="mt-2 grid grid-cols-1 gap-x-6 gap-y-1 text-xs sm:grid-cols-3">
                <div class="min-w-0 sm:col-span-2">
                    <dt class="sr-only">"Endpoint"</dt>
                    <dd class="truncate font-mono text-zinc-400" title=status.endpoint.clone()>
                        {status.endpoint.clone().unwrap_or_else(|| "On this machine".into())}
                    </dd>
                </div>
                <div class="text-zinc-500">
                    <dt class="sr-only">"Credentials and concurrency"</dt>
                    <dd>{format!("{credentials} · {} at once", status.concurrency)}</dd>
                </div>
            </dl>
            {status.last_error.clone().map(|error| view! {
                <p class="mt-2 rounded-lg bg-rose-500/10 px-3 py-2 text-xs text-rose-200 ring-1 ring-inset ring-rose-500/20" data-testid="backend-error">
                    {error}
                </p>
            })}
            <ul class="mt-2 flex flex-wrap gap-1.5" aria-label="Models">
                {models.into_iter().map(|model| view! {
                    <li class="rounded-md bg-white/5 px-2 py-0.5 text-[11px] text-zinc-300 ring-1 ring-inset ring-white/10">{model}</li>
                }).collect_view()}
            </ul>
        </li>
    }
    .into_any()
}
