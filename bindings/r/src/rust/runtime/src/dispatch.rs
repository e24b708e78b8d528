//! The team protocol: how a caller hands a region to the pool's workers and waits for them.
//!
//! ## State
//! - `signal` (one `u64`): a region sequence number in the high bits and the team size in the low
//!   [`TEAM_BITS`] bits. Team size 0 means "shut down". The caller bumps it to start a region.
//! - `job`: what the region runs, a small `Copy` value (for the pool, a [`crate::region::LoopJob`]:
//!   the loop's plan, length and chunk body) on the same cache line as `signal`, so that a woken
//!   worker gets both in one transfer. Written by the caller only while no worker can read it
//!   (see below).
//! - `remaining`: workers of the current region that have not finished yet.
//! - one `sleeping` flag per worker, and a SLEEPING bit in `remaining` with a mutex and condvar.
//!
//! ## A region
//! 1. The caller (holding the pool's region lock, so there is one caller at a time) stores
//!    `remaining = team - 1`, writes `job`, then bumps `signal` (a release store). It unparks
//!    each worker `1..team` whose `sleeping` flag it swaps from true to false.
//! 2. A worker waiting for a new sequence number sees it (acquire). If its index is below the team
//!    size it reads `job`, runs its share, and decrements `remaining`; the last one to finish wakes
//!    the caller if it sleeps. Workers outside the team read nothing but `signal`.
//! 3. The caller runs share 0 itself, then waits until `remaining == 0` (acquire), so every write
//!    the workers made in the region is visible when it returns.
//!
//! `job` is never read while it is written: a worker reads it only after seeing the region's
//! sequence number and before its decrement of `remaining`; the caller writes the next job only
//! after seeing `remaining == 0`, which orders every read of the previous job before the write.
//!
//! ## Sleeping without lost wake-ups
//! A waiting thread polls for a bounded budget ([`crate::wait`]), then sleeps. Each sleep is a
//! handshake of read-modify-writes on one atomic, so the two sides are ordered by that atomic's
//! modification order alone (no store-load fences to reason about):
//! - worker: swap its `sleeping` flag to true (AcqRel), re-read `signal`, park only if unchanged.
//!   Caller: after storing `signal`, swap each team worker's flag to false (AcqRel) and unpark it
//!   if it was true. If the caller's swap comes first, the worker's swap acquires it and so sees
//!   the new `signal`; if the worker's comes first, the caller sees `true` and unparks it (an
//!   `unpark` before `park` is kept as a token, so it is not lost).
//! - caller: set the SLEEPING bit of `remaining` with `fetch_or`; if the count it returns is not 0,
//!   wait on the condvar, under its mutex, while the count is not 0. Last worker: `fetch_sub`
//!   returns the bit as well; if it is set, lock the mutex and notify. The mutex makes the notify
//!   land after the caller's check or not be needed at all. A late notify from a previous region
//!   only makes the next region's caller re-check and wait again.
//!
//! The `loom` tests at the bottom model-check this protocol (start, finish, sleep and wake-up,
//! shutdown) with real loom atomics.

use crate::annotate;
use crate::sync::{
    thread, AtomicBool, AtomicU64, AtomicUsize, Condvar, Mutex, Ordering::*, Padded, RacyCell,
};
use crate::wait::Spin;

/// Low bits of `signal` that hold the team size.
const TEAM_BITS: u32 = 20;
const TEAM_MASK: u64 = (1 << TEAM_BITS) - 1;
/// The largest team the protocol can describe.
pub(crate) const MAX_TEAM: usize = TEAM_MASK as usize;

/// What a waiting worker was woken for.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Wake {
    /// A region of `team` threads this worker is part of; run it, then call
    /// [`Dispatch::finish`].
    Work { sequence: u64, team: usize },
    /// A region without this worker.
    NotInTeam { sequence: u64 },
    /// The pool is shutting down.
    Shutdown,
}

struct WorkerSlot {
    sleeping: Padded<AtomicBool>,
    thread: Mutex<Option<thread::Thread>>,
}

/// What the caller writes to start a region, on one cache line: a woken worker fetches the
/// signal and the job in one transfer.
struct Start<J: Copy> {
    signal: AtomicU64,
    job: RacyCell<J>,
}

/// Workers of the region still running, plus [`CALLER_SLEEPING`]; on a line of its own.
const CALLER_SLEEPING: usize = 1 << (usize::BITS - 1);

/// The protocol's state, shared by a pool's caller side and its workers; `J` is what a region
/// runs.
pub(crate) struct Dispatch<J: Copy> {
    start: Padded<Start<J>>,
    remaining: Padded<AtomicUsize>,
    done_lock: Mutex<()>,
    done: Condvar,
    slots: Box<[WorkerSlot]>,
}

// SAFETY: the protocol above orders every access to `job`, which is `Send + Sync`; all other
// fields are atomics or locks.
unsafe impl<J: Copy + Send + Sync> Sync for Dispatch<J> {}
// SAFETY: as above; nothing in `Dispatch` is tied to the thread that created it.
unsafe impl<J: Copy + Send + Sync> Send for Dispatch<J> {}

impl<J: Copy + Default> Dispatch<J> {
    /// State for a pool with up to `workers` worker threads (indices `1..=workers`).
    pub(crate) fn new(workers: usize) -> Dispatch<J> {
        Dispatch {
            start: Padded(Start {
                signal: AtomicU64::new(0),
                job: RacyCell::new(J::default()),
            }),
            remaining: Padded(AtomicUsize::new(0)),
            done_lock: Mutex::new(()),
            done: Condvar::new(),
            slots: (0..workers)
                .map(|_| WorkerSlot {
                    sleeping: Padded(AtomicBool::new(false)),
                    thread: Mutex::new(None),
                })
                .collect(),
        }
    }

    /// Tells race detectors which words are only accessed atomically; call once the dispatch is
    /// at its final address.
    pub(crate) fn announce_atomics(&self) {
        annotate::atomic(&self.start.signal);
        annotate::atomic(&*self.remaining);
        // The caller's sleep lock and condvar guard no data; their futex words are atomics.
        annotate::atomic(&self.done_lock);
        annotate::atomic(&self.done);
        for slot in self.slots.iter() {
            annotate::atomic(&*slot.sleeping);
        }
    }

    /// Workers this dispatch has room for.
    pub(crate) fn capacity(&self) -> usize {
        self.slots.len()
    }

    fn slot(&self, worker: usize) -> &WorkerSlot {
        &self.slots[worker - 1]
    }

    /// Called by worker `worker` (1-based) on its own thread before it first waits.
    pub(crate) fn register_worker(&self, worker: usize) {
        *self.slot(worker).thread.lock().unwrap() = Some(thread::current());
        annotate::happens_before(self.slot(worker));
    }

    /// The sequence number now in force; a new worker starts waiting from it.
    pub(crate) fn current_sequence(&self) -> u64 {
        self.start.signal.load(Acquire) >> TEAM_BITS
    }

    /// Starts a region of `team` threads (2 ..= capacity + 1) running `job`.
    ///
    /// # Safety
    /// Only one caller at a time; whatever `job` points to must stay alive until
    /// [`Dispatch::wait_for_team`] returns.
    pub(crate) unsafe fn start(&self, team: usize, job: J) {
        debug_assert!(team >= 2 && team <= self.capacity() + 1);
        self.remaining.store(team - 1, Relaxed);
        // SAFETY: the previous region's `wait_for_team` saw `remaining == 0`, after every read of
        // the previous job; workers outside a team never read `job`.
        unsafe { self.start.job.write(job) };
        annotate::happens_before(&self.start);
        self.publish(team as u64);
        for worker in 1..team {
            self.wake(worker);
        }
    }

    fn publish(&self, team: u64) {
        let old = self.start.signal.load(Relaxed);
        let next = ((old >> TEAM_BITS) + 1) << TEAM_BITS | team;
        self.start.signal.store(next, Release);
    }

    fn wake(&self, worker: usize) {
        let slot = self.slot(worker);
        // Always a swap, never a load first: the handshake needs the two read-modify-writes.
        // Reading `true` acquires the worker's swap, made after it registered its handle.
        if slot.sleeping.swap(false, AcqRel) {
            annotate::happens_after(slot);
            if let Some(t) = slot.thread.lock().unwrap().as_ref() {
                t.unpark();
            }
        }
    }

    /// Waits (spinning for `spin`, then sleeping) until every worker of the region has finished.
    pub(crate) fn wait_for_team(&self, spin: Spin) {
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
        if self.remaining.fetch_or(CALLER_SLEEPING, AcqRel) == 0 {
            self.remaining.store(0, Relaxed);
            return;
        }
        let mut guard = self.done_lock.lock().unwrap();
        while self.remaining.load(Acquire) != CALLER_SLEEPING {
            guard = self.done.wait(guard).unwrap();
        }
        drop(guard);
        self.remaining.store(0, Relaxed);
    }

    /// Worker `worker` waits for a sequence number other than `seen`, spinning for `spin` first.
    pub(crate) fn wait_for_work(&self, worker: usize, seen: u64, spin: Spin) -> Wake {
        for poll in 0..spin.polls {
            if let Some(wake) = self.check(worker, seen) {
                return wake;
            }
            spin.pause(poll);
        }
        let slot = self.slot(worker);
        loop {
            slot.sleeping.swap(true, AcqRel);
            if let Some(wake) = self.check(worker, seen) {
                slot.sleeping.store(false, Relaxed);
                return wake;
            }
            thread::park();
        }
    }

    fn check(&self, worker: usize, seen: u64) -> Option<Wake> {
        let signal = self.start.signal.load(Acquire);
        let sequence = signal >> TEAM_BITS;
        let team = (signal & TEAM_MASK) as usize;
        if sequence == seen {
            None
        } else if team == 0 {
            Some(Wake::Shutdown)
        } else if worker < team {
            Some(Wake::Work { sequence, team })
        } else {
            Some(Wake::NotInTeam { sequence })
        }
    }

    /// The job of the region this worker was woken for.
    ///
    /// # Safety
    /// Only after `wait_for_work` returned `Wake::Work` for this worker, and before its `finish`.
    unsafe fn job(&self) -> J {
        annotate::happens_after(&self.start);
        // SAFETY: the caller cannot write `job` before this worker's `finish` (see the module
        // docs).
        unsafe { self.start.job.read() }
    }

    /// Worker side: this worker's share of the region is done.
    pub(crate) fn finish(&self) {
        annotate::happens_before(&*self.remaining);
        if self.remaining.fetch_sub(1, AcqRel) == CALLER_SLEEPING | 1 {
            let _guard = self.done_lock.lock().unwrap();
            self.done.notify_one();
        }
    }

    /// Tells every worker to exit. No region may be running.
    pub(crate) fn shutdown(&self) {
        self.publish(0);
        for worker in 1..=self.capacity() {
            self.wake(worker);
        }
    }
}

/// The loop every worker thread runs until shutdown: `run(job, worker, team)` for each region it
/// is part of (`run` must not unwind: the caller waits for this worker's `finish`). `seen` is [`Dispatch::current_sequence`] read by the spawning thread while no
/// region could start, so that a region published before the worker first looks is not mistaken
/// for an old one.
pub(crate) fn worker_loop<J: Copy + Default>(
    dispatch: &Dispatch<J>,
    worker: usize,
    seen: u64,
    spin: impl Fn() -> Spin,
    run: impl Fn(J, usize, usize),
) {
    dispatch.register_worker(worker);
    let mut seen = seen;
    let mut budget = spin();
    loop {
        match dispatch.wait_for_work(worker, seen, budget) {
            Wake::Shutdown => return,
            Wake::NotInTeam { sequence } => {
                // Left out of the team: sleep at once rather than spin through regions of others.
                seen = sequence;
                budget = Spin {
                    polls: 0,
                    yielding: false,
                };
            }
            Wake::Work { sequence, team } => {
                seen = sequence;
                // SAFETY: woken with `Work` for this sequence, and before `finish`.
                run(unsafe { dispatch.job() }, worker, team);
                dispatch.finish();
                budget = spin();
            }
        }
    }
}

#[cfg(all(test, loom))]
mod loom_tests {
    use super::*;
    use crate::sync::{Arc, AtomicUsize};

    /// A type-erased region body: `run(data, thread)` runs thread `thread`'s share. It must not
    /// unwind (the team layer catches panics before they reach here).
    #[derive(Clone, Copy)]
    struct JobRef {
        data: *const (),
        run: unsafe fn(*const (), usize),
    }

    impl JobRef {
        /// Erases `body`. The result may be run only while `body` is alive.
        fn new<F: Fn(usize) + Sync>(body: &F) -> JobRef {
            /// # Safety
            /// `data` must point to a live `F`.
            unsafe fn call<F: Fn(usize) + Sync>(data: *const (), thread: usize) {
                // SAFETY: `data` was made from `&F` in `JobRef::new` and the dispatch protocol keeps
                // the caller (who owns the `F`) waiting until every worker has run it.
                let body = unsafe { &*(data as *const F) };
                body(thread)
            }
            JobRef {
                data: body as *const F as *const (),
                run: call::<F>,
            }
        }

        /// # Safety
        /// The closure this was made from must still be alive.
        unsafe fn run(self, thread: usize) {
            // SAFETY: forwarded to the caller.
            unsafe { (self.run)(self.data, thread) }
        }
    }

    // SAFETY: a JobRef points to a `Sync` closure that the models keep alive while it is shared.
    unsafe impl Send for JobRef {}
    // SAFETY: as above.
    unsafe impl Sync for JobRef {}

    impl Default for JobRef {
        fn default() -> JobRef {
            JobRef::new(&|_| {})
        }
    }

    /// A worker of the models: runs the region's closure as its share.
    fn work(d: &Dispatch<JobRef>, w: usize, polls: u64) {
        // SAFETY: the models keep each region's closure alive until the team is done.
        worker_loop(
            d,
            w,
            0,
            || spin(polls),
            |job: JobRef, w, _| unsafe { job.run(w) },
        )
    }

    fn spin(polls: u64) -> Spin {
        Spin {
            polls,
            yielding: false,
        }
    }

    /// One caller, `workers` workers, `regions` regions: every share runs once per region, the
    /// caller sees every worker's write, and shutdown ends every worker. Spin budgets of 0 and 1
    /// drive both the polling and the sleeping paths.
    fn model(workers: usize, regions: usize, polls: u64) {
        loom::model(move || {
            let dispatch = Arc::new(Dispatch::new(workers));
            let handles: Vec<_> = (1..=workers)
                .map(|w| {
                    let d = dispatch.clone();
                    thread::spawn(move || work(&d, w, polls))
                })
                .collect();
            for _ in 0..regions {
                let hits = AtomicUsize::new(0);
                let body = |_t: usize| {
                    hits.fetch_add(1, Relaxed);
                };
                let job = JobRef::new(&body);
                // SAFETY: one caller; `body` outlives the wait below.
                unsafe { dispatch.start(workers + 1, job) };
                body(0);
                dispatch.wait_for_team(spin(polls));
                assert_eq!(hits.load(Relaxed), workers + 1);
            }
            dispatch.shutdown();
            for h in handles {
                h.join().unwrap();
            }
        });
    }

    #[test]
    fn loom_one_worker_two_regions_sleeping() {
        model(1, 2, 0);
    }

    #[test]
    fn loom_one_worker_two_regions_spinning() {
        model(1, 2, 1);
    }

    #[test]
    fn loom_two_workers_one_region() {
        model(2, 1, 0);
    }

    /// A region of a smaller team than the pool: the worker left out reads no job and is not
    /// counted; the next region with the full team still completes.
    #[test]
    fn loom_worker_left_out_of_a_team() {
        loom::model(|| {
            let dispatch = Arc::new(Dispatch::new(2));
            let handles: Vec<_> = (1..=2)
                .map(|w| {
                    let d = dispatch.clone();
                    thread::spawn(move || work(&d, w, 0))
                })
                .collect();
            for team in [2, 3] {
                let hits = AtomicUsize::new(0);
                let body = |_t: usize| {
                    hits.fetch_add(1, Relaxed);
                };
                // SAFETY: one caller; `body` outlives the wait.
                unsafe { dispatch.start(team, JobRef::new(&body)) };
                body(0);
                dispatch.wait_for_team(spin(0));
                assert_eq!(hits.load(Relaxed), team);
            }
            dispatch.shutdown();
            for h in handles {
                h.join().unwrap();
            }
        });
    }

    /// The panic path: a share that panics is caught on its own thread (as every region's
    /// shares are, by `team::run_share`), the loop is cancelled, the worker still reports
    /// finished, and the caller resumes the panic after the team is done.
    #[test]
    fn loom_panicking_share() {
        loom::model(|| {
            let dispatch = Arc::new(Dispatch::new(1));
            let d = dispatch.clone();
            let worker = thread::spawn(move || work(&d, 1, 0));
            let cancelled = AtomicUsize::new(0);
            let panics = crate::team::PanicSlot::default();
            let body = |t: usize| {
                if t == 1 {
                    panic!("share 1 failed");
                }
            };
            let on_panic = || {
                cancelled.fetch_add(1, Relaxed);
            };
            let share = |t: usize| crate::team::run_share(t, 2, &body, &on_panic, &panics);
            // SAFETY: one caller; `share` outlives the wait.
            unsafe { dispatch.start(2, JobRef::new(&share)) };
            share(0);
            dispatch.wait_for_team(spin(0));
            assert_eq!(cancelled.load(Relaxed), 1);
            let resumed =
                std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| panics.resume()));
            assert!(resumed.is_err());
            dispatch.shutdown();
            worker.join().unwrap();
        });
    }
}
