//! The prompt language: templates with variables, dynamic choices and
//! wildcards, AUTOMATIC1111 attention weights, style presets, and the data
//! behind the prompt builder.
//!
//! # Syntax
//!
//! | Syntax | Meaning |
//! |---|---|
//! | `a red fox` | Plain text passes through. |
//! | `{subject}`, `{subject=a red fox}` | A variable, with an optional default (which may hold any syntax). |
//! | `{red\|green\|blue}` | Picks one option. Options may be empty (`{a\|}`) and nest (`{a {b\|c}\|d}`). |
//! | `{2$$a\|b\|c}` | Picks 2 distinct options, joined by `", "`. |
//! | `{1-3$$…}`, `{-2$$…}`, `{2-$$…}` | Picks a number in a range: `-2` is 1 to 2, `2-` is 2 to all. A range may start at 0. |
//! | `{2$$ and $$a\|b\|c}` | A custom joiner. |
//! | `{0.5::a\|2::b}` | Weighted options: random picks favour heavier ones (weight 1 by default, precision 0.001). |
//! | `__animal__`, `__colors/warm__` | A random entry of a wildcard list (each entry is itself syntax). |
//! | `{2$$__animal__}` | A group whose only option is a wildcard picks from the list's entries. |
//! | `(word)`, `((word))`, `(word:1.2)`, `[word]` | AUTOMATIC1111 attention, kept as written in the output. |
//! | `\(` `\)` `\[` `\]` `\{` `\}` `\|` `\\` | Escapes. |
//!
//! Decisions where the syntax is ambiguous:
//!
//! - A brace group is a variable only when its whole content is a name
//!   (`[A-Za-z_][A-Za-z0-9_]*`), optionally followed by `=default`, with no
//!   top-level `|`: `{ subject }` (with spaces) is a one-option group, and
//!   `{a=b|c}` is a group of the options `a=b` and `c`.
//! - `|` separates options only directly inside braces. Inside `(…)` or
//!   `[…]` it is text, so AUTOMATIC1111 alternation `[cow|horse]` passes
//!   through.
//! - The count must follow the `{` directly (`{2$$…}`, not `{ 2$$…}`). A
//!   count above the number of options is clamped to it. `{0$$…}`, `{$$…}`,
//!   `{3-1$$…}` and a range ending at 0 are errors.
//! - `(…:w)` has a weight when the text after its last `:` is made of
//!   digits, signs, dots and spaces; then it must be a number, so `(fox:)`
//!   and `(fox:1.2.3)` are errors while `(a:b)` is text.
//! - A wildcard name runs from `__` to the next `__` and may not start with
//!   `_`; `__` with no closing `__` is text.
//! - Supplied variable values are plain text (not parsed); a blank value
//!   counts as missing, so the default applies.
//! - `{` `}` `(` `)` `[` `]` must balance. Nesting deeper than
//!   [`MAX_NESTING`] is an error.
//!
//! Expanded prompts are tidied: runs of spaces collapse, spaces before a
//! comma go, `", ,"` becomes `","`, and spaces and commas are trimmed from
//! the ends. When a group picks several options, options that came out
//! empty are skipped rather than joined.

mod ast;
pub mod builder;
mod combinations;
mod emit;
mod error;
mod expand;
mod parse;
mod resolve;
mod rng;
pub mod styles;
mod tidy;
mod weights;

#[cfg(test)]
mod tests;

pub use ast::{Prompt, VariableRef};
pub use error::{PromptError, PromptErrorKind};
pub use expand::{
    Count, ExpandOptions, ExpansionMode, MAX_EXPANDED_CHARS, MAX_WILDCARD_DEPTH, WildcardLists,
    count, expand,
};
pub use parse::{MAX_NESTING, parse};
pub use weights::{strip_weights, weighted_terms};
