//! One module per page.

mod auth_frame;
mod galleries;
mod gallery;
mod history;
mod login;
mod not_found;
mod public;
mod register;
mod settings;
mod studio;
mod templates;

pub use galleries::{GalleriesPage, GalleryDetailPage};
pub use gallery::{GalleryPage, ImageDetailPage, TrashPage};
pub use history::HistoryPage;
pub use login::LoginPage;
pub use not_found::NotFoundPage;
pub use public::{PublicGalleryPage, SharePage};
pub use register::RegisterPage;
pub use settings::SettingsPage;
pub use studio::StudioPage;
pub use templates::{TemplatesPage, new_template_href};
