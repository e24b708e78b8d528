//! Where a team's queued tasks wait, and how idle threads find them: one crossbeam-deque per
//! team thread (the owner pushes and pops at one end, LIFO; the others steal at the other end),
//! and per-thread counts of the team's spawned and finished tasks.
//!
//! ## Protocol
//! - Counts ([`Counts`]): thread `i` alone writes `spawned[i]` (a plain store: no other thread
//!   contends for it), once per task it spawns, before the task is queued or run; whoever
//!   finishes a task adds one (release) to `finished[origin]`, `origin` being its spawner, after
//!   the task has run and released every count it held (its parent's children, its taskgroup).
//!   So a task that runs where it was spawned touches only its own thread's cache line; a
//!   single counter shared by the team made every task move one line between the cores twice.
//! - "No task left" ([`Counts::all_finished`]) reads every `finished` (acquire), then every
//!   `spawned`, and compares the sums. The sums are equal only if every task whose spawn it
//!   counted has finished: each finish it counted happened after that task's spawn, so the
//!   later `spawned` reads count it; equal sums leave no room for one more. A task it did not
//!   count was spawned after its spawner's `spawned` was read, by a running task (which the
//!   reads then found unfinished, or did not count either) or by an implicit task. So once
//!   every implicit task has stopped spawning (all of the team's threads arrived at a barrier),
//!   equal sums mean every task of the team has finished and its effects are visible.
//! - `used` is set by the first spawn of a region, before that task is queued; a barrier's
//!   waiters that see it run tasks instead of sleeping, and the barrier's last arriver runs tasks
//!   until [`TaskQueues::any_pending`] is false before it releases the others (see
//!   [`crate::barrier`]). The spawn that sets it wakes the threads already asleep in the
//!   barrier, under the barrier's lock, so that they see it: a waiter reads `used` under that
//!   lock before it sleeps.
//! - Deque `i` and `spawned[i]` are used only by thread `i` of the running region (thread
//!   numbers are unique in a team, and consecutive regions are ordered by the team's join); the
//!   deque is created by that thread the first time it spawns, and its `Stealer` published for
//!   the others. The counts are zeroed when a region that used tasks is followed by another.
//! - Memory stays bounded: when a thread has more than [`CUTOFF_PER_THREAD`] × team size
//!   spawned tasks unfinished, its new task runs at once instead of being queued (libgomp's
//!   cut-off, counted per spawning thread: a single producer is held to the same bound).

use crate::sync::{AtomicBool, AtomicUsize, Ordering, Ordering::*, Padded};
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
    counts: Counts,
    used: AtomicBool,
}

/// One thread's task counts, on cache lines of their own.
#[derive(Default)]
struct ThreadCounts {
    /// Tasks this thread spawned (written by this thread only).
    spawned: AtomicUsize,
    /// Tasks this thread spawned and finished itself (written by this thread only).
    finished_here: AtomicUsize,
    /// Tasks this thread spawned that other threads finished (added to by them).
    finished_elsewhere: AtomicUsize,
}

impl ThreadCounts {
    fn finished(&self, order: Ordering) -> usize {
        let here = self.finished_here.load(order);
        here.wrapping_add(self.finished_elsewhere.load(order))
    }
}

/// Per-thread counts of spawned and finished tasks (module docs, "Counts").
pub(crate) struct Counts(Box<[Padded<ThreadCounts>]>);

impl Counts {
    pub(crate) fn new(threads: usize) -> Counts {
        Counts((0..threads.max(1)).map(|_| Padded::default()).collect())
    }

    /// Counts a task spawned by thread `thread`; returns how many it has unfinished, this one
    /// included. Only thread `thread` may call it.
    pub(crate) fn spawn(&self, thread: usize) -> usize {
        let mine = &self.0[thread];
        // One writer: a load and a store, not a read-modify-write. Relaxed: a reader of
        // `spawned` needs only coherence (module docs).
        let spawned = mine.spawned.load(Relaxed).wrapping_add(1);
        mine.spawned.store(spawned, Relaxed);
        spawned.wrapping_sub(mine.finished(Relaxed))
    }

    /// Counts a task spawned by thread `origin` as finished by thread `me` (the caller): the
    /// last thing a task does. Release: its effects go with the count.
    pub(crate) fn finish(&self, origin: usize, me: usize) {
        let counts = &self.0[origin];
        if origin == me {
            let here = counts.finished_here.load(Relaxed).wrapping_add(1);
            counts.finished_here.store(here, Release);
        } else {
            counts.finished_elsewhere.fetch_add(1, Release);
        }
    }

    /// Whether every task counted so far has finished (meaningful once no implicit task
    /// spawns any more: module docs).
    pub(crate) fn all_finished(&self) -> bool {
        let finished = (self.0.iter()).fold(0usize, |n, c| n.wrapping_add(c.finished(Acquire)));
        let spawned = (self.0.iter()).fold(0usize, |n, c| n.wrapping_add(c.spawned.load(Relaxed)));
        finished == spawned
    }

    /// Zeroes the counts, while no thread uses them.
    fn reset(&self) {
        for c in self.0.iter() {
            c.spawned.store(0, Relaxed);
            c.finished_here.store(0, Relaxed);
            c.finished_elsewhere.store(0, Relaxed);
        }
    }
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
            counts: Counts::new(capacity),
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
            self.counts.reset();
        }
    }

    /// Whether the team may have unfinished tasks (exact once every thread of the team has
    /// arrived at a barrier: module docs).
    pub(crate) fn any_pending(&self) -> bool {
        !self.counts.all_finished()
    }

    /// Marks the running region as one that uses tasks (as [`TaskQueues::count_new`] does, for
    /// a task counted nowhere); `true` if it is the region's first.
    pub(crate) fn mark_used(&self) -> bool {
        !self.used.load(Relaxed) && !self.used.swap(true, AcqRel)
    }

    /// Counts a new task spawned by thread `thread` of a team of `size`. Returns `(may_queue,
    /// first)`: `may_queue` is false when the thread has too many unfinished and the task should
    /// run at once (it is counted all the same); `first` tells whether it is the region's first
    /// task. Only thread `thread` of the region running on this team may call it.
    pub(crate) fn count_new(&self, thread: usize, size: usize) -> (bool, bool) {
        let unfinished = self.counts.spawn(thread);
        let first = self.mark_used();
        (unfinished <= CUTOFF_PER_THREAD * size, first)
    }

    /// Counts a task spawned by thread `origin` as finished by thread `me` (the caller): the
    /// last thing a task does.
    pub(crate) fn finished(&self, origin: usize, me: usize) {
        self.counts.finish(origin, me);
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

    /// Thread `thread`'s newest queued task, if it has one.
    ///
    /// # Safety
    /// As [`TaskQueues::push`].
    pub(crate) unsafe fn pop_own(&self, thread: usize) -> Option<Task> {
        // SAFETY: only thread `thread` touches its owner end (the caller's obligation).
        unsafe { &*self.deques[thread].owner.get() }.as_ref()?.pop()
    }

    /// A queued task for thread `thread` of a team of `size`: its own newest, or one stolen from
    /// another thread (the oldest there).
    ///
    /// # Safety
    /// As [`TaskQueues::push`].
    pub(crate) unsafe fn find(&self, thread: usize, size: usize) -> Option<Task> {
        // SAFETY: the caller's obligation.
        if let Some(task) = unsafe { self.pop_own(thread) } {
            return Some(task);
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

#[cfg(all(test, loom))]
mod loom_tests {
    use super::Counts;
    use crate::sync::{thread, Arc, Mutex};
    use loom::cell::UnsafeCell;

    /// Queued tasks: the data slot each writes, and the thread that spawned it.
    type Queue = Mutex<Vec<(usize, usize)>>;

    /// Runs task `(slot, origin)` on thread `me`: task 0 (spawned by thread 0) spawns task 1 on
    /// the running thread, so a task and its child are counted on different threads' lines when
    /// thread 1 runs task 0.
    fn run(
        task: (usize, usize),
        me: usize,
        counts: &Counts,
        queue: &Queue,
        data: &[UnsafeCell<u32>; 2],
    ) {
        let (slot, origin) = task;
        if slot == 0 {
            counts.spawn(me);
            queue.lock().unwrap().push((1, me));
        }
        // SAFETY: `with_mut` is checked by loom for exclusive access.
        data[slot].with_mut(|v| unsafe { *v = 1 });
        counts.finish(origin, me);
    }

    /// The termination check of a barrier: thread 0 spawns a task (which spawns another on
    /// whichever thread runs it) and then, as the barrier's last arriver, runs tasks until
    /// [`Counts::all_finished`]; thread 1 runs tasks meanwhile. When the check passes, both
    /// tasks have run and their writes are visible (loom reports a race if not).
    #[test]
    fn loom_all_finished_means_every_task_ran() {
        loom::model(|| {
            let counts = Arc::new(Counts::new(2));
            let queue: Arc<Queue> = Arc::new(Mutex::new(Vec::new()));
            let data = Arc::new([UnsafeCell::new(0), UnsafeCell::new(0)]);
            counts.spawn(0);
            queue.lock().unwrap().push((0, 0));
            let (c, q, d) = (counts.clone(), queue.clone(), data.clone());
            let helper = thread::spawn(move || {
                for _ in 0..2 {
                    let next = q.lock().unwrap().pop();
                    match next {
                        Some(task) => run(task, 1, &c, &q, &d),
                        None => thread::yield_now(),
                    }
                }
            });
            while !counts.all_finished() {
                let next = queue.lock().unwrap().pop();
                match next {
                    Some(task) => run(task, 0, &counts, &queue, &data),
                    None => thread::yield_now(),
                }
            }
            for slot in data.iter() {
                // SAFETY: loom checks that the task's write happened before this read.
                slot.with(|v| assert_eq!(unsafe { *v }, 1));
            }
            helper.join().unwrap();
        });
    }
}
