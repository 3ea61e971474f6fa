//! Reusable pieces of the UI.

pub mod action_icons;
pub mod confirm;
pub mod copy_button;
pub mod form;
pub mod history_list;
pub mod icons;
pub mod layout;
pub mod library_tabs;
pub mod near_end;
pub mod page;
pub mod progress_socket;
pub mod prompt_builder;
pub mod prompt_text;
pub mod queue_panel;
pub mod signal_form;
pub mod time;

pub use history_list::HistoryList;
