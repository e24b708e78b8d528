//! The global pool: created on first use from the environment, replaced after `fork()`.
//!
//! The settings are read from the environment once (warnings printed then, and the settings
//! themselves when `OMP_DISPLAY_ENV` asks). The pool is created on the first loop (or the first
//! call that needs it) with `OMP_NUM_THREADS` threads.
//!
//! ## fork
//! A `pthread_atfork` child handler, registered when the pool is first created, runs in the child
//! (which has only the forking thread) and forgets the parent's pool: its memory stays as it was,
//! untouched, since its locks may have been held by threads that do not exist in the child. The
//! child's first loop creates a fresh pool with the same team size and run-time schedule. The
//! parent is unaffected. A cheap fork generation counter tells pools built with
//! [`crate::Pool::builder`] that they are in a child (see [`crate::pool`]).

use crate::annotate;
use crate::env::{DisplayEnv, Settings};
use crate::pool::{Registry, RegistryConfig, ThreadsError};
use crate::schedule::Schedule;
use std::sync::atomic::{AtomicBool, AtomicPtr, AtomicU64, Ordering::*};
use std::sync::{Arc, Once, OnceLock};

static SETTINGS: OnceLock<Settings> = OnceLock::new();
/// The global registry (a leaked `Arc`), or null before first use and after a fork.
static GLOBAL: AtomicPtr<Registry> = AtomicPtr::new(std::ptr::null_mut());
/// The registry the parent used, read by the child to carry its team size and schedule over.
static BEFORE_FORK: AtomicPtr<Registry> = AtomicPtr::new(std::ptr::null_mut());
/// A spin lock for creating the registry (reset by the fork handler, which a mutex cannot be).
static CREATING: AtomicBool = AtomicBool::new(false);
static FORK_GENERATION: AtomicU64 = AtomicU64::new(0);
static ATFORK: Once = Once::new();

/// The settings read from the environment at first use (warnings printed once, on stderr).
///
/// ```
/// let s = parfor::settings();
/// assert!(s.num_threads.value >= 1);
/// ```
pub fn settings() -> &'static Settings {
    SETTINGS.get_or_init(|| {
        let (settings, warnings) = Settings::from_env();
        for w in &warnings {
            eprintln!("{w}");
        }
        if settings.display_env.value != DisplayEnv::False {
            eprint!("{}", settings.display());
        }
        settings
    })
}

/// How many times this process's ancestry has forked since parfor was first used.
pub(crate) fn fork_generation() -> u64 {
    FORK_GENERATION.load(Relaxed)
}

extern "C" fn forget_pool_in_child() {
    // The child has one thread, this one: plain stores cannot race.
    let old = GLOBAL.swap(std::ptr::null_mut(), Relaxed);
    if !old.is_null() {
        BEFORE_FORK.store(old, Relaxed);
    }
    CREATING.store(false, Relaxed);
    FORK_GENERATION.fetch_add(1, Relaxed);
}

/// The global registry, created on first use.
pub(crate) fn registry() -> &'static Arc<Registry> {
    annotate::atomic(&GLOBAL);
    let p = GLOBAL.load(Acquire);
    if !p.is_null() {
        annotate::happens_after(&GLOBAL);
        // SAFETY: a non-null GLOBAL points to a leaked `Box<Arc<Registry>>`, never freed.
        return unsafe { &*p.cast::<Arc<Registry>>() };
    }
    create()
}

#[cold]
fn create() -> &'static Arc<Registry> {
    annotate::atomic(&CREATING);
    while CREATING
        .compare_exchange_weak(false, true, Acquire, Relaxed)
        .is_err()
    {
        std::thread::yield_now();
    }
    let mut p = GLOBAL.load(Acquire);
    if p.is_null() {
        ATFORK.call_once(|| {
            // SAFETY: registering a handler that only touches atomics, with no prepare/parent hooks.
            unsafe { libc::pthread_atfork(None, None, Some(forget_pool_in_child)) };
        });
        let settings = settings();
        let registry = Registry::new(RegistryConfig::from_settings(settings), settings);
        let inherited = BEFORE_FORK.load(Relaxed);
        let mut team = registry.max_threads_requested();
        if !inherited.is_null() {
            // SAFETY: BEFORE_FORK holds a leaked registry from before the fork; only its atomics
            // are read, never its locks.
            let parent = unsafe { &*inherited.cast::<Arc<Registry>>() };
            team = parent.max_threads_requested();
            registry.set_runtime_schedule(parent.runtime_schedule());
            registry.set_serial_threshold(parent.serial_threshold());
        }
        if let Err(e) = registry.set_num_threads(team) {
            eprintln!("parfor: warning: {e}");
        }
        // As OpenMP runtimes do, binding applies to the initial thread too: it is thread 0.
        registry.bind_current_thread_as(0);
        p = Box::into_raw(Box::new(registry)).cast();
        annotate::happens_before(&GLOBAL);
        GLOBAL.store(p, Release);
    }
    annotate::happens_after(&GLOBAL);
    CREATING.store(false, Release);
    // SAFETY: as in `registry`.
    unsafe { &*p.cast::<Arc<Registry>>() }
}

/// Sets the team size of later regions on the global pool (OpenMP's `omp_set_num_threads`),
/// creating threads now if the pool grows. Capped at the thread limit.
///
/// ```
/// parfor::set_num_threads(3).unwrap();
/// assert_eq!(parfor::max_threads(), 3.min(parfor::settings().thread_limit.value));
/// assert!(parfor::set_num_threads(0).is_err());
/// ```
pub fn set_num_threads(n: usize) -> Result<(), ThreadsError> {
    registry().set_num_threads(n)
}

/// Team size the next region on the global pool gets (OpenMP's `omp_get_max_threads`).
///
/// ```
/// assert!(parfor::max_threads() >= 1);
/// ```
pub fn max_threads() -> usize {
    registry().max_threads()
}

/// Sets the schedule [`Schedule::Runtime`] stands for (OpenMP's `omp_set_schedule`).
/// `Schedule::Runtime` itself is ignored, as it would refer to itself.
///
/// ```
/// parfor::set_schedule(parfor::Schedule::Guided(2));
/// assert_eq!(parfor::schedule(), parfor::Schedule::Guided(2));
/// parfor::set_schedule(parfor::Schedule::Static);
/// ```
pub fn set_schedule(schedule: Schedule) {
    if schedule != Schedule::Runtime {
        registry().set_runtime_schedule(schedule)
    }
}

/// The schedule [`Schedule::Runtime`] stands for on the global pool.
pub fn schedule() -> Schedule {
    registry().runtime_schedule()
}

/// Loops with fewer iterations than `n` run on the calling thread alone (default
/// [`crate::DEFAULT_SERIAL_THRESHOLD`], or `PARFOR_SERIAL_THRESHOLD`). Results do not depend on
/// it: such a loop runs every thread's share in turn, with the same partition.
///
/// ```
/// parfor::set_serial_threshold(100);
/// assert_eq!(parfor::serial_threshold(), 100);
/// parfor::set_serial_threshold(parfor::DEFAULT_SERIAL_THRESHOLD);
/// ```
pub fn set_serial_threshold(n: u64) {
    registry().set_serial_threshold(n)
}

/// See [`set_serial_threshold`].
pub fn serial_threshold() -> u64 {
    registry().serial_threshold()
}
