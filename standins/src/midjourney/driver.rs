//! Runs one task through its states, one `Options::step` apart:
//!
//! grids (IMAGINE, VARIATION, REROLL): `NOT_START` (waiting for a slot,
//! progress `null`) → `SUBMITTED` `"0%"` → `IN_PROGRESS` free text
//! (`"Waiting to start"`) → `IN_PROGRESS` `"15%"`, `"31%"` … each with a
//! blurred intermediate grid → `SUCCESS` `"100%"` with the final grid and
//! its buttons; upscales: `SUBMITTED` → `IN_PROGRESS` `"0%"` → `SUCCESS`
//! with the quadrant. A planned failure ends in `FAILURE` (`progress ""`)
//! after the first update; a cancel request ends in `CANCEL` at the next
//! step; a forgotten task (proxy restart) just stops.

use std::sync::Arc;
use std::sync::atomic::Ordering;

use image::RgbImage;

use super::images;
use super::store::Shared;
use super::task::{Ending, Status, Task, text_of};

/// Drives task `id` to its end.
pub async fn drive(shared: Arc<Shared>, id: String) {
    let permit = tokio::select! {
        permit = Arc::clone(&shared.slots).acquire_owned() => permit.ok(),
        () = shared.common.killed() => None,
    };
    shared.waiting.fetch_sub(1, Ordering::SeqCst);
    let Some(_permit) = permit else { return };
    if pause(&shared, &id).await.is_err()
        || shared
            .task(&id)
            .is_none_or(|t| t.status != Status::NotStart)
    {
        return;
    }
    let started = chrono::Utc::now().timestamp_millis();
    let Some(task) = shared.update(&id, |t| {
        t.status = Status::Submitted;
        t.progress = Some("0%".into());
        t.start_time = Some(started);
    }) else {
        return;
    };
    let result = if task.action.makes_grid() {
        run_grid(&shared, &task).await
    } else {
        run_upscale(&shared, &task).await
    };
    if let Err(Stop::Cancelled) = result {
        shared.update(&id, |t| {
            t.status = Status::Cancel;
            t.finish_time = Some(chrono::Utc::now().timestamp_millis());
        });
    }
}

/// Why a task stopped early.
enum Stop {
    /// Forgotten, killed, or already ended.
    Gone,
    /// A cancel was requested.
    Cancelled,
}

/// One step: the pause, then (in step-on-poll mode) a fetch; then whether
/// the task may go on.
async fn pause(shared: &Shared, id: &str) -> Result<(), Stop> {
    let mut polls = shared.polls.subscribe();
    polls.borrow_and_update();
    tokio::select! {
        () = tokio::time::sleep(shared.settings.step) => {}
        () = shared.common.killed() => return Err(Stop::Gone),
    }
    if shared.settings.step_on_poll && !polls.has_changed().unwrap_or(true) {
        tokio::select! {
            _ = polls.changed() => {}
            () = shared.common.killed() => return Err(Stop::Gone),
        }
    }
    match shared.task(id) {
        None => Err(Stop::Gone),
        Some(task) if task.status.is_final() => Err(Stop::Gone),
        Some(task) if task.cancel_requested => Err(Stop::Cancelled),
        Some(_) => Ok(()),
    }
}

fn set(shared: &Shared, id: &str, change: impl FnOnce(&mut Task)) -> Result<Task, Stop> {
    shared.update(id, change).ok_or(Stop::Gone)
}

async fn run_grid(shared: &Shared, task: &Task) -> Result<(), Stop> {
    let id = task.id.as_str();
    let grid = render(task).await.ok_or(Stop::Gone)?;
    if let Some(text) = &shared.settings.free_text {
        pause(shared, id).await?;
        set(shared, id, |t| {
            t.status = Status::InProgress;
            t.progress = Some(text.clone());
        })?;
    }
    let steps = shared.settings.progress_steps.clone();
    for (n, percent) in steps.iter().enumerate() {
        pause(shared, id).await?;
        if let Ending::Failure(reason) = &task.ending {
            return fail(shared, id, reason);
        }
        let picture = images::intermediate(&grid, n as u32 + 1, steps.len() as u32, task.seed);
        let url = shared.publish(format!("progress/{id}-{n}.png"), encode(picture).await);
        set(shared, id, |t| {
            t.status = Status::InProgress;
            t.progress = Some(format!("{percent}%"));
            t.image_url = Some(url);
        })?;
    }
    pause(shared, id).await?;
    if let Ending::Failure(reason) = &task.ending {
        return fail(shared, id, reason);
    }
    shared.keep_grid(id, grid.clone());
    let url = shared.publish(format!("final/{id}.png"), encode(grid).await);
    succeed(shared, id, url)
}

async fn run_upscale(shared: &Shared, task: &Task) -> Result<(), Stop> {
    let id = task.id.as_str();
    pause(shared, id).await?;
    set(shared, id, |t| {
        t.status = Status::InProgress;
        t.progress = Some("0%".into());
    })?;
    pause(shared, id).await?;
    if let Ending::Failure(reason) = &task.ending {
        return fail(shared, id, reason);
    }
    let (parent, index) = task.parent.clone().ok_or(Stop::Gone)?;
    let grid = shared.grid(&parent).ok_or(Stop::Gone)?;
    let picture = images::quadrant(&grid, index);
    let url = shared.publish(format!("final/{id}.png"), encode(picture).await);
    succeed(shared, id, url)
}

fn succeed(shared: &Shared, id: &str, url: String) -> Result<(), Stop> {
    set(shared, id, |t| {
        t.status = Status::Success;
        t.progress = Some("100%".into());
        t.image_url = Some(url);
        t.finish_time = Some(chrono::Utc::now().timestamp_millis());
    })
    .map(|_| ())
}

fn fail(shared: &Shared, id: &str, reason: &str) -> Result<(), Stop> {
    set(shared, id, |t| {
        t.status = Status::Failure;
        t.progress = Some(String::new());
        t.fail_reason = Some(reason.to_owned());
        t.finish_time = Some(chrono::Utc::now().timestamp_millis());
    })
    .map(|_| ())
}

/// Paints a task's grid on a blocking thread.
async fn render(task: &Task) -> Option<RgbImage> {
    let prompt = text_of(&task.prompt).to_owned();
    let (seed, quadrant) = (task.seed, task.quadrant);
    tokio::task::spawn_blocking(move || images::grid(&prompt, seed, quadrant))
        .await
        .ok()
}

/// A PNG of `picture`, encoded on a blocking thread.
async fn encode(picture: RgbImage) -> Vec<u8> {
    tokio::task::spawn_blocking(move || images::encode_png(&picture))
        .await
        .unwrap_or_default()
}
