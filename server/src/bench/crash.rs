//! Restart safety: run `easel serve` as a child process, queue jobs on the
//! built-in engine, `kill -9` the server mid-generation again and again,
//! then let a final server finish. Every job must end succeeded (with all
//! its images, each file present) or failed with a reason: none stuck,
//! none duplicated, no image lost.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::Context;
use easel_domain::generation::{GenerationRequest, Seed};
use easel_engine::jobs::storage::{self, NewJob};
use easel_engine::store::{ImageStore, LocalStore};
use sqlx::PgPool;
use uuid::Uuid;

use crate::config::Config;
use crate::database::Database;

pub(super) async fn run(config: &Config, trials: usize, jobs: usize) -> anyhow::Result<()> {
    let data = tempfile::Builder::new()
        .prefix("easel-crash-")
        .tempdir_in(std::env::temp_dir())?;
    set_mode(data.path())?;
    let mut config = config.clone();
    config.data_dir = data.path().to_path_buf();
    config.database_url = None;
    config.image_dir = data.path().join("images");
    let port = free_port()?;
    let mut server = spawn(&config, port)?;
    wait_ready(port).await?;
    let database = Database::open(&config).await?;
    let db = database.pool.clone();
    let user = super::queue::bench_user(&db, "crash-bench").await?;
    let ids = enqueue(&db, user, jobs).await?;
    println!("restart safety: {jobs} jobs (2 images each), {trials} kill -9 trials");
    let mut done = 0;
    for trial in 1..=trials {
        // Kill once more jobs have finished since the last kill, while
        // another is mid-generation: every kill lands between a commit
        // and the next.
        let target = (done + 1).min(jobs as i64 - 1);
        while finished(&db).await? < target {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        wait_for_running_progress(&db).await?;
        done = finished(&db).await?;
        server.kill().context("kill -9")?; // SIGKILL
        let _ = server.wait();
        println!(
            "  trial {trial}: killed the server mid-generation ({done} of {jobs} jobs finished)"
        );
        server = spawn(&config, port)?;
        wait_ready(port).await?;
    }
    let start = Instant::now();
    while finished(&db).await? < jobs as i64 {
        anyhow::ensure!(
            start.elapsed() < Duration::from_secs(1800),
            "jobs did not finish"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let report = verify(&db, &config.image_dir, &ids).await?;
    let _ = nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(server.id() as i32),
        nix::sys::signal::Signal::SIGTERM,
    );
    let _ = server.wait();
    database.close().await;
    println!(
        "  result: {} succeeded, {} failed with a reason, {} lost, {} duplicated, {} stuck; {} retries in all",
        report.succeeded,
        report.failed,
        report.lost,
        report.duplicated,
        report.stuck,
        report.retries
    );
    Ok(())
}

fn set_mode(path: &Path) -> anyhow::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755))?;
    Ok(())
}

fn free_port() -> anyhow::Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port())
}

fn spawn(config: &Config, port: u16) -> anyhow::Result<Child> {
    Command::new(std::env::current_exe()?)
        .arg("serve")
        .arg("--data-dir")
        .arg(&config.data_dir)
        .arg("--bind")
        .arg(format!("127.0.0.1:{port}"))
        .args(["--job-lease-secs", "3", "--log", "warn"])
        .env_remove("DATABASE_URL")
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .context("starting easel serve")
}

async fn wait_ready(port: u16) -> anyhow::Result<()> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    for _ in 0..600 {
        if let Ok(mut stream) = tokio::net::TcpStream::connect(("127.0.0.1", port)).await {
            let _ = stream.write_all(b"GET /readyz HTTP/1.0\r\n\r\n").await;
            let mut reply = Vec::new();
            let _ = stream.read_to_end(&mut reply).await;
            if reply.starts_with(b"HTTP/1.0 200") || reply.starts_with(b"HTTP/1.1 200") {
                return Ok(());
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    anyhow::bail!("the server did not become ready")
}

async fn enqueue(db: &PgPool, user: Uuid, jobs: usize) -> anyhow::Result<Vec<Uuid>> {
    let mut ids = Vec::with_capacity(jobs);
    for i in 0..jobs {
        let request = GenerationRequest {
            model: "builtin:easel-sketch".into(),
            prompt: format!("job {i}: a red house by a lake under a starry night sky"),
            negative_prompt: String::new(),
            width: 1536,
            height: 1536,
            count: 2,
            seed: Seed::Fixed(i as i64),
            steps: Some(120),
            ..GenerationRequest::default()
        };
        let job = NewJob {
            id: Uuid::now_v7(),
            user_id: user,
            provider: "builtin".into(),
            model: request.model.clone(),
            request: serde_json::to_value(&request)?,
            priority: 0,
            max_attempts: 10,
        };
        storage::enqueue(db, &job).await?;
        ids.push(job.id);
    }
    Ok(ids)
}

async fn finished(db: &PgPool) -> anyhow::Result<i64> {
    Ok(sqlx::query_scalar(
        "select count(*) from generation_jobs where status not in ('queued', 'running')",
    )
    .fetch_one(db)
    .await?)
}

async fn wait_for_running_progress(db: &PgPool) -> anyhow::Result<()> {
    for _ in 0..3000 {
        let busy: bool = sqlx::query_scalar(
            "select exists(select 1 from generation_jobs where status = 'running' and progress_step > 3)",
        )
        .fetch_one(db)
        .await?;
        if busy {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    anyhow::bail!("no job got under way")
}

#[derive(Debug, Default)]
struct Report {
    succeeded: usize,
    failed: usize,
    lost: usize,
    duplicated: usize,
    stuck: usize,
    retries: i64,
}

async fn verify(db: &PgPool, image_dir: &Path, ids: &[Uuid]) -> anyhow::Result<Report> {
    let store = LocalStore::new(image_dir);
    let mut report = Report::default();
    for id in ids {
        let (status, error, attempts): (String, Option<String>, i32) = sqlx::query_as(
            "select status::text, error, attempts from generation_jobs where id = $1",
        )
        .bind(id)
        .fetch_one(db)
        .await?;
        report.retries += i64::from(attempts.max(1) - 1);
        let keys: Vec<(String, String, String)> = sqlx::query_as(
            "select image_path, thumbnail_path, thumbnail_large_path from generated_images where job_id = $1",
        )
        .bind(id)
        .fetch_all(db)
        .await?;
        match status.as_str() {
            "succeeded" => {
                let mut present = 0;
                for (a, b, c) in &keys {
                    let mut all = true;
                    for key in [a, b, c] {
                        all &= store.get(key).await.is_ok();
                    }
                    present += usize::from(all);
                }
                if keys.len() > 2 {
                    report.duplicated += 1;
                } else if present < 2 {
                    report.lost += 1;
                } else {
                    report.succeeded += 1;
                }
            }
            "failed" if error.as_deref().is_some_and(|e| !e.is_empty()) => report.failed += 1,
            "queued" | "running" => report.stuck += 1,
            _ => report.lost += 1,
        }
    }
    Ok(report)
}
