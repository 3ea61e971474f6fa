//! Every SQL statement of the queue. Each statement that changes a job's
//! state bumps its `event_seq` and issues `NOTIFY easel_jobs` in the same
//! statement, so the event exists exactly when the change commits.
//!
//! Notification payloads (ids only):
//! - `q <provider>`: a job was queued;
//! - `e <instance> <job> <user> <seq>`: a job changed (re-read the row);
//! - `c <job>`: the owner asked to cancel a running job.

use std::time::Duration;

use sqlx::{PgExecutor, PgPool};
use uuid::Uuid;

use super::{ClaimedJob, JobEvent};

/// A job to queue.
#[derive(Debug, Clone)]
pub struct NewJob {
    /// The new job's id.
    pub id: Uuid,
    /// Its owner.
    pub user_id: Uuid,
    /// The backend id.
    pub provider: String,
    /// The full model id.
    pub model: String,
    /// The request, seed resolved.
    pub request: serde_json::Value,
    /// Higher runs first.
    pub priority: i32,
    /// Tries allowed.
    pub max_attempts: u32,
}

/// What [`enqueue`] reports.
#[derive(Debug, Clone, Copy)]
pub struct Enqueued {
    /// The job.
    pub id: Uuid,
    /// Queued jobs ahead of it on its backend.
    pub position: i64,
    /// The Queued event's sequence.
    pub seq: i64,
}

/// Queues a job, ranking it for fair share, and notifies workers. The
/// rank is the user's last queued rank + 1, but never below the lowest
/// rank still queued: a newcomer is served next, a big batch interleaves.
pub async fn enqueue(db: impl PgExecutor<'_>, job: &NewJob) -> sqlx::Result<Enqueued> {
    let (position, seq): (i64, i64) = sqlx::query_as(
        r#"
        with rank as (
            select greatest(
                coalesce((select max(fair_rank) + 1 from generation_jobs
                          where user_id = $2 and status = 'queued'), 0),
                coalesce((select min(fair_rank) from generation_jobs where status = 'queued'), 0)
            ) as value
        ), inserted as (
            insert into generation_jobs
                (id, user_id, provider, model, request, priority, fair_rank, max_attempts, event_seq)
            select $1, $2, $3, $4, $5, $6, rank.value, $7, 1 from rank
            returning id, priority, fair_rank, event_seq
        )
        select
            (select count(*) from generation_jobs q
             where q.status = 'queued' and q.provider = $3
               and (q.priority > inserted.priority
                    or (q.priority = inserted.priority
                        and (q.fair_rank, q.id) < (inserted.fair_rank, inserted.id)))),
            inserted.event_seq
        from inserted, lateral (select pg_notify('easel_jobs', 'q ' || $3)) as notified
        "#,
    )
    .bind(job.id)
    .bind(job.user_id)
    .bind(&job.provider)
    .bind(&job.model)
    .bind(&job.request)
    .bind(job.priority)
    .bind(i32::try_from(job.max_attempts).unwrap_or(i32::MAX))
    .fetch_one(db)
    .await?;
    Ok(Enqueued {
        id: job.id,
        position,
        seq,
    })
}

/// Queues `count` copies of one request for one user in one statement
/// (benchmarks and load tests), with consecutive fair ranks.
pub async fn enqueue_many(
    db: &PgPool,
    user_id: Uuid,
    provider: &str,
    model: &str,
    request: &serde_json::Value,
    count: i64,
) -> sqlx::Result<u64> {
    let result = sqlx::query(
        r#"
        insert into generation_jobs
            (id, user_id, provider, model, request, fair_rank, max_attempts, event_seq)
        select gen_random_uuid(), $1, $2, $3, $4,
               coalesce((select max(fair_rank) + 1 from generation_jobs where status = 'queued'), 0) + n,
               3, 1
        from generate_series(1, $5) as n
        "#,
    )
    .bind(user_id)
    .bind(provider)
    .bind(model)
    .bind(request)
    .bind(count)
    .execute(db)
    .await?;
    sqlx::query("select pg_notify('easel_jobs', 'q ' || $1)")
        .bind(provider)
        .execute(db)
        .await?;
    Ok(result.rows_affected())
}

#[derive(sqlx::FromRow)]
struct ClaimRow {
    id: Uuid,
    user_id: Uuid,
    model: String,
    request: serde_json::Value,
    attempts: i32,
    max_attempts: i32,
    lease_token: Uuid,
    remote_handle: Option<serde_json::Value>,
    event_seq: i64,
}

/// Claims up to `limit` runnable jobs of a backend for `worker`, best
/// first (priority, then fair rank), with a lease. `skip locked` lets many
/// workers claim at once without waiting on each other's rows.
pub async fn claim(
    db: &PgPool,
    provider: &str,
    worker: &str,
    instance: Uuid,
    limit: i64,
    lease: Duration,
) -> sqlx::Result<Vec<ClaimedJob>> {
    let rows: Vec<ClaimRow> = sqlx::query_as(
        r#"
        with next as (
            select id from generation_jobs
            where status = 'queued' and provider = $1 and run_at <= now()
            order by priority desc, fair_rank, id
            limit $3
            for update skip locked
        )
        update generation_jobs j
        set status = 'running', attempts = j.attempts + 1, lease_token = gen_random_uuid(),
            worker_id = $2, lease_expires_at = now() + make_interval(secs => $4),
            heartbeat_at = now(), started_at = coalesce(j.started_at, now()), updated_at = now(),
            event_seq = j.event_seq + 1, progress_step = 0, progress_total = 0
        from next
        where j.id = next.id
        returning j.id, j.user_id, j.model, j.request, j.attempts, j.max_attempts, j.lease_token,
                  j.remote_handle, j.event_seq,
                  pg_notify('easel_jobs', concat_ws(' ', 'e', $5::text, j.id, j.user_id, j.event_seq))::text
        "#,
    )
    .bind(provider)
    .bind(worker)
    .bind(limit)
    .bind(lease.as_secs_f64())
    .bind(instance.to_string())
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| ClaimedJob {
            id: row.id,
            user_id: row.user_id,
            model: row.model,
            request: row.request,
            attempt: row.attempts.max(0) as u32,
            max_attempts: row.max_attempts.max(1) as u32,
            lease_token: row.lease_token,
            remote_handle: row.remote_handle,
            seq: row.event_seq,
        })
        .collect())
}

/// Renews the leases of a worker's running jobs. Returns, per job still
/// held, whether its owner asked to cancel it; a job missing from the
/// answer has lost its lease (reaped and maybe claimed by another worker).
pub async fn heartbeat(
    db: &PgPool,
    jobs: &[(Uuid, Uuid)],
    lease: Duration,
) -> sqlx::Result<Vec<(Uuid, bool)>> {
    let (ids, tokens): (Vec<Uuid>, Vec<Uuid>) = jobs.iter().copied().unzip();
    sqlx::query_as(
        r#"
        update generation_jobs j
        set lease_expires_at = now() + make_interval(secs => $3), heartbeat_at = now()
        from unnest($1::uuid[], $2::uuid[]) as held(id, token)
        where j.id = held.id and j.lease_token = held.token and j.status = 'running'
        returning j.id, j.cancel_requested
        "#,
    )
    .bind(&ids)
    .bind(&tokens)
    .bind(lease.as_secs_f64())
    .fetch_all(db)
    .await
}

/// Records a step of a running job (and its preview, when given).
/// `None` when the claim was lost.
pub async fn record_progress(
    db: &PgPool,
    instance: Uuid,
    job: Uuid,
    token: Uuid,
    step: u32,
    total: u32,
    preview: Option<&[u8]>,
) -> sqlx::Result<Option<JobEvent>> {
    let row: Option<(Uuid, i64, Option<String>)> = sqlx::query_as(
        r#"
        update generation_jobs
        set progress_step = $3, progress_total = $4, preview = coalesce($5, preview),
            event_seq = event_seq + 1, updated_at = now()
        where id = $1 and lease_token = $2 and status = 'running'
        returning user_id, event_seq,
                  pg_notify('easel_jobs', concat_ws(' ', 'e', $6::text, id, user_id, event_seq))::text
        "#,
    )
    .bind(job)
    .bind(token)
    .bind(i32::try_from(step).unwrap_or(i32::MAX))
    .bind(i32::try_from(total).unwrap_or(i32::MAX))
    .bind(preview)
    .bind(instance.to_string())
    .fetch_optional(db)
    .await?;
    Ok(row.map(|(user_id, seq, _)| JobEvent {
        job_id: job,
        user_id,
        seq,
        status: easel_domain::generation::JobStatus::Running,
    }))
}

/// Saves a backend's handle for the remote job, so that a later attempt
/// re-attaches instead of submitting again. Returns whether the claim held.
pub async fn save_remote_handle(
    db: &PgPool,
    job: Uuid,
    token: Uuid,
    handle: &serde_json::Value,
) -> sqlx::Result<bool> {
    let result = sqlx::query(
        "update generation_jobs set remote_handle = $3, updated_at = now()
         where id = $1 and lease_token = $2 and status = 'running'",
    )
    .bind(job)
    .bind(token)
    .bind(handle)
    .execute(db)
    .await?;
    Ok(result.rows_affected() == 1)
}

/// One stored image of a finished job, ready to become a row.
#[derive(Debug, Clone)]
pub struct NewImage {
    /// The image's id.
    pub id: Uuid,
    /// Its place in the batch.
    pub batch_index: i32,
    /// The prompt.
    pub prompt: String,
    /// The negative prompt.
    pub negative_prompt: String,
    /// The model id.
    pub model: String,
    /// The request, as JSON.
    pub parameters: serde_json::Value,
    /// Store key of the PNG.
    pub image_path: String,
    /// Store key of the 256 px thumbnail.
    pub thumbnail_path: String,
    /// Store key of the 512 px thumbnail.
    pub thumbnail_large_path: String,
    /// Provider facts and the infotext.
    pub metadata: serde_json::Value,
    /// Width.
    pub width: i32,
    /// Height.
    pub height: i32,
    /// The seed that made it.
    pub seed: i64,
    /// PNG size in bytes.
    pub byte_size: i64,
    /// txt2img, img2img, inpaint ...
    pub operation: String,
}

/// A job that finished with its images, for [`complete`].
#[derive(Debug, Clone)]
pub struct Completion {
    /// The job.
    pub job_id: Uuid,
    /// The claim's token.
    pub lease_token: Uuid,
    /// Its images (durable in the store already).
    pub images: Vec<NewImage>,
}

mod complete;
mod finish;
pub use complete::complete;
pub use finish::{CancelOutcome, cancel, fail, mark_cancelled, reap_expired, release_worker};
