//! Writing one prompt out of a resolved tree: by random picks, or as
//! combination number `i`.

use super::combinations::Work;
use super::error::{PromptError, PromptErrorKind, Span};
use super::expand::MAX_EXPANDED_CHARS;
use super::resolve::{Pick, Tree};
use super::rng::SplitMix64;

/// Work allowed to write one prompt.
const EMIT_WORK: u64 = 2_000_000;

/// Writes one prompt, guarding its length and the work spent.
pub struct Emitter {
    chars: usize,
    work: Work,
    span: Span,
}

impl Emitter {
    /// An emitter whose errors point at `span` (the whole source).
    pub fn new(span: Span) -> Self {
        Self {
            chars: 0,
            work: Work::new(EMIT_WORK, span),
            span,
        }
    }

    fn push(&mut self, out: &mut String, text: &str, chars: usize) -> Result<(), PromptError> {
        self.chars += chars;
        if self.chars > MAX_EXPANDED_CHARS {
            return Err(self.span.error(
                PromptErrorKind::TooLong,
                format!("This prompt expands to more than {MAX_EXPANDED_CHARS} characters."),
            ));
        }
        out.push_str(text);
        Ok(())
    }

    /// Writes `tree`, making each pick with `rng`.
    pub fn random(
        &mut self,
        tree: &Tree,
        rng: &mut SplitMix64,
        out: &mut String,
    ) -> Result<(), PromptError> {
        self.work.spend(1)?;
        match tree {
            Tree::Text(text, chars) => self.push(out, text, *chars),
            Tree::Seq(parts, _) => parts
                .iter()
                .try_for_each(|part| self.random(part, rng, out)),
            Tree::Pick(pick) => {
                let picked = self.choose(pick, rng)?;
                let mut joined = Joined::new(&pick.joiner);
                for option in picked.into_iter().filter_map(|i| pick.options.get(i)) {
                    let mut part = String::new();
                    self.random(option, rng, &mut part)?;
                    joined.add(self, out, &part)?;
                }
                Ok(())
            }
        }
    }

    /// Writes way number `index` of `tree` (see [`super::combinations`]).
    pub fn indexed(
        &mut self,
        tree: &Tree,
        index: u64,
        out: &mut String,
    ) -> Result<(), PromptError> {
        self.work.spend(1)?;
        match tree {
            Tree::Text(text, chars) => self.push(out, text, *chars),
            Tree::Seq(parts, _) => {
                // Mixed radix, the last part turning fastest.
                let mut digits = vec![0; parts.len()];
                let mut rest = index;
                for (digit, part) in digits.iter_mut().zip(parts).rev() {
                    let total = part.total().max(1);
                    *digit = rest % total;
                    rest /= total;
                }
                parts
                    .iter()
                    .zip(digits)
                    .try_for_each(|(part, digit)| self.indexed(part, digit, out))
            }
            Tree::Pick(pick) => {
                let picked = match &pick.table {
                    Some(table) => table.decode(pick.min, pick.max, index),
                    // Resolution builds tables whenever it counts, so this
                    // is not reached; fall back to the first options.
                    None => (0..pick.min).map(|i| (i, 0)).collect(),
                };
                let mut joined = Joined::new(&pick.joiner);
                for (option, sub) in picked
                    .into_iter()
                    .filter_map(|(i, sub)| Some((pick.options.get(i)?, sub)))
                {
                    let mut part = String::new();
                    self.indexed(option, sub, &mut part)?;
                    joined.add(self, out, &part)?;
                }
                Ok(())
            }
        }
    }

    /// Which options a random pick takes, in the order picked: first how
    /// many (uniform in `min..=max`), then that many distinct options.
    fn choose(&mut self, pick: &Pick, rng: &mut SplitMix64) -> Result<Vec<usize>, PromptError> {
        let n = pick.options.len();
        let k = if pick.min >= pick.max {
            pick.min
        } else {
            pick.min + rng.below((pick.max - pick.min + 1) as u64) as usize
        };
        if k == 1 && pick.weights.is_empty() {
            return Ok(vec![rng.below(n as u64) as usize]);
        }
        self.work
            .spend(n as u64 * if pick.weights.is_empty() { 1 } else { k as u64 })?;
        Ok(if pick.weights.is_empty() {
            distinct_uniform(n, k, rng)
        } else {
            distinct_weighted(&pick.weights, k, rng)
        })
    }
}

/// `k` distinct indices below `n`, by a partial Fisher–Yates shuffle.
fn distinct_uniform(n: usize, k: usize, rng: &mut SplitMix64) -> Vec<usize> {
    let mut indices: Vec<usize> = (0..n).collect();
    for j in 0..k.min(n) {
        let swap = j + rng.below((n - j) as u64) as usize;
        indices.swap(j, swap);
    }
    indices.truncate(k.min(n));
    indices
}

/// `k` distinct indices, each drawn in proportion to its weight among those
/// left (uniformly when all that are left weigh 0).
fn distinct_weighted(weights: &[u64], k: usize, rng: &mut SplitMix64) -> Vec<usize> {
    let mut left: Vec<usize> = (0..weights.len()).collect();
    let mut picked = Vec::with_capacity(k);
    while picked.len() < k && !left.is_empty() {
        let total = left
            .iter()
            .fold(0u64, |sum, &i| sum.saturating_add(weights[i]));
        let at = if total == 0 {
            rng.below(left.len() as u64) as usize
        } else {
            let mut target = rng.below(total);
            left.iter()
                .position(|&i| {
                    let hit = target < weights[i];
                    target = target.saturating_sub(weights[i]);
                    hit
                })
                .unwrap_or(left.len() - 1)
        };
        picked.push(left.remove(at));
    }
    picked
}

/// Joins the parts of a multi-pick, skipping parts that came out blank.
struct Joined<'a> {
    joiner: &'a str,
    first: bool,
}

impl<'a> Joined<'a> {
    fn new(joiner: &'a str) -> Self {
        Self {
            joiner,
            first: true,
        }
    }

    fn add(
        &mut self,
        emitter: &mut Emitter,
        out: &mut String,
        part: &str,
    ) -> Result<(), PromptError> {
        if part.trim().is_empty() {
            return Ok(());
        }
        if !self.first {
            emitter.push(out, self.joiner, self.joiner.chars().count())?;
        }
        self.first = false;
        // The part's chars were counted as it was written.
        out.push_str(part);
        Ok(())
    }
}
