//! The user's own images: the grid (keyset pages), one image's detail,
//! delete, and the file lookups the image routes serve from.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use easel_domain::gallery::{GalleryCursor, GalleryItem, GalleryPage, ImageDetail};
use easel_domain::generation::GenerationRequest;
use sqlx::PgPool;
use uuid::Uuid;

use crate::store::ImageStore;

/// Why a gallery call failed.
#[derive(Debug, thiserror::Error)]
pub enum GalleryError {
    /// No such image, or not the user's.
    #[error("image not found")]
    NotFound,
    /// The database failed.
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

/// Which file of an image.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImageFile {
    /// The PNG.
    Original,
    /// The 256 px JPEG.
    Thumbnail,
    /// The 512 px JPEG.
    ThumbnailLarge,
}

/// The service. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Gallery {
    db: PgPool,
    store: Arc<dyn ImageStore>,
}

#[derive(sqlx::FromRow)]
struct ItemRow {
    id: Uuid,
    prompt: String,
    model: String,
    width: i32,
    height: i32,
    created_at: DateTime<Utc>,
}

impl From<ItemRow> for GalleryItem {
    fn from(row: ItemRow) -> Self {
        GalleryItem {
            id: row.id,
            prompt: row.prompt,
            model: row.model,
            width: row.width.max(0) as u32,
            height: row.height.max(0) as u32,
            created_at: row.created_at,
        }
    }
}

impl Gallery {
    /// Builds the service.
    pub fn new(db: PgPool, store: Arc<dyn ImageStore>) -> Self {
        Self { db, store }
    }

    /// The image store.
    pub fn store(&self) -> &Arc<dyn ImageStore> {
        &self.store
    }

    /// A page of the user's images, newest first, after `cursor`.
    pub async fn list(
        &self,
        user_id: Uuid,
        cursor: Option<GalleryCursor>,
        limit: u32,
    ) -> Result<GalleryPage, GalleryError> {
        let limit = limit.clamp(1, 200);
        let mut rows: Vec<ItemRow> = sqlx::query_as(
            r#"
            select id, prompt, model, width, height, created_at
            from generated_images
            where user_id = $1
              and ($2::timestamptz is null or (created_at, id) < ($2, $3))
            order by created_at desc, id desc
            limit $4
            "#,
        )
        .bind(user_id)
        .bind(cursor.map(|c| c.created_at))
        .bind(cursor.map(|c| c.id))
        .bind(i64::from(limit) + 1)
        .fetch_all(&self.db)
        .await?;
        let more = rows.len() > limit as usize;
        rows.truncate(limit as usize);
        let items: Vec<GalleryItem> = rows.into_iter().map(GalleryItem::from).collect();
        let next_cursor = more
            .then(|| {
                items.last().map(|last| GalleryCursor {
                    created_at: last.created_at,
                    id: last.id,
                })
            })
            .flatten();
        Ok(GalleryPage { items, next_cursor })
    }

    /// One of the user's images in full.
    pub async fn detail(&self, user_id: Uuid, id: Uuid) -> Result<ImageDetail, GalleryError> {
        #[derive(sqlx::FromRow)]
        struct DetailRow {
            #[sqlx(flatten)]
            item: ItemRow,
            negative_prompt: String,
            seed: i64,
            parameters: serde_json::Value,
            metadata: serde_json::Value,
            job_id: Option<Uuid>,
            byte_size: i64,
        }
        let row: DetailRow = sqlx::query_as(
            r#"
            select id, prompt, model, width, height, created_at, negative_prompt, seed, parameters,
                   metadata, job_id, byte_size
            from generated_images where id = $1 and user_id = $2
            "#,
        )
        .bind(id)
        .bind(user_id)
        .fetch_optional(&self.db)
        .await?
        .ok_or(GalleryError::NotFound)?;
        let mut request: GenerationRequest =
            serde_json::from_value(row.parameters).map_err(|err| {
                tracing::error!(error = %err, image_id = %id, "an image's parameters do not parse");
                GalleryError::NotFound
            })?;
        // The exact seed of this image (a batch's images count up from the first).
        request.seed = easel_domain::generation::Seed::Fixed(row.seed);
        request.count = 1;
        let infotext = row
            .metadata
            .get("infotext")
            .and_then(|v| v.as_str())
            .unwrap_or_default()
            .to_owned();
        Ok(ImageDetail {
            item: row.item.into(),
            negative_prompt: row.negative_prompt,
            seed: row.seed,
            request,
            infotext,
            job_id: row.job_id,
            byte_size: row.byte_size,
            metadata_json: serde_json::to_string_pretty(&row.metadata.get("provider"))
                .unwrap_or_default(),
            revised_prompt: row
                .metadata
                .pointer("/provider/revised_prompt")
                .and_then(|v| v.as_str())
                .map(str::to_owned),
        })
    }

    /// Deletes one of the user's images: the row first, then each file no
    /// other row still uses (content-addressed files can be shared).
    pub async fn delete(&self, user_id: Uuid, id: Uuid) -> Result<(), GalleryError> {
        let keys: Option<(String, String, String)> = sqlx::query_as(
            r#"
            delete from generated_images where id = $1 and user_id = $2
            returning image_path, thumbnail_path, thumbnail_large_path
            "#,
        )
        .bind(id)
        .bind(user_id)
        .fetch_optional(&self.db)
        .await?;
        let (image, thumb, large) = keys.ok_or(GalleryError::NotFound)?;
        for key in [image, thumb, large] {
            let shared: bool = sqlx::query_scalar(
                r#"select exists(select 1 from generated_images
                   where image_path = $1 or thumbnail_path = $1 or thumbnail_large_path = $1)"#,
            )
            .bind(&key)
            .fetch_one(&self.db)
            .await?;
            if !shared && let Err(err) = self.store.delete(&key).await {
                tracing::warn!(error = %err, %key, "could not delete an image file");
            }
        }
        tracing::info!(image_id = %id, "image deleted");
        Ok(())
    }

    /// The store key of one of the user's image files.
    pub async fn file_key(
        &self,
        user_id: Uuid,
        id: Uuid,
        file: ImageFile,
    ) -> Result<(String, Option<String>), GalleryError> {
        let row: Option<(String, String, String, String)> = sqlx::query_as(
            r#"select image_path, thumbnail_path, thumbnail_large_path, prompt
               from generated_images where id = $1 and user_id = $2"#,
        )
        .bind(id)
        .bind(user_id)
        .fetch_optional(&self.db)
        .await?;
        let (image, thumb, large, prompt) = row.ok_or(GalleryError::NotFound)?;
        Ok(match file {
            ImageFile::Original => (image, Some(prompt)),
            ImageFile::Thumbnail => (thumb, None),
            ImageFile::ThumbnailLarge => (large, None),
        })
    }
}
