//! The SQL of the image grid's search and filters, built once from an
//! [`ImageQuery`] and shared by the grid, "select all matching" bulk
//! actions and the zip download.
//!
//! Every statement starts from the owner's live images (`user_id = $1 and
//! deleted_at is null`), so a query can never reach another user's rows or
//! the trash. Optional filters are appended only when set, which keeps each
//! plan on the partial index that fits: the keyset indexes for plain pages,
//! GIN for the text searches.

use chrono::{Days, NaiveDate, NaiveTime, TimeZone, Utc};
use easel_domain::galleries::ImageSelection;
use easel_domain::gallery::{Aspect, ImageQuery};
use sqlx::{Postgres, QueryBuilder};
use uuid::Uuid;

/// Appends `where ...` for the user's live images matching `query`, on the
/// `generated_images` alias `i`.
pub(crate) fn push_query_filters(
    sql: &mut QueryBuilder<'_, Postgres>,
    user_id: Uuid,
    query: &ImageQuery,
) {
    sql.push(" where i.user_id = ")
        .push_bind(user_id)
        .push(" and i.deleted_at is null");
    if !query.text.trim().is_empty() {
        sql.push(" and i.search @@ websearch_to_tsquery('english', ")
            .push_bind(query.text.trim().to_owned())
            .push(")");
    }
    if !query.contains.trim().is_empty() {
        sql.push(" and i.prompt ilike ")
            .push_bind(like_pattern(query.contains.trim()))
            .push(" escape '\\'");
    }
    if let Some(model) = query.model.as_deref().filter(|m| !m.is_empty()) {
        if model.contains(':') {
            sql.push(" and i.model = ").push_bind(model.to_owned());
        } else {
            sql.push(" and i.model like ")
                .push_bind(format!("{}:%", escape_like(model)))
                .push(" escape '\\'");
        }
    }
    if let Some(from) = query.from {
        sql.push(" and i.created_at >= ").push_bind(start_of(from));
    }
    if let Some(to) = query.to.and_then(|d| d.checked_add_days(Days::new(1))) {
        sql.push(" and i.created_at < ").push_bind(start_of(to));
    }
    match query.aspect {
        None => {}
        Some(Aspect::Square) => {
            sql.push(" and i.width = i.height");
        }
        Some(Aspect::Landscape) => {
            sql.push(" and i.width > i.height");
        }
        Some(Aspect::Portrait) => {
            sql.push(" and i.width < i.height");
        }
    }
    for tag in &query.tags {
        sql.push(" and exists (select 1 from image_tags t where t.image_id = i.id and t.tag = ")
            .push_bind(tag.clone())
            .push(")");
    }
    if query.starred {
        sql.push(" and i.starred");
    }
    if let Some(gallery) = query.gallery {
        sql.push(
            " and exists (select 1 from gallery_images g where g.image_id = i.id and g.gallery_id = ",
        )
        .push_bind(gallery)
        .push(")");
    }
    if let Some(operation) = query.operation.as_deref().filter(|o| !o.is_empty()) {
        sql.push(" and i.operation = ")
            .push_bind(operation.to_owned());
    }
}

/// Appends a subquery, `select i.id from generated_images i where ...`,
/// giving the ids of the user's images a selection names. Hand-picked ids
/// are still filtered by owner, so a foreign id selects nothing.
pub(crate) fn push_selection_ids(
    sql: &mut QueryBuilder<'_, Postgres>,
    user_id: Uuid,
    selection: &ImageSelection,
) {
    sql.push("select i.id from generated_images i");
    match selection {
        ImageSelection::Ids { ids } => {
            sql.push(" where i.user_id = ")
                .push_bind(user_id)
                .push(" and i.id = any(")
                .push_bind(ids.clone())
                .push(")");
        }
        ImageSelection::Matching { query } => push_query_filters(sql, user_id, query),
        ImageSelection::Trash => {
            sql.push(" where i.user_id = ")
                .push_bind(user_id)
                .push(" and i.deleted_at is not null");
        }
    }
}

/// Midnight UTC of a day.
fn start_of(day: NaiveDate) -> chrono::DateTime<Utc> {
    Utc.from_utc_datetime(&day.and_time(NaiveTime::MIN))
}

/// `%text%` with the LIKE wildcards in `text` escaped.
fn like_pattern(text: &str) -> String {
    format!("%{}%", escape_like(text))
}

fn escape_like(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_wildcards_are_literal() {
        assert_eq!(like_pattern("50%_off\\"), "%50\\%\\_off\\\\%");
    }

    #[test]
    fn every_statement_is_scoped_to_the_owner() {
        let mut sql = QueryBuilder::new("select 1 from generated_images i");
        let query = ImageQuery {
            text: "sea".into(),
            tags: vec!["a".into()],
            ..ImageQuery::default()
        };
        push_query_filters(&mut sql, Uuid::nil(), &query);
        let text = sql.sql();
        assert!(text.contains("where i.user_id = $1 and i.deleted_at is null"));
        assert!(text.contains("websearch_to_tsquery('english', $2)"));
        assert!(text.contains("t.tag = $3"));
    }
}
