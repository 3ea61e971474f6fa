//! Queue throughput: drain no-op jobs with Easel's workers (batched claims,
//! group commits), then with a plain one-row-per-transaction SKIP LOCKED
//! loop on the same table, in the same run. Then the enqueue-to-claim
//! latency of single jobs arriving at an idle worker.

use std::sync::Arc;
use std::time::{Duration, Instant};

use easel_domain::generation::{GenerationRequest, Seed};
use easel_engine::hub::ProgressHub;
use easel_engine::jobs::QueueSettings;
use easel_engine::jobs::storage::{self, NewJob};
use easel_engine::providers::instant::InstantProvider;
use easel_engine::providers::{CancelToken, ProviderRegistry};
use easel_engine::store::LocalStore;
use easel_engine::worker::WorkerPool;
use sqlx::PgPool;
use uuid::Uuid;

/// Baseline workers (connections).
const BASELINE_WORKERS: usize = 8;

pub(super) async fn run(db: &PgPool, jobs: i64, samples: usize) -> anyhow::Result<()> {
    let user = bench_user(db, "queue-bench").await?;
    let request = serde_json::to_value(noop_request())?;
    let images = tempfile::tempdir()?;
    println!("queue: draining {jobs} no-op jobs");

    storage::enqueue_many(db, user, "instant", "instant:noop", &request, jobs).await?;
    sqlx::query("vacuum analyze generation_jobs")
        .execute(db)
        .await?;
    let hub = ProgressHub::new(db.clone());
    let listener = tokio::spawn(hub.clone().listen());
    let providers = ProviderRegistry::new().with(Arc::new(InstantProvider::new(256)));
    let pool = WorkerPool::new(
        db.clone(),
        hub.clone(),
        providers,
        Arc::new(LocalStore::new(images.path())),
        QueueSettings::default(),
    );
    let shutdown = CancelToken::new();
    let start = Instant::now();
    let workers = tokio::spawn(pool.run(shutdown.clone()));
    wait_for_drain(db, "instant").await?;
    let ours = start.elapsed();

    storage::enqueue_many(db, user, "baseline", "baseline:noop", &request, jobs).await?;
    sqlx::query("vacuum analyze generation_jobs")
        .execute(db)
        .await?;
    let start = Instant::now();
    let mut baseline = tokio::task::JoinSet::new();
    for _ in 0..BASELINE_WORKERS {
        let db = db.clone();
        baseline.spawn(async move { plain_worker(&db).await });
    }
    while let Some(done) = baseline.join_next().await {
        done??;
    }
    let plain = start.elapsed();

    let rate = |elapsed: Duration| jobs as f64 / elapsed.as_secs_f64();
    println!(
        "  easel workers:  {:>9.0} jobs/s ({:.2} s; batched claim, group commit, 256 slots)",
        rate(ours),
        ours.as_secs_f64()
    );
    println!(
        "  plain baseline: {:>9.0} jobs/s ({:.2} s; 1 job per transaction, {BASELINE_WORKERS} connections)",
        rate(plain),
        plain.as_secs_f64()
    );
    println!(
        "  ratio:          {:>9.2}x",
        plain.as_secs_f64() / ours.as_secs_f64()
    );

    let mut latencies = latency_probe(db, &hub, user, samples).await?;
    println!(
        "  enqueue -> claim latency: {}",
        super::summary(&mut latencies)
    );
    shutdown.cancel();
    let _ = workers.await;
    listener.abort();
    Ok(())
}

fn noop_request() -> GenerationRequest {
    GenerationRequest {
        model: "instant:noop".into(),
        prompt: "bench".into(),
        negative_prompt: String::new(),
        width: 64,
        height: 64,
        count: 1,
        seed: Seed::Fixed(1),
        steps: None,
        ..GenerationRequest::default()
    }
}

pub(super) async fn bench_user(db: &PgPool, name: &str) -> anyhow::Result<Uuid> {
    let id = Uuid::now_v7();
    sqlx::query(
        "insert into users (id, username, username_key, password_hash) values ($1, $2, $2, 'bench')",
    )
    .bind(id)
    .bind(name)
    .execute(db)
    .await?;
    Ok(id)
}

pub(super) async fn wait_for_drain(db: &PgPool, provider: &str) -> anyhow::Result<()> {
    loop {
        let active: i64 = sqlx::query_scalar(
            "select count(*) from generation_jobs where provider = $1 and status in ('queued', 'running')",
        )
        .bind(provider)
        .fetch_one(db)
        .await?;
        if active == 0 {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// The textbook queue worker: one transaction per job, claim and finish.
async fn plain_worker(db: &PgPool) -> anyhow::Result<()> {
    loop {
        let mut tx = db.begin().await?;
        let id: Option<Uuid> = sqlx::query_scalar(
            r#"select id from generation_jobs
               where status = 'queued' and provider = 'baseline' and run_at <= now()
               order by priority desc, fair_rank, id
               limit 1 for update skip locked"#,
        )
        .fetch_optional(&mut *tx)
        .await?;
        let Some(id) = id else {
            tx.commit().await?;
            return Ok(());
        };
        sqlx::query(
            "update generation_jobs set status = 'succeeded', attempts = attempts + 1, finished_at = now(), updated_at = now() where id = $1",
        )
        .bind(id)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
    }
}

/// Queues single jobs at an idle worker, one at a time, and reads how long
/// each waited from the database's own clock.
async fn latency_probe(
    db: &PgPool,
    hub: &ProgressHub,
    user: Uuid,
    samples: usize,
) -> anyhow::Result<Vec<Duration>> {
    let request = serde_json::to_value(noop_request())?;
    let mut ids = Vec::with_capacity(samples);
    for _ in 0..samples {
        let job = NewJob {
            id: Uuid::now_v7(),
            user_id: user,
            provider: "instant".into(),
            model: "instant:noop".into(),
            request: request.clone(),
            priority: 0,
            max_attempts: 3,
        };
        storage::enqueue(db, &job).await?;
        hub.wake("instant");
        ids.push(job.id);
        wait_for_drain(db, "instant").await?;
    }
    let waits: Vec<f64> = sqlx::query_scalar(
        "select extract(epoch from started_at - created_at)::float8 from generation_jobs where id = any($1)",
    )
    .bind(&ids)
    .fetch_all(db)
    .await?;
    Ok(waits
        .into_iter()
        .map(|secs| Duration::from_secs_f64(secs.max(0.0)))
        .collect())
}
