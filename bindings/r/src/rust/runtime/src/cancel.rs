//! Stopping running loops from outside: [`cancel`], and the errors a stopped loop reports.
//!
//! A process-wide cancel *epoch* counts calls of [`cancel`]. Every loop records the epoch when it
//! starts and, before each chunk, compares it with the current one: a difference means "stop
//! taking chunks". A cancel while nothing runs only moves the epoch, which the next loop records
//! as its start: it is not affected. Bumping an atomic counter is async-signal-safe, so `cancel`
//! may be called from a signal handler (a SIGINT handler in a CLI, R or Python).
//!
//! A loop that was stopped returns by unwinding with the payload [`Cancelled`] once every
//! thread of its team has stopped (through `resume_unwind`, so no panic message is printed);
//! [`cancellable`] turns that back into a `Result`. The C ABI maps the payload to
//! `PARFOR_ERR_CANCELLED`.

use std::fmt;
use std::panic::{catch_unwind, resume_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};

static EPOCH: AtomicU64 = AtomicU64::new(0);

/// Stops every loop running in the process: their threads take no further chunk, and each loop
/// unwinds with [`Cancelled`] on its caller. Async-signal-safe; a cancel while no loop runs does
/// not affect later loops.
///
/// ```
/// parfor::cancel(); // nothing runs: the next loop is unaffected
/// assert_eq!(parfor::parallel_reduce(0..10u32, parfor::Schedule::Static, 0, |i| i, |a, b| a + b), 45);
/// ```
pub fn cancel() {
    EPOCH.fetch_add(1, Relaxed);
}

/// The current cancel epoch: loops record it when they start.
#[inline]
pub(crate) fn epoch() -> u64 {
    EPOCH.load(Relaxed)
}

/// The payload a loop stopped by [`cancel`] unwinds with, and the error of [`cancellable`].
///
/// ```
/// let e = parfor::Cancelled;
/// assert_eq!(e.to_string(), "the loop was cancelled");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cancelled;

impl fmt::Display for Cancelled {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the loop was cancelled")
    }
}

impl std::error::Error for Cancelled {}

/// The payload a runtime operation unwinds with when memory sized from its arguments cannot be
/// had (for example collecting a loop of 2^60 items); the C ABI maps it to `PARFOR_ERR_NOMEM`.
///
/// ```
/// let e = parfor::AllocError { bytes: 1 << 40 };
/// assert!(e.to_string().contains("1099511627776 bytes"));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AllocError {
    /// The size of the allocation that failed.
    pub bytes: usize,
}

impl fmt::Display for AllocError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "cannot allocate {} bytes", self.bytes)
    }
}

impl std::error::Error for AllocError {}

/// Runs `work` and returns `Err(Cancelled)` if a loop inside it was stopped by [`cancel`]; any
/// other panic resumes unchanged.
///
/// ```
/// let r = parfor::cancellable(|| {
///     parfor::parallel_for(0..1_000_000u64, parfor::Schedule::Dynamic(1), |i| {
///         if i == 10 { parfor::cancel() }
///     });
///     "finished"
/// });
/// assert_eq!(r, Err(parfor::Cancelled));
/// ```
pub fn cancellable<R>(work: impl FnOnce() -> R) -> Result<R, Cancelled> {
    match catch_unwind(AssertUnwindSafe(work)) {
        Ok(r) => Ok(r),
        Err(payload) if payload.is::<Cancelled>() => Err(Cancelled),
        Err(payload) => resume_unwind(payload),
    }
}

/// Unwinds with `Cancelled` (no panic message): how a stopped loop returns.
pub(crate) fn unwind_cancelled() -> ! {
    resume_unwind(Box::new(Cancelled))
}
