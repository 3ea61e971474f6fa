//! Tests for the metadata importers: containers built chunk by chunk, each
//! tool's format, the real ComfyUI fixtures, and property tests that no
//! input panics or escapes the bounds.

mod automatic1111;
mod build;
mod comfyui;
mod containers;
mod robustness;
mod tools;

use super::container::{MAX_ENTRY_BYTES, MAX_TOTAL_BYTES};
use super::{ImportedParameters, TextEntry};

/// An entry, for tests that skip the container.
fn entry(key: &str, text: &str) -> TextEntry {
    TextEntry {
        key: key.to_owned(),
        text: text.to_owned(),
    }
}

/// The unmapped setting `key`, failing the test when it is missing.
fn extra<'a>(result: &'a ImportedParameters, key: &str) -> &'a str {
    result
        .extra_value(key)
        .unwrap_or_else(|| panic!("no extra {key:?} in {:?}", result.extra))
}

/// Checks the size bounds on a container's entries.
fn assert_within_bounds(entries: &[TextEntry]) {
    let total: usize = entries.iter().map(|e| e.text.len()).sum();
    assert!(total <= MAX_TOTAL_BYTES, "{total} bytes in all");
    assert!(entries.iter().all(|e| e.text.len() <= MAX_ENTRY_BYTES));
}
