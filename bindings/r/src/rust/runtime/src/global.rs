//! The global pool: created on first use from the environment.
//!
//! The settings are read from the environment once (warnings printed then, and the settings
//! themselves when `OMP_DISPLAY_ENV` asks). The pool is created on the first loop (or the first
//! call that needs it) with `OMP_NUM_THREADS` threads. After `fork()` the child keeps the same
//! pool object, which starts fresh worker threads on first use (see [`crate::pool`]), with the
//! parent's team size and schedule.

use crate::annotate;
use crate::env::{DisplayEnv, Settings};
use crate::pool::{Registry, RegistryConfig, ThreadsError};
use crate::schedule::Schedule;
use std::sync::atomic::{AtomicBool, AtomicPtr, Ordering::*};
use std::sync::{Arc, OnceLock};

static SETTINGS: OnceLock<Settings> = OnceLock::new();
/// The global registry (a leaked `Arc`), or null before first use.
static GLOBAL: AtomicPtr<Registry> = AtomicPtr::new(std::ptr::null_mut());
/// A spin lock for creating the registry (reset by the fork handler, which a mutex cannot be).
static CREATING: AtomicBool = AtomicBool::new(false);

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

/// Called in the child of a fork: a creation in progress in another thread of the parent will
/// never finish here.
pub(crate) fn after_fork_in_child() {
    CREATING.store(false, Relaxed);
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

/// Releases the creation lock when dropped, also if creating the pool panicked.
struct Creating;

impl Drop for Creating {
    fn drop(&mut self) {
        CREATING.store(false, Release);
    }
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
    let _creating = Creating;
    let mut p = GLOBAL.load(Acquire);
    if p.is_null() {
        let settings = settings();
        let registry = Registry::new(RegistryConfig::from_settings(settings), settings);
        let team = registry.max_threads_requested();
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

/// Sets how many nested levels of regions may be active (more than one thread) on the global
/// pool (OpenMP's `omp_set_max_active_levels`); deeper regions get a team of one. 0 makes every
/// region serial. Capped at [`crate::MAX_ACTIVE_LEVELS`].
///
/// ```
/// parfor::set_max_active_levels(2);
/// assert_eq!(parfor::max_active_levels(), 2);
/// parfor::set_max_active_levels(1);
/// ```
pub fn set_max_active_levels(n: usize) {
    registry().set_max_active_levels(n)
}

/// See [`set_max_active_levels`].
pub fn max_active_levels() -> usize {
    registry().max_active_levels()
}

/// With `true`, teams of the global pool never exceed the CPUs the process may use (OpenMP's
/// `omp_set_dynamic`).
///
/// ```
/// parfor::set_dynamic(false);
/// assert!(!parfor::dynamic());
/// ```
pub fn set_dynamic(on: bool) {
    registry().set_dynamic(on)
}

/// See [`set_dynamic`].
pub fn dynamic() -> bool {
    registry().dynamic()
}

/// The most threads a team of the global pool can have (`OMP_THREAD_LIMIT`, capped by
/// [`crate::thread_cap`]).
///
/// ```
/// assert!(parfor::thread_limit() >= parfor::max_threads());
/// ```
pub fn thread_limit() -> usize {
    registry().thread_limit()
}
