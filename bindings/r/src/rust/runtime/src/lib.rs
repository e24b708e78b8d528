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
//! - `steal`: per-thread ranges of chunks with stealing, for nonmonotonic dynamic and guided
//!   loops (loom-checked);
//! - `worker`: worker threads and the hand-out of a job to one (model-checked with loom);
//! - `pool`: a pool's settings, internal control variables and reservoir of workers;
//! - `team`: a region's team (master, claimed workers, shared state), handles, level queries;
//! - `join`, `barrier`: the end of a region, and the team barrier (both loom-checked);
//! - `worksharing`: loops, single, sections, ordered and copyprivate inside a region;
//! - `doacross`: the posted progress of a doacross loop's iterations (loom-checked);
//! - `constructs`, `critical`: the closure forms of the constructs for Rust code;
//! - `task`, `taskqueue`, `depend`: tasks (scopes, taskwait, taskgroup, taskloop), their
//!   work-stealing deques, and dependences among sibling tasks;
//! - `region`, `loops`, `prange`: the region and loop entry points;
//! - `stop`, `cancel`, `abort`: stopping a region (panic, cancel), and the last resort;
//! - `global`, `fork`: the global pool, and noticing `fork()`; `env`, `wait`, `affinity`: OMP_*.

#![deny(unsafe_op_in_unsafe_fn)]
#![deny(clippy::undocumented_unsafe_blocks)]
#![warn(missing_docs)]

mod abort;
mod affinity;
mod annotate;
mod barrier;
mod cancel;
mod constructs;
mod critical;
mod depend;
mod doacross;
mod env;
mod fork;
mod global;
mod index;
mod join;
mod loops;
mod partials;
mod pool;
mod prange;
mod region;
pub mod schedule;
mod steal;
mod stop;
mod sync;
mod task;
mod taskalloc;
mod taskjoin;
mod taskqueue;
mod team;
mod wait;
mod worker;
mod worksharing;

pub use affinity::{Places, ProcBind};
pub use cancel::{cancel, cancellable, AllocError, Cancelled};
pub use constructs::Ordered;
pub use critical::{critical, critical_named};
pub use depend::Dep;
pub use env::{
    thread_cap, DisplayEnv, Setting, Settings, Source, Warning, DEFAULT_SERIAL_THRESHOLD,
    MAX_ACTIVE_LEVELS,
};
pub use global::{
    dynamic, max_active_levels, max_threads, schedule, serial_threshold, set_dynamic,
    set_max_active_levels, set_num_threads, set_schedule, set_serial_threshold, settings,
    thread_limit,
};
pub use index::Index;
pub use loops::{
    parallel_for, parallel_for_chunks, parallel_for_slice, parallel_reduce, parallel_reduce_chunks,
    IntoRange,
};
pub use pool::{Pool, PoolBuilder, ThreadsError};
pub use prange::{prange, Prange, PrangeMap};
pub use region::{parallel, region, Region};
pub use schedule::{Plan, Schedule, ScheduleParseError};
pub use task::{
    task, task_depend, taskgroup_begin, taskgroup_end, taskwait, taskyield, Grain, Scope,
    TaskOptions,
};
pub use team::{
    active_level, ancestor_thread_num, in_parallel, level, num_threads, team_size, thread_num,
    with_team, OpenRegion, Team,
};
pub use wait::WaitPolicy;
