//! The one error the prompt language returns, with a span the editor can
//! underline.

use serde::{Deserialize, Serialize};

/// What went wrong, for code that reacts to the kind rather than the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PromptErrorKind {
    /// A `{`, `(` or `[` that is never closed.
    Unclosed,
    /// A `}`, `)` or `]` with nothing to close.
    Unopened,
    /// `{}` or `{=default}`: a variable without a name.
    EmptyVariableName,
    /// `{subject}` with no value supplied and no default.
    MissingVariable,
    /// A count such as `{0$$…}`, `{3-1$$…}` or `{$$…}`.
    BadCount,
    /// A weight that is not a number, such as `(fox:1.2.3)` or `{x::a}`.
    InvalidWeight,
    /// `__name__` naming a list that was not supplied.
    UnknownWildcard,
    /// `__name__` naming a list with no entries.
    EmptyWildcardList,
    /// An entry of a wildcard list that does not parse.
    InvalidWildcardEntry,
    /// A wildcard list that refers back to itself.
    WildcardCycle,
    /// Groups nested too deeply, or wildcards more than 16 lists deep.
    TooDeep,
    /// An expanded prompt longer than the limit.
    TooLong,
    /// A prompt that would take too much work to expand.
    TooComplex,
}

/// A problem in a prompt, with the characters it concerns.
///
/// `start..end` are offsets in `char`s (not bytes) into the source the user
/// typed; errors found inside a wildcard list's entry point at the
/// `__name__` that pulled the list in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error("{message}")]
pub struct PromptError {
    /// The kind of problem.
    pub kind: PromptErrorKind,
    /// A sentence a person can act on, e.g. "This `{` is never closed."
    pub message: String,
    /// First character concerned, in chars.
    pub start: usize,
    /// One past the last character concerned, in chars.
    pub end: usize,
}

impl PromptError {
    /// Builds an error over the chars `start..end`.
    pub fn new(
        kind: PromptErrorKind,
        message: impl Into<String>,
        start: usize,
        end: usize,
    ) -> Self {
        Self {
            kind,
            message: message.into(),
            start,
            end,
        }
    }
}

/// A range of chars in a prompt's source.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Span {
    /// First char.
    pub start: usize,
    /// One past the last char.
    pub end: usize,
}

impl Span {
    /// The chars `start..end`.
    pub fn new(start: usize, end: usize) -> Self {
        Self { start, end }
    }

    /// An error of `kind` over this span.
    pub fn error(self, kind: PromptErrorKind, message: impl Into<String>) -> PromptError {
        PromptError::new(kind, message, self.start, self.end)
    }
}
