//! `mandelbrot`: escape-iteration counts over a `width x height` grid of `[-2, 1] x [-1.5, 1.5]`.
//!
//! Pixel `(px, py)` is the point `c = linspace(-2, 1, width)[px] + i linspace(-1.5, 1.5, height)[py]`
//! (grid corners included, as NumPy's `linspace`). Its count is the number of iterations
//! `z <- z^2 + c` from `z = 0` done while `|z|^2 <= 4`, at most `max_iter`: points of the set get
//! `max_iter`. Counts are `u32`, stored row by row (`counts[py * width + px]`); the total is a
//! `u64`. Blocks are rows; rows near the set cost far more than the others, which is why the
//! default schedule is dynamic.
//!
//! ```
//! use parfor_kernels::mandelbrot;
//! let p = mandelbrot::Params { width: 120, height: 80, max_iter: 200 };
//! let mut a = vec![0u32; 120 * 80];
//! let mut b = vec![0u32; 120 * 80];
//! let ta = mandelbrot::serial_counts(p, &mut a);
//! let tb = mandelbrot::counts(p, &mut b, mandelbrot::DEFAULT_SCHEDULE);
//! assert_eq!((ta, &a), (tb, &b));
//! assert_eq!(mandelbrot::total(p, mandelbrot::DEFAULT_SCHEDULE), ta);
//! ```

use crate::blocks::{self, linspace, NotAdjacent, Runner};
use parfor::Schedule;
use std::ops::Range;

/// The default schedule: one row at a time from a shared counter (measured against guided and
/// static; see the crate's README notes).
pub const DEFAULT_SCHEDULE: Schedule = Schedule::Dynamic(1);

/// Grid and iteration limit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Params {
    /// Pixels per row.
    pub width: u32,
    /// Rows.
    pub height: u32,
    /// Most iterations per pixel.
    pub max_iter: u32,
}

impl Default for Params {
    /// The full size: 2000 x 2000, at most 1000 iterations.
    fn default() -> Self {
        Params {
            width: 2000,
            height: 2000,
            max_iter: 1000,
        }
    }
}

impl Params {
    /// The test/CI size: 300 x 300, at most 1000 iterations.
    ///
    /// ```
    /// assert_eq!(parfor_kernels::mandelbrot::Params::small().width, 300);
    /// ```
    pub fn small() -> Self {
        Params {
            width: 300,
            height: 300,
            max_iter: 1000,
        }
    }

    /// Number of pixels, `width * height`.
    pub fn pixels(&self) -> usize {
        self.width as usize * self.height as usize
    }
}

/// The escape count of `c = cr + i ci`.
///
/// ```
/// use parfor_kernels::mandelbrot::escape_count;
/// assert_eq!(escape_count(0.0, 0.0, 1000), 1000);
/// assert_eq!(escape_count(2.0, 2.0, 1000), 1); // z1 = c is already outside
/// assert_eq!(escape_count(1.0, 1.0, 1000), 2); // z2 = 1 + 3i is outside
/// ```
#[inline]
pub fn escape_count(cr: f64, ci: f64, max_iter: u32) -> u32 {
    let (mut zr, mut zi) = (0.0f64, 0.0f64);
    let mut k = 0;
    while k < max_iter {
        let (zr2, zi2) = (zr * zr, zi * zi);
        if zr2 + zi2 > 4.0 {
            break;
        }
        zi = 2.0 * zr * zi + ci;
        zr = zr2 - zi2 + cr;
        k += 1;
    }
    k
}

/// Number of blocks (rows).
///
/// ```
/// assert_eq!(parfor_kernels::mandelbrot::num_blocks(parfor_kernels::mandelbrot::Params::default()), 2000);
/// ```
pub fn num_blocks(p: Params) -> u64 {
    u64::from(p.height)
}

/// Fills `row` (of length `width`) with the counts of row `py`; returns their sum.
pub fn row(p: Params, py: u64, row: &mut [u32]) -> u64 {
    let ci = linspace(-1.5, 1.5, u64::from(p.height), py);
    let mut total = 0u64;
    for (px, c) in row.iter_mut().enumerate() {
        *c = escape_count(
            linspace(-2.0, 1.0, u64::from(p.width), px as u64),
            ci,
            p.max_iter,
        );
        total += u64::from(*c);
    }
    total
}

/// The sum of the counts of row `py`.
///
/// ```
/// use parfor_kernels::mandelbrot;
/// let p = mandelbrot::Params { width: 9, height: 5, max_iter: 20 };
/// assert_eq!(mandelbrot::row_total(p, 2), mandelbrot::segment_total(p, 2, 0..9));
/// ```
pub fn row_total(p: Params, py: u64) -> u64 {
    segment_total(p, py, 0..u64::from(p.width))
}

/// The sum of the counts of the pixels `px` of row `py`.
pub fn segment_total(p: Params, py: u64, px: Range<u64>) -> u64 {
    let ci = linspace(-1.5, 1.5, u64::from(p.height), py);
    px.map(|px| {
        u64::from(escape_count(
            linspace(-2.0, 1.0, u64::from(p.width), px),
            ci,
            p.max_iter,
        ))
    })
    .sum()
}

fn check_len(p: Params, counts: &[u32]) {
    assert_eq!(
        counts.len(),
        p.pixels(),
        "parfor-kernels: mandelbrot needs counts of length width * height"
    );
}

/// The serial reference: a plain double loop filling `counts` (row by row); returns the total.
///
/// # Panics
/// When `counts.len() != width * height`.
pub fn serial_counts(p: Params, counts: &mut [u32]) -> u64 {
    check_len(p, counts);
    let (w, h) = (u64::from(p.width), u64::from(p.height));
    let mut total = 0u64;
    for py in 0..h {
        let ci = linspace(-1.5, 1.5, h, py);
        for px in 0..w {
            let k = escape_count(linspace(-2.0, 1.0, w, px), ci, p.max_iter);
            counts[(py * w + px) as usize] = k;
            total += u64::from(k);
        }
    }
    total
}

/// The serial reference for the total alone.
///
/// ```
/// let p = parfor_kernels::mandelbrot::Params { width: 30, height: 20, max_iter: 50 };
/// assert_eq!(parfor_kernels::mandelbrot::serial_total(p), parfor_kernels::mandelbrot::total(p, parfor::Schedule::Static));
/// ```
pub fn serial_total(p: Params) -> u64 {
    (0..num_blocks(p))
        .map(|py| row_total(p, py))
        .fold(0, u64::saturating_add)
}

/// Fills `counts` in parallel on the global pool; returns the total.
///
/// # Panics
/// When `counts.len() != width * height`.
pub fn counts(p: Params, counts: &mut [u32], schedule: Schedule) -> u64 {
    counts_on(Runner::Global, p, counts, schedule)
}

/// [`counts`] on `runner`.
pub fn counts_on(runner: Runner<'_>, p: Params, counts: &mut [u32], schedule: Schedule) -> u64 {
    check_len(p, counts);
    if p.width == 0 {
        return 0;
    }
    let mut rows = crate::alloc::collect(counts.chunks_mut(p.width as usize).map(|r| (0u64, r)));
    runner.for_slice(&mut rows, schedule, |first, group| {
        for (k, (sum, r)) in group.iter_mut().enumerate() {
            *sum = row(p, (first + k) as u64, r);
        }
    });
    rows.iter()
        .map(|(sum, _)| *sum)
        .fold(0, u64::saturating_add)
}

/// The total count, in parallel on the global pool, without storing the counts.
pub fn total(p: Params, schedule: Schedule) -> u64 {
    total_on(Runner::Global, p, schedule)
}

/// [`total`] on `runner`.
pub fn total_on(runner: Runner<'_>, p: Params, schedule: Schedule) -> u64 {
    partial_on(runner, p, 0..num_blocks(p), schedule).finish()
}

/// The partial total of rows `blocks`.
///
/// # Panics
/// When `blocks` is not within `0..num_blocks(p)`.
///
/// ```
/// use parfor_kernels::mandelbrot;
/// let p = mandelbrot::Params { width: 40, height: 30, max_iter: 100 };
/// let s = parfor::Schedule::Dynamic(1);
/// let split = mandelbrot::partial(p, 0..11, s).combine(mandelbrot::partial(p, 11..30, s));
/// assert_eq!(split.finish(), mandelbrot::serial_total(p));
/// ```
pub fn partial(p: Params, blocks: Range<u64>, schedule: Schedule) -> MandelbrotPartial {
    partial_on(Runner::Global, p, blocks, schedule)
}

/// [`partial`] on `runner`.
pub fn partial_on(
    runner: Runner<'_>,
    p: Params,
    blocks: Range<u64>,
    schedule: Schedule,
) -> MandelbrotPartial {
    blocks::check_blocks(&blocks, num_blocks(p));
    // Integer sums: exact in any order. Rows are cut into segments (`blocks::SEGMENT` pixels)
    // so that a cancelled loop stops promptly however wide they are.
    let segment = |py, px| segment_total(p, py, px);
    let width = u64::from(p.width);
    let total = runner.reduce_row_segments(
        blocks.clone(),
        width,
        schedule,
        0,
        segment,
        u64::saturating_add,
    );
    MandelbrotPartial { blocks, total }
}

/// The total count of a contiguous range of rows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MandelbrotPartial {
    /// The rows covered.
    pub blocks: Range<u64>,
    /// Their total count.
    pub total: u64,
}

impl MandelbrotPartial {
    /// The partial of `self.blocks` followed by `next.blocks`.
    ///
    /// # Panics
    /// When `next` does not start where `self` ends.
    pub fn combine(self, next: MandelbrotPartial) -> MandelbrotPartial {
        self.try_combine(next)
            .unwrap_or_else(|e| panic!("parfor-kernels: {e}"))
    }

    /// [`MandelbrotPartial::combine`], or an error when the ranges are not adjacent.
    pub fn try_combine(self, next: MandelbrotPartial) -> Result<MandelbrotPartial, NotAdjacent> {
        Ok(MandelbrotPartial {
            blocks: blocks::join(&self.blocks, &next.blocks)?,
            total: self.total.saturating_add(next.total),
        })
    }

    /// The total count (`u64::MAX` if it does not fit).
    pub fn finish(&self) -> u64 {
        self.total
    }
}
