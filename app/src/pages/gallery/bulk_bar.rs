//! The bar that appears over the grid while images are selected: how many,
//! "select all matching", and the bulk actions (galleries, tags, stars,
//! zip download, trash).

use easel_domain::galleries::{BulkAction, ImageSelection};
use easel_domain::gallery::{GalleryItem, ImageQuery};
use leptos::prelude::*;

use crate::api::galleries::list_galleries;
use crate::api::images::{apply_bulk_action, count_gallery_images};

use super::selection::Selection;

const BUTTON: &str = "rounded-lg bg-white/5 px-3 py-1.5 text-sm font-medium text-zinc-100 ring-1 ring-inset ring-white/10 transition hover:bg-white/10 disabled:opacity-50";
const FIELD: &str = "rounded-lg bg-black/30 px-2.5 py-1.5 text-sm text-white ring-1 ring-inset ring-white/10 focus:ring-2 focus:ring-violet-400 focus:outline-none";

/// The bar; hidden while nothing is selected.
#[component]
pub fn BulkBar(
    selection: Selection,
    query: ImageQuery,
    items: RwSignal<Vec<GalleryItem>>,
) -> impl IntoView {
    let query = StoredValue::new(query);
    // Counted once a selection starts, not on every page view: counting
    // every match of a broad search reads each of them.
    let total = Resource::new(
        move || selection.is_active(),
        move |active| {
            let query = query.get_value();
            async move {
                if active {
                    count_gallery_images(query).await.map(Some)
                } else {
                    Ok(None)
                }
            }
        },
    );
    let galleries = Resource::new(|| (), |_| list_galleries());
    let status = RwSignal::new(None::<Result<String, String>>);
    let busy = RwSignal::new(false);
    let tag = RwSignal::new(String::new());
    let gallery = RwSignal::new(String::new());

    let chosen = move || {
        if selection.all_matching.get_untracked() {
            ImageSelection::Matching {
                query: query.get_value(),
            }
        } else {
            ImageSelection::Ids {
                ids: selection.ids(),
            }
        }
    };
    let run = move |action: BulkAction, done: &'static str| {
        let target = chosen();
        busy.set(true);
        leptos::task::spawn_local(async move {
            match apply_bulk_action(target.clone(), action.clone()).await {
                Ok(outcome) => {
                    apply_locally(&action, &target, items);
                    status.set(Some(Ok(format!(
                        "{done} {} {}.",
                        outcome.affected,
                        if outcome.affected == 1 {
                            "image"
                        } else {
                            "images"
                        }
                    ))));
                    if matches!(action, BulkAction::Trash) {
                        selection.clear();
                    }
                }
                Err(err) => status.set(Some(Err(err.to_string()))),
            }
            busy.set(false);
        });
    };
    let count_label = move || {
        if selection.all_matching.get() {
            match total.get().and_then(Result::ok).flatten() {
                Some(n) => format!("All {n} matching selected"),
                None => "All matching selected".to_owned(),
            }
        } else {
            let n = selection.count();
            format!("{n} selected")
        }
    };
    view! {
        <Show when=move || selection.is_active()>
            <div class="sticky top-2 z-20 mt-4 flex flex-wrap items-center gap-2 rounded-2xl bg-zinc-900/95 p-3 shadow-xl ring-1 ring-violet-400/30 backdrop-blur" role="toolbar" aria-label="Selected images" data-testid="bulk-bar">
                <span class="px-1 text-sm font-semibold text-white" data-testid="selected-count">{count_label}</span>
                <Show when=move || !selection.all_matching.get()>
                    <button type="button" class=BUTTON data-testid="select-all-matching" on:click=move |_| selection.all_matching.set(true)>
                        {move || match total.get().and_then(Result::ok).flatten() { Some(n) => format!("Select all {n} matching"), None => "Select all matching".to_owned() }}
                    </button>
                </Show>
                <span class="mx-1 hidden h-6 w-px bg-white/10 sm:block" aria-hidden="true"></span>
                <div class="flex items-center gap-1.5">
                    <label class="sr-only" for="bulk-gallery">"Gallery"</label>
                    <select id="bulk-gallery" class=FIELD data-testid="bulk-gallery" on:change=move |ev| gallery.set(event_target_value(&ev))>
                        <option value="">"Gallery…"</option>
                        {move || galleries.get().and_then(Result::ok).map(|list| list.into_iter().map(|g| view! { <option value=g.id.to_string()>{g.name}</option> }).collect_view())}
                    </select>
                    <button type="button" class=BUTTON data-testid="bulk-add-to-gallery" disabled=move || busy.get() || gallery.with(String::is_empty)
                        on:click=move |_| if let Ok(gallery_id) = uuid::Uuid::parse_str(&gallery.get_untracked()) { run(BulkAction::AddToGallery { gallery_id }, "Added") }>
                        "Add"
                    </button>
                    <button type="button" class=BUTTON disabled=move || busy.get() || gallery.with(String::is_empty)
                        on:click=move |_| if let Ok(gallery_id) = uuid::Uuid::parse_str(&gallery.get_untracked()) { run(BulkAction::RemoveFromGallery { gallery_id }, "Removed") }>
                        "Remove"
                    </button>
                </div>
                <div class="flex items-center gap-1.5">
                    <label class="sr-only" for="bulk-tag">"Tag"</label>
                    <input id="bulk-tag" type="text" maxlength="64" placeholder="tag" class=format!("{FIELD} w-28") data-testid="bulk-tag"
                        prop:value=move || tag.get() on:input=move |ev| tag.set(event_target_value(&ev)) />
                    <button type="button" class=BUTTON data-testid="bulk-tag-add" disabled=move || busy.get() || tag.with(|t| t.trim().is_empty())
                        on:click=move |_| run(BulkAction::Tag { tag: tag.get_untracked() }, "Tagged")>"Tag"</button>
                    <button type="button" class=BUTTON disabled=move || busy.get() || tag.with(|t| t.trim().is_empty())
                        on:click=move |_| run(BulkAction::Untag { tag: tag.get_untracked() }, "Untagged")>"Untag"</button>
                </div>
                <button type="button" class=BUTTON data-testid="bulk-star" disabled=move || busy.get() on:click=move |_| run(BulkAction::Star, "Starred")>"★ Star"</button>
                <button type="button" class=BUTTON disabled=move || busy.get() on:click=move |_| run(BulkAction::Unstar, "Unstarred")>"Unstar"</button>
                <DownloadZip selection query />
                <button type="button" data-testid="bulk-trash" disabled=move || busy.get() on:click=move |_| run(BulkAction::Trash, "Moved to the trash:")
                    class="rounded-lg px-3 py-1.5 text-sm font-medium text-rose-200 ring-1 ring-inset ring-rose-500/30 hover:bg-rose-500/10">"Trash"</button>
                <button type="button" class="ml-auto rounded-lg px-3 py-1.5 text-sm text-zinc-400 hover:text-white" on:click=move |_| { selection.clear(); status.set(None); }>"Clear"</button>
                {move || status.get().map(|result| match result {
                    Ok(text) => view! { <p role="status" class="basis-full px-1 text-sm text-emerald-300" data-testid="bulk-status">{text}</p> }.into_any(),
                    Err(text) => view! { <p role="alert" class="basis-full px-1 text-sm text-rose-300">{text}</p> }.into_any(),
                })}
            </div>
        </Show>
    }
}

/// Downloads the selection as a zip streamed by the server: hand-picked
/// ids are posted in a form, "all matching" is the query in a link.
#[component]
fn DownloadZip(selection: Selection, query: StoredValue<ImageQuery>) -> impl IntoView {
    let href = move || {
        let pairs = query.get_value().to_pairs();
        let encoded: Vec<String> = pairs
            .into_iter()
            .map(|(k, v)| format!("{k}={}", crate::encode_query_value(&v)))
            .collect();
        format!("/images/archive?{}", encoded.join("&"))
    };
    view! {
        <Show
            when=move || selection.all_matching.get()
            fallback=move || view! {
                <form method="post" action="/images/archive" class="contents">
                    {move || { let _ = selection.count(); selection.ids() }.into_iter().map(|id| view! { <input type="hidden" name="id" value=id.to_string() /> }).collect_view()}
                    <button type="submit" class=BUTTON data-testid="bulk-zip">"Download zip"</button>
                </form>
            }
        >
            <a href=href class=BUTTON download data-testid="bulk-zip">"Download zip"</a>
        </Show>
    }
}

/// Mirrors a finished action in the loaded grid, so the page need not
/// reload.
fn apply_locally(action: &BulkAction, target: &ImageSelection, items: RwSignal<Vec<GalleryItem>>) {
    let picked = |item: &GalleryItem| match target {
        ImageSelection::Ids { ids } => ids.contains(&item.id),
        _ => true,
    };
    match action {
        BulkAction::Star | BulkAction::Unstar => {
            let starred = matches!(action, BulkAction::Star);
            items.update(|list| {
                for item in list.iter_mut().filter(|i| picked(i)) {
                    item.starred = starred;
                }
            });
        }
        BulkAction::Trash => items.update(|list| list.retain(|i| !picked(i))),
        _ => {}
    }
}
