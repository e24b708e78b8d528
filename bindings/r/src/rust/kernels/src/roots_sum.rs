//! `roots_sum`: `out[i] = sum over j of sqrt(x[j])` for every `i`: deliberately O(n^2).
//!
//! The inner sum is loop-invariant, so a compiler could compute it once; every implementation
//! passes the input through [`std::hint::black_box`] once per output element, so the `n^2`
//! square roots really happen. The sum is the plain sequential one (`j` from 0 up). The input is
//! [`crate::roots::input`]'s. The parallel loop deals out blocks of [`BLOCK`] output elements.
//!
//! ```
//! use parfor_kernels::{roots, roots_sum};
//! let x = roots::input(roots::Params { n: 300 }, 1);
//! let (mut a, mut b) = (vec![0.0; 300], vec![0.0; 300]);
//! roots_sum::serial(&x, &mut a);
//! roots_sum::parallel(&x, &mut b, roots_sum::DEFAULT_SCHEDULE);
//! assert_eq!(a, b);
//! ```

use crate::blocks::Runner;
use parfor::Schedule;
use std::hint::black_box;

/// Output elements per block.
pub const BLOCK: usize = 16;

/// The default schedule (every output element costs the same).
pub const DEFAULT_SCHEDULE: Schedule = Schedule::Dynamic(4);

/// Problem size.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Params {
    /// Number of elements of the input and of the output.
    pub n: u64,
}

impl Default for Params {
    /// The full size: n = 10,000.
    fn default() -> Self {
        Params { n: 10_000 }
    }
}

impl Params {
    /// The test/CI size: n = 1,000.
    ///
    /// ```
    /// assert_eq!(parfor_kernels::roots_sum::Params::small().n, 1000);
    /// ```
    pub fn small() -> Self {
        Params { n: 1000 }
    }
}

/// `sum over j of sqrt(x[j])`, the sequential sum, with `x` hidden from the optimiser.
///
/// ```
/// assert_eq!(parfor_kernels::roots_sum::sum_of_roots(&[1.0, 4.0, 9.0]), 6.0);
/// ```
#[inline]
pub fn sum_of_roots(x: &[f64]) -> f64 {
    let x = black_box(x);
    let mut s = 0.0;
    for v in x {
        s += v.sqrt();
    }
    s
}

fn check_len(x: &[f64], out: &[f64]) {
    assert_eq!(
        x.len(),
        out.len(),
        "parfor-kernels: roots_sum needs x and out of the same length"
    );
}

/// The serial reference: a plain double loop.
///
/// # Panics
/// When `x` and `out` differ in length.
///
/// ```
/// let mut out = [0.0; 2];
/// parfor_kernels::roots_sum::serial(&[4.0, 9.0], &mut out);
/// assert_eq!(out, [5.0, 5.0]);
/// ```
pub fn serial(x: &[f64], out: &mut [f64]) {
    check_len(x, out);
    for o in out.iter_mut() {
        let xs = black_box(x);
        let mut s = 0.0;
        for v in xs {
            s += v.sqrt();
        }
        *o = s;
    }
}

/// The parallel kernel on the global pool.
///
/// # Panics
/// When `x` and `out` differ in length.
pub fn parallel(x: &[f64], out: &mut [f64], schedule: Schedule) {
    parallel_on(Runner::Global, x, out, schedule)
}

/// The parallel kernel on `runner`.
///
/// ```
/// use parfor_kernels::{roots_sum, Runner};
/// let mut out = [0.0; 3];
/// roots_sum::parallel_on(Runner::Global, &[1.0, 4.0, 9.0], &mut out, parfor::Schedule::Static);
/// assert_eq!(out, [6.0; 3]);
/// ```
pub fn parallel_on(runner: Runner<'_>, x: &[f64], out: &mut [f64], schedule: Schedule) {
    check_len(x, out);
    runner.for_blocks(out, BLOCK, schedule, |_, piece| {
        for o in piece {
            *o = sum_of_roots(x);
        }
    });
}
