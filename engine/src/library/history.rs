//! Prompt history: every submission, searchable by words (full text) or
//! any substring (trigram index), newest first, with stars.

use chrono::{DateTime, Utc};
use easel_domain::library::{HistoryEntry, HistoryPage, HistoryQuery, Submission};
use uuid::Uuid;

use super::{Library, LibraryError};

/// A submission to remember.
#[derive(Debug, Clone)]
pub struct NewHistory {
    /// What was submitted.
    pub submission: Submission,
    /// The prompts it expanded to.
    pub expanded: Vec<String>,
    /// The jobs it queued.
    pub job_ids: Vec<Uuid>,
}

#[derive(sqlx::FromRow)]
struct HistoryRow {
    id: Uuid,
    prompt: String,
    negative_prompt: String,
    model: String,
    parameters: serde_json::Value,
    expanded: Vec<String>,
    job_ids: Vec<Uuid>,
    image_ids: Vec<Uuid>,
    starred: bool,
    created_at: DateTime<Utc>,
}

impl HistoryRow {
    fn into_entry(self) -> Option<HistoryEntry> {
        let submission: Submission = match serde_json::from_value(self.parameters) {
            Ok(submission) => submission,
            Err(err) => {
                tracing::warn!(history_id = %self.id, error = %err, "a history entry does not parse");
                return None;
            }
        };
        Some(HistoryEntry {
            id: self.id,
            prompt: self.prompt,
            negative_prompt: self.negative_prompt,
            model: self.model,
            submission,
            expanded: self.expanded,
            job_ids: self.job_ids,
            image_ids: self.image_ids,
            starred: self.starred,
            created_at: self.created_at,
        })
    }
}

/// The columns of an entry, with its first images (`h` is the entry).
const COLUMNS: &str = "h.id, h.prompt, h.negative_prompt, h.model, h.parameters, h.expanded, h.job_ids, \
    array(select i.id from generated_images i where i.user_id = h.user_id and i.job_id = any(h.job_ids) and i.deleted_at is null \
          order by i.created_at, i.batch_index limit 8) as image_ids, \
    h.starred, h.created_at";

/// `text` with LIKE's wildcards escaped.
fn like_escaped(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

impl Library {
    /// Remembers a submission; returns the entry's id.
    pub async fn record_history(
        &self,
        user_id: Uuid,
        entry: NewHistory,
    ) -> Result<Uuid, LibraryError> {
        let id = Uuid::now_v7();
        let request = &entry.submission.request;
        sqlx::query(
            "insert into prompt_history (id, user_id, prompt, negative_prompt, model, parameters, expanded, job_ids) \
             values ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(id)
        .bind(user_id)
        .bind(&request.prompt)
        .bind(&request.negative_prompt)
        .bind(&request.model)
        .bind(serde_json::to_value(&entry.submission).unwrap_or_default())
        .bind(&entry.expanded)
        .bind(&entry.job_ids)
        .execute(&self.db)
        .await?;
        Ok(id)
    }

    /// A page of the user's history matching `query`, newest first.
    pub async fn search_history(
        &self,
        user_id: Uuid,
        query: &HistoryQuery,
    ) -> Result<HistoryPage, LibraryError> {
        let limit = i64::from(query.limit.clamp(1, 100));
        let text = query.text.trim();
        let (before_at, before_id) = query.before.unzip();
        let rows: Vec<HistoryRow> = sqlx::query_as(&format!(
            r#"
            select {COLUMNS}
            from prompt_history h
            where h.user_id = $1
              and ($2::text = '' or h.search @@ websearch_to_tsquery('simple', $2)
                   or h.prompt ilike '%' || $3 || '%' or h.negative_prompt ilike '%' || $3 || '%')
              and (not $4 or h.starred)
              and ($5::timestamptz is null or (h.created_at, h.id) < ($5, $6))
            order by h.created_at desc, h.id desc
            limit $7
            "#
        ))
        .bind(user_id)
        .bind(text)
        .bind(like_escaped(text))
        .bind(query.starred_only)
        .bind(before_at)
        .bind(before_id)
        .bind(limit + 1)
        .fetch_all(&self.db)
        .await?;
        let more = rows.len() as i64 > limit;
        let mut entries: Vec<HistoryEntry> = rows
            .into_iter()
            .take(limit as usize)
            .filter_map(HistoryRow::into_entry)
            .collect();
        entries.truncate(limit as usize);
        let next = more
            .then(|| entries.last().map(|e| (e.created_at, e.id)))
            .flatten();
        Ok(HistoryPage { entries, next })
    }

    /// One of the user's entries.
    pub async fn get_history(&self, user_id: Uuid, id: Uuid) -> Result<HistoryEntry, LibraryError> {
        let row: Option<HistoryRow> = sqlx::query_as(&format!(
            "select {COLUMNS} from prompt_history h where h.user_id = $1 and h.id = $2"
        ))
        .bind(user_id)
        .bind(id)
        .fetch_optional(&self.db)
        .await?;
        row.and_then(HistoryRow::into_entry)
            .ok_or(LibraryError::NotFound)
    }

    /// Stars or unstars one of the user's entries.
    pub async fn star_history(
        &self,
        user_id: Uuid,
        id: Uuid,
        starred: bool,
    ) -> Result<(), LibraryError> {
        let updated = sqlx::query(
            "update prompt_history set starred = $3, updated_at = now() where user_id = $1 and id = $2",
        )
        .bind(user_id)
        .bind(id)
        .bind(starred)
        .execute(&self.db)
        .await?;
        if updated.rows_affected() == 0 {
            return Err(LibraryError::NotFound);
        }
        Ok(())
    }

    /// Deletes one of the user's entries (its images stay in the gallery).
    pub async fn delete_history(&self, user_id: Uuid, id: Uuid) -> Result<(), LibraryError> {
        let deleted = sqlx::query("delete from prompt_history where user_id = $1 and id = $2")
            .bind(user_id)
            .bind(id)
            .execute(&self.db)
            .await?;
        if deleted.rows_affected() == 0 {
            return Err(LibraryError::NotFound);
        }
        Ok(())
    }
}
