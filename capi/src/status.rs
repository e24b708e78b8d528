//! Statuses: every fallible function returns one, and no panic gets past [`guard`].

use std::ffi::{c_char, c_int};
use std::panic::{catch_unwind, AssertUnwindSafe};

/// Success.
pub const PARFOR_OK: c_int = 0;
/// A required pointer is null.
pub const PARFOR_ERR_NULL: c_int = 1;
/// An argument is out of range (a negative or overflowing size, an unknown kind or operator).
pub const PARFOR_ERR_INVALID: c_int = 2;
/// Rust code panicked; the panic was contained and the pool is still usable.
pub const PARFOR_ERR_PANIC: c_int = 3;
/// Threads could not be created.
pub const PARFOR_ERR_THREADS: c_int = 4;

/// Runs `body`, turning its error into a status and a panic into `PARFOR_ERR_PANIC`.
pub(crate) fn guard(body: impl FnOnce() -> Result<(), c_int>) -> c_int {
    match catch_unwind(AssertUnwindSafe(body)) {
        Ok(Ok(())) => PARFOR_OK,
        Ok(Err(status)) => status,
        Err(_) => PARFOR_ERR_PANIC,
    }
}

/// `Err(PARFOR_ERR_NULL)` when `p` is null.
pub(crate) fn non_null<T>(p: *const T) -> Result<(), c_int> {
    if p.is_null() {
        Err(PARFOR_ERR_NULL)
    } else {
        Ok(())
    }
}

/// A static, NUL-terminated description of `status`; never null, also for unknown codes.
///
/// ```c
/// int rc = parfor_pi(0, 1, &pi);
/// if (rc != PARFOR_OK) fprintf(stderr, "parfor_pi: %s\n", parfor_status_message(rc));
/// ```
#[no_mangle]
pub extern "C" fn parfor_status_message(status: i32) -> *const c_char {
    let text: &'static std::ffi::CStr = match status {
        PARFOR_OK => c"success",
        PARFOR_ERR_NULL => c"a required pointer argument is null",
        PARFOR_ERR_INVALID => c"an argument is out of range",
        PARFOR_ERR_PANIC => c"internal error: a panic was caught (the pool is still usable)",
        PARFOR_ERR_THREADS => c"threads could not be created",
        _ => c"unknown status code",
    };
    text.as_ptr()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn panics_become_a_status() {
        assert_eq!(guard(|| panic!("boom")), PARFOR_ERR_PANIC);
        assert_eq!(guard(|| Err(PARFOR_ERR_INVALID)), PARFOR_ERR_INVALID);
        assert_eq!(guard(|| Ok(())), PARFOR_OK);
    }

    #[test]
    fn every_status_has_a_message() {
        for s in -1..10 {
            let p = parfor_status_message(s);
            assert!(!p.is_null());
            // SAFETY: the messages are static C strings.
            let text = unsafe { std::ffi::CStr::from_ptr(p) }.to_str().unwrap();
            assert!(!text.is_empty());
        }
    }
}
