//! The user's prompt library, as it crosses the wire: templates, their own
//! style presets, wildcard lists, the history of submitted prompts, and the
//! submission that expands a dynamic prompt into jobs. Validation shared
//! by the browser and the server.

pub mod expand;

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::ValidationError;
use crate::generation::GenerationRequest;

/// Longest template name.
pub const MAX_TEMPLATE_NAME_CHARS: usize = 255;
/// Longest category name.
pub const MAX_CATEGORY_CHARS: usize = 100;
/// Longest template prompt (before expansion).
pub const MAX_TEMPLATE_PROMPT_CHARS: usize = 32_000;
/// Most entries in one wildcard list.
pub const MAX_WILDCARD_ENTRIES: usize = 2_000;
/// Longest wildcard entry.
pub const MAX_WILDCARD_ENTRY_CHARS: usize = 500;
/// Most prompts one submission may expand to.
pub const MAX_EXPANDED_PROMPTS: u32 = 100;

/// Studio settings a template carries; unset ones leave the Studio as it is.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct TemplateSettings {
    /// The model to switch to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    /// Width and height.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size: Option<(u32, u32)>,
    /// Steps.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub steps: Option<u32>,
    /// CFG scale.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cfg: Option<f32>,
    /// Sampler.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sampler: Option<String>,
    /// Style presets to apply, by id (built-in) or `user:<uuid>`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub styles: Vec<String>,
}

/// A template as the Templates page and the Studio's picker show it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PromptTemplate {
    /// Its id.
    pub id: Uuid,
    /// Whether it is the viewer's own (else a public one of someone else's).
    pub is_own: bool,
    /// Who made it.
    pub owner: String,
    /// Its name.
    pub name: String,
    /// The prompt, with `{variables}`, `{a|b}` choices and `__wildcards__`.
    pub prompt: String,
    /// The negative prompt.
    pub negative_prompt: String,
    /// Settings it applies.
    pub settings: TemplateSettings,
    /// Its category ("" for none).
    pub category: String,
    /// Whether every user sees it.
    pub is_public: bool,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
}

/// What the template form sends (create and edit).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct TemplateInput {
    /// Name.
    pub name: String,
    /// Prompt.
    pub prompt: String,
    /// Negative prompt.
    #[serde(default)]
    pub negative_prompt: String,
    /// Settings.
    #[serde(default)]
    pub settings: TemplateSettings,
    /// Category.
    #[serde(default)]
    pub category: String,
    /// Shared with every user.
    #[serde(default)]
    pub is_public: bool,
}

impl TemplateInput {
    /// Trims the text fields.
    pub fn normalized(mut self) -> Self {
        self.name = self.name.trim().to_owned();
        self.category = self.category.trim().to_owned();
        self
    }

    /// Every problem, tied to its field.
    pub fn validate(&self) -> Result<(), Vec<ValidationError>> {
        let mut errors = Vec::new();
        let name = self.name.trim().chars().count();
        if name == 0 {
            errors.push(ValidationError::new("name", "Give the template a name."));
        } else if name > MAX_TEMPLATE_NAME_CHARS {
            errors.push(ValidationError::new(
                "name",
                format!("Use at most {MAX_TEMPLATE_NAME_CHARS} characters."),
            ));
        }
        if self.category.trim().chars().count() > MAX_CATEGORY_CHARS {
            errors.push(ValidationError::new(
                "category",
                format!("Use at most {MAX_CATEGORY_CHARS} characters."),
            ));
        }
        let prompt = self.prompt.trim().chars().count();
        if prompt == 0 {
            errors.push(ValidationError::new("prompt", "A template needs a prompt."));
        } else if prompt > MAX_TEMPLATE_PROMPT_CHARS {
            errors.push(ValidationError::new(
                "prompt",
                format!("Use at most {MAX_TEMPLATE_PROMPT_CHARS} characters."),
            ));
        } else if let Err(err) = crate::prompt::parse(&self.prompt) {
            errors.push(ValidationError::new("prompt", err.to_string()));
        }
        if self.negative_prompt.chars().count() > crate::generation::MAX_NEGATIVE_PROMPT_CHARS {
            errors.push(ValidationError::new(
                "negative_prompt",
                format!(
                    "Use at most {} characters.",
                    crate::generation::MAX_NEGATIVE_PROMPT_CHARS
                ),
            ));
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }
}

/// A style preset the user made (built-in ones are in `prompt::styles`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UserStyle {
    /// Its id.
    pub id: Uuid,
    /// Its name.
    pub name: String,
    /// Its category.
    pub category: String,
    /// The template around `{prompt}`.
    pub positive: String,
    /// What it leaves out.
    pub negative: String,
}

/// What the style form sends.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct StyleInput {
    /// Name.
    pub name: String,
    /// Category ("" → "Mine").
    #[serde(default)]
    pub category: String,
    /// The template around `{prompt}`.
    pub positive: String,
    /// What it leaves out.
    #[serde(default)]
    pub negative: String,
}

/// A named list of entries, used in prompts as `__name__`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WildcardList {
    /// Its name.
    pub name: String,
    /// Its entries (each may use prompt syntax itself).
    pub entries: Vec<String>,
}

impl WildcardList {
    /// Trims entries and drops empty ones.
    pub fn normalized(mut self) -> Self {
        self.name = self.name.trim().to_owned();
        self.entries = self
            .entries
            .iter()
            .map(|e| e.trim().to_owned())
            .filter(|e| !e.is_empty())
            .collect();
        self
    }

    /// Every problem, tied to its field.
    pub fn validate(&self) -> Result<(), Vec<ValidationError>> {
        let mut errors = Vec::new();
        let valid_name = !self.name.is_empty()
            && self.name.chars().count() <= 64
            && self
                .name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '/'));
        if !valid_name {
            errors.push(ValidationError::new(
                "name",
                "Use 1 to 64 letters, digits, _, - or / (it is written as __name__ in prompts).",
            ));
        }
        if self.entries.is_empty() {
            errors.push(ValidationError::new(
                "entries",
                "Add at least one entry, one per line.",
            ));
        } else if self.entries.len() > MAX_WILDCARD_ENTRIES {
            errors.push(ValidationError::new(
                "entries",
                format!("Use at most {MAX_WILDCARD_ENTRIES} entries."),
            ));
        } else if let Some(long) = self
            .entries
            .iter()
            .position(|e| e.chars().count() > MAX_WILDCARD_ENTRY_CHARS)
        {
            errors.push(ValidationError::new(
                "entries",
                format!(
                    "Entry {} is longer than {MAX_WILDCARD_ENTRY_CHARS} characters.",
                    long + 1
                ),
            ));
        } else if let Some((index, err)) = self
            .entries
            .iter()
            .enumerate()
            .find_map(|(i, e)| crate::prompt::parse(e).err().map(|err| (i, err)))
        {
            errors.push(ValidationError::new(
                "entries",
                format!("Entry {}: {err}", index + 1),
            ));
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }
}

/// How a dynamic prompt turns into jobs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Expansion {
    /// `count` random picks (deterministic for the request's seed).
    #[default]
    Random,
    /// Every combination, up to the limit.
    Combinatorial,
}

/// What the Studio submits: a request whose prompt may hold templates,
/// choices and wildcards, plus the styles to wrap it in.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Submission {
    /// The request; its prompt is the source text.
    pub request: GenerationRequest,
    /// Style presets to apply, in order: built-in ids, or `user:<uuid>`.
    #[serde(default)]
    pub styles: Vec<String>,
    /// Values for the prompt's `{variables}`.
    #[serde(default)]
    pub variables: BTreeMap<String, String>,
    /// How choices expand.
    #[serde(default)]
    pub expansion: Expansion,
    /// How many prompts to make: random picks, or the combination limit.
    #[serde(default = "one")]
    pub prompts: u32,
}

fn one() -> u32 {
    1
}

/// One submitted prompt, as History lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HistoryEntry {
    /// Its id.
    pub id: Uuid,
    /// The prompt as written.
    pub prompt: String,
    /// The negative prompt as written.
    pub negative_prompt: String,
    /// The model.
    pub model: String,
    /// What was submitted (to run it again).
    pub submission: Submission,
    /// The prompts it expanded to.
    pub expanded: Vec<String>,
    /// The jobs it queued.
    pub job_ids: Vec<Uuid>,
    /// Its images so far (up to 8), for thumbnails.
    pub image_ids: Vec<Uuid>,
    /// Starred by the user.
    pub starred: bool,
    /// When.
    pub created_at: DateTime<Utc>,
}

/// A History search.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HistoryQuery {
    /// Words (full text) or any substring of the prompt.
    #[serde(default)]
    pub text: String,
    /// Only starred entries.
    #[serde(default)]
    pub starred_only: bool,
    /// Entries older than this one (keyset pagination).
    #[serde(default)]
    pub before: Option<(DateTime<Utc>, Uuid)>,
    /// Page size (1..=100).
    #[serde(default = "page")]
    pub limit: u32,
}

fn page() -> u32 {
    30
}

impl Default for HistoryQuery {
    /// Everything, newest first, a page of 30.
    fn default() -> Self {
        Self {
            text: String::new(),
            starred_only: false,
            before: None,
            limit: page(),
        }
    }
}

/// A page of History.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HistoryPage {
    /// The entries, newest first.
    pub entries: Vec<HistoryEntry>,
    /// The cursor for the next page, if there is one.
    pub next: Option<(DateTime<Utc>, Uuid)>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(result: Result<(), Vec<ValidationError>>) -> Vec<String> {
        result
            .err()
            .unwrap_or_default()
            .into_iter()
            .map(|e| e.field)
            .collect()
    }

    #[test]
    fn templates_need_a_name_and_a_prompt_that_parses() {
        let ok = TemplateInput {
            name: "Portrait".into(),
            prompt: "portrait of {subject=a fox}, {soft|hard} light".into(),
            ..TemplateInput::default()
        };
        assert_eq!(ok.validate(), Ok(()));
        let bad = TemplateInput {
            name: "  ".into(),
            prompt: "portrait of {subject".into(),
            category: "x".repeat(101),
            ..TemplateInput::default()
        };
        assert_eq!(fields(bad.validate()), ["name", "category", "prompt"]);
    }

    #[test]
    fn wildcard_lists_need_a_prompt_safe_name_and_entries() {
        let ok = WildcardList {
            name: "animals/pets".into(),
            entries: vec![" cat ".into(), String::new(), "dog".into()],
        }
        .normalized();
        assert_eq!(ok.entries, ["cat", "dog"]);
        assert_eq!(ok.validate(), Ok(()));
        let bad = WildcardList {
            name: "no spaces".into(),
            entries: vec![],
        };
        assert_eq!(fields(bad.validate()), ["name", "entries"]);
        let broken = WildcardList {
            name: "x".into(),
            entries: vec!["{a|b".into()],
        };
        assert_eq!(fields(broken.validate()), ["entries"]);
    }

    #[test]
    fn submissions_default_to_one_random_prompt() {
        let json =
            r#"{"request":{"model":"builtin:x","prompt":"p","width":512,"height":512,"count":1}}"#;
        let submission: Submission = serde_json::from_str(json).expect("parses");
        assert_eq!(submission.prompts, 1);
        assert_eq!(submission.expansion, Expansion::Random);
        assert!(submission.styles.is_empty());
    }
}
