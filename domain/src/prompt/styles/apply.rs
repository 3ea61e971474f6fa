//! Applying styles to a prompt, and checking the styles users write.

use super::StyleSpec;
use crate::ValidationError;
use crate::prompt::parse;

/// Where a style's template puts the prompt.
pub const PROMPT_PLACEHOLDER: &str = "{prompt}";

/// Longest style name, in chars.
pub const MAX_STYLE_NAME_CHARS: usize = 60;

/// Longest positive or negative template of a user style, in chars.
pub const MAX_STYLE_PROMPT_CHARS: usize = 2000;

/// Applies `styles` in order to a prompt and its negative prompt.
///
/// Each style wraps the result so far: `{prompt}` in its template is
/// replaced by it (a template without `{prompt}` is appended after `", "`).
/// The negative prompts (the user's first) are joined with `", "`, term by
/// term, dropping empty terms and terms already present (ignoring case and
/// extra spaces). Commas inside brackets do not split terms.
pub fn apply_styles(prompt: &str, negative: &str, styles: &[StyleSpec]) -> (String, String) {
    let mut positive = prompt.trim().to_owned();
    for style in styles {
        let template = style.positive.trim();
        positive = if template.contains(PROMPT_PLACEHOLDER) {
            template.replace(PROMPT_PLACEHOLDER, &positive)
        } else if template.is_empty() {
            positive
        } else if positive.is_empty() {
            template.to_owned()
        } else {
            format!("{positive}, {template}")
        };
    }
    let positive = positive.trim_matches(|c: char| c.is_whitespace() || c == ',');
    let negatives = std::iter::once(negative).chain(styles.iter().map(|s| s.negative.as_str()));
    (positive.to_owned(), join_terms(negatives))
}

/// Joins the terms of several comma-separated lists, each term once.
fn join_terms<'a>(lists: impl Iterator<Item = &'a str>) -> String {
    let mut seen: Vec<String> = Vec::new();
    let mut terms: Vec<&str> = Vec::new();
    for term in lists.flat_map(split_terms) {
        let key = term
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase();
        if !key.is_empty() && !seen.contains(&key) {
            seen.push(key);
            terms.push(term);
        }
    }
    terms.join(", ")
}

/// Splits on commas outside brackets, trimming each term.
fn split_terms(list: &str) -> Vec<&str> {
    let mut terms = Vec::new();
    let mut depth = 0usize;
    let mut from = 0;
    let mut escaped = false;
    for (at, c) in list.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            '(' | '[' | '{' => depth += 1,
            ')' | ']' | '}' => depth = depth.saturating_sub(1),
            ',' if depth == 0 => {
                terms.push(list[from..at].trim());
                from = at + 1;
            }
            _ => {}
        }
    }
    terms.push(list[from..].trim());
    terms
}

/// Checks a style the user wrote: a name of 1 to 60 chars, templates of at
/// most 2000 chars that parse as prompt syntax, and at least one template.
pub fn validate_style(
    name: &str,
    positive: &str,
    negative: &str,
) -> Result<(), Vec<ValidationError>> {
    let mut errors = Vec::new();
    let name_chars = name.trim().chars().count();
    if name_chars == 0 {
        errors.push(ValidationError::new("name", "Give the style a name."));
    } else if name_chars > MAX_STYLE_NAME_CHARS {
        errors.push(ValidationError::new(
            "name",
            format!("Use at most {MAX_STYLE_NAME_CHARS} characters."),
        ));
    }
    check_template("positive", positive, &mut errors);
    check_template("negative", negative, &mut errors);
    if positive.trim().is_empty() && negative.trim().is_empty() {
        errors.push(ValidationError::new(
            "positive",
            "Write a positive or a negative prompt for the style.",
        ));
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

fn check_template(field: &str, template: &str, errors: &mut Vec<ValidationError>) {
    if template.chars().count() > MAX_STYLE_PROMPT_CHARS {
        errors.push(ValidationError::new(
            field,
            format!("Use at most {MAX_STYLE_PROMPT_CHARS} characters."),
        ));
    } else if let Err(error) = parse(template) {
        errors.push(ValidationError::new(
            field,
            format!("{} (at character {})", error.message, error.start + 1),
        ));
    }
}
