//! `roots`: `out[i] = sqrt(x[i]) as f32`, elementwise; memory-bound.
//!
//! The input is `x[i] = 500 * U[0, 1)`, made by [`input`]: blocks of [`BLOCK`] elements, block `b`
//! drawn from [`rng::stream`]`(seed, b)`. The kernel takes `x: &[f64]` and fills `out: &mut [f32]`;
//! the parallel loop deals out blocks of [`BLOCK`] elements.
//!
//! ```
//! use parfor_kernels::roots;
//! let x = roots::input(roots::Params { n: 100_000 }, 1);
//! let (mut a, mut b) = (vec![0.0f32; x.len()], vec![0.0f32; x.len()]);
//! roots::serial(&x, &mut a);
//! roots::parallel(&x, &mut b, roots::DEFAULT_SCHEDULE);
//! assert_eq!(a, b);
//! assert_eq!(a[7], x[7].sqrt() as f32);
//! ```

use crate::blocks::Runner;
use crate::rng;
use parfor::Schedule;
use rand::Rng;

/// Elements per block, for both the input generator and the kernel.
pub const BLOCK: usize = 1 << 14;

/// The default schedule: contiguous halves, so each thread streams through one region.
pub const DEFAULT_SCHEDULE: Schedule = Schedule::Static;

/// Problem size.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Params {
    /// Number of elements.
    pub n: u64,
}

impl Default for Params {
    /// The full size: n = 10,000,000.
    fn default() -> Self {
        Params { n: 10_000_000 }
    }
}

impl Params {
    /// The test/CI size: n = 200,000.
    ///
    /// ```
    /// assert_eq!(parfor_kernels::roots::Params::small().n, 200_000);
    /// ```
    pub fn small() -> Self {
        Params { n: 200_000 }
    }
}

/// The input `x[i] = 500 * U[0, 1)` of length `p.n`, made in parallel on the global pool.
///
/// ```
/// let x = parfor_kernels::roots::input(parfor_kernels::roots::Params { n: 10 }, 1);
/// assert!(x.iter().all(|&v| (0.0..500.0).contains(&v)));
/// ```
pub fn input(p: Params, seed: u64) -> Vec<f64> {
    let mut x = crate::alloc::vec_of(p.n, 0.0);
    fill_input_on(Runner::Global, seed, &mut x, Schedule::Static);
    x
}

/// Fills `x` with the input for `seed` in parallel on the global pool (`x[i] = 500 * U[0, 1)`).
///
/// ```
/// let mut x = vec![0.0; 1000];
/// parfor_kernels::roots::fill_input(7, &mut x, parfor::Schedule::Static);
/// assert_eq!(x, parfor_kernels::roots::input(parfor_kernels::roots::Params { n: 1000 }, 7));
/// ```
pub fn fill_input(seed: u64, x: &mut [f64], schedule: Schedule) {
    fill_input_on(Runner::Global, seed, x, schedule)
}

/// Fills `x` with the input for `seed` (the same values for any runner and schedule).
///
/// ```
/// use parfor_kernels::{roots, Runner};
/// let mut x = vec![0.0; 40_000];
/// roots::fill_input_on(Runner::Global, 3, &mut x, parfor::Schedule::Dynamic(1));
/// assert_eq!(x, roots::input(roots::Params { n: 40_000 }, 3));
/// ```
pub fn fill_input_on(runner: Runner<'_>, seed: u64, x: &mut [f64], schedule: Schedule) {
    runner.for_blocks(x, BLOCK, schedule, |b, piece| {
        let mut rng = rng::stream(seed, b);
        for v in piece {
            *v = 500.0 * rng.random::<f64>();
        }
    });
}

fn check_len(x: &[f64], out: &[f32]) {
    assert_eq!(
        x.len(),
        out.len(),
        "parfor-kernels: roots needs x and out of the same length"
    );
}

/// The serial reference: a plain loop.
///
/// # Panics
/// When `x` and `out` differ in length.
///
/// ```
/// let mut out = [0.0f32; 2];
/// parfor_kernels::roots::serial(&[4.0, 9.0], &mut out);
/// assert_eq!(out, [2.0, 3.0]);
/// ```
pub fn serial(x: &[f64], out: &mut [f32]) {
    check_len(x, out);
    for i in 0..x.len() {
        out[i] = x[i].sqrt() as f32;
    }
}

/// The parallel kernel on the global pool.
///
/// # Panics
/// When `x` and `out` differ in length.
///
/// ```
/// let mut out = [0.0f32; 2];
/// parfor_kernels::roots::parallel(&[4.0, 9.0], &mut out, parfor::Schedule::Static);
/// assert_eq!(out, [2.0, 3.0]);
/// ```
pub fn parallel(x: &[f64], out: &mut [f32], schedule: Schedule) {
    parallel_on(Runner::Global, x, out, schedule)
}

/// The parallel kernel on `runner`.
pub fn parallel_on(runner: Runner<'_>, x: &[f64], out: &mut [f32], schedule: Schedule) {
    check_len(x, out);
    runner.for_blocks(out, BLOCK, schedule, |b, piece| {
        let start = b as usize * BLOCK;
        let xs = &x[start..start + piece.len()];
        for (o, v) in piece.iter_mut().zip(xs) {
            *o = v.sqrt() as f32;
        }
    });
}
