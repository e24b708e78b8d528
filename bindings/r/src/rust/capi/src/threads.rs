//! Team size, thread numbers, and the library version.

use crate::status::{guard, guard_value, Failure, PARFOR_ERR_THREADS};
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
            .ok_or_else(|| Failure::invalid(format!("n ({n}) must be at least 1")))?;
        parfor::set_num_threads(n).map_err(|e| match e {
            ThreadsError::Zero => Failure::invalid("n must be at least 1"),
            e @ ThreadsError::Spawn { .. } => Failure {
                status: PARFOR_ERR_THREADS,
                message: e.to_string().into(),
            },
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
    guard_value(
        || i32::try_from(parfor::max_threads()).unwrap_or(i32::MAX),
        1,
    )
}

/// Inside a loop body: this thread's number in the team, 0 .. team-1. Outside (or if it cannot
/// be determined): 0.
///
/// ```c
/// static void body(int64_t b, int64_t e, void *ctx) { int t = parfor_get_thread_num(); record(t, b, e); }
/// ```
#[no_mangle]
pub extern "C" fn parfor_get_thread_num() -> i32 {
    guard_value(
        || i32::try_from(parfor::thread_num()).unwrap_or(i32::MAX),
        0,
    )
}

/// 1 inside a loop body, 0 outside (loops started inside a body run serially; 0 if it cannot be
/// determined).
///
/// ```c
/// if (!parfor_in_parallel()) { handle_error(); }
/// ```
#[no_mangle]
pub extern "C" fn parfor_in_parallel() -> i32 {
    guard_value(|| i32::from(parfor::in_parallel()), 0)
}

/// The major version of this header and library (semantic versioning; the SONAME is
/// `libparfor.so.<major>`).
///
/// ```c
/// #if PARFOR_VERSION_MAJOR != 0
/// #error "written for parfor 0.x"
/// #endif
/// ```
pub const PARFOR_VERSION_MAJOR: i32 = 0;
/// The minor version of this header and library.
///
/// ```c
/// #if PARFOR_VERSION_MAJOR == 0 && PARFOR_VERSION_MINOR < 1
/// #error "needs parfor 0.1 or later"
/// #endif
/// ```
pub const PARFOR_VERSION_MINOR: i32 = 1;
/// The patch version of this header and library.
///
/// ```c
/// printf("built with %d.%d.%d\n", PARFOR_VERSION_MAJOR, PARFOR_VERSION_MINOR, PARFOR_VERSION_PATCH);
/// ```
pub const PARFOR_VERSION_PATCH: i32 = 0;

/// The library version, a static string such as "0.1.0" (the library found at run time, which
/// may be newer than the header's `PARFOR_VERSION_*`).
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
    use crate::status::PARFOR_ERR_INVALID;

    #[test]
    fn bad_team_sizes_are_refused() {
        assert_eq!(parfor_set_num_threads(0), PARFOR_ERR_INVALID);
        assert_eq!(parfor_set_num_threads(-5), PARFOR_ERR_INVALID);
        assert_eq!(parfor_set_num_threads(i32::MIN), PARFOR_ERR_INVALID);
        assert!(parfor_get_num_threads() >= 1);
        assert_eq!(parfor_get_thread_num(), 0);
        assert_eq!(parfor_in_parallel(), 0);
    }

    #[test]
    fn the_version_macros_are_the_crate_version() {
        let parse = |s: &str| s.parse::<i32>().unwrap();
        assert_eq!(PARFOR_VERSION_MAJOR, parse(env!("CARGO_PKG_VERSION_MAJOR")));
        assert_eq!(PARFOR_VERSION_MINOR, parse(env!("CARGO_PKG_VERSION_MINOR")));
        assert_eq!(PARFOR_VERSION_PATCH, parse(env!("CARGO_PKG_VERSION_PATCH")));
        // SAFETY: parfor_version returns a static C string.
        let text = unsafe { std::ffi::CStr::from_ptr(parfor_version()) };
        let dotted =
            format!("{PARFOR_VERSION_MAJOR}.{PARFOR_VERSION_MINOR}.{PARFOR_VERSION_PATCH}");
        assert_eq!(text.to_str().unwrap(), dotted);
    }
}
