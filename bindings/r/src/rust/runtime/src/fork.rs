//! Noticing `fork()`: a generation counter bumped in the child by a `pthread_atfork` handler.
//!
//! The child of a fork has one thread, the one that forked. Pools compare the generation their
//! reservoir was made in with the current one and start afresh when they differ (see
//! [`crate::pool`]). The handler only touches atomics and this thread's own cache of teams, and
//! is installed when the first pool of the process is created, whichever pool that is.

use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::sync::Once;

static GENERATION: AtomicU64 = AtomicU64::new(0);

/// How many times this process's ancestry has forked since the first pool was created.
pub(crate) fn generation() -> u64 {
    GENERATION.load(Relaxed)
}

extern "C" fn in_child() {
    GENERATION.fetch_add(1, Relaxed);
    crate::global::after_fork_in_child();
    crate::team::forget_cached_teams();
}

/// Installs the child handler once per process.
pub(crate) fn install_handler() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        // SAFETY: registers a child handler that touches only atomics and this thread's
        // thread-local cache (see `in_child`); no prepare or parent hooks.
        let rc = unsafe { libc::pthread_atfork(None, None, Some(in_child)) };
        if rc != 0 {
            eprintln!("parfor: warning: pthread_atfork failed ({rc}); pools will not work in forked children");
        }
    });
}
