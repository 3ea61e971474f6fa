//! One module per page.

mod auth_frame;
mod gallery;
mod login;
mod not_found;
mod register;
mod sections;
mod settings;
mod studio;

pub use gallery::{GalleryPage, ImageDetailPage};
pub use login::LoginPage;
pub use not_found::NotFoundPage;
pub use register::RegisterPage;
pub use sections::{HistoryPage, TemplatesPage};
pub use settings::SettingsPage;
pub use studio::StudioPage;
