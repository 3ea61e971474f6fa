//! Easel's engine: everything the server does that is not HTTP or UI.
//!
//! - [`db`]: the Postgres pool and the migrations.
//! - [`accounts`]: users, password hashing, sessions, log-in rate limits.
//! - [`jobs`]: the durable job queue.
//! - [`providers`]: the backends (the built-in engine first).
//! - [`worker`]: claims jobs, runs them, stores their results.
//! - [`hub`]: live progress fan-out, in-process and across instances.
//! - [`imaging`] and [`store`]: pixels, metadata, thumbnails, durable bytes.
//! - [`generation`] and [`images`]: the services the web layer calls.
//! - [`galleries`] and [`access`]: galleries, public pages, share links,
//!   and the one decision of who may read an image.
//! - [`library`]: prompt templates, style presets, wildcards, history.
//!
//! The web layer (`app`'s server functions, `server`'s routes) calls into
//! an [`Engine`], which it gets from its state. Nothing here knows Leptos.

pub mod access;
pub mod accounts;
pub mod db;
pub mod galleries;
pub mod generation;
pub mod hub;
pub mod images;
pub mod imaging;
pub mod jobs;
pub mod library;
pub mod providers;
pub mod store;
pub mod worker;

pub use accounts::{AccountError, Accounts, AuthSettings, ClientMeta, RegistrationPolicy};

use std::sync::Arc;

use sqlx::PgPool;

use crate::galleries::Galleries;
use crate::generation::{Generation, GenerationLimits};
use crate::hub::ProgressHub;
use crate::images::Images;
use crate::jobs::QueueSettings;
use crate::providers::ProviderRegistry;
use crate::store::ImageStore;
use crate::worker::WorkerPool;

/// What the generation side is built from.
#[derive(Debug, Clone)]
pub struct GenerationSetup {
    /// The backends, default first.
    pub providers: ProviderRegistry,
    /// Where image bytes go.
    pub store: Arc<dyn ImageStore>,
    /// Queue timing and retries.
    pub queue: QueueSettings,
    /// Per-user limits.
    pub limits: GenerationLimits,
    /// Where style previews are cached.
    pub preview_cache: std::path::PathBuf,
}

/// The engine's services, cheap to clone: build one at start-up and share it.
#[derive(Clone)]
pub struct Engine {
    /// The database pool.
    pub db: PgPool,
    /// Accounts and sessions.
    pub accounts: Accounts,
    /// Generation: models, submit, cancel, jobs.
    pub generation: Generation,
    /// The user's images.
    pub images: Images,
    /// Galleries, public pages and share links.
    pub galleries: Galleries,
    /// Templates, styles, wildcards and history.
    pub library: crate::library::Library,
    /// Style preview thumbnails.
    pub previews: crate::imaging::previews::StylePreviews,
    /// Live progress.
    pub hub: ProgressHub,
    providers: Arc<ProviderRegistry>,
    queue: QueueSettings,
}

impl std::fmt::Debug for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Engine").finish_non_exhaustive()
    }
}

impl Engine {
    /// Builds the services over a migrated database.
    pub fn new(db: PgPool, auth: AuthSettings, setup: GenerationSetup) -> Self {
        let hub = ProgressHub::new(db.clone());
        let providers = Arc::new(setup.providers);
        Self {
            accounts: Accounts::new(db.clone(), auth),
            generation: Generation::new(
                db.clone(),
                hub.clone(),
                Arc::clone(&providers),
                setup.queue,
                setup.limits,
            ),
            images: Images::new(db.clone(), setup.store),
            galleries: Galleries::new(db.clone()),
            library: crate::library::Library::new(db.clone()),
            previews: crate::imaging::previews::StylePreviews::new(setup.preview_cache.clone()),
            hub,
            providers,
            queue: setup.queue,
            db,
        }
    }

    /// The worker pool for this process's backends (run it with
    /// [`WorkerPool::run`]; `easel serve` does, and `easel worker`).
    pub fn worker_pool(&self) -> WorkerPool {
        WorkerPool::new(
            self.db.clone(),
            self.hub.clone(),
            (*self.providers).clone(),
            Arc::clone(self.images.store()),
            self.queue,
        )
    }
}
