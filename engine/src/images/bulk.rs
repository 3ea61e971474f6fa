//! Bulk actions on a selection of the user's images: hand-picked ids, or
//! every image a query matches ("select all matching", resolved here in
//! one statement, however many rows it covers), or the whole trash.

use easel_domain::galleries::{BulkAction, BulkOutcome, ImageSelection};
use easel_domain::gallery::normalize_tag;
use sqlx::{Postgres, QueryBuilder};
use uuid::Uuid;

use super::{ImageError, Images, push_selection_ids};

impl Images {
    /// Applies `action` to every image of `selection` that the user owns.
    /// A gallery that is not the user's is `NotFound`; images that are not
    /// theirs are simply not selected.
    pub async fn apply_bulk(
        &self,
        user_id: Uuid,
        selection: &ImageSelection,
        action: &BulkAction,
    ) -> Result<BulkOutcome, ImageError> {
        selection.validate()?;
        let affected = match action {
            BulkAction::AddToGallery { gallery_id } => {
                self.owned_gallery(user_id, *gallery_id).await?;
                self.add_to_gallery(user_id, *gallery_id, selection).await?
            }
            BulkAction::RemoveFromGallery { gallery_id } => {
                self.owned_gallery(user_id, *gallery_id).await?;
                let mut sql = QueryBuilder::new("delete from gallery_images where gallery_id = ");
                sql.push_bind(*gallery_id).push(" and image_id in (");
                push_selection_ids(&mut sql, user_id, selection);
                sql.push(")");
                let done = sql.build().execute(&self.db).await?.rows_affected();
                self.touch_gallery(*gallery_id).await?;
                done
            }
            BulkAction::Tag { tag } => {
                let tag = normalize_tag(tag)?;
                let mut sql = QueryBuilder::new(
                    "insert into image_tags (image_id, user_id, tag) select s.id, ",
                );
                sql.push_bind(user_id)
                    .push(", ")
                    .push_bind(tag)
                    .push(" from (");
                push_selection_ids(&mut sql, user_id, selection);
                sql.push(") s on conflict do nothing");
                sql.build().execute(&self.db).await?.rows_affected()
            }
            BulkAction::Untag { tag } => {
                let tag = normalize_tag(tag)?;
                let mut sql = QueryBuilder::new("delete from image_tags where tag = ");
                sql.push_bind(tag).push(" and image_id in (");
                push_selection_ids(&mut sql, user_id, selection);
                sql.push(")");
                sql.build().execute(&self.db).await?.rows_affected()
            }
            BulkAction::Star => {
                self.set_column(user_id, selection, "starred = true")
                    .await?
            }
            BulkAction::Unstar => {
                self.set_column(user_id, selection, "starred = false")
                    .await?
            }
            BulkAction::Trash => {
                self.set_column(
                    user_id,
                    selection,
                    "deleted_at = coalesce(deleted_at, now())",
                )
                .await?
            }
            BulkAction::Restore => {
                self.set_column(user_id, selection, "deleted_at = null")
                    .await?
            }
            BulkAction::DeleteForever => self.delete_selection_for_good(user_id, selection).await?,
        };
        tracing::info!(?action, affected, "bulk action");
        Ok(BulkOutcome { affected })
    }

    /// Adds the selection at the end of a gallery, in the grid's order
    /// (oldest first, so the newest lands last); images already there stay
    /// where they are.
    async fn add_to_gallery(
        &self,
        user_id: Uuid,
        gallery_id: Uuid,
        selection: &ImageSelection,
    ) -> Result<u64, ImageError> {
        let mut sql = QueryBuilder::new(
            "insert into gallery_images (gallery_id, image_id, position) \
             select ",
        );
        sql.push_bind(gallery_id)
            .push(", s.id, coalesce((select max(position) from gallery_images where gallery_id = ")
            .push_bind(gallery_id)
            .push(
                "), 0) + row_number() over (order by s.created_at, s.id) \
                   from generated_images s where s.id in (",
            );
        push_selection_ids(&mut sql, user_id, selection);
        sql.push(") on conflict do nothing");
        let added = sql.build().execute(&self.db).await?.rows_affected();
        self.touch_gallery(gallery_id).await?;
        Ok(added)
    }

    async fn set_column(
        &self,
        user_id: Uuid,
        selection: &ImageSelection,
        assignment: &'static str,
    ) -> Result<u64, ImageError> {
        let mut sql: QueryBuilder<'_, Postgres> =
            QueryBuilder::new("update generated_images set updated_at = now(), ");
        sql.push(assignment).push(" where id in (");
        push_selection_ids(&mut sql, user_id, selection);
        sql.push(")");
        Ok(sql.build().execute(&self.db).await?.rows_affected())
    }

    /// `NotFound` unless the gallery is the user's.
    pub(crate) async fn owned_gallery(
        &self,
        user_id: Uuid,
        gallery_id: Uuid,
    ) -> Result<(), ImageError> {
        let found: Option<i32> =
            sqlx::query_scalar("select 1 from image_galleries where id = $1 and user_id = $2")
                .bind(gallery_id)
                .bind(user_id)
                .fetch_optional(&self.db)
                .await?;
        found.map(|_| ()).ok_or(ImageError::NotFound)
    }

    async fn touch_gallery(&self, gallery_id: Uuid) -> Result<(), ImageError> {
        sqlx::query("update image_galleries set updated_at = now() where id = $1")
            .bind(gallery_id)
            .execute(&self.db)
            .await?;
        Ok(())
    }
}
