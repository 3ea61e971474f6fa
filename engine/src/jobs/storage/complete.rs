//! Completing jobs: image rows and the succeeded status in one statement.

use easel_domain::generation::JobStatus;
use sqlx::PgPool;
use uuid::Uuid;

use super::Completion;
use crate::jobs::JobEvent;

/// Marks finished jobs succeeded and inserts their image rows, all in one
/// statement (so one commit serves a whole batch of jobs). A job whose
/// claim was lost (its token no longer matches) is skipped, and so are its
/// images: nothing is ever recorded twice. Call only after the images'
/// bytes are durable in the store.
pub async fn complete(
    db: &PgPool,
    instance: Uuid,
    completions: &[Completion],
) -> sqlx::Result<Vec<JobEvent>> {
    let job_ids: Vec<Uuid> = completions.iter().map(|c| c.job_id).collect();
    let tokens: Vec<Uuid> = completions.iter().map(|c| c.lease_token).collect();
    let images = || {
        completions
            .iter()
            .flat_map(|c| c.images.iter().map(move |i| (c.job_id, i)))
    };
    let rows: Vec<(Uuid, Uuid, i64, Option<String>)> = sqlx::query_as(
        r#"
        with done as (
            update generation_jobs j
            set status = 'succeeded', finished_at = now(), updated_at = now(), lease_token = null,
                worker_id = null, lease_expires_at = null, error = null, preview = null,
                progress_step = j.progress_total, event_seq = j.event_seq + 1
            from unnest($1::uuid[], $2::uuid[]) as finished(id, token)
            where j.id = finished.id and j.lease_token = finished.token and j.status = 'running'
            returning j.id, j.user_id, j.event_seq
        ), images as (
            insert into generated_images
                (id, user_id, job_id, batch_index, prompt, negative_prompt, model, parameters,
                 image_path, thumbnail_path, thumbnail_large_path, metadata, width, height, seed,
                 byte_size, operation, parent_id)
            select i.id, done.user_id, i.job_id, i.batch_index, i.prompt, i.negative_prompt,
                   i.model, i.parameters, i.image_path, i.thumbnail_path, i.thumbnail_large_path,
                   i.metadata, i.width, i.height, i.seed, i.byte_size, i.operation,
                   -- Lineage: the init image, if it still exists (it may have
                   -- been deleted while the job ran).
                   (select p.id from generated_images p
                    where p.id = (i.parameters ->> 'init_image')::uuid and p.user_id = done.user_id)
            from unnest($3::uuid[], $4::uuid[], $5::int4[], $6::text[], $7::text[], $8::text[],
                        $9::jsonb[], $10::text[], $11::text[], $12::text[], $13::jsonb[],
                        $14::int4[], $15::int4[], $16::int8[], $17::int8[], $18::text[])
                 as i(id, job_id, batch_index, prompt, negative_prompt, model, parameters,
                      image_path, thumbnail_path, thumbnail_large_path, metadata, width, height,
                      seed, byte_size, operation)
            join done on done.id = i.job_id
            returning id
        )
        select done.id, done.user_id, done.event_seq,
               pg_notify('easel_jobs', concat_ws(' ', 'e', $19::text, done.id, done.user_id, done.event_seq))::text
        from done
        "#,
    )
    .bind(&job_ids)
    .bind(&tokens)
    .bind(images().map(|(_, i)| i.id).collect::<Vec<_>>())
    .bind(images().map(|(job, _)| job).collect::<Vec<_>>())
    .bind(images().map(|(_, i)| i.batch_index).collect::<Vec<_>>())
    .bind(images().map(|(_, i)| i.prompt.clone()).collect::<Vec<_>>())
    .bind(images().map(|(_, i)| i.negative_prompt.clone()).collect::<Vec<_>>())
    .bind(images().map(|(_, i)| i.model.clone()).collect::<Vec<_>>())
    .bind(images().map(|(_, i)| i.parameters.clone()).collect::<Vec<_>>())
    .bind(images().map(|(_, i)| i.image_path.clone()).collect::<Vec<_>>())
    .bind(images().map(|(_, i)| i.thumbnail_path.clone()).collect::<Vec<_>>())
    .bind(images().map(|(_, i)| i.thumbnail_large_path.clone()).collect::<Vec<_>>())
    .bind(images().map(|(_, i)| i.metadata.clone()).collect::<Vec<_>>())
    .bind(images().map(|(_, i)| i.width).collect::<Vec<_>>())
    .bind(images().map(|(_, i)| i.height).collect::<Vec<_>>())
    .bind(images().map(|(_, i)| i.seed).collect::<Vec<_>>())
    .bind(images().map(|(_, i)| i.byte_size).collect::<Vec<_>>())
    .bind(images().map(|(_, i)| i.operation.clone()).collect::<Vec<_>>())
    .bind(instance.to_string())
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(job_id, user_id, seq, _)| JobEvent {
            job_id,
            user_id,
            seq,
            status: JobStatus::Succeeded,
        })
        .collect())
}
