//! Pools: persistent worker threads, created once and reused by every region.
//!
//! A [`Registry`] owns the workers and the [`Dispatch`] they wait on. A region asks for the pool's
//! team size (its `nthreads` value, changed at run time by `set_num_threads`), capped by the
//! thread limit and by the workers that exist. Workers are spawned when the pool is built and when
//! the team size grows, never by a region. Regions of one pool are serialised: a second
//! application thread that starts a loop while another runs one waits for it (its loop then gets
//! the whole team), so team sizes, and with them the partials of static reductions, never depend
//! on timing.
//!
//! After `fork()`, the child's copy of a pool has no worker threads. The global pool is replaced
//! by a fresh one (see [`crate::global`]); a pool built with [`Pool::builder`] runs its regions on
//! the calling thread in the child, with one warning.

use crate::affinity::{self, Places, ProcBind};
use crate::dispatch::{self, Dispatch, MAX_TEAM};
use crate::env::Settings;
use crate::region::{ChunkBody, LoopJob};
use crate::schedule::{LoopState, Plan, Schedule};
use crate::team::{self, PanicSlot};
use crate::wait::{Spin, WaitPolicy};
use std::fmt;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering::*};
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
    /// Largest team (thread limit), at most [`MAX_TEAM`].
    pub thread_limit: usize,
    pub dynamic: bool,
    pub max_active_levels: usize,
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
            thread_limit: s.thread_limit.value.min(MAX_TEAM),
            dynamic: s.dynamic.value,
            max_active_levels: s.max_active_levels.value,
        }
    }
}

/// A pool's shared state. Workers hold an `Arc` of it.
pub(crate) struct Registry {
    dispatch: Dispatch<LoopJob>,
    /// The running region's loop state and first panic (regions are serialised).
    loop_state: LoopState,
    panics: PanicSlot,
    config: RegistryConfig,
    /// Serialises regions of this pool.
    region_lock: Mutex<()>,
    handles: Mutex<Vec<JoinHandle<()>>>,
    /// Workers created (team sizes up to `workers + 1` can run).
    workers: AtomicUsize,
    /// Team size of the next region (OpenMP's nthreads-var).
    num_threads: AtomicUsize,
    /// The run-time schedule (run-sched-var), encoded by [`encode_schedule`].
    schedule: AtomicU64,
    /// Loops shorter than this run on the caller alone.
    serial_threshold: AtomicU64,
    /// The fork generation the workers were created in.
    generation: u64,
    warned_after_fork: AtomicBool,
}

impl Registry {
    /// A registry with no workers yet; see [`Registry::grow`].
    pub(crate) fn new(config: RegistryConfig, settings: &Settings) -> Arc<Registry> {
        let capacity = config.thread_limit.saturating_sub(1);
        let registry = Arc::new(Registry {
            dispatch: Dispatch::new(capacity),
            loop_state: LoopState::new(),
            panics: PanicSlot::default(),
            region_lock: Mutex::new(()),
            handles: Mutex::new(Vec::new()),
            workers: AtomicUsize::new(0),
            num_threads: AtomicUsize::new(config.thread_limit.min(settings.num_threads.value)),
            schedule: AtomicU64::new(encode_schedule(settings.schedule.value)),
            serial_threshold: AtomicU64::new(settings.serial_threshold.value),
            generation: crate::global::fork_generation(),
            warned_after_fork: AtomicBool::new(false),
            config,
        });
        registry.dispatch.announce_atomics();
        registry.loop_state.announce();
        crate::annotate::atomic(&registry.workers);
        crate::annotate::atomic(&registry.num_threads);
        crate::annotate::atomic(&registry.schedule);
        crate::annotate::atomic(&registry.serial_threshold);
        registry
    }

    /// Creates workers until a team of `team` threads can run (capped at the thread limit).
    /// On a spawn failure the workers created so far stay, and the error says how many.
    pub(crate) fn grow(self: &Arc<Self>, team: usize) -> Result<(), ThreadsError> {
        let team = team.min(self.config.thread_limit);
        let mut handles = self.handles.lock().unwrap_or_else(|e| e.into_inner());
        while handles.len() + 1 < team {
            let worker = handles.len() + 1;
            // Read before the new worker is counted: any region that counts it publishes a later
            // sequence number (see `dispatch::worker_loop`).
            let seen = self.dispatch.current_sequence();
            let registry = Arc::clone(self);
            let mut builder = std::thread::Builder::new().name(format!("parfor-{worker}"));
            if let Some(bytes) = self.config.stack_size {
                builder = builder.stack_size(bytes);
            }
            match builder.spawn(move || registry.worker_main(worker, seen)) {
                Ok(handle) => {
                    handles.push(handle);
                    self.workers.store(worker, Release);
                }
                Err(error) => {
                    return Err(ThreadsError::Spawn {
                        requested: team,
                        available: worker,
                        error,
                    })
                }
            }
        }
        Ok(())
    }

    fn worker_main(&self, worker: usize, seen: u64) {
        self.bind_current_thread_as(worker);
        let run = |job: LoopJob, thread, team| {
            // SAFETY: the caller keeps the job's chunk body alive until the team has finished.
            unsafe { job.run_share(thread, team, &self.loop_state, &self.panics) }
        };
        dispatch::worker_loop(&self.dispatch, worker, seen, || self.spin(), run);
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

    fn spin(&self) -> Spin {
        Spin::for_team(
            self.config.spin_count,
            self.num_threads.load(Relaxed),
            self.config.cpus,
        )
    }

    /// Team size for a region started now on this thread: 1 when nested in another region.
    pub(crate) fn team_for_region(&self) -> usize {
        if team::in_parallel() {
            1
        } else {
            self.max_threads()
        }
    }

    /// The team size asked for (nthreads-var), before limits.
    pub(crate) fn max_threads_requested(&self) -> usize {
        self.num_threads.load(Relaxed)
    }

    /// Team size of the next region.
    pub(crate) fn max_threads(&self) -> usize {
        if self.config.max_active_levels == 0 {
            return 1;
        }
        let mut team = self.num_threads.load(Relaxed).min(self.config.thread_limit);
        if self.config.dynamic {
            team = team.min(self.config.cpus.max(1));
        }
        team.min(self.workers.load(Acquire) + 1)
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

    /// Runs a loop as a region: `chunk(thread, lo, hi)` over the chunks `plan` deals for
    /// `0..len` to a team of `team`, the caller as thread 0. Returns when all are done; a panic in
    /// any chunk stops the loop and resumes on the caller. A loop of fewer than the serial
    /// threshold's iterations, a nested loop, or a team of one runs every share on the caller in
    /// turn, with the same team size and so the same partition.
    ///
    /// `team` comes from [`Registry::team_for_region`], read by the caller so that it can size
    /// per-thread storage.
    pub(crate) fn run_loop(&self, team: usize, len: u64, plan: Plan, chunk: &ChunkBody<'_>) {
        let forked = self.generation != crate::global::fork_generation();
        if forked && !self.warned_after_fork.swap(true, Relaxed) {
            eprintln!("parfor: warning: this pool was built before fork(); in the child process its loops run on the calling thread");
        }
        // SAFETY: `chunk` is borrowed for this whole call, and every use of the job below ends
        // before the call returns (the caller waits for the team).
        let job = unsafe { LoopJob::new(plan, len, chunk) };
        if team == 1 || forked || len < self.serial_threshold() {
            let (state, panics) = (LoopState::new(), PanicSlot::default());
            for t in 0..team {
                // SAFETY: `chunk` is alive for this whole call.
                unsafe { job.run_share(t, team, &state, &panics) };
            }
            panics.resume();
            if state.was_cancelled() {
                crate::cancel::unwind_cancelled();
            }
        } else {
            let serial = self.region_lock.lock().unwrap_or_else(|e| e.into_inner());
            // No thread uses the state: the previous region's team has finished.
            self.loop_state.reset();
            // SAFETY: the region lock makes this the only caller, and `chunk` stays alive until
            // `wait_for_team` below has seen every worker finish.
            unsafe { self.dispatch.start(team, job) };
            // SAFETY: `chunk` is alive for this whole call.
            unsafe { job.run_share(0, team, &self.loop_state, &self.panics) };
            self.dispatch.wait_for_team(self.spin());
            let panic = self.panics.take();
            let cancelled = self.loop_state.was_cancelled();
            drop(serial);
            if let Some(payload) = panic {
                std::panic::resume_unwind(payload);
            }
            if cancelled {
                crate::cancel::unwind_cancelled();
            }
        }
    }

    /// Stops and joins every worker. No region may run on this registry afterwards.
    fn shutdown(&self) {
        let _serial = self.region_lock.lock().unwrap_or_else(|e| e.into_inner());
        self.dispatch.shutdown();
        let handles = std::mem::take(&mut *self.handles.lock().unwrap_or_else(|e| e.into_inner()));
        for h in handles {
            // A worker never unwinds (shares catch panics), so join only fails if it was killed.
            let _ = h.join();
        }
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
        if self.registry.generation == crate::global::fork_generation() {
            self.registry.shutdown();
        }
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
        settings.num_threads.value = threads;
        let mut config = RegistryConfig::from_settings(&settings);
        config.thread_limit = config.thread_limit.max(threads.min(MAX_TEAM));
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
