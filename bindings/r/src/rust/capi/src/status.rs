//! Statuses: every fallible function returns one, records what was wrong for
//! [`parfor_last_error`], and no panic gets past [`guard`].

use std::borrow::Cow;
use std::cell::RefCell;
use std::ffi::{c_char, c_int, CStr, CString};
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
/// Memory sized from the arguments could not be allocated; nothing was changed and the library
/// is still usable.
pub const PARFOR_ERR_NOMEM: c_int = 5;
/// The call was stopped by `parfor_cancel()`; the pool is still usable.
pub const PARFOR_ERR_CANCELLED: c_int = 6;

/// Why a call failed: its status and a message naming what was wrong, for [`parfor_last_error`].
///
/// ```ignore
/// return Err(Failure::invalid("x and out overlap"));
/// ```
#[derive(Debug, PartialEq)]
pub(crate) struct Failure {
    /// The status returned to C.
    pub status: c_int,
    /// What was wrong, e.g. "x and out overlap".
    pub message: Cow<'static, str>,
}

impl Failure {
    /// `PARFOR_ERR_INVALID` with `message`.
    pub fn invalid(message: impl Into<Cow<'static, str>>) -> Failure {
        Failure {
            status: PARFOR_ERR_INVALID,
            message: message.into(),
        }
    }

    /// `PARFOR_ERR_NULL` for the argument `name`.
    pub fn null(name: &str) -> Failure {
        Failure {
            status: PARFOR_ERR_NULL,
            message: format!("{name} is null").into(),
        }
    }

    /// The status and message of an unwinding payload: `parfor::AllocError` is
    /// `PARFOR_ERR_NOMEM`, `parfor::Cancelled` is `PARFOR_ERR_CANCELLED`, anything else a
    /// contained panic.
    fn from_payload(payload: &(dyn std::any::Any + Send)) -> Failure {
        if let Some(e) = payload.downcast_ref::<parfor::AllocError>() {
            return Failure {
                status: PARFOR_ERR_NOMEM,
                message: e.to_string().into(),
            };
        }
        if payload.is::<parfor::Cancelled>() {
            return Failure {
                status: PARFOR_ERR_CANCELLED,
                message: "stopped by parfor_cancel()".into(),
            };
        }
        let what = payload
            .downcast_ref::<&str>()
            .copied()
            .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
            .unwrap_or("a panic with a non-text payload");
        Failure {
            status: PARFOR_ERR_PANIC,
            message: format!("internal error, contained: {what}").into(),
        }
    }
}

/// What a checked step of an entry point gives: a value, or why the call fails.
pub(crate) type Outcome<T = ()> = Result<T, Failure>;

/// Runs `body`, turning its failure into a status (recorded for [`parfor_last_error`]) and an
/// unwinding payload into `PARFOR_ERR_NOMEM`, `PARFOR_ERR_CANCELLED` or `PARFOR_ERR_PANIC`.
pub(crate) fn guard(body: impl FnOnce() -> Outcome) -> c_int {
    let failure = match catch_unwind(AssertUnwindSafe(body)) {
        Ok(Ok(())) => return PARFOR_OK,
        Ok(Err(failure)) => failure,
        Err(payload) => {
            let failure = Failure::from_payload(&*payload);
            drop_payload(payload);
            failure
        }
    };
    record(&failure.message);
    failure.status
}

/// Runs `query` (an entry point that returns a value, not a status); `fallback` if it unwinds.
pub(crate) fn guard_value<T>(query: impl FnOnce() -> T, fallback: T) -> T {
    catch_unwind(AssertUnwindSafe(query)).unwrap_or_else(|payload| {
        drop_payload(payload);
        fallback
    })
}

/// Drops a caught payload; one whose `Drop` panics in turn is leaked rather than let unwind
/// into C.
fn drop_payload(payload: Box<dyn std::any::Any + Send>) {
    if let Err(again) = catch_unwind(AssertUnwindSafe(move || drop(payload))) {
        std::mem::forget(again);
    }
}

/// `Err(PARFOR_ERR_NULL)` naming `name` when `p` is null.
pub(crate) fn non_null<T>(p: *const T, name: &str) -> Outcome {
    if p.is_null() {
        Err(Failure::null(name))
    } else {
        Ok(())
    }
}

thread_local! {
    /// The message of the last failed call on this thread.
    static LAST_ERROR: RefCell<CString> = RefCell::new(CString::default());
}

/// Records `message` as this thread's last error.
fn record(message: &str) {
    let text = CString::new(message.replace('\0', " ")).unwrap_or_default();
    // A thread being torn down has no slot left: the status alone is returned.
    let _ = LAST_ERROR.try_with(|slot| *slot.borrow_mut() = text);
}

/// A static, NUL-terminated description of `status`; never null, also for unknown codes.
///
/// ```c
/// int rc = parfor_pi(0, 1, &pi);
/// if (rc != PARFOR_OK) fprintf(stderr, "parfor_pi: %s\n", parfor_status_message(rc));
/// ```
#[no_mangle]
pub extern "C" fn parfor_status_message(status: c_int) -> *const c_char {
    let text: &'static CStr = match status {
        PARFOR_OK => c"success",
        PARFOR_ERR_NULL => c"a required pointer argument is null",
        PARFOR_ERR_INVALID => c"an argument is out of range",
        PARFOR_ERR_PANIC => c"internal error: a panic was caught (the pool is still usable)",
        PARFOR_ERR_THREADS => c"threads could not be created",
        PARFOR_ERR_NOMEM => c"out of memory: the arguments ask for more than can be allocated",
        PARFOR_ERR_CANCELLED => c"cancelled by parfor_cancel()",
        _ => c"unknown status code",
    };
    text.as_ptr()
}

/// What was wrong in the last call on this thread that returned a status other than
/// `PARFOR_OK`, naming the argument (e.g. "x and out overlap"); "" if no call on this thread has
/// failed. Successful calls leave it unchanged. The string stays valid until the next failing
/// call on this thread.
///
/// ```c
/// if (parfor_roots(x, y, n) != PARFOR_OK) fprintf(stderr, "parfor_roots: %s\n", parfor_last_error());
/// ```
#[no_mangle]
pub extern "C" fn parfor_last_error() -> *const c_char {
    const NONE: &CStr = c"";
    guard_value(
        || {
            LAST_ERROR
                .try_with(|slot| slot.borrow().as_ptr())
                .unwrap_or(NONE.as_ptr())
        },
        NONE.as_ptr(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn last_error() -> String {
        // SAFETY: parfor_last_error returns a valid C string.
        unsafe { CStr::from_ptr(parfor_last_error()) }
            .to_str()
            .unwrap()
            .to_owned()
    }

    #[test]
    fn failures_become_a_status_and_a_message() {
        assert_eq!(guard(|| panic!("boom")), PARFOR_ERR_PANIC);
        assert_eq!(last_error(), "internal error, contained: boom");
        assert_eq!(
            guard(|| Err(Failure::invalid("x and out overlap"))),
            PARFOR_ERR_INVALID
        );
        assert_eq!(last_error(), "x and out overlap");
        assert_eq!(guard(|| Ok(())), PARFOR_OK);
        assert_eq!(
            last_error(),
            "x and out overlap",
            "success keeps the message"
        );
        assert_eq!(guard(|| non_null(std::ptr::null::<u8>(), "out")), 1);
        assert_eq!(last_error(), "out is null");
    }

    #[test]
    fn the_message_is_per_thread() {
        assert_eq!(guard(|| Err(Failure::invalid("here"))), PARFOR_ERR_INVALID);
        let other = std::thread::spawn(last_error).join().unwrap();
        assert_eq!(other, "");
        assert_eq!(last_error(), "here");
    }

    #[test]
    fn runtime_payloads_have_their_own_statuses() {
        let nomem = guard(|| std::panic::resume_unwind(Box::new(parfor::AllocError { bytes: 64 })));
        assert_eq!(nomem, PARFOR_ERR_NOMEM);
        assert!(last_error().contains("64"), "{}", last_error());
        let cancelled = guard(|| std::panic::resume_unwind(Box::new(parfor::Cancelled)));
        assert_eq!(cancelled, PARFOR_ERR_CANCELLED);
    }

    #[test]
    fn a_payload_whose_drop_panics_is_contained() {
        struct Bomb;
        impl Drop for Bomb {
            fn drop(&mut self) {
                panic!("drop of the payload");
            }
        }
        let status = guard(|| std::panic::resume_unwind(Box::new(Bomb)));
        assert_eq!(status, PARFOR_ERR_PANIC);
        assert_eq!(guard_value(|| -> i32 { panic!("x") }, 7), 7);
    }

    #[test]
    fn every_status_has_a_message() {
        for s in -1..10 {
            let p = parfor_status_message(s);
            assert!(!p.is_null());
            // SAFETY: the messages are static C strings.
            let text = unsafe { CStr::from_ptr(p) }.to_str().unwrap();
            assert!(!text.is_empty());
        }
    }
}
