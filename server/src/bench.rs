//! `easel bench`: measurements that print figures. Nothing here asserts a
//! duration; the figures go in notes and READMEs.
//!
//! Every run creates a throwaway database next to Easel's (on the embedded
//! cluster, or the `DATABASE_URL` server) and drops it afterwards.

mod backends;
mod crash;
mod gallery;
mod live;
mod queue;
mod thumbnails;

use std::time::Duration;

use anyhow::Context;
use clap::{Args, ValueEnum};
use sqlx::PgPool;
use sqlx::postgres::PgConnectOptions;

use crate::config::Config;
use crate::database::Database;

/// What `easel bench` measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum BenchKind {
    /// Queue throughput against a plain SKIP LOCKED baseline, and
    /// enqueue-to-claim latency.
    Queue,
    /// Per-generation overhead: submit to image row to websocket event.
    Overhead,
    /// Thumbnails per second from 1024x1024 PNGs.
    Thumbnails,
    /// Progress delivery to many websocket clients.
    Fanout,
    /// Restart safety: kill -9 the server mid-generation, repeatedly.
    Crash,
    /// Every remote connector through the pipeline, against the stand-ins
    /// (needs the `easel-standins` program beside `easel`).
    Backends,
    /// The image grid's pages, searches and filters over 1,000,000 images
    /// (seeds a kept database, `easel_bench_gallery`, on first use).
    Gallery,
    /// All of the above except `crash`, `backends` and `gallery`.
    All,
}

/// `easel bench` options.
#[derive(Debug, Args)]
pub struct BenchArgs {
    /// What to measure.
    #[arg(value_enum, default_value = "all")]
    pub what: Vec<BenchKind>,
    /// No-op jobs per queue run.
    #[arg(long, default_value_t = 100_000)]
    pub jobs: i64,
    /// Generations measured by `overhead`, and jobs by the latency probe.
    #[arg(long, default_value_t = 500)]
    pub samples: usize,
    /// Websocket clients for `fanout`.
    #[arg(long, default_value_t = 1000)]
    pub clients: usize,
    /// Events sent to every client by `fanout`.
    #[arg(long, default_value_t = 50)]
    pub events: usize,
    /// Images for `thumbnails`.
    #[arg(long, default_value_t = 60)]
    pub images: usize,
    /// kill -9 trials for `crash`.
    #[arg(long, default_value_t = 5)]
    pub trials: usize,
    /// Built-in engine jobs queued by `crash`.
    #[arg(long, default_value_t = 24)]
    pub crash_jobs: usize,
    /// Jobs per backend for `backends`.
    #[arg(long, default_value_t = 100)]
    pub backend_jobs: usize,
    /// Refill the `gallery` bench database even when it is already seeded.
    #[arg(long)]
    pub reseed: bool,
    /// Print `EXPLAIN (ANALYZE, BUFFERS)` of each `gallery` query.
    #[arg(long)]
    pub explain: bool,
    /// Timed runs of each `gallery` query.
    #[arg(long, default_value_t = 200)]
    pub runs: usize,
}

/// Runs the chosen benchmarks.
pub async fn run(config: Config, args: BenchArgs) -> anyhow::Result<()> {
    let all = args.what.contains(&BenchKind::All);
    let wants = |kind| all || args.what.contains(&kind);
    if wants(BenchKind::Thumbnails) {
        thumbnails::run(args.images)?;
    }
    if args.what.contains(&BenchKind::Crash) {
        crash::run(&config, args.trials, args.crash_jobs).await?;
    }
    if args.what.contains(&BenchKind::Gallery) {
        let database = Database::open(&config).await?;
        let result = gallery::run(&database, args.reseed, args.explain, args.runs).await;
        database.close().await;
        result?;
    }
    let backends = args.what.contains(&BenchKind::Backends);
    if !(wants(BenchKind::Queue)
        || wants(BenchKind::Overhead)
        || wants(BenchKind::Fanout)
        || backends)
    {
        return Ok(());
    }
    let database = Database::open(&config).await?;
    let scratch = Scratch::create(&database).await;
    let result = match &scratch {
        Ok(scratch) => {
            let mut result = Ok(());
            if wants(BenchKind::Queue) {
                result = result.and(queue::run(&scratch.pool, args.jobs, args.samples).await);
            }
            if result.is_ok() && backends {
                result = backends::run(&scratch.pool, args.backend_jobs).await;
            }
            if result.is_ok() && (wants(BenchKind::Overhead) || wants(BenchKind::Fanout)) {
                result = live::run(
                    &config,
                    &scratch.pool,
                    &args,
                    wants(BenchKind::Overhead),
                    wants(BenchKind::Fanout),
                )
                .await;
            }
            result
        }
        Err(_) => Ok(()),
    };
    if let Ok(scratch) = scratch {
        scratch.drop_database(&database.pool).await;
    } else if let Err(err) = scratch {
        database.close().await;
        return Err(err);
    }
    database.close().await;
    result
}

/// A throwaway database for one bench run.
struct Scratch {
    name: String,
    pool: PgPool,
}

impl Scratch {
    async fn create(database: &Database) -> anyhow::Result<Self> {
        let name = format!("easel_bench_{}", std::process::id());
        sqlx::query(&format!("create database {name}"))
            .execute(&database.pool)
            .await
            .context("creating the bench database")?;
        let options: PgConnectOptions = database.options.clone().database(&name);
        let pool = easel_engine::db::connect(options, 40).await?;
        easel_engine::db::migrate(&pool).await?;
        println!("bench database: {name}");
        Ok(Self { name, pool })
    }

    async fn drop_database(self, admin: &PgPool) {
        self.pool.close().await;
        if let Err(err) = sqlx::query(&format!(
            "drop database if exists {} with (force)",
            self.name
        ))
        .execute(admin)
        .await
        {
            eprintln!("could not drop {}: {err}", self.name);
        }
    }
}

/// p-th percentile (0..=100) of sorted samples.
pub(crate) fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((p / 100.0) * (sorted.len() - 1) as f64).round() as usize;
    sorted[rank.min(sorted.len() - 1)]
}

/// "p50 1.23 ms, p99 4.56 ms, max 7.89 ms (n = 500)".
pub(crate) fn summary(samples: &mut [Duration]) -> String {
    samples.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    format!(
        "p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms (n = {})",
        ms(percentile(samples, 50.0)),
        ms(percentile(samples, 99.0)),
        ms(samples.last().copied().unwrap_or_default()),
        samples.len()
    )
}
