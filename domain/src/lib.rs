//! Easel's domain: the pure types and rules that the server and the browser
//! share. Nothing here does IO, so everything compiles for `wasm32` too.
//!
//! - [`account`]: user names, passwords, and the account views sent to the UI.
//! - [`prompt`]: the prompt language (variables, dynamic choices, wildcards,
//!   weights), style presets and the prompt builder's data.
//! - [`gallery`]: the image grid's items, pages and queries; [`galleries`]:
//!   galleries, public pages, share links and bulk actions.
//! - [`validation`]: the one error type every validator returns.

pub mod account;
pub mod galleries;
pub mod gallery;
pub mod generation;
pub mod library;
pub mod metadata;
pub mod prompt;
pub mod validation;

pub use validation::ValidationError;
