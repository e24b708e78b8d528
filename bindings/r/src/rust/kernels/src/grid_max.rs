//! `grid_max`: the maximum over `x, y` in `linspace(-3, 3, n)` of `cos(x^2 + y^2) / (1 + x^2 + y^2)`.
//!
//! The grid's points are computed once ([`grid`]: `n` values of `linspace`, the same bits as
//! computing them in the loop), so the inner loop is `cos`, a division and a comparison per point.
//! Blocks are bands of [`ROWS_PER_BLOCK`] rows (values of `x`); a block's partial is its maximum.
//! The maximum does not depend on the order of comparisons, so the result is bit-identical to the
//! serial loop for any split, team size and schedule.
//!
//! ```
//! use parfor_kernels::grid_max;
//! let p = grid_max::Params { n: 301 };
//! let m = grid_max::parallel(p, grid_max::DEFAULT_SCHEDULE);
//! assert_eq!(m, grid_max::serial(p));
//! assert_eq!(m, 1.0); // n odd: the grid holds (0, 0)
//! ```

use crate::alloc;
use crate::blocks::{self, linspace, NotAdjacent, Runner};
use parfor::Schedule;
use std::ops::Range;

/// Rows per block.
pub const ROWS_PER_BLOCK: u64 = 8;

/// The default schedule (rows cost the same).
pub const DEFAULT_SCHEDULE: Schedule = Schedule::Dynamic(2);

/// Problem size.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Params {
    /// Points per axis: the grid is `n x n`.
    pub n: u64,
}

impl Default for Params {
    /// The full size: a 5000 x 5000 grid.
    fn default() -> Self {
        Params { n: 5000 }
    }
}

impl Params {
    /// The test/CI size: a 600 x 600 grid.
    ///
    /// ```
    /// assert_eq!(parfor_kernels::grid_max::Params::small().n, 600);
    /// ```
    pub fn small() -> Self {
        Params { n: 600 }
    }
}

/// The function maximised.
///
/// ```
/// assert_eq!(parfor_kernels::grid_max::f(0.0, 0.0), 1.0);
/// ```
#[inline]
pub fn f(x: f64, y: f64) -> f64 {
    let r2 = x * x + y * y;
    r2.cos() / (1.0 + r2)
}

/// Number of blocks (row bands) of a problem.
///
/// ```
/// assert_eq!(parfor_kernels::grid_max::num_blocks(parfor_kernels::grid_max::Params::default()), 625);
/// ```
pub fn num_blocks(p: Params) -> u64 {
    blocks::count(p.n, ROWS_PER_BLOCK)
}

/// The points of `linspace(-3, 3, p.n)`: the grid's `x` (and `y`) values.
///
/// Allocation is fallible: a grid larger than memory unwinds with [`parfor::AllocError`].
///
/// ```
/// let g = parfor_kernels::grid_max::grid(parfor_kernels::grid_max::Params { n: 5 });
/// assert_eq!(g, [-3.0, -1.5, 0.0, 1.5, 3.0]);
/// ```
pub fn grid(p: Params) -> Vec<f64> {
    let mut g = Vec::new();
    alloc::reserve(&mut g, p.n);
    g.extend((0..p.n).map(|i| linspace(-3.0, 3.0, p.n, i)));
    g
}

/// The maximum of `f(x, y)` over the `y` in `ys` (`-inf` when empty).
///
/// ```
/// use parfor_kernels::grid_max;
/// assert_eq!(grid_max::row_max(0.0, &[-1.0, 0.0, 1.0]), 1.0);
/// assert_eq!(grid_max::row_max(0.0, &[]), f64::NEG_INFINITY);
/// ```
#[inline]
pub fn row_max(x: f64, ys: &[f64]) -> f64 {
    ys.iter()
        .fold(f64::NEG_INFINITY, |m, &y| larger(m, f(x, y)))
}

/// `b` if it is larger than `a`, else `a`: the comparison every maximum here is made with.
///
/// ```
/// assert_eq!(parfor_kernels::grid_max::larger(1.0, 2.0), 2.0);
/// ```
#[inline]
pub fn larger(a: f64, b: f64) -> f64 {
    if b > a {
        b
    } else {
        a
    }
}

/// The serial reference: a plain double loop (`-inf` for `n == 0`).
///
/// ```
/// let m = parfor_kernels::grid_max::serial(parfor_kernels::grid_max::Params { n: 100 });
/// assert!(m > 0.99 && m < 1.0);
/// ```
pub fn serial(p: Params) -> f64 {
    let xs = grid(p);
    let mut m = f64::NEG_INFINITY;
    for &x in &xs {
        for &y in &xs {
            let r2 = x * x + y * y;
            let v = r2.cos() / (1.0 + r2);
            if v > m {
                m = v;
            }
        }
    }
    m
}

/// The parallel kernel on the global pool.
pub fn parallel(p: Params, schedule: Schedule) -> f64 {
    parallel_on(Runner::Global, p, schedule)
}

/// The parallel kernel on `runner`.
///
/// ```
/// use parfor_kernels::{grid_max, Runner};
/// let p = grid_max::Params { n: 50 };
/// assert_eq!(grid_max::parallel_on(Runner::Global, p, parfor::Schedule::Guided(1)), grid_max::serial(p));
/// ```
pub fn parallel_on(runner: Runner<'_>, p: Params, schedule: Schedule) -> f64 {
    partial_on(runner, p, 0..num_blocks(p), schedule).finish()
}

/// The partial result (maximum) of blocks `blocks`.
///
/// # Panics
/// When `blocks` is not within `0..num_blocks(p)`.
///
/// ```
/// use parfor_kernels::grid_max;
/// let p = grid_max::Params { n: 100 };
/// let s = parfor::Schedule::Static;
/// let n = grid_max::num_blocks(p);
/// let split = grid_max::partial(p, 0..3, s).combine(grid_max::partial(p, 3..n, s));
/// assert_eq!(split.finish(), grid_max::serial(p));
/// ```
pub fn partial(p: Params, blocks: Range<u64>, schedule: Schedule) -> GridMaxPartial {
    partial_on(Runner::Global, p, blocks, schedule)
}

/// [`partial`] on `runner`.
pub fn partial_on(
    runner: Runner<'_>,
    p: Params,
    blocks: Range<u64>,
    schedule: Schedule,
) -> GridMaxPartial {
    blocks::check_blocks(&blocks, num_blocks(p));
    // The maximum does not depend on the order of comparisons. Rows are cut into segments
    // (`blocks::SEGMENT` points) so that a cancelled loop stops promptly however large `n` is.
    let rows = blocks.start.saturating_mul(ROWS_PER_BLOCK).min(p.n)
        ..blocks.end.saturating_mul(ROWS_PER_BLOCK).min(p.n);
    let max = reduce_rows(runner, p, rows, schedule, GRID_LIMIT);
    GridMaxPartial { blocks, max }
}

/// The largest `n` whose grid is computed once ([`grid`], 8 bytes a point: 32 MiB). Larger grids
/// (`n^2` above 10^13 points: days of work) compute each point's `linspace` in the loop, the same
/// bits without memory that grows with `n`, and a cancel stops them within a segment.
pub const GRID_LIMIT: u64 = 1 << 22;

/// The maximum over `rows`, from a precomputed grid when `p.n <= limit`.
fn reduce_rows(
    runner: Runner<'_>,
    p: Params,
    rows: Range<u64>,
    schedule: Schedule,
    limit: u64,
) -> f64 {
    let xs = (p.n <= limit).then(|| grid(p));
    let segment = |i: u64, j: Range<u64>| match &xs {
        Some(xs) => row_max(xs[i as usize], &xs[j.start as usize..j.end as usize]),
        None => {
            let x = linspace(-3.0, 3.0, p.n, i);
            j.map(|j| f(x, linspace(-3.0, 3.0, p.n, j)))
                .fold(f64::NEG_INFINITY, larger)
        }
    };
    runner.reduce_row_segments(rows, p.n, schedule, f64::NEG_INFINITY, segment, larger)
}

/// The maximum over a contiguous range of blocks.
#[derive(Clone, Debug, PartialEq)]
pub struct GridMaxPartial {
    /// The blocks covered.
    pub blocks: Range<u64>,
    /// Their maximum (`-inf` when empty).
    pub max: f64,
}

impl GridMaxPartial {
    /// The partial of `self.blocks` followed by `next.blocks`.
    ///
    /// # Panics
    /// When `next` does not start where `self` ends.
    pub fn combine(self, next: GridMaxPartial) -> GridMaxPartial {
        self.try_combine(next)
            .unwrap_or_else(|e| panic!("parfor-kernels: {e}"))
    }

    /// [`GridMaxPartial::combine`], or an error when the ranges are not adjacent.
    pub fn try_combine(self, next: GridMaxPartial) -> Result<GridMaxPartial, NotAdjacent> {
        Ok(GridMaxPartial {
            blocks: blocks::join(&self.blocks, &next.blocks)?,
            max: larger(self.max, next.max),
        })
    }

    /// The maximum.
    pub fn finish(&self) -> f64 {
        self.max
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_grid_and_linspace_in_the_loop_give_the_same_bits() {
        for n in [0u64, 1, 2, 3, 333, 600] {
            let p = Params { n };
            let s = Schedule::Dynamic(2);
            let with_grid = reduce_rows(Runner::Global, p, 0..n, s, u64::MAX);
            let in_loop = reduce_rows(Runner::Global, p, 0..n, s, 0);
            assert_eq!(with_grid.to_bits(), in_loop.to_bits(), "n = {n}");
            assert_eq!(with_grid.to_bits(), serial(p).to_bits(), "n = {n}");
        }
    }
}
