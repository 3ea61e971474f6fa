//! [`LocalStore`]: objects as files under a root directory.

use std::fs::{self, File};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use sha2::{Digest, Sha256};

use super::key::{object_key, validate_key};
use super::{ImageStore, StoreError, StoredEntry, StoredObject};

/// Where temporary files are written, under the root: the same filesystem
/// as the objects, so the final rename is atomic. Keys never start with `.`.
const TEMP_DIR: &str = ".tmp";

/// Temporary files older than this are left over from a crash.
const STALE_TEMP_AGE: Duration = Duration::from_secs(10 * 60);

/// A content-addressed store on local disk.
#[derive(Debug, Clone)]
pub struct LocalStore {
    root: PathBuf,
}

impl LocalStore {
    /// A store rooted at `root`. Nothing touches the disk until
    /// [`LocalStore::ensure`] or the first write.
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Self { root: root.into() }
    }

    /// The directory the store lives in.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Creates the store's directories and removes temporary files a crash
    /// left behind. Call once at start-up.
    pub async fn ensure(&self) -> Result<(), StoreError> {
        let root = self.root.clone();
        blocking(move || {
            fs::create_dir_all(root.join(TEMP_DIR))?;
            remove_stale_temp_files(&root.join(TEMP_DIR), STALE_TEMP_AGE)
        })
        .await
    }

    /// The path of a key; the key is validated first.
    fn path_of(&self, key: &str) -> Result<PathBuf, StoreError> {
        validate_key(key)?;
        Ok(self.root.join(key))
    }
}

#[async_trait::async_trait]
impl ImageStore for LocalStore {
    async fn put(&self, bytes: Vec<u8>, extension: &str) -> Result<StoredObject, StoreError> {
        let root = self.root.clone();
        let extension = extension.to_owned();
        blocking(move || put_durably(&root, &bytes, &extension)).await
    }

    async fn get(&self, key: &str) -> Result<Vec<u8>, StoreError> {
        let path = self.path_of(key)?;
        tokio::fs::read(path).await.map_err(not_found)
    }

    fn local_path(&self, key: &str) -> Result<Option<PathBuf>, StoreError> {
        self.path_of(key).map(Some)
    }

    async fn delete(&self, key: &str) -> Result<(), StoreError> {
        let path = self.path_of(key)?;
        match tokio::fs::remove_file(path).await {
            Err(error) if error.kind() != io::ErrorKind::NotFound => Err(error.into()),
            _ => Ok(()),
        }
    }

    async fn list(&self) -> Result<Vec<StoredEntry>, StoreError> {
        let root = self.root.clone();
        blocking(move || list_objects(&root)).await
    }
}

/// Walks the two directory levels under `root` and returns every file whose
/// relative path is a valid key. `.tmp` and anything else misshapen is
/// skipped (a key's directories are always two hex digits).
fn list_objects(root: &Path) -> Result<Vec<StoredEntry>, StoreError> {
    let mut found = Vec::new();
    for first in subdirectories(root)? {
        for second in subdirectories(&root.join(&first))? {
            let directory = root.join(&first).join(&second);
            for entry in read_dir_or_empty(&directory)? {
                let entry = entry?;
                let Some(name) = entry.file_name().to_str().map(str::to_owned) else {
                    continue;
                };
                let key = format!("{first}/{second}/{name}");
                let meta = entry.metadata()?;
                if meta.is_file() && validate_key(&key).is_ok() {
                    found.push(StoredEntry {
                        key,
                        modified: meta.modified().ok(),
                    });
                }
            }
        }
    }
    Ok(found)
}

/// The names of the directories in `directory` that could be a key's
/// level: two lowercase hex digits.
fn subdirectories(directory: &Path) -> Result<Vec<String>, StoreError> {
    let mut names = Vec::new();
    for entry in read_dir_or_empty(directory)? {
        let entry = entry?;
        let Some(name) = entry.file_name().to_str().map(str::to_owned) else {
            continue;
        };
        let shaped =
            name.len() == 2 && name.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
        if shaped && entry.file_type()?.is_dir() {
            names.push(name);
        }
    }
    Ok(names)
}

/// A directory's entries; none when it does not exist (an empty store, or
/// a directory removed while walking).
fn read_dir_or_empty(
    directory: &Path,
) -> io::Result<Box<dyn Iterator<Item = io::Result<fs::DirEntry>>>> {
    match fs::read_dir(directory) {
        Ok(entries) => Ok(Box::new(entries)),
        Err(error) if error.kind() == io::ErrorKind::NotFound => Ok(Box::new(std::iter::empty())),
        Err(error) => Err(error),
    }
}

/// The whole write: hash, temp file, fsync, rename, fsync the directory.
fn put_durably(root: &Path, bytes: &[u8], extension: &str) -> Result<StoredObject, StoreError> {
    let sha256 = hex::encode(Sha256::digest(bytes));
    let key = object_key(&sha256, extension)?;
    let object = StoredObject {
        key,
        size: bytes.len() as u64,
        sha256,
    };
    let target = root.join(&object.key);
    // The name is the content's hash, so an object of the right size is the
    // same bytes: keep it rather than rewrite it.
    if fs::metadata(&target).is_ok_and(|meta| meta.is_file() && meta.len() == object.size) {
        return Ok(object);
    }
    let directory = target.parent().ok_or(StoreError::InvalidKey)?;
    create_dirs_durably(root, directory)?;
    let temp_dir = root.join(TEMP_DIR);
    fs::create_dir_all(&temp_dir)?;
    let temp = temp_dir.join(format!("{:016x}.tmp", rand::random::<u64>()));
    let written = write_and_rename(&temp, &target, bytes);
    if written.is_err() {
        let _ = fs::remove_file(&temp);
    }
    written?;
    sync_directory(directory)?;
    Ok(object)
}

/// Writes `bytes` to a new file at `temp`, flushes it to disk and renames it
/// over `target`.
fn write_and_rename(temp: &Path, target: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut file = File::create_new(temp)?;
    file.write_all(bytes)?;
    file.sync_all()?;
    drop(file);
    fs::rename(temp, target)
}

/// Creates `directory` and any missing parents below `root`, fsyncing each
/// new directory's parent so the new entries survive a crash.
fn create_dirs_durably(root: &Path, directory: &Path) -> io::Result<()> {
    if directory.is_dir() {
        return Ok(());
    }
    if let Some(parent) = directory.parent()
        && parent != root
    {
        create_dirs_durably(root, parent)?;
    } else {
        fs::create_dir_all(root)?;
    }
    match fs::create_dir(directory) {
        Err(error) if error.kind() != io::ErrorKind::AlreadyExists => return Err(error),
        _ => {}
    }
    sync_directory(directory.parent().unwrap_or(root))
}

/// Flushes a directory's entries (a rename or a new file in it) to disk.
fn sync_directory(directory: &Path) -> io::Result<()> {
    // Windows cannot open a directory as a file; its renames are durable
    // once they return.
    if cfg!(unix) {
        File::open(directory)?.sync_all()?;
    }
    Ok(())
}

/// Deletes files in `temp_dir` last modified more than `age` ago.
fn remove_stale_temp_files(temp_dir: &Path, age: Duration) -> Result<(), StoreError> {
    let now = SystemTime::now();
    for entry in fs::read_dir(temp_dir)? {
        let entry = entry?;
        let meta = entry.metadata()?;
        let modified = meta.modified()?;
        let old = now
            .duration_since(modified)
            .is_ok_and(|elapsed| elapsed > age);
        if meta.is_file() && old {
            tracing::info!(path = %entry.path().display(), "removing a stale temporary file");
            match fs::remove_file(entry.path()) {
                Err(error) if error.kind() != io::ErrorKind::NotFound => return Err(error.into()),
                _ => {}
            }
        }
    }
    Ok(())
}

/// Maps "no such file" to [`StoreError::NotFound`].
fn not_found(error: io::Error) -> StoreError {
    if error.kind() == io::ErrorKind::NotFound {
        StoreError::NotFound
    } else {
        StoreError::Io(error)
    }
}

/// Runs blocking file work off the async runtime.
async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, StoreError> + Send + 'static,
) -> Result<T, StoreError> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|error| StoreError::Io(io::Error::other(error)))?
}
