//! `omp_get_wtime` and `omp_get_wtick`: seconds on the monotonic clock and its resolution.
//!
//! ```c
//! double t0 = omp_get_wtime(); work(); double seconds = omp_get_wtime() - t0;
//! ```

/// Reads `CLOCK_MONOTONIC` (`clock_gettime`) or its resolution (`clock_getres`).
fn monotonic(resolution: bool) -> f64 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a writable timespec; CLOCK_MONOTONIC always exists on Linux.
    unsafe {
        if resolution {
            libc::clock_getres(libc::CLOCK_MONOTONIC, &mut ts);
        } else {
            libc::clock_gettime(libc::CLOCK_MONOTONIC, &mut ts);
        }
    }
    ts.tv_sec as f64 + ts.tv_nsec as f64 * 1e-9
}

/// Elapsed wall-clock seconds from a fixed point in the past.
#[no_mangle]
pub extern "C" fn omp_get_wtime() -> f64 {
    monotonic(false)
}

/// Seconds between successive clock ticks of [`omp_get_wtime`].
#[no_mangle]
pub extern "C" fn omp_get_wtick() -> f64 {
    monotonic(true)
}
