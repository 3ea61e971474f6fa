//! Counting and numbering the ways a group can pick `k` of its options,
//! without listing them.
//!
//! Option `i` can itself come out `counts[i]` ways (it may hold groups).
//! The number of ways to pick `k` distinct options from `i..n` is
//! `E(i, k) = counts[i] * E(i + 1, k - 1) + E(i + 1, k)`, the elementary
//! symmetric polynomial, kept in a table.
//!
//! All counts saturate at `u64::MAX`. Saturating `+` and `*` of values that
//! are each `min(true value, MAX)` give `min(true result, MAX)`, and the
//! indices we decode are far below `MAX`, so every comparison and division
//! made while decoding is exact.

use super::error::{PromptError, PromptErrorKind, Span};

/// `E(i, k)` for every `i` in `0..=n` and `k` in `0..=max`.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    counts: Vec<u64>,
    width: usize,
    cells: Vec<u64>,
}

impl Table {
    /// Builds the table for options that come out `counts` ways each,
    /// picking at most `max`. Spends one unit of `work` per cell.
    pub fn build(counts: Vec<u64>, max: usize, work: &mut Work) -> Result<Self, PromptError> {
        let n = counts.len();
        let width = max + 1;
        work.spend((n as u64 + 1).saturating_mul(width as u64))?;
        let mut cells = vec![0; (n + 1) * width];
        cells[n * width] = 1;
        for i in (0..n).rev() {
            cells[i * width] = 1;
            for k in 1..width {
                let with_i = counts[i].saturating_mul(cells[(i + 1) * width + k - 1]);
                cells[i * width + k] = with_i.saturating_add(cells[(i + 1) * width + k]);
            }
        }
        Ok(Self {
            counts,
            width,
            cells,
        })
    }

    fn get(&self, i: usize, k: usize) -> u64 {
        self.cells.get(i * self.width + k).copied().unwrap_or(0)
    }

    /// How many ways to pick from `min` to `max` options.
    pub fn total(&self, min: usize, max: usize) -> u64 {
        (min..=max).fold(0, |sum, k| sum.saturating_add(self.get(0, k)))
    }

    /// Way number `index` (from 0) of picking `min..=max` options, as the
    /// options picked, in order, each with its own way number.
    ///
    /// Order: fewer picks first; then the sets of options in lexicographic
    /// order of their positions (`{a,b}`, `{a,c}`, `{b,c}`); then, inside a
    /// set, the picked options' own ways with the last option fastest.
    pub fn decode(&self, min: usize, max: usize, mut index: u64) -> Vec<(usize, u64)> {
        for k in min..=max {
            let block = self.get(0, k);
            if index < block {
                return self.combination(k, index);
            }
            index -= block;
        }
        Vec::new()
    }

    fn combination(&self, mut k: usize, mut index: u64) -> Vec<(usize, u64)> {
        let mut picked = Vec::with_capacity(k);
        let mut i = 0;
        while k > 0 && i < self.counts.len() {
            let rest = self.get(i + 1, k - 1);
            let with_i = self.counts[i].saturating_mul(rest);
            if index < with_i {
                // `rest` is non-zero here, since `with_i` is.
                picked.push((i, index / rest));
                index %= rest;
                k -= 1;
            } else {
                index -= with_i;
            }
            i += 1;
        }
        picked
    }
}

/// A budget of work, so a hostile prompt or wildcard set fails with an error
/// instead of running for minutes.
#[derive(Debug, Clone)]
pub struct Work {
    left: u64,
    span: Span,
}

impl Work {
    /// `units` of work; errors point at `span`.
    pub fn new(units: u64, span: Span) -> Self {
        Self { left: units, span }
    }

    /// Spends `units`, or fails when the budget is gone.
    pub fn spend(&mut self, units: u64) -> Result<(), PromptError> {
        match self.left.checked_sub(units) {
            Some(left) => {
                self.left = left;
                Ok(())
            }
            None => Err(self.span.error(
                PromptErrorKind::TooComplex,
                "This prompt is too complex to expand; use fewer or smaller wildcards and groups.",
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(counts: &[u64], max: usize) -> Table {
        let mut work = Work::new(1_000, Span::new(0, 0));
        Table::build(counts.to_vec(), max, &mut work).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn counts_are_elementary_symmetric_sums() {
        let t = table(&[1, 2, 3], 3);
        assert_eq!(t.total(0, 0), 1);
        assert_eq!(t.total(1, 1), 6);
        assert_eq!(t.total(2, 2), 2 + 3 + 6);
        assert_eq!(t.total(3, 3), 6);
        assert_eq!(t.total(1, 3), 6 + 11 + 6);
    }

    #[test]
    fn decoding_walks_sets_in_lexicographic_order() {
        let t = table(&[1, 1, 1], 2);
        let all: Vec<_> = (0..t.total(2, 2)).map(|i| t.decode(2, 2, i)).collect();
        assert_eq!(
            all,
            [
                vec![(0, 0), (1, 0)],
                vec![(0, 0), (2, 0)],
                vec![(1, 0), (2, 0)]
            ]
        );
        assert_eq!(t.decode(2, 2, 3), Vec::new());
    }

    #[test]
    fn sub_ways_of_a_set_run_last_fastest() {
        let t = table(&[2, 2], 2);
        let all: Vec<_> = (0..4).map(|i| t.decode(2, 2, i)).collect();
        assert_eq!(
            all,
            [
                vec![(0, 0), (1, 0)],
                vec![(0, 0), (1, 1)],
                vec![(0, 1), (1, 0)],
                vec![(0, 1), (1, 1)]
            ]
        );
    }

    #[test]
    fn saturated_counts_still_decode_small_indices() {
        let t = table(&[u64::MAX, 3], 1);
        assert_eq!(t.total(1, 1), u64::MAX);
        assert_eq!(t.decode(1, 1, 5), vec![(0, 5)]);
    }

    #[test]
    fn work_runs_out() {
        let mut work = Work::new(10, Span::new(0, 3));
        assert!(work.spend(10).is_ok());
        let error = work.spend(1).err();
        assert_eq!(
            error.map(|e| (e.kind, e.end)),
            Some((PromptErrorKind::TooComplex, 3))
        );
    }
}
