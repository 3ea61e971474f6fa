//! The search box and filters above the grid. It is a plain GET form on
//! `/gallery`, so the query lands in the URL (bookmarkable, shareable with
//! oneself, and working before the page hydrates); the router turns the
//! submit into a client-side navigation once it has.

use easel_domain::gallery::{Aspect, ImageQuery, SortOrder};
use leptos::prelude::*;
use leptos_router::components::{A, Form};

use crate::api::galleries::list_galleries;
use crate::api::generation::list_models;
use crate::components::action_icons::{ActionIcon, ActionIconKind};

const FIELD: &str = "rounded-lg bg-white/5 px-3 py-2 text-sm text-white ring-1 ring-inset ring-white/10 focus:ring-2 focus:ring-violet-400 focus:outline-none";

/// The form, filled from the current query.
#[component]
pub fn SearchBar(query: Memo<ImageQuery>) -> impl IntoView {
    let models = Resource::new(|| (), |_| list_models());
    let galleries = Resource::new(|| (), |_| list_galleries());
    let open = RwSignal::new(false);
    view! {
        <Form method="GET" action="/gallery" attr:class="mt-6" attr:role="search" attr:data-testid="gallery-search">
            {move || {
                let q = query.get();
                let filtered = q.is_filtered();
                let chosen_model = q.model.clone().unwrap_or_default();
                view! {
                    <div class="flex flex-wrap gap-2">
                        <div class="relative min-w-0 flex-1 basis-64">
                            <ActionIcon kind=ActionIconKind::Search class="pointer-events-none absolute top-2.5 left-3 size-4 text-zinc-500" />
                            <label for="gallery-q" class="sr-only">"Search prompts"</label>
                            <input id="gallery-q" name="q" type="search" maxlength="200" value=q.text.clone()
                                placeholder="Search prompts: lighthouse -night, \"red fox\""
                                class=format!("{FIELD} w-full pl-9") />
                        </div>
                        <label class="sr-only" for="gallery-sort">"Order"</label>
                        <select id="gallery-sort" name="sort" class=FIELD>
                            {SortOrder::ALL.into_iter().map(|sort| view! {
                                <option value=sort.as_str() selected=sort == q.sort>{sort.label()}</option>
                            }).collect_view()}
                        </select>
                        <button type="button" on:click=move |_| open.update(|o| *o = !*o) aria-expanded=move || open.get().to_string() aria-controls="gallery-filters"
                            data-testid="toggle-filters"
                            class="inline-flex items-center gap-1.5 rounded-lg bg-white/5 px-3 py-2 text-sm font-medium text-zinc-200 ring-1 ring-inset ring-white/10 hover:bg-white/10">
                            "Filters"
                            {filtered.then(|| view! { <span class="size-2 rounded-full bg-violet-400" aria-label="active"></span> })}
                        </button>
                        <button type="submit" class="rounded-lg bg-violet-500 px-4 py-2 text-sm font-semibold text-white hover:bg-violet-400">"Search"</button>
                        {filtered.then(|| view! { <A href="/gallery" attr:class="self-center text-sm text-zinc-400 hover:text-white" attr:data-testid="clear-search">"Clear"</A> })}
                    </div>
                    <div id="gallery-filters" class=move || if open.get() || filtered { "mt-3 grid gap-3 rounded-xl bg-white/[0.03] p-3 ring-1 ring-white/10 sm:grid-cols-2 lg:grid-cols-4" } else { "hidden" }>
                        <label class="grid gap-1 text-xs text-zinc-400">"Prompt contains"
                            <input name="contains" type="text" maxlength="200" value=q.contains.clone() placeholder="exact text" class=FIELD />
                        </label>
                        <label class="grid gap-1 text-xs text-zinc-400">"Model or backend"
                            <select name="model" class=FIELD>
                                <option value="">"Any"</option>
                                // Inside a Suspense, so the server waits for the
                                // list and hydration finds the same options.
                                <Suspense fallback=|| ()>{
                                    let chosen = chosen_model.clone();
                                    move || models.get().and_then(Result::ok).map(|models| {
                                        let mut backends: Vec<String> = models.iter().map(|m| m.id.split(':').next().unwrap_or_default().to_owned()).collect();
                                        backends.dedup();
                                        let chosen = chosen.clone();
                                        view! {
                                            {backends.into_iter().map(|b| { let label = format!("All of {b}"); view! { <option value=b.clone() selected=b == chosen>{label}</option> } }).collect_view()}
                                            {models.into_iter().map(|m| view! { <option value=m.id.clone() selected=m.id == chosen>{m.label}</option> }).collect_view()}
                                        }
                                    })
                                }</Suspense>
                                <option value="import" selected=q.model.as_deref() == Some("import")>"Imported files"</option>
                            </select>
                        </label>
                        <label class="grid gap-1 text-xs text-zinc-400">"From"
                            <input name="from" type="date" value=q.from.map(|d| d.to_string()).unwrap_or_default() class=FIELD />
                        </label>
                        <label class="grid gap-1 text-xs text-zinc-400">"To"
                            <input name="to" type="date" value=q.to.map(|d| d.to_string()).unwrap_or_default() class=FIELD />
                        </label>
                        <label class="grid gap-1 text-xs text-zinc-400">"Shape"
                            <select name="aspect" class=FIELD>
                                <option value="">"Any"</option>
                                {Aspect::ALL.into_iter().map(|a| view! { <option value=a.as_str() selected=Some(a) == q.aspect>{a.label()}</option> }).collect_view()}
                            </select>
                        </label>
                        <label class="grid gap-1 text-xs text-zinc-400">"Tag"
                            <input name="tag" type="text" maxlength="64" value=q.tags.first().cloned().unwrap_or_default() placeholder="e.g. portfolio" class=FIELD />
                        </label>
                        <label class="grid gap-1 text-xs text-zinc-400">"Gallery"
                            <select name="gallery" class=FIELD>
                                <option value="">"Any"</option>
                                <Suspense fallback=|| ()>{
                                    let chosen = q.gallery;
                                    move || galleries.get().and_then(Result::ok).map(|list| list.into_iter().map(|g| view! {
                                        <option value=g.id.to_string() selected=Some(g.id) == chosen>{g.name}</option>
                                    }).collect_view())
                                }</Suspense>
                            </select>
                        </label>
                        <label class="grid gap-1 text-xs text-zinc-400">"Made by"
                            <select name="operation" class=FIELD>
                                <option value="">"Any"</option>
                                {["txt2img", "img2img", "inpaint", "variations", "upscale", "import"].into_iter().map(|op| view! {
                                    <option value=op selected=q.operation.as_deref() == Some(op)>{op}</option>
                                }).collect_view()}
                            </select>
                        </label>
                        <label class="flex items-center gap-2 text-sm text-zinc-300">
                            <input name="starred" type="checkbox" value="1" checked=q.starred class="size-4 accent-amber-400" />
                            "Starred only"
                        </label>
                    </div>
                }
            }}
        </Form>
    }
}
