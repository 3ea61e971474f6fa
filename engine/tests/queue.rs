//! Queue semantics against a real Postgres: exclusive claims, leases,
//! backoff, fatal errors, cancellation and fair share. The queue is
//! drained on demand; no test sleeps or measures time.

mod support;

use std::collections::HashSet;
use std::time::Duration;

use easel_domain::generation::JobStatus;
use easel_engine::jobs::storage::{self, CancelOutcome, Completion};
use sqlx::PgPool;
use support::{enqueue, request, status, user};
use uuid::Uuid;

const LEASE: Duration = Duration::from_secs(30);

async fn claim(db: &PgPool, limit: i64) -> Vec<easel_engine::jobs::ClaimedJob> {
    storage::claim(db, "instant", "test-worker", Uuid::nil(), limit, LEASE)
        .await
        .unwrap()
}

#[sqlx::test(migrations = "../migrations")]
async fn concurrent_workers_never_claim_the_same_job(db: PgPool) {
    let alice = user(&db, "alice").await;
    for _ in 0..120 {
        enqueue(&db, alice, &request("instant:noop", "p")).await;
    }
    let mut workers = tokio::task::JoinSet::new();
    for _ in 0..6 {
        let db = db.clone();
        workers.spawn(async move {
            let mut mine = Vec::new();
            loop {
                let jobs = claim(&db, 4).await;
                if jobs.is_empty() {
                    return mine;
                }
                mine.extend(jobs.into_iter().map(|job| job.id));
            }
        });
    }
    let mut seen = HashSet::new();
    let mut total = 0;
    while let Some(claimed) = workers.join_next().await {
        for id in claimed.unwrap() {
            total += 1;
            assert!(seen.insert(id), "job {id} was claimed twice");
        }
    }
    assert_eq!(total, 120);
    let running: i64 = sqlx::query_scalar(
        "select count(*) from generation_jobs where status = 'running' and attempts = 1",
    )
    .fetch_one(&db)
    .await
    .unwrap();
    assert_eq!(running, 120);
}

#[sqlx::test(migrations = "../migrations")]
async fn an_expired_lease_is_claimed_again_and_the_old_claim_is_void(db: PgPool) {
    let alice = user(&db, "alice").await;
    let job = enqueue(&db, alice, &request("instant:noop", "p")).await;
    let first = claim(&db, 1).await.remove(0);
    assert!(
        claim(&db, 1).await.is_empty(),
        "a leased job is not claimable"
    );
    assert!(
        storage::reap_expired(&db, Uuid::nil())
            .await
            .unwrap()
            .is_empty(),
        "the lease is still live"
    );

    // The worker dies: its lease runs out.
    sqlx::query(
        "update generation_jobs set lease_expires_at = now() - interval '1 second' where id = $1",
    )
    .bind(job)
    .execute(&db)
    .await
    .unwrap();
    let reaped = storage::reap_expired(&db, Uuid::nil()).await.unwrap();
    assert_eq!(reaped.len(), 1);
    assert_eq!(reaped[0].status, JobStatus::Queued);
    let second = claim(&db, 1).await.remove(0);
    assert_eq!((second.id, second.attempt), (job, 2));
    assert!(second.seq > first.seq);

    // The dead worker's late completion changes nothing.
    let stale = Completion {
        job_id: job,
        lease_token: first.lease_token,
        images: vec![],
    };
    assert!(
        storage::complete(&db, Uuid::nil(), &[stale])
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(status(&db, job).await.0, "running");
    let fresh = Completion {
        job_id: job,
        lease_token: second.lease_token,
        images: vec![],
    };
    assert_eq!(
        storage::complete(&db, Uuid::nil(), &[fresh])
            .await
            .unwrap()
            .len(),
        1
    );
    assert_eq!(status(&db, job).await.0, "succeeded");
}

#[sqlx::test(migrations = "../migrations")]
async fn retryable_failures_back_off_then_fail_after_the_last_attempt(db: PgPool) {
    let alice = user(&db, "alice").await;
    let job = enqueue(&db, alice, &request("instant:noop", "p")).await;
    for attempt in 1..=3 {
        let claimed = claim(&db, 1).await.remove(0);
        assert_eq!(claimed.attempt, attempt);
        let event = storage::fail(
            &db,
            Uuid::nil(),
            job,
            claimed.lease_token,
            "The backend is busy (429).",
            Some(Duration::from_secs(120)),
        )
        .await
        .unwrap()
        .unwrap();
        if attempt < 3 {
            assert_eq!(event.status, JobStatus::Queued);
            // Backing off: not claimable until run_at.
            assert!(claim(&db, 1).await.is_empty());
            let wait: f64 = sqlx::query_scalar("select extract(epoch from run_at - now())::float8 from generation_jobs where id = $1")
                .bind(job)
                .fetch_one(&db)
                .await
                .unwrap();
            assert!(wait > 100.0, "run_at is about two minutes out, got {wait}s");
            sqlx::query("update generation_jobs set run_at = now() where id = $1")
                .bind(job)
                .execute(&db)
                .await
                .unwrap();
        } else {
            assert_eq!(event.status, JobStatus::Failed);
        }
    }
    let (state, attempts, error) = status(&db, job).await;
    assert_eq!((state.as_str(), attempts), ("failed", 3));
    assert_eq!(error.as_deref(), Some("The backend is busy (429)."));
}

#[sqlx::test(migrations = "../migrations")]
async fn a_fatal_error_fails_at_once_with_its_message(db: PgPool) {
    let alice = user(&db, "alice").await;
    let job = enqueue(&db, alice, &request("instant:noop", "p")).await;
    let claimed = claim(&db, 1).await.remove(0);
    let event = storage::fail(
        &db,
        Uuid::nil(),
        job,
        claimed.lease_token,
        "Refused by the content policy.",
        None,
    )
    .await
    .unwrap()
    .unwrap();
    assert_eq!(event.status, JobStatus::Failed);
    assert_eq!(
        status(&db, job).await,
        (
            "failed".into(),
            1,
            Some("Refused by the content policy.".into())
        )
    );
    assert!(claim(&db, 1).await.is_empty());
}

#[sqlx::test(migrations = "../migrations")]
async fn cancel_stops_queued_jobs_at_once_and_flags_running_ones(db: PgPool) {
    let alice = user(&db, "alice").await;
    let mallory = user(&db, "mallory").await;
    let queued = enqueue(&db, alice, &request("instant:noop", "a")).await;
    assert_eq!(
        storage::cancel(&db, Uuid::nil(), mallory, queued)
            .await
            .unwrap(),
        CancelOutcome::NotActive
    );
    assert!(matches!(
        storage::cancel(&db, Uuid::nil(), alice, queued)
            .await
            .unwrap(),
        CancelOutcome::Cancelled(_)
    ));
    assert_eq!(status(&db, queued).await.0, "cancelled");

    let running = enqueue(&db, alice, &request("instant:noop", "b")).await;
    let claimed = claim(&db, 1).await.remove(0);
    assert_eq!(claimed.id, running);
    assert_eq!(
        storage::cancel(&db, Uuid::nil(), alice, running)
            .await
            .unwrap(),
        CancelOutcome::Requested
    );
    let beats = storage::heartbeat(&db, &[(running, claimed.lease_token)], LEASE)
        .await
        .unwrap();
    assert_eq!(
        beats,
        vec![(running, true)],
        "the heartbeat tells the worker to stop"
    );
    let ended = storage::mark_cancelled(&db, Uuid::nil(), running, claimed.lease_token)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(ended.status, JobStatus::Cancelled);
    assert_eq!(
        storage::cancel(&db, Uuid::nil(), alice, running)
            .await
            .unwrap(),
        CancelOutcome::NotActive
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn a_big_batch_does_not_starve_another_users_single_image(db: PgPool) {
    let alice = user(&db, "alice").await;
    let bob = user(&db, "bob").await;
    for _ in 0..50 {
        enqueue(&db, alice, &request("instant:noop", "alice")).await;
    }
    // Alice's batch is under way.
    for _ in 0..3 {
        claim(&db, 1).await;
    }
    let bobs = enqueue(&db, bob, &request("instant:noop", "bob")).await;
    let next: Vec<Uuid> = [claim(&db, 1).await, claim(&db, 1).await]
        .into_iter()
        .flatten()
        .map(|job| job.id)
        .collect();
    assert!(
        next.contains(&bobs),
        "bob's job runs within the next two claims, not after 47 of alice's"
    );

    // Two users with many jobs each alternate.
    let carol = user(&db, "carol").await;
    for _ in 0..5 {
        enqueue(&db, carol, &request("instant:noop", "carol")).await;
    }
    let owners: Vec<Uuid> = claim(&db, 10)
        .await
        .into_iter()
        .map(|job| job.user_id)
        .collect();
    let carols = owners.iter().filter(|owner| **owner == carol).count();
    assert!(
        carols >= 4,
        "carol gets about half of the next ten claims: {owners:?}"
    );
}
