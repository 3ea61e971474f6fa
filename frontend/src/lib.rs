//! The browser entry point: cargo-leptos builds this crate to
//! `/pkg/easel.wasm`, and the page's hydration script calls [`hydrate`].

// Leptos views are deeply nested types; the release build's layout
// queries need more depth than the default 128.
#![recursion_limit = "256"]

use wasm_bindgen::prelude::wasm_bindgen;

/// Takes over the server-rendered page.
#[wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(easel_app::App);
}
