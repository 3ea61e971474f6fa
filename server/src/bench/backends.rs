//! The remote connectors through the whole pipeline, against the same
//! stand-ins the tests use (started as the `easel-standins` program next
//! to this one, so the stand-ins never link into the server): jobs per
//! second, and per-job time from claim to stored image, for each backend.

use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use easel_domain::generation::{GenerationRequest, Seed};
use easel_engine::hub::ProgressHub;
use easel_engine::jobs::QueueSettings;
use easel_engine::jobs::storage::{self, NewJob};
use easel_engine::providers::a1111::{A1111Provider, A1111Settings};
use easel_engine::providers::comfyui::{ComfyUiProvider, ComfyUiSettings};
use easel_engine::providers::http::{ApiKey, RemoteSettings};
use easel_engine::providers::midjourney::{MidjourneyProvider, MidjourneySettings};
use easel_engine::providers::openai::{OpenAiProvider, OpenAiSettings};
use easel_engine::providers::stability::{StabilityProvider, StabilitySettings};
use easel_engine::providers::{CancelToken, Provider, ProviderRegistry};
use easel_engine::store::LocalStore;
use easel_engine::worker::WorkerPool;
use sqlx::PgPool;
use uuid::Uuid;

use super::queue::bench_user;
use super::summary;

/// The stand-ins' first port for the bench (away from the defaults).
const BASE_PORT: u16 = 47_810;
/// Jobs each backend runs at once in the bench.
const CONCURRENCY: usize = 4;

/// The running `easel-standins`; killed on drop.
struct StandIns(Child);

impl Drop for StandIns {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn start_standins() -> anyhow::Result<StandIns> {
    let exe = std::env::current_exe()?;
    let program: PathBuf = exe.with_file_name("easel-standins");
    anyhow::ensure!(
        program.exists(),
        "{} is missing: build it with `cargo build --release -p easel-standins`",
        program.display()
    );
    let port = |i: u16| (BASE_PORT + i).to_string();
    let child = Command::new(&program)
        .args(["--openai-port", &port(0), "--stability-port", &port(1)])
        .args(["--a1111-port", &port(2), "--comfyui-port", &port(3)])
        .args(["--midjourney-port", &port(4), "--step-millis", "1"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .with_context(|| format!("starting {}", program.display()))?;
    let standins = StandIns(child);
    for i in 0..5 {
        let addr = format!("127.0.0.1:{}", BASE_PORT + i);
        let deadline = Instant::now() + Duration::from_secs(10);
        while TcpStream::connect(&addr).is_err() {
            anyhow::ensure!(
                Instant::now() < deadline,
                "the stand-in on {addr} did not start"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
    Ok(standins)
}

fn remote(port_offset: u16, path: &str, key: Option<&str>) -> RemoteSettings {
    let mut remote = RemoteSettings::new(format!(
        "http://127.0.0.1:{}{path}",
        BASE_PORT + port_offset
    ));
    remote.api_key = key.map(ApiKey::new);
    remote.concurrency = CONCURRENCY;
    remote
}

/// Each backend with the request the bench sends it.
fn backends() -> Vec<(Arc<dyn Provider>, GenerationRequest)> {
    let request = |model: &str, width, height, steps| GenerationRequest {
        model: model.into(),
        prompt: "a lighthouse on a cliff at dusk".into(),
        width,
        height,
        count: 1,
        seed: Seed::Fixed(7),
        steps,
        ..GenerationRequest::default()
    };
    let openai = OpenAiSettings {
        remote: remote(0, "/v1", Some("sk-standin")),
        ..OpenAiSettings::default()
    };
    let stability = StabilitySettings {
        remote: remote(1, "", Some("sk-standin")),
        ..StabilitySettings::default()
    };
    let mut a1111 = A1111Settings::new(remote(2, "", None).base_url);
    a1111.remote = remote(2, "", None);
    a1111.poll_interval = Duration::from_millis(50);
    let mut comfyui = ComfyUiSettings::new(remote(3, "", None).base_url);
    comfyui.remote = remote(3, "", None);
    let mut midjourney = MidjourneySettings::new(remote(4, "", None).base_url);
    midjourney.remote = remote(4, "", Some("mj-standin"));
    midjourney.poll_interval = Duration::from_millis(50);
    vec![
        (
            Arc::new(OpenAiProvider::new(openai)),
            request("openai:dall-e-3", 1024, 1024, None),
        ),
        (
            Arc::new(StabilityProvider::new(stability)),
            request("stability:core", 1024, 1024, None),
        ),
        (
            Arc::new(A1111Provider::new(a1111)),
            request("a1111:v1-5-pruned-emaonly", 512, 512, Some(8)),
        ),
        (
            Arc::new(ComfyUiProvider::new(comfyui)),
            request("comfyui:sd_xl_base_1.0.safetensors", 512, 512, Some(8)),
        ),
        (
            Arc::new(MidjourneyProvider::new(midjourney)),
            request("midjourney:v6", 1024, 1024, None),
        ),
    ]
}

pub(super) async fn run(db: &PgPool, jobs: usize) -> anyhow::Result<()> {
    let _standins = start_standins()?;
    let user = bench_user(db, "backends-bench").await?;
    println!(
        "backends: {jobs} jobs per backend through queue, connector, imaging and store ({CONCURRENCY} at once)"
    );
    for (provider, request) in backends() {
        provider.probe().await;
        let id = provider.id().to_owned();
        let images = tempfile::tempdir()?;
        for _ in 0..jobs {
            let job = NewJob {
                id: Uuid::now_v7(),
                user_id: user,
                provider: id.clone(),
                model: request.model.clone(),
                request: serde_json::to_value(&request)?,
                priority: 0,
                max_attempts: 1,
            };
            storage::enqueue(db, &job).await?;
        }
        let hub = ProgressHub::new(db.clone());
        let registry = ProviderRegistry::new().with(Arc::clone(&provider));
        let pool = WorkerPool::new(
            db.clone(),
            hub,
            registry,
            Arc::new(LocalStore::new(images.path())),
            QueueSettings::default(),
        );
        let shutdown = CancelToken::new();
        let start = Instant::now();
        let workers = tokio::spawn(pool.run(shutdown.clone()));
        super::queue::wait_for_drain(db, &id).await?;
        let elapsed = start.elapsed();
        shutdown.cancel();
        workers.await?;
        let rows: Vec<(String, f64)> = sqlx::query_as(
            "select status::text, extract(epoch from finished_at - started_at)::float8 \
             from generation_jobs where provider = $1",
        )
        .bind(&id)
        .fetch_all(db)
        .await?;
        let succeeded = rows.iter().filter(|(s, _)| s == "succeeded").count();
        let mut times: Vec<Duration> = rows
            .iter()
            .map(|(_, secs)| Duration::from_secs_f64(secs.max(0.0)))
            .collect();
        println!(
            "  {:<11} {succeeded}/{jobs} succeeded, {:.1} jobs/s; claim → image stored: {}",
            id,
            jobs as f64 / elapsed.as_secs_f64(),
            summary(&mut times)
        );
    }
    Ok(())
}
