//! The public page switches of a gallery: publish, what the page shows,
//! the link with copy and "new link", and a way to open it as a visitor.

use easel_domain::galleries::{GallerySummary, SharingOptions};
use leptos::prelude::*;

use crate::api::galleries::{new_gallery_link, set_gallery_sharing};
use crate::components::copy_button::CopyButton;

/// The panel. Each change is saved at once.
#[component]
pub fn SharingPanel(gallery: GallerySummary, version: RwSignal<u32>) -> impl IntoView {
    let id = gallery.id;
    let public = RwSignal::new(gallery.is_public);
    let options = RwSignal::new(gallery.sharing);
    let path = RwSignal::new(gallery.public_path());
    let error = RwSignal::new(None::<String>);
    let save = move || {
        let (is_public, sharing) = (public.get_untracked(), options.get_untracked());
        leptos::task::spawn_local(async move {
            match set_gallery_sharing(id, is_public, sharing).await {
                Ok(saved) => {
                    path.set(saved.public_path());
                    error.set(None);
                }
                Err(err) => error.set(Some(err.to_string())),
            }
        });
    };
    let new_link = move |_| {
        leptos::task::spawn_local(async move {
            match new_gallery_link(id).await {
                Ok(saved) => path.set(saved.public_path()),
                Err(err) => error.set(Some(err.to_string())),
            }
        });
    };
    let option = move |label: &'static str,
                       testid: &'static str,
                       get: fn(&SharingOptions) -> bool,
                       set: fn(&mut SharingOptions, bool)| {
        view! {
            <label class="flex items-center gap-2 text-sm text-zinc-300">
                <input
                    type="checkbox"
                    data-testid=testid
                    prop:checked=move || options.with(get)
                    on:change=move |ev| {
                        let checked = event_target_checked(&ev);
                        options.update(|o| set(o, checked));
                        save();
                    }
                    class="size-4 rounded border-white/20 bg-white/5 accent-violet-500"
                />
                {label}
            </label>
        }
    };
    let _ = version;
    view! {
        <section class="mt-6 rounded-2xl bg-white/[0.03] p-4 ring-1 ring-white/10 sm:p-5" aria-labelledby="sharing-title" data-testid="sharing-panel">
            <div class="flex flex-wrap items-center justify-between gap-3">
                <div>
                    <h2 id="sharing-title" class="text-sm font-semibold text-white">"Public page"</h2>
                    <p class="mt-0.5 text-xs text-zinc-400">"Anyone with the link can see this gallery's images. Nobody can reach your other images through it."</p>
                </div>
                <label class="inline-flex cursor-pointer items-center gap-2 text-sm font-medium text-zinc-200">
                    <input
                        type="checkbox"
                        role="switch"
                        data-testid="make-public"
                        prop:checked=move || public.get()
                        on:change=move |ev| {
                            public.set(event_target_checked(&ev));
                            save();
                        }
                        class="size-4 accent-emerald-500"
                    />
                    {move || if public.get() { "Public" } else { "Private" }}
                </label>
            </div>
            <Show when=move || public.get()>
                <div class="mt-4 grid gap-2 sm:grid-cols-2">
                    {option("Show prompts", "show-prompts", |o| o.show_prompts, |o, v| o.show_prompts = v)}
                    {option("Show seeds and parameters (kept in the files too)", "show-parameters", |o| o.show_parameters, |o, v| o.show_parameters = v)}
                    {option("Show my user name", "show-owner", |o| o.show_owner, |o, v| o.show_owner = v)}
                    {option("Let search engines index it", "allow-indexing", |o| o.allow_indexing, |o, v| o.allow_indexing = v)}
                </div>
                {move || path.get().map(|path| {
                    let absolute = absolute(&path);
                    view! {
                        <div class="mt-4 flex flex-wrap items-center gap-2">
                            <code class="min-w-0 flex-1 truncate rounded-lg bg-black/40 px-3 py-2 text-xs text-emerald-200" data-testid="public-link">{absolute.clone()}</code>
                            <CopyButton text=absolute what="public link" testid="copy-public-link" />
                            <a href=path.clone() target="_blank" rel="noopener" class="rounded-lg bg-white/5 px-3 py-1.5 text-sm text-zinc-200 ring-1 ring-inset ring-white/10 hover:bg-white/10" data-testid="open-public">"Open"</a>
                            <button type="button" on:click=new_link data-testid="new-link" class="rounded-lg px-3 py-1.5 text-sm text-amber-200 ring-1 ring-inset ring-amber-500/30 hover:bg-amber-500/10" title="The old link stops working at once">"New link"</button>
                        </div>
                    }
                })}
            </Show>
            {move || error.get().map(|message| view! { <p role="alert" class="mt-3 text-sm text-rose-300">{message}</p> })}
        </section>
    }
}

/// The page's absolute URL, as the browser sees this site.
fn absolute(path: &str) -> String {
    #[cfg(feature = "hydrate")]
    if let Ok(origin) = leptos::prelude::window().location().origin() {
        return format!("{origin}{path}");
    }
    path.to_owned()
}
