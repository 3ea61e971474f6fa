//! Expansion: one prompt template in, the prompts to submit out.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::ast::Prompt;
use super::emit::Emitter;
use super::error::{PromptError, Span};
use super::parse::parse;
use super::resolve::resolve;
use super::rng::SplitMix64;
use super::tidy::tidy;

/// Wildcard lists by name (`colors/warm` for `__colors/warm__`); each entry
/// is itself prompt syntax.
pub type WildcardLists = BTreeMap<String, Vec<String>>;

/// Longest expanded prompt, in chars (counted before tidying). Guards
/// against wildcard explosions.
pub const MAX_EXPANDED_CHARS: usize = 100_000;

/// Deepest chain of wildcard lists referring to lists.
pub const MAX_WILDCARD_DEPTH: usize = 16;

/// How to turn a template into prompts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ExpansionMode {
    /// `count` prompts, each making its own random picks. Prompt `i` depends
    /// only on the seed and `i`, so it is the same whatever the count.
    Random {
        /// How many prompts.
        count: u32,
    },
    /// Every combination in order, stopping after `limit`. The seed is not
    /// used. The order is an odometer with the last group turning fastest:
    /// `{a|b} {c|d}` gives `a c`, `a d`, `b c`, `b d`. A group that picks
    /// several (`{2$$a|b|c}`) goes through combinations, not permutations:
    /// `a, b`, `a, c`, `b, c`, fewer picks before more.
    Combinatorial {
        /// Most prompts to give.
        limit: u32,
    },
}

/// Everything expansion needs besides the template.
#[derive(Debug, Clone, Copy)]
pub struct ExpandOptions<'a> {
    /// Random or combinatorial.
    pub mode: ExpansionMode,
    /// The seed for random picks.
    pub seed: u64,
    /// Values for `{name}` variables. A blank value counts as missing.
    /// Values are inserted as plain text, not parsed.
    pub variables: &'a BTreeMap<String, String>,
    /// The wildcard lists `__name__` may refer to.
    pub wildcards: &'a WildcardLists,
}

/// How many prompts an expansion gives, for the UI: "24 combinations
/// (showing the first 10)".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Count {
    /// How many prompts will be submitted.
    pub prompts: u32,
    /// Combinatorial: how many combinations there are, uncapped (saturating
    /// at `u64::MAX`). Random: the same as `prompts`.
    pub total: u64,
}

impl Count {
    /// Whether the limit cut the combinations short.
    pub fn is_capped(&self) -> bool {
        self.total > u64::from(self.prompts)
    }
}

/// Parses and expands `source`. Same inputs, same output, on every platform.
pub fn expand(source: &str, options: &ExpandOptions) -> Result<Vec<String>, PromptError> {
    parse(source)?.expand(options)
}

/// Parses `source` and counts the prompts [`expand`] would give, checking
/// for the same errors without writing the prompts.
pub fn count(source: &str, options: &ExpandOptions) -> Result<Count, PromptError> {
    parse(source)?.count(options)
}

impl Prompt {
    /// Expands the prompt; see [`expand`].
    pub fn expand(&self, options: &ExpandOptions) -> Result<Vec<String>, PromptError> {
        let span = Span::new(0, self.source_chars);
        match options.mode {
            ExpansionMode::Random { count } => {
                let tree = resolve(self, options.variables, options.wildcards, false)?;
                let mut prompts = Vec::with_capacity(count.min(1024) as usize);
                for index in 0..u64::from(count) {
                    let mut rng = SplitMix64::for_prompt(options.seed, index);
                    let mut out = String::new();
                    Emitter::new(span).random(&tree, &mut rng, &mut out)?;
                    prompts.push(tidy(&out));
                }
                Ok(prompts)
            }
            ExpansionMode::Combinatorial { limit } => {
                let tree = resolve(self, options.variables, options.wildcards, true)?;
                let shown = tree.total().min(u64::from(limit));
                let mut prompts = Vec::with_capacity(shown.min(1024) as usize);
                for index in 0..shown {
                    let mut out = String::new();
                    Emitter::new(span).indexed(&tree, index, &mut out)?;
                    prompts.push(tidy(&out));
                }
                Ok(prompts)
            }
        }
    }

    /// Counts the prompts [`Prompt::expand`] would give.
    pub fn count(&self, options: &ExpandOptions) -> Result<Count, PromptError> {
        match options.mode {
            ExpansionMode::Random { count } => {
                resolve(self, options.variables, options.wildcards, false)?;
                Ok(Count {
                    prompts: count,
                    total: u64::from(count),
                })
            }
            ExpansionMode::Combinatorial { limit } => {
                let total = resolve(self, options.variables, options.wildcards, true)?.total();
                Ok(Count {
                    prompts: u32::try_from(total.min(u64::from(limit))).unwrap_or(limit),
                    total,
                })
            }
        }
    }
}
