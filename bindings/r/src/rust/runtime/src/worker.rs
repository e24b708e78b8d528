//! Worker threads and how a team's master hands one a job.
//!
//! ## The hand-out protocol
//! Each worker has a *mailbox*: one cache line holding a signal word and the job. The signal is
//! `sequence << 1 | claimed`.
//!
//! 1. A master that wants the worker for its team *claims* it: a compare-exchange of the signal
//!    from `s << 1` (free) to `s << 1 | 1` (claimed). Only one master can win; a worker that is
//!    claimed, or still running a job, cannot be claimed.
//! 2. The master writes the job (only it may: it holds the claim, and the worker reads the job
//!    only after a new sequence number), then publishes `(s + 1) << 1 | 1` with release ordering,
//!    then wakes the worker if it sleeps (the read-modify-write handshake of [`Worker::wake`]).
//! 3. The worker, waiting for a sequence number other than the last it ran, acquires the signal,
//!    reads the job and runs it. Then it *releases* itself (`(s + 1) << 1`, free again: a master
//!    may claim it from now on, and may overwrite the job it no longer reads), and only then
//!    tells the team it has finished (see [`crate::join`]). So when a master has seen its team
//!    finish, every worker of it is free again, and the master's next region can claim the same
//!    workers at once, with no lock.
//!
//! An idle worker spins on its mailbox for a while, then sleeps: it sets its `sleeping` flag with
//! a swap and checks the mailbox again before parking; a master swaps the flag back after
//! publishing and unparks only if it was set. Each side does a read-modify-write on the flag, so
//! one of them sees the other's write (the handshake loom found necessary; see the model tests).

use crate::annotate;
use crate::sync::{thread, AtomicBool, AtomicU64, Mutex, Ordering::*, Padded, RacyCell};
use crate::wait::Spin;

/// What a worker runs: `run(&job, thread)` on its own thread. `run` must not unwind.
#[derive(Clone, Copy)]
pub(crate) struct Job {
    /// The team's shared state, erased; null tells the worker to exit.
    pub team: *const (),
    /// The team's work, erased: called with this job.
    pub run: unsafe fn(&Job),
    /// The work's data (a closure on the master's stack), erased.
    pub data: *const (),
    /// Loop forms: the plan and length of the region's one loop.
    pub plan: crate::schedule::Plan,
    pub len: u64,
    /// This worker's number in the team, and the team's size.
    pub thread: u32,
    pub size: u32,
}

// The signal and the job share one 64-byte line: a woken worker fetches both in one transfer.
const _: () = assert!(std::mem::size_of::<Job>() + 8 <= 64);

// SAFETY: a job points to state the master keeps alive and shares by reference until the team
// has finished (see `crate::team`); the pointers are only dereferenced under that protocol.
unsafe impl Send for Job {}
// SAFETY: as above.
unsafe impl Sync for Job {}

/// # Safety
/// Never called: the job of a mailbox that was never published.
unsafe fn no_work(_: &Job) {}

impl Job {
    fn exit() -> Job {
        Job {
            team: std::ptr::null(),
            run: no_work,
            data: std::ptr::null(),
            plan: crate::schedule::Plan::Blocks,
            len: 0,
            thread: 0,
            size: 0,
        }
    }
}

struct Mailbox {
    signal: AtomicU64,
    job: RacyCell<Job>,
}

const CLAIMED: u64 = 1;

/// One worker thread's mailbox and sleep state.
pub(crate) struct Worker {
    mailbox: Padded<Mailbox>,
    sleeping: Padded<AtomicBool>,
    thread: Mutex<Option<thread::Thread>>,
    /// The worker's number in its registry (1-based), used for binding and names.
    pub index: usize,
}

// SAFETY: the mailbox's job is written only by the master holding the claim and read only by the
// worker after it acquired the publishing store (see the module docs); the rest are atomics and
// locks.
unsafe impl Sync for Worker {}
// SAFETY: as above; nothing in a worker is tied to the thread that created it.
unsafe impl Send for Worker {}

/// What [`Worker::wait_for_job`] returns.
pub(crate) enum Next {
    Run(Job),
    Exit,
}

impl Worker {
    /// A worker (not yet running), claimed by its creator.
    pub(crate) fn new_claimed(index: usize) -> Worker {
        Worker {
            mailbox: Padded(Mailbox {
                signal: AtomicU64::new(CLAIMED),
                job: RacyCell::new(Job::exit()),
            }),
            sleeping: Padded(AtomicBool::new(false)),
            thread: Mutex::new(None),
            index,
        }
    }

    /// Tells race detectors which words are only accessed atomically; call at the final address.
    pub(crate) fn announce(&self) {
        annotate::atomic(&self.mailbox.signal);
        annotate::atomic(&*self.sleeping);
    }

    /// Tries to claim the worker for a team; false if another master holds it or it still runs.
    #[inline]
    pub(crate) fn try_claim(&self) -> bool {
        let s = self.mailbox.signal.load(Relaxed);
        s & CLAIMED == 0
            && self
                .mailbox
                .signal
                .compare_exchange(s, s | CLAIMED, Acquire, Relaxed)
                .is_ok()
    }

    /// Gives up a claim that was not used.
    pub(crate) fn unclaim(&self) {
        self.mailbox.signal.fetch_and(!CLAIMED, Release);
    }

    /// Hands `job` to the worker, which must be claimed by the caller.
    ///
    /// # Safety
    /// The caller holds the claim, and whatever `job` points to stays alive until the worker has
    /// finished it.
    pub(crate) unsafe fn publish(&self, job: Job) {
        // SAFETY: the claim makes the caller the only writer, and the worker reads the job only
        // after the store below (module docs).
        unsafe { self.mailbox.job.write(job) };
        annotate::happens_before(&*self.mailbox);
        let s = self.mailbox.signal.load(Relaxed);
        self.mailbox.signal.store(s + 2, Release);
        self.wake();
    }

    fn wake(&self) {
        // Always a swap, never a load first: the handshake needs the two read-modify-writes.
        if self.sleeping.swap(false, AcqRel) {
            annotate::happens_after(&*self.sleeping);
            let thread = self.thread.lock().unwrap();
            annotate::happens_after(&self.thread);
            if let Some(t) = thread.as_ref() {
                t.unpark();
            }
        }
    }

    /// Called on the worker's own thread before it first waits.
    pub(crate) fn register_thread(&self) {
        let mut slot = self.thread.lock().unwrap();
        *slot = Some(thread::current());
        // Announced while the lock is held, so a waker that takes it next sees the write.
        annotate::happens_before(&self.thread);
        drop(slot);
    }

    /// Worker side: waits (spinning for `spin`, then sleeping) for a job with a sequence number
    /// after `seen`, which it updates.
    pub(crate) fn wait_for_job(&self, seen: &mut u64, spin: Spin) -> Next {
        let signal = self.wait_for_signal(*seen, spin);
        *seen = signal >> 1;
        annotate::happens_after(&*self.mailbox);
        // SAFETY: a new sequence number was acquired; the master wrote the job before publishing
        // it and writes no other before this worker releases itself.
        let job = unsafe { self.mailbox.job.read() };
        if job.team.is_null() {
            Next::Exit
        } else {
            Next::Run(job)
        }
    }

    /// The first signal (acquired) whose sequence number is not `seen`.
    fn wait_for_signal(&self, seen: u64, spin: Spin) -> u64 {
        let new = |s: u64| s >> 1 != seen;
        for poll in 0..spin.polls {
            let s = self.mailbox.signal.load(Acquire);
            if new(s) {
                return s;
            }
            spin.pause(poll);
        }
        loop {
            annotate::happens_before(&*self.sleeping);
            self.sleeping.swap(true, AcqRel);
            let s = self.mailbox.signal.load(Acquire);
            if new(s) {
                self.sleeping.store(false, Relaxed);
                return s;
            }
            thread::park();
        }
    }

    /// Worker side: the job is done; the worker is free for any master from now on.
    pub(crate) fn release(&self) {
        self.mailbox.signal.fetch_and(!CLAIMED, Release);
    }

    /// Tells the worker to exit, claiming it first (waits while a team uses it).
    pub(crate) fn exit(&self) {
        while !self.try_claim() {
            thread::yield_now();
        }
        // SAFETY: claimed above; the exit job points to nothing.
        unsafe { self.publish(Job::exit()) };
    }
}

/// The loop a worker thread runs until told to exit: for each job it is handed, `job.run` on
/// this thread, then `finished(&job, worker)`, which releases the worker and tells the team.
pub(crate) fn worker_loop(
    worker: &Worker,
    spin: impl Fn() -> Spin,
    finished: impl Fn(&Job, &Worker),
) {
    worker.register_thread();
    let mut seen = 0;
    loop {
        match worker.wait_for_job(&mut seen, spin()) {
            Next::Exit => return,
            Next::Run(job) => {
                // SAFETY: the master keeps what the job points to alive until the team has
                // finished, which `finished` reports; `run` does not unwind.
                unsafe { (job.run)(&job) };
                finished(&job, worker);
            }
        }
    }
}

#[cfg(all(test, loom))]
mod loom_tests {
    use super::*;
    use crate::join::Join;
    use crate::sync::{Arc, AtomicUsize};

    /// What the models' jobs point to: a join and a counter of shares run.
    struct Team {
        join: Join,
        hits: AtomicUsize,
    }

    /// # Safety
    /// `job.team` points to a live `Team`.
    unsafe fn count(job: &Job) {
        // SAFETY: per the contract.
        let team = unsafe { &*job.team.cast::<Team>() };
        team.hits.fetch_add(1, Relaxed);
    }

    fn finished(job: &Job, worker: &Worker) {
        // SAFETY: the models keep each team alive until its join returns.
        let team = unsafe { &*job.team.cast::<Team>() };
        worker.release();
        team.join.arrive();
    }

    fn no_spin() -> Spin {
        Spin {
            polls: 0,
            yielding: false,
        }
    }

    /// A master's region on its team (reused region after region, as team states are: a worker
    /// may still be inside `arrive` of the previous region when the next starts, so the team
    /// must outlive the worker threads, as the reservoir guarantees): claim the worker if it
    /// can, hand it a job, run its own share, join.
    fn region(worker: &Worker, team: &Team) -> usize {
        team.hits.store(0, Relaxed);
        let claimed = worker.try_claim();
        if claimed {
            team.join.expect(1);
            let mut job = Job::exit();
            job.team = (team as *const Team).cast();
            job.run = count;
            // SAFETY: claimed; `team` outlives the worker thread.
            unsafe { worker.publish(job) };
        }
        team.hits.fetch_add(1, Relaxed);
        team.join.wait(no_spin());
        let hits = team.hits.load(Relaxed);
        assert_eq!(
            hits,
            1 + usize::from(claimed),
            "every share ran before the join returned"
        );
        hits
    }

    fn new_team() -> Arc<Team> {
        Arc::new(Team {
            join: Join::new(),
            hits: AtomicUsize::new(0),
        })
    }

    /// Two masters take teams from a reservoir of one worker at the same time: each region
    /// completes, with the worker if it claimed it; a claimed worker serves only one master at
    /// a time; the worker sleeps (no spinning) and is woken by the hand-out.
    #[test]
    fn loom_two_masters_one_worker() {
        loom::model(|| {
            let worker = Arc::new(Worker::new_claimed(1));
            worker.unclaim();
            let w = worker.clone();
            let thread = thread::spawn(move || worker_loop(&w, no_spin, finished));
            let (mine, theirs) = (new_team(), new_team());
            let (w2, t2) = (worker.clone(), theirs.clone());
            let other = thread::spawn(move || region(&w2, &t2));
            region(&worker, &mine);
            other.join().unwrap();
            worker.exit();
            thread.join().unwrap();
        });
    }

    /// One master, two regions in a row: the worker it released at the end of the first is
    /// claimed again at once for the second.
    #[test]
    fn loom_one_master_reclaims_its_worker() {
        loom::model(|| {
            let worker = Arc::new(Worker::new_claimed(1));
            worker.unclaim();
            let w = worker.clone();
            let thread = thread::spawn(move || worker_loop(&w, no_spin, finished));
            let team = new_team();
            assert_eq!(region(&worker, &team), 2);
            assert_eq!(
                region(&worker, &team),
                2,
                "the worker is free again after a join"
            );
            worker.exit();
            thread.join().unwrap();
        });
    }
}
