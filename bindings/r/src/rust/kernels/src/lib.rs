//! # parfor-kernels: the seed suite on the parfor runtime
//!
//! The eight kernels of `shared/kernels.md`, each in its own module with a parameter struct
//! (`Params::default()` is the full size, `Params::small()` the test size), a plain serial
//! reference (`serial*`), a parallel version on parfor's global pool taking a [`parfor::Schedule`]
//! (each module's `DEFAULT_SCHEDULE` is the best one measured), and an `*_on` form taking a
//! [`Runner`] (the global pool or an explicit [`parfor::Pool`]).
//!
//! | module | result | blocks |
//! |---|---|---|
//! | [`pi`] | `f64` estimate | [`pi::BLOCK`] points |
//! | [`wealth`] | `f64` median | one stream per household, [`wealth::BLOCK`] households per block |
//! | [`weather`] | [`weather::WeatherStats`] | [`weather::BLOCK`] runs |
//! | [`roots`] | fills `&mut [f32]` | [`roots::BLOCK`] elements |
//! | [`roots_sum`] | fills `&mut [f64]` | [`roots_sum::BLOCK`] outputs |
//! | [`grid_max`] | `f64` maximum | [`grid_max::ROWS_PER_BLOCK`] rows |
//! | [`bootstrap`] | fills means/stds, [`bootstrap::Summary`] | one stream per task, [`bootstrap::BLOCK`] tasks per block |
//! | [`mandelbrot`] | fills `&mut [u32]`, `u64` total | rows |
//!
//! ## Results that do not depend on the team
//! Work is cut into fixed blocks whose size is a constant of the kernel; each stochastic block
//! (or task) draws from its own PCG64 stream ([`rng::stream`]`(seed, id)`), and per-block partials
//! are combined in block order. So every result is bit-identical for any thread count and any
//! schedule, and equal to the serial reference's bits.
//!
//! ## Splitting a run (MPI)
//! The reducing kernels (pi, weather, bootstrap's summary, grid_max, mandelbrot's total) have
//! `num_blocks(params)`, `partial(params, [seed,] blocks, schedule)` for a contiguous range of
//! blocks, `Partial::combine` for consecutive ranges in order, and `Partial::finish`: folding the
//! partials of `0..k` and `k..num_blocks` gives exactly the bits of the whole run.
//!
//! ```
//! use parfor_kernels::pi;
//! let p = pi::Params::small();
//! let n = pi::num_blocks(p);
//! let rank0 = pi::partial(p, 42, 0..n / 2, pi::DEFAULT_SCHEDULE);
//! let rank1 = pi::partial(p, 42, n / 2..n, pi::DEFAULT_SCHEDULE);
//! assert_eq!(rank0.combine(rank1).finish(), pi::parallel(p, 42, pi::DEFAULT_SCHEDULE));
//! ```

#![deny(clippy::undocumented_unsafe_blocks)]
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod alloc;
pub mod blocks;
pub mod bootstrap;
pub mod cli;
pub mod grid_max;
pub mod mandelbrot;
pub mod pi;
pub mod rng;
pub mod roots;
pub mod roots_sum;
pub mod suite;
pub mod wealth;
pub mod weather;

pub use blocks::{NotAdjacent, Runner};

/// The seed the CLI uses unless told otherwise.
pub const DEFAULT_SEED: u64 = 20_240_601;
