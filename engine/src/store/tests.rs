use std::fs;
use std::time::{Duration, SystemTime};

use sha2::{Digest, Sha256};

use super::{ImageStore, LocalStore, StoreError, object_key, validate_key};

fn temp_files(store: &LocalStore) -> Vec<String> {
    match fs::read_dir(store.root().join(".tmp")) {
        Ok(entries) => entries
            .map(|entry| entry.map(|e| e.file_name().to_string_lossy().into_owned()))
            .collect::<Result<_, _>>()
            .expect("read temp dir"),
        Err(_) => Vec::new(),
    }
}

#[tokio::test]
async fn put_then_get_returns_the_same_bytes_under_a_content_key() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = LocalStore::new(dir.path().join("images"));
    store.ensure().await.expect("ensure");
    let bytes = b"\x89PNG not really".to_vec();
    let object = store.put(bytes.clone(), "png").await.expect("put");

    let sha = hex::encode(Sha256::digest(&bytes));
    assert_eq!(object.sha256, sha);
    assert_eq!(object.size, bytes.len() as u64);
    assert_eq!(
        object.key,
        format!("{}/{}/{sha}.png", &sha[..2], &sha[2..4])
    );
    assert_eq!(store.get(&object.key).await.expect("get"), bytes);

    let path = store.local_path(&object.key).expect("path").expect("local");
    assert_eq!(fs::read(&path).expect("read file"), bytes);
    assert!(path.starts_with(store.root()));
    assert!(
        temp_files(&store).is_empty(),
        "temp files left: {:?}",
        temp_files(&store)
    );
}

#[tokio::test]
async fn put_is_idempotent_and_keeps_the_existing_object() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = LocalStore::new(dir.path());
    let first = store.put(vec![1, 2, 3], "jpg").await.expect("put");
    let path = store.local_path(&first.key).expect("path").expect("local");
    let modified = fs::metadata(&path)
        .and_then(|m| m.modified())
        .expect("mtime");
    let second = store.put(vec![1, 2, 3], "jpg").await.expect("put again");
    assert_eq!(first, second);
    let again = fs::metadata(&path)
        .and_then(|m| m.modified())
        .expect("mtime");
    assert_eq!(modified, again, "the object was rewritten");
    assert!(temp_files(&store).is_empty());

    let other = store
        .put(vec![1, 2, 3], "webp")
        .await
        .expect("other extension");
    assert_ne!(other.key, first.key);
    assert_eq!(other.sha256, first.sha256);
}

#[tokio::test]
async fn delete_then_get_is_not_found_and_deleting_twice_is_fine() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = LocalStore::new(dir.path());
    let object = store.put(b"bytes".to_vec(), "png").await.expect("put");
    store.delete(&object.key).await.expect("delete");
    assert!(matches!(
        store.get(&object.key).await,
        Err(StoreError::NotFound)
    ));
    store
        .delete(&object.key)
        .await
        .expect("delete a missing object");
}

#[tokio::test]
async fn invalid_keys_and_extensions_are_rejected() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = LocalStore::new(dir.path());
    let sha = hex::encode(Sha256::digest(b"x"));
    let good = format!("{}/{}/{sha}.png", &sha[..2], &sha[2..4]);
    assert!(validate_key(&good).is_ok());
    let bad = [
        String::new(),
        "../etc/passwd".to_owned(),
        format!("/{good}"),
        format!("{}/{}/{sha}.exe", &sha[..2], &sha[2..4]),
        format!("{}/{}/{sha}.PNG", &sha[..2], &sha[2..4]),
        format!("{}/{}/{}.png", &sha[..2], &sha[2..4], sha.to_uppercase()),
        format!("00/00/{sha}.png"),
        format!("{}/{}/{}.png", &sha[..2], &sha[2..4], &sha[..63]),
        format!("{}/{}/../{sha}.png", &sha[..2], &sha[2..4]),
        format!("{}/{}/{sha}.png/", &sha[..2], &sha[2..4]),
        format!("{}/{}/{sha}.tar.png", &sha[..2], &sha[2..4]),
        format!("{}\\{}\\{sha}.png", &sha[..2], &sha[2..4]),
    ];
    for key in &bad {
        assert!(
            matches!(validate_key(key), Err(StoreError::InvalidKey)),
            "{key}"
        );
        assert!(
            matches!(store.get(key).await, Err(StoreError::InvalidKey)),
            "{key}"
        );
        assert!(
            matches!(store.local_path(key), Err(StoreError::InvalidKey)),
            "{key}"
        );
        assert!(
            matches!(store.delete(key).await, Err(StoreError::InvalidKey)),
            "{key}"
        );
    }
    assert!(matches!(
        store.put(vec![1], "gif").await,
        Err(StoreError::InvalidKey)
    ));
    assert!(matches!(
        store.put(vec![1], "../png").await,
        Err(StoreError::InvalidKey)
    ));
    assert!(matches!(
        object_key("zz", "png"),
        Err(StoreError::InvalidKey)
    ));
}

#[tokio::test]
async fn ensure_removes_only_stale_temp_files() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = LocalStore::new(dir.path());
    store.ensure().await.expect("ensure");
    let stale = dir.path().join(".tmp/0123.tmp");
    let fresh = dir.path().join(".tmp/4567.tmp");
    fs::write(&stale, b"partial").expect("write");
    fs::write(&fresh, b"in flight").expect("write");
    let day_ago = SystemTime::now() - Duration::from_secs(24 * 3600);
    fs::File::options()
        .write(true)
        .open(&stale)
        .and_then(|f| f.set_modified(day_ago))
        .expect("set mtime");
    store.ensure().await.expect("ensure again");
    assert!(!stale.exists());
    assert!(fresh.exists());
}

#[tokio::test]
async fn get_of_a_missing_valid_key_is_not_found() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = LocalStore::new(dir.path());
    let sha = hex::encode(Sha256::digest(b"never stored"));
    let key = object_key(&sha, "png").expect("key");
    assert!(matches!(store.get(&key).await, Err(StoreError::NotFound)));
}

#[tokio::test]
async fn list_returns_every_object_and_skips_temp_and_stray_files() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = LocalStore::new(dir.path());
    store.ensure().await.expect("ensure");
    assert!(store.list().await.expect("list empty").is_empty());
    let png = store.put(b"one".to_vec(), "png").await.expect("put");
    let jpg = store.put(b"two".to_vec(), "jpg").await.expect("put");
    fs::write(dir.path().join(".tmp/0123.tmp"), b"partial").expect("write");
    let first = png.key.split('/').next().expect("first level");
    fs::write(dir.path().join(first).join("stray.txt"), b"x").expect("write");
    fs::write(dir.path().join("README"), b"x").expect("write");

    let mut keys: Vec<String> = store
        .list()
        .await
        .expect("list")
        .into_iter()
        .map(|entry| {
            assert!(entry.modified.is_some());
            entry.key
        })
        .collect();
    keys.sort();
    let mut expected = vec![png.key, jpg.key];
    expected.sort();
    assert_eq!(keys, expected);
}
