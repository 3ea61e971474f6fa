//! ComfyUI's `input/`, `output/` and `temp/` folders, in memory, with the
//! path rules of `folder_paths.py` (POSIX `normpath`, `commonpath`) so that
//! `/view`, the uploads and `SaveImage` refuse the same escapes.
//!
//! The folders outlive a crash-like restart of the stand-in, as files on
//! disk outlive a real ComfyUI process.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::SystemTime;

/// Where the simulated ComfyUI lives (it shows in error messages).
pub const ROOT: &str = "/srv/ComfyUI";

/// One of ComfyUI's file folders.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Folder {
    /// `input/`: uploads, read by `LoadImage`.
    Input,
    /// `output/`: `SaveImage` results.
    Output,
    /// `temp/`: `PreviewImage` results.
    Temp,
}

impl Folder {
    /// The folder for a `type` value (`folder_paths.get_directory_by_type`).
    pub fn from_type(kind: &str) -> Option<Folder> {
        match kind {
            "input" => Some(Folder::Input),
            "output" => Some(Folder::Output),
            "temp" => Some(Folder::Temp),
            _ => None,
        }
    }

    /// Its `type` value.
    pub fn as_str(self) -> &'static str {
        match self {
            Folder::Input => "input",
            Folder::Output => "output",
            Folder::Temp => "temp",
        }
    }

    /// Its absolute path.
    pub fn path(self) -> String {
        format!("{ROOT}/{}", self.as_str())
    }
}

/// A stored file.
#[derive(Debug, Clone)]
pub struct StoredFile {
    /// Its bytes.
    pub bytes: Arc<Vec<u8>>,
    /// When it was written.
    pub modified: SystemTime,
}

/// The file tree, keyed by absolute path. Clones share it.
#[derive(Debug, Clone, Default)]
pub struct Files {
    tree: Arc<Mutex<BTreeMap<String, StoredFile>>>,
}

impl Files {
    /// The file at `path` (absolute), if any.
    pub fn read(&self, path: &str) -> Option<StoredFile> {
        self.lock().get(&normpath(path)).cloned()
    }

    /// Writes `bytes` at `path` (absolute).
    pub fn write(&self, path: &str, bytes: Vec<u8>) {
        self.lock().insert(
            normpath(path),
            StoredFile {
                bytes: Arc::new(bytes),
                modified: SystemTime::now(),
            },
        );
    }

    /// Whether a file exists at `path`.
    pub fn is_file(&self, path: &str) -> bool {
        self.lock().contains_key(&normpath(path))
    }

    /// The names of the files directly inside `dir`.
    pub fn list(&self, dir: &str) -> Vec<String> {
        let prefix = format!("{}/", normpath(dir));
        self.lock()
            .keys()
            .filter_map(|path| path.strip_prefix(&prefix))
            .filter(|rest| !rest.contains('/'))
            .map(str::to_owned)
            .collect()
    }

    /// Removes every file under `folder` (ComfyUI empties `temp/` at start).
    pub fn clear(&self, folder: Folder) {
        let prefix = format!("{}/", folder.path());
        self.lock().retain(|path, _| !path.starts_with(&prefix));
    }

    fn lock(&self) -> MutexGuard<'_, BTreeMap<String, StoredFile>> {
        self.tree.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// POSIX `os.path.normpath` for absolute or relative paths.
pub fn normpath(path: &str) -> String {
    if path.is_empty() {
        return ".".to_owned();
    }
    let absolute = path.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                if parts.last().is_some_and(|p| *p != "..") {
                    parts.pop();
                } else if !absolute {
                    parts.push("..");
                }
            }
            other => parts.push(other),
        }
    }
    let joined = parts.join("/");
    match (absolute, joined.is_empty()) {
        (true, _) => format!("/{joined}"),
        (false, true) => ".".to_owned(),
        (false, false) => joined,
    }
}

/// `os.path.join(base, part)`: an absolute `part` replaces `base`.
pub fn join(base: &str, part: &str) -> String {
    if part.starts_with('/') {
        part.to_owned()
    } else if base.ends_with('/') || base.is_empty() {
        format!("{base}{part}")
    } else {
        format!("{base}/{part}")
    }
}

/// `os.path.commonpath((a, b))` for absolute paths.
pub fn commonpath(a: &str, b: &str) -> String {
    let a = normpath(a);
    let b = normpath(b);
    let common: Vec<&str> = a
        .split('/')
        .zip(b.split('/'))
        .take_while(|(x, y)| x == y)
        .map(|(x, _)| x)
        .collect();
    let joined = common.join("/");
    if joined.is_empty() {
        "/".to_owned()
    } else {
        joined
    }
}

/// Whether `path` (after `abspath`) stays inside `dir`.
pub fn inside(dir: &str, path: &str) -> bool {
    commonpath(dir, &normpath(path)) == normpath(dir)
}

/// `os.path.basename`.
pub fn basename(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

/// `os.path.dirname`.
pub fn dirname(path: &str) -> &str {
    path.rfind('/').map_or("", |i| &path[..i])
}

/// `folder_paths.annotated_filepath`: a `name [output]` suffix picks the
/// folder.
pub fn annotated(name: &str) -> (&str, Option<Folder>) {
    for (suffix, folder) in [
        ("[output]", Folder::Output),
        ("[input]", Folder::Input),
        ("[temp]", Folder::Temp),
    ] {
        if let Some(rest) = name.strip_suffix(suffix) {
            let rest = rest.strip_suffix(' ').unwrap_or(rest);
            return (rest, Some(folder));
        }
    }
    (name, None)
}

/// `mimetypes.guess_type(filename)[0]`, for the files ComfyUI serves.
pub fn guess_type(filename: &str) -> Option<&'static str> {
    let ext = filename.rsplit_once('.')?.1.to_ascii_lowercase();
    Some(match ext.as_str() {
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "webp" => "image/webp",
        "gif" => "image/gif",
        "bmp" => "image/bmp",
        "json" => "application/json",
        "txt" => "text/plain",
        "html" | "htm" => "text/html",
        "js" => "text/javascript",
        "css" => "text/css",
        "mp4" => "video/mp4",
        "webm" => "video/webm",
        _ => return None,
    })
}

/// Whether `filename` is an image by its extension (LoadImage's filter).
pub fn is_image_name(filename: &str) -> bool {
    guess_type(filename).is_some_and(|t| t.starts_with("image/"))
}

/// A short content hash (what `IS_CHANGED` and upload de-duplication
/// compare; ComfyUI uses SHA-256, any stable hash serves here).
pub fn content_hash(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x100_0000_01b3)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_follow_posix_rules() {
        assert_eq!(normpath("/srv/ComfyUI/output/.."), "/srv/ComfyUI");
        assert_eq!(normpath("../escape"), "../escape");
        assert_eq!(normpath("a//b/./c/"), "a/b/c");
        assert_eq!(join("/srv/x", "/etc"), "/etc");
        assert_eq!(
            commonpath("/srv/ComfyUI/output", "/srv/ComfyUI"),
            "/srv/ComfyUI"
        );
        assert!(inside("/srv/ComfyUI/output", "/srv/ComfyUI/output/sub/.."));
        assert!(!inside(
            "/srv/ComfyUI/output",
            "/srv/ComfyUI/output/../input"
        ));
        assert_eq!(annotated("a.png [temp]"), ("a.png", Some(Folder::Temp)));
    }

    #[test]
    fn listing_shows_direct_children_only() {
        let files = Files::default();
        files.write("/srv/ComfyUI/input/a.png", vec![1]);
        files.write("/srv/ComfyUI/input/clipspace/b.png", vec![2]);
        assert_eq!(files.list("/srv/ComfyUI/input"), vec!["a.png".to_owned()]);
        assert!(files.is_file("/srv/ComfyUI/input/clipspace/../a.png"));
    }
}
