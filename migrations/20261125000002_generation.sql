-- The generation queue and the images it produces.

create type job_status as enum ('queued', 'running', 'succeeded', 'failed', 'cancelled');

create table generation_jobs (
    id                uuid primary key,
    user_id           uuid not null references users (id) on delete cascade,
    status            job_status not null default 'queued',
    -- The backend ("builtin", "comfyui", ...) and the full model id.
    provider          text not null,
    model             text not null,
    -- The GenerationRequest, with its seed resolved.
    request           jsonb not null,
    -- Higher runs first.
    priority          integer not null default 0,
    -- Fair share between users: a user's jobs take consecutive ranks, and a
    -- newcomer starts at the lowest rank still queued, so one user's big
    -- batch interleaves with everyone else's jobs instead of blocking them.
    fair_rank         bigint not null,
    attempts          integer not null default 0,
    max_attempts      integer not null,
    -- Not claimed before this (retry backoff).
    run_at            timestamptz not null default now(),
    -- The claim: a fresh token per claim, the worker, and the lease that
    -- heartbeats extend. A job whose lease runs out is queued again.
    lease_token       uuid,
    worker_id         text,
    lease_expires_at  timestamptz,
    heartbeat_at      timestamptz,
    cancel_requested  boolean not null default false,
    -- The backend's handle for the remote job (ComfyUI prompt_id, ...), saved
    -- before waiting so that a restarted server re-attaches.
    remote_handle     jsonb,
    -- Shown to the user: why it failed, or the last retryable error.
    error             text,
    progress_step     integer not null default 0,
    progress_total    integer not null default 0,
    -- The latest progress preview (a small JPEG).
    preview           bytea,
    -- The job's event sequence: +1 per progress event.
    event_seq         bigint not null default 0,
    created_at        timestamptz not null default now(),
    updated_at        timestamptz not null default now(),
    started_at        timestamptz,
    finished_at       timestamptz,
    constraint generation_jobs_attempts_check check (attempts >= 0 and max_attempts >= 1),
    constraint generation_jobs_lease_check check (status <> 'running' or (lease_token is not null and lease_expires_at is not null))
);

-- The claim: the best queued job of a backend, in one index scan.
create index generation_jobs_claim_idx on generation_jobs (provider, priority desc, fair_rank, id)
    where status = 'queued';
-- Fair ranks at enqueue: the user's last queued rank and the lowest overall.
create index generation_jobs_user_rank_idx on generation_jobs (user_id, fair_rank) where status = 'queued';
create index generation_jobs_rank_idx on generation_jobs (fair_rank) where status = 'queued';
-- The reaper: running jobs whose lease ran out.
create index generation_jobs_lease_idx on generation_jobs (lease_expires_at) where status = 'running';
-- A user's active jobs (snapshots on every websocket connect).
create index generation_jobs_user_active_idx on generation_jobs (user_id) where status in ('queued', 'running');
-- A user's jobs, newest first (queue panel, snapshots).
create index generation_jobs_user_created_idx on generation_jobs (user_id, created_at desc, id desc);

create table generated_images (
    id                    uuid primary key,
    user_id               uuid not null references users (id) on delete cascade,
    job_id                uuid references generation_jobs (id) on delete set null,
    -- Lineage (variation, inpaint, upscale ...): filled by later features.
    parent_id             uuid references generated_images (id) on delete set null,
    operation             text not null default 'txt2img',
    -- Its place in the job's batch.
    batch_index           integer not null default 0,
    prompt                text not null,
    negative_prompt       text not null default '',
    model                 varchar(200) not null,
    parameters            jsonb not null,
    -- Store keys (content-addressed).
    image_path            varchar(500) not null,
    thumbnail_path        varchar(500) not null,
    thumbnail_large_path  varchar(500) not null,
    metadata              jsonb not null default '{}',
    width                 integer not null,
    height                integer not null,
    seed                  bigint not null,
    byte_size             bigint not null,
    created_at            timestamptz not null default now(),
    updated_at            timestamptz not null default now(),
    constraint generated_images_size_check check (width > 0 and height > 0),
    constraint generated_images_job_batch_unique unique (job_id, batch_index)
);

-- The gallery: keyset pagination, newest first.
create index generated_images_user_created_idx on generated_images (user_id, created_at desc, id desc);
-- Deleting checks whether other rows still share a content-addressed file.
create index generated_images_image_path_idx on generated_images (image_path);
create index generated_images_thumbnail_path_idx on generated_images (thumbnail_path);
create index generated_images_thumbnail_large_path_idx on generated_images (thumbnail_large_path);
