//! `/galleries`: the user's galleries with their covers, counts and
//! whether they are public, and a form to make a new one.

mod detail;
mod sharing;

pub use detail::GalleryDetailPage;

use easel_domain::galleries::{GalleryForm, GallerySummary};
use easel_domain::gallery::thumbnail_url;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;

use crate::api::galleries::{create_gallery, list_galleries};
use crate::components::library_tabs::{LibraryTab, LibraryTabs};
use crate::components::page::PageHeader;

/// The list of galleries.
#[component]
pub fn GalleriesPage() -> impl IntoView {
    let galleries = Resource::new(|| (), |_| list_galleries());
    view! {
        <Title text="Galleries" />
        <PageHeader title="Gallery" description="Every image you make, with the prompt and settings that made it." />
        <LibraryTabs current=LibraryTab::Galleries />
        <NewGalleryForm />
        <Transition fallback=|| view! { <p class="mt-8 text-sm text-zinc-500">"Loading…"</p> }>
            {move || galleries.get().map(|result| match result {
                Ok(list) if list.is_empty() => view! {
                    <p class="mt-8 rounded-2xl border border-dashed border-white/15 px-6 py-12 text-center text-sm text-zinc-400" data-testid="galleries-empty">
                        "No galleries yet. Name one above, then add images to it from the grid: select them and choose “Add to gallery”."
                    </p>
                }.into_any(),
                Ok(list) => view! {
                    <ul class="mt-8 grid grid-cols-1 gap-4 sm:grid-cols-2 lg:grid-cols-3" data-testid="galleries-list">
                        {list.into_iter().map(|gallery| view! { <GalleryCard gallery /> }).collect_view()}
                    </ul>
                }.into_any(),
                Err(err) => view! { <p role="alert" class="mt-8 text-sm text-rose-300">{format!("Could not load your galleries. {err}")}</p> }.into_any(),
            })}
        </Transition>
    }
}

/// Name a new gallery; opens it once made.
#[component]
fn NewGalleryForm() -> impl IntoView {
    let name = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let navigate = use_navigate();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        error.set(None);
        let form = GalleryForm {
            name: name.get_untracked(),
            description: String::new(),
        };
        let navigate = navigate.clone();
        leptos::task::spawn_local(async move {
            match create_gallery(form).await {
                Ok(gallery) => navigate(&format!("/galleries/{}", gallery.id), Default::default()),
                Err(err) => {
                    error.try_set(Some(err.to_string()));
                }
            }
            busy.try_set(false);
        });
    };
    view! {
        <form on:submit=submit class="mt-6 flex flex-col gap-2 sm:flex-row sm:items-start" data-testid="new-gallery">
            <div class="flex-1 sm:max-w-sm">
                <label for="new-gallery-name" class="sr-only">"Gallery name"</label>
                <input
                    id="new-gallery-name"
                    name="name"
                    type="text"
                    maxlength="100"
                    required
                    placeholder="New gallery name"
                    prop:value=move || name.get()
                    on:input=move |ev| name.set(event_target_value(&ev))
                    aria-invalid=move || error.with(Option::is_some).to_string()
                    class="w-full rounded-lg bg-white/5 px-3 py-2 text-sm text-white ring-1 ring-inset ring-white/10 placeholder:text-zinc-500 focus:ring-2 focus:ring-violet-400 focus:outline-none"
                />
                {move || error.get().map(|message| view! { <p role="alert" class="mt-1.5 text-sm text-rose-300">{message}</p> })}
            </div>
            <button
                type="submit"
                disabled=move || busy.get()
                class="rounded-lg bg-linear-to-r from-violet-500 to-fuchsia-500 px-4 py-2 text-sm font-semibold text-white shadow-lg shadow-violet-500/20 transition hover:brightness-110 disabled:opacity-70"
            >
                "Create gallery"
            </button>
        </form>
    }
}

/// One gallery: its cover, name, count and whether it is public.
#[component]
fn GalleryCard(gallery: GallerySummary) -> impl IntoView {
    let href = format!("/galleries/{}", gallery.id);
    let count = gallery.image_count;
    view! {
        <li data-testid="gallery-card">
            <A href=href attr:class="group block overflow-hidden rounded-2xl bg-zinc-900 ring-1 ring-white/10 transition hover:ring-violet-400/60">
                <div class="aspect-[4/3] bg-zinc-800/60">
                    {match gallery.cover_image_id {
                        Some(cover) => view! {
                            <img src=thumbnail_url(cover, 512) alt="" loading="lazy" class="size-full object-cover transition duration-300 group-hover:scale-[1.03]" />
                        }.into_any(),
                        None => view! { <div class="flex size-full items-center justify-center text-xs text-zinc-500">"No images yet"</div> }.into_any(),
                    }}
                </div>
                <div class="flex items-center justify-between gap-3 px-4 py-3">
                    <div class="min-w-0">
                        <p class="truncate text-sm font-semibold text-white">{gallery.name.clone()}</p>
                        <p class="text-xs text-zinc-500">{format!("{count} {}", if count == 1 { "image" } else { "images" })}</p>
                    </div>
                    {gallery.is_public.then(|| view! {
                        <span class="shrink-0 rounded-full bg-emerald-500/15 px-2 py-0.5 text-xs font-medium text-emerald-300 ring-1 ring-inset ring-emerald-500/25">"Public"</span>
                    })}
                </div>
            </A>
        </li>
    }
}
