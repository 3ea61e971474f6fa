//! The browser entry point: cargo-leptos builds this crate to
//! `/pkg/easel.wasm`, and the page's hydration script calls [`hydrate`].

use wasm_bindgen::prelude::wasm_bindgen;

/// Takes over the server-rendered page.
#[wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(easel_app::App);
}
