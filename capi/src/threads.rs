//! Team size, thread numbers, and the library version.

use crate::status::{guard, PARFOR_ERR_INVALID, PARFOR_ERR_THREADS};
use parfor::ThreadsError;
use std::ffi::{c_char, c_int};

/// Sets the team size of later regions (as `omp_set_num_threads`); `n < 1` is
/// `PARFOR_ERR_INVALID`; `PARFOR_ERR_THREADS` when threads could not be created (teams then use
/// the threads that exist). Capped at the thread limit (`OMP_THREAD_LIMIT`).
///
/// ```c
/// if (parfor_set_num_threads(4) != PARFOR_OK) { handle_error(); }
/// ```
#[no_mangle]
pub extern "C" fn parfor_set_num_threads(n: i32) -> c_int {
    guard(|| {
        let n = usize::try_from(n)
            .ok()
            .filter(|&n| n >= 1)
            .ok_or(PARFOR_ERR_INVALID)?;
        parfor::set_num_threads(n).map_err(|e| match e {
            ThreadsError::Zero => PARFOR_ERR_INVALID,
            ThreadsError::Spawn { .. } => PARFOR_ERR_THREADS,
        })
    })
}

/// The team size of the next region (as `omp_get_max_threads`); 1 if it cannot be determined.
///
/// ```c
/// printf("%d threads\n", parfor_get_num_threads());
/// ```
#[no_mangle]
pub extern "C" fn parfor_get_num_threads() -> i32 {
    std::panic::catch_unwind(parfor::max_threads)
        .map_or(1, |n| i32::try_from(n).unwrap_or(i32::MAX))
}

/// Inside a loop body: this thread's number in the team, 0 .. team-1. Outside: 0.
///
/// ```c
/// static void body(int64_t b, int64_t e, void *ctx) { int t = parfor_get_thread_num(); record(t, b, e); }
/// ```
#[no_mangle]
pub extern "C" fn parfor_get_thread_num() -> i32 {
    i32::try_from(parfor::thread_num()).unwrap_or(i32::MAX)
}

/// 1 inside a loop body, 0 outside (loops started inside a body run serially).
///
/// ```c
/// if (!parfor_in_parallel()) { handle_error(); }
/// ```
#[no_mangle]
pub extern "C" fn parfor_in_parallel() -> i32 {
    i32::from(parfor::in_parallel())
}

/// The library version, a static string such as "0.1.0".
///
/// ```c
/// puts(parfor_version());
/// ```
#[no_mangle]
pub extern "C" fn parfor_version() -> *const c_char {
    concat!(env!("CARGO_PKG_VERSION"), "\0").as_ptr().cast()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_team_sizes_are_refused() {
        assert_eq!(parfor_set_num_threads(0), PARFOR_ERR_INVALID);
        assert_eq!(parfor_set_num_threads(-5), PARFOR_ERR_INVALID);
        assert_eq!(parfor_set_num_threads(i32::MIN), PARFOR_ERR_INVALID);
        assert!(parfor_get_num_threads() >= 1);
        assert_eq!(parfor_get_thread_num(), 0);
        assert_eq!(parfor_in_parallel(), 0);
    }
}
