//! # parfor: an OpenMP-style parallel-for runtime
//!
//! A persistent thread pool that runs loops with OpenMP's static, dynamic and guided schedules,
//! reductions with partials combined in a fixed order, and the OMP_* environment variables.
//! Closures borrow the caller's stack; the caller takes part in the work and returns when every
//! iteration has run.
//!
//! ```
//! use parfor::{parallel_for, parallel_reduce, prange, Schedule};
//! use std::sync::atomic::{AtomicU64, Ordering};
//!
//! let hits = AtomicU64::new(0);
//! parallel_for(0..1000u64, Schedule::Dynamic(64), |i| {
//!     hits.fetch_add(i, Ordering::Relaxed);
//! });
//! let sum = parallel_reduce(0..1000u64, Schedule::Static, 0, |i| i, |a, b| a + b);
//! assert_eq!(hits.into_inner(), sum);
//! let v: Vec<u64> = prange(0..4u64).schedule(Schedule::Guided(1)).map(|i| i * 10).collect();
//! assert_eq!(v, [0, 10, 20, 30]);
//! ```
//!
//! ## How it is built (one concept a module)
//! - [`mod@schedule`]: schedules as data, and the one chunk driver every loop uses;
//! - `dispatch`: the protocol between a region's caller and the workers (model-checked with loom);
//! - `region`: the job a worker is told to run, small enough to travel with the start signal;
//! - `pool`: worker threads, created once; regions of a pool are serialised;
//! - `team`: thread numbers, nesting, and the panic-safe share wrapper;
//! - `global`: the global pool, created on first use, replaced after `fork()`;
//! - `loops`, `prange`: the loop forms; `env`, `wait`, `affinity`: the OMP_* settings.

#![deny(unsafe_op_in_unsafe_fn)]
#![warn(missing_docs)]

mod affinity;
mod annotate;
mod cancel;
mod dispatch;
mod env;
mod global;
mod index;
mod loops;
mod partials;
mod pool;
mod prange;
mod region;
pub mod schedule;
mod sync;
mod team;
mod wait;

pub use affinity::{Places, ProcBind};
pub use cancel::{cancel, cancellable, AllocError, Cancelled};
pub use env::{
    thread_cap, DisplayEnv, Setting, Settings, Source, Warning, DEFAULT_SERIAL_THRESHOLD,
};
pub use global::{
    max_threads, schedule, serial_threshold, set_num_threads, set_schedule, set_serial_threshold,
    settings,
};
pub use index::Index;
pub use loops::{
    parallel_for, parallel_for_chunks, parallel_for_slice, parallel_reduce, parallel_reduce_chunks,
    IntoRange,
};
pub use pool::{Pool, PoolBuilder, ThreadsError};
pub use prange::{prange, Prange, PrangeMap};
pub use schedule::{Plan, Schedule, ScheduleParseError};
pub use team::{in_parallel, num_threads, thread_num};
pub use wait::WaitPolicy;
