//! `/galleries/:id`: one gallery in its owner's order, with its name and
//! description, its public page switches, and per-image actions: move
//! earlier or later, make the cover, remove from the gallery.

use easel_domain::galleries::{BulkAction, GalleryForm, GallerySummary, ImageSelection};
use easel_domain::gallery::{GalleryItem, thumbnail_url};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_params_map};
use uuid::Uuid;

use crate::AppError;
use crate::api::galleries::{
    GalleryView, delete_gallery, get_gallery, reorder_gallery_images, set_gallery_cover,
    update_gallery,
};
use crate::api::images::apply_bulk_action;
use crate::components::action_icons::{ActionIcon, ActionIconKind};
use crate::components::confirm::InlineConfirm;

use super::sharing::SharingPanel;

/// The gallery page.
#[component]
pub fn GalleryDetailPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || {
        params
            .with(|p| p.get("id"))
            .and_then(|id| Uuid::parse_str(&id).ok())
    };
    // Bumped after every change, to reload.
    let version = RwSignal::new(0u32);
    let view = Resource::new(
        move || (id(), version.get()),
        |(id, _)| async move {
            match id {
                Some(id) => get_gallery(id, None).await,
                None => Err(AppError::NotFound),
            }
        },
    );
    view! {
        <A href="/galleries" attr:class="inline-flex items-center gap-1.5 text-sm font-medium text-zinc-400 transition hover:text-white">
            <ActionIcon kind=ActionIconKind::ArrowLeft class="size-4" />
            "Galleries"
        </A>
        <Transition fallback=|| view! { <p class="mt-8 text-sm text-zinc-500">"Loading…"</p> }>
            {move || view.get().map(|result| match result {
                Ok(loaded) => view! { <Loaded loaded version /> }.into_any(),
                Err(AppError::NotFound) => view! {
                    <p class="mt-8 text-sm text-zinc-300" data-testid="gallery-missing">"This gallery does not exist, or it is not yours."</p>
                }.into_any(),
                Err(err) => view! { <p role="alert" class="mt-8 text-sm text-rose-300">{format!("Could not load the gallery. {err}")}</p> }.into_any(),
            })}
        </Transition>
    }
}

#[component]
fn Loaded(loaded: GalleryView, version: RwSignal<u32>) -> impl IntoView {
    let gallery = loaded.gallery.clone();
    let items = RwSignal::new(loaded.page.items.clone());
    let next_after = RwSignal::new(loaded.next_after);
    let error = RwSignal::new(None::<String>);
    let id = gallery.id;
    let load_more = move |_| {
        let Some(after) = next_after.get_untracked() else {
            return;
        };
        leptos::task::spawn_local(async move {
            match get_gallery(id, Some(after)).await {
                Ok(more) => {
                    items.update(|list| list.extend(more.page.items));
                    next_after.set(more.next_after);
                }
                Err(err) => error.set(Some(err.to_string())),
            }
        });
    };
    view! {
        <Title text=gallery.name.clone() />
        <Header gallery=gallery.clone() version />
        <SharingPanel gallery=gallery.clone() version />
        {move || error.get().map(|message| view! { <p role="alert" class="mt-4 text-sm text-rose-300">{message}</p> })}
        <Show
            when=move || !items.with(Vec::is_empty)
            fallback=|| view! {
                <p class="mt-8 rounded-2xl border border-dashed border-white/15 px-6 py-12 text-center text-sm text-zinc-400" data-testid="gallery-no-images">
                    "No images here yet. In "<A href="/gallery" attr:class="text-violet-300 underline">"All images"</A>", select some and choose “Add to gallery”."
                </p>
            }
        >
            <ul class="mt-8 grid grid-cols-2 gap-3 sm:grid-cols-3 md:grid-cols-4 xl:grid-cols-5" data-testid="gallery-images">
                <For each=move || items.get() key=|item| item.id let:item>
                    <OrderedTile item gallery_id=id cover=gallery.cover_image_id items error version />
                </For>
            </ul>
        </Show>
        <Show when=move || next_after.with(Option::is_some)>
            <div class="mt-6 flex justify-center">
                <button type="button" on:click=load_more class="rounded-lg bg-white/5 px-4 py-2 text-sm font-medium text-zinc-200 ring-1 ring-inset ring-white/10 hover:bg-white/10">"Load more"</button>
            </div>
        </Show>
    }
}

/// The name and description, editable in place, and delete.
#[component]
fn Header(gallery: GallerySummary, version: RwSignal<u32>) -> impl IntoView {
    let editing = RwSignal::new(false);
    let name = RwSignal::new(gallery.name.clone());
    let description = RwSignal::new(gallery.description.clone());
    let error = RwSignal::new(None::<String>);
    let confirm = RwSignal::new(false);
    let deleting = RwSignal::new(false);
    let delete_error = RwSignal::new(None::<String>);
    let id = gallery.id;
    let navigate = use_navigate();
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let form = GalleryForm {
            name: name.get_untracked(),
            description: description.get_untracked(),
        };
        leptos::task::spawn_local(async move {
            match update_gallery(id, form).await {
                Ok(_) => {
                    editing.set(false);
                    version.update(|v| *v += 1);
                }
                Err(err) => error.set(Some(err.to_string())),
            }
        });
    };
    let on_delete = Callback::new(move |()| {
        deleting.set(true);
        let navigate = navigate.clone();
        leptos::task::spawn_local(async move {
            match delete_gallery(id).await {
                Ok(()) => navigate("/galleries", Default::default()),
                Err(err) => {
                    delete_error.set(Some(err.to_string()));
                    deleting.set(false);
                }
            }
        });
    });
    let count = gallery.image_count;
    view! {
        <header class="mt-5 border-b border-white/10 pb-6">
            <Show
                when=move || editing.get()
                fallback=move || view! {
                    <div class="flex flex-wrap items-start justify-between gap-4">
                        <div class="min-w-0">
                            <h1 class="text-2xl font-semibold tracking-tight text-white sm:text-3xl" data-testid="gallery-name">{move || name.get()}</h1>
                            <p class="mt-2 max-w-2xl whitespace-pre-line text-sm text-zinc-400 empty:hidden">{move || description.get()}</p>
                            <p class="mt-2 text-xs text-zinc-500">{format!("{count} {}", if count == 1 { "image" } else { "images" })}</p>
                        </div>
                        <div class="flex gap-2">
                            <button type="button" data-testid="edit-gallery" on:click=move |_| editing.set(true) class="inline-flex items-center gap-1.5 rounded-lg bg-white/5 px-3 py-1.5 text-sm font-medium text-zinc-200 ring-1 ring-inset ring-white/10 hover:bg-white/10">
                                <ActionIcon kind=ActionIconKind::Pencil class="size-4" />"Edit"
                            </button>
                            <button type="button" aria-expanded=move || confirm.get().to_string() on:click=move |_| confirm.update(|open| *open = !*open) class="inline-flex items-center gap-1.5 rounded-lg px-3 py-1.5 text-sm font-medium text-rose-300 ring-1 ring-inset ring-rose-500/30 hover:bg-rose-500/10">
                                <ActionIcon kind=ActionIconKind::Trash class="size-4" />"Delete"
                            </button>
                        </div>
                    </div>
                }
            >
                <form on:submit=save class="grid max-w-xl gap-3" data-testid="gallery-form">
                    <label class="text-sm font-medium text-zinc-300">"Name"
                        <input type="text" maxlength="100" required prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev))
                            class="mt-1 w-full rounded-lg bg-white/5 px-3 py-2 text-sm text-white ring-1 ring-inset ring-white/10 focus:ring-2 focus:ring-violet-400 focus:outline-none" />
                    </label>
                    <label class="text-sm font-medium text-zinc-300">"Description"
                        <textarea rows="3" maxlength="2000" prop:value=move || description.get() on:input=move |ev| description.set(event_target_value(&ev))
                            class="mt-1 w-full rounded-lg bg-white/5 px-3 py-2 text-sm text-white ring-1 ring-inset ring-white/10 focus:ring-2 focus:ring-violet-400 focus:outline-none"></textarea>
                    </label>
                    {move || error.get().map(|message| view! { <p role="alert" class="text-sm text-rose-300">{message}</p> })}
                    <div class="flex gap-2">
                        <button type="submit" class="rounded-lg bg-violet-500 px-4 py-2 text-sm font-semibold text-white hover:bg-violet-400">"Save"</button>
                        <button type="button" on:click=move |_| editing.set(false) class="rounded-lg px-4 py-2 text-sm font-medium text-zinc-300 hover:bg-white/5">"Cancel"</button>
                    </div>
                </form>
            </Show>
            <InlineConfirm
                open=confirm
                question="Delete this gallery?".to_owned()
                detail="Its images stay in your library; only the gallery and its public page go."
                busy=deleting
                error=delete_error
                on_confirm=on_delete
            />
        </header>
    }
}

/// One image with its order and cover controls.
#[component]
fn OrderedTile(
    item: GalleryItem,
    gallery_id: Uuid,
    cover: Option<Uuid>,
    items: RwSignal<Vec<GalleryItem>>,
    error: RwSignal<Option<String>>,
    version: RwSignal<u32>,
) -> impl IntoView {
    let id = item.id;
    let is_cover = cover == Some(id);
    let step = move |delta: isize| {
        let mut order = items.get_untracked();
        let Some(at) = order.iter().position(|i| i.id == id) else {
            return;
        };
        let to = at as isize + delta;
        if to < 0 || to as usize >= order.len() {
            return;
        }
        order.swap(at, to as usize);
        let ids: Vec<Uuid> = order.iter().map(|i| i.id).collect();
        items.set(order);
        leptos::task::spawn_local(async move {
            if let Err(err) = reorder_gallery_images(gallery_id, ids).await {
                error.set(Some(err.to_string()));
            }
        });
    };
    let make_cover = move |_| {
        leptos::task::spawn_local(async move {
            match set_gallery_cover(gallery_id, Some(id)).await {
                Ok(_) => version.update(|v| *v += 1),
                Err(err) => error.set(Some(err.to_string())),
            }
        });
    };
    let remove = move |_| {
        leptos::task::spawn_local(async move {
            let selection = ImageSelection::Ids { ids: vec![id] };
            match apply_bulk_action(selection, BulkAction::RemoveFromGallery { gallery_id }).await {
                Ok(_) => items.update(|list| list.retain(|i| i.id != id)),
                Err(err) => error.set(Some(err.to_string())),
            }
        });
    };
    let button =
        "rounded-md bg-black/60 p-1.5 text-white backdrop-blur transition hover:bg-black/80";
    view! {
        <li class="group relative" data-testid="gallery-image">
            <A href=format!("/gallery/{id}") attr:class="block aspect-square overflow-hidden rounded-xl bg-zinc-900 ring-1 ring-white/10 hover:ring-violet-400/60">
                <img src=thumbnail_url(id, 512) alt=item.prompt.clone() loading="lazy" class="size-full object-cover" />
            </A>
            {is_cover.then(|| view! { <span class="absolute top-2 left-2 rounded-full bg-violet-500/90 px-2 py-0.5 text-xs font-semibold text-white" data-testid="cover-badge">"Cover"</span> })}
            <div class="absolute inset-x-2 bottom-2 flex justify-between gap-1 opacity-100 transition sm:opacity-0 sm:group-hover:opacity-100 sm:group-focus-within:opacity-100">
                <div class="flex gap-1">
                    <button type="button" class=button aria-label="Move earlier" on:click=move |_| step(-1)>"←"</button>
                    <button type="button" class=button aria-label="Move later" on:click=move |_| step(1)>"→"</button>
                </div>
                <div class="flex gap-1">
                    <button type="button" class=button aria-label="Make this the cover" title="Make this the cover" on:click=make_cover>
                        <ActionIcon kind=ActionIconKind::Photo class="size-4" />
                    </button>
                    <button type="button" class=button aria-label="Remove from the gallery" title="Remove from the gallery" on:click=remove>
                        <ActionIcon kind=ActionIconKind::Stop class="size-4" />
                    </button>
                </div>
            </div>
        </li>
    }
}
