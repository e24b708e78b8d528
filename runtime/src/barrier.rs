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
//! ## Tasks
//! Once a task has been spawned in the region ([`Tasks::active`], see [`crate::taskqueue`]),
//! waiting threads run queued tasks instead of sleeping, and the last thread to arrive runs them
//! until none is left before it releases the others: a barrier completes only when every thread
//! has arrived and every task of the team has finished. A thread that went to sleep before the
//! first task was spawned is woken by that spawn (under the lock, where it reads `active`).
//!
//! A region that stops (a panic on one thread, or [`crate::cancel`]) opens every barrier of its
//! team for good: [`Barrier::open`] wakes the sleepers, and waiting threads return
//! [`Passed::Stopped`] instead of waiting for a thread that will never come.

use crate::annotate;
use crate::stop::Stop;
use crate::sync::{AtomicU64, AtomicUsize, Condvar, Mutex, Ordering::*, Padded};
use crate::taskqueue::run_tasks_until;
use crate::wait::Spin;

/// What a barrier's threads do about the team's tasks.
pub(crate) trait Tasks {
    /// Whether a task was spawned in the region: waiters then run tasks instead of sleeping.
    fn active(&self) -> bool;
    /// Runs one queued task on this thread; `false` when none was found.
    fn run_one(&self) -> bool;
    /// Whether the team has unfinished tasks.
    fn pending(&self) -> bool;
}

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

    /// Waits until all `team` threads have arrived and `tasks` has none left, or the region
    /// stops.
    pub(crate) fn wait(&self, team: usize, stop: &Stop, spin: Spin, tasks: &impl Tasks) -> Passed {
        if stop.is_stopped() {
            self.open();
            return Passed::Stopped;
        }
        let generation = self.generation.load(Acquire) >> 1;
        annotate::happens_before(&*self.generation);
        if self.arrived.fetch_add(1, AcqRel) + 1 == team {
            if tasks.active() {
                run_tasks_until(|| !tasks.pending(), || tasks.run_one());
            }
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
            if tasks.active() {
                return self.wait_running_tasks(generation, stop, tasks);
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
            if tasks.active() {
                drop(guard);
                return self.wait_running_tasks(generation, stop, tasks);
            }
            guard = self.wake.wait(guard).unwrap();
        }
    }

    /// A waiter's loop once the region has tasks: runs them until the barrier of `generation`
    /// is released, never sleeping.
    fn wait_running_tasks(&self, generation: u64, stop: &Stop, tasks: &impl Tasks) -> Passed {
        let moved = || self.generation.load(Acquire) >> 1 != generation;
        run_tasks_until(|| moved() || stop.is_stopped(), || tasks.run_one());
        if moved() {
            annotate::happens_after(&*self.generation);
            Passed::Together
        } else {
            self.open();
            Passed::Stopped
        }
    }

    /// How many times the barrier has released its team.
    pub(crate) fn generation(&self) -> u64 {
        self.generation.load(Acquire) >> 1
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

    /// A team without tasks.
    struct NoTasks;

    impl Tasks for NoTasks {
        fn active(&self) -> bool {
            false
        }
        fn run_one(&self) -> bool {
            false
        }
        fn pending(&self) -> bool {
            false
        }
    }

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
                    assert_eq!(barrier.wait(2, stop, no_spin(), &NoTasks), Passed::Together);
                    assert!(phase.load(Relaxed) >= 2 * k);
                }
            });
            let (barrier, stop, phase) = &*b;
            for k in 1..=2 {
                phase.fetch_add(1, Relaxed);
                assert_eq!(barrier.wait(2, stop, no_spin(), &NoTasks), Passed::Together);
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
                barrier.wait(2, stop, no_spin(), &NoTasks)
            });
            let (barrier, stop) = &*b;
            stop.stop();
            barrier.open();
            assert_eq!(t.join().unwrap(), Passed::Stopped);
        });
    }

    /// A model of a team's task queue with the spawn order of [`crate::taskqueue`]: count the
    /// task, mark the region as having tasks (the first spawn wakes the barrier's sleepers),
    /// then queue it.
    struct ModelTasks {
        barrier: Barrier,
        used: crate::sync::AtomicBool,
        pending: AtomicUsize,
        queued: AtomicUsize,
        ran: AtomicUsize,
    }

    impl ModelTasks {
        fn spawn(&self) {
            self.pending.fetch_add(1, Relaxed);
            if !self.used.swap(true, AcqRel) {
                self.barrier.open();
            }
            self.queued.fetch_add(1, Release);
        }
    }

    impl Tasks for ModelTasks {
        fn active(&self) -> bool {
            self.used.load(Acquire)
        }
        fn run_one(&self) -> bool {
            let q = self.queued.load(Acquire);
            if q == 0
                || self
                    .queued
                    .compare_exchange(q, q - 1, AcqRel, Relaxed)
                    .is_err()
            {
                return false;
            }
            self.ran.fetch_add(1, Relaxed);
            self.pending.fetch_sub(1, Release);
            true
        }
        fn pending(&self) -> bool {
            self.pending.load(Acquire) != 0
        }
    }

    /// One thread waits at the barrier (asleep at once) while the other spawns a task and
    /// then arrives: the sleeper is woken to run tasks or is released, the barrier completes
    /// only after the task ran (on either thread), and nobody waits forever.
    #[test]
    fn loom_barrier_waits_for_tasks_spawned_while_a_thread_sleeps() {
        loom::model(|| {
            let m = Arc::new((
                ModelTasks {
                    barrier: Barrier::new(),
                    used: crate::sync::AtomicBool::new(false),
                    pending: AtomicUsize::new(0),
                    queued: AtomicUsize::new(0),
                    ran: AtomicUsize::new(0),
                },
                Stop::new(),
            ));
            let other = m.clone();
            let t = thread::spawn(move || {
                let (tasks, stop) = &*other;
                assert_eq!(
                    tasks.barrier.wait(2, stop, no_spin(), tasks),
                    Passed::Together
                );
                assert_eq!(tasks.ran.load(Relaxed), 1, "released before the task ran");
            });
            let (tasks, stop) = &*m;
            tasks.spawn();
            assert_eq!(
                tasks.barrier.wait(2, stop, no_spin(), tasks),
                Passed::Together
            );
            assert_eq!(tasks.ran.load(Relaxed), 1, "released before the task ran");
            t.join().unwrap();
        });
    }
}
