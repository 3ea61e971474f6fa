//! The `easel` binary's library: configuration, the database, the router,
//! serving with graceful shutdown, and the subcommands. `main.rs` only
//! parses the command line and calls in here; the tests build the same
//! router.

pub mod backends;
pub mod bench;
pub mod cli;
pub mod commands;
pub mod config;
pub mod database;
pub mod router;
pub mod serve;
pub mod telemetry;

use easel_app::ssr::{AppState, SecureCookies, WebSettings};
use std::sync::Arc;
use std::time::Duration;

use easel_engine::generation::GenerationLimits;
use easel_engine::jobs::QueueSettings;
use easel_engine::store::LocalStore;
use easel_engine::{AuthSettings, Engine, GenerationSetup, RegistrationPolicy};
use leptos::config::LeptosOptions;
use sqlx::PgPool;

use crate::config::{Config, Registration};

/// The compile-time name of the browser bundle (`/pkg/<name>.wasm`),
/// which cargo-leptos sets and `.cargo/config.toml` pins for plain cargo.
const OUTPUT_NAME: &str = match option_env!("LEPTOS_OUTPUT_NAME") {
    Some(name) => name,
    None => "easel",
};

/// Builds the shared state over an open pool.
pub fn app_state(config: &Config, pool: PgPool) -> AppState {
    app_state_with(config, pool, generation_setup(config))
}

/// Builds the shared state with the given backends and store (benchmarks
/// and tests add the instant provider).
pub fn app_state_with(config: &Config, pool: PgPool, setup: GenerationSetup) -> AppState {
    let auth = AuthSettings {
        session_ttl: config.session_ttl,
        login_window: config.login_window,
        max_failures_per_account: config.login_max_failures_per_account,
        max_failures_per_address: config.login_max_failures_per_address,
        registration: match config.registration {
            Registration::Open => RegistrationPolicy::Open,
            Registration::Closed => RegistrationPolicy::Closed,
        },
    };
    let leptos_options = LeptosOptions::builder()
        .output_name(OUTPUT_NAME)
        .site_root(config.site_root.to_string_lossy().into_owned())
        .site_pkg_dir("pkg")
        .site_addr(config.bind)
        .build();
    AppState {
        leptos_options,
        engine: Engine::new(pool, auth, setup),
        web: WebSettings {
            secure_cookies: if config.public_https() {
                SecureCookies::Always
            } else {
                SecureCookies::Auto
            },
            trust_proxy: config.trust_proxy,
            max_request_bytes: config.max_request_bytes,
            max_upload_file_bytes: config.upload_max_file_mb as usize * 1024 * 1024,
            public_url: config.public_url.clone(),
        },
    }
}

/// The backends, store and queue settings of a configuration.
pub fn generation_setup(config: &Config) -> GenerationSetup {
    let providers = backends::registry(config);
    GenerationSetup {
        providers,
        store: Arc::new(LocalStore::new(config.image_dir.clone())),
        queue: QueueSettings {
            lease: config.job_lease,
            heartbeat: (config.job_lease / 3).max(Duration::from_millis(100)),
            max_attempts: config.job_max_attempts,
            ..QueueSettings::default()
        },
        limits: GenerationLimits {
            max_active_jobs: config.max_active_jobs_per_user,
        },
        preview_cache: config.data_dir.join("cache").join("style-previews"),
    }
}
