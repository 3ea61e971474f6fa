//! Following a queued prompt to its end: the websocket's events (progress
//! with previews in either framing) while it is open, polling history and
//! the queue when it is not, a periodic history check as a safety net, all
//! bounded by the job timeout and cut short by cancellation.

use std::time::Duration;

use serde_json::Value;
use tokio::time::{Instant, sleep, sleep_until};

use super::api::Queued;
use super::errors::{self, LOST};
use super::images;
use super::socket::{Event, Socket};
use super::{ComfyUiProvider, LABEL};
use crate::providers::{CancelReason, JobContext, ProviderError};

/// How long polling rides out a backend that does not answer.
const OUTAGE_GRACE: Duration = Duration::from_secs(30);

/// A step to report: `(step, total)` and maybe a preview.
type Report = ((u32, u32), Option<Vec<u8>>);

/// Turns `progress` messages and preview frames into steps. A legacy
/// preview follows its `progress`, a type-4 one precedes it: a step waits
/// for the next frame to see whether a preview belongs to it. Steps of
/// successive nodes (a second sampler, upscale tiles) add up.
#[derive(Debug, Default)]
struct Tracker {
    offset: u32,
    current: Option<(String, u32)>,
    pending: Option<(u32, u32)>,
    preview: Option<Vec<u8>>,
}

impl Tracker {
    fn flush(&mut self) -> Option<Report> {
        self.pending.take().map(|step| (step, None))
    }

    fn progress(&mut self, node: String, value: u32, max: u32) -> Vec<Report> {
        let mut out: Vec<Report> = self.flush().into_iter().collect();
        if let Some((current, current_max)) = &self.current
            && *current != node
        {
            self.offset += current_max;
        }
        self.current = Some((node, max));
        let step = (self.offset + value.min(max), self.offset + max);
        match self.preview.take() {
            Some(jpeg) => out.push((step, Some(jpeg))),
            None => self.pending = Some(step),
        }
        out
    }

    fn preview(&mut self, jpeg: Option<Vec<u8>>) -> Option<Report> {
        match (self.pending.take(), jpeg) {
            (Some(step), jpeg) => Some((step, jpeg)),
            (None, jpeg) => {
                self.preview = jpeg;
                None
            }
        }
    }
}

enum Wake {
    Cancelled,
    TimedOut,
    Check,
    Frame(Option<Result<Event, super::socket::SocketError>>),
}

/// Waits for one prompt.
pub(super) struct Waiter<'a> {
    provider: &'a ComfyUiProvider,
    cx: &'a JobContext,
    prompt_id: &'a str,
    socket: Option<Socket>,
    tracker: Tracker,
    /// Our prompt is executing: legacy previews (which name no prompt)
    /// are ours from then on.
    active: bool,
}

impl<'a> Waiter<'a> {
    /// A waiter for `prompt_id`, on `socket` when there is one.
    pub fn new(
        provider: &'a ComfyUiProvider,
        cx: &'a JobContext,
        prompt_id: &'a str,
        socket: Option<Socket>,
    ) -> Self {
        Self {
            provider,
            cx,
            prompt_id,
            socket,
            tracker: Tracker::default(),
            active: false,
        }
    }

    /// Waits until the prompt ends; returns its history entry.
    pub async fn wait(mut self) -> Result<Value, ProviderError> {
        let settings = &self.provider.settings;
        let deadline = Instant::now() + settings.job_timeout;
        let every = settings.watchdog_interval.max(Duration::from_millis(10));
        let mut watchdog = tokio::time::interval_at(Instant::now() + every, every);
        let mut outage: Option<Instant> = None;
        loop {
            let wake = match self.socket.as_mut() {
                Some(socket) => tokio::select! {
                    biased;
                    () = self.cx.cancel.cancelled() => Wake::Cancelled,
                    () = sleep_until(deadline) => Wake::TimedOut,
                    frame = socket.next() => Wake::Frame(frame),
                    _ = watchdog.tick() => Wake::Check,
                },
                None => tokio::select! {
                    biased;
                    () = self.cx.cancel.cancelled() => Wake::Cancelled,
                    () = sleep_until(deadline) => Wake::TimedOut,
                    () = sleep(settings.poll_interval) => Wake::Check,
                },
            };
            let done = match wake {
                Wake::Cancelled => return Err(self.cancelled().await),
                Wake::TimedOut => return Err(self.timed_out()),
                Wake::Check => self.poll(&mut outage).await?,
                Wake::Frame(Some(Ok(event))) => self.on_event(event).await?,
                Wake::Frame(Some(Err(err))) => self.lost_socket(&err.to_string()).await,
                Wake::Frame(None) => self.lost_socket("closed by the server").await,
            };
            if let Some(entry) = done {
                return Ok(entry);
            }
        }
    }

    /// [`Self::check`], riding out a short outage (ComfyUI restarting, a
    /// proxy hiccup) before giving up.
    async fn poll(&self, outage: &mut Option<Instant>) -> Result<Option<Value>, ProviderError> {
        match self.check().await {
            Err(ProviderError::Retryable { .. })
                if outage.is_none_or(|since| since.elapsed() < OUTAGE_GRACE) =>
            {
                outage.get_or_insert_with(Instant::now);
                Ok(None)
            }
            other => {
                *outage = None;
                other
            }
        }
    }

    async fn lost_socket(&mut self, why: &str) -> Option<Value> {
        tracing::warn!(
            prompt_id = self.prompt_id,
            why,
            "the ComfyUI websocket dropped; polling history instead"
        );
        self.socket = None;
        self.flush().await;
        None
    }

    fn ours(&self, prompt_id: &Option<String>) -> bool {
        prompt_id.as_deref().is_none_or(|id| id == self.prompt_id)
    }

    fn previews_ours(&self, prompt_id: &Option<String>) -> bool {
        match prompt_id {
            Some(id) => id == self.prompt_id,
            None => self.active,
        }
    }

    async fn flush(&mut self) {
        let pending = self.tracker.flush();
        self.report(pending).await;
    }

    async fn report(&self, report: Option<Report>) {
        if let Some(((step, total), jpeg)) = report {
            self.cx.progress.step(step, total, jpeg).await;
        }
    }

    async fn on_event(&mut self, event: Event) -> Result<Option<Value>, ProviderError> {
        if let Event::Executing {
            prompt_id,
            node: Some(_),
        }
        | Event::Progress { prompt_id, .. } = &event
            && self.ours(prompt_id)
        {
            self.active = true;
        }
        match event {
            Event::Progress {
                prompt_id,
                node,
                value,
                max,
            } if self.ours(&prompt_id) => {
                for report in self.tracker.progress(node, value, max) {
                    self.report(Some(report)).await;
                }
            }
            Event::Preview { prompt_id, image } if self.previews_ours(&prompt_id) => {
                let jpeg = images::preview_jpeg(image).await;
                let report = self.tracker.preview(jpeg);
                self.report(report).await;
            }
            Event::Executing {
                prompt_id,
                node: None,
            } if self.ours(&prompt_id) => {
                self.flush().await;
                return self.finished().await.map(Some);
            }
            Event::Error {
                prompt_id: Some(id),
                data,
            } if id == self.prompt_id => {
                return Err(errors::execution_failed(&data));
            }
            Event::Interrupted {
                prompt_id: Some(id),
                data,
            } if id == self.prompt_id => {
                return Err(errors::interrupted(&data));
            }
            _ => self.flush().await,
        }
        Ok(None)
    }

    /// The history entry of a prompt the socket said is done (written
    /// before `executing null` is sent; polled briefly for older servers).
    async fn finished(&mut self) -> Result<Value, ProviderError> {
        for _ in 0..50 {
            if let Some(entry) = self.check().await? {
                return Ok(entry);
            }
            sleep(Duration::from_millis(100)).await;
        }
        Err(ProviderError::retryable(format!(
            "{LABEL} said the job finished but has no record of it yet"
        )))
    }

    /// History, else the queue: `Some(entry)` when done, `None` while
    /// queued or running, an error when ComfyUI no longer knows it.
    async fn check(&self) -> Result<Option<Value>, ProviderError> {
        let api = &self.provider.api;
        if let Some(entry) = api.history(self.prompt_id).await? {
            return Ok(Some(entry));
        }
        if api.queued(self.prompt_id).await? != Queued::Absent {
            return Ok(None);
        }
        // It may have finished between the two reads.
        match api.history(self.prompt_id).await? {
            Some(entry) => Ok(Some(entry)),
            None => Err(ProviderError::Fatal(LOST.into())),
        }
    }

    async fn cancelled(&self) -> ProviderError {
        if self.cx.cancel.reason() == Some(CancelReason::User) {
            super::run::stop_remote(self.provider, self.prompt_id).await;
        }
        ProviderError::Cancelled
    }

    fn timed_out(&self) -> ProviderError {
        let timeout = self.provider.settings.job_timeout;
        let secs = timeout.as_secs();
        let within = match secs {
            120.. => format!("{} minutes", secs / 60),
            1.. => format!("{secs} s"),
            0 => format!("{} ms", timeout.as_millis()),
        };
        ProviderError::retryable(format!("{LABEL} did not finish the job within {within}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn previews_attach_to_their_step_in_both_framings() {
        let mut legacy = Tracker::default();
        assert!(legacy.progress("3".into(), 1, 4).is_empty());
        assert_eq!(legacy.preview(Some(vec![1])), Some(((1, 4), Some(vec![1]))));
        let mut meta = Tracker::default();
        assert_eq!(meta.preview(Some(vec![2])), None);
        assert_eq!(
            meta.progress("3".into(), 1, 4),
            vec![((1, 4), Some(vec![2]))]
        );
        let mut none = Tracker::default();
        assert!(none.progress("3".into(), 1, 2).is_empty());
        assert_eq!(none.progress("3".into(), 2, 2), vec![((1, 2), None)]);
        assert_eq!(none.flush(), Some(((2, 2), None)));
    }

    #[test]
    fn steps_of_successive_nodes_add_up() {
        let mut tracker = Tracker::default();
        tracker.progress("3".into(), 4, 4);
        let reports = tracker.progress("21".into(), 1, 2);
        assert_eq!(reports, vec![((4, 4), None)]);
        assert_eq!(tracker.flush(), Some(((5, 6), None)));
    }
}
