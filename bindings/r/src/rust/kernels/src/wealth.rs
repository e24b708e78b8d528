//! `wealth`: long-run median household wealth. Each household follows
//! `w_{t+1} = R s w_t + y` with `R = exp(v1 xi) (1 + r)`, `y = exp(v2 zeta)`, `xi, zeta ~ N(0, 1)`
//! (drawn in that order each step), from `w_0` for `steps` steps; the result is the median of the
//! final wealths (the mean of the two middle values for an even count, as NumPy's `median`).
//!
//! Household `h` is a task with its own stream, [`rng::stream`]`(seed, h)`, so its final wealth
//! depends on `(seed, h)` only. The loop runs over blocks of [`BLOCK`] households.
//!
//! ```
//! use parfor_kernels::wealth;
//! let p = wealth::Params { households: 2000, steps: 100, ..Default::default() };
//! let m = wealth::parallel(p, 5, wealth::DEFAULT_SCHEDULE);
//! assert_eq!(m, wealth::serial(p, 5));
//! assert!((m - 1.834).abs() < 0.15);
//! ```

use crate::blocks::Runner;
use crate::rng;
use parfor::Schedule;

/// Households per block of the parallel loop.
pub const BLOCK: usize = 64;

/// Call-site tags of the normal sampler (see [`rng::Tagged`]).
enum HouseholdXi {}
enum HouseholdZeta {}
enum SerialXi {}
enum SerialZeta {}

/// The default schedule: one block (64 households) per chunk. Households cost the same, but a
/// chunk of 4 blocks (about 4 ms at the bench size) left up to a chunk of idle time at the end of
/// the loop: 79.2 ms against 78.2 ms for `dynamic,1`, best of 7 at 2 threads, 10,000 households.
pub const DEFAULT_SCHEDULE: Schedule = Schedule::Dynamic(1);

/// Problem size and model.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Params {
    /// Number of households.
    pub households: u64,
    /// Steps per household (T).
    pub steps: u32,
    /// Interest rate r (0.1).
    pub r: f64,
    /// Savings rate s (0.3).
    pub s: f64,
    /// Volatility of returns v1 (0.1).
    pub v1: f64,
    /// Volatility of income v2 (1.0).
    pub v2: f64,
    /// Initial wealth w0 (1).
    pub w0: f64,
}

impl Default for Params {
    /// The full size: 50,000 households, T = 1000; r = 0.1, s = 0.3, v1 = 0.1, v2 = 1, w0 = 1.
    fn default() -> Self {
        Params {
            households: 50_000,
            steps: 1000,
            r: 0.1,
            s: 0.3,
            v1: 0.1,
            v2: 1.0,
            w0: 1.0,
        }
    }
}

impl Params {
    /// The test/CI size: 10,000 households, T = 200 (the process forgets `w0` within ~50 steps,
    /// so the law of the final wealth is the full size's).
    ///
    /// ```
    /// assert_eq!(parfor_kernels::wealth::Params::small().households, 10_000);
    /// ```
    pub fn small() -> Self {
        Params {
            households: 10_000,
            steps: 200,
            ..Params::default()
        }
    }
}

/// The final wealth of household `h`.
///
/// ```
/// use parfor_kernels::wealth;
/// assert!(wealth::household(wealth::Params::small(), 1, 0) > 0.0);
/// ```
#[inline]
pub fn household(p: Params, seed: u64, h: u64) -> f64 {
    simulate(p, seed, h, |_| {})
}

/// Household `h`'s wealth path: `out[0] = w0`, then `out[t]` the wealth after `t` steps, for
/// `t < out.len()` (at most `p.steps`): the numbers [`household`] draws.
///
/// ```
/// use parfor_kernels::wealth;
/// let p = wealth::Params { steps: 100, w0: 5.0, ..Default::default() };
/// let mut path = vec![0.0; 101];
/// wealth::path(p, 1, 0, &mut path);
/// assert_eq!((path[0], path[100]), (5.0, wealth::household(p, 1, 0)));
/// ```
pub fn path(p: Params, seed: u64, h: u64, out: &mut [f64]) {
    let Some((first, rest)) = out.split_first_mut() else {
        return;
    };
    *first = p.w0;
    let mut slots = rest.iter_mut();
    simulate(p, seed, h, |w| {
        if let Some(slot) = slots.next() {
            *slot = w;
        }
    });
}

/// Household `h`'s `p.steps` steps from `w0`, showing each new wealth to `visit`; the final one.
#[inline]
fn simulate(p: Params, seed: u64, h: u64, mut visit: impl FnMut(f64)) -> f64 {
    let mut rng = rng::stream(seed, h);
    let growth = 1.0 + p.r;
    let mut w = p.w0;
    for _ in 0..p.steps {
        let xi: f64 = rng::normal::<HouseholdXi>(&mut rng);
        let zeta: f64 = rng::normal::<HouseholdZeta>(&mut rng);
        let big_r = (p.v1 * xi).exp() * growth;
        let y = (p.v2 * zeta).exp();
        w = big_r * p.s * w + y;
        visit(w);
    }
    w
}

/// The median of `values` (mean of the two middle ones for an even count; NaN when empty).
/// Reorders `values`.
///
/// ```
/// assert_eq!(parfor_kernels::wealth::median(&mut [3.0, 1.0, 4.0, 2.0]), 2.5);
/// assert_eq!(parfor_kernels::wealth::median(&mut [3.0, 1.0, 2.0]), 2.0);
/// ```
pub fn median(values: &mut [f64]) -> f64 {
    let n = values.len();
    if n == 0 {
        return f64::NAN;
    }
    let (_, &mut hi, _) = values.select_nth_unstable_by(n / 2, f64::total_cmp);
    if n % 2 == 1 {
        return hi;
    }
    let lo = values[..n / 2]
        .iter()
        .copied()
        .max_by(f64::total_cmp)
        .unwrap_or(hi);
    0.5 * (lo + hi)
}

/// The serial reference: fills `out[k]` with the final wealth of household `first + k`, in a
/// plain loop over households and steps.
///
/// ```
/// use parfor_kernels::wealth;
/// let mut w = [0.0; 3];
/// wealth::serial_fill(wealth::Params::small(), 1, 10, &mut w);
/// assert_eq!(w[2], wealth::household(wealth::Params::small(), 1, 12));
/// ```
pub fn serial_fill(p: Params, seed: u64, first: u64, out: &mut [f64]) {
    for (k, slot) in out.iter_mut().enumerate() {
        let mut rng = rng::stream(seed, first + k as u64);
        let mut w = p.w0;
        for _ in 0..p.steps {
            let xi: f64 = rng::normal::<SerialXi>(&mut rng);
            let zeta: f64 = rng::normal::<SerialZeta>(&mut rng);
            w = (p.v1 * xi).exp() * (1.0 + p.r) * p.s * w + (p.v2 * zeta).exp();
        }
        *slot = w;
    }
}

/// The serial reference: the median final wealth of `p.households` households.
///
/// ```
/// use parfor_kernels::wealth;
/// let m = wealth::serial(wealth::Params { households: 1001, steps: 100, ..Default::default() }, 3);
/// assert!(m > 1.0 && m < 3.0);
/// ```
pub fn serial(p: Params, seed: u64) -> f64 {
    let mut w = crate::alloc::vec_of(p.households, 0.0);
    serial_fill(p, seed, 0, &mut w);
    median(&mut w)
}

/// Fills `out[k]` with the final wealth of household `first + k`, in parallel on the global pool
/// (for a split run, e.g. one MPI rank's households; the median is then taken over all of them).
///
/// ```
/// use parfor_kernels::wealth;
/// let p = wealth::Params { households: 300, steps: 50, ..Default::default() };
/// let mut w = vec![0.0; 300];
/// wealth::fill(p, 2, 0, &mut w[..100], parfor::Schedule::Static);
/// wealth::fill(p, 2, 100, &mut w[100..], parfor::Schedule::Static);
/// assert_eq!(wealth::median(&mut w), wealth::serial(p, 2));
/// ```
pub fn fill(p: Params, seed: u64, first: u64, out: &mut [f64], schedule: Schedule) {
    fill_on(Runner::Global, p, seed, first, out, schedule)
}

/// Fills `out[k]` with the final wealth of household `first + k`, in parallel on `runner`
/// (the schedule deals out blocks of [`BLOCK`] households).
///
/// ```
/// use parfor_kernels::{wealth, Runner};
/// let p = wealth::Params::small();
/// let mut a = vec![0.0; 100];
/// let mut b = vec![0.0; 100];
/// wealth::fill_on(Runner::Global, p, 8, 0, &mut a, parfor::Schedule::Static);
/// wealth::serial_fill(p, 8, 0, &mut b);
/// assert_eq!(a, b);
/// ```
pub fn fill_on(
    runner: Runner<'_>,
    p: Params,
    seed: u64,
    first: u64,
    out: &mut [f64],
    schedule: Schedule,
) {
    runner.for_blocks(out, BLOCK, schedule, |b, piece| {
        let h0 = first + b * BLOCK as u64;
        for (k, slot) in piece.iter_mut().enumerate() {
            *slot = household(p, seed, h0 + k as u64);
        }
    });
}

/// The parallel kernel on the global pool: the median final wealth.
pub fn parallel(p: Params, seed: u64, schedule: Schedule) -> f64 {
    parallel_on(Runner::Global, p, seed, schedule)
}

/// The parallel kernel on `runner`. The median needs every household's final wealth: when they
/// cannot be stored, it unwinds with [`parfor::AllocError`] before any work is done.
pub fn parallel_on(runner: Runner<'_>, p: Params, seed: u64, schedule: Schedule) -> f64 {
    let mut w = crate::alloc::vec_of(p.households, 0.0);
    fill_on(runner, p, seed, 0, &mut w, schedule);
    median(&mut w)
}
