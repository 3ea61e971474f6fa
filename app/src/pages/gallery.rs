//! `/gallery`: the user's images, searchable and filterable (the query
//! lives in the URL, so every view can be bookmarked), loading more as the
//! grid is scrolled (keyset pages of 48), with selection and bulk actions.

mod bulk_bar;
mod derive;
mod detail;
mod organize;
mod search_bar;
mod selection;
mod trash;
mod upload;

pub use detail::ImageDetailPage;
pub use trash::TrashPage;

use easel_domain::gallery::{GalleryCursor, GalleryItem, GalleryPage as Page, ImageQuery};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

use crate::AppError;
use crate::api::images::list_gallery_images;
use crate::components::action_icons::{ActionIcon, ActionIconKind};
use crate::components::library_tabs::{LibraryTab, LibraryTabs};
use crate::components::near_end::watch_near_end;
use crate::components::page::PageHeader;
use bulk_bar::BulkBar;
use search_bar::SearchBar;
use selection::Selection;
use upload::{DropZone, UploadControls, Uploads};

/// The query in the page's URL.
fn current_query() -> Memo<ImageQuery> {
    let params = use_query_map();
    Memo::new(move |_| {
        params.with(|map| {
            let pairs: Vec<(String, String)> = map
                .clone()
                .into_iter()
                .map(|(k, v)| (k.to_string(), v))
                .collect();
            ImageQuery::from_pairs(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        })
    })
}

/// The grid. The first page is rendered on the server; later pages load
/// in the browser when the sentinel under the grid nears the viewport (or
/// when "Load more" is pressed).
#[component]
pub fn GalleryPage() -> impl IntoView {
    let query = current_query();
    let uploads = Uploads::new();
    let first = Resource::new(
        move || (query.get(), uploads.imported.get()),
        |(query, _)| list_gallery_images(query, None),
    );
    view! {
        <Title text="Gallery" />
        <DropZone uploads>
        <PageHeader title="Gallery" description="Every image you make, with the prompt and settings that made it." />
        <LibraryTabs current=LibraryTab::Images />
        <UploadControls uploads />
        <SearchBar query />
        <Transition fallback=GridSkeleton>
            {move || first.get().map(|result| match result {
                Ok(page) if page.items.is_empty() && query.with(ImageQuery::is_filtered) => view! { <NoMatches /> }.into_any(),
                Ok(page) if page.items.is_empty() => view! { <EmptyGallery /> }.into_any(),
                Ok(page) => view! { <Grid first=page query=query.get_untracked() /> }.into_any(),
                Err(err) => view! {
                    <p role="alert" class="mt-8 rounded-xl bg-rose-500/10 p-5 text-sm text-rose-200 ring-1 ring-inset ring-rose-500/25">
                        {format!("Could not load your images. {err}")}
                    </p>
                }.into_any(),
            })}
        </Transition>
        </DropZone>
    }
}

/// The first page, then every page loaded after it.
#[component]
fn Grid(first: Page, query: ImageQuery) -> impl IntoView {
    let items = RwSignal::new(first.items);
    let cursor = RwSignal::new(first.next_cursor);
    let loading = RwSignal::new(false);
    let error = RwSignal::new(None::<AppError>);
    let selection = Selection::new();
    let stored_query = StoredValue::new(query.clone());
    let load_more = move || {
        let Some(after) = cursor.get_untracked() else {
            return;
        };
        if loading.get_untracked() {
            return;
        }
        loading.set(true);
        error.set(None);
        leptos::task::spawn_local(async move {
            match list_gallery_images(stored_query.get_value(), Some(after)).await {
                Ok(page) => {
                    items.try_update(|list| list.extend(page.items));
                    cursor.try_set(page.next_cursor);
                }
                Err(err) => {
                    error.try_set(Some(err));
                }
            }
            loading.try_set(false);
        });
    };

    // Infinite scroll: load while the sentinel is near the viewport (this
    // also fills a screen taller than one page). Stops on an error until
    // "Load more" is pressed.
    let sentinel = NodeRef::new();
    let near = RwSignal::new(false);
    watch_near_end(sentinel, near);
    Effect::new(move |_| {
        if near.get()
            && cursor.with(Option::is_some)
            && !loading.get()
            && error.with(Option::is_none)
        {
            load_more();
        }
    });
    let order =
        Signal::derive(move || items.with(|list| list.iter().map(|i| i.id).collect::<Vec<_>>()));

    view! {
        <BulkBar selection query items />
        <ul class="mt-6 grid grid-cols-2 gap-2 sm:grid-cols-3 sm:gap-3 md:grid-cols-4 xl:grid-cols-5" aria-label="Images" data-testid="gallery-grid">
            <For each=move || items.get() key=|item| (item.id, item.starred) let:item>
                <Tile item selection order />
            </For>
        </ul>
        <div node_ref=sentinel class="h-px" aria-hidden="true"></div>
        <LoadMore cursor loading error on_load=Callback::new(move |()| load_more()) />
    }
    .into_any()
}

/// One thumbnail, linking to the image's page. While a selection is
/// open, a click selects instead; ctrl/cmd-click toggles and shift-click
/// selects a range at any time.
#[component]
fn Tile(item: GalleryItem, selection: Selection, order: Signal<Vec<uuid::Uuid>>) -> impl IntoView {
    let id = item.id;
    let srcset = format!(
        "{} {}w, {} {}w",
        item.thumbnail_url(256),
        thumb_width(&item, 256),
        item.thumbnail_url(512),
        thumb_width(&item, 512)
    );
    let selected = move || selection.contains(id);
    let on_click = move |ev: leptos::ev::MouseEvent| {
        if ev.shift_key() || ev.ctrl_key() || ev.meta_key() || selection.is_active() {
            ev.prevent_default();
            selection.click(id, ev.shift_key(), &order.get_untracked());
        }
    };
    view! {
        <li class="group/tile relative" data-selected=move || selected().to_string()>
            <A
                href=format!("/gallery/{}", item.id)
                attr:data-testid="gallery-item"
                attr:class=move || format!(
                    "group relative block aspect-square overflow-hidden rounded-xl bg-zinc-900 ring-1 transition focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-violet-400 {}",
                    if selected() { "ring-2 ring-violet-400" } else { "ring-white/10 hover:ring-violet-400/60" }
                )
                on:click=on_click
            >
                <img
                    src=item.thumbnail_url(512)
                    srcset=srcset
                    sizes="(min-width: 1280px) 18vw, (min-width: 768px) 22vw, (min-width: 640px) 30vw, 48vw"
                    loading="lazy"
                    decoding="async"
                    width=item.width
                    height=item.height
                    alt=item.prompt.clone()
                    class=move || format!("size-full object-cover transition duration-300 group-hover:scale-[1.04] {}", if selected() { "opacity-80" } else { "" })
                />
                <span class="pointer-events-none absolute inset-x-0 bottom-0 bg-linear-to-t from-black/85 via-black/40 to-transparent px-3 pt-8 pb-2.5 opacity-0 transition group-hover:opacity-100 group-focus-visible:opacity-100">
                    <span class="line-clamp-2 text-xs leading-snug text-white">{item.prompt.clone()}</span>
                </span>
                {item.starred.then(|| view! {
                    <span class="absolute top-2 right-2 text-amber-300 drop-shadow" aria-label="Starred" data-testid="tile-star">
                        <ActionIcon kind=ActionIconKind::Star class="size-4 fill-current" />
                    </span>
                })}
            </A>
            <button
                type="button"
                data-testid="select-image"
                aria-pressed=move || selected().to_string()
                aria-label="Select this image"
                on:click=move |ev: leptos::ev::MouseEvent| selection.click(id, ev.shift_key(), &order.get_untracked())
                class=move || format!(
                    "absolute top-2 left-2 flex size-6 items-center justify-center rounded-md ring-1 transition {}",
                    if selected() {
                        "bg-violet-500 text-white ring-violet-300"
                    } else if selection.is_active() {
                        "bg-black/50 text-transparent ring-white/60"
                    } else {
                        "bg-black/50 text-transparent ring-white/60 opacity-100 focus:opacity-100 sm:opacity-0 sm:group-hover/tile:opacity-100"
                    }
                )
            >
                <ActionIcon kind=ActionIconKind::Check class="size-4" />
            </button>
        </li>
    }
    .into_any()
}

/// The thumbnail's width for `size` (its longest side).
fn thumb_width(item: &GalleryItem, size: u32) -> u32 {
    if item.width >= item.height {
        size
    } else {
        (u64::from(size) * u64::from(item.width) / u64::from(item.height.max(1))).max(1) as u32
    }
}

/// "Load more" (the fallback for infinite scroll), its spinner, errors,
/// and the end of the gallery.
#[component]
fn LoadMore(
    cursor: RwSignal<Option<GalleryCursor>>,
    loading: RwSignal<bool>,
    error: RwSignal<Option<AppError>>,
    on_load: Callback<()>,
) -> impl IntoView {
    view! {
        <div class="mt-8 flex flex-col items-center gap-3 pb-4">
            {move || error.get().map(|err| view! {
                <p role="alert" class="text-sm text-rose-300">{format!("Could not load more images. {err}")}</p>
            })}
            <Show
                when=move || cursor.with(Option::is_some)
                fallback=|| view! { <p class="text-xs text-zinc-600" data-testid="gallery-end">"That is every image."</p> }
            >
                <button
                    type="button"
                    data-testid="load-more"
                    disabled=move || loading.get()
                    on:click=move |_| on_load.run(())
                    class="inline-flex items-center gap-2 rounded-lg bg-white/5 px-4 py-2 text-sm font-medium text-zinc-200 ring-1 ring-inset ring-white/10 transition hover:bg-white/10 disabled:cursor-wait disabled:opacity-70"
                >
                    <Show when=move || loading.get()>
                        <span class="size-4 animate-spin rounded-full border-2 border-white/20 border-t-white" aria-hidden="true"></span>
                    </Show>
                    {move || if loading.get() { "Loading…" } else { "Load more" }}
                </button>
            </Show>
        </div>
    }
    .into_any()
}

/// Shown when the search or filters match nothing.
#[component]
fn NoMatches() -> impl IntoView {
    view! {
        <div class="mt-8 rounded-2xl border border-dashed border-white/15 px-6 py-12 text-center" data-testid="gallery-no-matches">
            <p class="text-sm text-zinc-300">"No image matches this search."</p>
            <A href="/gallery" attr:class="mt-3 inline-block text-sm font-medium text-violet-300 hover:text-violet-200">"Clear the search and filters"</A>
        </div>
    }
}

/// Shown when the user has made no images yet.
#[component]
fn EmptyGallery() -> impl IntoView {
    view! {
        <div class="mt-8 flex flex-col items-center rounded-2xl border border-dashed border-white/15 bg-white/[0.02] px-6 py-16 text-center" data-testid="gallery-empty">
            <span class="flex size-14 items-center justify-center rounded-2xl bg-violet-500/10 text-violet-300 ring-1 ring-inset ring-violet-500/20">
                <ActionIcon kind=ActionIconKind::Photo class="size-7" />
            </span>
            <h2 class="mt-5 text-base font-semibold text-white">"No images yet"</h2>
            <p class="mt-2 max-w-md text-sm text-zinc-400">
                "Everything you generate lands here, with its prompt, seed and settings, ready to remix or download."
            </p>
            <A href="/" attr:class="mt-6 inline-flex items-center gap-2 rounded-lg bg-linear-to-r from-violet-500 to-fuchsia-500 px-4 py-2 text-sm font-semibold text-white shadow-lg shadow-violet-500/20 transition hover:brightness-110">
                <ActionIcon kind=ActionIconKind::Sparkles class="size-4" />
                "Make your first image"
            </A>
        </div>
    }
    .into_any()
}

/// The grid's outline while the first page loads.
#[component]
fn GridSkeleton() -> impl IntoView {
    view! {
        <div class="mt-8 grid grid-cols-2 gap-2 sm:grid-cols-3 sm:gap-3 md:grid-cols-4 xl:grid-cols-5" aria-hidden="true">
            {(0..10)
                .map(|_| view! { <div class="aspect-square animate-pulse rounded-xl bg-white/[0.04]"></div> })
                .collect_view()}
        </div>
    }
}
