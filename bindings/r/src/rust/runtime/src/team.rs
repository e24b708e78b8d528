//! The team a thread belongs to: `thread_num()`, `num_threads()`, `in_parallel()`, and the
//! panic-safe wrapper every share of a region runs in.
//!
//! Each thread records, in a thread-local, its number in the region it is running and the team's
//! size. Outside any region that is (0, 1), as OpenMP answers. A nested region (a loop started from
//! inside a body) runs on the thread that started it as a team of one, so it gets (0, 1) too, and
//! the outer values come back when it ends.

use std::any::Any;
use std::cell::Cell;
use std::panic::{catch_unwind, resume_unwind, AssertUnwindSafe};
use std::sync::Mutex;

thread_local! {
    /// (thread number, team size); team size 0 means "not in a region".
    static CURRENT: Cell<(usize, usize)> = const { Cell::new((0, 0)) };
}

/// This thread's number in the current team: 0 for the thread that started the region (and outside
/// any region), `1..num_threads()` for the workers.
///
/// ```
/// assert_eq!(parfor::thread_num(), 0);
/// parfor::parallel_for(0..4, parfor::Schedule::Static, |_| assert!(parfor::thread_num() < parfor::num_threads()));
/// ```
pub fn thread_num() -> usize {
    CURRENT.with(|c| c.get().0)
}

/// The size of the current team: 1 outside a region (OpenMP's `omp_get_num_threads`). For the
/// team size the next region will get, see [`crate::max_threads`].
///
/// ```
/// assert_eq!(parfor::num_threads(), 1);
/// ```
pub fn num_threads() -> usize {
    CURRENT.with(|c| c.get().1.max(1))
}

/// Whether this thread is running a region's body. Loops started here run serially (one active
/// level, as OpenMP's default), so libraries can call parfor from inside parfor without deadlock.
///
/// ```
/// assert!(!parfor::in_parallel());
/// parfor::parallel_for(0..2, parfor::Schedule::Static, |_| assert!(parfor::in_parallel()));
/// ```
pub fn in_parallel() -> bool {
    CURRENT.with(|c| c.get().1 != 0)
}

/// Sets this thread's (thread number, team size) and restores the previous pair when dropped.
struct Membership {
    previous: (usize, usize),
}

impl Membership {
    fn enter(thread: usize, team: usize) -> Membership {
        Membership {
            previous: CURRENT.with(|c| c.replace((thread, team))),
        }
    }
}

impl Drop for Membership {
    fn drop(&mut self) {
        CURRENT.with(|c| c.set(self.previous));
    }
}

/// Collects the first panic of a region so that it can resume on the caller.
#[derive(Default)]
pub(crate) struct PanicSlot(Mutex<Option<Box<dyn Any + Send>>>);

impl PanicSlot {
    fn store(&self, payload: Box<dyn Any + Send>) {
        let mut slot = self.0.lock().unwrap_or_else(|e| e.into_inner());
        if slot.is_none() {
            *slot = Some(payload);
        }
        // Later payloads are dropped here: only the first panic is reported, as with threads.
    }

    /// Takes the stored panic out, leaving the slot empty for the next region.
    pub(crate) fn take(&self) -> Option<Box<dyn Any + Send>> {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).take()
    }

    /// Resumes the stored panic, if any, on the calling thread.
    pub(crate) fn resume(&self) {
        if let Some(payload) = self.take() {
            resume_unwind(payload);
        }
    }
}

/// Runs `body(thread)` as thread `thread` of a team of `team`: the thread-local team is set for the
/// duration, and a panic is caught, reported to `on_panic` (which stops the loop), and stored.
pub(crate) fn run_share(
    thread: usize,
    team: usize,
    body: &(dyn Fn(usize) + Sync),
    on_panic: &(dyn Fn() + Sync),
    panics: &PanicSlot,
) {
    let _member = Membership::enter(thread, team);
    if let Err(payload) = catch_unwind(AssertUnwindSafe(|| body(thread))) {
        on_panic();
        panics.store(payload);
    }
}
