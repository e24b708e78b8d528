//! Worksharing loops: `GOMP_loop_*` in `long` and `GOMP_loop_ull_*` in `unsigned long long`,
//! every schedule (static, dynamic, guided, runtime; monotonic, nonmonotonic), ordered loops,
//! `_start`/`_next`/`_end`/`_end_nowait`, and the combined `GOMP_parallel_loop_*`.
//!
//! gcc's code for a dynamic loop (static loops without a chunk it splits inline):
//! ```c
//! if (GOMP_loop_nonmonotonic_dynamic_start(0, n, 1, 4, &lo, &hi))
//!     do { for (i = lo; i < hi; i++) body(i); }
//!     while (GOMP_loop_nonmonotonic_dynamic_next(&lo, &hi));
//! GOMP_loop_end();
//! ```
//! gcc (9 and later) calls the `nonmonotonic` entry points for `schedule(dynamic)` and
//! `schedule(guided)` without modifier (OpenMP 5: nonmonotonic unless ordered), and the plain
//! `dynamic`/`guided` ones for `monotonic:` (and older gcc for every dynamic loop). The
//! nonmonotonic ones run parfor's stealing schedules (`Schedule::Dynamic`, `Guided`), the others
//! the shared counter (`MonotonicDynamic`, `MonotonicGuided`), as do ordered loops. gcc copies
//! `lastprivate` and `linear` variables out on the thread whose final chunk ended at the loop's
//! end (it compares the loop variable with the end after the last `_next`), so every schedule
//! gives the chunk that holds the last iteration to its thread last (the stealing ones keep it
//! out of the deal for the first thread that runs dry: runtime/src/steal.rs). For
//! `schedule(runtime)`, `GOMP_loop_runtime_*` (`monotonic:runtime`) makes the run-time schedule
//! monotonic; the `nonmonotonic`/`maybe_nonmonotonic` forms run it as it is. `schedule(auto)` is
//! parfor's `Auto`.

use crate::missing::abort_with;
use crate::region::{self, Body};
use crate::worksharing::{self, Space};
use parfor::Schedule;
use std::ffi::c_void;
use std::os::raw::{c_long, c_uint, c_ulonglong};

/// The schedule of the `static` entry points: blocks, or round-robin chunks.
fn static_schedule(chunk: i64) -> Schedule {
    worksharing::schedule(1, chunk)
}

/// `schedule(monotonic:dynamic)`: chunks in order from the team's counter.
fn dynamic_schedule(chunk: i64) -> Schedule {
    worksharing::schedule(2, chunk).monotonic()
}

/// `schedule(monotonic:guided)`: shrinking chunks in order from the team's counter.
fn guided_schedule(chunk: i64) -> Schedule {
    worksharing::schedule(3, chunk).monotonic()
}

/// `schedule(nonmonotonic:dynamic)`: per-thread ranges with stealing.
fn nonmonotonic_dynamic_schedule(chunk: i64) -> Schedule {
    worksharing::schedule(2, chunk)
}

/// `schedule(nonmonotonic:guided)`: shrinking chunks from per-thread ranges with stealing.
fn nonmonotonic_guided_schedule(chunk: i64) -> Schedule {
    worksharing::schedule(3, chunk)
}

/// `schedule(monotonic:runtime)`: the run-time schedule, dynamic and guided made monotonic.
fn monotonic_runtime_schedule() -> Schedule {
    crate::icv::runtime_schedule().monotonic()
}

/// `schedule(runtime)` and `nonmonotonic:runtime`: the run-time schedule as it is.
fn runtime_schedule() -> Schedule {
    Schedule::Runtime
}

/// Writes the next chunk of this thread's loop to `istart`/`iend`; false when none is left.
///
/// # Safety
/// `istart` and `iend` are writable `T`s (`long` or `unsigned long long`, both 64 bits here).
pub(crate) unsafe fn next_into<T>(istart: *mut T, iend: *mut T) -> bool {
    match worksharing::next() {
        Some((lo, hi)) => {
            // SAFETY: the caller passes writable 64-bit integers.
            unsafe {
                istart.cast::<u64>().write(lo);
                iend.cast::<u64>().write(hi);
            }
            true
        }
        None => false,
    }
}

/// Opens a loop and writes its first chunk for this thread.
///
/// # Safety
/// As [`next_into`].
unsafe fn start_into<T>(
    space: Space,
    schedule: Schedule,
    ordered: bool,
    istart: *mut T,
    iend: *mut T,
) -> bool {
    worksharing::start(space, schedule, ordered, u64::MAX);
    // SAFETY: forwarded contract.
    unsafe { next_into(istart, iend) }
}

/// Defines loop entry points, `fn START, fn NEXT: schedule-from-chunk, ordered;` for the forms
/// with a chunk argument or `runtime fn START, fn NEXT: schedule, ordered;` for those without, in the
/// `long` family or the `ull` one (whose starts also take the direction, `up`).
macro_rules! loops {
    (long: $(fn $start:ident, fn $next:ident: $schedule:expr, $ordered:expr;)*) => {$(
        loops!(@pair $start, $next, c_long, (start: c_long, end: c_long, incr: c_long, chunk: c_long),
            Space::signed(start, end, incr), ($schedule)(chunk), $ordered);
    )*};
    (long: $(runtime fn $start:ident, fn $next:ident: $schedule:expr, $ordered:expr;)*) => {$(
        loops!(@pair $start, $next, c_long, (start: c_long, end: c_long, incr: c_long),
            Space::signed(start, end, incr), ($schedule)(), $ordered);
    )*};
    (ull: $(fn $start:ident, fn $next:ident: $schedule:expr, $ordered:expr;)*) => {$(
        loops!(@pair $start, $next, c_ulonglong,
            (up: bool, start: c_ulonglong, end: c_ulonglong, incr: c_ulonglong, chunk: c_ulonglong),
            Space::unsigned(up, start, end, incr),
            ($schedule)(i64::try_from(chunk).unwrap_or(i64::MAX)), $ordered);
    )*};
    (ull: $(runtime fn $start:ident, fn $next:ident: $schedule:expr, $ordered:expr;)*) => {$(
        loops!(@pair $start, $next, c_ulonglong,
            (up: bool, start: c_ulonglong, end: c_ulonglong, incr: c_ulonglong),
            Space::unsigned(up, start, end, incr), ($schedule)(), $ordered);
    )*};
    (@pair $start:ident, $next:ident, $int:ty, ($($arg:ident: $t:ty),*), $space:expr,
     $schedule:expr, $ordered:expr) => {
        #[doc = concat!("`", stringify!($start), "`: opens a loop, writes this thread's first chunk.")]
        ///
        /// # Safety
        /// `istart` and `iend` are writable.
        #[no_mangle]
        pub unsafe extern "C" fn $start($($arg: $t,)* istart: *mut $int, iend: *mut $int) -> bool {
            // SAFETY: forwarded contract.
            unsafe { start_into($space, $schedule, $ordered, istart, iend) }
        }

        #[doc = concat!("`", stringify!($next), "`: this thread's next chunk; false when done.")]
        ///
        /// # Safety
        /// `istart` and `iend` are writable.
        #[no_mangle]
        pub unsafe extern "C" fn $next(istart: *mut $int, iend: *mut $int) -> bool {
            // SAFETY: forwarded contract.
            unsafe { next_into(istart, iend) }
        }
    };
}

loops! { long:
    fn GOMP_loop_static_start, fn GOMP_loop_static_next: static_schedule, false;
    fn GOMP_loop_dynamic_start, fn GOMP_loop_dynamic_next: dynamic_schedule, false;
    fn GOMP_loop_guided_start, fn GOMP_loop_guided_next: guided_schedule, false;
    fn GOMP_loop_nonmonotonic_dynamic_start, fn GOMP_loop_nonmonotonic_dynamic_next: nonmonotonic_dynamic_schedule, false;
    fn GOMP_loop_nonmonotonic_guided_start, fn GOMP_loop_nonmonotonic_guided_next: nonmonotonic_guided_schedule, false;
    fn GOMP_loop_ordered_static_start, fn GOMP_loop_ordered_static_next: static_schedule, true;
    fn GOMP_loop_ordered_dynamic_start, fn GOMP_loop_ordered_dynamic_next: dynamic_schedule, true;
    fn GOMP_loop_ordered_guided_start, fn GOMP_loop_ordered_guided_next: guided_schedule, true;
}

loops! { long:
    runtime fn GOMP_loop_runtime_start, fn GOMP_loop_runtime_next: monotonic_runtime_schedule, false;
    runtime fn GOMP_loop_nonmonotonic_runtime_start, fn GOMP_loop_nonmonotonic_runtime_next: runtime_schedule, false;
    runtime fn GOMP_loop_maybe_nonmonotonic_runtime_start, fn GOMP_loop_maybe_nonmonotonic_runtime_next: runtime_schedule, false;
    runtime fn GOMP_loop_ordered_runtime_start, fn GOMP_loop_ordered_runtime_next: runtime_schedule, true;
}

loops! { ull:
    fn GOMP_loop_ull_static_start, fn GOMP_loop_ull_static_next: static_schedule, false;
    fn GOMP_loop_ull_dynamic_start, fn GOMP_loop_ull_dynamic_next: dynamic_schedule, false;
    fn GOMP_loop_ull_guided_start, fn GOMP_loop_ull_guided_next: guided_schedule, false;
    fn GOMP_loop_ull_nonmonotonic_dynamic_start, fn GOMP_loop_ull_nonmonotonic_dynamic_next: nonmonotonic_dynamic_schedule, false;
    fn GOMP_loop_ull_nonmonotonic_guided_start, fn GOMP_loop_ull_nonmonotonic_guided_next: nonmonotonic_guided_schedule, false;
    fn GOMP_loop_ull_ordered_static_start, fn GOMP_loop_ull_ordered_static_next: static_schedule, true;
    fn GOMP_loop_ull_ordered_dynamic_start, fn GOMP_loop_ull_ordered_dynamic_next: dynamic_schedule, true;
    fn GOMP_loop_ull_ordered_guided_start, fn GOMP_loop_ull_ordered_guided_next: guided_schedule, true;
}

loops! { ull:
    runtime fn GOMP_loop_ull_runtime_start, fn GOMP_loop_ull_runtime_next: monotonic_runtime_schedule, false;
    runtime fn GOMP_loop_ull_nonmonotonic_runtime_start, fn GOMP_loop_ull_nonmonotonic_runtime_next: runtime_schedule, false;
    runtime fn GOMP_loop_ull_maybe_nonmonotonic_runtime_start, fn GOMP_loop_ull_maybe_nonmonotonic_runtime_next: runtime_schedule, false;
    runtime fn GOMP_loop_ull_ordered_runtime_start, fn GOMP_loop_ull_ordered_runtime_next: runtime_schedule, true;
}

/// The extras of a generic loop start: task reductions abort (not implemented); `mem`, when
/// given, holds a size and gets the address of that much zeroed memory shared by the team (the
/// buffers of `scan` and `lastprivate(conditional:)`).
///
/// # Safety
/// `mem` is null or points to a size in a writable pointer slot.
pub(crate) unsafe fn take_extras(name: &str, reductions: *mut usize, mem: *mut *mut c_void) {
    if !reductions.is_null() {
        abort_with(&format!("{name} with task reductions is not implemented"));
    }
    // SAFETY: the caller passes a writable slot or null.
    if let Some(slot) = unsafe { mem.as_mut() } {
        *slot = worksharing::team_memory(*slot as usize);
    }
}

/// Defines the generic (OpenMP 5.0) loop starts, whose schedule is an argument.
macro_rules! generic_loops {
    ($(fn $name:ident: $ordered:expr;)*) => {$(
        #[doc = concat!("`", stringify!($name), "`: opens a loop whose schedule kind is an argument.")]
        ///
        /// # Safety
        /// `istart`/`iend` are writable or null; `reductions` is null; `mem` as gcc passes it.
        #[no_mangle]
        pub unsafe extern "C" fn $name(
            start: c_long, end: c_long, incr: c_long, kind: c_long, chunk: c_long,
            istart: *mut c_long, iend: *mut c_long, reductions: *mut usize, mem: *mut *mut c_void,
        ) -> bool {
            // SAFETY: forwarded contract.
            unsafe { take_extras(stringify!($name), reductions, mem) };
            if istart.is_null() {
                return true; // a static loop split inline: the call only provided `mem`
            }
            let space = Space::signed(start, end, incr);
            // SAFETY: forwarded contract.
            unsafe { start_into(space, worksharing::schedule(kind, chunk), $ordered, istart, iend) }
        }
    )*};
    ($(ull fn $name:ident: $ordered:expr;)*) => {$(
        #[doc = concat!("`", stringify!($name), "`: opens a loop whose schedule kind is an argument.")]
        ///
        /// # Safety
        /// `istart`/`iend` are writable or null; `reductions` is null; `mem` as gcc passes it.
        #[no_mangle]
        pub unsafe extern "C" fn $name(
            up: bool, start: c_ulonglong, end: c_ulonglong, incr: c_ulonglong, kind: c_long,
            chunk: c_ulonglong, istart: *mut c_ulonglong, iend: *mut c_ulonglong,
            reductions: *mut usize, mem: *mut *mut c_void,
        ) -> bool {
            // SAFETY: forwarded contract.
            unsafe { take_extras(stringify!($name), reductions, mem) };
            if istart.is_null() {
                return true; // as in the long form
            }
            let space = Space::unsigned(up, start, end, incr);
            let chunk = i64::try_from(chunk).unwrap_or(i64::MAX);
            // SAFETY: forwarded contract.
            unsafe { start_into(space, worksharing::schedule(kind, chunk), $ordered, istart, iend) }
        }
    )*};
}

generic_loops! {
    fn GOMP_loop_start: false;
    fn GOMP_loop_ordered_start: true;
}

generic_loops! {
    ull fn GOMP_loop_ull_start: false;
    ull fn GOMP_loop_ull_ordered_start: true;
}

/// Leaves the loop and waits for the team.
#[no_mangle]
pub extern "C" fn GOMP_loop_end() {
    worksharing::end(false)
}

/// Leaves the loop without waiting (`nowait`): this thread may go on to the next construct.
#[no_mangle]
pub extern "C" fn GOMP_loop_end_nowait() {
    worksharing::end(true)
}

/// Defines the combined `parallel for` entry points: a region whose threads find the loop open
/// and call only `*_next`.
macro_rules! parallel_loops {
    ($(fn $name:ident: $schedule:expr;)*) => {$(
        #[doc = concat!("`", stringify!($name), "`: a region around one worksharing loop.")]
        ///
        /// # Safety
        /// `body` and `data` are what gcc emits for the combined construct.
        #[no_mangle]
        pub unsafe extern "C" fn $name(
            body: Body, data: *mut c_void, num_threads: c_uint,
            start: c_long, end: c_long, incr: c_long, chunk: c_long, _flags: c_uint,
        ) {
            let schedule: fn(i64) -> Schedule = $schedule;
            let (space, schedule) = (Space::signed(start, end, incr), schedule(chunk));
            region::run(body, data, num_threads, || {
                worksharing::start(space, schedule, false, u64::MAX)
            })
        }
    )*};
    ($(runtime fn $name:ident: $schedule:expr;)*) => {$(
        #[doc = concat!("`", stringify!($name), "`: a region around one loop with the run-time schedule.")]
        ///
        /// # Safety
        /// `body` and `data` are what gcc emits for the combined construct.
        #[no_mangle]
        pub unsafe extern "C" fn $name(
            body: Body, data: *mut c_void, num_threads: c_uint,
            start: c_long, end: c_long, incr: c_long, _flags: c_uint,
        ) {
            let space = Space::signed(start, end, incr);
            let schedule: fn() -> Schedule = $schedule;
            region::run(body, data, num_threads, || {
                worksharing::start(space, schedule(), false, u64::MAX)
            })
        }
    )*};
}

parallel_loops! {
    fn GOMP_parallel_loop_static: static_schedule;
    fn GOMP_parallel_loop_dynamic: dynamic_schedule;
    fn GOMP_parallel_loop_guided: guided_schedule;
    fn GOMP_parallel_loop_nonmonotonic_dynamic: nonmonotonic_dynamic_schedule;
    fn GOMP_parallel_loop_nonmonotonic_guided: nonmonotonic_guided_schedule;
}

parallel_loops! {
    runtime fn GOMP_parallel_loop_runtime: monotonic_runtime_schedule;
    runtime fn GOMP_parallel_loop_nonmonotonic_runtime: runtime_schedule;
    runtime fn GOMP_parallel_loop_maybe_nonmonotonic_runtime: runtime_schedule;
}

/// Defines the split `parallel for` entry points of gcc before 4.9: `*_start` opens the region
/// with its loop and returns; the caller runs the body as thread 0, then `GOMP_parallel_end`.
macro_rules! split_parallel_loops {
    ($(fn $name:ident: $schedule:expr;)*) => {$(
        #[doc = concat!("`", stringify!($name), "`: opens a region around one worksharing loop.")]
        ///
        /// # Safety
        /// `body` and `data` are what gcc emits for the combined construct, valid until the
        /// matching `GOMP_parallel_end`.
        #[no_mangle]
        pub unsafe extern "C" fn $name(
            body: Body, data: *mut c_void, num_threads: c_uint,
            start: c_long, end: c_long, incr: c_long, chunk: c_long,
        ) {
            let schedule: fn(i64) -> Schedule = $schedule;
            let (space, schedule) = (Space::signed(start, end, incr), schedule(chunk));
            region::start_split(body, data, num_threads, move || {
                worksharing::start(space, schedule, false, u64::MAX)
            })
        }
    )*};
}

split_parallel_loops! {
    fn GOMP_parallel_loop_static_start: static_schedule;
    fn GOMP_parallel_loop_dynamic_start: dynamic_schedule;
    fn GOMP_parallel_loop_guided_start: guided_schedule;
}

/// `GOMP_parallel_loop_runtime_start`: opens a region around one loop with the run-time schedule;
/// the caller runs the body as thread 0, then `GOMP_parallel_end`.
///
/// # Safety
/// `body` and `data` are what gcc emits for the combined construct, valid until the matching
/// `GOMP_parallel_end`.
#[no_mangle]
pub unsafe extern "C" fn GOMP_parallel_loop_runtime_start(
    body: Body,
    data: *mut c_void,
    num_threads: c_uint,
    start: c_long,
    end: c_long,
    incr: c_long,
) {
    let space = Space::signed(start, end, incr);
    region::start_split(body, data, num_threads, move || {
        worksharing::start(space, Schedule::Runtime, false, u64::MAX)
    })
}
