//! # parfor-benches: parfor against serial code, rayon and OpenMP C
//!
//! The bench targets (benches/benches/*.rs) each load ONE runtime: `kernels_parfor`,
//! `kernels_rayon`, `kernels_openmp`, `kernels_serial` and the matching `overhead_*`. An idle
//! OpenMP or rayon pool may spin for a while after its work and would take a core from the
//! runtime being measured, so benches/run.sh runs every target in its own process, one after the
//! other, and the `report` binary turns criterion's estimates into BENCHMARKS.md.
//!
//! - [`sizes`]: the bench size of every kernel (50-300 ms per serial iteration here);
//! - [`rayon_kernels`]: each kernel written the way a rayon user writes it, calling the same
//!   per-block functions of parfor-kernels, so only the parallel loop differs;
//! - [`ffi`]: the C side (plain C serial loops and OpenMP loops, the same algorithm and the same
//!   PCG64 streams and ziggurat normals, so results agree bit for bit; see benches/tests);
//! - [`overhead`]: the EPCC-style overhead loops for parfor, rayon and serial code;
//! - [`compare`]: the spread of rounds and the tie rule that the words of every comparison follow;
//! - [`results`]: criterion's own output read back (estimates, samples) and the per-round CSV;
//! - [`summary`]: the readable summary that ends `cargo bench` (the `summary` target, which cargo
//!   runs last) and `report --summary`.

#![deny(clippy::undocumented_unsafe_blocks)]

pub mod compare;
pub mod ffi;
pub mod overhead;
pub mod rayon_kernels;
pub mod results;
pub mod sizes;
pub mod summary;

/// The seed every stochastic bench uses.
pub const SEED: u64 = parfor_kernels::DEFAULT_SEED;
