//! The sections still to come. Each is a placeholder until its feature lands.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::components::icons::IconKind;
use crate::components::page::{ComingSoon, PageHeader};

/// `/templates`.
#[component]
pub fn TemplatesPage() -> impl IntoView {
    view! {
        <Title text="Templates" />
        <PageHeader title="Templates" description="Reusable prompts with wildcards, negative prompts and tuned parameters." />
        <ComingSoon
            icon=IconKind::Templates
            headline="No templates yet"
            detail="Save a prompt as a template to reuse it with new subjects, or start from a style preset."
        />
    }
}

/// `/history`.
#[component]
pub fn HistoryPage() -> impl IntoView {
    view! {
        <Title text="History" />
        <PageHeader title="History" description="Every prompt you have run, with its backend, settings and results." />
        <ComingSoon
            icon=IconKind::History
            headline="Nothing here yet"
            detail="Your generations and their queue status will be listed here, and survive restarts."
        />
    }
}
