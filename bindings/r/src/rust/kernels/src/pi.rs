//! `pi`: Monte Carlo pi. Draw `n` points `(u, v)` uniform in `[0, 1)^2`, count those with
//! `(u - 1/2)^2 + (v - 1/2)^2 < 1/4`, return `4 * count / n`.
//!
//! The points are cut into blocks of [`BLOCK`] points; block `b` draws its points (u then v, for
//! each point in turn) from [`rng::stream`]`(seed, b)`. The hit count is an integer, so the
//! result is exactly the same for any split, team size and schedule.
//!
//! ```
//! use parfor_kernels::pi;
//! let p = pi::Params { n: 200_000 };
//! let est = pi::parallel(p, 42, pi::DEFAULT_SCHEDULE);
//! assert_eq!(est.to_bits(), pi::serial(p, 42).to_bits());
//! assert!((est - std::f64::consts::PI).abs() < 0.02);
//! ```

use crate::blocks::{self, NotAdjacent, Runner};
use crate::rng;
use parfor::Schedule;
use rand::Rng;
use std::ops::Range;

/// Points per block (a constant of the kernel, not of the team).
pub const BLOCK: u64 = 1 << 16;

/// The default schedule: blocks are equal, so any schedule balances; dynamic with a small
/// chunk also absorbs a core being taken by another process for a while.
pub const DEFAULT_SCHEDULE: Schedule = Schedule::Dynamic(4);

/// Problem size.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Params {
    /// Number of points.
    pub n: u64,
}

impl Default for Params {
    /// The full size: n = 100,000,000.
    fn default() -> Self {
        Params { n: 100_000_000 }
    }
}

impl Params {
    /// The test/CI size: n = 1,000,000.
    ///
    /// ```
    /// assert_eq!(parfor_kernels::pi::Params::small().n, 1_000_000);
    /// ```
    pub fn small() -> Self {
        Params { n: 1_000_000 }
    }
}

/// Number of blocks of a problem of `p.n` points.
///
/// ```
/// use parfor_kernels::pi;
/// assert_eq!(pi::num_blocks(pi::Params { n: pi::BLOCK + 1 }), 2);
/// ```
pub fn num_blocks(p: Params) -> u64 {
    blocks::count(p.n, BLOCK)
}

/// Hits of block `b`.
///
/// ```
/// use parfor_kernels::pi;
/// let p = pi::Params { n: 10 };
/// assert!(pi::block_hits(p, 1, 0) <= 10);
/// ```
pub fn block_hits(p: Params, seed: u64, b: u64) -> u64 {
    let points = blocks::items(b, BLOCK, p.n);
    let mut rng = rng::stream(seed, b);
    let mut hits = 0u64;
    for _ in points {
        let u: f64 = rng.random();
        let v: f64 = rng.random();
        if (u - 0.5) * (u - 0.5) + (v - 0.5) * (v - 0.5) < 0.25 {
            hits += 1;
        }
    }
    hits
}

/// The serial reference: a plain loop over the blocks and their points.
///
/// ```
/// let est = parfor_kernels::pi::serial(parfor_kernels::pi::Params { n: 1000 }, 1);
/// assert!(est > 2.5 && est < 3.8);
/// ```
pub fn serial(p: Params, seed: u64) -> f64 {
    let mut hits = 0u64;
    for b in 0..num_blocks(p) {
        let mut rng = rng::stream(seed, b);
        for _ in blocks::items(b, BLOCK, p.n) {
            let u: f64 = rng.random();
            let v: f64 = rng.random();
            if (u - 0.5) * (u - 0.5) + (v - 0.5) * (v - 0.5) < 0.25 {
                hits += 1;
            }
        }
    }
    estimate(hits, p.n)
}

fn estimate(hits: u64, n: u64) -> f64 {
    if n == 0 {
        return f64::NAN;
    }
    4.0 * hits as f64 / n as f64
}

/// The parallel kernel on the global pool (NaN when `n == 0`).
///
/// ```
/// use parfor_kernels::pi;
/// let est = pi::parallel(pi::Params { n: 100_000 }, 3, parfor::Schedule::Guided(1));
/// assert!((est - 3.14159).abs() < 0.05);
/// ```
pub fn parallel(p: Params, seed: u64, schedule: Schedule) -> f64 {
    parallel_on(Runner::Global, p, seed, schedule)
}

/// The parallel kernel on `runner`.
///
/// ```
/// use parfor_kernels::{pi, Runner};
/// let pool = parfor::Pool::builder().threads(3).build().unwrap();
/// let p = pi::Params { n: 100_000 };
/// assert_eq!(pi::parallel_on(Runner::Pool(&pool), p, 3, parfor::Schedule::Static), pi::serial(p, 3));
/// ```
pub fn parallel_on(runner: Runner<'_>, p: Params, seed: u64, schedule: Schedule) -> f64 {
    partial_on(runner, p, seed, 0..num_blocks(p), schedule).finish()
}

/// The partial result of blocks `blocks` (for splitting a run across processes, e.g. MPI ranks).
///
/// # Panics
/// When `blocks` is not within `0..num_blocks(p)`.
///
/// ```
/// use parfor_kernels::pi;
/// let p = pi::Params { n: 1_000_000 };
/// let k = pi::num_blocks(p) / 3;
/// let left = pi::partial(p, 9, 0..k, pi::DEFAULT_SCHEDULE);
/// let right = pi::partial(p, 9, k..pi::num_blocks(p), pi::DEFAULT_SCHEDULE);
/// assert_eq!(left.combine(right).finish(), pi::serial(p, 9));
/// ```
pub fn partial(p: Params, seed: u64, blocks: Range<u64>, schedule: Schedule) -> PiPartial {
    partial_on(Runner::Global, p, seed, blocks, schedule)
}

/// [`partial`] on `runner`.
pub fn partial_on(
    runner: Runner<'_>,
    p: Params,
    seed: u64,
    blocks: Range<u64>,
    schedule: Schedule,
) -> PiPartial {
    blocks::check_blocks(&blocks, num_blocks(p));
    // Hit counts are integers: their sum is exact in any order, so one reduction, no per-block
    // storage.
    let hits = runner.reduce(
        blocks.clone(),
        schedule,
        0,
        |b| block_hits(p, seed, b),
        |a, b| a + b,
    );
    PiPartial {
        points: blocks::items_in(blocks.clone(), BLOCK, p.n),
        blocks,
        hits,
    }
}

/// Hits and points of a contiguous range of blocks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PiPartial {
    /// The blocks covered.
    pub blocks: Range<u64>,
    /// Points inside the circle.
    pub hits: u64,
    /// Points drawn.
    pub points: u64,
}

impl PiPartial {
    /// The partial of blocks `self.blocks` followed by `next.blocks`.
    ///
    /// # Panics
    /// When `next` does not start where `self` ends (see [`PiPartial::try_combine`]).
    pub fn combine(self, next: PiPartial) -> PiPartial {
        self.try_combine(next)
            .unwrap_or_else(|e| panic!("parfor-kernels: {e}"))
    }

    /// [`PiPartial::combine`], or an error when the ranges are not adjacent.
    pub fn try_combine(self, next: PiPartial) -> Result<PiPartial, NotAdjacent> {
        Ok(PiPartial {
            blocks: blocks::join(&self.blocks, &next.blocks)?,
            hits: self.hits + next.hits,
            points: self.points + next.points,
        })
    }

    /// The estimate `4 * hits / points` (NaN for no points).
    pub fn finish(&self) -> f64 {
        estimate(self.hits, self.points)
    }
}
