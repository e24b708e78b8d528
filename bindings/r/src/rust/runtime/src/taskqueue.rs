//! Where a team's queued tasks wait, and how idle threads find them: one crossbeam-deque per
//! team thread (the owner pushes and pops at one end, LIFO; the others steal at the other end),
//! and a count of the team's unfinished tasks.
//!
//! ## Protocol
//! - A task is counted in `pending` before it is queued and uncounted (release) only after it
//!   has run and every count it held has been released (its parent's children, its taskgroup):
//!   `pending == 0`, read with acquire, means every task of the team has finished and its effects
//!   are visible. A task spawns its children while it is still counted, so once every thread of
//!   the team has stopped spawning (they all arrived at a barrier), zero stays zero.
//! - `used` is set by the first spawn of a region, before that task is queued; a barrier's
//!   waiters that see it run tasks instead of sleeping, and the barrier's last arriver runs tasks
//!   until `pending == 0` before it releases the others (see [`crate::barrier`]). The spawn that
//!   sets it wakes the threads already asleep in the barrier, under the barrier's lock, so that
//!   they see it: a waiter reads `used` under that lock before it sleeps.
//! - Deque `i` is used as a `Worker` only by thread `i` of the running region (thread numbers
//!   are unique in a team, and consecutive regions are ordered by the team's join); it is created
//!   by that thread the first time it spawns, and its `Stealer` published for the others.
//! - Memory stays bounded: when more than [`CUTOFF_PER_THREAD`] × team size tasks are pending,
//!   a new task runs at once on the spawning thread instead of being queued (as libgomp does).

use crate::sync::{AtomicBool, AtomicUsize, Ordering::*, Padded};
use crate::task::Task;
use crossbeam_deque::{Steal, Stealer, Worker};
use std::cell::UnsafeCell;
use std::sync::OnceLock;

/// Pending tasks per team thread above which new tasks run at once (libgomp's cut-off).
pub(crate) const CUTOFF_PER_THREAD: usize = 64;

/// Thread `i`'s deque: its owner end, created lazily by that thread, and the end others steal
/// from, published once it exists.
struct Deque {
    owner: UnsafeCell<Option<Worker<Task>>>,
    stealer: OnceLock<Stealer<Task>>,
}

/// A team's task queues and counts (part of its [`crate::team::TeamState`]).
pub(crate) struct TaskQueues {
    deques: Box<[Deque]>,
    pending: Padded<AtomicUsize>,
    used: AtomicBool,
}

// SAFETY: a deque's owner end is touched only by the thread whose number it has in the running
// region (module docs); the rest are atomics and `Sync` types.
unsafe impl Sync for TaskQueues {}

impl TaskQueues {
    /// Queues for teams of up to `capacity` threads (no deque is allocated before it is used).
    pub(crate) fn new(capacity: usize) -> TaskQueues {
        TaskQueues {
            deques: (0..capacity.max(1))
                .map(|_| Deque {
                    owner: UnsafeCell::new(None),
                    stealer: OnceLock::new(),
                })
                .collect(),
            pending: Padded(AtomicUsize::new(0)),
            used: AtomicBool::new(false),
        }
    }

    /// Whether a task was spawned in the running region.
    #[inline]
    pub(crate) fn used(&self) -> bool {
        self.used.load(Acquire)
    }

    /// Makes the queues ready for a new region (no thread of the team runs; all tasks finished).
    #[inline]
    pub(crate) fn reset(&self) {
        if self.used.load(Relaxed) {
            self.used.store(false, Relaxed);
        }
    }

    /// Whether the team has unfinished tasks.
    pub(crate) fn any_pending(&self) -> bool {
        self.pending.load(Acquire) != 0
    }

    /// Counts a new task of a team of `size`. Returns `(may_queue, first)`: `may_queue` is false
    /// when too many are pending and the task should run at once (it is counted all the same);
    /// `first` tells whether it is the region's first task.
    pub(crate) fn count_new(&self, size: usize) -> (bool, bool) {
        let before = self.pending.fetch_add(1, Relaxed);
        let first = !self.used.load(Relaxed) && !self.used.swap(true, AcqRel);
        (before < CUTOFF_PER_THREAD * size, first)
    }

    /// Uncounts a finished task: the last thing a task does.
    pub(crate) fn finished(&self) {
        self.pending.fetch_sub(1, Release);
    }

    /// Queues `task` on thread `thread`'s deque.
    ///
    /// # Safety
    /// The caller is thread `thread` of the region running on this team.
    pub(crate) unsafe fn push(&self, thread: usize, task: Task) {
        let deque = &self.deques[thread];
        // SAFETY: only thread `thread` touches its owner end (the caller's obligation).
        let owner = unsafe { &mut *deque.owner.get() };
        let owner = owner.get_or_insert_with(|| {
            let w = Worker::new_lifo();
            let _ = deque.stealer.set(w.stealer());
            w
        });
        owner.push(task);
    }

    /// A queued task for thread `thread` of a team of `size`: its own newest, or one stolen from
    /// another thread (the oldest there).
    ///
    /// # Safety
    /// As [`TaskQueues::push`].
    pub(crate) unsafe fn find(&self, thread: usize, size: usize) -> Option<Task> {
        // SAFETY: only thread `thread` touches its owner end (the caller's obligation).
        if let Some(own) = unsafe { &*self.deques[thread].owner.get() } {
            if let Some(task) = own.pop() {
                return Some(task);
            }
        }
        let size = size.min(self.deques.len());
        loop {
            let mut retry = false;
            for k in 1..size {
                let Some(stealer) = self.deques[(thread + k) % size].stealer.get() else {
                    continue;
                };
                match stealer.steal() {
                    Steal::Success(task) => return Some(task),
                    Steal::Retry => retry = true,
                    Steal::Empty => {}
                }
            }
            if !retry {
                return None;
            }
        }
    }
}

/// Runs tasks with `run_one` until `done()`, pausing as [`Idle`] says when none is found.
pub(crate) fn run_tasks_until(done: impl Fn() -> bool, run_one: impl Fn() -> bool) {
    let mut idle = Idle::new();
    while !done() {
        if run_one() {
            idle.busy();
        } else {
            idle.pause();
        }
    }
}

/// How a thread waits for something while it runs queued tasks: after a few idle polls it
/// yields the CPU, after many it naps, so that threads with work get the CPUs.
struct Idle(u32);

impl Idle {
    fn new() -> Idle {
        Idle(0)
    }

    /// A poll that found nothing to run.
    fn pause(&mut self) {
        self.0 = self.0.saturating_add(1);
        match self.0 {
            0..=31 => crate::sync::spin_loop(),
            32..=2047 => crate::sync::yield_now(),
            _ => crate::sync::nap(),
        }
    }

    /// A poll that ran a task.
    fn busy(&mut self) {
        self.0 = 0;
    }
}
