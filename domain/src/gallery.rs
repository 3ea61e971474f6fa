//! Gallery wire types: the grid's items, their pages, and one image's
//! full detail.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::generation::GenerationRequest;

mod query;
pub mod upload;

pub use query::{
    Aspect, ImageQuery, MAX_QUERY_TAGS, MAX_SEARCH_CHARS, MAX_TAG_CHARS, SortOrder, normalize_tag,
};

/// Thumbnail sizes made at write time (longest side, px).
pub const THUMBNAIL_SIZES: [u32; 2] = [256, 512];

/// One image in the grid.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GalleryItem {
    /// The image's id.
    pub id: Uuid,
    /// Its prompt (for the alt text and the hover caption).
    pub prompt: String,
    /// The model's id.
    pub model: String,
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// When it was made.
    pub created_at: DateTime<Utc>,
    /// Starred by its owner.
    #[serde(default)]
    pub starred: bool,
}

impl GalleryItem {
    /// The URL of a thumbnail (`size` is one of [`THUMBNAIL_SIZES`]).
    pub fn thumbnail_url(&self, size: u32) -> String {
        thumbnail_url(self.id, size)
    }
}

/// The URL of the original image.
pub fn image_url(id: Uuid) -> String {
    format!("/images/{id}")
}

/// The URL of a thumbnail.
pub fn thumbnail_url(id: Uuid, size: u32) -> String {
    format!("/images/{id}/thumb/{size}")
}

/// The URL that downloads the original as an attachment.
pub fn download_url(id: Uuid) -> String {
    format!("/images/{id}/download")
}

/// A page of the grid, newest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GalleryPage {
    /// The images.
    pub items: Vec<GalleryItem>,
    /// Pass back to get the next page; `None` at the end.
    pub next_cursor: Option<GalleryCursor>,
}

/// A keyset position in the grid: the last item's `(created_at, id)`,
/// and its star when the grid is sorted starred first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct GalleryCursor {
    /// The last item's creation time.
    pub created_at: DateTime<Utc>,
    /// The last item's id.
    pub id: Uuid,
    /// The last item's star (only read for [`SortOrder::Starred`]).
    #[serde(default)]
    pub starred: bool,
}

/// Everything known about one image.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImageDetail {
    /// The grid fields.
    pub item: GalleryItem,
    /// The negative prompt.
    pub negative_prompt: String,
    /// The seed that made it.
    pub seed: i64,
    /// The request that made it (with the seed resolved), for Remix.
    pub request: GenerationRequest,
    /// The AUTOMATIC1111 infotext stored in the PNG.
    pub infotext: String,
    /// The job that made it.
    pub job_id: Option<Uuid>,
    /// Size of the original file, in bytes.
    pub byte_size: i64,
    /// Provider-specific details (e.g. a revised prompt), as JSON text.
    pub metadata_json: String,
    /// The prompt as the backend rewrote it (DALL-E 3), if it did.
    #[serde(default)]
    pub revised_prompt: Option<String>,
    /// How it was made: `txt2img`, `upscale`, `import`, …
    #[serde(default)]
    pub operation: String,
    /// Its tags, sorted.
    #[serde(default)]
    pub tags: Vec<String>,
    /// The galleries that hold it: `(id, name)`.
    #[serde(default)]
    pub galleries: Vec<(Uuid, String)>,
    /// When it went to the trash, if it is there.
    #[serde(default)]
    pub deleted_at: Option<DateTime<Utc>>,
}
