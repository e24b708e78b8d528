//! The end of a region: the master waits until every worker of its team has finished.
//!
//! A counter of workers still running, set by the master before it hands out the jobs. Each
//! worker decrements it when done (after releasing itself, see [`crate::worker`]). The master
//! spins on it for a while, then sleeps: it sets [`MASTER_SLEEPING`] with a read-modify-write
//! and, if workers remain, waits on a condition variable; the worker whose decrement leaves only
//! that bit notifies under the lock. Either the master's `fetch_or` sees zero, or the last
//! worker's `fetch_sub` sees the bit: the two read-modify-writes cannot both miss.

use crate::annotate;
use crate::sync::{AtomicUsize, Condvar, Mutex, Ordering::*, Padded};
use crate::wait::Spin;

const MASTER_SLEEPING: usize = 1 << (usize::BITS - 1);

/// Workers of the running region still working, plus [`MASTER_SLEEPING`].
pub(crate) struct Join {
    remaining: Padded<AtomicUsize>,
    lock: Mutex<()>,
    done: Condvar,
}

impl Join {
    pub(crate) fn new() -> Join {
        let j = Join {
            remaining: Padded(AtomicUsize::new(0)),
            lock: Mutex::new(()),
            done: Condvar::new(),
        };
        annotate::atomic(&*j.remaining);
        j
    }

    /// Tells race detectors which words are only accessed atomically; call at the final address.
    pub(crate) fn announce(&self) {
        annotate::atomic(&*self.remaining);
        annotate::atomic(&self.lock);
        annotate::atomic(&self.done);
    }

    /// Master side, before handing out jobs: `workers` will finish.
    pub(crate) fn expect(&self, workers: usize) {
        self.remaining.store(workers, Relaxed);
    }

    /// Worker side: this worker has finished. The join may be freed as soon as this returns to
    /// the master, so nothing of it is touched after the decrement except under the lock.
    pub(crate) fn arrive(&self) {
        annotate::happens_before(&*self.remaining);
        if self.remaining.fetch_sub(1, AcqRel) == MASTER_SLEEPING | 1 {
            let _guard = self.lock.lock().unwrap();
            self.done.notify_one();
        }
    }

    /// Master side: waits (spinning for `spin`, then sleeping) until every worker has finished.
    pub(crate) fn wait(&self, spin: Spin) {
        self.wait_until_done(spin);
        annotate::happens_after(&*self.remaining);
    }

    fn wait_until_done(&self, spin: Spin) {
        for poll in 0..spin.polls {
            if self.remaining.load(Acquire) == 0 {
                return;
            }
            spin.pause(poll);
        }
        if self.remaining.fetch_or(MASTER_SLEEPING, AcqRel) == 0 {
            self.remaining.store(0, Relaxed);
            return;
        }
        let mut guard = self.lock.lock().unwrap();
        while self.remaining.load(Acquire) != MASTER_SLEEPING {
            guard = self.done.wait(guard).unwrap();
        }
        drop(guard);
        self.remaining.store(0, Relaxed);
    }
}
