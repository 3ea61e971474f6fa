//! Importing image files made elsewhere: the wire types of
//! `POST /images/upload`, a `multipart/form-data` body with one part per
//! file, answered with one outcome per file, in order:
//!
//! ```json
//! {"files": [
//!   {"name": "fox.png", "ok": true, "image": {"id": "…", "prompt": "…", …}},
//!   {"name": "a.txt", "ok": false, "status": 422, "error": "a.txt is not a PNG, JPEG or WebP image."}
//! ]}
//! ```
//!
//! The response status is 200 when every file imported, else the status of
//! the first failure; the body always lists every file, so the files that
//! did import are never lost.

use serde::{Deserialize, Serialize};

use super::GalleryItem;

/// The path files are posted to.
pub const UPLOAD_PATH: &str = "/images/upload";

/// The formats that can be imported, as people name them.
pub const ACCEPTED_FORMATS: &str = "PNG, JPEG or WebP";

/// The `accept` attribute for a file input that picks importable images.
pub const ACCEPT_ATTRIBUTE: &str = "image/png,image/jpeg,image/webp";

/// Longest file name kept, in characters.
pub const MAX_FILE_NAME_CHARS: usize = 200;

/// The answer to an upload: one entry per file part, in the order sent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct UploadResponse {
    /// Each file's outcome.
    pub files: Vec<UploadedFile>,
}

impl UploadResponse {
    /// The HTTP status of the whole answer: 200 when every file imported,
    /// else the status of the first file that failed.
    pub fn status(&self) -> u16 {
        self.files
            .iter()
            .find_map(|file| file.status)
            .unwrap_or(200)
    }

    /// The images that imported, in order.
    pub fn imported(&self) -> impl Iterator<Item = &GalleryItem> {
        self.files.iter().filter_map(|file| file.image.as_ref())
    }
}

/// What became of one file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UploadedFile {
    /// The file's name, as sent (see [`clean_file_name`]).
    pub name: String,
    /// Whether it imported.
    pub ok: bool,
    /// The new image, when it imported.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<GalleryItem>,
    /// The HTTP status of its failure (413 too large, 422 not a usable
    /// image, 5xx a server fault), when it failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// Why it failed, a sentence that names the file, when it failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

impl UploadedFile {
    /// A file that imported as `image`.
    pub fn imported(name: impl Into<String>, image: GalleryItem) -> Self {
        Self {
            name: name.into(),
            ok: true,
            image: Some(image),
            status: None,
            error: None,
        }
    }

    /// A file that failed with `status` and the sentence `error`.
    pub fn failed(name: impl Into<String>, status: u16, error: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            ok: false,
            image: None,
            status: Some(status),
            error: Some(error.into()),
        }
    }
}

/// A file name as sent by a browser, made safe to show and store: only the
/// last path segment (some browsers send a path), control characters
/// dropped, surrounding space trimmed, at most [`MAX_FILE_NAME_CHARS`].
pub fn clean_file_name(name: &str) -> String {
    let last = name.rsplit(['/', '\\']).next().unwrap_or_default();
    last.chars()
        .filter(|c| !c.is_control())
        .collect::<String>()
        .trim()
        .chars()
        .take(MAX_FILE_NAME_CHARS)
        .collect()
}

/// The file name without its extension (`"fox.final.png"` → `"fox.final"`);
/// a name that is only an extension (`".png"`) is kept whole.
pub fn file_stem(name: &str) -> &str {
    match name.rsplit_once('.') {
        Some((stem, _)) if !stem.trim().is_empty() => stem,
        _ => name,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_lose_paths_and_control_characters() {
        assert_eq!(clean_file_name("C:\\Users\\me\\fox.png"), "fox.png");
        assert_eq!(clean_file_name("../../etc/passwd"), "passwd");
        assert_eq!(clean_file_name("  a\u{0}b\n.png "), "ab.png");
        assert_eq!(clean_file_name(&"x".repeat(500)).len(), MAX_FILE_NAME_CHARS);
    }

    #[test]
    fn stems_drop_only_the_last_extension() {
        assert_eq!(file_stem("fox.final.png"), "fox.final");
        assert_eq!(file_stem("fox"), "fox");
        assert_eq!(file_stem(".png"), ".png");
    }

    #[test]
    fn the_status_is_the_first_failure() {
        let mut response = UploadResponse::default();
        assert_eq!(response.status(), 200);
        response
            .files
            .push(UploadedFile::failed("a.txt", 422, "no"));
        response
            .files
            .push(UploadedFile::failed("b.png", 413, "big"));
        assert_eq!(response.status(), 422);
        let json = serde_json::to_value(&response.files[0]).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"name": "a.txt", "ok": false, "status": 422, "error": "no"})
        );
    }
}
