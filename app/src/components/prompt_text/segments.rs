//! Splits a prompt into plain text and the pieces of syntax to highlight,
//! following the parser's rules for where a group, a variable and a
//! wildcard begin and end (see `easel_domain::prompt`).

use easel_domain::prompt::parse;

/// What a piece of a prompt is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SegmentKind {
    /// Plain text (attention brackets included).
    Text,
    /// `{name}` or `{name=default}`.
    Variable,
    /// `{a|b}`, `{2$$a|b|c}` and other brace groups, nested ones inside.
    Choice,
    /// `__name__`.
    Wildcard,
}

impl SegmentKind {
    /// A stable name, for `data-` attributes and tests.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Text => "text",
            Self::Variable => "variable",
            Self::Choice => "choice",
            Self::Wildcard => "wildcard",
        }
    }
}

/// A run of the prompt's source text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment {
    /// What it is.
    pub kind: SegmentKind,
    /// Its text, exactly as written.
    pub text: String,
}

/// The prompt in order, as segments whose texts join back into it. A
/// prompt that does not parse is one plain segment (its syntax means
/// nothing yet).
pub fn segments(prompt: &str) -> Vec<Segment> {
    let mut out = Segments::default();
    if parse(prompt).is_err() {
        out.push(SegmentKind::Text, prompt);
        return out.0;
    }
    let chars: Vec<char> = prompt.chars().collect();
    let mut at = 0;
    while at < chars.len() {
        let (kind, end) = match chars[at] {
            '\\' => (SegmentKind::Text, at + escape_len(&chars, at)),
            '{' => match closing_brace(&chars, at) {
                Some(close) if is_variable(&chars[at + 1..close]) => {
                    (SegmentKind::Variable, close + 1)
                }
                Some(close) => (SegmentKind::Choice, close + 1),
                None => (SegmentKind::Text, at + 1),
            },
            '_' => match wildcard_end(&chars, at) {
                Some(end) => (SegmentKind::Wildcard, end),
                None => (SegmentKind::Text, at + 1),
            },
            _ => (SegmentKind::Text, at + 1),
        };
        let end = end.min(chars.len());
        out.push(kind, &chars[at..end].iter().collect::<String>());
        at = end;
    }
    out.0
}

/// Segments, neighbouring text merged.
#[derive(Default)]
struct Segments(Vec<Segment>);

impl Segments {
    fn push(&mut self, kind: SegmentKind, text: &str) {
        if text.is_empty() {
            return;
        }
        match self.0.last_mut() {
            Some(last) if kind == SegmentKind::Text && last.kind == SegmentKind::Text => {
                last.text.push_str(text);
            }
            _ => self.0.push(Segment {
                kind,
                text: text.to_owned(),
            }),
        }
    }
}

/// How many chars the backslash at `at` takes: two when it escapes one of
/// the language's characters, else one (a literal backslash).
fn escape_len(chars: &[char], at: usize) -> usize {
    match chars.get(at + 1) {
        Some('{' | '}' | '|' | '(' | ')' | '[' | ']' | '\\') => 2,
        _ => 1,
    }
}

/// The `}` closing the `{` at `open`.
fn closing_brace(chars: &[char], open: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut at = open;
    while at < chars.len() {
        match chars[at] {
            '\\' => {
                at += escape_len(chars, at);
                continue;
            }
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth == 0 {
                    return Some(at);
                }
            }
            _ => {}
        }
        at += 1;
    }
    None
}

/// Whether a brace group's content makes it a variable: a name, then
/// nothing or `=` and a default with no `|` directly inside the braces.
fn is_variable(inner: &[char]) -> bool {
    let name_len = match inner.first() {
        Some(c) if c.is_ascii_alphabetic() || *c == '_' => {
            1 + inner[1..]
                .iter()
                .take_while(|c| c.is_ascii_alphanumeric() || **c == '_')
                .count()
        }
        _ => return false,
    };
    match inner.get(name_len) {
        None => true,
        Some('=') => !has_top_level_bar(&inner[name_len + 1..]),
        Some(_) => false,
    }
}

/// Whether `text` has a `|` outside every bracket (and not escaped).
fn has_top_level_bar(text: &[char]) -> bool {
    let mut depth = 0usize;
    let mut at = 0;
    while at < text.len() {
        match text[at] {
            '\\' => {
                at += escape_len(text, at);
                continue;
            }
            '{' | '(' | '[' => depth += 1,
            '}' | ')' | ']' => depth = depth.saturating_sub(1),
            '|' if depth == 0 => return true,
            _ => {}
        }
        at += 1;
    }
    false
}

/// One past the `__name__` starting at `at`, if one does: the name runs to
/// the next `__`, holds only letters, digits, `_`, `-` and `/`, and does
/// not start with `_`.
fn wildcard_end(chars: &[char], at: usize) -> Option<usize> {
    let is_name_char = |c: char| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '/');
    let first = *chars.get(at + 2)?;
    if chars.get(at + 1) != Some(&'_') || first == '_' || !is_name_char(first) {
        return None;
    }
    let mut end = at + 2;
    while let Some(&c) = chars.get(end) {
        if !is_name_char(c) {
            return None;
        }
        if c == '_' && chars.get(end + 1) == Some(&'_') {
            return Some(end + 2);
        }
        end += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(prompt: &str) -> Vec<(&'static str, String)> {
        segments(prompt)
            .into_iter()
            .map(|s| (s.kind.as_str(), s.text))
            .collect()
    }

    fn owned(pairs: &[(&'static str, &str)]) -> Vec<(&'static str, String)> {
        pairs.iter().map(|(k, t)| (*k, (*t).to_owned())).collect()
    }

    #[test]
    fn variables_choices_and_wildcards_are_picked_out() {
        assert_eq!(
            kinds("portrait of {subject=a fox}, {soft|hard} light, __animal__"),
            owned(&[
                ("text", "portrait of "),
                ("variable", "{subject=a fox}"),
                ("text", ", "),
                ("choice", "{soft|hard}"),
                ("text", " light, "),
                ("wildcard", "__animal__"),
            ])
        );
    }

    #[test]
    fn the_segments_join_back_into_the_prompt() {
        for prompt in [
            "",
            "plain",
            "{2$$ and $$a|b|c} (fox:1.2) [cow|horse] __colors/warm__ end",
            r"\{not a group\} a\_b __x__y {a {b|c}|d}",
        ] {
            let joined: String = segments(prompt).into_iter().map(|s| s.text).collect();
            assert_eq!(joined, prompt);
        }
    }

    #[test]
    fn groups_follow_the_parser_s_rules() {
        // A variable is a bare name, optionally with a default.
        assert_eq!(kinds("{subject}"), owned(&[("variable", "{subject}")]));
        // A top-level `|` makes a group, even after `=`.
        assert_eq!(kinds("{a=b|c}"), owned(&[("choice", "{a=b|c}")]));
        // Inside brackets `|` is text, so this is still a variable.
        assert_eq!(kinds("{a=(b|c)}"), owned(&[("variable", "{a=(b|c)}")]));
        // Spaces, counts and wildcards make groups.
        assert_eq!(kinds("{ subject }"), owned(&[("choice", "{ subject }")]));
        assert_eq!(
            kinds("{2$$__animal__}"),
            owned(&[("choice", "{2$$__animal__}")])
        );
        // Nested groups stay inside their outer group.
        assert_eq!(
            kinds("{a {b|c}|d}!"),
            owned(&[("choice", "{a {b|c}|d}"), ("text", "!")])
        );
    }

    #[test]
    fn escapes_and_stray_underscores_are_text() {
        assert_eq!(kinds(r"\{a\}"), owned(&[("text", r"\{a\}")]));
        assert_eq!(
            kinds("snake_case and __ alone"),
            owned(&[("text", "snake_case and __ alone")])
        );
        assert_eq!(
            kinds("___a__"),
            owned(&[("text", "_"), ("wildcard", "__a__")])
        );
    }

    #[test]
    fn a_prompt_that_does_not_parse_is_plain() {
        assert_eq!(kinds("broken {a|b"), owned(&[("text", "broken {a|b")]));
    }
}
