//! One module per page.

mod auth_frame;
mod gallery;
mod history;
mod login;
mod not_found;
mod register;
mod settings;
mod studio;
mod templates;

pub use gallery::{GalleryPage, ImageDetailPage};
pub use history::HistoryPage;
pub use login::LoginPage;
pub use not_found::NotFoundPage;
pub use register::RegisterPage;
pub use settings::SettingsPage;
pub use studio::StudioPage;
pub use templates::{TemplatesPage, new_template_href};
