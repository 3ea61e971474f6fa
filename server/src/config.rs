//! The one typed configuration, from flags, environment variables and an
//! optional TOML file, in that order of precedence. `easel --help` lists
//! every setting with its variable.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::Context;
use clap::{Args, ValueEnum};
use serde::Deserialize;

pub mod backends;

/// A string that never shows up in logs or `Debug` output.
#[derive(Clone, Deserialize, PartialEq, Eq)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    /// The secret itself, for the one place that needs it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("[redacted]")
    }
}

impl std::str::FromStr for Secret {
    type Err = std::convert::Infallible;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(Secret(s.to_string()))
    }
}

/// Who may create accounts in the browser.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Registration {
    /// Anyone who can reach the server.
    Open,
    /// Only the first account (the admin); others via `easel user create`.
    Closed,
}

/// How logs are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// Human-readable lines.
    Pretty,
    /// One JSON object per line, for log collectors.
    Json,
}

/// Every setting, as given. Unset ones fall back to the config file, then
/// to the defaults shown.
#[derive(Debug, Default, Args, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    /// Read settings from this TOML file; flags and environment variables
    /// override it.
    #[arg(long, env = "EASEL_CONFIG", value_name = "FILE", global = true)]
    #[serde(skip)]
    pub config: Option<PathBuf>,

    /// Address to serve on. [default: 127.0.0.1:3000]
    #[arg(long, env = "EASEL_BIND", value_name = "ADDR", global = true)]
    pub bind: Option<SocketAddr>,

    /// The URL people use to reach Easel, e.g. https://easel.example.com.
    /// When it is https, cookies are always marked Secure.
    #[arg(long, env = "EASEL_PUBLIC_URL", value_name = "URL", global = true)]
    pub public_url: Option<String>,

    /// Trust X-Forwarded-For and X-Forwarded-Proto from a reverse proxy in
    /// front of Easel. Leave off when clients connect directly: anyone can
    /// send those headers. [default: false]
    #[arg(long, env = "EASEL_TRUST_PROXY", value_name = "BOOL", num_args = 0..=1, default_missing_value = "true", global = true)]
    pub trust_proxy: Option<bool>,

    /// Where Easel keeps its files: the embedded database, images.
    /// [default: ./data]
    #[arg(long, env = "EASEL_DATA_DIR", value_name = "DIR", global = true)]
    pub data_dir: Option<PathBuf>,

    /// Use this PostgreSQL server instead of the embedded one, e.g.
    /// postgres://easel:secret@db.internal/easel.
    #[arg(
        long,
        env = "DATABASE_URL",
        value_name = "URL",
        hide_env_values = true,
        global = true
    )]
    pub database_url: Option<Secret>,

    /// Most database connections to hold open. [default: 10]
    #[arg(
        long,
        env = "EASEL_DATABASE_MAX_CONNECTIONS",
        value_name = "N",
        global = true
    )]
    pub database_max_connections: Option<u32>,

    /// Folder holding the PostgreSQL server programs (initdb, pg_ctl) for
    /// the embedded database. [default: searched on PATH, then
    /// /usr/lib/postgresql/*/bin]
    #[arg(
        long,
        env = "EASEL_POSTGRES_BIN_DIR",
        value_name = "DIR",
        global = true
    )]
    pub postgres_bin_dir: Option<PathBuf>,

    /// Extra postgresql.conf setting for the embedded database, as
    /// name=value (repeat the flag, or separate with commas in the variable).
    #[arg(
        long = "postgres-setting",
        env = "EASEL_POSTGRES_SETTINGS",
        value_name = "NAME=VALUE",
        value_delimiter = ',',
        global = true
    )]
    #[serde(default)]
    pub postgres_settings: Vec<String>,

    /// Folder with the built site (the WebAssembly bundle, CSS, assets).
    /// [default: target/site]
    #[arg(long, env = "EASEL_SITE_ROOT", value_name = "DIR", global = true)]
    pub site_root: Option<PathBuf>,

    /// Who may create accounts in the browser. [default: open]
    #[arg(long, env = "EASEL_REGISTRATION", value_name = "POLICY", global = true)]
    pub registration: Option<Registration>,

    /// Days an unused session stays logged in. [default: 30]
    #[arg(long, env = "EASEL_SESSION_DAYS", value_name = "DAYS", global = true)]
    pub session_days: Option<u32>,

    /// Days an image stays in the trash before it is deleted for good, with
    /// its files. [default: 30]
    #[arg(
        long,
        env = "EASEL_TRASH_RETENTION_DAYS",
        value_name = "DAYS",
        global = true
    )]
    pub trash_retention_days: Option<u32>,

    /// Window, in minutes, over which failed log-ins are counted.
    /// [default: 15]
    #[arg(
        long,
        env = "EASEL_LOGIN_WINDOW_MINUTES",
        value_name = "MINUTES",
        global = true
    )]
    pub login_window_minutes: Option<u32>,

    /// Failed log-ins for one account within the window before it is
    /// locked until they age out. [default: 10]
    #[arg(
        long,
        env = "EASEL_LOGIN_MAX_FAILURES_PER_ACCOUNT",
        value_name = "N",
        global = true
    )]
    pub login_max_failures_per_account: Option<u32>,

    /// Failed log-ins from one address within the window before it is
    /// locked. [default: 50]
    #[arg(
        long,
        env = "EASEL_LOGIN_MAX_FAILURES_PER_ADDRESS",
        value_name = "N",
        global = true
    )]
    pub login_max_failures_per_address: Option<u32>,

    /// Largest request body accepted, in bytes. [default: 2097152]
    #[arg(
        long,
        env = "EASEL_MAX_REQUEST_BYTES",
        value_name = "BYTES",
        global = true
    )]
    pub max_request_bytes: Option<usize>,

    /// Largest image file accepted by an upload (import), in MiB; one
    /// upload may carry up to 20 such files. [default: 50]
    #[arg(
        long,
        env = "EASEL_UPLOAD_MAX_FILE_MB",
        value_name = "MIB",
        global = true
    )]
    pub upload_max_file_mb: Option<u32>,

    /// Log filter, in tracing's EnvFilter syntax; RUST_LOG overrides it.
    /// [default: info,sqlx=warn]
    #[arg(long, env = "EASEL_LOG", value_name = "FILTER", global = true)]
    pub log: Option<String>,

    /// Log format. [default: pretty]
    #[arg(long, env = "EASEL_LOG_FORMAT", value_name = "FORMAT", global = true)]
    pub log_format: Option<LogFormat>,

    /// Seconds to let in-flight requests finish after SIGINT/SIGTERM.
    /// [default: 30]
    #[arg(
        long,
        env = "EASEL_SHUTDOWN_TIMEOUT_SECS",
        value_name = "SECS",
        global = true
    )]
    pub shutdown_timeout_secs: Option<u64>,

    /// Folder for image files (originals and thumbnails).
    /// [default: <data-dir>/images]
    #[arg(long, env = "EASEL_IMAGE_DIR", value_name = "DIR", global = true)]
    pub image_dir: Option<PathBuf>,

    /// Run generation workers in this process. Turn off for a web-only
    /// instance when `easel worker` processes run elsewhere. [default: true]
    #[arg(long, env = "EASEL_WORKERS", value_name = "BOOL", num_args = 0..=1, default_missing_value = "true", global = true)]
    pub workers: Option<bool>,

    /// Built-in engine jobs run at once in this process (each uses one CPU
    /// core). [default: half the cores, at least 1]
    #[arg(
        long,
        env = "EASEL_BUILTIN_CONCURRENCY",
        value_name = "N",
        global = true
    )]
    pub builtin_concurrency: Option<u32>,

    /// Seconds a claimed job's lease lasts without a heartbeat; a job whose
    /// worker died runs again after this. [default: 30]
    #[arg(long, env = "EASEL_JOB_LEASE_SECS", value_name = "SECS", global = true)]
    pub job_lease_secs: Option<u32>,

    /// Tries per job before a retryable failure becomes final. [default: 3]
    #[arg(long, env = "EASEL_JOB_MAX_ATTEMPTS", value_name = "N", global = true)]
    pub job_max_attempts: Option<u32>,

    /// Most queued or running jobs one user may have. [default: 500]
    #[arg(
        long,
        env = "EASEL_MAX_ACTIVE_JOBS_PER_USER",
        value_name = "N",
        global = true
    )]
    pub max_active_jobs_per_user: Option<u32>,

    /// Seconds between checks of every backend (reachability, models).
    /// [default: 60]
    #[arg(
        long,
        env = "EASEL_BACKEND_CHECK_SECS",
        value_name = "SECS",
        global = true
    )]
    pub backend_check_secs: Option<u64>,

    /// OpenAI (`[openai]` in the file).
    #[command(flatten)]
    #[serde(default)]
    pub openai: backends::OpenAiArgs,
    /// Stability AI (`[stability]`).
    #[command(flatten)]
    #[serde(default)]
    pub stability: backends::StabilityArgs,
    /// AUTOMATIC1111 (`[a1111]`).
    #[command(flatten)]
    #[serde(default)]
    pub a1111: backends::A1111Args,
    /// ComfyUI (`[comfyui]`).
    #[command(flatten)]
    #[serde(default)]
    pub comfyui: backends::ComfyUiArgs,
    /// The Midjourney proxy (`[midjourney]`).
    #[command(flatten)]
    #[serde(default)]
    pub midjourney: backends::MidjourneyArgs,
}

/// The resolved configuration.
#[derive(Debug, Clone)]
pub struct Config {
    /// Address to serve on.
    pub bind: SocketAddr,
    /// The public URL, if set.
    pub public_url: Option<String>,
    /// Whether forwarded headers are trusted.
    pub trust_proxy: bool,
    /// The data directory.
    pub data_dir: PathBuf,
    /// An external database, if set (else the embedded one).
    pub database_url: Option<Secret>,
    /// Pool size.
    pub database_max_connections: u32,
    /// Where PostgreSQL's programs are, if given.
    pub postgres_bin_dir: Option<PathBuf>,
    /// Extra postgresql.conf settings.
    pub postgres_settings: Vec<String>,
    /// The built site.
    pub site_root: PathBuf,
    /// Registration policy.
    pub registration: Registration,
    /// Session lifetime.
    pub session_ttl: Duration,
    /// How long trashed images are kept.
    pub trash_retention: Duration,
    /// Log-in limiter window.
    pub login_window: Duration,
    /// Failures per account within the window.
    pub login_max_failures_per_account: u32,
    /// Failures per address within the window.
    pub login_max_failures_per_address: u32,
    /// Largest request body.
    pub max_request_bytes: usize,
    /// Largest uploaded image file, in MiB.
    pub upload_max_file_mb: u32,
    /// Log filter.
    pub log: String,
    /// Log format.
    pub log_format: LogFormat,
    /// Graceful shutdown limit.
    pub shutdown_timeout: Duration,
    /// Where image files go.
    pub image_dir: PathBuf,
    /// Whether this process runs workers.
    pub workers: bool,
    /// Built-in engine concurrency.
    pub builtin_concurrency: u32,
    /// Job lease.
    pub job_lease: Duration,
    /// Tries per job.
    pub job_max_attempts: u32,
    /// Active jobs per user.
    pub max_active_jobs_per_user: u32,
    /// Time between backend checks.
    pub backend_check_interval: Duration,
    /// The remote backends switched on.
    pub backends: backends::Backends,
}

impl Settings {
    /// Reads the config file (if any) and resolves every setting.
    pub fn resolve(self) -> anyhow::Result<Config> {
        let file = match &self.config {
            Some(path) => Self::from_file(path)?,
            None => Settings::default(),
        };
        self.over(file).finish()
    }

    /// Parses a TOML config file; unknown keys are errors.
    pub fn from_file(path: &Path) -> anyhow::Result<Settings> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("reading config file {}", path.display()))?;
        toml::from_str(&text).with_context(|| format!("in config file {}", path.display()))
    }

    /// These settings, with `base` filling the gaps.
    pub fn over(self, base: Settings) -> Settings {
        Settings {
            config: self.config.or(base.config),
            bind: self.bind.or(base.bind),
            public_url: self.public_url.or(base.public_url),
            trust_proxy: self.trust_proxy.or(base.trust_proxy),
            data_dir: self.data_dir.or(base.data_dir),
            database_url: self.database_url.or(base.database_url),
            database_max_connections: self
                .database_max_connections
                .or(base.database_max_connections),
            postgres_bin_dir: self.postgres_bin_dir.or(base.postgres_bin_dir),
            postgres_settings: if self.postgres_settings.is_empty() {
                base.postgres_settings
            } else {
                self.postgres_settings
            },
            site_root: self.site_root.or(base.site_root),
            registration: self.registration.or(base.registration),
            session_days: self.session_days.or(base.session_days),
            trash_retention_days: self.trash_retention_days.or(base.trash_retention_days),
            login_window_minutes: self.login_window_minutes.or(base.login_window_minutes),
            login_max_failures_per_account: self
                .login_max_failures_per_account
                .or(base.login_max_failures_per_account),
            login_max_failures_per_address: self
                .login_max_failures_per_address
                .or(base.login_max_failures_per_address),
            max_request_bytes: self.max_request_bytes.or(base.max_request_bytes),
            upload_max_file_mb: self.upload_max_file_mb.or(base.upload_max_file_mb),
            log: self.log.or(base.log),
            log_format: self.log_format.or(base.log_format),
            shutdown_timeout_secs: self.shutdown_timeout_secs.or(base.shutdown_timeout_secs),
            image_dir: self.image_dir.or(base.image_dir),
            workers: self.workers.or(base.workers),
            builtin_concurrency: self.builtin_concurrency.or(base.builtin_concurrency),
            job_lease_secs: self.job_lease_secs.or(base.job_lease_secs),
            job_max_attempts: self.job_max_attempts.or(base.job_max_attempts),
            max_active_jobs_per_user: self
                .max_active_jobs_per_user
                .or(base.max_active_jobs_per_user),
            backend_check_secs: self.backend_check_secs.or(base.backend_check_secs),
            openai: self.openai.over(base.openai),
            stability: self.stability.over(base.stability),
            a1111: self.a1111.over(base.a1111),
            comfyui: self.comfyui.over(base.comfyui),
            midjourney: self.midjourney.over(base.midjourney),
        }
    }

    /// Applies the defaults and checks the values.
    pub fn finish(self) -> anyhow::Result<Config> {
        let positive = |value: Option<u32>, default: u32, name: &str| -> anyhow::Result<u32> {
            let value = value.unwrap_or(default);
            anyhow::ensure!(value > 0, "{name} must be at least 1");
            Ok(value)
        };
        if let Some(url) = &self.public_url {
            anyhow::ensure!(
                url.starts_with("http://") || url.starts_with("https://"),
                "public_url must start with http:// or https://"
            );
        }
        let max_request_bytes = self.max_request_bytes.unwrap_or(2 * 1024 * 1024);
        anyhow::ensure!(
            max_request_bytes >= 1024,
            "max_request_bytes must be at least 1024"
        );
        let data_dir = self.data_dir.unwrap_or_else(|| PathBuf::from("./data"));
        let backends = backends::BackendArgs {
            openai: self.openai,
            stability: self.stability,
            a1111: self.a1111,
            comfyui: self.comfyui,
            midjourney: self.midjourney,
        }
        .resolve()?;
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get()) as u32;
        Ok(Config {
            image_dir: self.image_dir.unwrap_or_else(|| data_dir.join("images")),
            workers: self.workers.unwrap_or(true),
            builtin_concurrency: positive(
                self.builtin_concurrency,
                (cores / 2).max(1),
                "builtin_concurrency",
            )?,
            job_lease: Duration::from_secs(u64::from(positive(
                self.job_lease_secs,
                30,
                "job_lease_secs",
            )?)),
            job_max_attempts: positive(self.job_max_attempts, 3, "job_max_attempts")?,
            max_active_jobs_per_user: positive(
                self.max_active_jobs_per_user,
                500,
                "max_active_jobs_per_user",
            )?,
            bind: self
                .bind
                .unwrap_or_else(|| SocketAddr::from(([127, 0, 0, 1], 3000))),
            public_url: self
                .public_url
                .map(|url| url.trim_end_matches('/').to_string()),
            trust_proxy: self.trust_proxy.unwrap_or(false),
            data_dir,
            database_url: self.database_url,
            database_max_connections: positive(
                self.database_max_connections,
                10,
                "database_max_connections",
            )?,
            postgres_bin_dir: self.postgres_bin_dir,
            postgres_settings: self.postgres_settings,
            site_root: self
                .site_root
                .unwrap_or_else(|| PathBuf::from("target/site")),
            registration: self.registration.unwrap_or(Registration::Open),
            session_ttl: Duration::from_secs(
                u64::from(positive(self.session_days, 30, "session_days")?) * 86_400,
            ),
            trash_retention: Duration::from_secs(
                u64::from(positive(
                    self.trash_retention_days,
                    30,
                    "trash_retention_days",
                )?) * 86_400,
            ),
            login_window: Duration::from_secs(
                u64::from(positive(
                    self.login_window_minutes,
                    15,
                    "login_window_minutes",
                )?) * 60,
            ),
            login_max_failures_per_account: positive(
                self.login_max_failures_per_account,
                10,
                "login_max_failures_per_account",
            )?,
            login_max_failures_per_address: positive(
                self.login_max_failures_per_address,
                50,
                "login_max_failures_per_address",
            )?,
            max_request_bytes,
            upload_max_file_mb: upload_max_file_mb(self.upload_max_file_mb)?,
            log: self.log.unwrap_or_else(|| "info,sqlx=warn".into()),
            log_format: self.log_format.unwrap_or(LogFormat::Pretty),
            shutdown_timeout: Duration::from_secs(self.shutdown_timeout_secs.unwrap_or(30)),
            backend_check_interval: Duration::from_secs(
                self.backend_check_secs.unwrap_or(60).max(5),
            ),
            backends,
        })
    }
}

/// The per-file upload limit: 1 to 1024 MiB (decoding bounds pixels
/// anyway; bigger files are not images anyone made).
fn upload_max_file_mb(value: Option<u32>) -> anyhow::Result<u32> {
    let value = value.unwrap_or(50);
    anyhow::ensure!(
        (1..=1024).contains(&value),
        "upload_max_file_mb must be between 1 and 1024"
    );
    Ok(value)
}

impl Config {
    /// Whether the public URL is https (so cookies are always Secure).
    pub fn public_https(&self) -> bool {
        self.public_url
            .as_deref()
            .is_some_and(|url| url.starts_with("https://"))
    }
}

#[cfg(test)]
mod tests;
