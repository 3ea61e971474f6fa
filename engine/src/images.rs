//! The user's own images: the grid (keyset pages with search and
//! filters), one image's detail, tags and stars, bulk actions, the trash,
//! and the file lookups the image routes serve from.

mod archive;
mod bulk;
mod filters;
mod import;
pub mod trash;

pub use archive::ArchiveEntry;
pub(crate) use filters::{push_query_filters, push_selection_ids};
pub use import::{ImportError, ImportLimits, MAX_IMAGES_PER_USER};

use std::sync::Arc;

use chrono::{DateTime, Utc};
use easel_domain::gallery::{
    GalleryCursor, GalleryItem, GalleryPage, ImageDetail, ImageQuery, SortOrder,
};
use easel_domain::generation::GenerationRequest;
use sqlx::{PgPool, QueryBuilder};
use uuid::Uuid;

use crate::store::ImageStore;

/// Why a call about images failed.
#[derive(Debug, thiserror::Error)]
pub enum ImageError {
    /// No such image, or not the user's.
    #[error("image not found")]
    NotFound,
    /// Input that breaks a rule.
    #[error(transparent)]
    Invalid(#[from] easel_domain::ValidationError),
    /// The database failed.
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

/// The service. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Images {
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
    starred: bool,
}

/// The grid's columns, on the alias `i`.
const ITEM_COLUMNS: &str = "i.id, i.prompt, i.model, i.width, i.height, i.created_at, i.starred";

impl From<ItemRow> for GalleryItem {
    fn from(row: ItemRow) -> Self {
        GalleryItem {
            id: row.id,
            prompt: row.prompt,
            model: row.model,
            width: row.width.max(0) as u32,
            height: row.height.max(0) as u32,
            created_at: row.created_at,
            starred: row.starred,
        }
    }
}

impl Images {
    /// Builds the service.
    pub fn new(db: PgPool, store: Arc<dyn ImageStore>) -> Self {
        Self { db, store }
    }

    /// The image store.
    pub fn store(&self) -> &Arc<dyn ImageStore> {
        &self.store
    }

    /// A page of the user's live images matching `query`, in its order,
    /// after `cursor`.
    pub async fn list(
        &self,
        user_id: Uuid,
        query: &ImageQuery,
        cursor: Option<GalleryCursor>,
        limit: u32,
    ) -> Result<GalleryPage, ImageError> {
        query.validate()?;
        let limit = limit.clamp(1, 200);
        let shape = self.shape(user_id, query, cursor).await?;
        let mut sql = list_statement("", user_id, query, cursor, limit, shape);
        // Planned for its own parameters every time (an unnamed statement):
        // one search matches 20 rows and the next 25,000, and the generic
        // plan PostgreSQL caches after five runs of a named statement suits
        // neither (`easel bench gallery`: a common word 99 ms generic, under
        // 5 ms custom; planning costs about 0.3 ms).
        let mut rows: Vec<ItemRow> = sql
            .build_query_as()
            .persistent(false)
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
                    starred: last.starred,
                })
            })
            .flatten();
        Ok(GalleryPage { items, next_cursor })
    }

    /// How a page of `query` is best read. Only full-text searches need
    /// asking: PostgreSQL estimates a word it has no statistics for at
    /// 0.5 % of the rows, so for a rare word in a large library it walks
    /// the whole date index looking for matches (450 ms over a million
    /// images), while for a common word that walk is the fast plan. One
    /// bounded probe through the search index tells the two apart.
    async fn shape(
        &self,
        user_id: Uuid,
        query: &ImageQuery,
        cursor: Option<GalleryCursor>,
    ) -> Result<PageShape, ImageError> {
        if query.text.trim().is_empty() {
            return Ok(PageShape::Walk);
        }
        let mut sql = QueryBuilder::new("select count(*) from (select 1 from generated_images i");
        push_query_filters(&mut sql, user_id, query);
        push_keyset_condition(&mut sql, query.sort, cursor);
        sql.push(" limit ")
            .push_bind(SPARSE_MATCHES + 1)
            .push(") s");
        let matches: i64 = sql
            .build_query_scalar()
            .persistent(false)
            .fetch_one(&self.db)
            .await?;
        Ok(if matches <= SPARSE_MATCHES {
            PageShape::Gather
        } else {
            PageShape::Walk
        })
    }

    /// How many live images match `query` (for "select all matching").
    pub async fn count(&self, user_id: Uuid, query: &ImageQuery) -> Result<i64, ImageError> {
        query.validate()?;
        let mut sql = count_statement("", user_id, query);
        // Custom-planned, as in `list`.
        Ok(sql
            .build_query_scalar()
            .persistent(false)
            .fetch_one(&self.db)
            .await?)
    }

    /// The SQL and `EXPLAIN (ANALYZE, BUFFERS)` of the statement
    /// [`Self::list`] runs, or [`Self::count`]'s when `limit` is `None`
    /// (for `easel bench gallery --explain`).
    pub async fn explain(
        &self,
        user_id: Uuid,
        query: &ImageQuery,
        cursor: Option<GalleryCursor>,
        limit: Option<u32>,
    ) -> Result<String, ImageError> {
        const HEAD: &str = "explain (analyze, buffers) ";
        let mut sql = match limit {
            Some(limit) => {
                let shape = self.shape(user_id, query, cursor).await?;
                list_statement(HEAD, user_id, query, cursor, limit.clamp(1, 200), shape)
            }
            None => count_statement(HEAD, user_id, query),
        };
        let text = sql.sql().to_owned();
        let plan: Vec<String> = sql.build_query_scalar().fetch_all(&self.db).await?;
        Ok(format!("{text}\n{}", plan.join("\n")))
    }

    /// A page of the user's trash, most recently deleted first. The
    /// cursor's `created_at` holds the last item's deletion time here.
    pub async fn list_trash(
        &self,
        user_id: Uuid,
        cursor: Option<GalleryCursor>,
        limit: u32,
    ) -> Result<GalleryPage, ImageError> {
        let limit = limit.clamp(1, 200);
        #[derive(sqlx::FromRow)]
        struct Row {
            #[sqlx(flatten)]
            item: ItemRow,
            deleted_at: DateTime<Utc>,
        }
        let mut rows: Vec<Row> = sqlx::query_as(&format!(
            "select {ITEM_COLUMNS}, i.deleted_at from generated_images i
             where i.user_id = $1 and i.deleted_at is not null
               and ($2::timestamptz is null or (i.deleted_at, i.id) < ($2, $3))
             order by i.deleted_at desc, i.id desc
             limit $4"
        ))
        .bind(user_id)
        .bind(cursor.map(|c| c.created_at))
        .bind(cursor.map(|c| c.id))
        .bind(i64::from(limit) + 1)
        .fetch_all(&self.db)
        .await?;
        let more = rows.len() > limit as usize;
        rows.truncate(limit as usize);
        let next_cursor = more
            .then(|| {
                rows.last().map(|last| GalleryCursor {
                    created_at: last.deleted_at,
                    id: last.item.id,
                    starred: false,
                })
            })
            .flatten();
        let items = rows
            .into_iter()
            .map(|r| GalleryItem::from(r.item))
            .collect();
        Ok(GalleryPage { items, next_cursor })
    }

    /// The user's tags on live images, most used first.
    pub async fn tags(&self, user_id: Uuid) -> Result<Vec<(String, i64)>, ImageError> {
        Ok(sqlx::query_as(
            "select t.tag, count(*) from image_tags t
             join generated_images i on i.id = t.image_id and i.deleted_at is null
             where t.user_id = $1
             group by t.tag order by count(*) desc, t.tag limit 500",
        )
        .bind(user_id)
        .fetch_all(&self.db)
        .await?)
    }

    /// One of the user's images in full.
    pub async fn detail(&self, user_id: Uuid, id: Uuid) -> Result<ImageDetail, ImageError> {
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
            operation: String,
            deleted_at: Option<DateTime<Utc>>,
            tags: Vec<String>,
            gallery_ids: Vec<Uuid>,
            gallery_names: Vec<String>,
        }
        let row: DetailRow = sqlx::query_as(
            r#"
            select id, prompt, model, width, height, created_at, starred, negative_prompt, seed,
                   parameters, metadata, job_id, byte_size, operation, deleted_at,
                   array(select t.tag from image_tags t where t.image_id = i.id
                         order by t.tag)::text[] as tags,
                   array(select g.id from gallery_images gi join image_galleries g
                         on g.id = gi.gallery_id where gi.image_id = i.id
                         order by g.position, g.created_at) as gallery_ids,
                   array(select g.name from gallery_images gi join image_galleries g
                         on g.id = gi.gallery_id where gi.image_id = i.id
                         order by g.position, g.created_at)::text[] as gallery_names
            from generated_images i where id = $1 and user_id = $2
            "#,
        )
        .bind(id)
        .bind(user_id)
        .fetch_optional(&self.db)
        .await?
        .ok_or(ImageError::NotFound)?;
        // Imported images carry what could be read of their parameters;
        // when that is not a request, the detail shows the prompt alone.
        let mut request: GenerationRequest =
            serde_json::from_value(row.parameters).unwrap_or_else(|_| GenerationRequest {
                prompt: row.item.prompt.clone(),
                negative_prompt: row.negative_prompt.clone(),
                model: row.item.model.clone(),
                width: row.item.width.max(1) as u32,
                height: row.item.height.max(1) as u32,
                count: 1,
                ..GenerationRequest::default()
            });
        // The exact seed of this image (a batch's images count up from the first).
        request.seed = easel_domain::generation::Seed::Fixed(row.seed);
        request.count = 1;
        let infotext = row
            .metadata
            .get("infotext")
            .and_then(|v| v.as_str())
            .unwrap_or_default()
            .to_owned();
        let galleries = row.gallery_ids.into_iter().zip(row.gallery_names).collect();
        Ok(ImageDetail {
            operation: row.operation,
            tags: row.tags,
            galleries,
            deleted_at: row.deleted_at,
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

    /// Moves one of the user's images to the trash (see [`trash`]).
    pub async fn delete(&self, user_id: Uuid, id: Uuid) -> Result<(), ImageError> {
        let moved = sqlx::query(
            "update generated_images set deleted_at = now(), updated_at = now()
             where id = $1 and user_id = $2 and deleted_at is null",
        )
        .bind(id)
        .bind(user_id)
        .execute(&self.db)
        .await?
        .rows_affected();
        if moved == 0 {
            return Err(ImageError::NotFound);
        }
        tracing::info!(image_id = %id, "image moved to the trash");
        Ok(())
    }
}

/// The statement of [`Images::list`], after `head` (an `explain`, or "").
fn list_statement(
    head: &str,
    user_id: Uuid,
    query: &ImageQuery,
    cursor: Option<GalleryCursor>,
    limit: u32,
    shape: PageShape,
) -> QueryBuilder<'static, sqlx::Postgres> {
    let mut sql = QueryBuilder::new(format!("{head}select "));
    sql.push(ITEM_COLUMNS).push(" from ");
    // Gathering wraps the matches in `(... offset 0)`, which keeps the inner
    // query whole: PostgreSQL cannot push the order and limit into it, so it
    // reads the few matches through the search index and sorts them,
    // instead of walking the date index.
    let gather = shape == PageShape::Gather;
    if gather {
        sql.push("(select ").push(ITEM_COLUMNS).push(" from ");
    }
    sql.push("generated_images i");
    push_query_filters(&mut sql, user_id, query);
    push_keyset_condition(&mut sql, query.sort, cursor);
    if gather {
        sql.push(" offset 0) i");
    }
    push_order(&mut sql, query.sort);
    sql.push(" limit ").push_bind(i64::from(limit) + 1);
    sql
}

/// How [`list_statement`] reads a page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PageShape {
    /// Walk the index of the grid's order, filtering as it goes: right when
    /// matches are common, so a page's worth turns up soon.
    Walk,
    /// Gather every match (at most [`SPARSE_MATCHES`]) and sort them.
    Gather,
}

/// A full-text search with at most this many matches gathers them all.
/// Past it, matches are at least this dense, and walking the date index
/// finds a page after about `page × library / SPARSE_MATCHES` rows.
const SPARSE_MATCHES: i64 = 2000;

/// The statement of [`Images::count`], after `head`.
fn count_statement(
    head: &str,
    user_id: Uuid,
    query: &ImageQuery,
) -> QueryBuilder<'static, sqlx::Postgres> {
    let mut sql = QueryBuilder::new(format!("{head}select count(*) from generated_images i"));
    push_query_filters(&mut sql, user_id, query);
    sql
}

/// Continues after `cursor` in the grid's order: `(created_at, id)`
/// descending or ascending, or `(starred, created_at, id)` descending, each
/// the exact order of a partial index, so any page is one index range scan.
fn push_keyset_condition(
    sql: &mut QueryBuilder<'_, sqlx::Postgres>,
    sort: SortOrder,
    cursor: Option<GalleryCursor>,
) {
    match (sort, cursor) {
        (SortOrder::Newest, Some(c)) => {
            sql.push(" and (i.created_at, i.id) < (")
                .push_bind(c.created_at)
                .push(", ")
                .push_bind(c.id)
                .push(")");
        }
        (SortOrder::Oldest, Some(c)) => {
            sql.push(" and (i.created_at, i.id) > (")
                .push_bind(c.created_at)
                .push(", ")
                .push_bind(c.id)
                .push(")");
        }
        (SortOrder::Starred, Some(c)) => {
            sql.push(" and (i.starred, i.created_at, i.id) < (")
                .push_bind(c.starred)
                .push(", ")
                .push_bind(c.created_at)
                .push(", ")
                .push_bind(c.id)
                .push(")");
        }
        (_, None) => {}
    }
}

/// The grid's order (see [`push_keyset_condition`]).
fn push_order(sql: &mut QueryBuilder<'_, sqlx::Postgres>, sort: SortOrder) {
    sql.push(match sort {
        SortOrder::Newest => " order by i.created_at desc, i.id desc",
        SortOrder::Oldest => " order by i.created_at, i.id",
        SortOrder::Starred => " order by i.starred desc, i.created_at desc, i.id desc",
    });
}
