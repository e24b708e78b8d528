//! Pools: persistent worker threads, created once and reused by every region.
//!
//! A [`Registry`] holds a pool's settings, its internal control variables (team size, run-time
//! schedule, dyn-var, max-active-levels) and its *reservoir*: every worker thread it has created
//! and the team states masters use (see [`crate::team`]). Workers are created when the pool is
//! built, when the team size grows, and when a region needs more than are free (another
//! application thread's region holds them): each concurrent caller gets a team of its own, up to
//! the thread limit. A worker is claimed by one master at a time (see [`crate::worker`]).
//!
//! After `fork()`, the child's copy of a pool has no worker threads and its locks may be held by
//! threads that do not exist. Every pool notices on first use in the child (the fork generation,
//! see [`crate::fork`]) and starts a fresh reservoir, leaking the parent's; its settings carry
//! over. Dropping a pool in the child joins only the threads it created there.

use crate::abort::AbortOnUnwind;
use crate::affinity::{self, Places, ProcBind};
use crate::env::Settings;
use crate::fork;
use crate::schedule::Schedule;
use crate::team::TeamState;
use crate::wait::{Spin, WaitPolicy};
use crate::worker::{Job, Worker};
use std::fmt;
use std::sync::atomic::{AtomicBool, AtomicPtr, AtomicU64, AtomicUsize, Ordering::*};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

/// Why threads could not be had.
///
/// ```
/// let err = parfor::Pool::builder().threads(0).build().unwrap_err();
/// assert!(err.to_string().contains("at least 1"));
/// ```
#[derive(Debug)]
pub enum ThreadsError {
    /// A team of zero threads was asked for.
    Zero,
    /// The operating system refused to create a thread; `created` workers exist.
    Spawn {
        /// Team size asked for.
        requested: usize,
        /// Team size that could be had (workers created + the caller).
        available: usize,
        /// The operating system's error.
        error: std::io::Error,
    },
}

impl fmt::Display for ThreadsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ThreadsError::Zero => write!(f, "a team needs at least 1 thread"),
            ThreadsError::Spawn {
                requested,
                available,
                error,
            } => write!(
                f,
                "could not create threads for a team of {requested} ({error}); teams are capped at {available}"
            ),
        }
    }
}

impl std::error::Error for ThreadsError {}

/// Settings a registry keeps for its life.
pub(crate) struct RegistryConfig {
    pub spin_count: u64,
    pub stack_size: Option<usize>,
    pub proc_bind: ProcBind,
    pub places: Vec<Vec<usize>>,
    pub cpus: usize,
    /// Largest team, and most threads (workers + masters) the pool runs at once.
    pub thread_limit: usize,
}

impl RegistryConfig {
    pub(crate) fn from_settings(s: &Settings) -> RegistryConfig {
        let allowed = affinity::process_cpus();
        RegistryConfig {
            spin_count: s.spin_count.value,
            stack_size: s.stack_size.value,
            proc_bind: s.proc_bind.value,
            places: affinity::build_places(&s.places.value, &allowed),
            cpus: s.cpus,
            thread_limit: s.thread_limit.value.clamp(1, crate::env::thread_cap()),
        }
    }
}

/// What a fork invalidates: the workers (their threads do not exist in the child) and the team
/// states they may have been using. A registry replaces its reservoir on first use in a child.
struct Reservoir {
    generation: u64,
    workers: Mutex<Vec<Arc<Worker>>>,
    handles: Mutex<Vec<JoinHandle<()>>>,
    teams: Mutex<Vec<Arc<TeamState>>>,
    warned_spawn: AtomicBool,
}

impl Reservoir {
    fn new() -> Reservoir {
        Reservoir {
            generation: fork::generation(),
            workers: Mutex::new(Vec::new()),
            handles: Mutex::new(Vec::new()),
            teams: Mutex::new(Vec::new()),
            warned_spawn: AtomicBool::new(false),
        }
    }
}

/// A pool's shared state: its settings, its internal control variables, and its reservoir of
/// worker threads. Workers hold an `Arc` of it.
pub(crate) struct Registry {
    /// Unique for the process's life: names this registry in threads' team caches.
    id: u64,
    config: RegistryConfig,
    reservoir: AtomicPtr<Reservoir>,
    /// Team size of the next region (OpenMP's nthreads-var).
    num_threads: AtomicUsize,
    /// The run-time schedule (run-sched-var), encoded by [`encode_schedule`].
    schedule: AtomicU64,
    /// Loops shorter than this run on the caller alone.
    serial_threshold: AtomicU64,
    /// dyn-var: teams never exceed the CPUs.
    dynamic: AtomicBool,
    /// max-active-levels-var.
    max_active_levels: AtomicUsize,
}

impl Registry {
    /// A registry with no workers yet; they are created by [`Registry::grow`] and by regions.
    pub(crate) fn new(config: RegistryConfig, settings: &Settings) -> Arc<Registry> {
        static IDS: AtomicU64 = AtomicU64::new(0);
        fork::install_handler();
        let registry = Arc::new(Registry {
            id: IDS.fetch_add(1, Relaxed),
            reservoir: AtomicPtr::new(Box::into_raw(Box::new(Reservoir::new()))),
            num_threads: AtomicUsize::new(settings.num_threads.value.max(1)),
            schedule: AtomicU64::new(encode_schedule(settings.schedule.value)),
            serial_threshold: AtomicU64::new(settings.serial_threshold.value),
            dynamic: AtomicBool::new(settings.dynamic.value),
            max_active_levels: AtomicUsize::new(settings.max_active_levels.value),
            config,
        });
        crate::annotate::atomic(&registry.num_threads);
        crate::annotate::atomic(&registry.schedule);
        crate::annotate::atomic(&registry.serial_threshold);
        crate::annotate::atomic(&registry.dynamic);
        crate::annotate::atomic(&registry.max_active_levels);
        registry
    }

    pub(crate) fn id(&self) -> u64 {
        self.id
    }

    /// The reservoir of this process: after a fork, the child's first call replaces the parent's
    /// (which is leaked: its threads do not exist here, and its locks may be held forever).
    fn reservoir(&self) -> &Reservoir {
        let p = self.reservoir.load(Acquire);
        // SAFETY: reservoirs are freed only when the registry is dropped.
        let r = unsafe { &*p };
        if r.generation == fork::generation() {
            return r;
        }
        self.replace_reservoir(p)
    }

    #[cold]
    fn replace_reservoir(&self, old: *mut Reservoir) -> &Reservoir {
        let new = Box::into_raw(Box::new(Reservoir::new()));
        match self.reservoir.compare_exchange(old, new, AcqRel, Acquire) {
            // SAFETY: just stored; freed only with the registry.
            Ok(_) => unsafe { &*new },
            Err(current) => {
                // SAFETY: `new` was never shared.
                drop(unsafe { Box::from_raw(new) });
                // SAFETY: as in `reservoir`.
                unsafe { &*current }
            }
        }
    }

    /// A team state nobody uses, for a master thread's cache.
    pub(crate) fn team_state(&self) -> Arc<TeamState> {
        let mut teams = lock(&self.reservoir().teams);
        // Only the reservoir holds a free state; clones are made under this lock only.
        if let Some(free) = teams.iter().find(|t| Arc::strong_count(t) == 1) {
            return Arc::clone(free);
        }
        let state = Arc::new(TeamState::new(self.config.thread_limit));
        state.announce();
        teams.push(Arc::clone(&state));
        state
    }

    /// Claims up to `want` workers for a master: first those in `workers` (the ones that served
    /// it last time), then free ones, then new threads while the pool has fewer than the thread
    /// limit allows. `workers` ends up holding exactly the claimed ones.
    pub(crate) fn claim_workers(self: &Arc<Self>, workers: &mut Vec<Arc<Worker>>, want: usize) {
        let mut kept = 0;
        workers.retain(|w| {
            let keep = kept < want && w.try_claim();
            kept += usize::from(keep);
            keep
        });
        if workers.len() < want {
            self.claim_more(workers, want);
        }
    }

    #[cold]
    fn claim_more(self: &Arc<Self>, workers: &mut Vec<Arc<Worker>>, want: usize) {
        let reservoir = self.reservoir();
        let mut all = lock(&reservoir.workers);
        for w in all.iter() {
            if workers.len() == want {
                return;
            }
            if w.try_claim() {
                workers.push(Arc::clone(w));
            }
        }
        while workers.len() < want && all.len() + 1 < self.config.thread_limit {
            match self.spawn(all.len() + 1, reservoir) {
                Ok(w) => {
                    all.push(Arc::clone(&w));
                    workers.push(w);
                }
                Err(e) => {
                    if !reservoir.warned_spawn.swap(true, Relaxed) {
                        eprintln!("parfor: warning: {e}; the team is smaller");
                    }
                    return;
                }
            }
        }
    }

    /// Starts worker thread `index`, claimed by the caller.
    fn spawn(
        self: &Arc<Self>,
        index: usize,
        reservoir: &Reservoir,
    ) -> std::io::Result<Arc<Worker>> {
        let worker = Arc::new(Worker::new_claimed(index));
        worker.announce();
        let mut builder = std::thread::Builder::new().name(format!("parfor-{index}"));
        if let Some(bytes) = self.config.stack_size {
            builder = builder.stack_size(bytes);
        }
        let (registry, w) = (Arc::clone(self), Arc::clone(&worker));
        let handle = builder.spawn(move || registry.worker_main(&w))?;
        lock(&reservoir.handles).push(handle);
        Ok(worker)
    }

    /// Creates workers until a team of `team` threads can run (capped at the thread limit).
    /// On a spawn failure the workers created so far stay, and the error says how many.
    pub(crate) fn grow(self: &Arc<Self>, team: usize) -> Result<(), ThreadsError> {
        let team = team.min(self.config.thread_limit);
        let reservoir = self.reservoir();
        let mut all = lock(&reservoir.workers);
        while all.len() + 1 < team {
            match self.spawn(all.len() + 1, reservoir) {
                Ok(w) => {
                    w.unclaim();
                    all.push(w);
                }
                Err(error) => {
                    // Reported here; regions that find no thread later stay quiet.
                    reservoir.warned_spawn.store(true, Relaxed);
                    return Err(ThreadsError::Spawn {
                        requested: team,
                        available: all.len() + 1,
                        error,
                    });
                }
            }
        }
        Ok(())
    }

    fn worker_main(&self, worker: &Worker) {
        self.bind_current_thread_as(worker.index);
        let guard = AbortOnUnwind("a parfor worker thread unwound");
        let finished = |job: &Job, worker: &Worker| {
            // SAFETY: jobs handed out by `team::run_region` point to a live team state.
            unsafe { crate::team::worker_finished(job, worker) }
        };
        crate::worker::worker_loop(worker, || self.spin_for_team(self.max_threads()), finished);
        std::mem::forget(guard);
    }

    /// Binds the calling thread to the place of thread `thread` when `OMP_PROC_BIND` asks for
    /// binding. Binding is a hint: a CPU set that cannot be applied leaves the thread unbound.
    pub(crate) fn bind_current_thread_as(&self, thread: usize) {
        let places = &self.config.places;
        let team = self.num_threads.load(Relaxed);
        if let Some(place) = affinity::place_of(self.config.proc_bind, thread, team, places.len()) {
            let _ = affinity::bind_current_thread(&places[place]);
        }
    }

    /// How long a thread of a team of `team` spins before it sleeps.
    pub(crate) fn spin_for_team(&self, team: usize) -> Spin {
        Spin::for_team(self.config.spin_count, team, self.config.cpus)
    }

    /// The size of a region started now on this thread, asking for `requested` threads (the
    /// nthreads-var when `None`): 1 when nested deeper than max-active-levels, capped by the
    /// thread limit and, with dyn-var, by the CPUs.
    pub(crate) fn team_size(&self, requested: Option<usize>) -> usize {
        if crate::team::active_level() >= self.max_active_levels() {
            return 1;
        }
        let asked = requested.unwrap_or_else(|| self.num_threads.load(Relaxed));
        let mut team = asked.clamp(1, self.config.thread_limit);
        if self.dynamic.load(Relaxed) {
            team = team.min(self.config.cpus.max(1));
        }
        team
    }

    /// The team size asked for (nthreads-var), before limits.
    pub(crate) fn max_threads_requested(&self) -> usize {
        self.num_threads.load(Relaxed)
    }

    /// Team size of the next region started outside any region.
    pub(crate) fn max_threads(&self) -> usize {
        if self.max_active_levels() == 0 {
            return 1;
        }
        let mut team = self.num_threads.load(Relaxed).min(self.config.thread_limit);
        if self.dynamic.load(Relaxed) {
            team = team.min(self.config.cpus.max(1));
        }
        team
    }

    /// Sets the team size of later regions, creating workers if needed.
    pub(crate) fn set_num_threads(self: &Arc<Self>, n: usize) -> Result<(), ThreadsError> {
        if n == 0 {
            return Err(ThreadsError::Zero);
        }
        let n = n.min(self.config.thread_limit);
        self.num_threads.store(n, Relaxed);
        self.grow(n)
    }

    pub(crate) fn thread_limit(&self) -> usize {
        self.config.thread_limit
    }

    pub(crate) fn max_active_levels(&self) -> usize {
        self.max_active_levels.load(Relaxed)
    }

    pub(crate) fn set_max_active_levels(&self, n: usize) {
        self.max_active_levels
            .store(n.min(crate::env::MAX_ACTIVE_LEVELS), Relaxed);
    }

    pub(crate) fn dynamic(&self) -> bool {
        self.dynamic.load(Relaxed)
    }

    pub(crate) fn set_dynamic(&self, on: bool) {
        self.dynamic.store(on, Relaxed);
    }

    pub(crate) fn runtime_schedule(&self) -> Schedule {
        decode_schedule(self.schedule.load(Relaxed))
    }

    pub(crate) fn set_runtime_schedule(&self, schedule: Schedule) {
        self.schedule.store(encode_schedule(schedule), Relaxed);
    }

    pub(crate) fn serial_threshold(&self) -> u64 {
        self.serial_threshold.load(Relaxed)
    }

    pub(crate) fn set_serial_threshold(&self, n: u64) {
        self.serial_threshold.store(n, Relaxed);
    }

    /// Stops and joins every worker of this process's reservoir. No region may run afterwards.
    fn shutdown(&self) {
        let reservoir = self.reservoir();
        let workers = std::mem::take(&mut *lock(&reservoir.workers));
        for w in &workers {
            w.exit();
        }
        for h in std::mem::take(&mut *lock(&reservoir.handles)) {
            // A worker never unwinds (it aborts instead), so join only fails if it was killed.
            let _ = h.join();
        }
    }
}

impl Drop for Registry {
    fn drop(&mut self) {
        // SAFETY: the last reference is gone, so no thread uses the reservoir; reservoirs of
        // before a fork were leaked on purpose and are not this one.
        drop(unsafe { Box::from_raw(self.reservoir.load(Acquire)) });
    }
}

/// Locks a mutex of the runtime's own; a panic never happens while one is held, but a poisoned
/// lock is used as it is rather than turned into a second panic. Race detectors are told of the
/// hand-over (they cannot see std's futex-based mutex).
fn lock<T>(m: &Mutex<T>) -> Locked<'_, T> {
    let guard = m.lock().unwrap_or_else(|e| e.into_inner());
    crate::annotate::happens_after(m);
    Locked { guard, mutex: m }
}

/// A held lock of [`lock`].
struct Locked<'a, T> {
    guard: std::sync::MutexGuard<'a, T>,
    mutex: &'a Mutex<T>,
}

impl<T> std::ops::Deref for Locked<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.guard
    }
}

impl<T> std::ops::DerefMut for Locked<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        &mut self.guard
    }
}

impl<T> Drop for Locked<'_, T> {
    fn drop(&mut self) {
        crate::annotate::happens_before(self.mutex);
    }
}

/// Packs a schedule into a `u64`: kind in the low 3 bits, chunk above (chunks above 2^61 are
/// clamped, which changes nothing: such a chunk already covers any loop a program can run).
fn encode_schedule(s: Schedule) -> u64 {
    let (kind, chunk) = match s {
        Schedule::Static => (0, 0),
        Schedule::StaticChunked(c) => (1, c),
        Schedule::Dynamic(c) => (2, c),
        Schedule::Guided(c) => (3, c),
        Schedule::Auto => (4, 0),
        Schedule::MonotonicDynamic(c) => (5, c),
        Schedule::MonotonicGuided(c) => (6, c),
        Schedule::Runtime => (0, 0),
    };
    (chunk.min(1 << 61) << 3) | kind
}

fn decode_schedule(v: u64) -> Schedule {
    let chunk = v >> 3;
    match v & 7 {
        1 => Schedule::StaticChunked(chunk),
        2 => Schedule::Dynamic(chunk),
        3 => Schedule::Guided(chunk),
        4 => Schedule::Auto,
        5 => Schedule::MonotonicDynamic(chunk),
        6 => Schedule::MonotonicGuided(chunk),
        _ => Schedule::Static,
    }
}

/// A thread pool of its own, beside the global one. Dropping it joins its threads.
///
/// ```
/// use parfor::{Pool, Schedule};
/// let pool = Pool::builder().threads(3).build().unwrap();
/// let sum = pool.parallel_reduce(0..100u64, Schedule::Static, 0, |i| i, |a, b| a + b);
/// assert_eq!(sum, 4950);
/// assert_eq!(pool.max_threads(), 3);
/// ```
pub struct Pool {
    pub(crate) registry: Arc<Registry>,
}

impl Pool {
    /// A builder with every setting taken from the environment (OMP_*), as the global pool is.
    pub fn builder() -> PoolBuilder {
        PoolBuilder::default()
    }

    /// Team size of this pool's next region.
    pub fn max_threads(&self) -> usize {
        self.registry.max_threads()
    }

    /// Sets the team size of this pool's later regions, creating threads if needed.
    ///
    /// ```
    /// let pool = parfor::Pool::builder().threads(1).build().unwrap();
    /// pool.set_num_threads(2).unwrap();
    /// assert_eq!(pool.max_threads(), 2);
    /// ```
    pub fn set_num_threads(&self, n: usize) -> Result<(), ThreadsError> {
        self.registry.set_num_threads(n)
    }

    /// Sets the schedule that [`Schedule::Runtime`] stands for in this pool.
    ///
    /// ```
    /// let pool = parfor::Pool::builder().threads(2).build().unwrap();
    /// pool.set_schedule(parfor::Schedule::Dynamic(4));
    /// assert_eq!(pool.schedule(), parfor::Schedule::Dynamic(4));
    /// ```
    pub fn set_schedule(&self, schedule: Schedule) {
        self.registry.set_runtime_schedule(schedule)
    }

    /// The schedule [`Schedule::Runtime`] stands for in this pool.
    pub fn schedule(&self) -> Schedule {
        self.registry.runtime_schedule()
    }
}

impl Drop for Pool {
    fn drop(&mut self) {
        self.registry.shutdown();
    }
}

impl fmt::Debug for Pool {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pool")
            .field("max_threads", &self.max_threads())
            .finish()
    }
}

/// Builds a [`Pool`]. Settings not given come from the environment.
///
/// ```
/// let pool = parfor::Pool::builder()
///     .threads(2)
///     .wait_policy(parfor::WaitPolicy::Passive)
///     .stack_size(8 << 20)
///     .build()
///     .unwrap();
/// ```
#[derive(Default, Debug, Clone)]
pub struct PoolBuilder {
    threads: Option<usize>,
    stack_size: Option<usize>,
    wait_policy: Option<WaitPolicy>,
    spin_count: Option<u64>,
    proc_bind: Option<ProcBind>,
    places: Option<Places>,
}

impl PoolBuilder {
    /// Team size (threads including the caller); at most the thread limit.
    pub fn threads(mut self, n: usize) -> Self {
        self.threads = Some(n);
        self
    }

    /// Stack size of each worker thread, in bytes.
    pub fn stack_size(mut self, bytes: usize) -> Self {
        self.stack_size = Some(bytes);
        self
    }

    /// How idle threads wait (sets the spin count too, unless `spin_count` is given).
    pub fn wait_policy(mut self, policy: WaitPolicy) -> Self {
        self.wait_policy = Some(policy);
        self
    }

    /// Polls a waiting thread makes before it sleeps.
    pub fn spin_count(mut self, polls: u64) -> Self {
        self.spin_count = Some(polls);
        self
    }

    /// Thread binding policy.
    pub fn proc_bind(mut self, bind: ProcBind) -> Self {
        self.proc_bind = Some(bind);
        self
    }

    /// The places threads are bound to.
    pub fn places(mut self, places: Places) -> Self {
        self.places = Some(places);
        self
    }

    /// Creates the pool and its threads.
    pub fn build(self) -> Result<Pool, ThreadsError> {
        let mut settings = crate::global::settings().clone();
        if let Some(p) = self.wait_policy {
            settings.wait_policy.value = p;
            settings.spin_count.value = p.spin_count();
        }
        if let Some(n) = self.spin_count {
            settings.spin_count.value = n;
        }
        if let Some(b) = self.stack_size {
            settings.stack_size.value = Some(b);
        }
        if let Some(b) = self.proc_bind {
            settings.proc_bind.value = b;
        }
        if let Some(p) = self.places {
            settings.places.value = p;
        }
        let threads = self.threads.unwrap_or(settings.num_threads.value);
        if threads == 0 {
            return Err(ThreadsError::Zero);
        }
        let config = RegistryConfig::from_settings(&settings);
        settings.num_threads.value = threads.min(config.thread_limit);
        let registry = Registry::new(config, &settings);
        let pool = Pool { registry };
        pool.registry.grow(threads)?;
        Ok(pool)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schedules_survive_encoding() {
        for s in [
            Schedule::Static,
            Schedule::StaticChunked(5),
            Schedule::Dynamic(1),
            Schedule::Guided(64),
            Schedule::MonotonicDynamic(3),
            Schedule::MonotonicGuided(1),
            Schedule::Auto,
        ] {
            assert_eq!(decode_schedule(encode_schedule(s)), s);
        }
        assert_eq!(
            decode_schedule(encode_schedule(Schedule::Runtime)),
            Schedule::Static
        );
    }

    #[test]
    fn dropping_a_pool_joins_its_threads() {
        let pool = Pool::builder().threads(4).build().unwrap();
        pool.parallel_for(0..100, Schedule::Static, |_| {});
        let registry = Arc::downgrade(&pool.registry);
        drop(pool);
        // Each worker holds the registry until its thread ends; drop joined them all.
        assert!(registry.upgrade().is_none(), "a worker outlived its pool");
    }
}
