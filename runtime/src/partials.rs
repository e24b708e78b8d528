//! Per-thread partial results of a reduction: one slot per thread of the team, on its own cache
//! line, written only by its thread during the region and read by the caller after it.

use crate::sync::Padded;
use std::cell::UnsafeCell;

/// One partial per thread of a region's team.
pub(crate) struct Partials<T> {
    slots: Vec<Padded<UnsafeCell<Option<T>>>>,
}

// SAFETY: a slot is only accessed through `update` by the thread whose number it has (thread
// numbers are unique within a region), and through `into_fold` after the region, when the dispatch
// protocol has ordered every thread's writes before the caller's reads.
unsafe impl<T: Send> Sync for Partials<T> {}

impl<T> Partials<T> {
    /// Empty partials for a team of `team` threads.
    pub(crate) fn new(team: usize) -> Self {
        Partials {
            slots: (0..team).map(|_| Padded(UnsafeCell::new(None))).collect(),
        }
    }

    /// Replaces thread `thread`'s partial by `f(its partial)`.
    ///
    /// # Safety
    /// Only thread `thread` of the running region may call this with `thread`, and not while it
    /// is already inside an `update` (the region runs each share on one thread, once).
    pub(crate) unsafe fn update(&self, thread: usize, f: impl FnOnce(Option<T>) -> T) {
        let slot = self.slots[thread].0.get();
        // SAFETY: per the contract, this thread is the only one touching slot `thread` now. If `f`
        // panics, the slot holds None (taken below) and the region's panic path takes over.
        unsafe {
            let previous = (*slot).take();
            *slot = Some(f(previous));
        }
    }

    /// The partials in thread order, folded with `combine` starting from `init`.
    pub(crate) fn into_fold(self, init: T, combine: impl Fn(T, T) -> T) -> T {
        self.slots
            .into_iter()
            .filter_map(|slot| slot.0.into_inner())
            .fold(init, combine)
    }
}
