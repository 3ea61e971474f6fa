//! Jobs as the UI sees them: read from the database for snapshots (page
//! loads, websocket connects and resumes, cross-instance events).

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use chrono::{DateTime, Utc};
use easel_domain::generation::{GenerationRequest, JobView};
use sqlx::PgPool;
use uuid::Uuid;

use super::parse_status;

#[derive(sqlx::FromRow)]
struct ViewRow {
    id: Uuid,
    status: String,
    model: String,
    request: serde_json::Value,
    created_at: DateTime<Utc>,
    progress_step: i32,
    progress_total: i32,
    preview: Option<Vec<u8>>,
    error: Option<String>,
    attempts: i32,
    event_seq: i64,
    image_ids: Vec<Uuid>,
    position: Option<i64>,
}

const VIEW_COLUMNS: &str = r#"
    j.id, j.status::text as status, j.model, j.request, j.created_at, j.progress_step,
    j.progress_total, j.preview, j.error, j.attempts, j.event_seq,
    coalesce((select array_agg(i.id order by i.batch_index) from generated_images i
              where i.job_id = j.id and i.deleted_at is null), '{}') as image_ids,
    case when j.status = 'queued' then
        (select count(*) from generation_jobs q
         where q.status = 'queued' and q.provider = j.provider
           and (q.priority > j.priority
                or (q.priority = j.priority and (q.fair_rank, q.id) < (j.fair_rank, j.id))))
    end as position
"#;

impl From<ViewRow> for JobView {
    fn from(row: ViewRow) -> Self {
        let request: Option<GenerationRequest> = serde_json::from_value(row.request).ok();
        let seed = request
            .as_ref()
            .and_then(|r| match r.seed {
                easel_domain::generation::Seed::Fixed(seed) => Some(seed),
                easel_domain::generation::Seed::Random => None,
            })
            .unwrap_or_default();
        JobView {
            id: row.id,
            status: parse_status(&row.status),
            model: row.model,
            prompt: request
                .as_ref()
                .map(|r| r.prompt.clone())
                .unwrap_or_default(),
            negative_prompt: request
                .as_ref()
                .map(|r| r.negative_prompt.clone())
                .unwrap_or_default(),
            width: request.as_ref().map_or(0, |r| r.width),
            height: request.as_ref().map_or(0, |r| r.height),
            count: request.as_ref().map_or(1, |r| r.count),
            seed,
            steps: request.as_ref().and_then(|r| r.steps),
            created_at: row.created_at,
            position: row.position.map(|p| p.clamp(0, i64::from(u32::MAX)) as u32),
            step: row.progress_step.max(0) as u32,
            total: row.progress_total.max(0) as u32,
            preview_jpeg: row.preview.map(|bytes| STANDARD.encode(bytes)),
            error: row.error,
            image_ids: row.image_ids,
            attempts: row.attempts.max(0) as u32,
            seq: row.event_seq,
            request,
        }
    }
}

/// One of a user's jobs (`None` if it is not theirs or does not exist).
pub async fn job_view(db: &PgPool, user_id: Uuid, job_id: Uuid) -> sqlx::Result<Option<JobView>> {
    let row: Option<ViewRow> = sqlx::query_as(&format!(
        "select {VIEW_COLUMNS} from generation_jobs j where j.id = $1 and j.user_id = $2"
    ))
    .bind(job_id)
    .bind(user_id)
    .fetch_optional(db)
    .await?;
    Ok(row.map(JobView::from))
}

/// A user's active jobs, then their most recent finished ones, newest
/// first within each group.
pub async fn recent_jobs(db: &PgPool, user_id: Uuid, limit: i64) -> sqlx::Result<Vec<JobView>> {
    let rows: Vec<ViewRow> = sqlx::query_as(&format!(
        r#"
        (select {VIEW_COLUMNS} from generation_jobs j
         where j.user_id = $1 and j.status in ('queued', 'running'))
        union all
        (select {VIEW_COLUMNS} from generation_jobs j
         where j.user_id = $1 and j.status not in ('queued', 'running')
         order by j.created_at desc, j.id desc limit $2)
        order by created_at desc, id desc
        "#
    ))
    .bind(user_id)
    .bind(limit)
    .fetch_all(db)
    .await?;
    let mut views: Vec<JobView> = rows.into_iter().map(JobView::from).collect();
    // Active first.
    views.sort_by_key(|v| !v.status.is_active());
    Ok(views)
}

/// The snapshot a (re)connecting websocket gets: the user's active jobs,
/// plus every job in `known` whose sequence moved past what the client saw.
pub async fn changed_jobs(
    db: &PgPool,
    user_id: Uuid,
    known: &[(Uuid, i64)],
) -> sqlx::Result<Vec<JobView>> {
    let (ids, seqs): (Vec<Uuid>, Vec<i64>) = known.iter().copied().unzip();
    let rows: Vec<ViewRow> = sqlx::query_as(&format!(
        r#"
        select {VIEW_COLUMNS} from generation_jobs j
        where j.user_id = $1 and j.status in ('queued', 'running')
        union
        select {VIEW_COLUMNS} from generation_jobs j
        join unnest($2::uuid[], $3::int8[]) as k(id, seq) on k.id = j.id
        where j.user_id = $1 and j.event_seq > k.seq
        "#
    ))
    .bind(user_id)
    .bind(&ids)
    .bind(&seqs)
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(JobView::from).collect())
}
