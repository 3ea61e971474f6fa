//! The image store: content-addressed bytes.
//!
//! An object's key is derived from its bytes, `"<aa>/<bb>/<sha256hex>.<ext>"`
//! (`aa` and `bb` are the hash's first two bytes, which keep directories
//! small), so storing the same image twice stores it once, and a key can be
//! handed to the browser without revealing anything but the content.
//!
//! [`ImageStore`] is the seam; [`LocalStore`] keeps objects on local disk.
//! [`check_store`] compares the store with the database (`easel store check`).

mod check;
mod key;
mod local;
mod references;

use std::path::PathBuf;
use std::time::SystemTime;

pub use check::{Finding, StoreCheckError, StoreCheckReport, check_store};
pub use key::{EXTENSIONS, object_key, validate_key};
pub use local::LocalStore;
pub(crate) use references::{delete_unreferenced, referenced_keys};

/// What can go wrong in the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// No object under that key.
    #[error("no such object")]
    NotFound,
    /// The key (or the extension to build one from) is not of the store's
    /// exact shape.
    #[error("invalid object key")]
    InvalidKey,
    /// The disk failed.
    #[error("store I/O: {0}")]
    Io(#[from] std::io::Error),
}

/// An object the store holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredObject {
    /// The content-addressed key, `"<aa>/<bb>/<sha256hex>.<ext>"`.
    pub key: String,
    /// The size in bytes.
    pub size: u64,
    /// The SHA-256 of the bytes, lowercase hex.
    pub sha256: String,
}

/// An object found by [`ImageStore::list`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredEntry {
    /// The object's key.
    pub key: String,
    /// When it was last written, where the store knows.
    pub modified: Option<SystemTime>,
}

/// Where image bytes live.
#[async_trait::async_trait]
pub trait ImageStore: Send + Sync + std::fmt::Debug {
    /// Writes bytes under a content-addressed key "<aa>/<bb>/<sha256hex>.<extension>": temp file in the same filesystem, write, fsync file, rename, fsync directory. Idempotent: an existing identical object is kept. Returns after the bytes are durable.
    async fn put(&self, bytes: Vec<u8>, extension: &str) -> Result<StoredObject, StoreError>;

    /// Reads an object's bytes; [`StoreError::NotFound`] when it is absent.
    async fn get(&self, key: &str) -> Result<Vec<u8>, StoreError>;

    /// A local file path when the store is on local disk (for streaming), else None.
    fn local_path(&self, key: &str) -> Result<Option<PathBuf>, StoreError>;

    /// Deletes an object; deleting a missing object is not an error.
    async fn delete(&self, key: &str) -> Result<(), StoreError>;

    /// Every object in the store (in no particular order); temporary files
    /// and anything else not shaped like a key are left out.
    async fn list(&self) -> Result<Vec<StoredEntry>, StoreError>;
}

#[cfg(test)]
mod tests;
