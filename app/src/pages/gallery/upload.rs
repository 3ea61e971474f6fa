//! Importing images into the library: a file picker, and drag and drop
//! anywhere on the gallery, many files at once, with a progress bar and
//! one line per file that could not be imported.

use easel_domain::gallery::upload::{ACCEPT_ATTRIBUTE, ACCEPTED_FORMATS, UploadResponse};
use leptos::prelude::*;

/// Where an upload stands.
#[cfg_attr(
    not(feature = "hydrate"),
    allow(dead_code, reason = "made in the browser only")
)]
#[derive(Debug, Clone, PartialEq)]
pub enum UploadState {
    /// Nothing under way.
    Idle,
    /// Sending: the fraction sent and how many files.
    Sending(f64, usize),
    /// Done: each file's outcome.
    Done(UploadResponse),
    /// The whole request failed.
    Failed(String),
}

/// The upload's state and what to do when images arrive.
#[derive(Debug, Clone, Copy)]
pub struct Uploads {
    /// The state.
    pub state: RwSignal<UploadState>,
    /// A file is being dragged over the page.
    pub dragging: RwSignal<bool>,
    /// Bumped when images were imported (the grid reloads).
    pub imported: RwSignal<u32>,
}

impl Uploads {
    /// Nothing under way.
    pub fn new() -> Self {
        Self {
            state: RwSignal::new(UploadState::Idle),
            dragging: RwSignal::new(false),
            imported: RwSignal::new(0),
        }
    }

    /// Uploads files (browser only).
    #[cfg(feature = "hydrate")]
    pub fn send(self, files: Vec<web_sys::File>) {
        if files.is_empty() {
            return;
        }
        let count = files.len();
        self.state.set(UploadState::Sending(0.0, count));
        leptos::task::spawn_local(async move {
            let state = self.state;
            let result = crate::browser::files::upload(&files, move |fraction| {
                state.try_set(UploadState::Sending(fraction, count));
            })
            .await;
            match result {
                Ok(response) => {
                    if response.imported().next().is_some() {
                        self.imported.update(|n| *n += 1);
                    }
                    self.state.set(UploadState::Done(response));
                }
                Err(message) => self.state.set(UploadState::Failed(message)),
            }
        });
    }
}

/// The drop target around the page's content.
#[component]
pub fn DropZone(uploads: Uploads, children: Children) -> impl IntoView {
    let on_dragover = move |ev: leptos::ev::DragEvent| {
        ev.prevent_default();
        uploads.dragging.set(true);
    };
    let on_dragleave = move |ev: leptos::ev::DragEvent| {
        // Only when the pointer leaves the zone, not when it crosses a child.
        if ev.related_target().is_none() {
            uploads.dragging.set(false);
        }
    };
    let on_drop = move |ev: leptos::ev::DragEvent| {
        ev.prevent_default();
        uploads.dragging.set(false);
        #[cfg(feature = "hydrate")]
        {
            let files = ev.data_transfer().and_then(|data| data.files());
            uploads.send(crate::browser::files::list_files(files));
        }
    };
    view! {
        <div class="relative" on:dragover=on_dragover on:dragleave=on_dragleave on:drop=on_drop data-testid="drop-zone">
            {children()}
            <Show when=move || uploads.dragging.get()>
                <div class="pointer-events-none fixed inset-0 z-40 flex items-center justify-center bg-violet-950/70 backdrop-blur-sm">
                    <p class="rounded-2xl border-2 border-dashed border-violet-300/70 px-10 py-8 text-lg font-semibold text-white">
                        {format!("Drop {ACCEPTED_FORMATS} files to import them")}
                    </p>
                </div>
            </Show>
        </div>
    }
}

/// The "Import images" button, the progress bar and the outcome.
#[component]
pub fn UploadControls(uploads: Uploads) -> impl IntoView {
    let on_change = move |ev: leptos::ev::Event| {
        #[cfg(feature = "hydrate")]
        {
            use wasm_bindgen::JsCast;
            if let Some(input) = ev
                .target()
                .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
            {
                uploads.send(crate::browser::files::list_files(input.files()));
                input.set_value("");
            }
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (ev, uploads);
    };
    view! {
        <div class="mt-4 flex flex-wrap items-center gap-3">
            <label class="inline-flex cursor-pointer items-center gap-2 rounded-lg bg-white/5 px-3 py-1.5 text-sm font-medium text-zinc-100 ring-1 ring-inset ring-white/10 transition hover:bg-white/10 focus-within:ring-2 focus-within:ring-violet-400">
                "Import images"
                <input type="file" multiple accept=ACCEPT_ATTRIBUTE class="sr-only" data-testid="import-input" on:change=on_change />
            </label>
            <span class="text-xs text-zinc-500">"or drop files anywhere on this page. Prompts and settings from AUTOMATIC1111, ComfyUI, InvokeAI, Fooocus and SwarmUI are read."</span>
        </div>
        {move || match uploads.state.get() {
            UploadState::Idle => None,
            UploadState::Sending(fraction, count) => Some(view! {
                <div class="mt-3" role="status" data-testid="upload-progress">
                    <p class="text-sm text-zinc-300">{format!("Uploading {count} {}… {:.0}%", if count == 1 { "file" } else { "files" }, fraction * 100.0)}</p>
                    <div class="mt-1.5 h-1.5 overflow-hidden rounded-full bg-white/10">
                        <div class="h-full rounded-full bg-violet-400 transition-all" style=format!("width: {:.1}%", fraction * 100.0)></div>
                    </div>
                </div>
            }.into_any()),
            UploadState::Done(response) => Some(view! { <Outcome response uploads /> }.into_any()),
            UploadState::Failed(message) => Some(view! { <p role="alert" class="mt-3 text-sm text-rose-300">{message}</p> }.into_any()),
        }}
    }
}

#[component]
fn Outcome(response: UploadResponse, uploads: Uploads) -> impl IntoView {
    let imported = response.imported().count();
    let failed: Vec<String> = response
        .files
        .iter()
        .filter(|f| !f.ok)
        .map(|f| {
            f.error
                .clone()
                .unwrap_or_else(|| format!("{} could not be imported.", f.name))
        })
        .collect();
    view! {
        <div class="mt-3 rounded-xl bg-white/[0.03] p-3 text-sm ring-1 ring-white/10" data-testid="upload-outcome">
            <div class="flex items-center justify-between gap-2">
                <p class="text-emerald-300">{format!("Imported {imported} {}.", if imported == 1 { "image" } else { "images" })}</p>
                <button type="button" class="text-xs text-zinc-400 hover:text-white" on:click=move |_| uploads.state.set(UploadState::Idle)>"Dismiss"</button>
            </div>
            {(!failed.is_empty()).then(|| view! {
                <ul class="mt-2 space-y-1 text-rose-300" role="alert" data-testid="upload-errors">
                    {failed.into_iter().map(|line| view! { <li>{line}</li> }).collect_view()}
                </ul>
            })}
        </div>
    }
}
