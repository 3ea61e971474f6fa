//! What the image grid shows: search text, filters and the order, with a
//! query-string form so that every view can be bookmarked.
//!
//! ```text
//! /gallery?q=lighthouse&tag=sea&tag=night&starred=1&sort=oldest
//! ```
//!
//! | key | meaning |
//! | --- | --- |
//! | `q` | full-text search on the prompt and the negative prompt (web-search syntax: `"exact words"`, `-not`, `or`) |
//! | `contains` | substring of the prompt, case-insensitive |
//! | `model` | a model id (`builtin:easel-sketch`) or a whole backend (`comfyui`) |
//! | `from`, `to` | dates, `YYYY-MM-DD`, both inclusive |
//! | `aspect` | `square`, `landscape` or `portrait` |
//! | `tag` | repeated: images that carry every one |
//! | `starred` | `1`: starred images only |
//! | `gallery` | a gallery's id |
//! | `operation` | `txt2img`, `img2img`, `inpaint`, `upscale`, `variations`, `import`, … |
//! | `sort` | `newest` (default), `oldest`, `starred` |
//!
//! Unknown keys and malformed values are dropped, so an old bookmark still
//! opens a view.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::ValidationError;

/// Longest search text, in characters.
pub const MAX_SEARCH_CHARS: usize = 200;
/// Most tags one query may require.
pub const MAX_QUERY_TAGS: usize = 10;

/// The shape of an image.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Aspect {
    /// Width equals height.
    Square,
    /// Wider than tall.
    Landscape,
    /// Taller than wide.
    Portrait,
}

impl Aspect {
    /// Every aspect, for pickers.
    pub const ALL: [Aspect; 3] = [Aspect::Square, Aspect::Landscape, Aspect::Portrait];

    /// The query-string form.
    pub fn as_str(self) -> &'static str {
        match self {
            Aspect::Square => "square",
            Aspect::Landscape => "landscape",
            Aspect::Portrait => "portrait",
        }
    }

    /// Parses the query-string form.
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.as_str() == text)
    }

    /// A label for people.
    pub fn label(self) -> &'static str {
        match self {
            Aspect::Square => "Square",
            Aspect::Landscape => "Landscape",
            Aspect::Portrait => "Portrait",
        }
    }
}

/// The grid's order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SortOrder {
    /// Newest first.
    #[default]
    Newest,
    /// Oldest first.
    Oldest,
    /// Starred first, then newest.
    Starred,
}

impl SortOrder {
    /// Every order, for pickers.
    pub const ALL: [SortOrder; 3] = [SortOrder::Newest, SortOrder::Oldest, SortOrder::Starred];

    /// The query-string form.
    pub fn as_str(self) -> &'static str {
        match self {
            SortOrder::Newest => "newest",
            SortOrder::Oldest => "oldest",
            SortOrder::Starred => "starred",
        }
    }

    /// Parses the query-string form.
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == text)
    }

    /// A label for people.
    pub fn label(self) -> &'static str {
        match self {
            SortOrder::Newest => "Newest first",
            SortOrder::Oldest => "Oldest first",
            SortOrder::Starred => "Starred first",
        }
    }
}

/// Search, filters and order of the image grid. The default shows every
/// live image, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ImageQuery {
    /// Full-text search (web-search syntax); empty for none.
    #[serde(default)]
    pub text: String,
    /// Case-insensitive substring of the prompt; empty for none.
    #[serde(default)]
    pub contains: String,
    /// A model id, or a backend when it has no `:`.
    #[serde(default)]
    pub model: Option<String>,
    /// Made on or after this day (UTC).
    #[serde(default)]
    pub from: Option<NaiveDate>,
    /// Made on or before this day (UTC).
    #[serde(default)]
    pub to: Option<NaiveDate>,
    /// The shape.
    #[serde(default)]
    pub aspect: Option<Aspect>,
    /// Tags the image must all carry.
    #[serde(default)]
    pub tags: Vec<String>,
    /// Starred images only.
    #[serde(default)]
    pub starred: bool,
    /// Images in this gallery only.
    #[serde(default)]
    pub gallery: Option<Uuid>,
    /// The operation that made it (`txt2img`, `import`, …).
    #[serde(default)]
    pub operation: Option<String>,
    /// The order.
    #[serde(default)]
    pub sort: SortOrder,
}

impl ImageQuery {
    /// Whether any search or filter is set (the order does not count).
    pub fn is_filtered(&self) -> bool {
        let plain = ImageQuery {
            sort: self.sort,
            ..ImageQuery::default()
        };
        *self != plain
    }

    /// Checks the lengths a person could get wrong.
    pub fn validate(&self) -> Result<(), ValidationError> {
        if self.text.chars().count() > MAX_SEARCH_CHARS
            || self.contains.chars().count() > MAX_SEARCH_CHARS
        {
            return Err(ValidationError::new(
                "q",
                format!("Search for at most {MAX_SEARCH_CHARS} characters."),
            ));
        }
        if self.tags.len() > MAX_QUERY_TAGS {
            return Err(ValidationError::new(
                "tag",
                format!("Filter by at most {MAX_QUERY_TAGS} tags at once."),
            ));
        }
        if let (Some(from), Some(to)) = (self.from, self.to)
            && from > to
        {
            return Err(ValidationError::new(
                "to",
                "The end date is before the start.",
            ));
        }
        Ok(())
    }

    /// The query-string pairs of this query, defaults left out.
    pub fn to_pairs(&self) -> Vec<(&'static str, String)> {
        let mut pairs = Vec::new();
        let mut push = |key, value: String| {
            if !value.is_empty() {
                pairs.push((key, value));
            }
        };
        push("q", self.text.clone());
        push("contains", self.contains.clone());
        push("model", self.model.clone().unwrap_or_default());
        push("from", self.from.map(|d| d.to_string()).unwrap_or_default());
        push("to", self.to.map(|d| d.to_string()).unwrap_or_default());
        push(
            "aspect",
            self.aspect
                .map(|a| a.as_str().to_owned())
                .unwrap_or_default(),
        );
        for tag in &self.tags {
            push("tag", tag.clone());
        }
        push(
            "starred",
            if self.starred {
                "1".into()
            } else {
                String::new()
            },
        );
        push(
            "gallery",
            self.gallery.map(|g| g.to_string()).unwrap_or_default(),
        );
        push("operation", self.operation.clone().unwrap_or_default());
        if self.sort != SortOrder::Newest {
            push("sort", self.sort.as_str().to_owned());
        }
        pairs
    }

    /// Reads a query from decoded query-string pairs; unknown keys and
    /// malformed values are dropped.
    pub fn from_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self {
        let mut query = ImageQuery::default();
        for (key, value) in pairs {
            let value = value.trim();
            if value.is_empty() {
                continue;
            }
            match key {
                "q" => query.text = truncate(value),
                "contains" => query.contains = truncate(value),
                "model" => query.model = Some(truncate(value)),
                "from" => query.from = value.parse().ok(),
                "to" => query.to = value.parse().ok(),
                "aspect" => query.aspect = Aspect::parse(value),
                "tag" => {
                    if let Ok(tag) = normalize_tag(value)
                        && !query.tags.contains(&tag)
                        && query.tags.len() < MAX_QUERY_TAGS
                    {
                        query.tags.push(tag);
                    }
                }
                "starred" => query.starred = matches!(value, "1" | "true" | "yes"),
                "gallery" => query.gallery = Uuid::parse_str(value).ok(),
                "operation" => query.operation = Some(truncate(value)),
                "sort" => query.sort = SortOrder::parse(value).unwrap_or_default(),
                _ => {}
            }
        }
        query
    }
}

fn truncate(value: &str) -> String {
    value.chars().take(MAX_SEARCH_CHARS).collect()
}

/// Longest tag, in characters.
pub const MAX_TAG_CHARS: usize = 64;

/// Normalises a tag as typed: trimmed, lowercased, inner whitespace as one
/// space. Empty, overlong, or holding control characters or commas: an
/// error on the `tag` field.
pub fn normalize_tag(raw: &str) -> Result<String, ValidationError> {
    let tag = raw
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase();
    if tag.is_empty() {
        return Err(ValidationError::new("tag", "Type a tag."));
    }
    if tag.chars().count() > MAX_TAG_CHARS {
        return Err(ValidationError::new(
            "tag",
            format!("Tags are at most {MAX_TAG_CHARS} characters."),
        ));
    }
    if tag.chars().any(|c| c.is_control() || c == ',') {
        return Err(ValidationError::new(
            "tag",
            "Tags cannot hold commas or control characters.",
        ));
    }
    Ok(tag)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_query_survives_the_query_string() {
        let query = ImageQuery {
            text: "lighthouse -night".into(),
            contains: "on a cliff".into(),
            model: Some("comfyui".into()),
            from: NaiveDate::from_ymd_opt(2026, 1, 2),
            to: NaiveDate::from_ymd_opt(2026, 3, 4),
            aspect: Some(Aspect::Portrait),
            tags: vec!["sea".into(), "night sky".into()],
            starred: true,
            gallery: Some(Uuid::from_u128(7)),
            operation: Some("import".into()),
            sort: SortOrder::Oldest,
        };
        let pairs = query.to_pairs();
        let back = ImageQuery::from_pairs(pairs.iter().map(|(k, v)| (*k, v.as_str())));
        assert_eq!(back, query);
    }

    #[test]
    fn defaults_leave_the_query_string_empty() {
        assert!(ImageQuery::default().to_pairs().is_empty());
        assert!(!ImageQuery::default().is_filtered());
        let sorted = ImageQuery {
            sort: SortOrder::Starred,
            ..ImageQuery::default()
        };
        assert!(!sorted.is_filtered());
        assert_eq!(sorted.to_pairs(), vec![("sort", "starred".to_owned())]);
    }

    #[test]
    fn malformed_values_are_dropped_not_fatal() {
        let query = ImageQuery::from_pairs([
            ("from", "yesterday"),
            ("aspect", "round"),
            ("gallery", "not-a-uuid"),
            ("sort", "random"),
            ("tag", "  Sea   Side "),
            ("tag", "sea side"),
            ("tag", "a,b"),
            ("unknown", "x"),
        ]);
        assert_eq!(query.from, None);
        assert_eq!(query.aspect, None);
        assert_eq!(query.gallery, None);
        assert_eq!(query.sort, SortOrder::Newest);
        assert_eq!(query.tags, vec!["sea side".to_owned()]);
    }

    #[test]
    fn validation_names_the_field() {
        let long = ImageQuery {
            text: "x".repeat(MAX_SEARCH_CHARS + 1),
            ..ImageQuery::default()
        };
        assert_eq!(long.validate().unwrap_err().field, "q");
        let backwards = ImageQuery {
            from: NaiveDate::from_ymd_opt(2026, 5, 1),
            to: NaiveDate::from_ymd_opt(2026, 4, 1),
            ..ImageQuery::default()
        };
        assert_eq!(backwards.validate().unwrap_err().field, "to");
        assert!(ImageQuery::default().validate().is_ok());
    }

    #[test]
    fn tags_are_normalised_or_refused() {
        assert_eq!(normalize_tag(" Night\tSky ").unwrap(), "night sky");
        assert!(normalize_tag("   ").is_err());
        assert!(normalize_tag(&"t".repeat(MAX_TAG_CHARS + 1)).is_err());
        assert!(normalize_tag("a\u{0}b").is_err());
    }
}
