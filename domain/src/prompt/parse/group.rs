//! Brace groups: `{a|b}`, `{2$$a|b|c}`, `{1-3$$ and $$a|b}`, `{0.5::a|b}`,
//! and the variables `{name}` / `{name=default}` that share their braces.

use super::{Opener, Parser, Stop, unclosed};
use crate::prompt::ast::{Choice, CountSpec, Group, Node, Variable};
use crate::prompt::error::{PromptError, PromptErrorKind, Span};

/// What goes between several picks unless the group names a joiner.
pub const DEFAULT_JOINER: &str = ", ";

impl Parser<'_> {
    /// A brace group or a variable, the cursor on its `{`.
    pub(super) fn group(&mut self) -> Result<Node, PromptError> {
        let start = self.pos;
        self.enter(Opener::Brace)?;
        let count = self.count_spec(start)?;
        let joiner = match count {
            Some(_) => self.joiner(),
            None => None,
        };
        let mut options = Vec::new();
        loop {
            let weight = self.option_weight()?;
            let parsed = self.sequence()?;
            options.push(Choice {
                weight,
                nodes: parsed.nodes,
            });
            match parsed.stop {
                Stop::Bar => {}
                Stop::Close => break,
                Stop::End => return Err(unclosed(Opener::Brace, start)),
            }
        }
        self.open.pop();
        let span = Span::new(start, self.pos);
        if count.is_none()
            && let [choice] = options.as_slice()
            && choice.weight.is_none()
            && let Some(variable) = self.variable(choice, span)?
        {
            return Ok(Node::Variable(variable));
        }
        Ok(Node::Group(Group {
            count,
            joiner: joiner.unwrap_or_else(|| DEFAULT_JOINER.to_owned()),
            options,
            span,
        }))
    }

    /// Reads `N$$`, `N-M$$`, `-M$$` or `N-$$` right after the `{`; leaves the
    /// cursor alone when there is none.
    fn count_spec(&mut self, start: usize) -> Result<Option<CountSpec>, PromptError> {
        let save = self.pos;
        let low = self.number();
        let dash = self.peek(0) == Some('-');
        if dash {
            self.pos += 1;
        }
        let high = if dash { self.number() } else { None };
        if self.peek(0) != Some('$') || self.peek(1) != Some('$') {
            self.pos = save;
            return Ok(None);
        }
        self.pos += 2;
        let bad =
            |message: &str| Span::new(start, self.pos).error(PromptErrorKind::BadCount, message);
        let spec = match (low, dash, high) {
            (None, false, _) => {
                return Err(bad("Put how many to pick before `$$`, e.g. `{2$$a|b|c}`."));
            }
            (Some(0), false, _) => return Err(bad("`{0$$…}` picks nothing; pick at least 1.")),
            (Some(n), false, _) => CountSpec {
                min: n,
                max: Some(n),
            },
            (None, true, None) => {
                return Err(bad("Give at least one end of the range, e.g. `{1-3$$…}`."));
            }
            (_, true, Some(0)) => return Err(bad("A range must allow at least 1 pick.")),
            (Some(low), true, Some(high)) if low > high => {
                return Err(bad(
                    "This range runs backwards; put the smaller number first.",
                ));
            }
            (low, true, high) => CountSpec {
                min: low.unwrap_or(1),
                max: high,
            },
        };
        Ok(Some(spec))
    }

    /// A run of digits, saturating at `u32::MAX` (counts are clamped to the
    /// number of options anyway).
    fn number(&mut self) -> Option<u32> {
        let mut value: Option<u32> = None;
        while let Some(digit) = self.peek(0).and_then(|c| c.to_digit(10)) {
            let so_far = value.unwrap_or(0);
            value = Some(so_far.saturating_mul(10).saturating_add(digit));
            self.pos += 1;
        }
        value
    }

    /// The ` and ` of `{2$$ and $$a|b}`: plain text up to a second `$$`
    /// before any syntax char.
    fn joiner(&mut self) -> Option<String> {
        let mut end = self.pos;
        while let Some(&c) = self.chars.get(end) {
            if matches!(c, '{' | '}' | '|' | '\\' | '(' | ')' | '[' | ']') {
                return None;
            }
            if c == '$' && self.chars.get(end + 1) == Some(&'$') {
                let joiner = self.chars[self.pos..end].iter().collect();
                self.pos = end + 2;
                return Some(joiner);
            }
            end += 1;
        }
        None
    }

    /// The `0.5` of `{0.5::a|b}`, leaving the cursor alone when the option
    /// has no weight.
    fn option_weight(&mut self) -> Result<Option<f64>, PromptError> {
        let start = self.pos;
        let mut end = start;
        while self.chars.get(end) == Some(&' ') {
            end += 1;
        }
        let number_from = end;
        while self
            .chars
            .get(end)
            .is_some_and(|c| c.is_ascii_digit() || *c == '.')
        {
            end += 1;
        }
        let number: String = self.chars[number_from..end].iter().collect();
        while self.chars.get(end) == Some(&' ') {
            end += 1;
        }
        if number.is_empty() || self.chars.get(end..end + 2) != Some(&[':', ':'][..]) {
            return Ok(None);
        }
        self.pos = end + 2;
        match number.parse::<f64>() {
            Ok(weight) if weight.is_finite() => Ok(Some(weight)),
            _ => Err(Span::new(start, self.pos).error(
                PromptErrorKind::InvalidWeight,
                format!("`{number}` is not a weight; write a number such as `{{0.5::a|b}}`."),
            )),
        }
    }

    /// Reads a one-option group as a variable when its text is `name` or
    /// `name=default`.
    fn variable(&self, choice: &Choice, span: Span) -> Result<Option<Variable>, PromptError> {
        let empty_name = || {
            span.error(
                PromptErrorKind::EmptyVariableName,
                "Put a variable name (or some options) between `{` and `}`.",
            )
        };
        let Some((first, rest)) = choice.nodes.split_first() else {
            return Err(empty_name());
        };
        let Node::Text(text) = first else {
            return Ok(None);
        };
        let name_len = variable_name_len(text);
        let name = &text[..name_len];
        let (default, default_source) = match text[name_len..].chars().next() {
            None if rest.is_empty() => (None, None),
            Some('=') if name_len == 0 => return Err(empty_name()),
            Some('=') => {
                let mut default = Vec::with_capacity(rest.len() + 1);
                let head = &text[name_len + 1..];
                if !head.is_empty() {
                    default.push(Node::Text(head.to_owned()));
                }
                default.extend(rest.iter().cloned());
                // The name is ASCII, so its byte length is its char length.
                let from = span.start + 1 + name_len + 1;
                let source = self.chars[from..span.end - 1].iter().collect();
                (Some(default), Some(source))
            }
            _ => return Ok(None),
        };
        Ok(Some(Variable {
            name: name.to_owned(),
            default,
            default_source,
            span,
        }))
    }
}

/// The length of the `[A-Za-z_][A-Za-z0-9_]*` name at the start of `text`.
fn variable_name_len(text: &str) -> usize {
    let mut chars = text.chars();
    match chars.next() {
        Some(c) if c.is_ascii_alphabetic() || c == '_' => {
            1 + chars
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .count()
        }
        _ => 0,
    }
}
