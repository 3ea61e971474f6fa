//! One module per page.

mod auth_frame;
mod login;
mod not_found;
mod register;
mod sections;
mod settings;

pub use login::LoginPage;
pub use not_found::NotFoundPage;
pub use register::RegisterPage;
pub use sections::{GalleryPage, HistoryPage, StudioPage, TemplatesPage};
pub use settings::SettingsPage;
