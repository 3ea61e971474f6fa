//! Starting tasks: `/imagine` for text to image; U and V on an image
//! Midjourney made, through its button (`/submit/action`) or, on proxies
//! without buttons or that route, `/submit/change`.

use std::time::Duration;

use easel_domain::generation::{Operation, Seed};
use serde_json::{Value, json};

use super::api::{Answer, Api, Button, SubmitResult};
use super::{LABEL, models};
use crate::providers::http::malformed;
use crate::providers::{JobContext, ProviderError};

/// How long to wait before trying again when the proxy's queue is full.
const QUEUE_FULL_WAIT: Duration = Duration::from_secs(30);

/// A task Easel started (or re-attaches to).
#[derive(Debug, Clone, PartialEq)]
pub struct Started {
    /// The proxy's task id.
    pub task_id: String,
    /// `IMAGINE`, `UPSCALE` or `VARIATION`.
    pub action: String,
    /// For U and V: the grid task and quadrant it came from.
    pub parent: Option<(String, u32)>,
}

impl Started {
    /// The remote handle saved before polling.
    pub fn handle(&self) -> Value {
        let mut handle = json!({ "task_id": self.task_id, "action": self.action });
        if let Some((parent, index)) = &self.parent {
            handle["parent_task_id"] = parent.clone().into();
            handle["index"] = (*index).into();
        }
        handle
    }

    /// A handle saved by an earlier attempt: re-attach to its task.
    pub fn from_handle(handle: &Value) -> Result<Self, ProviderError> {
        let task_id = handle
            .get("task_id")
            .and_then(Value::as_str)
            .ok_or_else(|| {
                ProviderError::Fatal(format!("The saved {LABEL} task is unreadable."))
            })?;
        let parent = handle
            .get("parent_task_id")
            .and_then(Value::as_str)
            .map(|p| (p.to_owned(), index_of(handle)));
        Ok(Self {
            task_id: task_id.to_owned(),
            action: handle
                .get("action")
                .and_then(Value::as_str)
                .unwrap_or("IMAGINE")
                .to_owned(),
            parent,
        })
    }
}

fn index_of(value: &Value) -> u32 {
    value
        .get("index")
        .and_then(Value::as_u64)
        .map_or(1, |i| i.clamp(1, 4) as u32)
}

/// The prompt Midjourney gets: the user's, with its own `--ar`/`--aspect`
/// (and `--seed`, when Easel sets one) removed, then `--no <negative>`,
/// `--seed N` and `--ar W:H`.
pub fn prompt(cx: &JobContext) -> String {
    let request = &cx.request;
    let fixed = matches!(request.seed, Seed::Fixed(_));
    let mut dropped: Vec<&str> = vec!["--ar", "--aspect"];
    if fixed {
        dropped.push("--seed");
    }
    let mut words = Vec::new();
    let mut skip = false;
    for word in request.prompt.split_whitespace() {
        if skip {
            skip = false;
        } else if dropped.contains(&word) {
            skip = true;
        } else {
            words.push(word);
        }
    }
    let mut out = words.join(" ");
    let negative = request.negative_prompt.replace("--", " ");
    let negative = negative.split_whitespace().collect::<Vec<_>>().join(" ");
    if !negative.is_empty() {
        out.push_str(&format!(" --no {negative}"));
    }
    if fixed {
        out.push_str(&format!(" --seed {}", cx.seed));
    }
    out.push_str(&format!(" --ar {}", aspect(request.width, request.height)));
    out
}

/// The ratio label for a size (one of the offered ones, else reduced).
fn aspect(width: u32, height: u32) -> String {
    if let Some(label) = models::sizes().aspect_label(width, height) {
        return label.to_owned();
    }
    let gcd = |mut a: u32, mut b: u32| {
        while b != 0 {
            (a, b) = (b, a % b);
        }
        a.max(1)
    };
    let g = gcd(width, height);
    format!("{}:{}", width / g, height / g)
}

/// Submits `/imagine`.
pub async fn imagine(api: &Api, cx: &JobContext) -> Result<Started, ProviderError> {
    let body = json!({
        "prompt": prompt(cx),
        "botType": models::bot_type(&cx.model),
        "state": cx.job_id.to_string(),
    });
    match api.submit("/mj/submit/imagine", &body).await? {
        Answer::Result(result) => Ok(Started {
            task_id: accepted(&result)?,
            action: "IMAGINE".into(),
            parent: None,
        }),
        Answer::NoRoute => Err(no_route("/mj/submit/imagine")),
    }
}

fn no_route(path: &str) -> ProviderError {
    ProviderError::Fatal(format!(
        "{LABEL} has no {path} route (404); check its base URL"
    ))
}

/// The task id of an accepted submit, or the error its code means.
pub fn accepted(result: &SubmitResult) -> Result<String, ProviderError> {
    let description = result.description.clone().unwrap_or_default();
    match result.code {
        1 | 21 | 22 => result
            .task_id()
            .ok_or_else(|| malformed(LABEL, "an accepted submit carries no task id")),
        23 => Err(ProviderError::Retryable {
            message: format!("{LABEL}'s queue is full; Easel will try again"),
            retry_after: Some(QUEUE_FULL_WAIT),
        }),
        24 => {
            let word = result
                .properties
                .as_ref()
                .and_then(|p| p.get("bannedWord"))
                .and_then(Value::as_str);
            Err(ProviderError::Refused {
                backend: LABEL.into(),
                message: match word {
                    Some(word) => format!("the prompt contains the banned word \"{word}\""),
                    None => format!("the prompt was banned ({description})"),
                },
            })
        }
        3 => Err(ProviderError::Fatal(format!(
            "{LABEL} no longer knows the original task (it may have expired)"
        ))),
        4 => Err(ProviderError::Fatal(format!(
            "{LABEL} rejected the request: {description}"
        ))),
        9 => Err(ProviderError::retryable(format!(
            "{LABEL} had a system error: {description}"
        ))),
        code => Err(ProviderError::Fatal(format!(
            "{LABEL} answered code {code}: {description}"
        ))),
    }
}

/// What a gallery image made by Midjourney remembers.
#[derive(Debug, Clone)]
struct Source {
    task_id: String,
    index: u32,
    buttons: Vec<Button>,
    action: String,
    parent_task_id: Option<String>,
}

fn source(cx: &JobContext) -> Result<Source, ProviderError> {
    let not_ours = || {
        ProviderError::Fatal(
            "Only images made by Midjourney can be upscaled or varied there.".into(),
        )
    };
    let source = cx.source.as_ref().ok_or_else(not_ours)?;
    let meta = &source.provider_metadata;
    let task_id = meta.get("task_id").and_then(Value::as_str);
    let (true, Some(task_id)) = (source.model.starts_with("midjourney:"), task_id) else {
        return Err(not_ours());
    };
    Ok(Source {
        task_id: task_id.to_owned(),
        index: index_of(meta),
        buttons: meta
            .get("buttons")
            .cloned()
            .and_then(|b| serde_json::from_value(b).ok())
            .unwrap_or_default(),
        action: meta
            .get("action")
            .and_then(Value::as_str)
            .unwrap_or("IMAGINE")
            .to_owned(),
        parent_task_id: meta
            .get("parent_task_id")
            .and_then(Value::as_str)
            .map(str::to_owned),
    })
}

fn button(buttons: &[Button], kind: &str, index: Option<u32>) -> Option<String> {
    let needle = match index {
        Some(index) => format!("::{kind}::{index}::"),
        None => format!("::{kind}::"),
    };
    buttons
        .iter()
        .find(|b| b.custom_id.contains(&needle))
        .map(|b| b.custom_id.clone())
}

/// Upscale (U) or Variations (V) of the job's source image.
pub async fn change(api: &Api, cx: &JobContext) -> Result<Started, ProviderError> {
    let source = source(cx)?;
    let upscale = cx.request.operation() == Operation::Upscale;
    let from_upscale = source.action == "UPSCALE";
    if upscale && from_upscale {
        return Err(ProviderError::Fatal(format!(
            "This image is already a {LABEL} upscale; upscale the grid image it came from instead."
        )));
    }
    let custom = match (upscale, from_upscale) {
        (true, _) => button(&source.buttons, "upsample", Some(source.index)),
        (false, false) => button(&source.buttons, "variation", Some(source.index)),
        (false, true) => button(&source.buttons, "low_variation", None),
    };
    let action = if upscale { "UPSCALE" } else { "VARIATION" };
    // The grid the fallback changes: the source's own, or (for an upscale)
    // the grid it was cut from.
    let grid = if from_upscale {
        source.parent_task_id.clone()
    } else {
        Some(source.task_id.clone())
    };
    let started = |task_id| Started {
        task_id,
        action: action.into(),
        parent: Some((
            grid.clone().unwrap_or_else(|| source.task_id.clone()),
            source.index,
        )),
    };
    if let Some(custom) = custom {
        let body = json!({ "taskId": source.task_id, "customId": custom });
        match api.submit("/mj/submit/action", &body).await? {
            Answer::Result(result) => return accepted(&result).map(started),
            Answer::NoRoute => {
                tracing::info!("the Midjourney proxy has no /submit/action; using /submit/change");
            }
        }
    }
    let Some(grid) = grid.clone() else {
        return Err(ProviderError::Fatal(format!(
            "{LABEL} cannot vary this upscale: the grid it came from is unknown"
        )));
    };
    let body = json!({ "taskId": grid, "action": action, "index": source.index });
    match api.submit("/mj/submit/change", &body).await? {
        Answer::Result(result) => accepted(&result).map(started),
        Answer::NoRoute => Err(no_route("/mj/submit/change")),
    }
}
