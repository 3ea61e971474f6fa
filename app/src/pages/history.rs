//! `/history`: every prompt the user has run, searchable, with its images
//! and a way to run it again or take it back to the Studio.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::components::HistoryList;
use crate::components::page::PageHeader;

/// The history in full: search, the "Starred" filter, and entries that
/// load as the list is scrolled.
#[component]
pub fn HistoryPage() -> impl IntoView {
    view! {
        <Title text="History" />
        <PageHeader title="History" description="Every prompt you have run, with its settings and images. Star the keepers, run them again, or take them back to the Studio." />
        <div class="mt-8 max-w-4xl">
            <HistoryList />
        </div>
    }
}
