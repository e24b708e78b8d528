//! Device and league queries of a host-only runtime: no offload devices, one team in the
//! league. The values OpenMP specifies for that case, and the setters stored for their getters.
//!
//! ```c
//! assert(omp_get_num_devices() == 0 && omp_is_initial_device());
//! ```

use std::os::raw::c_int;
use std::sync::atomic::{AtomicI32, Ordering::Relaxed};

static DEFAULT_DEVICE: AtomicI32 = AtomicI32::new(0);
static MAX_TEAMS: AtomicI32 = AtomicI32::new(0);
static TEAMS_THREAD_LIMIT: AtomicI32 = AtomicI32::new(0);

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

/// One team in the league outside `teams`.
#[no_mangle]
pub extern "C" fn omp_get_num_teams() -> c_int {
    1
}

/// Team 0 of that league.
#[no_mangle]
pub extern "C" fn omp_get_team_num() -> c_int {
    0
}

/// Stores nteams-var (no `teams` construct runs here).
#[no_mangle]
pub extern "C" fn omp_set_num_teams(n: c_int) {
    if n > 0 {
        MAX_TEAMS.store(n, Relaxed)
    }
}

/// nteams-var (0: unset).
#[no_mangle]
pub extern "C" fn omp_get_max_teams() -> c_int {
    MAX_TEAMS.load(Relaxed)
}

/// Stores teams-thread-limit-var.
#[no_mangle]
pub extern "C" fn omp_set_teams_thread_limit(n: c_int) {
    if n > 0 {
        TEAMS_THREAD_LIMIT.store(n, Relaxed)
    }
}

/// teams-thread-limit-var (0: unset).
#[no_mangle]
pub extern "C" fn omp_get_teams_thread_limit() -> c_int {
    TEAMS_THREAD_LIMIT.load(Relaxed)
}

/// Task priorities are not used: the maximum is 0.
#[no_mangle]
pub extern "C" fn omp_get_max_task_priority() -> c_int {
    0
}
