//! Galleries: a user's named, ordered sets of images, their public pages
//! and single-image share links.
//!
//! - [`Galleries`] (this module): create, rename, describe, reorder, delete,
//!   cover, the images in the owner's order, and the sharing switches.
//! - [`public`]: what a visitor with a gallery's token sees.
//! - [`shares`]: share links for one image, with an optional expiry.
//!
//! Every statement filters on the owner; another user's gallery is
//! [`GalleryError::NotFound`], exactly like one that does not exist.

pub mod public;
pub mod shares;

use chrono::{DateTime, Utc};
use easel_domain::ValidationError;
use easel_domain::galleries::{GalleryForm, GallerySummary, SharingOptions, slugify};
use easel_domain::gallery::{GalleryItem, GalleryPage};
use sqlx::PgPool;
use uuid::Uuid;

use crate::access::new_token;

/// Most galleries one user may keep.
pub const MAX_GALLERIES_PER_USER: i64 = 1_000;
/// Most images one reorder may name.
pub const MAX_REORDER: usize = 5_000;

/// Why a gallery call failed.
#[derive(Debug, thiserror::Error)]
pub enum GalleryError {
    /// No such gallery, image or link, or not the user's.
    #[error("not found")]
    NotFound,
    /// Input that breaks a rule.
    #[error(transparent)]
    Invalid(#[from] ValidationError),
    /// The user already has a gallery of that name.
    #[error("name taken")]
    NameTaken,
    /// The user has too many galleries.
    #[error("too many galleries")]
    TooMany,
    /// The database failed.
    #[error(transparent)]
    Database(sqlx::Error),
}

impl From<sqlx::Error> for GalleryError {
    fn from(err: sqlx::Error) -> Self {
        match &err {
            sqlx::Error::Database(db) if db.constraint() == Some("image_galleries_name_unique") => {
                GalleryError::NameTaken
            }
            sqlx::Error::RowNotFound => GalleryError::NotFound,
            _ => GalleryError::Database(err),
        }
    }
}

/// The service. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Galleries {
    db: PgPool,
}

#[derive(sqlx::FromRow)]
struct SummaryRow {
    id: Uuid,
    name: String,
    description: String,
    slug: String,
    cover_image_id: Option<Uuid>,
    image_count: i64,
    is_public: bool,
    public_token: Option<String>,
    show_prompts: bool,
    show_parameters: bool,
    show_owner: bool,
    allow_indexing: bool,
    updated_at: DateTime<Utc>,
}

impl From<SummaryRow> for GallerySummary {
    fn from(row: SummaryRow) -> Self {
        GallerySummary {
            id: row.id,
            name: row.name,
            description: row.description,
            slug: row.slug,
            cover_image_id: row.cover_image_id,
            image_count: row.image_count,
            is_public: row.is_public,
            public_token: row.public_token.filter(|_| row.is_public),
            sharing: SharingOptions {
                show_prompts: row.show_prompts,
                show_parameters: row.show_parameters,
                show_owner: row.show_owner,
                allow_indexing: row.allow_indexing,
            },
            updated_at: row.updated_at,
        }
    }
}

/// A summary's columns: the chosen cover if it is still live, else the
/// first live image; counts leave the trash out.
const SUMMARY_COLUMNS: &str = "g.id, g.name, g.description, g.slug,
    coalesce(
        (select c.id from generated_images c where c.id = g.cover_image_id and c.deleted_at is null),
        (select gi.image_id from gallery_images gi join generated_images i on i.id = gi.image_id
         where gi.gallery_id = g.id and i.deleted_at is null
         order by gi.position, gi.image_id limit 1)
    ) as cover_image_id,
    (select count(*) from gallery_images gi join generated_images i on i.id = gi.image_id
     where gi.gallery_id = g.id and i.deleted_at is null) as image_count,
    g.is_public, g.public_token, g.show_prompts, g.show_parameters, g.show_owner,
    g.allow_indexing, g.updated_at";

impl Galleries {
    /// Builds the service.
    pub fn new(db: PgPool) -> Self {
        Self { db }
    }

    /// The user's galleries, in their order.
    pub async fn list(&self, user_id: Uuid) -> Result<Vec<GallerySummary>, GalleryError> {
        let rows: Vec<SummaryRow> = sqlx::query_as(&format!(
            "select {SUMMARY_COLUMNS} from image_galleries g where g.user_id = $1
             order by g.position, g.created_at, g.id"
        ))
        .bind(user_id)
        .fetch_all(&self.db)
        .await?;
        Ok(rows.into_iter().map(GallerySummary::from).collect())
    }

    /// One of the user's galleries.
    pub async fn get(&self, user_id: Uuid, id: Uuid) -> Result<GallerySummary, GalleryError> {
        let row: SummaryRow = sqlx::query_as(&format!(
            "select {SUMMARY_COLUMNS} from image_galleries g where g.id = $1 and g.user_id = $2"
        ))
        .bind(id)
        .bind(user_id)
        .fetch_optional(&self.db)
        .await?
        .ok_or(GalleryError::NotFound)?;
        Ok(row.into())
    }

    /// Creates a gallery at the end of the user's list. Its slug is made
    /// from the name, with a number added when the user has one already.
    pub async fn create(
        &self,
        user_id: Uuid,
        form: &GalleryForm,
    ) -> Result<GallerySummary, GalleryError> {
        let form = form.validate()?;
        let mut tx = self.db.begin().await?;
        // One creation at a time per user, so the count and the slug are
        // decided without a race.
        sqlx::query("select 1 from users where id = $1 for update")
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        let count: i64 =
            sqlx::query_scalar("select count(*) from image_galleries where user_id = $1")
                .bind(user_id)
                .fetch_one(&mut *tx)
                .await?;
        if count >= MAX_GALLERIES_PER_USER {
            return Err(GalleryError::TooMany);
        }
        let slug = free_slug(&mut tx, user_id, &slugify(&form.name), None).await?;
        let id = Uuid::now_v7();
        sqlx::query(
            "insert into image_galleries (id, user_id, name, description, slug, position)
             values ($1, $2, $3, $4, $5,
                     coalesce((select max(position) + 1 from image_galleries where user_id = $2), 0))",
        )
        .bind(id)
        .bind(user_id)
        .bind(&form.name)
        .bind(&form.description)
        .bind(&slug)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        tracing::info!(gallery_id = %id, "gallery created");
        self.get(user_id, id).await
    }

    /// Renames and re-describes a gallery (its slug follows the name).
    pub async fn update(
        &self,
        user_id: Uuid,
        id: Uuid,
        form: &GalleryForm,
    ) -> Result<GallerySummary, GalleryError> {
        let form = form.validate()?;
        let mut tx = self.db.begin().await?;
        let slug = free_slug(&mut tx, user_id, &slugify(&form.name), Some(id)).await?;
        let done = sqlx::query(
            "update image_galleries set name = $3, description = $4, slug = $5, updated_at = now()
             where id = $1 and user_id = $2",
        )
        .bind(id)
        .bind(user_id)
        .bind(&form.name)
        .bind(&form.description)
        .bind(&slug)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if done == 0 {
            return Err(GalleryError::NotFound);
        }
        tx.commit().await?;
        self.get(user_id, id).await
    }

    /// Deletes a gallery. Its images stay in the library.
    pub async fn delete(&self, user_id: Uuid, id: Uuid) -> Result<(), GalleryError> {
        let done = sqlx::query("delete from image_galleries where id = $1 and user_id = $2")
            .bind(id)
            .bind(user_id)
            .execute(&self.db)
            .await?
            .rows_affected();
        if done == 0 {
            return Err(GalleryError::NotFound);
        }
        tracing::info!(gallery_id = %id, "gallery deleted");
        Ok(())
    }

    /// Puts the user's galleries in this order; galleries not named keep
    /// their relative order after the named ones.
    pub async fn reorder(&self, user_id: Uuid, ids: &[Uuid]) -> Result<(), GalleryError> {
        if ids.len() > MAX_GALLERIES_PER_USER as usize {
            return Err(ValidationError::new("ids", "Too many galleries in one reorder.").into());
        }
        sqlx::query(
            "update image_galleries g set position = o.position
             from (select g2.id, row_number() over (
                       order by array_position($2::uuid[], g2.id) nulls last, g2.position, g2.created_at
                   ) as position
                   from image_galleries g2 where g2.user_id = $1) o
             where g.id = o.id and g.user_id = $1",
        )
        .bind(user_id)
        .bind(ids)
        .execute(&self.db)
        .await?;
        Ok(())
    }

    /// Sets (or, with `None`, clears) the cover: one of the gallery's own
    /// images.
    pub async fn set_cover(
        &self,
        user_id: Uuid,
        id: Uuid,
        image_id: Option<Uuid>,
    ) -> Result<GallerySummary, GalleryError> {
        let done = sqlx::query(
            "update image_galleries g set cover_image_id = $3, updated_at = now()
             where g.id = $1 and g.user_id = $2
               and ($3::uuid is null or exists (
                   select 1 from gallery_images gi where gi.gallery_id = g.id and gi.image_id = $3))",
        )
        .bind(id)
        .bind(user_id)
        .bind(image_id)
        .execute(&self.db)
        .await?
        .rows_affected();
        if done == 0 {
            return Err(GalleryError::NotFound);
        }
        self.get(user_id, id).await
    }

    /// Puts the gallery's images in this order; images not named follow in
    /// their current order.
    pub async fn reorder_images(
        &self,
        user_id: Uuid,
        id: Uuid,
        image_ids: &[Uuid],
    ) -> Result<(), GalleryError> {
        if image_ids.len() > MAX_REORDER {
            return Err(ValidationError::new(
                "ids",
                format!("Reorder at most {MAX_REORDER} images at once."),
            )
            .into());
        }
        self.owned(user_id, id).await?;
        sqlx::query(
            "update gallery_images gi set position = o.position
             from (select image_id, row_number() over (
                       order by array_position($2::uuid[], image_id) nulls last, position, image_id
                   ) as position
                   from gallery_images where gallery_id = $1) o
             where gi.gallery_id = $1 and gi.image_id = o.image_id and gi.position <> o.position",
        )
        .bind(id)
        .bind(image_ids)
        .execute(&self.db)
        .await?;
        sqlx::query("update image_galleries set updated_at = now() where id = $1")
            .bind(id)
            .execute(&self.db)
            .await?;
        Ok(())
    }

    /// A page of the gallery's live images in the owner's order, after the
    /// `after`-th (0 for the first page).
    pub async fn images(
        &self,
        user_id: Uuid,
        id: Uuid,
        after: Option<i64>,
        limit: u32,
    ) -> Result<(GalleryPage, Option<i64>), GalleryError> {
        self.owned(user_id, id).await?;
        let limit = i64::from(limit.clamp(1, 500));
        #[derive(sqlx::FromRow)]
        struct Row {
            position: i64,
            id: Uuid,
            prompt: String,
            model: String,
            width: i32,
            height: i32,
            created_at: DateTime<Utc>,
            starred: bool,
        }
        let mut rows: Vec<Row> = sqlx::query_as(
            "select gi.position, i.id, i.prompt, i.model, i.width, i.height, i.created_at, i.starred
             from gallery_images gi join generated_images i on i.id = gi.image_id
             where gi.gallery_id = $1 and i.deleted_at is null and gi.position > $2
             order by gi.position, gi.image_id
             limit $3",
        )
        .bind(id)
        .bind(after.unwrap_or(i64::MIN))
        .bind(limit + 1)
        .fetch_all(&self.db)
        .await?;
        let more = rows.len() as i64 > limit;
        rows.truncate(limit as usize);
        let next = more.then(|| rows.last().map(|r| r.position)).flatten();
        let items = rows
            .into_iter()
            .map(|r| GalleryItem {
                id: r.id,
                prompt: r.prompt,
                model: r.model,
                width: r.width.max(0) as u32,
                height: r.height.max(0) as u32,
                created_at: r.created_at,
                starred: r.starred,
            })
            .collect();
        Ok((
            GalleryPage {
                items,
                next_cursor: None,
            },
            next,
        ))
    }

    /// Publishes or unpublishes the gallery and sets what its page shows.
    /// Publishing mints a token if it has none; unpublishing drops the
    /// token, so the old URL stops working at once and a later publish
    /// gets a new one.
    pub async fn set_sharing(
        &self,
        user_id: Uuid,
        id: Uuid,
        is_public: bool,
        sharing: SharingOptions,
    ) -> Result<GallerySummary, GalleryError> {
        let done = sqlx::query(
            "update image_galleries set
                 is_public = $3,
                 public_token = case when $3 then coalesce(public_token, $4) else null end,
                 show_prompts = $5, show_parameters = $6, show_owner = $7, allow_indexing = $8,
                 updated_at = now()
             where id = $1 and user_id = $2",
        )
        .bind(id)
        .bind(user_id)
        .bind(is_public)
        .bind(new_token())
        .bind(sharing.show_prompts)
        .bind(sharing.show_parameters)
        .bind(sharing.show_owner)
        .bind(sharing.allow_indexing)
        .execute(&self.db)
        .await?
        .rows_affected();
        if done == 0 {
            return Err(GalleryError::NotFound);
        }
        tracing::info!(gallery_id = %id, is_public, "gallery sharing changed");
        self.get(user_id, id).await
    }

    /// Gives a public gallery a new token: the old URL stops working at
    /// once.
    pub async fn new_link(&self, user_id: Uuid, id: Uuid) -> Result<GallerySummary, GalleryError> {
        let done = sqlx::query(
            "update image_galleries set public_token = $3, updated_at = now()
             where id = $1 and user_id = $2 and is_public",
        )
        .bind(id)
        .bind(user_id)
        .bind(new_token())
        .execute(&self.db)
        .await?
        .rows_affected();
        if done == 0 {
            return Err(GalleryError::NotFound);
        }
        tracing::info!(gallery_id = %id, "gallery link replaced");
        self.get(user_id, id).await
    }

    async fn owned(&self, user_id: Uuid, id: Uuid) -> Result<(), GalleryError> {
        let found: Option<i32> =
            sqlx::query_scalar("select 1 from image_galleries where id = $1 and user_id = $2")
                .bind(id)
                .bind(user_id)
                .fetch_optional(&self.db)
                .await?;
        found.map(|_| ()).ok_or(GalleryError::NotFound)
    }
}

/// `base`, or `base-2`, `base-3`, … : the first slug the user's other
/// galleries do not use.
async fn free_slug(
    tx: &mut sqlx::PgConnection,
    user_id: Uuid,
    base: &str,
    except: Option<Uuid>,
) -> Result<String, GalleryError> {
    let taken: Vec<String> = sqlx::query_scalar(
        "select slug from image_galleries
         where user_id = $1 and (slug = $2 or slug like $2 || '-%') and id is distinct from $3",
    )
    .bind(user_id)
    .bind(base)
    .bind(except)
    .fetch_all(&mut *tx)
    .await?;
    let slug = (1..)
        .map(|n| {
            if n == 1 {
                base.to_owned()
            } else {
                format!("{base}-{n}")
            }
        })
        .find(|candidate| !taken.contains(candidate))
        .unwrap_or_else(|| base.to_owned());
    Ok(slug)
}
