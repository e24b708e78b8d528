//! Teams: the threads that run one parallel region, and the handle each of them gets.
//!
//! A region is started by its *master* (the calling thread, thread 0). The master takes a
//! [`TeamState`], the team's shared state, claims workers for it (see [`crate::worker`]: first the
//! ones it used last time, then free ones from its pool's reservoir, then new threads up to the
//! thread limit), hands each one a job naming the state and its thread number, runs thread 0's
//! share itself, and waits at the [`Join`] until every worker has finished. Several application
//! threads can each run a region at once: each has its own team state and its own workers, and
//! nothing serialises them.
//!
//! Team states are owned by the pool's reservoir and never freed while the pool lives (a worker
//! may still be inside [`Join::arrive`] when its master returns); each master thread keeps the
//! last ones it used, with the workers that served it, in a thread-local cache, so that the next
//! region costs no lock and touches lines the team already holds.
//!
//! Each thread of a region runs its share with a [`Team`] handle of its own (thread number,
//! construct counter, loop cursor), reachable from nested code through [`with_team`]. A panic in
//! any share is caught on its thread, stops the region (no further chunk, every barrier open),
//! and resumes on the master once the team has finished; the team state is then reset.

use crate::barrier::{self, Barrier, Passed};
use crate::cancel::{self, Cancelled};
use crate::join::Join;
use crate::pool::Registry;
use crate::schedule::{for_each_chunk, LoopShared, Plan};
use crate::steal::StealRanges;
use crate::stop::Stop;
use crate::sync::{AtomicU64, AtomicUsize, Ordering::Relaxed, Padded, RacyCell};
use crate::task::TaskSlot;
use crate::taskqueue::TaskQueues;
use crate::worker::{Job, Worker};
use crate::worksharing::{LoopCursor, Worksharing};
use std::any::Any;
use std::cell::{Cell, RefCell};
use std::panic::{catch_unwind, resume_unwind, AssertUnwindSafe};
use std::sync::{Arc, Mutex};

/// Where a region sits among the regions around it, written by the master before the workers
/// start.
#[derive(Clone, Copy)]
struct Nesting {
    /// The master's own handle in the enclosing region, or null at the top.
    parent: *const Team,
    /// Enclosing regions, this one included (`omp_get_level`).
    level: usize,
    /// Enclosing regions of more than one thread, this one included.
    active_level: usize,
}

/// The shared state of one team, reused region after region by the masters that take it.
pub(crate) struct TeamState {
    join: Join,
    barrier: Barrier,
    stop: Padded<Stop>,
    /// The shared counter of a loop form's one loop.
    loop_next: Padded<AtomicU64>,
    /// The per-thread ranges of a loop form's stealing loop.
    loop_ranges: StealRanges,
    pub(crate) ws: Worksharing,
    panics: PanicSlot,
    nesting: RacyCell<Nesting>,
    registry: RacyCell<*const Registry>,
    /// Per-thread values of `Team::reduce`, as addresses (one slot per possible thread).
    pub(crate) reduce_slots: Box<[AtomicUsize]>,
    /// The team's queued tasks (see [`crate::task`]).
    pub(crate) tasks: TaskQueues,
}

// SAFETY: the `RacyCell`s are written by the master only while no worker runs (before it hands
// out the jobs, which publish the writes) and read by the team during the region; everything
// else is atomics and locks.
unsafe impl Sync for TeamState {}
// SAFETY: as above.
unsafe impl Send for TeamState {}

impl TeamState {
    /// A team state for teams of up to `capacity` threads.
    pub(crate) fn new(capacity: usize) -> TeamState {
        TeamState {
            join: Join::new(),
            barrier: Barrier::new(),
            stop: Padded(Stop::new()),
            loop_next: Padded(AtomicU64::new(0)),
            loop_ranges: StealRanges::new(capacity),
            ws: Worksharing::new(capacity),
            panics: PanicSlot::default(),
            nesting: RacyCell::new(Nesting {
                parent: std::ptr::null(),
                level: 0,
                active_level: 0,
            }),
            registry: RacyCell::new(std::ptr::null()),
            reduce_slots: (0..capacity.max(1)).map(|_| AtomicUsize::new(0)).collect(),
            tasks: TaskQueues::new(capacity),
        }
    }

    pub(crate) fn announce(&self) {
        self.join.announce();
        self.barrier.announce();
        crate::annotate::atomic(&*self.stop);
        crate::annotate::atomic(&*self.loop_next);
        self.ws.announce();
    }

    pub(crate) fn stop(&self) -> &Stop {
        &self.stop
    }

    pub(crate) fn registry(&self) -> &Registry {
        // SAFETY: set by the master before the region started; the registry outlives its regions.
        unsafe { &*self.registry.read() }
    }

    /// The team's barrier, for a team of `size`: `Stopped` when the region stops. Waiting
    /// threads run `tasks`.
    pub(crate) fn barrier_wait(&self, size: usize, tasks: &impl barrier::Tasks) -> Passed {
        if size == 1 {
            return if self.stop.is_stopped() {
                Passed::Stopped
            } else {
                Passed::Together
            };
        }
        let spin = self.registry().spin_for_team(size);
        self.barrier.wait(size, &self.stop, spin, tasks)
    }

    /// Wakes the threads asleep in the barrier: the region's first task was spawned, and they
    /// are to run tasks instead.
    pub(crate) fn wake_barrier_sleepers(&self) {
        self.barrier.open();
    }

    /// Records a panic of one share and stops the region.
    pub(crate) fn share_panicked(&self, payload: Box<dyn Any + Send>) {
        self.stop.stop();
        if !payload.is::<RegionStopped>() {
            self.panics.store(payload);
        }
        self.barrier.open();
    }
}

/// A barrier's view of the team's tasks, for the thread whose handle this is.
struct TeamTasks<'a>(&'a Team);

impl barrier::Tasks for TeamTasks<'_> {
    fn active(&self) -> bool {
        self.0.state().tasks.used()
    }
    fn run_one(&self) -> bool {
        crate::task::run_one(self.0)
    }
    fn pending(&self) -> bool {
        self.0.state().tasks.any_pending()
    }
}

/// The payload a thread unwinds with when [`Team::barrier`] finds the region stopped: caught at
/// the share's boundary, never reported.
struct RegionStopped;

/// One thread's handle on the team it runs in: its number, the team's size, and the constructs
/// it has met. Given to the body of [`crate::parallel`]; each thread has its own.
///
/// ```
/// parfor::parallel(|t| {
///     assert!(t.thread_num() < t.num_threads());
///     t.barrier();
/// });
/// ```
pub struct Team {
    state: *const TeamState,
    thread: usize,
    size: usize,
    /// Index of the next worksharing construct this thread meets.
    pub(crate) ws_next: Cell<u64>,
    /// The worksharing loop this thread is in, if any.
    pub(crate) cursor: Cell<Option<LoopCursor>>,
    /// The construct of a `single_copy_start` this thread won.
    pub(crate) copy_index: Cell<u64>,
    /// The task this thread runs (see [`crate::task`]).
    pub(crate) tasks: TaskSlot,
}

impl Team {
    pub(crate) fn state(&self) -> &TeamState {
        // SAFETY: a handle exists only inside its region's share, while the master keeps the
        // state alive (it is owned by the reservoir, and in use until the team has finished).
        unsafe { &*self.state }
    }

    fn nesting(&self) -> Nesting {
        // SAFETY: written by the master before the region started, read-only during it.
        unsafe { self.state().nesting.read() }
    }

    /// This thread's number in the team: 0 for the master, `1..num_threads()` for the others.
    ///
    /// ```
    /// parfor::parallel(|t| assert_eq!(t.thread_num(), parfor::thread_num()));
    /// ```
    pub fn thread_num(&self) -> usize {
        self.thread
    }

    /// The number of threads in the team (smaller than asked for when threads could not be had).
    ///
    /// ```
    /// parfor::region().num_threads(2).run(|t| assert!(t.num_threads() <= 2));
    /// ```
    pub fn num_threads(&self) -> usize {
        self.size
    }

    /// Waits until every thread of the team has reached this barrier. If the region stops (a
    /// panic on another thread, or [`crate::cancel`]), unwinds instead, and the region ends.
    ///
    /// ```
    /// use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
    /// let arrived = AtomicUsize::new(0);
    /// parfor::parallel(|t| {
    ///     arrived.fetch_add(1, Relaxed);
    ///     t.barrier();
    ///     assert_eq!(arrived.load(Relaxed), t.num_threads());
    /// });
    /// ```
    pub fn barrier(&self) {
        if self.barrier_status().is_err() {
            self.barrier_unwinds()
        }
    }

    /// Leaves a stopped region: unwinds to the share's boundary, where it is not reported.
    pub(crate) fn barrier_unwinds(&self) -> ! {
        resume_unwind(Box::new(RegionStopped))
    }

    /// Like [`Team::barrier`], but never unwinds: `Err` when the region stops (for callers that
    /// cannot unwind, such as C code).
    ///
    /// ```
    /// parfor::parallel(|t| assert!(t.barrier_status().is_ok()));
    /// ```
    pub fn barrier_status(&self) -> Result<(), Cancelled> {
        // A thread may be running the task from inside a wait of its own (a barrier, say).
        assert!(
            !self.tasks.in_task(),
            "a barrier inside a task (OpenMP forbids it): the task panics instead of deadlocking"
        );
        match self.state().barrier_wait(self.size, &TeamTasks(self)) {
            Passed::Together => Ok(()),
            Passed::Stopped => Err(Cancelled),
        }
    }

    /// How many barriers this team's threads have passed together (on this team state, since
    /// the pool started): between two barriers every thread of the team reads the same value, so
    /// it names the stretch of the region a thread is in, for flags that a barrier must clear
    /// (OpenMP's cancellation of a loop). A team of one has no barriers to count.
    ///
    /// ```
    /// parfor::region().num_threads(2).run(|t| {
    ///     let before = t.barrier_interval();
    ///     t.barrier();
    ///     assert_eq!(t.barrier_interval(), before + u64::from(t.num_threads() > 1));
    /// });
    /// ```
    pub fn barrier_interval(&self) -> u64 {
        self.state().barrier.generation()
    }

    /// Stops the region: the other threads take no further chunk and pass every barrier (in Rust
    /// code, [`Team::barrier`] unwinds to the end of the region). For code that cannot unwind,
    /// such as a C++ exception caught at a C callback's boundary.
    ///
    /// ```
    /// parfor::parallel(|t| {
    ///     if t.thread_num() == 0 { t.stop() }
    ///     let _ = t.barrier_status(); // Ok, or Err once the stop is seen
    /// });
    /// ```
    pub fn stop(&self) {
        self.state().stop().stop();
        self.state().barrier.open();
    }

    /// Whether the region is stopping (a panic elsewhere, or [`crate::cancel`]).
    ///
    /// ```
    /// parfor::parallel(|t| assert!(!t.is_stopped()));
    /// ```
    pub fn is_stopped(&self) -> bool {
        self.state().stop().is_stopped()
    }

    /// The nesting level of this region (1 for a region started outside any other).
    ///
    /// ```
    /// parfor::parallel(|t| assert_eq!(t.level(), 1));
    /// ```
    pub fn level(&self) -> usize {
        self.nesting().level
    }

    /// Enclosing regions with more than one thread, this one included.
    ///
    /// ```
    /// parfor::region().num_threads(1).run(|t| assert_eq!(t.active_level(), 0));
    /// ```
    pub fn active_level(&self) -> usize {
        self.nesting().active_level
    }

    fn parent(&self) -> Option<&Team> {
        // SAFETY: the parent handle lives on the master's stack in the enclosing region, which
        // outlives this one.
        unsafe { self.nesting().parent.as_ref() }
    }

    /// The handle of this thread's ancestor at `level` (this handle at its own level).
    fn at_level(&self, level: usize) -> Option<&Team> {
        let mut t = self;
        while t.level() > level {
            t = t.parent()?;
        }
        (t.level() == level).then_some(t)
    }
}

thread_local! {
    /// The handle of the innermost region this thread runs in, or null.
    static CURRENT: Cell<*const Team> = const { Cell::new(std::ptr::null()) };
    /// Team states this thread used as a master, with the workers that served it.
    static CACHE: RefCell<Vec<CachedTeam>> = const { RefCell::new(Vec::new()) };
}

/// Runs `f` with the handle of the innermost region this thread runs in (`None` outside any).
///
/// ```
/// assert!(parfor::with_team(|t| t.is_none()));
/// parfor::parallel(|_| parfor::with_team(|t| assert!(t.is_some())));
/// ```
pub fn with_team<R>(f: impl FnOnce(Option<&Team>) -> R) -> R {
    let p = CURRENT.with(Cell::get);
    // SAFETY: CURRENT points to a handle on this thread's stack while its share runs, and is
    // restored before the handle goes away (see `Enter`).
    f(unsafe { p.as_ref() })
}

/// Sets CURRENT for the duration of a share and restores it after, also when unwinding.
struct Enter {
    previous: *const Team,
}

impl Enter {
    fn new(team: &Team) -> Enter {
        Enter {
            previous: CURRENT.with(|c| c.replace(team)),
        }
    }
}

impl Drop for Enter {
    fn drop(&mut self) {
        CURRENT.with(|c| c.set(self.previous));
    }
}

/// This thread's number in the innermost region it runs in; 0 outside any.
///
/// ```
/// assert_eq!(parfor::thread_num(), 0);
/// parfor::parallel_for(0..4, parfor::Schedule::Static, |_| assert!(parfor::thread_num() < parfor::num_threads()));
/// ```
pub fn thread_num() -> usize {
    with_team(|t| t.map_or(0, Team::thread_num))
}

/// The size of the innermost team this thread runs in: 1 outside a region (OpenMP's
/// `omp_get_num_threads`). For the size the next region will get, see [`crate::max_threads`].
///
/// ```
/// assert_eq!(parfor::num_threads(), 1);
/// ```
pub fn num_threads() -> usize {
    with_team(|t| t.map_or(1, Team::num_threads))
}

/// Whether this thread runs inside a region (of any size). Regions started here are nested: they
/// get a team of one unless `OMP_MAX_ACTIVE_LEVELS` allows more, so library code can call parfor
/// from inside parfor without deadlock.
///
/// ```
/// assert!(!parfor::in_parallel());
/// parfor::parallel_for(0..2, parfor::Schedule::Static, |_| assert!(parfor::in_parallel()));
/// ```
pub fn in_parallel() -> bool {
    with_team(|t| t.is_some())
}

/// The nesting level of the innermost region around this thread (0 outside any), as
/// `omp_get_level`.
///
/// ```
/// assert_eq!(parfor::level(), 0);
/// parfor::parallel(|_| assert_eq!(parfor::level(), 1));
/// ```
pub fn level() -> usize {
    with_team(|t| t.map_or(0, Team::level))
}

/// Enclosing regions with more than one thread (`omp_get_active_level`).
///
/// ```
/// assert_eq!(parfor::active_level(), 0);
/// ```
pub fn active_level() -> usize {
    with_team(|t| t.map_or(0, Team::active_level))
}

/// The thread number of this thread's ancestor at nesting level `level` (`omp_get_ancestor_thread_num`):
/// `Some(0)` at level 0, `None` beyond the current level.
///
/// ```
/// assert_eq!(parfor::ancestor_thread_num(0), Some(0));
/// assert_eq!(parfor::ancestor_thread_num(1), None);
/// ```
pub fn ancestor_thread_num(level: usize) -> Option<usize> {
    if level == 0 {
        return Some(0);
    }
    with_team(|t| t?.at_level(level).map(Team::thread_num))
}

/// The size of the team at nesting level `level` around this thread (`omp_get_team_size`):
/// `Some(1)` at level 0, `None` beyond the current level.
///
/// ```
/// assert_eq!(parfor::team_size(0), Some(1));
/// parfor::region().num_threads(2).run(|t| assert_eq!(parfor::team_size(1), Some(t.num_threads())));
/// ```
pub fn team_size(level: usize) -> Option<usize> {
    if level == 0 {
        return Some(1);
    }
    with_team(|t| t?.at_level(level).map(Team::num_threads))
}

/// Collects the first panic of a region so that it can resume on the master.
#[derive(Default)]
pub(crate) struct PanicSlot(Mutex<Option<Box<dyn Any + Send>>>);

impl PanicSlot {
    fn store(&self, payload: Box<dyn Any + Send>) {
        let mut slot = self.0.lock().unwrap_or_else(|e| e.into_inner());
        if slot.is_none() {
            *slot = Some(payload);
            return;
        }
        drop(slot);
        // Later payloads are dropped: only the first panic is reported, as with threads. A
        // payload whose drop panics would unwind out of a share, which must not happen.
        drop_payload(payload);
    }

    fn take(&self) -> Option<Box<dyn Any + Send>> {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).take()
    }
}

/// Drops a panic payload; aborts with a message if its destructor panics, since unwinding out of
/// a share would leave the master waiting for this thread forever.
pub(crate) fn drop_payload(payload: Box<dyn Any + Send>) {
    if catch_unwind(AssertUnwindSafe(move || drop(payload))).is_err() {
        crate::abort::abort("a panic payload panicked while being dropped");
    }
}

/// Runs thread `thread`'s share of a region on `state`: a handle, CURRENT set, panics caught.
/// Returns the index of the next worksharing construct the thread would meet.
fn run_share(state: &TeamState, thread: usize, size: usize, share: impl FnOnce(&Team)) -> u64 {
    let team = Team::new(state, thread, size);
    let _enter = Enter::new(&team);
    if let Err(payload) = catch_unwind(AssertUnwindSafe(|| share(&team))) {
        state.share_panicked(payload);
    }
    team.end_share()
}

impl Team {
    /// Thread `thread`'s handle on a region of `size` threads on `state`.
    fn new(state: &TeamState, thread: usize, size: usize) -> Team {
        Team {
            state,
            thread,
            size,
            ws_next: Cell::new(state.ws.base()),
            cursor: Cell::new(None),
            copy_index: Cell::new(0),
            tasks: TaskSlot::default(),
        }
    }

    /// The end of this thread's share: its tasks run to completion. Returns the index of the
    /// next worksharing construct the thread would meet.
    fn end_share(&self) -> u64 {
        if self.state().tasks.used() || self.tasks.touched() {
            crate::task::end_share(self);
        }
        self.ws_next.get()
    }
}

/// What a region runs: the workers' job template and the master's share.
pub(crate) struct Work<'a> {
    /// Erased function each worker calls with its job (must not unwind).
    pub run: unsafe fn(&Job),
    /// Erased data the function reads.
    pub data: *const (),
    /// Loop forms: the loop's plan and length.
    pub plan: Plan,
    pub len: u64,
    /// Thread 0's share, run by the master.
    pub master: &'a mut dyn FnMut(&Team),
}

/// A worker's entry into a region body `F` (the data of the job).
///
/// # Safety
/// `job.team` and `job.data` point to a live `TeamState` and `F` (see [`run_region`]).
pub(crate) unsafe fn run_body<F: Fn(&Team) + Sync>(job: &Job) {
    // SAFETY: per the contract.
    let (state, body) = unsafe { (&*job.team.cast::<TeamState>(), &*job.data.cast::<F>()) };
    run_share(state, job.thread as usize, job.size as usize, body);
}

/// A worker's entry into a loop form's chunk body `C`: its chunks of the job's loop.
///
/// # Safety
/// As [`run_body`].
pub(crate) unsafe fn run_loop<C: Fn(usize, u64, u64) + Sync>(job: &Job) {
    // SAFETY: per the contract.
    let (state, chunk) = unsafe { (&*job.team.cast::<TeamState>(), &*job.data.cast::<C>()) };
    let (thread, size) = (job.thread as usize, job.size as usize);
    run_share(state, thread, size, |_| {
        run_loop_share(state, job.plan, job.len, (size, thread), chunk)
    });
}

/// Thread `thread`'s chunks of a loop form's loop.
pub(crate) fn run_loop_share(
    state: &TeamState,
    plan: Plan,
    len: u64,
    (size, thread): (usize, usize),
    chunk: &(impl Fn(usize, u64, u64) + ?Sized),
) {
    let loop_shared = LoopShared {
        counter: &state.loop_next,
        ranges: &state.loop_ranges,
    };
    let shared = (loop_shared, &*state.stop);
    for_each_chunk(plan, len, (size, thread), shared, |lo, hi| {
        chunk(thread, lo, hi)
    });
}

/// Called by a worker after its job: it frees itself, then tells the team.
///
/// # Safety
/// `job.team` points to the live state of the team the worker served.
pub(crate) unsafe fn worker_finished(job: &Job, worker: &Worker) {
    // SAFETY: per the contract; the master waits for this arrival before the state is reused.
    let state = unsafe { &*job.team.cast::<TeamState>() };
    worker.release();
    state.join.arrive();
}

/// A team state a master thread keeps between regions, with the workers that served it.
struct CachedTeam {
    registry_id: u64,
    state: Arc<TeamState>,
    workers: Vec<Arc<Worker>>,
}

/// Runs a region of up to `requested` threads on `registry` (workers claimed as available; the
/// team may be smaller). Returns when every thread has finished; resumes the first panic, or
/// unwinds with [`Cancelled`] if [`crate::cancel`] stopped it.
pub(crate) fn run_region(registry: &Arc<Registry>, requested: usize, work: Work<'_>) {
    let (cached, size) = start_team(registry, requested, &work);
    let ws_end = run_share(&cached.state, 0, size, |t| (work.master)(t));
    finish_team(registry, cached, size, ws_end);
}

/// The first half of a region: takes a team state, claims up to `requested - 1` workers and hands
/// each its job. Returns the state (with its workers) and the team's size.
#[inline(always)]
fn start_team(registry: &Arc<Registry>, requested: usize, work: &Work<'_>) -> (CachedTeam, usize) {
    let mut cached = take_cached(registry);
    let state: &TeamState = &cached.state;
    let enclosing = CURRENT.with(Cell::get);
    // SAFETY: the enclosing handle (if any) lives on this thread's stack (or in an `OpenRegion`)
    // until this region has ended.
    let outer = unsafe { enclosing.as_ref() }.map(|t| t.nesting());
    let requested = requested.min(state.reduce_slots.len());
    registry.claim_workers(&mut cached.workers, requested.saturating_sub(1));
    let size = cached.workers.len() + 1;
    // SAFETY: no worker runs on this state (taken from the cache, its last team joined); the
    // jobs published below order these writes before every read.
    unsafe {
        state.registry.write(Arc::as_ptr(registry));
        state.nesting.write(Nesting {
            parent: enclosing,
            level: outer.map_or(0, |n| n.level) + 1,
            active_level: outer.map_or(0, |n| n.active_level) + usize::from(size > 1),
        });
    }
    state.stop.reset();
    state.tasks.reset();
    if state.loop_next.load(Relaxed) != 0 {
        state.loop_next.store(0, Relaxed);
    }
    state.join.expect(size - 1);
    for (i, worker) in cached.workers.iter().enumerate() {
        let job = Job {
            team: (state as *const TeamState).cast(),
            run: work.run,
            data: work.data,
            plan: work.plan,
            len: work.len,
            thread: (i + 1) as u32,
            size: size as u32,
        };
        // SAFETY: claimed above; the caller keeps the state and the work alive until
        // `finish_team` has joined.
        unsafe { worker.publish(job) };
    }
    (cached, size)
}

/// The second half of a region, after the master's share: waits for the workers, readies the
/// state for the next region, then resumes the first panic or unwinds with [`Cancelled`].
#[inline(always)]
fn finish_team(registry: &Registry, cached: CachedTeam, size: usize, ws_end: u64) {
    let state: &TeamState = &cached.state;
    state.join.wait(registry.spin_for_team(size));
    let panic = state.panics.take();
    let stopped = state.stop.is_stopped();
    let cancelled = state.stop.was_cancelled();
    if stopped {
        // Threads may have stopped at different constructs: start the next region afresh.
        state.ws.reset();
        state.barrier.reset();
    } else {
        state.ws.set_base(ws_end);
    }
    put_cached(cached);
    if let Some(payload) = panic {
        resume_unwind(payload);
    }
    if cancelled {
        cancel::unwind_cancelled();
    }
}

/// A region whose workers run while the master runs its own share outside any closure: opened by
/// [`crate::Region::open`], ended by [`OpenRegion::end`] (or its drop) on the same thread. For
/// callers whose master share is not a closure, such as gcc's `GOMP_parallel_start`, which
/// returns to the program, lets it call the body as thread 0, and ends in `GOMP_parallel_end`.
///
/// ```
/// use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
/// let visits = AtomicUsize::new(0);
/// let body = |_: &parfor::Team| { visits.fetch_add(1, Relaxed); };
/// // SAFETY: `body` outlives the region, which ends on this thread below.
/// let open = unsafe { parfor::region().num_threads(2).open(&body) };
/// parfor::with_team(|t| assert_eq!(t.unwrap().thread_num(), 0));
/// body(open.team()); // the master's share
/// let size = open.team().num_threads();
/// open.end();
/// assert_eq!(visits.into_inner(), size);
/// ```
pub struct OpenRegion {
    /// The registry, the team state and its workers; `None` once ended.
    started: Option<(Arc<Registry>, CachedTeam)>,
    /// The master's handle (boxed: CURRENT points to it while the region is open).
    master: Box<Team>,
    /// CURRENT before the region opened.
    previous: *const Team,
}

impl OpenRegion {
    /// Starts the workers of a region on `body` and makes the calling thread thread 0.
    ///
    /// # Safety
    /// `body` must stay alive until the region has ended, and the region must end on this
    /// thread, after every region opened on this thread later.
    pub(crate) unsafe fn open<F: Fn(&Team) + Sync>(
        registry: &Arc<Registry>,
        requested: usize,
        body: *const F,
    ) -> OpenRegion {
        let work = Work {
            run: run_body::<F>,
            data: body.cast(),
            plan: Plan::Blocks,
            len: 0,
            master: &mut |_| {},
        };
        let (cached, size) = start_team(registry, requested, &work);
        let master = Box::new(Team::new(&cached.state, 0, size));
        let previous = CURRENT.with(|c| c.replace(&*master));
        OpenRegion {
            started: Some((Arc::clone(registry), cached)),
            master,
            previous,
        }
    }

    /// The master's handle (thread 0).
    pub fn team(&self) -> &Team {
        &self.master
    }

    /// Ends the master's share (its tasks run to completion) and waits until every worker has
    /// finished; resumes the first panic of a worker, or unwinds with [`Cancelled`] if
    /// [`crate::cancel`] stopped the region. Dropping the region does the same, except that a
    /// drop while this thread panics stops the region first and resumes nothing.
    pub fn end(mut self) {
        self.finish(true)
    }

    fn finish(&mut self, report: bool) {
        let Some((registry, cached)) = self.started.take() else {
            return;
        };
        if !report {
            self.master.stop();
        }
        let ws_end = match catch_unwind(AssertUnwindSafe(|| self.master.end_share())) {
            Ok(ws_end) => ws_end,
            Err(payload) => {
                cached.state.share_panicked(payload);
                0
            }
        };
        CURRENT.with(|c| c.set(self.previous));
        let ended = catch_unwind(AssertUnwindSafe(|| {
            finish_team(&registry, cached, self.master.size, ws_end)
        }));
        if let Err(payload) = ended {
            if report {
                resume_unwind(payload);
            }
            drop_payload(payload);
        }
    }
}

impl Drop for OpenRegion {
    fn drop(&mut self) {
        self.finish(!std::thread::panicking())
    }
}

fn take_cached(registry: &Registry) -> CachedTeam {
    let id = registry.id();
    let found = CACHE
        .try_with(|c| {
            let mut c = c.borrow_mut();
            let i = c.iter().rposition(|t| t.registry_id == id)?;
            Some(c.swap_remove(i))
        })
        .ok()
        .flatten();
    found.unwrap_or_else(|| CachedTeam {
        registry_id: id,
        state: registry.team_state(),
        workers: Vec::new(),
    })
}

/// Keeps a team state for this thread's next region; at most a few per thread (nested masters).
fn put_cached(team: CachedTeam) {
    const KEEP: usize = 4;
    let _ = CACHE.try_with(|c| {
        let mut c = c.borrow_mut();
        if c.len() < KEEP {
            c.push(team);
        }
    });
}

/// Forgets this thread's cached teams (after a fork, their workers do not exist).
pub(crate) fn forget_cached_teams() {
    let _ = CACHE.try_with(|c| std::mem::forget(std::mem::take(&mut *c.borrow_mut())));
}
