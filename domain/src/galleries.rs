//! Galleries: named, ordered sets of a user's images, that the owner may
//! publish at an unguessable URL; single-image share links; and the bulk
//! actions of the image grid.
//!
//! One image may sit in any number of galleries. A public page shows what
//! its owner chose ([`SharingOptions`]): the prompts, the parameters, the
//! owner's name. What is hidden is absent from the page, its JSON and the
//! files it serves.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::ValidationError;
use crate::gallery::ImageQuery;

/// Longest gallery name, in characters.
pub const MAX_GALLERY_NAME_CHARS: usize = 100;
/// Longest gallery description, in characters.
pub const MAX_GALLERY_DESCRIPTION_CHARS: usize = 2_000;
/// Most ids one bulk action may name (larger selections use a query).
pub const MAX_SELECTED_IDS: usize = 5_000;

/// What a public page or share link shows besides the pictures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SharingOptions {
    /// The prompt and negative prompt.
    pub show_prompts: bool,
    /// The seed, model, size, steps and the rest; also keeps the metadata
    /// chunks in the files served.
    pub show_parameters: bool,
    /// The owner's user name.
    pub show_owner: bool,
    /// Let search engines index the page (otherwise `noindex`).
    pub allow_indexing: bool,
}

impl Default for SharingOptions {
    fn default() -> Self {
        Self {
            show_prompts: true,
            show_parameters: false,
            show_owner: false,
            allow_indexing: false,
        }
    }
}

/// A gallery as its owner sees it in the list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GallerySummary {
    /// Its id.
    pub id: Uuid,
    /// Its name.
    pub name: String,
    /// Its description (may be empty).
    pub description: String,
    /// The readable URL segment.
    pub slug: String,
    /// The cover: the chosen one, else the first image.
    pub cover_image_id: Option<Uuid>,
    /// How many live images it holds.
    pub image_count: i64,
    /// Whether it has a public page.
    pub is_public: bool,
    /// The public page's token, while public.
    pub public_token: Option<String>,
    /// What the public page shows.
    pub sharing: SharingOptions,
    /// Last change.
    pub updated_at: DateTime<Utc>,
}

impl GallerySummary {
    /// The public page's path, while public.
    pub fn public_path(&self) -> Option<String> {
        self.public_token.as_deref().map(public_gallery_path)
    }
}

/// The path of a public gallery page.
pub fn public_gallery_path(token: &str) -> String {
    format!("/g/{token}")
}

/// The path of a single-image share page.
pub fn share_path(token: &str) -> String {
    format!("/s/{token}")
}

/// A public gallery image's file (`size` 0 for the original).
pub fn public_gallery_file(token: &str, image_id: Uuid, size: u32) -> String {
    match size {
        0 => format!("/g/{token}/images/{image_id}"),
        size => format!("/g/{token}/images/{image_id}/thumb/{size}"),
    }
}

/// A shared image's file (`size` 0 for the original).
pub fn share_file(token: &str, size: u32) -> String {
    match size {
        0 => format!("/s/{token}/image"),
        size => format!("/s/{token}/thumb/{size}"),
    }
}

/// The fields a person types for a gallery.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct GalleryForm {
    /// The name: 1–100 characters, unique among the owner's galleries
    /// (ignoring case).
    pub name: String,
    /// A description, up to 2,000 characters.
    #[serde(default)]
    pub description: String,
}

impl GalleryForm {
    /// Trims and checks the fields.
    pub fn validate(&self) -> Result<GalleryForm, ValidationError> {
        let name = self.name.trim().to_owned();
        if name.is_empty() {
            return Err(ValidationError::new("name", "Give the gallery a name."));
        }
        if name.chars().count() > MAX_GALLERY_NAME_CHARS {
            return Err(ValidationError::new(
                "name",
                format!("Use at most {MAX_GALLERY_NAME_CHARS} characters."),
            ));
        }
        if name.chars().any(char::is_control) {
            return Err(ValidationError::new(
                "name",
                "Names cannot hold control characters.",
            ));
        }
        let description = self.description.trim().to_owned();
        if description.chars().count() > MAX_GALLERY_DESCRIPTION_CHARS {
            return Err(ValidationError::new(
                "description",
                format!("Use at most {MAX_GALLERY_DESCRIPTION_CHARS} characters."),
            ));
        }
        if description
            .chars()
            .any(|c| c.is_control() && c != '\n' && c != '\t')
        {
            return Err(ValidationError::new(
                "description",
                "Descriptions cannot hold control characters.",
            ));
        }
        Ok(GalleryForm { name, description })
    }
}

/// A URL segment from a name: lowercase ASCII letters and digits joined by
/// single dashes; `gallery` when nothing is left.
pub fn slugify(name: &str) -> String {
    let mut slug = String::new();
    for c in name.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            slug.push(c);
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
        if slug.len() >= 80 {
            break;
        }
    }
    let slug = slug.trim_end_matches('-').to_owned();
    if slug.is_empty() {
        "gallery".to_owned()
    } else {
        slug
    }
}

/// Which images a bulk action acts on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ImageSelection {
    /// These images (up to [`MAX_SELECTED_IDS`]).
    Ids {
        /// The ids.
        ids: Vec<Uuid>,
    },
    /// Every image the query matches, however many: resolved on the
    /// server, no ids sent.
    Matching {
        /// The grid's query.
        query: ImageQuery,
    },
    /// Every image in the trash.
    Trash,
}

impl ImageSelection {
    /// Checks the selection's size.
    pub fn validate(&self) -> Result<(), ValidationError> {
        match self {
            ImageSelection::Ids { ids } if ids.is_empty() => Err(ValidationError::new(
                "selection",
                "Select at least one image.",
            )),
            ImageSelection::Ids { ids } if ids.len() > MAX_SELECTED_IDS => {
                Err(ValidationError::new(
                    "selection",
                    format!(
                        "Select at most {MAX_SELECTED_IDS} images by hand, or use “select all matching”."
                    ),
                ))
            }
            ImageSelection::Matching { query } => query.validate(),
            _ => Ok(()),
        }
    }
}

/// What a bulk action does.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum BulkAction {
    /// Add to a gallery (at its end).
    AddToGallery {
        /// The gallery.
        gallery_id: Uuid,
    },
    /// Remove from a gallery (the images stay in the library).
    RemoveFromGallery {
        /// The gallery.
        gallery_id: Uuid,
    },
    /// Add a tag.
    Tag {
        /// The tag as typed.
        tag: String,
    },
    /// Remove a tag.
    Untag {
        /// The tag.
        tag: String,
    },
    /// Star.
    Star,
    /// Unstar.
    Unstar,
    /// Move to the trash.
    Trash,
    /// Bring back from the trash.
    Restore,
    /// Delete for good (only images already in the trash).
    DeleteForever,
}

/// What a bulk action changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct BulkOutcome {
    /// Images changed.
    pub affected: u64,
}

/// One image on a public page: only what the owner chose to show.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PublicImage {
    /// The image's id (reaches nothing without the page's token).
    pub id: Uuid,
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// The prompt, when shown.
    pub prompt: Option<String>,
    /// The negative prompt, when shown and not empty.
    pub negative_prompt: Option<String>,
    /// Model, seed, size, steps…, when shown.
    pub parameters: Vec<(String, String)>,
}

/// A public gallery page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PublicGallery {
    /// The token in its URL.
    pub token: String,
    /// The name.
    pub name: String,
    /// The description.
    pub description: String,
    /// The owner's name, when shown.
    pub owner: Option<String>,
    /// Whether search engines may index it.
    pub allow_indexing: bool,
    /// The cover image.
    pub cover: Option<PublicImage>,
    /// The images, in the owner's order.
    pub images: Vec<PublicImage>,
    /// The site's absolute origin (`https://easel.example.com`), for link
    /// previews; filled in by the web layer.
    #[serde(default)]
    pub origin: String,
}

/// A shared single image.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PublicShare {
    /// The token in its URL.
    pub token: String,
    /// The image.
    pub image: PublicImage,
    /// When the link stops working, if ever.
    pub expires_at: Option<DateTime<Utc>>,
    /// The site's absolute origin, for link previews; filled in by the web
    /// layer.
    #[serde(default)]
    pub origin: String,
}

/// What opening a public URL gives.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum PublicPage<T> {
    /// The page.
    Live {
        /// Its content.
        page: T,
    },
    /// A share link past its expiry.
    Expired,
    /// Unknown, revoked, or made private.
    Gone,
}

/// A share link as its owner sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ShareLink {
    /// The link's id (to revoke it).
    pub id: Uuid,
    /// The token in its URL.
    pub token: String,
    /// The image.
    pub image_id: Uuid,
    /// Whether the prompt is shown.
    pub show_prompt: bool,
    /// Whether the parameters are shown.
    pub show_parameters: bool,
    /// When it stops working, if ever.
    pub expires_at: Option<DateTime<Utc>>,
    /// When it was made.
    pub created_at: DateTime<Utc>,
}

/// What a person asks for when sharing one image.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShareRequest {
    /// The image.
    pub image_id: Uuid,
    /// Show the prompt.
    pub show_prompt: bool,
    /// Show the parameters (and keep the file's metadata).
    pub show_parameters: bool,
    /// Hours until it expires; `None` never.
    pub expires_in_hours: Option<u32>,
}

/// Longest share lifetime: a year.
pub const MAX_SHARE_HOURS: u32 = 24 * 366;

impl ShareRequest {
    /// Checks the expiry.
    pub fn validate(&self) -> Result<(), ValidationError> {
        match self.expires_in_hours {
            Some(0) => Err(ValidationError::new(
                "expires_in_hours",
                "Choose an expiry of at least an hour, or none.",
            )),
            Some(hours) if hours > MAX_SHARE_HOURS => Err(ValidationError::new(
                "expires_in_hours",
                "Links last at most a year; choose no expiry for longer.",
            )),
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_trimmed_and_bounded() {
        let form = GalleryForm {
            name: "  Seascapes ".into(),
            description: " blue ".into(),
        };
        assert_eq!(form.validate().unwrap().name, "Seascapes");
        assert_eq!(form.validate().unwrap().description, "blue");
        for bad in ["", "   ", "a\u{0}b"] {
            let form = GalleryForm {
                name: bad.into(),
                description: String::new(),
            };
            assert_eq!(form.validate().unwrap_err().field, "name", "{bad:?}");
        }
        let long = GalleryForm {
            name: "n".repeat(MAX_GALLERY_NAME_CHARS + 1),
            description: String::new(),
        };
        assert_eq!(long.validate().unwrap_err().field, "name");
        let long = GalleryForm {
            name: "ok".into(),
            description: "d".repeat(MAX_GALLERY_DESCRIPTION_CHARS + 1),
        };
        assert_eq!(long.validate().unwrap_err().field, "description");
    }

    #[test]
    fn slugs_are_readable_ascii() {
        assert_eq!(slugify("Sea & Sky: 2026!"), "sea-sky-2026");
        assert_eq!(slugify("  --  "), "gallery");
        assert_eq!(slugify("Ünïcode only ☃"), "n-code-only");
        assert!(slugify(&"word ".repeat(100)).len() <= 80);
    }

    #[test]
    fn selections_are_bounded() {
        let none = ImageSelection::Ids { ids: vec![] };
        assert_eq!(none.validate().unwrap_err().field, "selection");
        let many = ImageSelection::Ids {
            ids: vec![Uuid::nil(); MAX_SELECTED_IDS + 1],
        };
        assert!(many.validate().is_err());
        let all = ImageSelection::Matching {
            query: ImageQuery::default(),
        };
        assert!(all.validate().is_ok());
    }

    #[test]
    fn share_expiry_is_bounded() {
        let mut request = ShareRequest {
            image_id: Uuid::nil(),
            show_prompt: true,
            show_parameters: false,
            expires_in_hours: Some(0),
        };
        assert!(request.validate().is_err());
        request.expires_in_hours = Some(MAX_SHARE_HOURS + 1);
        assert!(request.validate().is_err());
        request.expires_in_hours = None;
        assert!(request.validate().is_ok());
    }
}
