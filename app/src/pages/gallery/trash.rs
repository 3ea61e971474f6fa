//! `/gallery/trash`: images the user deleted, kept for the retention
//! period (30 days by default) before the purge removes them for good.
//! From here they can be restored, or deleted for good at once.

use easel_domain::galleries::{BulkAction, ImageSelection};
use easel_domain::gallery::GalleryItem;
use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::images::{apply_bulk_action, list_trash};
use crate::components::confirm::InlineConfirm;
use crate::components::library_tabs::{LibraryTab, LibraryTabs};
use crate::components::page::PageHeader;

use super::selection::Selection;

/// The trash.
#[component]
pub fn TrashPage() -> impl IntoView {
    let version = RwSignal::new(0u32);
    let page = Resource::new(move || version.get(), |_| list_trash(None));
    view! {
        <Title text="Trash" />
        <PageHeader title="Gallery" description="Every image you make, with the prompt and settings that made it." />
        <LibraryTabs current=LibraryTab::Trash />
        <p class="mt-4 text-sm text-zinc-400">"Deleted images wait here before they are removed for good. Restore them, or empty the trash now."</p>
        <Transition fallback=|| view! { <p class="mt-8 text-sm text-zinc-500">"Loading…"</p> }>
            {move || page.get().map(|result| match result {
                Ok(page) if page.items.is_empty() => view! {
                    <p class="mt-8 rounded-2xl border border-dashed border-white/15 px-6 py-12 text-center text-sm text-zinc-400" data-testid="trash-empty">"The trash is empty."</p>
                }.into_any(),
                Ok(page) => view! { <TrashGrid items=page.items version /> }.into_any(),
                Err(err) => view! { <p role="alert" class="mt-8 text-sm text-rose-300">{format!("Could not load the trash. {err}")}</p> }.into_any(),
            })}
        </Transition>
    }
}

#[component]
fn TrashGrid(items: Vec<GalleryItem>, version: RwSignal<u32>) -> impl IntoView {
    let selection = Selection::new();
    let order: Vec<uuid::Uuid> = items.iter().map(|i| i.id).collect();
    let order = StoredValue::new(order);
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let confirm = RwSignal::new(false);
    let run = move |selection_to: ImageSelection, action: BulkAction| {
        busy.set(true);
        leptos::task::spawn_local(async move {
            match apply_bulk_action(selection_to, action).await {
                Ok(_) => version.update(|v| *v += 1),
                Err(err) => error.set(Some(err.to_string())),
            }
            busy.set(false);
        });
    };
    let picked = move || ImageSelection::Ids {
        ids: selection.ids(),
    };
    view! {
        <div class="mt-4 flex flex-wrap items-center gap-2" data-testid="trash-actions">
            <button type="button" class="rounded-lg bg-white/5 px-3 py-1.5 text-sm text-zinc-200 ring-1 ring-inset ring-white/10 hover:bg-white/10"
                on:click=move |_| order.with_value(|o| selection.select_loaded(o))>"Select all"</button>
            <button type="button" data-testid="restore" disabled=move || busy.get() || !selection.is_active()
                on:click=move |_| run(picked(), BulkAction::Restore)
                class="rounded-lg bg-emerald-500/15 px-3 py-1.5 text-sm font-medium text-emerald-200 ring-1 ring-inset ring-emerald-500/30 hover:bg-emerald-500/25 disabled:opacity-50">
                {move || format!("Restore {}", selection.count())}
            </button>
            <button type="button" disabled=move || busy.get() || !selection.is_active()
                on:click=move |_| run(picked(), BulkAction::DeleteForever)
                class="rounded-lg px-3 py-1.5 text-sm font-medium text-rose-200 ring-1 ring-inset ring-rose-500/30 hover:bg-rose-500/10 disabled:opacity-50">
                "Delete for good"
            </button>
            <button type="button" data-testid="empty-trash" aria-expanded=move || confirm.get().to_string() on:click=move |_| confirm.update(|c| *c = !*c)
                class="ml-auto rounded-lg px-3 py-1.5 text-sm font-medium text-rose-300 hover:bg-rose-500/10">"Empty the trash"</button>
        </div>
        <InlineConfirm
            open=confirm
            question="Empty the trash?".to_owned()
            detail="Every image in it is deleted for good, with its files."
            confirm_label="Empty it"
            busy=busy
            error=error
            on_confirm=Callback::new(move |()| run(ImageSelection::Trash, BulkAction::DeleteForever))
        />
        <ul class="mt-6 grid grid-cols-2 gap-2 sm:grid-cols-3 sm:gap-3 md:grid-cols-4 xl:grid-cols-5" data-testid="trash-grid">
            {items.into_iter().map(|item| {
                let id = item.id;
                let selected = move || selection.contains(id);
                view! {
                    <li>
                        <button type="button" data-testid="trash-item" aria-pressed=move || selected().to_string()
                            on:click=move |ev: leptos::ev::MouseEvent| order.with_value(|o| selection.click(id, ev.shift_key(), o))
                            class=move || format!("block aspect-square w-full overflow-hidden rounded-xl bg-zinc-900 ring-1 transition {}", if selected() { "ring-2 ring-violet-400" } else { "ring-white/10 hover:ring-white/30" })>
                            <img src=item.thumbnail_url(512) alt=item.prompt.clone() loading="lazy" class="size-full object-cover opacity-70" />
                        </button>
                    </li>
                }
            }).collect_view()}
        </ul>
    }
}
