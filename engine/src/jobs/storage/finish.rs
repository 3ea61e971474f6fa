//! Ending a try without images: failure (maybe retried), cancellation,
//! expired leases and shutdown.

use std::time::Duration;

use easel_domain::generation::JobStatus;
use sqlx::PgPool;
use uuid::Uuid;

use crate::jobs::{JobEvent, parse_status};

type EventRow = (Uuid, Uuid, String, i64, Option<String>);

fn event((job_id, user_id, status, seq, _): EventRow) -> JobEvent {
    JobEvent {
        job_id,
        user_id,
        seq,
        status: parse_status(&status),
    }
}

/// Ends a try that failed. With `retry_in` and attempts left, the job is
/// queued again to run after that delay; otherwise it fails with
/// `message`. A job its owner asked to cancel is cancelled instead.
/// `None` when the claim was lost.
pub async fn fail(
    db: &PgPool,
    instance: Uuid,
    job: Uuid,
    token: Uuid,
    message: &str,
    retry_in: Option<Duration>,
) -> sqlx::Result<Option<JobEvent>> {
    let row: Option<EventRow> = sqlx::query_as(
        r#"
        with next as (
            select id,
                   case when cancel_requested then 'cancelled'::job_status
                        when $4 and attempts < max_attempts then 'queued'::job_status
                        else 'failed'::job_status end as status
            from generation_jobs
            where id = $1 and lease_token = $2 and status = 'running'
            for update
        )
        update generation_jobs j
        set status = next.status, error = case when next.status = 'cancelled' then null else $3 end,
            run_at = now() + make_interval(secs => $5),
            finished_at = case when next.status = 'queued' then null else now() end,
            lease_token = null, worker_id = null, lease_expires_at = null, updated_at = now(),
            event_seq = j.event_seq + 1
        from next
        where j.id = next.id
        returning j.id, j.user_id, j.status::text, j.event_seq,
                  pg_notify('easel_jobs', concat_ws(' ', 'e', $6::text, j.id, j.user_id, j.event_seq))::text
        "#,
    )
    .bind(job)
    .bind(token)
    .bind(message)
    .bind(retry_in.is_some())
    .bind(retry_in.unwrap_or_default().as_secs_f64())
    .bind(instance.to_string())
    .fetch_optional(db)
    .await?;
    Ok(row.map(event))
}

/// Ends a try that stopped because its job was cancelled.
pub async fn mark_cancelled(
    db: &PgPool,
    instance: Uuid,
    job: Uuid,
    token: Uuid,
) -> sqlx::Result<Option<JobEvent>> {
    let row: Option<EventRow> = sqlx::query_as(
        r#"
        update generation_jobs
        set status = 'cancelled', finished_at = now(), updated_at = now(), lease_token = null,
            worker_id = null, lease_expires_at = null, event_seq = event_seq + 1
        where id = $1 and lease_token = $2 and status = 'running'
        returning id, user_id, status::text, event_seq,
                  pg_notify('easel_jobs', concat_ws(' ', 'e', $3::text, id, user_id, event_seq))::text
        "#,
    )
    .bind(job)
    .bind(token)
    .bind(instance.to_string())
    .fetch_optional(db)
    .await?;
    Ok(row.map(event))
}

/// What [`cancel`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CancelOutcome {
    /// It was queued: cancelled now.
    Cancelled(JobEvent),
    /// It is running: its worker was told to stop.
    Requested,
    /// It had already finished (or is not the user's, or does not exist).
    NotActive,
}

/// The owner cancels a job: a queued job is cancelled at once; a running
/// one is flagged, and its worker is notified (`c <job>`).
pub async fn cancel(
    db: &PgPool,
    instance: Uuid,
    user_id: Uuid,
    job: Uuid,
) -> sqlx::Result<CancelOutcome> {
    let row: Option<EventRow> = sqlx::query_as(
        r#"
        update generation_jobs
        set status = case when status = 'queued' then 'cancelled'::job_status else status end,
            finished_at = case when status = 'queued' then now() else finished_at end,
            cancel_requested = true, updated_at = now(),
            event_seq = case when status = 'queued' then event_seq + 1 else event_seq end
        where id = $1 and user_id = $2 and status in ('queued', 'running')
        returning id, user_id, status::text, event_seq,
                  pg_notify('easel_jobs', case when status = 'cancelled'
                      then concat_ws(' ', 'e', $3::text, id, user_id, event_seq)
                      else concat_ws(' ', 'c', id) end)::text
        "#,
    )
    .bind(job)
    .bind(user_id)
    .bind(instance.to_string())
    .fetch_optional(db)
    .await?;
    Ok(match row.map(event) {
        Some(e) if e.status == JobStatus::Cancelled => CancelOutcome::Cancelled(e),
        Some(_) => CancelOutcome::Requested,
        None => CancelOutcome::NotActive,
    })
}

/// Puts back every running job whose lease ran out (its worker died or
/// hung): queued again to retry, failed when out of attempts, cancelled if
/// its owner asked.
pub async fn reap_expired(db: &PgPool, instance: Uuid) -> sqlx::Result<Vec<JobEvent>> {
    let rows: Vec<EventRow> = sqlx::query_as(
        r#"
        with expired as (
            select id,
                   case when cancel_requested then 'cancelled'::job_status
                        when attempts >= max_attempts then 'failed'::job_status
                        else 'queued'::job_status end as status
            from generation_jobs
            where status = 'running' and lease_expires_at < now()
            for update skip locked
        )
        update generation_jobs j
        set status = expired.status,
            error = case expired.status
                when 'failed' then 'The worker running this job stopped responding, and the job has used all its attempts.'
                when 'queued' then 'The worker running this job stopped; it was queued again.'
                else null end,
            finished_at = case when expired.status = 'queued' then null else now() end,
            lease_token = null, worker_id = null, lease_expires_at = null, run_at = now(),
            updated_at = now(), event_seq = j.event_seq + 1
        from expired
        where j.id = expired.id
        returning j.id, j.user_id, j.status::text, j.event_seq,
                  pg_notify('easel_jobs', concat_ws(' ', 'e', $1::text, j.id, j.user_id, j.event_seq))::text
        "#,
    )
    .bind(instance.to_string())
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(event).collect())
}

/// On graceful shutdown: hands a worker's running jobs back to the queue
/// at once, without counting the interrupted try.
pub async fn release_worker(
    db: &PgPool,
    instance: Uuid,
    jobs: &[(Uuid, Uuid)],
) -> sqlx::Result<Vec<JobEvent>> {
    let (ids, tokens): (Vec<Uuid>, Vec<Uuid>) = jobs.iter().copied().unzip();
    let rows: Vec<EventRow> = sqlx::query_as(
        r#"
        update generation_jobs j
        set status = case when j.cancel_requested then 'cancelled'::job_status else 'queued'::job_status end,
            finished_at = case when j.cancel_requested then now() end,
            attempts = greatest(j.attempts - 1, 0), lease_token = null, worker_id = null,
            lease_expires_at = null, run_at = now(), updated_at = now(), event_seq = j.event_seq + 1
        from unnest($1::uuid[], $2::uuid[]) as held(id, token)
        where j.id = held.id and j.lease_token = held.token and j.status = 'running'
        returning j.id, j.user_id, j.status::text, j.event_seq,
                  pg_notify('easel_jobs', concat_ws(' ', 'e', $3::text, j.id, j.user_id, j.event_seq))::text
        "#,
    )
    .bind(&ids)
    .bind(&tokens)
    .bind(instance.to_string())
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(event).collect())
}
