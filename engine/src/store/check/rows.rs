//! The row half of the check: image rows whose files are missing, and
//! their repair (thumbnails made again from the original; a row without
//! its original deleted).

use std::collections::HashSet;

use easel_domain::gallery::THUMBNAIL_SIZES;
use futures::TryStreamExt;
use sqlx::PgPool;
use uuid::Uuid;

use super::{StoreCheckError, StoreCheckReport};
use crate::imaging::{self, DecodeLimits, ImagingError};
use crate::store::{ImageStore, StoreError, delete_unreferenced};

/// The JPEG quality of thumbnails, as the worker makes them.
const THUMBNAIL_QUALITY: u8 = 82;

/// The background transparent originals are flattened onto for their JPEG
/// thumbnails, as the worker does.
const THUMBNAIL_BACKGROUND: [u8; 3] = [39, 39, 42];

/// An image row's files.
#[derive(Debug, sqlx::FromRow)]
struct ImageRow {
    id: Uuid,
    image_path: String,
    thumbnail_path: String,
    thumbnail_large_path: String,
}

/// Scans every row against the listing, confirms each suspect against the
/// store itself, and with `repair` fixes what can be fixed.
pub(super) async fn check_rows(
    db: &PgPool,
    store: &dyn ImageStore,
    present: &HashSet<String>,
    repair: bool,
    report: &mut StoreCheckReport,
) -> Result<(), StoreCheckError> {
    for row in suspects(db, present, report).await? {
        // The listing was taken before the rows were read: a row committed
        // since may name files the listing never saw, so ask the store.
        let Some(original) = read_if_present(store, &row.image_path).await? else {
            report.missing_originals.add(row.id);
            if repair && delete_row(db, store, &row).await? {
                report.rows_removed += 1;
            }
            continue;
        };
        let small = !is_present(store, &row.thumbnail_path).await?;
        let large = !is_present(store, &row.thumbnail_large_path).await?;
        if !small && !large {
            continue;
        }
        report.missing_thumbnails.add(row.id);
        if repair && regenerate_thumbnails(db, store, &row, original, [small, large]).await? {
            report.thumbnails_regenerated += 1;
        }
    }
    Ok(())
}

/// Streams every row (trashed ones too: they still own files) and keeps
/// those naming a file the listing lacks; counts the rows.
async fn suspects(
    db: &PgPool,
    present: &HashSet<String>,
    report: &mut StoreCheckReport,
) -> Result<Vec<ImageRow>, sqlx::Error> {
    let mut rows = sqlx::query_as::<_, ImageRow>(
        "select id, image_path, thumbnail_path, thumbnail_large_path from generated_images",
    )
    .fetch(db);
    let mut suspects = Vec::new();
    while let Some(row) = rows.try_next().await? {
        report.rows += 1;
        let missing = [
            &row.image_path,
            &row.thumbnail_path,
            &row.thumbnail_large_path,
        ]
        .into_iter()
        .any(|key| !present.contains(key));
        if missing {
            suspects.push(row);
        }
    }
    Ok(suspects)
}

/// An object's bytes, or `None` when it is absent (or its key is not a
/// valid key, so it can never be present).
async fn read_if_present(store: &dyn ImageStore, key: &str) -> Result<Option<Vec<u8>>, StoreError> {
    match store.get(key).await {
        Ok(bytes) => Ok(Some(bytes)),
        Err(StoreError::NotFound | StoreError::InvalidKey) => Ok(None),
        Err(error) => Err(error),
    }
}

/// Whether an object is there.
async fn is_present(store: &dyn ImageStore, key: &str) -> Result<bool, StoreError> {
    Ok(read_if_present(store, key).await?.is_some())
}

/// Deletes a row whose original is gone, then its thumbnails unless other
/// rows share them. Returns whether the row was deleted (it may have been
/// changed or deleted meanwhile).
async fn delete_row(
    db: &PgPool,
    store: &dyn ImageStore,
    row: &ImageRow,
) -> Result<bool, StoreCheckError> {
    let thumbnails: Option<(String, String)> = sqlx::query_as(
        "delete from generated_images where id = $1 and image_path = $2
         returning thumbnail_path, thumbnail_large_path",
    )
    .bind(row.id)
    .bind(&row.image_path)
    .fetch_optional(db)
    .await?;
    let Some((small, large)) = thumbnails else {
        return Ok(false);
    };
    tracing::warn!(image_id = %row.id, key = %row.image_path, "deleted an image row whose original is missing");
    delete_unreferenced(db, store, [small, large]).await?;
    Ok(true)
}

/// Makes the missing thumbnails (`[small, large]`) again from the
/// original's bytes, stores them and points the row at them. Returns false
/// when the original cannot be decoded, or the row changed meanwhile.
async fn regenerate_thumbnails(
    db: &PgPool,
    store: &dyn ImageStore,
    row: &ImageRow,
    original: Vec<u8>,
    missing: [bool; 2],
) -> Result<bool, StoreCheckError> {
    let made = tokio::task::spawn_blocking(move || make_thumbnails(&original))
        .await
        .map_err(|error| StoreError::Io(std::io::Error::other(error)))?;
    let [small, large] = match made {
        Ok(thumbnails) => thumbnails,
        Err(error) => {
            tracing::warn!(image_id = %row.id, %error, "cannot make thumbnails: the original does not decode");
            return Ok(false);
        }
    };
    let small = match missing[0] {
        true => store.put(small, "jpg").await?.key,
        false => row.thumbnail_path.clone(),
    };
    let large = match missing[1] {
        true => store.put(large, "jpg").await?.key,
        false => row.thumbnail_large_path.clone(),
    };
    let updated = sqlx::query(
        "update generated_images set thumbnail_path = $2, thumbnail_large_path = $3,
                updated_at = now()
         where id = $1 and thumbnail_path = $4 and thumbnail_large_path = $5",
    )
    .bind(row.id)
    .bind(&small)
    .bind(&large)
    .bind(&row.thumbnail_path)
    .bind(&row.thumbnail_large_path)
    .execute(db)
    .await?
    .rows_affected();
    if updated == 1 {
        tracing::info!(image_id = %row.id, "regenerated missing thumbnails");
    }
    Ok(updated == 1)
}

/// The JPEG thumbnails of an original, in [`THUMBNAIL_SIZES`] order
/// (small, large), made as the worker makes them.
fn make_thumbnails(original: &[u8]) -> Result<[Vec<u8>; 2], ImagingError> {
    let decoded = imaging::decode(original, &DecodeLimits::default())?;
    let pixels = if decoded.color().has_alpha() {
        imaging::flatten(&decoded.to_rgba8(), THUMBNAIL_BACKGROUND)
    } else {
        decoded.to_rgb8()
    };
    let [small, large] = THUMBNAIL_SIZES;
    Ok([
        imaging::encode_jpeg(&imaging::thumbnail(&pixels, small), THUMBNAIL_QUALITY)?,
        imaging::encode_jpeg(&imaging::thumbnail(&pixels, large), THUMBNAIL_QUALITY)?,
    ])
}
