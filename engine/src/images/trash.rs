//! The trash: deleting an image sets its `deleted_at`; it can be restored
//! until it is deleted for good, by its owner or by [`Images::purge_expired`]
//! once it has been in the trash longer than the retention period.
//!
//! Deleting for good is two steps, in this order: delete the rows (and
//! commit), then delete the files that no remaining row references. A crash
//! (`kill -9`) between the two leaves orphan files, which
//! `easel store check --repair` removes; the other order could leave a row
//! pointing at a file that is gone.

use sqlx::{PgPool, QueryBuilder};
use uuid::Uuid;

use easel_domain::galleries::ImageSelection;

use super::{ImageError, Images, push_selection_ids};
use crate::store::{ImageStore, delete_unreferenced};

/// Rows deleted per statement: short transactions, and a bounded list of
/// files in memory.
const BATCH: i64 = 500;

/// What a purge removed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PurgeReport {
    /// Image rows deleted for good.
    pub rows: u64,
    /// Files deleted from the store (shared files still in use are kept).
    pub files: u64,
}

/// The three store keys of a deleted row.
type DeletedKeys = (String, String, String);

impl Images {
    /// Deletes for good the images of `selection` that are the user's and
    /// already in the trash, then their files that no row references any
    /// more. Returns how many images were deleted.
    pub(crate) async fn delete_selection_for_good(
        &self,
        user_id: Uuid,
        selection: &ImageSelection,
    ) -> Result<u64, ImageError> {
        let mut total = PurgeReport::default();
        loop {
            let mut sql = QueryBuilder::new(
                "delete from generated_images where id in (\
                 select t.id from generated_images t where t.deleted_at is not null and t.user_id = ",
            );
            sql.push_bind(user_id).push(" and t.id in (");
            push_selection_ids(&mut sql, user_id, selection);
            sql.push(") limit ").push_bind(BATCH);
            // Two deletes of the same trash (two tabs, or a purge) skip each
            // other's rows instead of waiting on them.
            sql.push(" for update skip locked) returning image_path, thumbnail_path, thumbnail_large_path");
            let deleted: Vec<DeletedKeys> = sql.build_query_as().fetch_all(&self.db).await?;
            if deleted.is_empty() {
                break;
            }
            total.add(delete_files(&self.db, self.store.as_ref(), deleted).await?);
        }
        tracing::info!(%user_id, rows = total.rows, files = total.files, "images deleted for good");
        Ok(total.rows)
    }

    /// Deletes for good every image that has been in the trash longer than
    /// `retention`, then the files no row references any more. Runs in
    /// batches; several servers may purge at once (each skips the rows
    /// another has locked).
    pub async fn purge_expired(
        &self,
        retention: chrono::Duration,
    ) -> Result<PurgeReport, ImageError> {
        // Past a thousand years, `now() - retention` would leave the range
        // of a timestamp; nothing in the trash is that old anyway.
        let retention = retention.min(chrono::Duration::days(365_000));
        let seconds = retention.num_milliseconds() as f64 / 1000.0;
        let mut total = PurgeReport::default();
        loop {
            let deleted: Vec<DeletedKeys> = sqlx::query_as(
                r#"
                delete from generated_images where id in (
                    select id from generated_images
                    where deleted_at < now() - make_interval(secs => $1)
                    order by deleted_at
                    limit $2
                    for update skip locked)
                returning image_path, thumbnail_path, thumbnail_large_path
                "#,
            )
            .bind(seconds)
            .bind(BATCH)
            .fetch_all(&self.db)
            .await?;
            if deleted.is_empty() {
                break;
            }
            total.add(delete_files(&self.db, self.store.as_ref(), deleted).await?);
        }
        Ok(total)
    }
}

impl PurgeReport {
    fn add(&mut self, other: PurgeReport) {
        self.rows += other.rows;
        self.files += other.files;
    }
}

/// Deletes the files of rows already deleted (and committed) that no
/// remaining row references.
async fn delete_files(
    db: &PgPool,
    store: &dyn ImageStore,
    deleted: Vec<DeletedKeys>,
) -> Result<PurgeReport, ImageError> {
    let rows = deleted.len() as u64;
    let keys = deleted
        .into_iter()
        .flat_map(|(image, small, large)| [image, small, large]);
    let files = delete_unreferenced(db, store, keys).await?;
    Ok(PurgeReport { rows, files })
}
