//! What goes into a zip download: the user's live images of a selection,
//! newest first, as a stream the web layer writes out one file at a time.

use chrono::{DateTime, Utc};
use easel_domain::galleries::ImageSelection;
use futures::{Stream, TryStreamExt, stream};
use sqlx::QueryBuilder;
use uuid::Uuid;

use super::{ImageError, Images, push_selection_ids};

/// Rows per page: each page is one short query, so a slow download never
/// holds a database connection while the client reads.
const PAGE: i64 = 100;

/// One image of a download.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ArchiveEntry {
    /// The image's id.
    pub id: Uuid,
    /// When it was made.
    pub created_at: DateTime<Utc>,
    /// Its prompt.
    pub prompt: String,
    /// The original's format: `image/png`, `image/jpeg` or `image/webp`.
    pub media_type: String,
    /// The original's store key.
    pub image_path: String,
}

/// Where the next page starts: after this `(created_at, id)`.
type Cursor = Option<(DateTime<Utc>, Uuid)>;

impl Images {
    /// The user's live images of `selection`, newest first, fetched a page
    /// at a time as the stream is read. Another user's ids select nothing.
    /// Validate the selection first ([`ImageSelection::validate`]).
    pub fn archive_entries(
        &self,
        user_id: Uuid,
        selection: ImageSelection,
    ) -> impl Stream<Item = Result<ArchiveEntry, ImageError>> + Send + 'static {
        let images = self.clone();
        let start: (Cursor, bool) = (None, false);
        stream::try_unfold(start, move |(cursor, done)| {
            let images = images.clone();
            let selection = selection.clone();
            async move {
                if done {
                    return Ok(None);
                }
                let page = images.archive_page(user_id, &selection, cursor).await?;
                let next = page.last().map(|last| (last.created_at, last.id));
                let done = page.len() < PAGE as usize;
                Ok::<_, ImageError>(Some((page, (next, done))))
            }
        })
        .map_ok(|page| stream::iter(page.into_iter().map(Ok)))
        .try_flatten()
    }

    /// One page of [`Images::archive_entries`], after `cursor`.
    async fn archive_page(
        &self,
        user_id: Uuid,
        selection: &ImageSelection,
        cursor: Cursor,
    ) -> Result<Vec<ArchiveEntry>, ImageError> {
        let mut sql = QueryBuilder::new(
            "select a.id, a.created_at, a.prompt, a.media_type, a.image_path \
             from generated_images a where a.deleted_at is null and a.user_id = ",
        );
        sql.push_bind(user_id).push(" and a.id in (");
        push_selection_ids(&mut sql, user_id, selection);
        sql.push(")");
        if let Some((created_at, id)) = cursor {
            sql.push(" and (a.created_at, a.id) < (")
                .push_bind(created_at)
                .push(", ")
                .push_bind(id)
                .push(")");
        }
        sql.push(" order by a.created_at desc, a.id desc limit ")
            .push_bind(PAGE);
        Ok(sql.build_query_as().fetch_all(&self.db).await?)
    }
}
