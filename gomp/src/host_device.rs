//! Device and league queries of a host-only runtime: no offload devices (target regions run on
//! the host, see `target`), and the league a `teams` construct runs. The values OpenMP
//! specifies for that case, and the setters stored for their getters.
//!
//! ```c
//! assert(omp_get_num_devices() == 0 && omp_is_initial_device());
//! ```

use std::os::raw::c_int;
use std::sync::atomic::{AtomicI32, Ordering::Relaxed};

static DEFAULT_DEVICE: AtomicI32 = AtomicI32::new(0);
/// nteams-var and teams-thread-limit-var; -1 until read from the environment.
static MAX_TEAMS: AtomicI32 = AtomicI32::new(-1);
static TEAMS_THREAD_LIMIT: AtomicI32 = AtomicI32::new(-1);

/// `var`'s value: set by the program, else `OMP_NUM_TEAMS`-style variable `name` (a positive
/// integer; anything else means unset, 0).
fn env_icv(var: &AtomicI32, name: &str) -> c_int {
    let value = var.load(Relaxed);
    if value >= 0 {
        return value;
    }
    let from_env = std::env::var(name)
        .ok()
        .and_then(|v| v.trim().parse::<c_int>().ok())
        .filter(|n| *n > 0)
        .unwrap_or(0);
    // A concurrent setter wins: only replace the "unread" marker.
    let _ = var.compare_exchange(-1, from_env, Relaxed, Relaxed);
    var.load(Relaxed)
}

/// No offload devices.
#[no_mangle]
pub extern "C" fn omp_get_num_devices() -> c_int {
    0
}

/// The host is the initial device: its number is the number of devices.
#[no_mangle]
pub extern "C" fn omp_get_initial_device() -> c_int {
    omp_get_num_devices()
}

/// The device this code runs on: the host.
#[no_mangle]
pub extern "C" fn omp_get_device_num() -> c_int {
    omp_get_initial_device()
}

/// Always true: everything runs on the host.
#[no_mangle]
pub extern "C" fn omp_is_initial_device() -> c_int {
    1
}

/// Stores the default-device ICV (read back by [`omp_get_default_device`]).
#[no_mangle]
pub extern "C" fn omp_set_default_device(device: c_int) {
    DEFAULT_DEVICE.store(device, Relaxed)
}

/// The default-device ICV.
#[no_mangle]
pub extern "C" fn omp_get_default_device() -> c_int {
    DEFAULT_DEVICE.load(Relaxed)
}

/// The number of teams in the league this task runs in (1 outside `teams`).
#[no_mangle]
pub extern "C" fn omp_get_num_teams() -> c_int {
    c_int::try_from(crate::task_env::league().1).unwrap_or(c_int::MAX)
}

/// This task's team in its league (0 outside `teams`).
#[no_mangle]
pub extern "C" fn omp_get_team_num() -> c_int {
    c_int::try_from(crate::task_env::league().0).unwrap_or(c_int::MAX)
}

/// Stores nteams-var (no `teams` construct runs here).
#[no_mangle]
pub extern "C" fn omp_set_num_teams(n: c_int) {
    if n > 0 {
        MAX_TEAMS.store(n, Relaxed)
    }
}

/// nteams-var (`OMP_NUM_TEAMS`; 0: unset).
#[no_mangle]
pub extern "C" fn omp_get_max_teams() -> c_int {
    env_icv(&MAX_TEAMS, "OMP_NUM_TEAMS")
}

/// Stores teams-thread-limit-var.
#[no_mangle]
pub extern "C" fn omp_set_teams_thread_limit(n: c_int) {
    if n > 0 {
        TEAMS_THREAD_LIMIT.store(n, Relaxed)
    }
}

/// teams-thread-limit-var (`OMP_TEAMS_THREAD_LIMIT`; 0: unset).
#[no_mangle]
pub extern "C" fn omp_get_teams_thread_limit() -> c_int {
    env_icv(&TEAMS_THREAD_LIMIT, "OMP_TEAMS_THREAD_LIMIT")
}

/// Task priorities are not used: the maximum is 0.
#[no_mangle]
pub extern "C" fn omp_get_max_task_priority() -> c_int {
    0
}
