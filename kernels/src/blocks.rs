//! Fixed blocks of work, and where a kernel's loop runs.
//!
//! Every kernel's parallel loop runs over *blocks*: fixed pieces of the problem whose size is a
//! constant of the kernel (never of the team). A schedule's chunk size therefore counts blocks:
//! `Dynamic(4)` hands out four blocks at a time. Reductions compute one partial per block and fold
//! the partials in block order, so results are bit-identical for any team size and schedule.
//!
//! [`Runner`] says where a loop runs: on parfor's global pool or on an explicit [`parfor::Pool`].
//! Every kernel has a `*_on(runner, ..)` form; the plain form runs on the global pool.
//!
//! No memory is sized from the number of blocks: a reduction folds its per-block partials window
//! by window ([`Runner::fold_in_order`], [`WINDOW`] blocks at a time, each window folded in block
//! order, so the bits are those of one fold over all the blocks), or, for exact integer sums,
//! in one parallel reduction ([`Runner::reduce`]).

use parfor::{Pool, Schedule};
use std::fmt;
use std::ops::Range;

/// Where a kernel's parallel loop runs.
///
/// ```
/// use parfor_kernels::{pi, Runner};
/// let pool = parfor::Pool::builder().threads(2).build().unwrap();
/// let p = pi::Params { n: 100_000 };
/// let a = pi::parallel_on(Runner::Pool(&pool), p, 1, pi::DEFAULT_SCHEDULE);
/// let b = pi::parallel_on(Runner::Global, p, 1, pi::DEFAULT_SCHEDULE);
/// assert_eq!(a.to_bits(), b.to_bits());
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub enum Runner<'p> {
    /// parfor's global pool (sized by `OMP_NUM_THREADS` / [`parfor::set_num_threads`]).
    #[default]
    Global,
    /// An explicit pool.
    Pool(&'p Pool),
}

impl<'p> From<&'p Pool> for Runner<'p> {
    fn from(pool: &'p Pool) -> Self {
        Runner::Pool(pool)
    }
}

impl Runner<'_> {
    /// `f(i)` for every `i` in `range`, in parallel, gathered in index order.
    ///
    /// ```
    /// let v = parfor_kernels::Runner::Global.map_collect(0..4, parfor::Schedule::Dynamic(1), |i| i * 2);
    /// assert_eq!(v, [0, 2, 4, 6]);
    /// ```
    pub fn map_collect<T: Send>(
        self,
        range: Range<u64>,
        schedule: Schedule,
        f: impl Fn(u64) -> T + Sync,
    ) -> Vec<T> {
        match self {
            Runner::Global => parfor::prange(range).schedule(schedule).map(f).collect(),
            Runner::Pool(pool) => pool.prange(range).schedule(schedule).map(f).collect(),
        }
    }

    /// Reduces `map(i)` over `range` with `combine` (see [`parfor::parallel_reduce`]); for
    /// results that do not depend on the order of combination, such as integer sums.
    ///
    /// ```
    /// let s = parfor_kernels::Runner::Global.reduce(0..100, parfor::Schedule::Static, 0, |i| i, |a, b| a + b);
    /// assert_eq!(s, 4950);
    /// ```
    pub fn reduce<T: Clone + Send + Sync>(
        self,
        range: Range<u64>,
        schedule: Schedule,
        identity: T,
        map: impl Fn(u64) -> T + Sync,
        combine: impl Fn(T, T) -> T + Sync,
    ) -> T {
        match self {
            Runner::Global => parfor::parallel_reduce(range, schedule, identity, map, combine),
            Runner::Pool(pool) => pool.parallel_reduce(range, schedule, identity, map, combine),
        }
    }

    /// Folds `block(b)` for every `b` in `blocks` into `init`, strictly in block order: the blocks
    /// are computed in parallel [`WINDOW`] at a time and each window is folded before the next
    /// starts, so memory stays bounded whatever the number of blocks and the result has the
    /// bits of a serial fold.
    ///
    /// ```
    /// let s = parfor_kernels::Runner::Global.fold_in_order(0..5, parfor::Schedule::Dynamic(1), String::new(),
    ///     |b| b.to_string(), |acc, d| acc + &d);
    /// assert_eq!(s, "01234");
    /// ```
    pub fn fold_in_order<T: Send, A>(
        self,
        blocks: Range<u64>,
        schedule: Schedule,
        init: A,
        block: impl Fn(u64) -> T + Sync,
        mut fold: impl FnMut(A, T) -> A,
    ) -> A {
        let mut acc = init;
        let mut lo = blocks.start;
        while lo < blocks.end {
            let hi = blocks.end.min(lo.saturating_add(WINDOW));
            for partial in self.map_collect(lo..hi, schedule, &block) {
                acc = fold(acc, partial);
            }
            lo = hi;
        }
        acc
    }

    /// Reduces `segment(row, columns)` over the rows `rows` of a grid `width` columns wide, each
    /// row cut into segments of at most [`SEGMENT`] columns: however wide the rows, a cancelled
    /// loop stops within a segment. For combines whose result does not depend on the order
    /// (integer sums, maxima without ties of different bits); nothing is stored per row.
    ///
    /// ```
    /// let cells = parfor_kernels::Runner::Global.reduce_row_segments(
    ///     2..5, 10_000, parfor::Schedule::Dynamic(1), 0, |_row, cols| cols.end - cols.start, |a, b| a + b);
    /// assert_eq!(cells, 3 * 10_000);
    /// ```
    pub fn reduce_row_segments<T: Clone + Send + Sync>(
        self,
        rows: Range<u64>,
        width: u64,
        schedule: Schedule,
        identity: T,
        segment: impl Fn(u64, Range<u64>) -> T + Sync,
        combine: impl Fn(T, T) -> T + Sync,
    ) -> T {
        let (mut per_row, mut len) = (count(width, SEGMENT).max(1), SEGMENT);
        if rows.end.checked_mul(per_row).is_none() {
            // More segments than a u64 counts (a grid of more than 2^64 / SEGMENT cells): whole
            // rows, which is still exact.
            (per_row, len) = (1, width);
        }
        let segments = rows.start * per_row..rows.end * per_row;
        let one = |s: u64| segment(s / per_row, items(s % per_row, len, width));
        self.reduce(segments, schedule, identity, one, combine)
    }

    /// `body(start, chunk)` over disjoint chunks of `data` (see [`parfor::parallel_for_slice`]).
    ///
    /// ```
    /// let mut v = vec![0u32; 10];
    /// parfor_kernels::Runner::Global.for_slice(&mut v, parfor::Schedule::Static, |s, c| {
    ///     for (k, x) in c.iter_mut().enumerate() { *x = (s + k) as u32; }
    /// });
    /// assert_eq!(v[9], 9);
    /// ```
    pub fn for_slice<T: Send>(
        self,
        data: &mut [T],
        schedule: Schedule,
        body: impl Fn(usize, &mut [T]) + Sync,
    ) {
        match self {
            Runner::Global => parfor::parallel_for_slice(data, schedule, body),
            Runner::Pool(pool) => pool.parallel_for_slice(data, schedule, body),
        }
    }

    /// `body(block, piece)` for every block of `data` cut into pieces of `block_len` elements
    /// (the last may be shorter); the schedule deals out blocks.
    ///
    /// ```
    /// let mut v = vec![0u64; 10];
    /// parfor_kernels::Runner::Global.for_blocks(&mut v, 4, parfor::Schedule::Dynamic(1), |b, piece| {
    ///     piece.fill(b);
    /// });
    /// assert_eq!(v, [0, 0, 0, 0, 1, 1, 1, 1, 2, 2]);
    /// ```
    pub fn for_blocks<T: Send>(
        self,
        data: &mut [T],
        block_len: usize,
        schedule: Schedule,
        body: impl Fn(u64, &mut [T]) + Sync,
    ) {
        let mut pieces = crate::alloc::collect(data.chunks_mut(block_len.max(1)));
        self.for_slice(&mut pieces, schedule, |first, group| {
            for (k, piece) in group.iter_mut().enumerate() {
                body((first + k) as u64, piece);
            }
        });
    }
}

/// Columns per segment of [`Runner::reduce_row_segments`]: rows of up to this width are one
/// segment. A cancelled loop stops within a segment, so this bounds how long a cancel waits: a
/// mandelbrot segment inside the set at 100,000 iterations takes about 0.13 s here (4096 took
/// 0.6 s, which the stealing schedule reaches at once by starting a thread mid-image).
pub const SEGMENT: u64 = 1024;

/// How many blocks [`Runner::fold_in_order`] computes at a time: enough that the window's
/// tail (threads idle while the last blocks of a window finish) costs nothing measurable, few
/// enough that the window's partials take well under a megabyte.
pub const WINDOW: u64 = 1 << 14;

/// Number of blocks of `block_len` items that cover `n` items.
///
/// ```
/// assert_eq!(parfor_kernels::blocks::count(10, 4), 3);
/// assert_eq!(parfor_kernels::blocks::count(0, 4), 0);
/// ```
pub fn count(n: u64, block_len: u64) -> u64 {
    n.div_ceil(block_len)
}

/// The items of block `b` of a problem of `n` items cut into blocks of `block_len`.
///
/// ```
/// assert_eq!(parfor_kernels::blocks::items(2, 4, 10), 8..10);
/// ```
pub fn items(b: u64, block_len: u64, n: u64) -> Range<u64> {
    let lo = b.saturating_mul(block_len).min(n);
    lo..lo.saturating_add(block_len).min(n)
}

/// How many items the blocks `blocks` hold together, in a problem of `n` items cut into blocks
/// of `block_len`.
///
/// ```
/// assert_eq!(parfor_kernels::blocks::items_in(1..3, 4, 10), 6);
/// ```
pub fn items_in(blocks: Range<u64>, block_len: u64, n: u64) -> u64 {
    let first = items(blocks.start, block_len, n).start;
    let end = if blocks.is_empty() {
        first
    } else {
        items(blocks.end - 1, block_len, n).end
    };
    end - first
}

/// Panics unless `blocks` lies within `0..num_blocks`.
pub(crate) fn check_blocks(blocks: &Range<u64>, num_blocks: u64) {
    assert!(
        blocks.start <= blocks.end && blocks.end <= num_blocks,
        "parfor-kernels: block range {blocks:?} is not within 0..{num_blocks}"
    );
}

/// Partials of block ranges that do not follow each other cannot be combined.
///
/// ```
/// use parfor_kernels::pi;
/// let p = pi::Params { n: 1 << 20 };
/// let a = pi::partial(p, 1, 0..2, parfor::Schedule::Static);
/// let c = pi::partial(p, 1, 3..4, parfor::Schedule::Static);
/// assert!(a.try_combine(c).is_err());
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NotAdjacent {
    /// The blocks of the left partial.
    pub left: Range<u64>,
    /// The blocks of the right partial.
    pub right: Range<u64>,
}

impl fmt::Display for NotAdjacent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "partials of blocks {:?} and {:?} are not adjacent: combine consecutive ranges in order",
            self.left, self.right
        )
    }
}

impl std::error::Error for NotAdjacent {}

/// The blocks `left` followed by `right`, or an error when `right` does not start where `left` ends.
pub(crate) fn join(left: &Range<u64>, right: &Range<u64>) -> Result<Range<u64>, NotAdjacent> {
    if left.end == right.start {
        Ok(left.start..right.end)
    } else {
        Err(NotAdjacent {
            left: left.clone(),
            right: right.clone(),
        })
    }
}

/// Point `i` of NumPy's `linspace(start, stop, n)`: `start + i * (stop - start) / (n - 1)`, with the
/// last point exactly `stop` (and `start` when `n == 1`).
///
/// ```
/// use parfor_kernels::blocks::linspace;
/// assert_eq!(linspace(-3.0, 3.0, 5, 0), -3.0);
/// assert_eq!(linspace(-3.0, 3.0, 5, 2), 0.0);
/// assert_eq!(linspace(-3.0, 3.0, 5, 4), 3.0);
/// ```
#[inline]
pub fn linspace(start: f64, stop: f64, n: u64, i: u64) -> f64 {
    if n <= 1 {
        return start;
    }
    if i == n - 1 {
        return stop;
    }
    let step = (stop - start) / (n - 1) as f64;
    start + i as f64 * step
}

/// The per-block results of a contiguous range of blocks, kept one per block so that folding
/// them in block order gives the same bits however the range was split (the partial type of
/// weather and bootstrap, whose floating-point merges are not associative).
///
/// ```
/// use parfor_kernels::blocks::PerBlock;
/// let left = PerBlock { blocks: 0..2, per_block: vec![1.0, 2.0] };
/// let right = PerBlock { blocks: 2..3, per_block: vec![3.0] };
/// assert_eq!(left.combine(right).per_block, vec![1.0, 2.0, 3.0]);
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct PerBlock<T> {
    /// The blocks covered.
    pub blocks: Range<u64>,
    /// One entry per block, in block order.
    pub per_block: Vec<T>,
}

impl<T> PerBlock<T> {
    /// The partial of `self.blocks` followed by `next.blocks`.
    ///
    /// # Panics
    /// When `next` does not start where `self` ends.
    pub fn combine(self, next: PerBlock<T>) -> PerBlock<T> {
        self.try_combine(next)
            .unwrap_or_else(|e| panic!("parfor-kernels: {e}"))
    }

    /// [`PerBlock::combine`], or an error when the ranges are not adjacent.
    pub fn try_combine(mut self, next: PerBlock<T>) -> Result<PerBlock<T>, NotAdjacent> {
        self.blocks = join(&self.blocks, &next.blocks)?;
        crate::alloc::reserve(&mut self.per_block, next.per_block.len() as u64);
        self.per_block.extend(next.per_block);
        Ok(self)
    }
}
