//! The team barrier: no thread passes barrier k before every thread of the team has reached it.
//!
//! ## Protocol
//! A counter of threads arrived and a generation word `generation << 1 | sleepers`. A thread
//! reads the generation, then counts itself in. The last to arrive resets the counter and bumps
//! the generation (a swap, which also clears the sleepers bit); the others wait for the
//! generation to change. They spin for the team's budget (a few polls, each yielding the CPU,
//! when the team is larger than the CPUs), then sleep: under the lock they set the sleepers bit
//! with a `fetch_or`, which also tells them whether the generation moved meanwhile, and wait on
//! the condition variable. The releaser notifies under the lock only when its swap saw the bit.
//! The counter is reset before the generation is published, and no thread can arrive at the next
//! barrier before it saw the new generation, so counts of two barriers never mix.
//!
//! A region that stops (a panic on one thread, or [`crate::cancel`]) opens every barrier of its
//! team for good: [`Barrier::open`] wakes the sleepers, and waiting threads return
//! [`Passed::Stopped`] instead of waiting for a thread that will never come.

use crate::annotate;
use crate::stop::Stop;
use crate::sync::{AtomicU64, AtomicUsize, Condvar, Mutex, Ordering::*, Padded};
use crate::wait::Spin;

const SLEEPERS: u64 = 1;

/// How a thread left a barrier.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Passed {
    /// Every thread of the team arrived.
    Together,
    /// The region stops: the barrier was passed without the others.
    Stopped,
}

pub(crate) struct Barrier {
    arrived: Padded<AtomicUsize>,
    generation: Padded<AtomicU64>,
    lock: Mutex<()>,
    wake: Condvar,
}

impl Barrier {
    pub(crate) fn new() -> Barrier {
        Barrier {
            arrived: Padded(AtomicUsize::new(0)),
            generation: Padded(AtomicU64::new(0)),
            lock: Mutex::new(()),
            wake: Condvar::new(),
        }
    }

    /// Tells race detectors which words are only accessed atomically; call at the final address.
    pub(crate) fn announce(&self) {
        annotate::atomic(&*self.arrived);
        annotate::atomic(&*self.generation);
        annotate::atomic(&self.lock);
        annotate::atomic(&self.wake);
    }

    /// Makes the barrier ready for a new team (no thread may be inside).
    pub(crate) fn reset(&self) {
        if self.arrived.load(Relaxed) != 0 {
            self.arrived.store(0, Relaxed);
        }
    }

    /// Waits until all `team` threads have arrived, or the region stops.
    pub(crate) fn wait(&self, team: usize, stop: &Stop, spin: Spin) -> Passed {
        if stop.is_stopped() {
            self.open();
            return Passed::Stopped;
        }
        let generation = self.generation.load(Acquire) >> 1;
        annotate::happens_before(&*self.generation);
        if self.arrived.fetch_add(1, AcqRel) + 1 == team {
            self.arrived.store(0, Relaxed);
            self.release(generation + 1);
            annotate::happens_after(&*self.generation);
            return Passed::Together;
        }
        let moved = |word: u64| word >> 1 != generation;
        for poll in 0..spin.polls {
            if moved(self.generation.load(Acquire)) {
                annotate::happens_after(&*self.generation);
                return Passed::Together;
            }
            if stop.is_stopped() {
                self.open();
                return Passed::Stopped;
            }
            spin.pause(poll);
        }
        let mut guard = self.lock.lock().unwrap();
        loop {
            if moved(self.generation.fetch_or(SLEEPERS, AcqRel)) {
                annotate::happens_after(&*self.generation);
                return Passed::Together;
            }
            if stop.is_stopped() {
                // Others may sleep here waiting for threads that will not come.
                self.wake.notify_all();
                return Passed::Stopped;
            }
            guard = self.wake.wait(guard).unwrap();
        }
    }

    fn release(&self, generation: u64) {
        if self.generation.swap(generation << 1, AcqRel) & SLEEPERS != 0 {
            let _guard = self.lock.lock().unwrap();
            self.wake.notify_all();
        }
    }

    /// Wakes every sleeping thread once the region stops (they then see the stop). Every thread
    /// that sees the stop in a barrier calls it, so a cancel (which cannot wake anyone from a
    /// signal handler) still reaches sleepers: the next thread to arrive wakes them.
    pub(crate) fn open(&self) {
        let _guard = self.lock.lock().unwrap();
        self.wake.notify_all();
    }
}

#[cfg(all(test, loom))]
mod loom_tests {
    use super::*;
    use crate::sync::{thread, Arc};

    fn no_spin() -> Spin {
        Spin {
            polls: 0,
            yielding: false,
        }
    }

    /// Two threads through two barriers, sleeping at once: neither passes barrier k before the
    /// other reached it, and neither sleeps forever.
    #[test]
    fn loom_barrier_two_threads_sleeping() {
        loom::model(|| {
            let b = Arc::new((Barrier::new(), Stop::new(), AtomicUsize::new(0)));
            let other = b.clone();
            let t = thread::spawn(move || {
                let (barrier, stop, phase) = &*other;
                for k in 1..=2 {
                    phase.fetch_add(1, Relaxed);
                    assert_eq!(barrier.wait(2, stop, no_spin()), Passed::Together);
                    assert!(phase.load(Relaxed) >= 2 * k);
                }
            });
            let (barrier, stop, phase) = &*b;
            for k in 1..=2 {
                phase.fetch_add(1, Relaxed);
                assert_eq!(barrier.wait(2, stop, no_spin()), Passed::Together);
                assert!(phase.load(Relaxed) >= 2 * k);
            }
            t.join().unwrap();
        });
    }

    /// A thread that stops the region instead of arriving: the one waiting (asleep or not) is
    /// let through.
    #[test]
    fn loom_barrier_opened_by_a_stop() {
        loom::model(|| {
            let b = Arc::new((Barrier::new(), Stop::new()));
            let other = b.clone();
            let t = thread::spawn(move || {
                let (barrier, stop) = &*other;
                barrier.wait(2, stop, no_spin())
            });
            let (barrier, stop) = &*b;
            stop.stop();
            barrier.open();
            assert_eq!(t.join().unwrap(), Passed::Stopped);
        });
    }
}
