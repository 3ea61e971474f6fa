//! The proxy's memory: tasks, their grids, the files its "CDN" serves, the
//! slots of the Discord account, and what tests inspect.

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock, PoisonError};

use image::RgbImage;
use serde_json::Value;
use tokio::sync::{Semaphore, watch};

use super::task::Task;
use super::{Options, webhook};
use crate::common::Common;

/// What tests look at.
#[derive(Debug, Default)]
pub struct Record {
    /// `(path, body)` of every JSON body received on a submit route.
    pub bodies: Vec<(String, Value)>,
    /// `(task id, progress)` of every task `fetch` returned.
    pub served: Vec<(String, Option<String>)>,
    /// Task ids cancelled through the cancel route.
    pub cancels: Vec<String>,
}

/// Everything the handlers and task drivers share.
#[derive(Debug)]
pub struct Shared {
    /// Faults, the request log, the kill signal.
    pub common: Common,
    /// How it was started.
    pub settings: Options,
    /// `http://<addr>`, for image URLs (known once bound).
    pub public_url: OnceLock<String>,
    tasks: Mutex<HashMap<String, Task>>,
    grids: Mutex<HashMap<String, RgbImage>>,
    files: Mutex<HashMap<String, Vec<u8>>>,
    /// The account's concurrent job slots.
    pub slots: Arc<Semaphore>,
    /// Tasks waiting for a slot.
    pub waiting: AtomicUsize,
    counter: AtomicU64,
    forced: Mutex<VecDeque<(i64, String)>>,
    record: Mutex<Record>,
    /// Bumped on every fetch and list (for `Options::step_on_poll`).
    pub polls: watch::Sender<u64>,
    hooks: webhook::Hooks,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Shared {
    /// An empty proxy.
    pub fn new(common: Common, settings: Options) -> Self {
        Self {
            common,
            slots: Arc::new(Semaphore::new(settings.max_concurrent.max(1))),
            settings,
            public_url: OnceLock::new(),
            tasks: Mutex::new(HashMap::new()),
            grids: Mutex::new(HashMap::new()),
            files: Mutex::new(HashMap::new()),
            waiting: AtomicUsize::new(0),
            counter: AtomicU64::new(0),
            forced: Mutex::new(VecDeque::new()),
            record: Mutex::new(Record::default()),
            polls: watch::channel(0).0,
            hooks: webhook::Hooks::default(),
        }
    }

    /// A fresh 16-digit task id.
    pub fn next_id(&self) -> String {
        let n = self.counter.fetch_add(1, Ordering::SeqCst) % 1000;
        format!("{}{n:03}", chrono::Utc::now().timestamp_millis())
    }

    /// The test record.
    pub fn record(&self) -> MutexGuard<'_, Record> {
        lock(&self.record)
    }

    /// A task, by id.
    pub fn task(&self, id: &str) -> Option<Task> {
        lock(&self.tasks).get(id).cloned()
    }

    /// Every task.
    pub fn tasks(&self) -> Vec<Task> {
        lock(&self.tasks).values().cloned().collect()
    }

    /// Stores a new task (and starts its webhook, if it has one).
    pub fn insert(&self, task: Task) {
        let hook = task
            .notify_hook
            .clone()
            .or_else(|| self.settings.notify_hook.clone());
        if let Some(hook) = hook {
            self.hooks.open(&task.id, hook);
        }
        let json = task.json(self.settings.flavour);
        let id = task.id.clone();
        lock(&self.tasks).insert(id.clone(), task);
        self.hooks.send(&id, json);
    }

    /// Changes a task; `None` when it is unknown (forgotten). Every change
    /// goes to its webhook.
    pub fn update(&self, id: &str, change: impl FnOnce(&mut Task)) -> Option<Task> {
        let task = {
            let mut tasks = lock(&self.tasks);
            let task = tasks.get_mut(id)?;
            change(task);
            task.clone()
        };
        self.hooks.send(id, task.json(self.settings.flavour));
        Some(task)
    }

    /// Forgets every task, grid and file (a restart of a proxy that keeps
    /// tasks in memory, as novicezk's does by default).
    pub fn forget(&self) {
        lock(&self.tasks).clear();
        lock(&self.grids).clear();
        lock(&self.files).clear();
    }

    /// A finished task's grid.
    pub fn grid(&self, id: &str) -> Option<RgbImage> {
        lock(&self.grids).get(id).cloned()
    }

    /// Keeps a task's grid.
    pub fn keep_grid(&self, id: &str, grid: RgbImage) {
        lock(&self.grids).insert(id.to_owned(), grid);
    }

    /// Publishes a file on the CDN; returns its URL.
    pub fn publish(&self, name: String, bytes: Vec<u8>) -> String {
        let base = self.public_url.get().cloned().unwrap_or_default();
        let url = format!("{base}/_cdn/{name}");
        lock(&self.files).insert(name, bytes);
        url
    }

    /// A CDN file.
    pub fn file(&self, name: &str) -> Option<Vec<u8>> {
        lock(&self.files).get(name).cloned()
    }

    /// Forces the result code of the next submit.
    pub fn force_code(&self, code: i64, description: String) {
        lock(&self.forced).push_back((code, description));
    }

    /// The forced code for this submit, if any.
    pub fn take_forced(&self) -> Option<(i64, String)> {
        lock(&self.forced).pop_front()
    }

    /// Notes a fetch or list (wakes drivers in step-on-poll mode).
    pub fn polled(&self) {
        self.polls.send_modify(|n| *n += 1);
    }
}
