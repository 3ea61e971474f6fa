//! Remote backends through the whole pipeline (queue, workers, imaging,
//! store, Postgres), against their stand-ins: a ComfyUI job lands in the
//! gallery, a refusal fails the job with the backend's reason, a rate limit
//! sends it back to the queue, and cancelling a running job interrupts it
//! on the backend (while a shutdown leaves it running for re-attach).

mod support;

use std::sync::Arc;
use std::time::Duration;

use easel_domain::generation::GenerationRequest;
use easel_engine::hub::ProgressHub;
use easel_engine::jobs::storage::{self, CancelOutcome};
use easel_engine::providers::comfyui::{ComfyUiProvider, ComfyUiSettings};
use easel_engine::providers::http::{ApiKey, RemoteSettings};
use easel_engine::providers::openai::{OpenAiProvider, OpenAiSettings};
use easel_engine::providers::{CancelToken, ProviderRegistry};
use easel_engine::store::{ImageStore, LocalStore};
use easel_standins::common::Fault;
use easel_standins::{comfyui, openai};
use sqlx::PgPool;
use support::{enqueue, pool, request, status, user, wait_until_done};
use uuid::Uuid;

async fn comfy() -> (comfyui::ComfyUiStandIn, ProviderRegistry) {
    let standin = comfyui::ComfyUiStandIn::start(comfyui::Options {
        step: Duration::from_millis(15),
        preview_method: Some("auto".into()),
        ..comfyui::Options::default()
    })
    .await
    .unwrap();
    let mut settings = ComfyUiSettings::new(standin.base_url());
    settings.remote.timeout = Duration::from_secs(20);
    let provider = Arc::new(ComfyUiProvider::new(settings));
    let registry = ProviderRegistry::new().with(provider);
    registry.probe_all().await;
    (standin, registry)
}

async fn openai() -> (openai::OpenAiStandIn, ProviderRegistry) {
    let standin = openai::OpenAiStandIn::start(openai::Options::default())
        .await
        .unwrap();
    let mut remote = RemoteSettings::new(standin.base_url());
    remote.api_key = Some(ApiKey::new(openai::STANDIN_KEY));
    let settings = OpenAiSettings {
        remote,
        ..OpenAiSettings::default()
    };
    let registry = ProviderRegistry::new().with(Arc::new(OpenAiProvider::new(settings)));
    (standin, registry)
}

fn comfy_request(prompt: &str, steps: u32) -> GenerationRequest {
    GenerationRequest {
        width: 256,
        height: 256,
        steps: Some(steps),
        ..request("comfyui:sd_xl_base_1.0.safetensors", prompt)
    }
}

fn dalle_request(prompt: &str) -> GenerationRequest {
    GenerationRequest {
        width: 1024,
        height: 1024,
        steps: None,
        ..request("openai:dall-e-3", prompt)
    }
}

/// Waits until `job` runs its `attempt`-th try and has saved a remote
/// handle (so the backend has it).
async fn wait_until_submitted(db: &PgPool, job: Uuid, attempt: i32) {
    for _ in 0..1500 {
        let (state, attempts, handle): (String, i32, bool) = sqlx::query_as(
            "select status::text, attempts, remote_handle is not null from generation_jobs where id = $1",
        )
        .bind(job)
        .fetch_one(db)
        .await
        .unwrap();
        if state == "running" && attempts == attempt && handle {
            return;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("job {job} never reached try {attempt} on the backend");
}

#[sqlx::test(migrations = "../migrations")]
async fn a_comfyui_job_lands_in_the_gallery_with_its_metadata(db: PgPool) {
    let dir = tempfile::tempdir().unwrap();
    let (standin, registry) = comfy().await;
    let alice = user(&db, "alice").await;
    let job = enqueue(
        &db,
        alice,
        &comfy_request("a (blue:1.2) lake under pines", 6),
    )
    .await;
    let hub = ProgressHub::new(db.clone());
    let shutdown = CancelToken::new();
    let workers = tokio::spawn(pool(&db, &hub, registry, dir.path()).run(shutdown.clone()));
    assert_eq!(wait_until_done(&db, job).await, "succeeded");
    shutdown.cancel();
    workers.await.unwrap();

    let (key, metadata, model): (String, serde_json::Value, String) = sqlx::query_as(
        "select image_path, metadata, model from generated_images where job_id = $1",
    )
    .bind(job)
    .fetch_one(&db)
    .await
    .unwrap();
    assert_eq!(model, "comfyui:sd_xl_base_1.0.safetensors");
    assert!(
        metadata.pointer("/provider/prompt_id").is_some(),
        "{metadata}"
    );
    let bytes = LocalStore::new(dir.path()).get(&key).await.unwrap();
    let image = image::load_from_memory(&bytes).unwrap();
    assert_eq!((image.width(), image.height()), (256, 256));
    // The graph ComfyUI ran had the prompt, weights and all.
    let graph = standin.prompts_received().pop().unwrap();
    assert!(
        graph.to_string().contains("a (blue:1.2) lake under pines"),
        "{graph}"
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn a_refused_prompt_fails_its_job_and_a_rate_limit_queues_it_again(db: PgPool) {
    let dir = tempfile::tempdir().unwrap();
    let (standin, registry) = openai().await;
    let alice = user(&db, "alice").await;
    let refused = enqueue(&db, alice, &dalle_request("something forbidden")).await;
    let hub = ProgressHub::new(db.clone());
    let shutdown = CancelToken::new();
    let workers = tokio::spawn(pool(&db, &hub, registry, dir.path()).run(shutdown.clone()));
    assert_eq!(wait_until_done(&db, refused).await, "failed");
    let (_, attempts, error) = status(&db, refused).await;
    assert_eq!(attempts, 1, "refusals are not retried");
    let error = error.unwrap_or_default();
    assert!(
        error.starts_with("Refused by OpenAI's safety system"),
        "{error}"
    );

    standin.faults().inject(Fault::RateLimited {
        retry_after_secs: 120,
    });
    let limited = enqueue(&db, alice, &dalle_request("a quiet harbour")).await;
    let mut waited = 0;
    loop {
        let (state, attempts, error) = status(&db, limited).await;
        if state == "queued" && attempts == 1 {
            let error = error.unwrap_or_default();
            assert!(error.contains("rate-limiting"), "{error}");
            break;
        }
        waited += 1;
        assert!(waited < 1000, "the job was never sent back to the queue");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    // It waits at least as long as the backend asked.
    let delay: f64 = sqlx::query_scalar(
        "select extract(epoch from run_at - now())::float8 from generation_jobs where id = $1",
    )
    .bind(limited)
    .fetch_one(&db)
    .await
    .unwrap();
    assert!(delay > 100.0, "retry in {delay} s");
    shutdown.cancel();
    workers.await.unwrap();
}

#[sqlx::test(migrations = "../migrations")]
async fn cancelling_interrupts_the_backend_but_a_shutdown_does_not(db: PgPool) {
    let dir = tempfile::tempdir().unwrap();
    let (standin, registry) = comfy().await;
    let alice = user(&db, "alice").await;
    let hub = ProgressHub::new(db.clone());

    // A shutdown mid-job hands the job back without interrupting ComfyUI.
    standin.pause_sampling(true);
    let released = enqueue(&db, alice, &comfy_request("a slow harbour at dusk", 40)).await;
    let shutdown = CancelToken::new();
    let workers = tokio::spawn(pool(&db, &hub, registry.clone(), dir.path()).run(shutdown.clone()));
    wait_until_submitted(&db, released, 1).await;
    shutdown.cancel();
    workers.await.unwrap();
    assert_eq!(status(&db, released).await.0, "queued");
    assert!(
        standin.interrupts().is_empty(),
        "a shutdown must not interrupt"
    );
    let first_prompt = standin.running_prompt().expect("still running on ComfyUI");

    // The next worker re-attaches to the same prompt; the owner cancels it.
    let shutdown = CancelToken::new();
    let workers = tokio::spawn(pool(&db, &hub, registry, dir.path()).run(shutdown.clone()));
    wait_until_submitted(&db, released, 1).await;
    assert_eq!(
        storage::cancel(&db, hub.instance(), alice, released)
            .await
            .unwrap(),
        CancelOutcome::Requested
    );
    hub.request_cancel(released);
    assert_eq!(wait_until_done(&db, released).await, "cancelled");
    for _ in 0..500 {
        if !standin.interrupts().is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(standin.interrupts(), vec![Some(first_prompt)]);
    assert_eq!(
        standin.prompts_received().len(),
        1,
        "re-attached, never resubmitted"
    );
    shutdown.cancel();
    workers.await.unwrap();
}
