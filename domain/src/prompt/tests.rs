//! Tests of the prompt language. Helpers shared by the test files live here.

mod errors;
mod expansion;
mod parsing;
mod pinned;
mod properties;
mod styles;
mod weights;

use std::collections::BTreeMap;

use super::{ExpandOptions, ExpansionMode, PromptError, WildcardLists, expand};

/// Wildcard lists from literals.
pub(super) fn lists(entries: &[(&str, &[&str])]) -> WildcardLists {
    entries
        .iter()
        .map(|(name, items)| {
            (
                name.to_string(),
                items.iter().map(|s| s.to_string()).collect(),
            )
        })
        .collect()
}

/// Variables from literals.
pub(super) fn vars(entries: &[(&str, &str)]) -> BTreeMap<String, String> {
    entries
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// Expands with the given variables and lists.
pub(super) fn expand_with(
    source: &str,
    mode: ExpansionMode,
    seed: u64,
    variables: &BTreeMap<String, String>,
    wildcards: &WildcardLists,
) -> Result<Vec<String>, PromptError> {
    let options = ExpandOptions {
        mode,
        seed,
        variables,
        wildcards,
    };
    expand(source, &options)
}

/// Every combination (up to 10 000), no variables or lists.
pub(super) fn all(source: &str) -> Result<Vec<String>, PromptError> {
    all_with(source, &WildcardLists::new())
}

/// Every combination (up to 10 000) with these lists.
pub(super) fn all_with(
    source: &str,
    wildcards: &WildcardLists,
) -> Result<Vec<String>, PromptError> {
    let mode = ExpansionMode::Combinatorial { limit: 10_000 };
    expand_with(source, mode, 0, &BTreeMap::new(), wildcards)
}

/// `count` random prompts from `seed`, no variables or lists.
pub(super) fn random(source: &str, seed: u64, count: u32) -> Result<Vec<String>, PromptError> {
    random_with(source, seed, count, &WildcardLists::new())
}

/// `count` random prompts from `seed` with these lists.
pub(super) fn random_with(
    source: &str,
    seed: u64,
    count: u32,
    wildcards: &WildcardLists,
) -> Result<Vec<String>, PromptError> {
    let mode = ExpansionMode::Random { count };
    expand_with(source, mode, seed, &BTreeMap::new(), wildcards)
}

/// The successful result, or a panic naming the error (tests only).
pub(super) fn ok<T>(result: Result<T, PromptError>) -> T {
    result.unwrap_or_else(|e| panic!("unexpected error: {e:?}"))
}

/// The error, or a panic if there was none (tests only).
pub(super) fn err<T: std::fmt::Debug>(result: Result<T, PromptError>) -> PromptError {
    match result {
        Ok(value) => panic!("expected an error, got {value:?}"),
        Err(error) => error,
    }
}
