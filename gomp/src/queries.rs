//! Thread and team queries: where the calling thread is in the parfor runtime's teams.
//!
//! ```c
//! #pragma omp parallel
//! printf("%d of %d at level %d\n", omp_get_thread_num(), omp_get_num_threads(), omp_get_level());
//! ```

use crate::icv::to_int;
use std::os::raw::c_int;

/// This thread's number in its innermost team (0 outside regions).
#[no_mangle]
pub extern "C" fn omp_get_thread_num() -> c_int {
    to_int(parfor::thread_num())
}

/// The size of this thread's innermost team (1 outside regions).
#[no_mangle]
pub extern "C" fn omp_get_num_threads() -> c_int {
    to_int(parfor::num_threads())
}

/// True inside an active region (an enclosing team of more than one thread).
#[no_mangle]
pub extern "C" fn omp_in_parallel() -> c_int {
    c_int::from(parfor::active_level() > 0)
}

/// Regions enclosing this thread, active or not.
#[no_mangle]
pub extern "C" fn omp_get_level() -> c_int {
    to_int(parfor::level())
}

/// Active regions (more than one thread) enclosing this thread.
#[no_mangle]
pub extern "C" fn omp_get_active_level() -> c_int {
    to_int(parfor::active_level())
}

/// A level argument as parfor's, or `None` when negative.
fn level(n: c_int) -> Option<usize> {
    usize::try_from(n).ok()
}

/// The thread number of this thread's ancestor at `level`; -1 outside `0..=omp_get_level()`.
#[no_mangle]
pub extern "C" fn omp_get_ancestor_thread_num(n: c_int) -> c_int {
    level(n)
        .and_then(parfor::ancestor_thread_num)
        .map_or(-1, to_int)
}

/// The size of the team at `level` around this thread; -1 outside `0..=omp_get_level()`.
#[no_mangle]
pub extern "C" fn omp_get_team_size(n: c_int) -> c_int {
    level(n).and_then(parfor::team_size).map_or(-1, to_int)
}
