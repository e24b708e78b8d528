//! Why a region's threads stop early: a panic on one of them, or [`crate::cancel`].
//!
//! One [`Stop`] per team, read before every chunk and at every barrier. It is written only when a
//! region stops, so the line stays in every core's cache; the cancel epoch is compared with the
//! one recorded when the region started (see [`crate::cancel`]).

use crate::sync::{AtomicBool, AtomicU64, Ordering::Relaxed};

/// A team's stop flags.
pub(crate) struct Stop {
    /// Take no further chunk, pass every barrier: the region is being torn down.
    stopped: AtomicBool,
    /// The stop came from [`crate::cancel`].
    cancelled: AtomicBool,
    /// The cancel epoch when the region started.
    epoch: AtomicU64,
}

impl Stop {
    /// Flags for a region starting now.
    pub(crate) fn new() -> Stop {
        Stop {
            stopped: AtomicBool::new(false),
            cancelled: AtomicBool::new(false),
            epoch: AtomicU64::new(crate::cancel::epoch()),
        }
    }

    /// Makes the flags ready for a new region; only while no thread of the team runs. Writes
    /// only what differs, so the line stays shared in the workers' caches.
    pub(crate) fn reset(&self) {
        if self.stopped.load(Relaxed) {
            self.stopped.store(false, Relaxed);
            self.cancelled.store(false, Relaxed);
        }
        let epoch = crate::cancel::epoch();
        if self.epoch.load(Relaxed) != epoch {
            self.epoch.store(epoch, Relaxed);
        }
    }

    /// Stops the region (a body panicked).
    pub(crate) fn stop(&self) {
        self.stopped.store(true, Relaxed);
    }

    /// Whether the region must stop: a panic, or a cancel since it started.
    #[inline]
    pub(crate) fn is_stopped(&self) -> bool {
        if self.stopped.load(Relaxed) {
            return true;
        }
        if crate::cancel::epoch() != self.epoch.load(Relaxed) {
            self.cancelled.store(true, Relaxed);
            self.stopped.store(true, Relaxed);
            return true;
        }
        false
    }

    /// Whether [`crate::cancel`] stopped the region (read once the team has finished).
    pub(crate) fn was_cancelled(&self) -> bool {
        self.cancelled.load(Relaxed)
    }
}
