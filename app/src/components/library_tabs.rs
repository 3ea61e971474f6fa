//! The tabs above the library's views: every image, the galleries, the
//! trash.

use leptos::prelude::*;
use leptos_router::components::A;

/// Which tab is open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LibraryTab {
    /// `/gallery`.
    Images,
    /// `/galleries`.
    Galleries,
    /// `/gallery/trash`.
    Trash,
}

/// The tab strip.
#[component]
pub fn LibraryTabs(current: LibraryTab) -> impl IntoView {
    let tab = |tab: LibraryTab, href: &'static str, label: &'static str| {
        let active = tab == current;
        view! {
            <A
                href=href
                attr:aria-current=if active { Some("page") } else { None }
                attr:class=if active {
                    "rounded-lg bg-white/10 px-3 py-1.5 text-sm font-semibold text-white"
                } else {
                    "rounded-lg px-3 py-1.5 text-sm font-medium text-zinc-400 transition hover:bg-white/5 hover:text-white"
                }
            >
                {label}
            </A>
        }
    };
    view! {
        <nav aria-label="Library" class="mt-5 flex flex-wrap gap-1" data-testid="library-tabs">
            {tab(LibraryTab::Images, "/gallery", "All images")}
            {tab(LibraryTab::Galleries, "/galleries", "Galleries")}
            {tab(LibraryTab::Trash, "/gallery/trash", "Trash")}
        </nav>
    }
}
