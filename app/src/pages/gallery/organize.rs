//! On the image page: star it, tag it, put it in galleries, and share it
//! on its own with a link that may expire.

use easel_domain::galleries::{BulkAction, ImageSelection, ShareLink, ShareRequest, share_path};
use easel_domain::gallery::ImageDetail;
use leptos::prelude::*;
use leptos_router::components::A;
use uuid::Uuid;

use crate::api::galleries::{create_share, list_galleries, list_shares, revoke_share};
use crate::api::images::apply_bulk_action;
use crate::components::action_icons::{ActionIcon, ActionIconKind};
use crate::components::copy_button::CopyButton;

const FIELD: &str = "rounded-lg bg-white/5 px-2.5 py-1.5 text-sm text-white ring-1 ring-inset ring-white/10 focus:ring-2 focus:ring-violet-400 focus:outline-none";
const BUTTON: &str = "rounded-lg bg-white/5 px-3 py-1.5 text-sm font-medium text-zinc-100 ring-1 ring-inset ring-white/10 transition hover:bg-white/10 disabled:opacity-50";

/// Star, tags, galleries and share links of one image.
#[component]
pub fn OrganizePanel(detail: ImageDetail) -> impl IntoView {
    let id = detail.item.id;
    let starred = RwSignal::new(detail.item.starred);
    let tags = RwSignal::new(detail.tags.clone());
    let in_galleries = RwSignal::new(detail.galleries.clone());
    let error = RwSignal::new(None::<String>);
    let one = move || ImageSelection::Ids { ids: vec![id] };
    let act = move |action: BulkAction, then: Box<dyn FnOnce() + 'static>| {
        leptos::task::spawn_local(async move {
            match apply_bulk_action(one(), action).await {
                Ok(_) => then(),
                Err(err) => error.set(Some(err.to_string())),
            }
        });
    };
    let toggle_star = move |_| {
        let next = !starred.get_untracked();
        let action = if next {
            BulkAction::Star
        } else {
            BulkAction::Unstar
        };
        act(action, Box::new(move || starred.set(next)));
    };
    let new_tag = RwSignal::new(String::new());
    let add_tag = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let tag = new_tag.get_untracked();
        let Ok(normal) = easel_domain::gallery::normalize_tag(&tag) else {
            error.set(Some(
                "Type a tag of up to 64 characters, without commas.".into(),
            ));
            return;
        };
        act(
            BulkAction::Tag { tag },
            Box::new(move || {
                tags.update(|list| {
                    if !list.contains(&normal) {
                        list.push(normal);
                        list.sort();
                    }
                });
                new_tag.set(String::new());
            }),
        );
    };
    let galleries = Resource::new(|| (), |_| list_galleries());
    let chosen = RwSignal::new(String::new());
    let add_to_gallery = move |_| {
        let Ok(gallery_id) = Uuid::parse_str(&chosen.get_untracked()) else {
            return;
        };
        let name = galleries
            .get_untracked()
            .and_then(Result::ok)
            .and_then(|list| list.into_iter().find(|g| g.id == gallery_id))
            .map(|g| g.name)
            .unwrap_or_default();
        act(
            BulkAction::AddToGallery { gallery_id },
            Box::new(move || {
                in_galleries.update(|list| {
                    if !list.iter().any(|(g, _)| *g == gallery_id) {
                        list.push((gallery_id, name));
                    }
                })
            }),
        );
    };
    view! {
        <section class="space-y-3 rounded-xl bg-white/[0.03] p-4 ring-1 ring-white/10" data-testid="organize">
            <div class="flex items-center justify-between">
                <h2 class="text-xs font-semibold uppercase tracking-wide text-zinc-400">"Organise"</h2>
                <button type="button" data-testid="star" aria-pressed=move || starred.get().to_string() on:click=toggle_star
                    class=move || format!("inline-flex items-center gap-1 rounded-lg px-2.5 py-1 text-sm ring-1 ring-inset transition {}", if starred.get() { "bg-amber-400/15 text-amber-200 ring-amber-400/40" } else { "text-zinc-300 ring-white/10 hover:bg-white/5" })>
                    <ActionIcon kind=ActionIconKind::Star class="size-4" />
                    {move || if starred.get() { "Starred" } else { "Star" }}
                </button>
            </div>
            <div>
                <ul class="flex flex-wrap gap-1.5" aria-label="Tags" data-testid="tags">
                    {move || tags.get().into_iter().map(|tag| {
                        let remove_tag = tag.clone();
                        let label = format!("Remove the tag {tag}");
                        let href = format!("/gallery?tag={}", crate::encode_query_value(&tag));
                        view! {
                            <li class="inline-flex items-center gap-1 rounded-full bg-violet-500/15 py-0.5 pr-1 pl-2.5 text-xs text-violet-100 ring-1 ring-inset ring-violet-400/30">
                                <A href=href>{tag.clone()}</A>
                                <button type="button" aria-label=label class="rounded-full px-1 text-violet-200 hover:bg-violet-400/20"
                                    on:click=move |_| {
                                        let tag = remove_tag.clone();
                                        let gone = tag.clone();
                                        act(BulkAction::Untag { tag }, Box::new(move || tags.update(|l| l.retain(|t| *t != gone))));
                                    }>"×"</button>
                            </li>
                        }
                    }).collect_view()}
                </ul>
                <form on:submit=add_tag class="mt-2 flex gap-1.5">
                    <label class="sr-only" for="new-tag">"New tag"</label>
                    <input id="new-tag" type="text" maxlength="64" placeholder="Add a tag" data-testid="new-tag" class=format!("{FIELD} min-w-0 flex-1")
                        prop:value=move || new_tag.get() on:input=move |ev| new_tag.set(event_target_value(&ev)) />
                    <button type="submit" class=BUTTON>"Add"</button>
                </form>
            </div>
            <div>
                <p class="text-xs text-zinc-500">"In galleries: "
                    {move || {
                        let list = in_galleries.get();
                        if list.is_empty() {
                            view! { <span>"none"</span> }.into_any()
                        } else {
                            list.into_iter().map(|(gid, name)| view! {
                                <A href=format!("/galleries/{gid}") attr:class="mr-2 text-violet-300 hover:text-violet-200">{name}</A>
                            }).collect_view().into_any()
                        }
                    }}
                </p>
                <div class="mt-2 flex gap-1.5">
                    <label class="sr-only" for="add-gallery">"Gallery"</label>
                    <select id="add-gallery" class=format!("{FIELD} min-w-0 flex-1") data-testid="add-to-gallery" on:change=move |ev| chosen.set(event_target_value(&ev))>
                        <option value="">"Add to a gallery…"</option>
                        {move || galleries.get().and_then(Result::ok).map(|list| list.into_iter().map(|g| view! { <option value=g.id.to_string()>{g.name}</option> }).collect_view())}
                    </select>
                    <button type="button" class=BUTTON on:click=add_to_gallery disabled=move || chosen.with(String::is_empty)>"Add"</button>
                </div>
            </div>
            <ShareLinks image_id=id />
            {move || error.get().map(|message| view! { <p role="alert" class="text-sm text-rose-300">{message}</p> })}
        </section>
    }
    .into_any()
}

/// Share this image alone: make a link (with an expiry, showing the prompt
/// or not), copy it, revoke it.
#[component]
fn ShareLinks(image_id: Uuid) -> impl IntoView {
    let version = RwSignal::new(0u32);
    let links = Resource::new(move || version.get(), move |_| list_shares(image_id));
    let expiry = RwSignal::new(String::from("168"));
    let show_prompt = RwSignal::new(true);
    let show_parameters = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let make = move |_| {
        let request = ShareRequest {
            image_id,
            show_prompt: show_prompt.get_untracked(),
            show_parameters: show_parameters.get_untracked(),
            expires_in_hours: expiry.get_untracked().parse().ok(),
        };
        leptos::task::spawn_local(async move {
            match create_share(request).await {
                Ok(_) => version.update(|v| *v += 1),
                Err(err) => error.set(Some(err.to_string())),
            }
        });
    };
    view! {
        <details class="group">
            <summary class="cursor-pointer text-sm font-medium text-zinc-200" data-testid="share-toggle">"Share this image"</summary>
            <div class="mt-2 space-y-2">
                <div class="flex flex-wrap items-center gap-2 text-sm text-zinc-300">
                    <label class="sr-only" for="share-expiry">"Expires"</label>
                    <select id="share-expiry" class=FIELD data-testid="share-expiry" on:change=move |ev| expiry.set(event_target_value(&ev))>
                        <option value="1">"1 hour"</option>
                        <option value="24">"1 day"</option>
                        <option value="168" selected>"1 week"</option>
                        <option value="720">"30 days"</option>
                        <option value="never">"Never expires"</option>
                    </select>
                    <label class="flex items-center gap-1.5"><input type="checkbox" prop:checked=move || show_prompt.get() on:change=move |ev| show_prompt.set(event_target_checked(&ev)) class="accent-violet-500" />"Prompt"</label>
                    <label class="flex items-center gap-1.5"><input type="checkbox" prop:checked=move || show_parameters.get() on:change=move |ev| show_parameters.set(event_target_checked(&ev)) class="accent-violet-500" />"Parameters"</label>
                    <button type="button" class=BUTTON data-testid="create-share" on:click=make>"Create link"</button>
                </div>
                {move || error.get().map(|message| view! { <p role="alert" class="text-sm text-rose-300">{message}</p> })}
                <ul class="space-y-1.5" data-testid="share-links">
                    {move || links.get().and_then(Result::ok).map(|list| list.into_iter().map(|link| view! { <LinkRow link version /> }).collect_view())}
                </ul>
            </div>
        </details>
    }
    .into_any()
}

#[component]
fn LinkRow(link: ShareLink, version: RwSignal<u32>) -> impl IntoView {
    let path = share_path(&link.token);
    let absolute = absolute(&path);
    let id = link.id;
    let expiry = match link.expires_at {
        Some(at) if at <= chrono::Utc::now() => "expired".to_owned(),
        Some(at) => format!("until {}", at.format("%Y-%m-%d %H:%M UTC")),
        None => "no expiry".to_owned(),
    };
    view! {
        <li class="flex items-center gap-2 text-xs">
            <a href=path class="min-w-0 flex-1 truncate text-emerald-200 hover:underline" data-testid="share-link">{absolute.clone()}</a>
            <span class="shrink-0 text-zinc-500">{expiry}</span>
            <CopyButton text=absolute what="share link" />
            <button type="button" class="shrink-0 rounded px-1.5 py-0.5 text-rose-300 hover:bg-rose-500/10"
                on:click=move |_| {
                    leptos::task::spawn_local(async move {
                        if revoke_share(id).await.is_ok() {
                            version.update(|v| *v += 1);
                        }
                    });
                }>"Revoke"</button>
        </li>
    }
}

fn absolute(path: &str) -> String {
    #[cfg(feature = "hydrate")]
    if let Ok(origin) = leptos::prelude::window().location().origin() {
        return format!("{origin}{path}");
    }
    path.to_owned()
}
