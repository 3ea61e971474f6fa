//! Reusable pieces of the UI.

pub mod action_icons;
pub mod copy_button;
pub mod form;
pub mod icons;
pub mod layout;
pub mod page;
pub mod progress_socket;
pub mod prompt_builder;
pub mod queue_panel;
pub mod time;
