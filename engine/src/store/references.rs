//! Which store keys the database still references, and deleting the files
//! no row references any more. Several image rows may share one
//! content-addressed file, so a file goes only when the last row that
//! named it has gone.

use std::collections::HashSet;

use sqlx::PgPool;

use super::ImageStore;

/// The keys of `keys` that some image row references, as its original or
/// either thumbnail. One statement; each `exists` is an index lookup on its
/// own path column.
pub(crate) async fn referenced_keys(
    db: &PgPool,
    keys: &[String],
) -> Result<HashSet<String>, sqlx::Error> {
    if keys.is_empty() {
        return Ok(HashSet::new());
    }
    let found: Vec<String> = sqlx::query_scalar(
        r#"
        select k.key from unnest($1::text[]) as k(key)
        where exists (select 1 from generated_images where image_path = k.key)
           or exists (select 1 from generated_images where thumbnail_path = k.key)
           or exists (select 1 from generated_images where thumbnail_large_path = k.key)
        "#,
    )
    .bind(keys)
    .fetch_all(db)
    .await?;
    Ok(found.into_iter().collect())
}

/// Deletes the files of `keys` that no row references; returns how many
/// it deleted. Call it only after the rows that named them are committed
/// as gone. A file that fails to delete is logged and left: it is an
/// orphan, which `easel store check --repair` removes later.
///
/// A job that writes the very same bytes (same key) between the reference
/// check and the delete would lose its file; content-identical results
/// within that instant are rare, and `store check` reports such a row.
pub(crate) async fn delete_unreferenced(
    db: &PgPool,
    store: &dyn ImageStore,
    keys: impl IntoIterator<Item = String>,
) -> Result<u64, sqlx::Error> {
    let mut unique: Vec<String> = keys
        .into_iter()
        .filter(|key| !key.is_empty())
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    unique.sort_unstable();
    let referenced = referenced_keys(db, &unique).await?;
    let mut deleted = 0;
    for key in unique.iter().filter(|key| !referenced.contains(*key)) {
        match store.delete(key).await {
            Ok(()) => deleted += 1,
            Err(error) => tracing::warn!(%key, %error, "could not delete an unreferenced file"),
        }
    }
    Ok(deleted)
}
