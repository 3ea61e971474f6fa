//! Workers on the built-in engine: a worker killed mid-job, cancellation
//! of a running job, and the stored result.

mod support;

use std::sync::Arc;
use std::time::Duration;

use easel_engine::hub::ProgressHub;
use easel_engine::jobs::storage::{self, CancelOutcome};
use easel_engine::providers::builtin::BuiltinProvider;
use easel_engine::providers::{CancelToken, ProviderRegistry};
use easel_engine::store::{ImageStore, LocalStore};
use sqlx::PgPool;
use support::{enqueue, pool, request, status, user, wait_until_done};
use uuid::Uuid;

fn builtin() -> ProviderRegistry {
    ProviderRegistry::new().with(Arc::new(BuiltinProvider::new(1)))
}

/// Waits until the job has reported at least one step.
async fn wait_for_progress(db: &PgPool, job: Uuid) {
    for _ in 0..1200 {
        let step: i32 =
            sqlx::query_scalar("select progress_step from generation_jobs where id = $1")
                .bind(job)
                .fetch_one(db)
                .await
                .unwrap();
        if step > 0 {
            return;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("job {job} never progressed");
}

#[sqlx::test(migrations = "../migrations")]
async fn a_job_whose_worker_died_runs_again_and_is_stored_once(db: PgPool) {
    let dir = tempfile::tempdir().unwrap();
    let alice = user(&db, "alice").await;
    let mut slow = request(
        "builtin:easel-sketch",
        "a castle on a hill under a purple sky",
    );
    slow.width = 1024;
    slow.height = 1024;
    slow.steps = Some(150);
    let job = enqueue(&db, alice, &slow).await;

    // The first worker runs in its own runtime, which is then torn down
    // mid-job: its tasks vanish without a word, as in `kill -9`.
    let doomed = {
        // Its own pool: connections belong to the runtime that opened them.
        let options = (*db.connect_options()).clone();
        let dir = dir.path().to_path_buf();
        std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(1)
                .enable_all()
                .build()
                .unwrap();
            let (tx, rx) = std::sync::mpsc::channel();
            runtime.spawn(async move {
                let db = PgPool::connect_with(options).await.unwrap();
                let hub = ProgressHub::new(db.clone());
                let workers = pool(&db, &hub, builtin(), &dir);
                let _ = tx.send(());
                workers.run(CancelToken::new()).await;
            });
            rx.recv().unwrap();
            runtime
        })
        .join()
        .unwrap()
    };
    wait_for_progress(&db, job).await;
    assert_eq!(status(&db, job).await.0, "running");
    doomed.shutdown_background();

    // Its lease runs out (time passes).
    sqlx::query(
        "update generation_jobs set lease_expires_at = now() - interval '1 second' where id = $1",
    )
    .bind(job)
    .execute(&db)
    .await
    .unwrap();
    let hub = ProgressHub::new(db.clone());
    let shutdown = CancelToken::new();
    let survivor = tokio::spawn(pool(&db, &hub, builtin(), dir.path()).run(shutdown.clone()));
    assert_eq!(wait_until_done(&db, job).await, "succeeded");
    shutdown.cancel();
    survivor.await.unwrap();

    let (_, attempts, _) = status(&db, job).await;
    assert_eq!(attempts, 2, "ran again after the first worker died");
    let keys: Vec<String> =
        sqlx::query_scalar("select image_path from generated_images where job_id = $1")
            .bind(job)
            .fetch_all(&db)
            .await
            .unwrap();
    assert_eq!(keys.len(), 1, "stored exactly once");
    let bytes = LocalStore::new(dir.path()).get(&keys[0]).await.unwrap();
    let image = image::load_from_memory(&bytes).unwrap();
    assert_eq!((image.width(), image.height()), (1024, 1024));
}

#[sqlx::test(migrations = "../migrations")]
async fn cancelling_a_running_job_stops_its_worker(db: PgPool) {
    let dir = tempfile::tempdir().unwrap();
    let alice = user(&db, "alice").await;
    let mut slow = request("builtin:easel-sketch", "a city at night with many lights");
    slow.width = 1024;
    slow.height = 1024;
    slow.steps = Some(150);
    let job = enqueue(&db, alice, &slow).await;
    let hub = ProgressHub::new(db.clone());
    let shutdown = CancelToken::new();
    let workers = tokio::spawn(pool(&db, &hub, builtin(), dir.path()).run(shutdown.clone()));
    wait_for_progress(&db, job).await;
    assert_eq!(
        storage::cancel(&db, hub.instance(), alice, job)
            .await
            .unwrap(),
        CancelOutcome::Requested
    );
    hub.request_cancel(job);
    assert_eq!(wait_until_done(&db, job).await, "cancelled");
    let images: i64 = sqlx::query_scalar("select count(*) from generated_images")
        .fetch_one(&db)
        .await
        .unwrap();
    assert_eq!(images, 0);
    shutdown.cancel();
    workers.await.unwrap();
}

#[sqlx::test(migrations = "../migrations")]
async fn shutting_down_hands_running_jobs_back_without_using_an_attempt(db: PgPool) {
    let dir = tempfile::tempdir().unwrap();
    let alice = user(&db, "alice").await;
    let mut slow = request("builtin:easel-sketch", "a lighthouse in fog");
    slow.width = 1024;
    slow.height = 1024;
    slow.steps = Some(150);
    let job = enqueue(&db, alice, &slow).await;
    let hub = ProgressHub::new(db.clone());
    let shutdown = CancelToken::new();
    let workers = tokio::spawn(pool(&db, &hub, builtin(), dir.path()).run(shutdown.clone()));
    wait_for_progress(&db, job).await;
    shutdown.cancel();
    workers.await.unwrap();
    assert_eq!(status(&db, job).await, ("queued".into(), 0, None));
}
