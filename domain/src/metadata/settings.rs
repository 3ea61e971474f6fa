//! The settings line: `Steps: 20, Sampler: Euler a, CFG scale: 7`.
//!
//! Parsing follows AUTOMATIC1111's pattern
//! `\s*(\w[\w \-/]+):\s*("(?:\\.|[^\\"])+"|[^,]*)(?:,|$)`, scanned like
//! Python's `findall`, written out by hand so the domain needs no regex crate.

use super::quote;

/// Keys AUTOMATIC1111 always writes; one of them makes a short line count as
/// settings rather than prompt text.
const KNOWN_KEYS: &[&str] = &[
    "Steps",
    "Sampler",
    "CFG scale",
    "Seed",
    "Size",
    "Model",
    "Model hash",
    "Denoising strength",
];

/// Writes the settings line; a value equal to its key is written bare.
pub(super) fn format_line(settings: &[(String, String)]) -> String {
    let parts: Vec<String> = settings
        .iter()
        .map(|(key, value)| {
            let key: String = key
                .chars()
                .map(|c| {
                    if matches!(c, ',' | ':' | '\n' | '\r') {
                        ' '
                    } else {
                        c
                    }
                })
                .collect();
            let key = key.trim();
            if key == value {
                key.to_owned()
            } else if quote::needs_quotes(value) {
                format!("{key}: {}", quote::quote(value))
            } else {
                format!("{key}: {}", value.trim())
            }
        })
        .collect();
    parts.join(", ")
}

/// Reads a settings line. Like AUTOMATIC1111, a line with three or more
/// `key: value` pairs is settings; so is a shorter line made only of pairs
/// with a well-known key (so short lines Easel writes read back too).
pub(super) fn parse_line(line: &str) -> Option<Vec<(String, String)>> {
    let chars: Vec<char> = line.chars().collect();
    let mut found = Vec::new();
    let mut only_pairs = true;
    let mut i = 0;
    while i < chars.len() {
        match match_pair(&chars, i) {
            Ok((key, value, end)) => {
                found.push((key, value));
                i = end;
            }
            Err(resume) => {
                // Every start before `resume` fails the same way, so the
                // scan skips them: linear, where retrying each character of
                // a long run of key characters was quadratic.
                let resume = resume.max(i + 1).min(chars.len());
                only_pairs &= chars[i..resume].iter().all(|c| c.is_whitespace());
                i = resume;
            }
        }
    }
    let known = found
        .iter()
        .any(|(key, _)| KNOWN_KEYS.contains(&key.as_str()));
    (found.len() >= 3 || (!found.is_empty() && only_pairs && known)).then_some(found)
}

/// Matches one pair starting at `start`: the key, the unquoted value and the
/// index just past the pair and its comma. When there is no pair there,
/// the index the next try should start from: no start before it can match,
/// since each would scan the same run of key characters to the same
/// character that is not a colon.
fn match_pair(chars: &[char], start: usize) -> Result<(String, String, usize), usize> {
    let mut i = start;
    while i < chars.len() && chars[i].is_whitespace() {
        i += 1;
    }
    let key_start = i;
    match chars.get(i) {
        Some(&c) if is_word(c) => {}
        _ => return Err(start + 1),
    }
    i += 1;
    let rest_start = i;
    while i < chars.len() && (is_word(chars[i]) || matches!(chars[i], ' ' | '-' | '/')) {
        i += 1;
    }
    if i == rest_start || chars.get(i) != Some(&':') {
        return Err(i);
    }
    let key: String = chars[key_start..i].iter().collect();
    i += 1;
    while i < chars.len() && chars[i].is_whitespace() {
        i += 1;
    }
    let (raw, end) = match quoted_end(chars, i) {
        Some(end) => (&chars[i..end], end),
        None => {
            let end = chars[i..]
                .iter()
                .position(|&c| c == ',')
                .map_or(chars.len(), |p| i + p);
            (&chars[i..end], end)
        }
    };
    let raw: String = raw.iter().collect();
    let raw = raw.trim();
    let value = quote::unquote(raw).unwrap_or_else(|| raw.to_owned());
    let next = if chars.get(end) == Some(&',') {
        end + 1
    } else {
        end
    };
    Ok((key.trim().to_owned(), value, next))
}

/// The end of a quoted value at `start` (just past its closing quote), when
/// one is there and is followed by a comma or the end of the line.
fn quoted_end(chars: &[char], start: usize) -> Option<usize> {
    if chars.get(start) != Some(&'"') {
        return None;
    }
    let mut i = start + 1;
    loop {
        match chars.get(i)? {
            '\\' if i + 1 < chars.len() => i += 2,
            '"' if i > start + 1 => break,
            '"' => return None,
            _ => i += 1,
        }
    }
    let end = i + 1;
    matches!(chars.get(end), None | Some(',')).then_some(end)
}

/// Python's `\w`: letters, digits and the underscore.
fn is_word(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}
