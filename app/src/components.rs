//! Reusable pieces of the UI.

pub mod form;
pub mod icons;
pub mod layout;
pub mod page;
