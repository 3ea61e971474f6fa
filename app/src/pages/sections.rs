//! The studio's sections. Each is a placeholder until its feature lands.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::AuthContext;
use crate::components::icons::IconKind;
use crate::components::page::{ComingSoon, PageHeader};

/// `/`: where images get made.
#[component]
pub fn StudioPage() -> impl IntoView {
    let auth = expect_context::<AuthContext>();
    let greeting = move || {
        auth.current()
            .map(|user| format!("Welcome, {}", user.username))
            .unwrap_or_default()
    };
    view! {
        <Title text="Studio" />
        <header class="border-b border-white/10 pb-6">
            <p class="text-sm font-medium text-violet-300" data-testid="greeting">{greeting}</p>
            <h1 class="mt-1 text-2xl font-semibold tracking-tight text-white sm:text-3xl">"Studio"</h1>
            <p class="mt-2 max-w-2xl text-sm text-zinc-400 sm:text-base">
                "Write a prompt, pick a backend, and watch the image come together."
            </p>
        </header>
        <ComingSoon
            icon=IconKind::Studio
            headline="The prompt builder is on its way"
            detail="Templates, negative prompts, style presets and live progress from OpenAI, Stable Diffusion, ComfyUI, Midjourney or the built-in engine."
        />
    }
}

/// `/gallery`.
#[component]
pub fn GalleryPage() -> impl IntoView {
    view! {
        <Title text="Gallery" />
        <PageHeader title="Gallery" description="Every image you make, searchable, with the prompt and settings that made it." />
        <ComingSoon
            icon=IconKind::Gallery
            headline="No images yet"
            detail="Generated images will collect here, organised into galleries you can share on public pages."
        />
    }
}

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
