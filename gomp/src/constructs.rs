//! The constructs of a team other than loops: `sections`, `single` (with copyprivate),
//! `barrier`, `ordered` (their cancellable forms are in [`crate::cancel`]).
//!
//! Outside any region (orphaned constructs) the encountering thread is a team of one: `single`
//! runs its block, a barrier returns at once, every section runs in order.
//!
//! ```c
//! for (unsigned s = GOMP_sections_start(3); s; s = GOMP_sections_next())
//!     switch (s) { case 1: a(); break; case 2: b(); break; case 3: c(); break; }
//! GOMP_sections_end();
//! ```

use crate::missing::abort_with;
use crate::region::{self, Body};
use crate::worksharing::{self, Space};
use parfor::{Schedule, Team};
use std::ffi::c_void;
use std::os::raw::c_uint;

/// Sections are dealt one at a time, first come first served.
const SECTIONS: Schedule = Schedule::Dynamic(1);

/// The next section for this thread (1-based), 0 when none is left.
fn next_section() -> c_uint {
    worksharing::next().map_or(0, |(s, _)| c_uint::try_from(s).unwrap_or(0))
}

/// Opens a `sections` construct of `count` sections; the first section for this thread, or 0.
#[no_mangle]
pub extern "C" fn GOMP_sections_start(count: c_uint) -> c_uint {
    worksharing::start(Space::sections(count.into()), SECTIONS, false, 1);
    next_section()
}

/// As [`GOMP_sections_start`] (OpenMP 5.0 form); task reductions and shared memory abort.
///
/// # Safety
/// `reductions` and `mem` are null.
#[no_mangle]
pub unsafe extern "C" fn GOMP_sections2_start(
    count: c_uint,
    reductions: *mut usize,
    mem: *mut *mut c_void,
) -> c_uint {
    if !reductions.is_null() || !mem.is_null() {
        abort_with("GOMP_sections2_start with task reductions or shared memory is not implemented");
    }
    GOMP_sections_start(count)
}

/// The next section for this thread, 0 when none is left.
#[no_mangle]
pub extern "C" fn GOMP_sections_next() -> c_uint {
    next_section()
}

/// Leaves the `sections` construct and waits for the team.
#[no_mangle]
pub extern "C" fn GOMP_sections_end() {
    worksharing::end(false)
}

/// Leaves the `sections` construct without waiting.
#[no_mangle]
pub extern "C" fn GOMP_sections_end_nowait() {
    worksharing::end(true)
}

/// `#pragma omp parallel sections`: a region whose threads find `count` sections open.
///
/// # Safety
/// `body` and `data` are what gcc emits for the combined construct.
#[no_mangle]
pub unsafe extern "C" fn GOMP_parallel_sections(
    body: Body,
    data: *mut c_void,
    num_threads: c_uint,
    count: c_uint,
    _flags: c_uint,
) {
    region::run(body, data, num_threads, || {
        worksharing::start(Space::sections(count.into()), SECTIONS, false, 1)
    })
}

/// Runs `f` on this thread's team, or returns `alone` outside any region.
fn on_team<R>(alone: R, f: impl FnOnce(&Team) -> R) -> R {
    parfor::with_team(|team| team.map_or(alone, f))
}

/// `single`: true on the one thread of the team that runs the block (no barrier here).
#[no_mangle]
pub extern "C" fn GOMP_single_start() -> bool {
    on_team(true, Team::single_start)
}

/// `single copyprivate`: null on the thread that runs the block (it then calls
/// [`GOMP_single_copy_end`]); on the others, the pointer that thread published.
#[no_mangle]
pub extern "C" fn GOMP_single_copy_start() -> *mut c_void {
    on_team(None, Team::single_copy_start).map_or(std::ptr::null_mut(), |v| v as *mut c_void)
}

/// Publishes the copyprivate pointer of the thread that ran the `single` block.
#[no_mangle]
pub extern "C" fn GOMP_single_copy_end(data: *mut c_void) {
    on_team((), |t| t.single_copy_end(data as usize))
}

/// Waits until every thread of the team has reached this barrier.
#[no_mangle]
pub extern "C" fn GOMP_barrier() {
    // A region stopped by parfor_cancel() releases its barriers; C code just goes on to its end.
    on_team(Ok(()), Team::barrier_status).unwrap_or(());
}

/// Waits for this iteration's turn in an ordered loop.
#[no_mangle]
pub extern "C" fn GOMP_ordered_start() {
    on_team((), Team::ordered_start)
}

/// Ends the ordered part of this iteration.
#[no_mangle]
pub extern "C" fn GOMP_ordered_end() {
    on_team((), Team::ordered_end)
}

/// `#pragma omp parallel sections` as gcc before 4.9 emits it: opens a region whose threads find
/// `count` sections open and returns; the caller runs the body as thread 0, then
/// `GOMP_parallel_end`.
///
/// # Safety
/// `body` and `data` are what gcc emits for the combined construct, valid until the matching
/// `GOMP_parallel_end`.
#[no_mangle]
pub unsafe extern "C" fn GOMP_parallel_sections_start(
    body: Body,
    data: *mut c_void,
    num_threads: c_uint,
    count: c_uint,
) {
    region::start_split(body, data, num_threads, move || {
        worksharing::start(Space::sections(count.into()), SECTIONS, false, 1)
    })
}
