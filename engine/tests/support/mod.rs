//! Shared helpers for the engine's database tests.

#![allow(dead_code, reason = "each test binary uses a different subset")]

use std::sync::Arc;
use std::time::Duration;

use easel_domain::generation::{GenerationRequest, Seed};
use easel_engine::hub::ProgressHub;
use easel_engine::jobs::QueueSettings;
use easel_engine::jobs::storage::{self, NewJob};
use easel_engine::providers::ProviderRegistry;
use easel_engine::store::LocalStore;
use easel_engine::worker::WorkerPool;
use sqlx::PgPool;
use uuid::Uuid;

/// Inserts a user and returns its id.
pub async fn user(db: &PgPool, name: &str) -> Uuid {
    let id = Uuid::now_v7();
    sqlx::query(
        "insert into users (id, username, username_key, password_hash) values ($1, $2, $2, 'x')",
    )
    .bind(id)
    .bind(name)
    .execute(db)
    .await
    .unwrap();
    id
}

/// A request for `model`.
pub fn request(model: &str, prompt: &str) -> GenerationRequest {
    GenerationRequest {
        model: model.into(),
        prompt: prompt.into(),
        negative_prompt: String::new(),
        width: 256,
        height: 256,
        count: 1,
        seed: Seed::Fixed(42),
        steps: Some(4),
        ..GenerationRequest::default()
    }
}

/// Queues one job for `user` and returns its id.
pub async fn enqueue(db: &PgPool, user: Uuid, request: &GenerationRequest) -> Uuid {
    let job = NewJob {
        id: Uuid::now_v7(),
        user_id: user,
        provider: request.provider().into(),
        model: request.model.clone(),
        request: serde_json::to_value(request).unwrap(),
        priority: 0,
        max_attempts: 3,
    };
    storage::enqueue(db, &job).await.unwrap().id
}

/// A job's status, attempts and error.
pub async fn status(db: &PgPool, job: Uuid) -> (String, i32, Option<String>) {
    sqlx::query_as("select status::text, attempts, error from generation_jobs where id = $1")
        .bind(job)
        .fetch_one(db)
        .await
        .unwrap()
}

/// Settings with short timings for tests.
pub fn quick_settings() -> QueueSettings {
    QueueSettings {
        lease: Duration::from_secs(5),
        heartbeat: Duration::from_millis(200),
        poll_interval: Duration::from_millis(50),
        max_attempts: 3,
        backoff_base: Duration::from_secs(60),
        backoff_max: Duration::from_secs(600),
    }
}

/// A worker pool over `providers`, storing into `dir`.
pub fn pool(
    db: &PgPool,
    hub: &ProgressHub,
    providers: ProviderRegistry,
    dir: &std::path::Path,
) -> WorkerPool {
    WorkerPool::new(
        db.clone(),
        hub.clone(),
        providers,
        Arc::new(LocalStore::new(dir)),
        quick_settings(),
    )
}

/// Waits (up to a generous bound, only as a hang guard) until `job` has
/// left the active states; returns its final status.
pub async fn wait_until_done(db: &PgPool, job: Uuid) -> String {
    for _ in 0..1200 {
        let (status, _, _) = status(db, job).await;
        if status != "queued" && status != "running" {
            return status;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("job {job} did not finish");
}
