//! The OpenMP internal control variables through the C API, mapped onto the parfor runtime's
//! settings and setters (one pool per process: setting an ICV here sets it for parfor's own API
//! too).
//!
//! ```c
//! omp_set_schedule(omp_sched_dynamic, 4);   // parfor::set_schedule(Schedule::Dynamic(4))
//! ```

use crate::task_env;
use parfor::{ProcBind, Schedule};
use std::os::raw::c_int;

/// `omp_sched_t`'s monotonic modifier bit: dynamic and guided with it take their chunks in order
/// from a shared counter; without it they steal (parfor's `MonotonicDynamic` against `Dynamic`).
const MONOTONIC: c_int = i32::MIN;

/// Saturating `usize` to `int`.
pub(crate) fn to_int(n: usize) -> c_int {
    c_int::try_from(n).unwrap_or(c_int::MAX)
}

/// Sets the team size of regions this task starts (its `nthreads-var`); outside any region
/// also parfor's own setting. Values below 1 are ignored, as the spec allows.
#[no_mangle]
pub extern "C" fn omp_set_num_threads(n: c_int) {
    let Ok(n @ 1..) = usize::try_from(n) else {
        return;
    };
    task_env::set_nthreads(n);
    if parfor::level() == 0 {
        // An error means the pool could not grow now: regions get the threads there are.
        let _ = parfor::set_num_threads(n);
    }
}

/// The team size a region started by this task would ask for.
#[no_mangle]
pub extern "C" fn omp_get_max_threads() -> c_int {
    to_int(task_env::nthreads().unwrap_or_else(parfor::max_threads))
}

/// CPUs this process may run on.
#[no_mangle]
pub extern "C" fn omp_get_num_procs() -> c_int {
    to_int(parfor::settings().cpus)
}

/// `OMP_THREAD_LIMIT` (capped by parfor).
#[no_mangle]
pub extern "C" fn omp_get_thread_limit() -> c_int {
    let pool = parfor::thread_limit();
    to_int(task_env::thread_limit().map_or(pool, |n| n.min(pool)))
}

/// Sets dyn-var: with true, teams never exceed the CPUs the process may use.
#[no_mangle]
pub extern "C" fn omp_set_dynamic(on: c_int) {
    if !task_env::update_icvs(|i| i.dynamic = on != 0) {
        parfor::set_dynamic(on != 0)
    }
}

/// dyn-var.
#[no_mangle]
pub extern "C" fn omp_get_dynamic() -> c_int {
    c_int::from(task_env::icvs().map_or_else(parfor::dynamic, |i| i.dynamic))
}

/// Sets max-active-levels-var (negative values are ignored; capped by the runtime).
#[no_mangle]
pub extern "C" fn omp_set_max_active_levels(n: c_int) {
    if let Ok(n) = usize::try_from(n) {
        set_max_active_levels(n)
    }
}

/// Sets max-active-levels-var: a target region's own inside one, else the process's.
fn set_max_active_levels(n: usize) {
    let n = n.min(parfor::MAX_ACTIVE_LEVELS);
    if !task_env::update_icvs(|i| i.max_active_levels = n) {
        parfor::set_max_active_levels(n)
    }
}

/// max-active-levels-var of this task.
fn max_active_levels() -> usize {
    task_env::icvs().map_or_else(parfor::max_active_levels, |i| i.max_active_levels)
}

/// max-active-levels-var.
#[no_mangle]
pub extern "C" fn omp_get_max_active_levels() -> c_int {
    to_int(max_active_levels())
}

/// The most active levels parfor supports.
#[no_mangle]
pub extern "C" fn omp_get_supported_active_levels() -> c_int {
    to_int(parfor::MAX_ACTIVE_LEVELS)
}

/// Deprecated form of [`omp_set_max_active_levels`]: true allows every supported level, false
/// one.
#[no_mangle]
pub extern "C" fn omp_set_nested(on: c_int) {
    set_max_active_levels(if on != 0 {
        parfor::MAX_ACTIVE_LEVELS
    } else {
        1
    })
}

/// Deprecated: whether more than one active level is allowed.
#[no_mangle]
pub extern "C" fn omp_get_nested() -> c_int {
    c_int::from(max_active_levels() > 1)
}

/// The schedule `schedule(runtime)` loops use, as `omp_sched_t` and chunk.
fn schedule_to_omp(s: Schedule) -> (c_int, c_int) {
    let chunk = |c: u64| c_int::try_from(c).unwrap_or(c_int::MAX);
    match s {
        Schedule::Static | Schedule::Runtime => (1, 0),
        Schedule::StaticChunked(c) => (1, chunk(c)),
        Schedule::Dynamic(c) => (2, chunk(c)),
        Schedule::Guided(c) => (3, chunk(c)),
        Schedule::MonotonicDynamic(c) => (2 | MONOTONIC, chunk(c)),
        Schedule::MonotonicGuided(c) => (3 | MONOTONIC, chunk(c)),
        Schedule::Auto => (4, 0),
    }
}

/// `omp_sched_t` and chunk as a schedule; `None` for an unknown kind. A chunk below 1 means
/// the default (blocks for static, 1 otherwise).
pub(crate) fn schedule_from_omp(kind: c_int, chunk: i64) -> Option<Schedule> {
    let c = u64::try_from(chunk).unwrap_or(0);
    let monotonic = |s: Schedule| {
        if kind & MONOTONIC != 0 {
            s.monotonic()
        } else {
            s
        }
    };
    Some(monotonic(match kind & !MONOTONIC {
        1 if c == 0 => Schedule::Static,
        1 => Schedule::StaticChunked(c),
        2 => Schedule::Dynamic(c.max(1)),
        3 => Schedule::Guided(c.max(1)),
        4 => Schedule::Auto,
        _ => return None,
    }))
}

/// Sets the run-time schedule (a target region's own, inside one); an unknown kind is ignored.
#[no_mangle]
pub extern "C" fn omp_set_schedule(kind: c_int, chunk: c_int) {
    if let Some(s) = schedule_from_omp(kind, chunk.into()) {
        if !task_env::update_icvs(|i| i.schedule = s) {
            parfor::set_schedule(s)
        }
    }
}

/// The run-time schedule of this task: its target region's, else the process's.
pub(crate) fn runtime_schedule() -> Schedule {
    task_env::icvs().map_or_else(parfor::schedule, |i| i.schedule)
}

/// The run-time schedule.
///
/// # Safety
/// `kind` and `chunk` are writable (null ones are skipped).
#[no_mangle]
pub unsafe extern "C" fn omp_get_schedule(kind: *mut c_int, chunk: *mut c_int) {
    let (k, c) = schedule_to_omp(runtime_schedule());
    // SAFETY: the caller passes writable ints or null.
    unsafe {
        if let Some(kind) = kind.as_mut() {
            *kind = k;
        }
        if let Some(chunk) = chunk.as_mut() {
            *chunk = c;
        }
    }
}

/// `OMP_PROC_BIND` as `omp_proc_bind_t` (false 0, true 1, primary 2, close 3, spread 4).
#[no_mangle]
pub extern "C" fn omp_get_proc_bind() -> c_int {
    match parfor::settings().proc_bind.value {
        ProcBind::False => 0,
        ProcBind::True => 1,
        ProcBind::Primary => 2,
        ProcBind::Close => 3,
        ProcBind::Spread => 4,
    }
}

/// `cancel-var`: whether `OMP_CANCELLATION=true` turned cancellation on (read once, at the first
/// call; any other value leaves it off, the default).
pub(crate) fn cancellation() -> bool {
    static CANCELLATION: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *CANCELLATION.get_or_init(|| {
        std::env::var("OMP_CANCELLATION").is_ok_and(|v| v.trim().eq_ignore_ascii_case("true"))
    })
}

/// Prints the settings in force to stderr, as `OMP_DISPLAY_ENV=true` does at start.
#[no_mangle]
pub extern "C" fn omp_display_env(_verbose: c_int) {
    eprint!("{}", parfor::settings().display());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schedules_round_trip_through_omp_sched_t() {
        for s in [
            Schedule::Static,
            Schedule::StaticChunked(3),
            Schedule::Dynamic(5),
            Schedule::Guided(2),
            Schedule::MonotonicDynamic(5),
            Schedule::MonotonicGuided(2),
            Schedule::Auto,
        ] {
            let (k, c) = schedule_to_omp(s);
            assert_eq!(schedule_from_omp(k, c.into()), Some(s));
        }
        assert_eq!(
            schedule_from_omp(2 | MONOTONIC, 0),
            Some(Schedule::MonotonicDynamic(1))
        );
        assert_eq!(schedule_from_omp(9, 1), None);
    }
}
