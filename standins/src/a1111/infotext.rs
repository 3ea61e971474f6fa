//! The infotext ("parameters") A1111 writes into every PNG and returns in
//! `info.infotexts`, and its reader (for `/png-info`).
//!
//! Layout (§3.7): the prompt (may span lines), an optional
//! `Negative prompt: …` line, then one line of `key: value` pairs joined by
//! `", "`. `None` values are left out, a value containing `,`, `:`, `"` or
//! a newline is written as a JSON string, and a pair whose key equals its
//! value is written as the bare key.

use serde_json::{Map, Value};

/// One image's settings line, in A1111's fixed order, as `(key, value)`;
/// `None` values are left out when written.
pub type Pairs = Vec<(String, Option<String>)>;

/// Writes an infotext.
pub fn format_infotext(prompt: &str, negative_prompt: &str, pairs: &Pairs) -> String {
    let line: Vec<String> = pairs
        .iter()
        .filter_map(|(key, value)| value.as_ref().map(|v| (key, v)))
        .map(|(key, value)| {
            if key == value {
                key.clone()
            } else {
                format!("{key}: {}", quote(value))
            }
        })
        .collect();
    let negative = if negative_prompt.is_empty() {
        String::new()
    } else {
        format!("\nNegative prompt: {negative_prompt}")
    };
    format!("{prompt}{negative}\n{}", line.join(", "))
        .trim()
        .to_owned()
}

/// A1111's `quote`: JSON-quotes values that would break the line.
pub fn quote(value: &str) -> String {
    if value.contains([',', ':', '"', '\n']) {
        serde_json::to_string(value).unwrap_or_else(|_| value.to_owned())
    } else {
        value.to_owned()
    }
}

/// `str(x)` of a Python float: `7.0`, `0.75`.
pub fn py_float(value: f64) -> String {
    if value.fract() == 0.0 && value.abs() < 1e16 {
        format!("{value:.1}")
    } else {
        format!("{value}")
    }
}

/// `repr(s)` of a Python string (single quotes unless it holds one).
pub fn py_repr(text: &str) -> String {
    if text.contains('\'') && !text.contains('"') {
        format!("\"{text}\"")
    } else {
        format!("'{}'", text.replace('\\', "\\\\").replace('\'', "\\'"))
    }
}

/// Reads an infotext the way `parse_generation_parameters` does: `Prompt`,
/// `Negative prompt`, every `key: value` of the last line (if it holds at
/// least 3 pairs), `Size`-like values split into `-1`/`-2`, and the
/// defaults A1111 fills in for keys that are absent.
pub fn parse_infotext(text: &str) -> Map<String, Value> {
    let mut lines: Vec<&str> = text.trim().split('\n').collect();
    let last = lines.pop().unwrap_or_default();
    let mut pairs = parse_pairs(last);
    if pairs.len() < 3 {
        lines.push(last);
        pairs.clear();
    }
    let (mut prompt, mut negative, mut in_negative) = (String::new(), String::new(), false);
    for line in lines {
        let mut line = line.trim();
        if let Some(rest) = line.strip_prefix("Negative prompt:") {
            in_negative = true;
            line = rest.trim();
        }
        let target = if in_negative {
            &mut negative
        } else {
            &mut prompt
        };
        if !target.is_empty() {
            target.push('\n');
        }
        target.push_str(line);
    }
    let mut out = Map::new();
    out.insert("Prompt".into(), prompt.into());
    out.insert("Negative prompt".into(), negative.into());
    for (key, value) in pairs {
        match split_size(&value) {
            Some((a, b)) => {
                out.insert(format!("{key}-1"), a.into());
                out.insert(format!("{key}-2"), b.into());
            }
            None => {
                out.insert(key, value.into());
            }
        }
    }
    for (key, default) in [
        ("Clip skip", Value::from("1")),
        ("Hires resize-1", Value::from(0)),
        ("Hires resize-2", Value::from(0)),
        ("Hires sampler", Value::from("Use same sampler")),
        ("Hires checkpoint", Value::from("Use same checkpoint")),
        ("Mask mode", Value::from("Inpaint masked")),
        ("Masked content", Value::from("original")),
        ("Inpaint area", Value::from("Whole picture")),
        ("Masked area padding", Value::from(32)),
        ("RNG", Value::from("GPU")),
        ("Schedule type", Value::from("Automatic")),
        ("Emphasis", Value::from("Original")),
    ] {
        out.entry(key.to_owned()).or_insert(default);
    }
    out
}

/// The `key: value` pairs of a settings line (A1111's `re_param`:
/// `\s*(\w[\w \-/]+):\s*("(?:\\.|[^\\"])+"|[^,]*)(?:,|$)`).
fn parse_pairs(line: &str) -> Vec<(String, String)> {
    let mut pairs = Vec::new();
    let mut rest = line;
    while !rest.trim().is_empty() {
        let trimmed = rest.trim_start();
        let Some(colon) = trimmed.find(':') else {
            break;
        };
        let key = &trimmed[..colon];
        let valid_key = key.len() >= 2
            && key
                .chars()
                .next()
                .is_some_and(|c| c.is_alphanumeric() || c == '_')
            && key
                .chars()
                .all(|c| c.is_alphanumeric() || matches!(c, '_' | ' ' | '-' | '/'));
        let after = trimmed[colon + 1..].trim_start();
        let (value, remaining) = take_value(after);
        if valid_key {
            pairs.push((key.to_owned(), value));
        }
        rest = remaining;
    }
    pairs
}

/// One value: a JSON string, or everything up to the next comma.
fn take_value(text: &str) -> (String, &str) {
    if text.starts_with('"') {
        let mut escaped = false;
        for (index, ch) in text.char_indices().skip(1) {
            match (escaped, ch) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => {
                    let quoted = &text[..=index];
                    let value = serde_json::from_str::<String>(quoted)
                        .unwrap_or_else(|_| quoted.to_owned());
                    let rest = text[index + 1..].trim_start();
                    return (value, rest.strip_prefix(',').unwrap_or(rest));
                }
                _ => {}
            }
        }
    }
    match text.find(',') {
        Some(comma) => (text[..comma].to_owned(), &text[comma + 1..]),
        None => (text.to_owned(), ""),
    }
}

/// `"512x768"` → `("512", "768")`.
fn split_size(value: &str) -> Option<(String, String)> {
    let (a, b) = value.split_once('x')?;
    let digits = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_digit());
    (digits(a) && digits(b)).then(|| (a.to_owned(), b.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(list: &[(&str, Option<&str>)]) -> Pairs {
        list.iter()
            .map(|(k, v)| ((*k).to_owned(), v.map(str::to_owned)))
            .collect()
    }

    #[test]
    fn infotexts_follow_the_a1111_layout() {
        let text = format_infotext(
            "a fox\nin snow",
            "blurry, text",
            &pairs(&[
                ("Steps", Some("20")),
                ("Sampler", Some("Euler a")),
                ("Face restoration", None),
                ("Seed", Some("42")),
                ("Size", Some("512x512")),
                ("Model", Some("a:b")),
                ("Tiling", Some("Tiling")),
            ]),
        );
        assert_eq!(
            text,
            "a fox\nin snow\nNegative prompt: blurry, text\nSteps: 20, Sampler: Euler a, Seed: 42, Size: 512x512, Model: \"a:b\", Tiling"
        );
        let parsed = parse_infotext(&text);
        assert_eq!(parsed["Prompt"], "a fox\nin snow");
        assert_eq!(parsed["Negative prompt"], "blurry, text");
        assert_eq!(parsed["Model"], "a:b");
        assert_eq!(parsed["Size-1"], "512");
        assert_eq!(parsed["Steps"], "20");
    }

    #[test]
    fn python_spellings() {
        assert_eq!(py_float(7.0), "7.0");
        assert_eq!(py_float(0.75), "0.75");
        assert_eq!(py_repr("x.safetensors"), "'x.safetensors'");
    }
}
