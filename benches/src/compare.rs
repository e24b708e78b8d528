//! The words of a comparison follow its intervals: the spread of repeated measurements (one per
//! round, each round its own process) and the tie rule used by benches/ab.sh and the report.
//!
//! Two sides *tie* when the ranges `[min, max]` of their rounds overlap: a difference inside the
//! spread of the rounds is not a difference. Otherwise the side whose slowest round is faster
//! than the other's fastest round wins.
//!
//! ```
//! use parfor_benches::compare::{Spread, Verdict};
//! let a = Spread::of(&[1.00, 1.02, 1.01]).unwrap();
//! let b = Spread::of(&[1.01, 1.05, 1.03]).unwrap();
//! assert_eq!(a.verdict(&b), Verdict::Tie);
//! let c = Spread::of(&[1.10, 1.12]).unwrap();
//! assert_eq!(a.verdict(&c), Verdict::Faster);
//! assert_eq!(c.verdict(&a), Verdict::Slower);
//! ```

use std::fmt;

/// Minimum, median and maximum of a set of measurements.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Spread {
    /// The smallest value.
    pub min: f64,
    /// The median (the mean of the two middle values for an even count).
    pub median: f64,
    /// The largest value.
    pub max: f64,
    /// How many values.
    pub n: usize,
}

impl Spread {
    /// The spread of `values` (`None` when empty or when a value is NaN).
    ///
    /// ```
    /// let s = parfor_benches::compare::Spread::of(&[3.0, 1.0, 2.0, 10.0]).unwrap();
    /// assert_eq!((s.min, s.median, s.max, s.n), (1.0, 2.5, 10.0, 4));
    /// ```
    pub fn of(values: &[f64]) -> Option<Spread> {
        if values.is_empty() || values.iter().any(|v| v.is_nan()) {
            return None;
        }
        let mut v = values.to_vec();
        v.sort_by(f64::total_cmp);
        let n = v.len();
        let median = if n % 2 == 1 {
            v[n / 2]
        } else {
            (v[n / 2 - 1] + v[n / 2]) / 2.0
        };
        Some(Spread {
            min: v[0],
            median,
            max: v[n - 1],
            n,
        })
    }

    /// `self` against `other` by the tie rule (smaller is better: times).
    pub fn verdict(&self, other: &Spread) -> Verdict {
        if self.max < other.min {
            Verdict::Faster
        } else if other.max < self.min {
            Verdict::Slower
        } else {
            Verdict::Tie
        }
    }
}

/// The outcome of a comparison of times.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Every round of the first side beat every round of the second.
    Faster,
    /// Every round of the first side lost to every round of the second.
    Slower,
    /// The ranges of the rounds overlap.
    Tie,
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Verdict::Faster => "faster",
            Verdict::Slower => "slower",
            Verdict::Tie => "tie",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn touching_ranges_tie_and_separate_ones_do_not() {
        let a = Spread::of(&[1.0, 2.0]).unwrap();
        let b = Spread::of(&[2.0, 3.0]).unwrap();
        assert_eq!(a.verdict(&b), Verdict::Tie);
        let c = Spread::of(&[2.5, 3.0]).unwrap();
        assert_eq!(a.verdict(&c), Verdict::Faster);
        assert_eq!(c.verdict(&a), Verdict::Slower);
    }

    #[test]
    fn empty_or_nan_has_no_spread() {
        assert_eq!(Spread::of(&[]), None);
        assert_eq!(Spread::of(&[1.0, f64::NAN]), None);
    }
}
