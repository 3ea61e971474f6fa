//! A proxy task (PROVIDERS.md §5.1) and its JSON.

use serde_json::{Value, json};

use super::Flavour;

/// What a task does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// `/imagine`: a 2×2 grid.
    Imagine,
    /// U1–U4: one quadrant of a grid, on its own.
    Upscale,
    /// V1–V4: a new grid like one quadrant.
    Variation,
    /// 🔄: the same prompt again.
    Reroll,
}

impl Action {
    /// The JSON name.
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Imagine => "IMAGINE",
            Action::Upscale => "UPSCALE",
            Action::Variation => "VARIATION",
            Action::Reroll => "REROLL",
        }
    }

    /// Parses the JSON name.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "IMAGINE" => Some(Action::Imagine),
            "UPSCALE" => Some(Action::Upscale),
            "VARIATION" => Some(Action::Variation),
            "REROLL" => Some(Action::Reroll),
            _ => None,
        }
    }

    /// Whether its result is a grid.
    pub fn makes_grid(self) -> bool {
        self != Action::Upscale
    }
}

/// Where a task is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Waiting for a free slot.
    NotStart,
    /// Sent to Discord.
    Submitted,
    /// Midjourney is drawing.
    InProgress,
    /// Done.
    Success,
    /// Failed (`failReason`).
    Failure,
    /// Cancelled through `/mj/task/{id}/cancel` (trueai).
    Cancel,
}

impl Status {
    /// The JSON name.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::NotStart => "NOT_START",
            Status::Submitted => "SUBMITTED",
            Status::InProgress => "IN_PROGRESS",
            Status::Success => "SUCCESS",
            Status::Failure => "FAILURE",
            Status::Cancel => "CANCEL",
        }
    }

    /// Whether the task is over.
    pub fn is_final(self) -> bool {
        matches!(self, Status::Success | Status::Failure | Status::Cancel)
    }
}

/// How a task will end, decided at submit time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ending {
    /// Normally.
    Success,
    /// `FAILURE` with this reason, after the first progress update.
    Failure(String),
}

/// One task.
#[derive(Debug, Clone)]
pub struct Task {
    /// 16 digits.
    pub id: String,
    /// What it does.
    pub action: Action,
    /// Where it is.
    pub status: Status,
    /// `null` before it starts, then `"0%"`, free text, `"N%"`, `"100%"`; `""` on failure.
    pub progress: Option<String>,
    /// The prompt as submitted (for U/V/R: the parent's).
    pub prompt: String,
    /// `/imagine cat`, `/up <id> U3` …
    pub description: String,
    /// The client's `state`.
    pub state: Option<String>,
    /// Milliseconds since the epoch.
    pub submit_time: i64,
    /// When it was sent to Discord.
    pub start_time: Option<i64>,
    /// When it ended.
    pub finish_time: Option<i64>,
    /// The intermediate or final image.
    pub image_url: Option<String>,
    /// Why it failed.
    pub fail_reason: Option<String>,
    /// The prompt Midjourney ran (with `--v 6.1` / `--niji 6` added).
    pub final_prompt: String,
    /// Discord message id of the result.
    pub message_id: String,
    /// Discord message hash (in button custom ids).
    pub message_hash: String,
    /// The client's `notifyHook`.
    pub notify_hook: Option<String>,
    /// `MID_JOURNEY` or `NIJI_JOURNEY`.
    pub bot_type: String,
    /// The seed its images are painted from.
    pub seed: u64,
    /// Quadrant size (the result of an upscale).
    pub quadrant: (u32, u32),
    /// The parent task and quadrant (U, V, R).
    pub parent: Option<(String, u32)>,
    /// How it will end.
    pub ending: Ending,
    /// A cancel was asked for.
    pub cancel_requested: bool,
}

impl Task {
    /// The buttons under a finished result: U1–U4, 🔄, V1–V4 on grids;
    /// the post-upscale tools on upscales.
    pub fn buttons(&self) -> Vec<Value> {
        if self.status != Status::Success {
            return Vec::new();
        }
        let hash = &self.message_hash;
        let button = |custom: String, label: &str, emoji: &str| json!({"customId": custom, "emoji": emoji, "label": label, "type": 2, "style": 2});
        let mut out = Vec::new();
        if self.action.makes_grid() {
            for n in 1..=4 {
                out.push(button(
                    format!("MJ::JOB::upsample::{n}::{hash}"),
                    &format!("U{n}"),
                    "",
                ));
            }
            out.push(button(
                format!("MJ::JOB::reroll::0::{hash}::SOLO"),
                "",
                "🔄",
            ));
            for n in 1..=4 {
                out.push(button(
                    format!("MJ::JOB::variation::{n}::{hash}"),
                    &format!("V{n}"),
                    "",
                ));
            }
        } else {
            for (custom, label) in [
                ("upsample_v6_2x_subtle", "Upscale (Subtle)"),
                ("upsample_v6_2x_creative", "Upscale (Creative)"),
                ("low_variation", "Vary (Subtle)"),
                ("high_variation", "Vary (Strong)"),
            ] {
                out.push(button(
                    format!("MJ::JOB::{custom}::1::{hash}::SOLO"),
                    label,
                    "",
                ));
            }
            out.push(button(
                format!("MJ::Outpaint::50::1::{hash}::SOLO"),
                "Zoom Out 2x",
                "",
            ));
            out.push(button(
                format!("MJ::JOB::pan_left::1::{hash}::SOLO"),
                "",
                "⬅️",
            ));
        }
        out
    }

    /// The task object, camelCase, as `/mj/task/{id}/fetch` sends it.
    pub fn json(&self, flavour: Flavour) -> Value {
        let mut properties = json!({
            "finalPrompt": self.final_prompt,
            "messageId": self.message_id,
            "messageHash": self.message_hash,
            "nonce": self.id,
            "discordInstanceId": "1187245382123456789",
            "flags": 0,
        });
        if let Some(hook) = &self.notify_hook {
            properties["notifyHook"] = hook.clone().into();
        }
        let mut task = json!({
            "id": self.id,
            "action": self.action.as_str(),
            "status": self.status.as_str(),
            "progress": self.progress,
            "prompt": self.prompt,
            "promptEn": self.prompt,
            "description": self.description,
            "state": self.state,
            "submitTime": self.submit_time,
            "startTime": self.start_time,
            "finishTime": self.finish_time,
            "imageUrl": self.image_url,
            "failReason": self.fail_reason,
            "properties": properties,
        });
        if flavour == Flavour::TrueAi {
            task["buttons"] = self.buttons().into();
            task["botType"] = self.bot_type.clone().into();
            task["mode"] = "FAST".into();
            task["seed"] = self.seed.to_string().into();
            task["imageUrls"] = match &self.image_url {
                Some(url) if self.status == Status::Success => json!([{"url": url}]),
                _ => json!([]),
            };
        }
        task
    }
}

/// The prompt's text before its parameters (`cat --ar 16:9` → `cat`).
pub fn text_of(prompt: &str) -> &str {
    prompt.split(" --").next().unwrap_or(prompt).trim()
}

/// The value of `--name` in a prompt (`--ar 16:9` → `16:9`).
pub fn parameter<'a>(prompt: &'a str, names: &[&str]) -> Option<&'a str> {
    let mut words = prompt.split_whitespace();
    while let Some(word) = words.next() {
        if let Some(name) = word.strip_prefix("--")
            && names.contains(&name)
        {
            return words.next();
        }
    }
    None
}
