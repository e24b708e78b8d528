//! # parfor-gomp: gcc's libgomp ABI on the parfor runtime
//!
//! Programs built with `gcc -fopenmp` call `GOMP_*` entry points and the `omp_*` API. This crate
//! implements them on the parfor pool, as two files of one build:
//! - `libparfor_gomp.so`, for `LD_PRELOAD=libparfor_gomp.so ./prog` (unversioned definitions
//!   satisfy the program's versioned references);
//! - `gomp/libgomp.so.1`, linked by `link-libgomp.sh` from `libparfor_gomp.a` with libgomp's own
//!   version nodes and soname, for `LD_LIBRARY_PATH=.../gomp ./prog`.
//!
//! Both also export parfor's C API (`parfor_*`): a process that uses OpenMP code and parfor's
//! API loads one copy of the runtime and so has one pool of workers.
//!
//! Every function Debian's libgomp.so.1 (gcc 12) exports is exported (symbols.txt); those not
//! implemented abort with a message naming them (src/missing.rs), so a program never runs on
//! another OpenMP runtime by accident.
//!
//! One concept a module: `region` (parallel regions), `worksharing` (the loop a thread is in,
//! gcc's iteration space to parfor's offsets), `loops` and `constructs` (the entry points of
//! loops, sections, single, barrier, ordered), `doacross` (doacross loops: `ordered(n)` with
//! `depend(sink)`/`depend(source)`) and `variadic` (its C-variadic wait, as naked trampolines),
//! `cancel` (cancellation), `tasks` (tasks on parfor's runtime, taskloop),
//! `task_depend` (gcc's depend arrays), `target` (target and teams on the host), `task_env` (a
//! task's identity, ICVs and contention group), `futex_lock`, `lock` and `critical` (mutual
//! exclusion), `icv`, `queries`, `host_device` and `wtime` (the omp_* API), `missing` (the
//! aborting stubs build.rs generates).
//!
//! ```c
//! // gcc -fopenmp hello.c && LD_PRELOAD=target/release/libparfor_gomp.so ./a.out
//! #pragma omp parallel
//! printf("thread %d\n", omp_get_thread_num());
//! ```

#![deny(unsafe_op_in_unsafe_fn, clippy::undocumented_unsafe_blocks)]
#![allow(non_snake_case)]

// Linked for its `parfor_*` exports (see the crate docs).
use parfor_capi as _;

mod cancel;
mod constructs;
mod critical;
mod doacross;
mod futex_lock;
mod host_device;
mod icv;
mod lock;
mod loops;
mod missing;
mod queries;
mod region;
mod target;
mod task_depend;
mod task_env;
mod tasks;
mod variadic;
mod worksharing;
mod wtime;
