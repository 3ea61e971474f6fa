//! The stand-in's state: `shared.state` (the running job, as `/progress`
//! reports it), `shared.opts` (the options), the global queue lock, and
//! what tests inspect.

use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Instant;

use serde_json::{Map, Value};
use tokio::sync::watch;

use super::Options;
use super::catalog::{self, Checkpoint};
use crate::common::Common;

/// A1111's `shared.state`: what the running job is doing.
#[derive(Debug, Clone)]
pub struct JobState {
    /// `scripts_txt2img`, `scripts_img2img`, `extras` or empty when idle.
    pub job: String,
    /// Iterations in the job (`n_iter`); 0 when idle.
    pub job_count: i64,
    /// The iteration running, from 0.
    pub job_no: i64,
    /// When the job began, `%Y%m%d%H%M%S`.
    pub job_timestamp: String,
    /// Steps done in this iteration.
    pub sampling_step: i64,
    /// Steps per iteration.
    pub sampling_steps: i64,
    /// `/skip` was called for this iteration.
    pub skipped: bool,
    /// `/interrupt` was called.
    pub interrupted: bool,
    /// The running task's id.
    pub current_task: Option<String>,
    /// The last live preview, a base64 PNG.
    pub current_image: Option<String>,
    /// When the job began (for `eta_relative`).
    pub time_start: Instant,
}

impl Default for JobState {
    fn default() -> Self {
        Self {
            job: String::new(),
            job_count: 0,
            job_no: 0,
            job_timestamp: "0".into(),
            sampling_step: 0,
            sampling_steps: 0,
            skipped: false,
            interrupted: false,
            current_task: None,
            current_image: None,
            time_start: Instant::now(),
        }
    }
}

impl JobState {
    /// `shared.state.dict()`.
    pub fn dict(&self) -> Value {
        serde_json::json!({
            "skipped": self.skipped,
            "interrupted": self.interrupted,
            "stopping_generation": false,
            "job": self.job,
            "job_count": self.job_count,
            "job_timestamp": self.job_timestamp,
            "job_no": self.job_no,
            "sampling_step": self.sampling_step,
            "sampling_steps": self.sampling_steps,
        })
    }
}

/// What tests look at afterwards.
#[derive(Debug, Default)]
pub struct Record {
    /// `(path, body)` of every JSON body received on a POST route.
    pub bodies: Vec<(String, Value)>,
    /// The current task at each interrupt.
    pub interrupted: Vec<Option<String>>,
    /// Skips received.
    pub skips: usize,
}

/// Everything the handlers share.
#[derive(Debug)]
pub struct Shared {
    /// Faults, the request log, the kill signal.
    pub common: Common,
    /// How it was started.
    pub settings: Options,
    /// `shared.opts`.
    options: Mutex<Map<String, Value>>,
    /// The global lock generations queue on (tokio's mutex is fair: FIFO).
    pub queue: tokio::sync::Mutex<()>,
    job: Mutex<JobState>,
    record: Mutex<Record>,
    /// Bumped by every `/progress` read, interrupt and skip (for
    /// [`Options::step_on_poll`]).
    pub pokes: watch::Sender<u64>,
}

impl Shared {
    /// Fresh state, with the first checkpoint loaded.
    pub fn new(common: Common, settings: Options) -> Self {
        let options = catalog::default_options(&settings);
        Self {
            common,
            settings,
            options: Mutex::new(options),
            queue: tokio::sync::Mutex::new(()),
            job: Mutex::new(JobState::default()),
            record: Mutex::new(Record::default()),
            pokes: watch::channel(0).0,
        }
    }

    /// The running job's state.
    pub fn job(&self) -> MutexGuard<'_, JobState> {
        self.job.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The test record.
    pub fn record(&self) -> MutexGuard<'_, Record> {
        self.record.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The options.
    pub fn options(&self) -> MutexGuard<'_, Map<String, Value>> {
        self.options.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Notes a body received on `path`.
    pub fn record_body(&self, path: &str, body: &Value) {
        self.record().bodies.push((path.to_owned(), body.clone()));
    }

    /// Wakes a sampling loop waiting for a poll.
    pub fn poke(&self) {
        self.pokes.send_modify(|n| *n += 1);
    }

    /// The checkpoint `name` (title, model name, file name or hash) names.
    pub fn checkpoint(&self, name: &str) -> Option<Checkpoint> {
        self.settings
            .checkpoints
            .iter()
            .find(|c| c.matches(name))
            .cloned()
    }

    /// The loaded checkpoint.
    pub fn current_checkpoint(&self) -> Checkpoint {
        let title = self
            .options()
            .get("sd_model_checkpoint")
            .and_then(Value::as_str)
            .map(str::to_owned)
            .unwrap_or_default();
        self.checkpoint(&title)
            .or_else(|| self.settings.checkpoints.first().cloned())
            .unwrap_or_else(catalog::fallback_checkpoint)
    }

    /// Loads `checkpoint` (what `sd_model_checkpoint` changes do).
    pub fn load_checkpoint(&self, checkpoint: &Checkpoint) {
        let mut options = self.options();
        options.insert(
            "sd_model_checkpoint".into(),
            checkpoint.title.clone().into(),
        );
        options.insert(
            "sd_checkpoint_hash".into(),
            checkpoint.sha256.clone().into(),
        );
    }

    /// A boolean option.
    pub fn option_bool(&self, key: &str) -> bool {
        self.options()
            .get(key)
            .and_then(Value::as_bool)
            .unwrap_or(false)
    }

    /// An integer option.
    pub fn option_int(&self, key: &str) -> Option<i64> {
        self.options().get(key).and_then(Value::as_i64)
    }
}
