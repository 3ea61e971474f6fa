//! `/templates`: the prompt library. The user's templates and everyone's
//! public ones, the user's own style presets beside the built-in ones,
//! and wildcard lists.

mod builtin_styles;
mod card;
mod form;
mod grouping;
mod list;
mod user_styles;
mod wildcards;

pub use self::form::new_template_href;

use easel_domain::library::UserStyle;
use leptos::prelude::*;
use leptos_meta::Title;

use self::builtin_styles::BuiltinStyles;
use self::list::TemplatesSection;
use self::user_styles::UserStylesSection;
use self::wildcards::WildcardsSection;
use crate::AppError;
use crate::api::library::list_styles;
use crate::components::action_icons::{ActionIcon, ActionIconKind};
use crate::components::page::PageHeader;

/// The user's styles, as the page loaded them (shared by the panels).
type StylesResource = Resource<Result<Vec<UserStyle>, AppError>>;

/// The library page. `?new=1&prompt=…&negative=…` opens the template form
/// filled with that prompt (the Studio's "Save as template").
#[component]
pub fn TemplatesPage() -> impl IntoView {
    // Shared: template cards name the user's styles they apply.
    let styles = Resource::new(|| (), |_| list_styles());
    view! {
        <Title text="Templates" />
        <PageHeader title="Templates" description="Reusable prompts with variables, choices and wildcards, your own style presets, and the lists your wildcards draw from." />
        <nav aria-label="Sections" class="mt-6 flex flex-wrap gap-2 text-sm">
            {[("#templates", "Saved prompts"), ("#styles", "My styles"), ("#builtin-styles", "Built-in styles"), ("#wildcards", "Wildcards")]
                .into_iter()
                .map(|(href, label)| view! {
                    <a href=href class="shrink-0 rounded-full bg-white/5 px-3 py-1 font-medium text-zinc-300 ring-1 ring-inset ring-white/10 transition hover:bg-white/10 hover:text-white">{label}</a>
                })
                .collect_view()}
        </nav>
        <div class="mt-6 space-y-8">
            <TemplatesSection styles />
            <UserStylesSection styles />
            <BuiltinStyles />
            <WildcardsSection />
        </div>
    }
}

/// One of the page's panels: a heading, a line of explanation, an action
/// on the right, and its content.
#[component]
fn Panel(
    /// The panel's id (an anchor for the section links).
    id: &'static str,
    /// The heading.
    title: &'static str,
    /// Under the heading.
    description: &'static str,
    /// Shown on the right of the heading (a button, say).
    #[prop(optional, into)]
    action: ViewFn,
    children: Children,
) -> impl IntoView {
    view! {
        <section id=id aria-labelledby=format!("{id}-heading") class="scroll-mt-20 rounded-2xl bg-white/[0.03] ring-1 ring-white/10">
            <div class="flex flex-wrap items-start justify-between gap-3 border-b border-white/10 px-4 py-4 sm:px-6">
                <div class="min-w-0">
                    <h2 id=format!("{id}-heading") class="text-sm font-semibold text-white">{title}</h2>
                    <p class="mt-0.5 text-xs text-zinc-500">{description}</p>
                </div>
                {action.run()}
            </div>
            <div class="p-4 sm:p-6">{children()}</div>
        </section>
    }
    .into_any()
}

/// The small outlined button panels use for "New …".
#[component]
fn NewButton(
    /// The label.
    label: &'static str,
    /// Whether the form it opens is open.
    open: Signal<bool>,
    /// The data-testid.
    testid: &'static str,
    /// Called on click.
    on_click: Callback<()>,
) -> impl IntoView {
    view! {
        <button
            type="button"
            data-testid=testid
            aria-expanded=move || open.get().to_string()
            on:click=move |_| on_click.run(())
            class="inline-flex shrink-0 items-center gap-1.5 rounded-lg px-3 py-1.5 text-xs font-semibold text-zinc-200 ring-1 ring-inset ring-white/15 transition hover:bg-white/5"
        >
            <ActionIcon kind=ActionIconKind::Plus class="size-3.5" />
            {label}
        </button>
    }
    .into_any()
}

/// Loading text inside a panel.
#[component]
fn Loading() -> impl IntoView {
    view! { <p class="text-sm text-zinc-500">"Loading…"</p> }
}

/// A failed load inside a panel.
#[component]
fn LoadError(what: &'static str, err: AppError) -> impl IntoView {
    view! {
        <p role="alert" class="rounded-xl bg-rose-500/10 p-4 text-sm text-rose-200 ring-1 ring-inset ring-rose-500/25">
            {format!("Could not load your {what}. {err}")}
        </p>
    }
}
