//! Problems too large for the machine: a kernel that would need more memory than there is unwinds
//! with `parfor::AllocError` (never an abort), and a reduction that needs no memory but would run
//! for days can be stopped with `parfor::cancel()`. The process and the pool stay usable.
//!
//! One test function: a cancel stops every loop in the process, so nothing may run beside it.

use parfor_kernels::{bootstrap, grid_max, mandelbrot, pi, roots, wealth, weather};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// The bytes of the `AllocError` that `work` unwinds with.
fn alloc_error<R>(work: impl FnOnce() -> R) -> usize {
    let payload = catch_unwind(AssertUnwindSafe(work))
        .err()
        .expect("no unwind");
    payload
        .downcast_ref::<parfor::AllocError>()
        .expect("the payload is an AllocError")
        .bytes
}

/// Runs `work` while another thread calls `parfor::cancel()` every 20 ms (a cancel between two
/// loops of a kernel affects neither); `work` must return `Err(Cancelled)` within 20 s.
fn stopped_by_cancel<R>(what: &str, work: impl FnOnce() -> R) {
    let done = AtomicBool::new(false);
    let started = Instant::now();
    std::thread::scope(|s| {
        s.spawn(|| {
            std::thread::sleep(Duration::from_millis(50));
            while !done.load(Ordering::Acquire) {
                parfor::cancel();
                assert!(
                    started.elapsed() < Duration::from_secs(20),
                    "{what}: not stopped 20 s after cancel"
                );
                std::thread::sleep(Duration::from_millis(20));
            }
        });
        let result = parfor::cancellable(work);
        done.store(true, Ordering::Release);
        assert!(result.is_err(), "{what} was not cancelled");
    });
}

#[test]
fn huge_problems_fail_cleanly_or_stop_and_the_pool_stays_usable() {
    let before = pi::parallel(pi::Params::small(), 5, pi::DEFAULT_SCHEDULE);

    // Memory sized from the problem that cannot be had.
    let households = wealth::Params {
        households: 1 << 40,
        ..wealth::Params::small()
    };
    let s = wealth::DEFAULT_SCHEDULE;
    assert!(alloc_error(|| wealth::parallel(households, 1, s)) >= 8 << 40);
    assert!(alloc_error(|| wealth::serial(households, 1)) >= 8 << 40);
    let draws = bootstrap::Params {
        tasks: 8,
        draws: 1 << 53,
    };
    let s = bootstrap::DEFAULT_SCHEDULE;
    assert!(alloc_error(|| bootstrap::summary(draws, 1, s)) >= 8 << 53);
    let tasks = bootstrap::Params {
        tasks: 1 << 53,
        draws: 10,
    };
    assert!(alloc_error(|| bootstrap::serial_summary(tasks, 1)) >= 8 << 53);
    assert!(alloc_error(|| roots::input(roots::Params { n: 1 << 60 }, 1)) > 0);
    // A split run's partial keeps one entry per block of its range (the caller asked for them).
    let runs = weather::Params {
        runs: 1 << 62,
        ..weather::Params::default()
    };
    let all = 0..weather::num_blocks(runs);
    let s = weather::DEFAULT_SCHEDULE;
    assert!(alloc_error(|| weather::partial(runs, 1, all, s)) >= 24 << 52);

    // Reductions that need no memory, stopped within a block.
    stopped_by_cancel("pi(1e15)", || {
        pi::parallel(
            pi::Params {
                n: 1_000_000_000_000_000,
            },
            1,
            pi::DEFAULT_SCHEDULE,
        )
    });
    let runs = weather::Params {
        runs: 1 << 53,
        ..weather::Params::default()
    };
    stopped_by_cancel("weather(2^53)", || {
        weather::parallel(runs, 1, weather::DEFAULT_SCHEDULE)
    });
    let tasks = bootstrap::Params {
        tasks: 1 << 53,
        draws: 1000,
    };
    stopped_by_cancel("bootstrap(2^53)", || {
        bootstrap::summary(tasks, 1, bootstrap::DEFAULT_SCHEDULE)
    });
    let grid = mandelbrot::Params {
        width: u32::MAX,
        height: u32::MAX,
        max_iter: 100,
    };
    stopped_by_cancel("mandelbrot total of (2^32-1)^2 pixels", || {
        mandelbrot::total(grid, mandelbrot::DEFAULT_SCHEDULE)
    });
    stopped_by_cancel("grid_max of 2^31 x 2^31", || {
        grid_max::parallel(grid_max::Params { n: 1 << 31 }, grid_max::DEFAULT_SCHEDULE)
    });

    // A cancel with nothing running changes nothing; the results are the same bits as before.
    parfor::cancel();
    let after = pi::parallel(pi::Params::small(), 5, pi::DEFAULT_SCHEDULE);
    assert_eq!(after.to_bits(), before.to_bits());
}
