//! Polling a task to its end: progress strings become steps out of 100
//! (free text such as "Waiting to start" is read defensively and reports
//! nothing), intermediate images become previews (at most one download per
//! `preview_interval`).

use std::time::Instant;

use super::api::{Api, Task};
use super::{LABEL, MidjourneySettings};
use crate::imaging::{self, DecodeLimits};
use crate::providers::{JobContext, ProviderError};

/// Longest side of a preview sent to the browser.
const PREVIEW_SIDE: u32 = 512;

/// Fetch failures in a row tolerated (transient ones) before giving up.
const TOLERATED_FAILURES: u32 = 3;

/// `"45%"` → 45; `" 7.5 % "` → 7; free text → `None`.
pub fn percent(progress: &str) -> Option<u32> {
    let number = progress.trim().strip_suffix('%')?.trim();
    let value: f64 = number.parse().ok()?;
    value.is_finite().then(|| value.clamp(0.0, 100.0) as u32)
}

/// Whether a failure reason reads as Midjourney's moderation.
fn is_moderation(reason: &str) -> bool {
    let lower = reason.to_lowercase();
    [
        "banned",
        "moderation",
        "moderator",
        "image filter",
        "sensitive",
        "blocked",
        "敏感",
    ]
    .iter()
    .any(|word| lower.contains(word))
}

/// A `FAILURE` task as an error.
pub fn failure(task: &Task) -> ProviderError {
    let reason = task
        .fail_reason
        .as_deref()
        .map(str::trim)
        .filter(|r| !r.is_empty())
        .unwrap_or("no reason given");
    if is_moderation(reason) {
        ProviderError::Refused {
            backend: LABEL.into(),
            message: reason.to_owned(),
        }
    } else {
        ProviderError::Fatal(format!("Midjourney failed the job: {reason}"))
    }
}

/// Polls `task_id` until it succeeds (returned), fails, is cancelled, is
/// forgotten by the proxy, or takes longer than `job_timeout`.
pub async fn wait(
    api: &Api,
    settings: &MidjourneySettings,
    cx: &JobContext,
    task_id: &str,
) -> Result<Task, ProviderError> {
    let deadline = Instant::now() + settings.job_timeout;
    let mut reporter = Reporter::default();
    let mut failures = 0;
    loop {
        let fetched = tokio::select! {
            biased;
            () = cx.cancel.cancelled() => return Err(ProviderError::Cancelled),
            fetched = api.fetch(task_id) => fetched,
        };
        match fetched {
            Ok(Some(task)) => {
                failures = 0;
                match task.status.as_deref() {
                    Some("SUCCESS") => return Ok(task),
                    Some("FAILURE") => return Err(failure(&task)),
                    Some("CANCEL") => return Err(ProviderError::Cancelled),
                    Some("MODAL") => {
                        return Err(ProviderError::Fatal(format!(
                            "{LABEL} is waiting for a remix prompt, which Easel does not send; turn Remix mode off for the proxy's Discord account"
                        )));
                    }
                    _ => reporter.report(api, settings, cx, &task).await,
                }
            }
            Ok(None) => {
                return Err(ProviderError::Fatal(
                    "The Midjourney proxy no longer knows this task (it may have restarted and lost it)".into(),
                ));
            }
            Err(err @ ProviderError::Retryable { .. }) if failures < TOLERATED_FAILURES => {
                failures += 1;
                tracing::debug!(error = %err, "fetching a Midjourney task failed; trying again");
            }
            Err(err) => return Err(err),
        }
        if Instant::now() >= deadline {
            return Err(ProviderError::Fatal(format!(
                "{LABEL} did not finish the task within {} minutes",
                settings.job_timeout.as_secs().div_ceil(60)
            )));
        }
        tokio::select! {
            biased;
            () = cx.cancel.cancelled() => return Err(ProviderError::Cancelled),
            () = tokio::time::sleep(settings.poll_interval) => {}
        }
    }
}

/// What was last reported.
#[derive(Debug, Default)]
struct Reporter {
    step: Option<u32>,
    preview_url: Option<String>,
    preview_at: Option<Instant>,
}

impl Reporter {
    async fn report(
        &mut self,
        api: &Api,
        settings: &MidjourneySettings,
        cx: &JobContext,
        task: &Task,
    ) {
        let step = task.progress.as_deref().and_then(percent);
        let fresh_image = task
            .image_url
            .as_ref()
            .filter(|url| self.preview_url.as_ref() != Some(*url));
        let due = self
            .preview_at
            .is_none_or(|at| at.elapsed() >= settings.preview_interval);
        let mut preview = None;
        if let (Some(url), true) = (fresh_image, due) {
            self.preview_url = Some(url.clone());
            self.preview_at = Some(Instant::now());
            preview = download_preview(api, url).await;
        }
        let step = step.or(self.step);
        if let Some(step) = step
            && (self.step != Some(step) || preview.is_some())
        {
            self.step = Some(step);
            cx.progress.step(step, 100, preview).await;
        }
    }
}

/// An intermediate image as a small JPEG (`None` when it cannot be had).
async fn download_preview(api: &Api, url: &str) -> Option<Vec<u8>> {
    let bytes = match api.download(url).await {
        Ok(bytes) => bytes,
        Err(err) => {
            tracing::debug!(error = %err, "could not download a Midjourney preview");
            return None;
        }
    };
    tokio::task::spawn_blocking(move || {
        let image = imaging::decode(&bytes, &DecodeLimits::default()).ok()?;
        let small = imaging::thumbnail(&image.to_rgb8(), PREVIEW_SIDE);
        imaging::encode_jpeg(&small, 80).ok()
    })
    .await
    .ok()
    .flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn progress_strings_are_read_defensively() {
        assert_eq!(percent("45%"), Some(45));
        assert_eq!(percent(" 7.5 % "), Some(7));
        assert_eq!(percent("100%"), Some(100));
        assert_eq!(percent("250%"), Some(100));
        assert_eq!(percent("Waiting to start"), None);
        assert_eq!(percent("paused"), None);
        assert_eq!(percent(""), None);
        assert_eq!(percent("%"), None);
    }

    #[test]
    fn moderation_failures_are_refusals() {
        let task = |reason: &str| Task {
            fail_reason: Some(reason.into()),
            ..Task::default()
        };
        assert!(matches!(
            failure(&task("Banned prompt detected")),
            ProviderError::Refused { .. }
        ));
        assert!(matches!(
            failure(&task("Request cancelled due to image filters")),
            ProviderError::Refused { .. }
        ));
        assert_eq!(
            failure(&task("Internal Error")),
            ProviderError::Fatal("Midjourney failed the job: Internal Error".into())
        );
    }
}
