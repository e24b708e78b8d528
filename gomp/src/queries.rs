//! Thread and team queries: where the calling thread is in the parfor runtime's teams.
//!
//! ```c
//! #pragma omp parallel
//! printf("%d of %d\n", omp_get_thread_num(), omp_get_num_threads());
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

/// True inside an active region (a team of more than one thread).
#[no_mangle]
pub extern "C" fn omp_in_parallel() -> c_int {
    c_int::from(parfor::in_parallel())
}
