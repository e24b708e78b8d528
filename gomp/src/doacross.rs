//! Doacross loops: `#pragma omp for ordered(n)` whose body has `#pragma omp ordered
//! depend(sink: ...)` (wait for another iteration) and `depend(source)` (this iteration's
//! dependences are satisfied), in `long` (`GOMP_loop_doacross_*`, `GOMP_doacross_post/wait`) and
//! `unsigned long long` (`GOMP_loop_ull_doacross_*`, `GOMP_doacross_ull_post/wait`).
//!
//! What gcc 12 emits (read from `-fdump-tree-ompexp`): the start gets `ncounts` and an array of
//! the nest's logical iteration counts, outermost first; `collapse(c)` loops are flattened into
//! one dimension whose count is their product, so `ncounts = n - c + 1`. The loop dealt is the
//! outermost dimension as logical iterations `0..counts[0]` (`*_next` is the ordinary one of the
//! schedule); the inner loops run whole in each outer iteration. `GOMP_doacross_post` gets an
//! array and `GOMP_doacross_wait` one argument per dimension (C-variadic: see
//! [`crate::variadic`]), all *logical* iteration numbers counted from 0 (a negative step or a
//! start other than 0 is gcc's business). gcc leaves out the waits whose sink lies outside the
//! space; the runtime ignores such a wait too. A `schedule(runtime)` doacross start is followed
//! by `GOMP_loop_runtime_next`, and task reductions call the generic `GOMP_loop_doacross_start`.
//!
//! ```c
//! // for (i = 1; i < n; i++) for (j = 1; j < m; j++) with ordered(2) and
//! // depend(sink: i-1, j) / depend(source), as gcc lowers it:
//! long counts[2] = {n - 1, m - 1}, lo, hi;
//! if (GOMP_loop_doacross_static_start(2, counts, 0, &lo, &hi))
//!   do for (long I = lo; I < hi; I++) for (long J = 0; J < m - 1; J++) {
//!        if (I > 0) GOMP_doacross_wait(I - 1, J);
//!        body(I + 1, J + 1);
//!        long v[2] = {I, J}; GOMP_doacross_post(v);
//!      }
//!   while (GOMP_loop_static_next(&lo, &hi));
//! GOMP_loop_end_nowait();
//! ```
//!
//! The dependences are tracked by the runtime, per worksharing construct
//! (`parfor::Team::doacross_start`); outside a region, and in a team of one, the iterations run
//! in order and every post and wait returns at once.

use crate::loops::{next_into, take_extras};
use crate::worksharing;
use parfor::Schedule;
use std::ffi::c_void;
use std::os::raw::{c_long, c_uint, c_ulonglong};

/// The counts gcc passes, as `u64`s (`long` counts are never negative).
///
/// # Safety
/// `counts` points to `ncounts` readable 64-bit integers.
unsafe fn counts<'a, T>(ncounts: c_uint, counts: *const T) -> &'a [u64] {
    if ncounts == 0 || counts.is_null() {
        return &[];
    }
    // SAFETY: gcc's array of `ncounts` longs or unsigned long longs, 64 bits each, which lives
    // across the call (only the call reads it: the runtime copies what it keeps).
    unsafe { std::slice::from_raw_parts(counts.cast::<u64>(), ncounts as usize) }
}

/// Opens a doacross loop and writes this thread's first chunk of outer iterations.
///
/// # Safety
/// `counts` as [`counts`]; `istart` and `iend` are writable 64-bit integers.
unsafe fn start_into<T>(
    ncounts: c_uint,
    counts_ptr: *const T,
    schedule: Schedule,
    istart: *mut T,
    iend: *mut T,
) -> bool {
    // SAFETY: forwarded contract.
    worksharing::start_doacross(unsafe { counts(ncounts, counts_ptr) }, schedule);
    // SAFETY: forwarded contract.
    unsafe { next_into(istart, iend) }
}

/// A chunk of an `unsigned long long` loop as the signed chunk the schedules take.
fn ull_chunk(chunk: c_ulonglong) -> i64 {
    i64::try_from(chunk).unwrap_or(i64::MAX)
}

/// Defines doacross starts: `fn NAME(chunk): KIND;` for the forms with a chunk argument, with
/// the `omp_sched_t` kind, and `runtime fn NAME;` for the run-time schedule, in the `long` or
/// the `ull` family.
macro_rules! doacross_starts {
    ($int:ty, $chunk:ty, $to_i64:expr; $(fn $name:ident(chunk): $kind:expr;)* $(runtime fn $rt:ident;)*) => {
        $(
            #[doc = concat!("`", stringify!($name), "`: opens a doacross loop nest, writes this thread's first chunk.")]
            ///
            /// # Safety
            /// `counts` holds `ncounts` counts; `istart` and `iend` are writable.
            #[no_mangle]
            pub unsafe extern "C" fn $name(
                ncounts: c_uint, counts: *mut $int, chunk: $chunk, istart: *mut $int, iend: *mut $int,
            ) -> bool {
                let schedule = worksharing::schedule($kind, ($to_i64)(chunk));
                // SAFETY: forwarded contract.
                unsafe { start_into(ncounts, counts, schedule, istart, iend) }
            }
        )*
        $(
            #[doc = concat!("`", stringify!($rt), "`: opens a doacross loop nest with the run-time schedule.")]
            ///
            /// # Safety
            /// `counts` holds `ncounts` counts; `istart` and `iend` are writable.
            #[no_mangle]
            pub unsafe extern "C" fn $rt(
                ncounts: c_uint, counts: *mut $int, istart: *mut $int, iend: *mut $int,
            ) -> bool {
                // SAFETY: forwarded contract.
                unsafe { start_into(ncounts, counts, Schedule::Runtime, istart, iend) }
            }
        )*
    };
}

doacross_starts! { c_long, c_long, i64::from;
    fn GOMP_loop_doacross_static_start(chunk): 1;
    fn GOMP_loop_doacross_dynamic_start(chunk): 2;
    fn GOMP_loop_doacross_guided_start(chunk): 3;
    runtime fn GOMP_loop_doacross_runtime_start;
}

doacross_starts! { c_ulonglong, c_ulonglong, ull_chunk;
    fn GOMP_loop_ull_doacross_static_start(chunk): 1;
    fn GOMP_loop_ull_doacross_dynamic_start(chunk): 2;
    fn GOMP_loop_ull_doacross_guided_start(chunk): 3;
    runtime fn GOMP_loop_ull_doacross_runtime_start;
}

/// Defines the generic (OpenMP 5.0) doacross starts, whose schedule kind is an argument (gcc
/// calls them for task reductions, which abort: not implemented).
macro_rules! generic_doacross_starts {
    ($($int:ty, $chunk:ty, $to_i64:expr, fn $name:ident;)*) => {$(
        #[doc = concat!("`", stringify!($name), "`: opens a doacross loop nest whose schedule kind is an argument.")]
        ///
        /// # Safety
        /// `counts` holds `ncounts` counts; `istart`/`iend` are writable or null; `reductions`
        /// is null; `mem` as gcc passes it.
        #[no_mangle]
        pub unsafe extern "C" fn $name(
            ncounts: c_uint, counts: *mut $int, kind: c_long, chunk: $chunk,
            istart: *mut $int, iend: *mut $int, reductions: *mut usize, mem: *mut *mut c_void,
        ) -> bool {
            // SAFETY: forwarded contract.
            unsafe { take_extras(stringify!($name), reductions, mem) };
            let schedule = worksharing::schedule(kind, ($to_i64)(chunk));
            // SAFETY: forwarded contract.
            unsafe { start_into(ncounts, counts, schedule, istart, iend) }
        }
    )*};
}

generic_doacross_starts! {
    c_long, c_long, i64::from, fn GOMP_loop_doacross_start;
    c_ulonglong, c_ulonglong, ull_chunk, fn GOMP_loop_ull_doacross_start;
}

/// Posts the iteration whose logical numbers `iteration` holds (one per dimension).
///
/// # Safety
/// `iteration` points to one readable 64-bit integer per dimension of this thread's doacross
/// loop.
unsafe fn post(iteration: *const u64) {
    if iteration.is_null() {
        return;
    }
    parfor::with_team(|team| {
        if let Some(team) = team {
            team.doacross_post((0..).map(|k| {
                // SAFETY: `doacross_post` reads at most one value per dimension of the loop
                // (`parfor::Team::doacross_dims`), and gcc's array holds that many.
                unsafe { iteration.add(k).read() }
            }))
        }
    })
}

/// `ordered depend(source)`: this iteration's dependences are satisfied.
///
/// # Safety
/// `iteration` holds the logical iteration numbers of the current doacross loop's dimensions.
#[no_mangle]
pub unsafe extern "C" fn GOMP_doacross_post(iteration: *mut c_long) {
    // SAFETY: forwarded contract.
    unsafe { post(iteration.cast()) }
}

/// `ordered depend(source)` in an `unsigned long long` loop.
///
/// # Safety
/// As [`GOMP_doacross_post`].
#[no_mangle]
pub unsafe extern "C" fn GOMP_doacross_ull_post(iteration: *mut c_ulonglong) {
    // SAFETY: forwarded contract.
    unsafe { post(iteration.cast()) }
}

/// `ordered depend(sink: ...)`: waits for the iteration whose logical number in dimension `k` is
/// `value(k)`; `value` is called only for `k` below the current loop's dimension count
/// (`parfor::Team::doacross_dims`; `doacross_wait` reads no more), in order
/// (`GOMP_doacross_wait`'s variadic arguments, read by [`crate::variadic`]).
pub(crate) fn wait(value: impl Fn(usize) -> u64) {
    parfor::with_team(|team| {
        if let Some(team) = team {
            team.doacross_wait((0..).map(value))
        }
    })
}
